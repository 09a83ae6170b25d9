// eigen-einsum ops: the batched contraction as an Eigen expression: for every batch index a GEMM
//   C_b[m, n] = sum_k A_b[m, k] B_b[k, n]
// with m = the merged free axes of one operand, n = those of the other, k = the merged contracted
// axes. It materialises like Eigen's TensorContractionOp; the operands and the output are copied
// (permuted) only where the chosen layout (plan/batch_layout.hpp) cannot use them in place.
#ifndef EIGEN_EINSUM_OPS_BATCH_CONTRACTION_HPP
#define EIGEN_EINSUM_OPS_BATCH_CONTRACTION_HPP

#include "../plan/batch_layout.hpp"
#include "device.hpp"
#include "permute.hpp"
#include "tensor.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstring>
#include <type_traits>

namespace eigen_einsum::detail {

/// The batched contraction of two tensor expressions described by `Spec::value` (a
/// batch_contraction_spec, see batch_spec_of). Holds its operands by Eigen's nesting rules: a
/// Tensor by reference, so an `auto` result must not outlive the tensors it was built from.
template <class Spec, class LhsXpr, class RhsXpr>
class TensorBatchContractionOp;

/// The layouts of Spec for these operands, computed once per instantiation.
template <class Spec, bool RowMajor, bool LhsRaw, bool RhsRaw>
struct batch_layouts_for {
  static constexpr batch_layouts value = layouts_of(Spec::value, RowMajor, LhsRaw, RhsRaw);
};

} // namespace eigen_einsum::detail

namespace Eigen::internal {

template <class Spec, class LhsXpr, class RhsXpr>
struct traits<eigen_einsum::detail::TensorBatchContractionOp<Spec, LhsXpr, RhsXpr>>
    : eigen_einsum::detail::op_traits<LhsXpr, Spec::value.out_rank> {};

} // namespace Eigen::internal

namespace eigen_einsum::detail {

template <class Spec, class LhsXpr, class RhsXpr>
class TensorBatchContractionOp : public op_base<TensorBatchContractionOp<Spec, LhsXpr, RhsXpr>> {
public:
  using typename op_base<TensorBatchContractionOp>::Scalar;
  using typename op_base<TensorBatchContractionOp>::Index;

  static_assert(std::is_same_v<std::remove_const_t<typename LhsXpr::Scalar>,
                               std::remove_const_t<typename RhsXpr::Scalar>>,
                "einsum: batch_contract needs operands of the same scalar type; cast one with "
                ".cast<T>()");
  static_assert(int(Eigen::internal::traits<LhsXpr>::Layout) ==
                    int(Eigen::internal::traits<RhsXpr>::Layout),
                "einsum: batch_contract needs operands of the same layout (both ColMajor or both "
                "RowMajor)");
  static_assert(Spec::value.lhs_rank == Eigen::internal::traits<LhsXpr>::NumDimensions &&
                    Spec::value.rhs_rank == Eigen::internal::traits<RhsXpr>::NumDimensions,
                "einsum: internal error: the batched contraction's ranks differ from the "
                "operands' ranks");

  TensorBatchContractionOp(const LhsXpr& lhs, const RhsXpr& rhs) : m_lhs_xpr(lhs), m_rhs_xpr(rhs) {}

  const std::remove_cv_t<std::remove_reference_t<typename LhsXpr::Nested>>& lhsExpression() const {
    return m_lhs_xpr;
  }
  const std::remove_cv_t<std::remove_reference_t<typename RhsXpr::Nested>>& rhsExpression() const {
    return m_rhs_xpr;
  }

private:
  typename LhsXpr::Nested m_lhs_xpr;
  typename RhsXpr::Nested m_rhs_xpr;
};

/// C_b = X_b * Y_b for b in [first, last) over tiny square slices: a fixed-size product unrolls
/// and vectorises (~3x the dynamic one at 8x8).
template <class Scalar, int Size, bool XTrans, bool YTrans>
void fixed_gemm_range(const Scalar* x, const Scalar* y, Scalar* c, Eigen::Index first,
                      Eigen::Index last) {
  using XMap = Eigen::Map<const Eigen::Matrix<Scalar, Size, Size, XTrans ? Eigen::RowMajor : 0>>;
  using YMap = Eigen::Map<const Eigen::Matrix<Scalar, Size, Size, YTrans ? Eigen::RowMajor : 0>>;
  using CMap = Eigen::Map<Eigen::Matrix<Scalar, Size, Size>>;
  constexpr Eigen::Index slice = Size * Size;
  for (Eigen::Index b = first; b < last; ++b) {
    CMap(c + b * slice).noalias() = XMap(x + b * slice).lazyProduct(YMap(y + b * slice));
  }
}

/// c[i] = sum over p < k of a[i * k + p] * v[p] for i < len: a matrix-vector product whose
/// contracted label is contiguous and shorter than a packet, as k strided columns scaled and
/// added. Eigen's GEMV takes a dot product per row there, of partial packets: 2.5-4x slower at
/// k = 2-4 (double, 32-4096 rows).
template <class Scalar>
void short_rows_gemv(const Scalar* a, const Scalar* v, Scalar* c, Eigen::Index len,
                     Eigen::Index k) {
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using Column = Eigen::Map<const Vector, 0, Eigen::InnerStride<>>;
  Eigen::Map<Vector> out(c, len);
  if (k == 0) {
    out.setZero();
    return;
  }
  out = Column(a, len, Eigen::InnerStride<>(k)) * v[0];
  for (Eigen::Index p = 1; p < k; ++p) {
    out += Column(a + p, len, Eigen::InnerStride<>(k)) * v[p];
  }
}

/// Most columns of a result that small_result_gemm takes: beyond, Eigen's kernel has enough
/// columns to fill its panels.
inline constexpr Eigen::Index small_result_columns = 16;

/// The sums of four result columns in small_result_gemm, named: an array of them, indexed in
/// loops, lived on the stack (GCC 12), and the kernel ran 1.4x as long.
template <class Scalar>
struct four_column_sums {
  using Packet = typename Eigen::internal::packet_traits<Scalar>::type;
  Packet s0, s1, s2, s3;

  /// Adds `u` times the coefficient at `at` of each of the four columns.
  EIGEN_ALWAYS_INLINE void add(const Packet& u, const Scalar* const (&column)[4], Eigen::Index at) {
    using Eigen::internal::pmadd;
    using Eigen::internal::pset1;
    s0 = pmadd(u, pset1<Packet>(column[0][at]), s0);
    s1 = pmadd(u, pset1<Packet>(column[1][at]), s1);
    s2 = pmadd(u, pset1<Packet>(column[2][at]), s2);
    s3 = pmadd(u, pset1<Packet>(column[3][at]), s3);
  }
};

/// C = X * Y for one ColMajor X of m <= a packet rows (m x k) and C m x n: each step of k adds X's
/// column times Y's row k to the result's columns, held in registers four at a time. Eigen's GEMM
/// pads such short columns into panels many packets tall: 3.3x slower for float 10x1000 times
/// 1000x10. Y's coefficient (p, j) is at y[p * y_step + j * y_column]. Reads whole packets of X;
/// the last columns, where a packet would run past X, go through a copy.
template <class Scalar>
void small_result_gemm(const Scalar* x, const Scalar* y, Eigen::Index y_step, Eigen::Index y_column,
                       Scalar* c, Eigen::Index m, Eigen::Index n, Eigen::Index k) {
  using Eigen::Index;
  using Packet = typename Eigen::internal::packet_traits<Scalar>::type;
  constexpr Index P = Eigen::internal::packet_traits<Scalar>::size;
  // Columns p < safe can be read as a whole packet inside X.
  const Index safe = m * k >= P ? (m * k - P) / m + 1 : 0;
  EIGEN_ALIGN_MAX Scalar tail[P] = {};
  const auto column_at = [&](Index p) {
    if (p < safe) {
      return Eigen::internal::ploadu<Packet>(x + p * m);
    }
    std::copy_n(x + p * m, m, tail);
    return Eigen::internal::ploadu<Packet>(tail);
  };
  for (Index j0 = 0; j0 < n; j0 += 4) {
    // A last group of fewer than four columns repeats its last one, not stored twice.
    const Scalar* const column[4] = {y + j0 * y_column, y + std::min(j0 + 1, n - 1) * y_column,
                                     y + std::min(j0 + 2, n - 1) * y_column,
                                     y + std::min(j0 + 3, n - 1) * y_column};
    // Sums for even and odd p: eight independent chains of FMAs.
    const Packet zero = Eigen::internal::pset1<Packet>(Scalar(0));
    four_column_sums<Scalar> even{zero, zero, zero, zero}, odd = even;
    Index p = 0;
    for (; p + 1 < k; p += 2) {
      even.add(column_at(p), column, p * y_step);
      odd.add(column_at(p + 1), column, (p + 1) * y_step);
    }
    if (p < k) {
      even.add(column_at(p), column, p * y_step);
    }
    using Eigen::internal::padd;
    const Packet sums[4] = {padd(even.s0, odd.s0), padd(even.s1, odd.s1), padd(even.s2, odd.s2),
                            padd(even.s3, odd.s3)};
    for (Index q = 0; q < 4 && j0 + q < n; ++q) {
      Eigen::internal::pstoreu(tail, sums[q]);
      std::copy_n(tail, m, c + (j0 + q) * m);
    }
  }
}

/// Eigen's GEMM blocking for an m x n x k product (one thread), its packing buffers from the
/// thread's scratch cache: Eigen's own allocates them afresh for every product.
template <class Scalar>
class packing_blocking : public Eigen::internal::level3_blocking<Scalar, Scalar> {
public:
  packing_blocking(const packing_blocking&) = delete;
  packing_blocking& operator=(const packing_blocking&) = delete;
  ~packing_blocking() { scratch_cache::local().deallocate(this->m_blockA, m_bytes); }

  packing_blocking(Eigen::Index m, Eigen::Index n, Eigen::Index k) {
    this->m_mc = m;
    this->m_nc = n;
    this->m_kc = k;
    Eigen::internal::computeProductBlockingSizes<Scalar, Scalar>(this->m_kc, this->m_mc, this->m_nc,
                                                                 Eigen::Index(1));
    // Block B starts on a 64-byte boundary, as the kernel's packets need.
    constexpr std::size_t align = 64 / sizeof(Scalar) > 0 ? 64 / sizeof(Scalar) : 1;
    const std::size_t size_a = std::size_t(this->m_mc * this->m_kc);
    const std::size_t offset_b = (size_a + align - 1) / align * align;
    m_bytes = sizeof(Scalar) * (offset_b + std::size_t(this->m_kc * this->m_nc));
    this->m_blockA = static_cast<Scalar*>(scratch_cache::local().allocate(m_bytes));
    this->m_blockB = this->m_blockA + offset_b;
  }

private:
  std::size_t m_bytes = 0;
};

/// Packs the depth x cols block of a RowMajor Y (row stride ld) as Eigen's GEMM kernel reads it
/// (panels of 4 columns, then single columns). Eigen's own packer walks down the columns, a row
/// (often a 4 KiB page) apart at each step; this one reads 16 rows at a time along their length
/// (0.77x the GEMM's time on the 32 x 32768 blocks of a gradient, 0.97x on 256^3).
template <class Scalar>
void pack_row_major_rhs(Scalar* block, const Scalar* y, Eigen::Index ld, Eigen::Index depth,
                        Eigen::Index cols) {
  using Eigen::Index;
  constexpr Index chunk = 16; // 4 and 32 rows were slower
  constexpr std::size_t quad = 4 * sizeof(Scalar);
  const Index cols4 = cols / 4 * 4;
  for (Index k = 0; k < depth; k += chunk) {
    const Index rows = std::min(chunk, depth - k);
    const Scalar* row = y + k * ld;
    for (Index j = 0; j < cols4; j += 4) {
      Scalar* panel = block + j * depth + k * 4;
      for (Index r = 0; r < rows; ++r) {
        std::memcpy(panel + 4 * r, row + r * ld + j, quad);
      }
    }
  }
  for (Index j = cols4; j < cols; ++j) {
    for (Index k = 0; k < depth; ++k) {
      block[j * depth + k] = y[k * ld + j];
    }
  }
}

/// C += op(X) * Y for a RowMajor Y, C ColMajor m x n: blocked as Eigen's sequential GEMM (its
/// blocking sizes, lhs packer and kernel are called here), with Y packed by pack_row_major_rhs.
template <class Scalar, bool XTrans>
void row_major_rhs_gemm(const Scalar* x, const Scalar* y, Scalar* c, Eigen::Index m, Eigen::Index n,
                        Eigen::Index k,
                        Eigen::internal::level3_blocking<Scalar, Scalar>& blocking) {
  using Eigen::Index;
  using traits = Eigen::internal::gebp_traits<Scalar, Scalar>;
  constexpr int x_order = XTrans ? Eigen::RowMajor : Eigen::ColMajor;
  using x_mapper = Eigen::internal::const_blas_data_mapper<Scalar, Index, x_order>;
  using c_mapper = Eigen::internal::blas_data_mapper<Scalar, Index, Eigen::ColMajor>;
  Eigen::internal::gemm_pack_lhs<Scalar, Index, x_mapper, traits::mr, traits::LhsProgress,
                                 typename traits::LhsPacket4Packing, x_order>
      pack_x;
  Eigen::internal::gebp_kernel<Scalar, Scalar, Index, c_mapper, traits::mr, traits::nr, false,
                               false>
      kernel;
  const x_mapper xs(x, XTrans ? k : m);
  const c_mapper cs(c, m);
  const Index kc = blocking.kc(), mc = std::min(m, blocking.mc()), nc = std::min(n, blocking.nc());
  Scalar* block_x = blocking.blockA();
  Scalar* block_y = blocking.blockB();
  // As Eigen: with one block of k and of n, Y is packed once for every block of m.
  const bool pack_y_once = mc != m && kc == k && nc == n;
  for (Index i = 0; i < m; i += mc) {
    const Index rows = std::min(i + mc, m) - i;
    for (Index p = 0; p < k; p += kc) {
      const Index depth = std::min(p + kc, k) - p;
      pack_x(block_x, xs.getSubMapper(i, p), depth, rows);
      for (Index j = 0; j < n; j += nc) {
        const Index cols = std::min(j + nc, n) - j;
        if (!pack_y_once || i == 0) {
          pack_row_major_rhs(block_y, y + p * n + j, n, depth, cols);
        }
        kernel(cs.getSubMapper(i, j), block_x, block_y, rows, depth, cols, Scalar(1));
      }
    }
  }
}

/// C_b = op(X_b) * op(Y_b) for b in [first, last): ColMajor m x n slices of C, X_b m x k and Y_b
/// k x n, each stored transposed (RowMajor) where XTrans or YTrans. Instantiated per scalar type
/// and orientation only. One packing buffer serves every slice, and later calls. With
/// EIGEN_USE_BLAS, the GEMM routine called here is Eigen's BLAS call.
template <class Scalar, bool XTrans, bool YTrans>
void gemm_range(const Scalar* x, const Scalar* y, Scalar* c, Eigen::Index m, Eigen::Index n,
                Eigen::Index k, Eigen::Index first, Eigen::Index last) {
  using Eigen::Index;
  constexpr int x_order = XTrans ? Eigen::RowMajor : Eigen::ColMajor;
  constexpr int y_order = YTrans ? Eigen::RowMajor : Eigen::ColMajor;
  if (m == n && n == k) {
    switch (m) {
    case 2:
      return fixed_gemm_range<Scalar, 2, XTrans, YTrans>(x, y, c, first, last);
    case 3:
      return fixed_gemm_range<Scalar, 3, XTrans, YTrans>(x, y, c, first, last);
    case 4:
      return fixed_gemm_range<Scalar, 4, XTrans, YTrans>(x, y, c, first, last);
    case 8:
      return fixed_gemm_range<Scalar, 8, XTrans, YTrans>(x, y, c, first, last);
    default:
      break;
    }
  }
  using XMap = Eigen::Map<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, x_order>>;
  using YMap = Eigen::Map<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, y_order>>;
  using CMap = Eigen::Map<Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>;
  // Eigen's own choices: a coefficient-based product below its threshold, GEMV for a vector.
  const bool small = m + n + k < EIGEN_GEMM_TO_COEFFBASED_THRESHOLD;
  // A vector out of X's contiguous rows or Y's contiguous columns, shorter than a packet.
  const bool x_rows = n == 1 && XTrans, y_columns = m == 1 && !YTrans;
  if (!small && k < Eigen::internal::packet_traits<Scalar>::size && (x_rows || y_columns)) {
    for (Index b = first; b < last; ++b) {
      const Scalar *xb = x + b * m * k, *yb = y + b * k * n;
      short_rows_gemv(x_rows ? xb : yb, x_rows ? yb : xb, c + b * m * n, m * n, k);
    }
    return;
  }
  // A result at most a packet tall and a few columns wide, from a long contracted label.
  if constexpr (!XTrans && std::is_floating_point_v<Scalar>) {
    // At most half a packet's lanes idle: with fewer rows Eigen's kernel was as fast or faster
    // (AVX-512 floats, m = 2 and 4, k = 32).
    constexpr Index lanes = Eigen::internal::packet_traits<Scalar>::size;
    if (!small && m > 1 && 2 * m >= lanes && m <= lanes && n > 1 && n <= small_result_columns) {
      for (Index b = first; b < last; ++b) {
        small_result_gemm(x + b * m * k, y + b * k * n, YTrans ? n : 1, YTrans ? 1 : k,
                          c + b * m * n, m, n, k);
      }
      return;
    }
  }
  if (small || m == 1 || n == 1) {
    for (Index b = first; b < last; ++b) {
      CMap cb(c + b * m * n, m, n);
      if (small) {
        cb.noalias() = XMap(x + b * m * k, m, k).lazyProduct(YMap(y + b * k * n, k, n));
      } else {
        cb.noalias() = XMap(x + b * m * k, m, k) * YMap(y + b * k * n, k, n);
      }
    }
    return;
  }
  using gemm = Eigen::internal::general_matrix_matrix_product<Index, Scalar, x_order, false, Scalar,
                                                              y_order, false, Eigen::ColMajor, 1>;
#ifdef EIGEN_USE_BLAS
  constexpr bool pack_rows = false; // the BLAS routine packs
#else
  // Real scalars' packed layout (panels of 4 columns) is the one pack_row_major_rhs writes.
  constexpr bool pack_rows = YTrans && std::is_floating_point_v<Scalar> &&
                             Eigen::internal::gebp_traits<Scalar, Scalar>::nr == 4;
#endif
  packing_blocking<Scalar> blocking(m, n, k);
  for (Index b = first; b < last; ++b) {
    Scalar* cb = c + b * m * n;
    std::fill(cb, cb + m * n, Scalar(0)); // the kernel adds to C
    if constexpr (pack_rows) {
      row_major_rhs_gemm<Scalar, XTrans>(x + b * m * k, y + b * k * n, cb, m, n, k, blocking);
    } else {
      // All 13 arguments: the BLAS specialisation's last one has no default.
      gemm::run(m, n, k, x + b * m * k, XTrans ? k : m, y + b * k * n, YTrans ? n : k, cb, 1, m,
                Scalar(1), blocking, nullptr);
    }
  }
}

/// The batched contraction described by `Spec::value`, as a lazy Eigen expression. For
/// `bij,bjk->bik`: `Spec::value = batch_spec_of(bij, bjk, bik)` (as label lists).
template <class Spec, class Lhs, class Rhs>
TensorBatchContractionOp<Spec, Lhs, Rhs> batch_contract(const Lhs& lhs, const Rhs& rhs) {
  return TensorBatchContractionOp<Spec, Lhs, Rhs>(lhs, rhs);
}

} // namespace eigen_einsum::detail

namespace Eigen {

template <class Spec, class LhsXpr, class RhsXpr, class Device>
struct TensorEvaluator<const eigen_einsum::detail::TensorBatchContractionOp<Spec, LhsXpr, RhsXpr>,
                       Device>
    : eigen_einsum::detail::buffer_evaluator_of<
          eigen_einsum::detail::TensorBatchContractionOp<Spec, LhsXpr, RhsXpr>, Device> {
  using XprType = eigen_einsum::detail::TensorBatchContractionOp<Spec, LhsXpr, RhsXpr>;
  using Scalar = typename XprType::Scalar;
  using Base = eigen_einsum::detail::buffer_evaluator_of<XprType, Device>;
  using Base::Layout;
  using Base::NumDims;
  using typename Base::Dimensions;
  using typename Base::EvaluatorPointerType;
  using typename Base::Index;
  using LhsEvaluator = TensorEvaluator<const LhsXpr, Device>;
  using RhsEvaluator = TensorEvaluator<const RhsXpr, Device>;
  static constexpr int LhsRank = Spec::value.lhs_rank;
  static constexpr int RhsRank = Spec::value.rhs_rank;

  static constexpr bool row_major = int(Layout) == int(RowMajor);
  static constexpr bool lhs_raw = LhsEvaluator::RawAccess;
  static constexpr bool rhs_raw = RhsEvaluator::RawAccess;
  static constexpr const eigen_einsum::detail::batch_layouts& layouts =
      eigen_einsum::detail::batch_layouts_for<Spec, row_major, lhs_raw, rhs_raw>::value;

  TensorEvaluator(const XprType& op, const Device& device)
      : Base(device), m_op(op), m_lhs_impl(op.lhsExpression(), device),
        m_rhs_impl(op.rhsExpression(), device) {
    constexpr const auto& spec = Spec::value;
    for (int a = 0; a < LhsRank; ++a) {
      m_extent[spec.lhs[a]] = m_lhs_impl.dimensions()[a];
    }
    for (int a = 0; a < RhsRank; ++a) {
      eigen_assert((spec.rhs[a] >= spec.num_batch + spec.num_contracted ||
                    m_extent[spec.rhs[a]] == m_rhs_impl.dimensions()[a]) &&
                   "einsum: a batch or contracted label has different extents in the two operands");
      m_extent[spec.rhs[a]] = m_rhs_impl.dimensions()[a];
    }
    for (int p = 0; p < NumDims; ++p) {
      m_dimensions[p] = m_extent[spec.out[p]];
    }
    m_layout = eigen_einsum::detail::cheapest_layout(
        layouts, internal::array_prod(m_lhs_impl.dimensions()),
        internal::array_prod(m_rhs_impl.dimensions()), internal::array_prod(m_dimensions));
  }

  const Dimensions& dimensions() const { return m_dimensions; }

  bool evalSubExprsIfNeeded(EvaluatorPointerType data) {
    if constexpr (lhs_raw) {
      m_lhs_impl.evalSubExprsIfNeeded(nullptr);
    }
    if constexpr (rhs_raw) {
      m_rhs_impl.evalSubExprsIfNeeded(nullptr);
    }
    evalTo(this->output(data, internal::array_prod(m_dimensions)));
    return data == nullptr;
  }

  template <class Callback>
  void evalSubExprsIfNeededAsync(EvaluatorPointerType data, Callback done) {
    done(evalSubExprsIfNeeded(data));
  }

  void cleanup() {
    if constexpr (lhs_raw) {
      m_lhs_impl.cleanup();
    }
    if constexpr (rhs_raw) {
      m_rhs_impl.cleanup();
    }
    Base::cleanup();
  }

private:
  const eigen_einsum::detail::batch_layout& layout() const { return layouts.layouts[m_layout]; }

  /// Whether some layout reads x and y stored so (transposed or not).
  static constexpr bool uses_orientation(bool x_trans, bool y_trans) {
    for (int i = 0; i < layouts.count; ++i) {
      if (layouts.layouts[i].x_trans == x_trans && layouts.layouts[i].y_trans == y_trans) {
        return true;
      }
    }
    return false;
  }

  Index product_of(const int* ids, int n) const {
    Index size = 1;
    for (int i = 0; i < n; ++i) {
      size *= m_extent[ids[i]];
    }
    return size;
  }

  /// Evaluates the whole result into `out` (the destination or our own buffer).
  void evalTo(Scalar* out) {
    constexpr const auto& spec = Spec::value;
    const auto& p = layout();
    const int nxf = p.swap ? spec.rhs_free : spec.lhs_free;
    const int nyf = p.swap ? spec.lhs_free : spec.rhs_free;
    const Index m = product_of(p.x_free, nxf), n = product_of(p.y_free, nyf);
    const Index k = product_of(p.contracted, spec.num_contracted);
    const Index batches = product_of(p.batch, spec.num_batch);
    const Index out_size = m * n * batches;
    if (out_size == 0) {
      return;
    }
    if (k == 0) {
      TensorMap<Tensor<Scalar, 1, Layout, Index>> all(out, out_size);
      all.device(this->m_device) = all.constant(Scalar(0));
      return;
    }
    // Operands not usable in place are copied (permuted) into one buffer holding [x | y]; an
    // output order that does not fit goes through scratch after them.
    const Index lhs_size = internal::array_prod(m_lhs_impl.dimensions());
    const Index rhs_size = internal::array_prod(m_rhs_impl.dimensions());
    const Index copy_size = eigen_einsum::detail::copied_by(p, lhs_size, rhs_size, out_size);
    const std::size_t copy_bytes = sizeof(Scalar) * std::size_t(copy_size);
    Scalar* buffer = copy_size > 0 ? static_cast<Scalar*>(eigen_einsum::detail::allocate_scratch(
                                         this->m_device, copy_bytes))
                                   : nullptr;
    Scalar* next = buffer;
    const Scalar* lhs_data = read_operand<lhs_raw>(m_op.lhsExpression(), m_lhs_impl, p.lhs_direct(),
                                                   p.swap ? p.y_perm : p.x_perm, next);
    const Scalar* rhs_data = read_operand<rhs_raw>(m_op.rhsExpression(), m_rhs_impl, p.rhs_direct(),
                                                   p.swap ? p.x_perm : p.y_perm, next);
    Scalar* c = p.out_direct ? out : next;
    const Scalar* x = p.swap ? rhs_data : lhs_data;
    const Scalar* y = p.swap ? lhs_data : rhs_data;
    // Only the orientations some layout uses are instantiated: each costs a GEMM's compile time.
    if (p.x_trans && p.y_trans) {
      if constexpr (uses_orientation(true, true)) {
        gemm_slices<true, true>(x, y, c, m, n, k, batches);
      }
    } else if (p.x_trans) {
      if constexpr (uses_orientation(true, false)) {
        gemm_slices<true, false>(x, y, c, m, n, k, batches);
      }
    } else if (p.y_trans) {
      if constexpr (uses_orientation(false, true)) {
        gemm_slices<false, true>(x, y, c, m, n, k, batches);
      }
    } else if constexpr (uses_orientation(false, false)) {
      gemm_slices<false, false>(x, y, c, m, n, k, batches);
    }
    if (!p.out_direct) {
      permute_output(c, out);
    }
    if (buffer != nullptr) {
      eigen_einsum::detail::deallocate_scratch(this->m_device, buffer, copy_bytes);
    }
  }

  /// The operand's memory when it is used in place; else its copy, permuted to the layout's
  /// order, written at `next`, which then moves past it.
  template <bool Raw, class Xpr, class Impl>
  const Scalar* read_operand(const Xpr& xpr, const Impl& impl, bool direct, const int* perm,
                             Scalar*& next) const {
    constexpr int rank = internal::traits<Xpr>::NumDimensions;
    if constexpr (Raw) {
      if (direct) {
        return impl.data();
      }
    }
    const auto& dims = impl.dimensions();
    array<Index, rank> shuffle;
    DSizes<Index, rank> copy_dims;
    for (int t = 0; t < rank; ++t) {
      const int from = eigen_einsum::detail::memory_axis(perm[t], rank, row_major);
      const int to = eigen_einsum::detail::memory_axis(t, rank, row_major);
      shuffle[to] = from;
      copy_dims[to] = dims[from];
    }
    Scalar* copy = next;
    next += internal::array_prod(dims);
    if constexpr (Raw) {
      // Already evaluated (a Tensor or a nested contraction): read its memory, don't re-evaluate.
      eigen_einsum::detail::permute_memory(
          eigen_einsum::detail::plan_permute<rank>(dims, shuffle, row_major), impl.data(), copy,
          this->m_device);
    } else {
      TensorMap<Tensor<Scalar, rank, Layout, Index>> target(copy, copy_dims);
      target.device(this->m_device) = xpr.shuffle(shuffle);
    }
    return copy;
  }

  /// Scratch [x free, y free, batch] -> the requested output order.
  void permute_output(const Scalar* scratch, Scalar* out) const {
    constexpr const auto& spec = Spec::value;
    const auto& p = layout();
    const int nxf = p.swap ? spec.rhs_free : spec.lhs_free;
    const int nyf = p.swap ? spec.lhs_free : spec.rhs_free;
    int scratch_ids[eigen_einsum::detail::batch_max_labels] = {};
    eigen_einsum::detail::concat_ids(scratch_ids, p.x_free, nxf, p.y_free, nyf, p.batch,
                                     spec.num_batch);
    array<Index, NumDims> shuffle;
    DSizes<Index, NumDims> scratch_dims;
    for (int s = 0; s < NumDims; ++s) {
      const int axis = eigen_einsum::detail::memory_axis(s, NumDims, row_major);
      scratch_dims[axis] = m_extent[scratch_ids[s]];
      shuffle[axis] = eigen_einsum::detail::memory_axis(p.out_perm[s], NumDims, row_major);
    }
    eigen_einsum::detail::permute_memory(
        eigen_einsum::detail::plan_permute<NumDims>(scratch_dims, shuffle, row_major), scratch, out,
        this->m_device);
  }

  /// C_b = op(X_b) * op(Y_b) for every batch b; all matrices ColMajor, op = transpose when stored
  /// so.
  template <bool XTrans, bool YTrans>
  void gemm_slices(const Scalar* x, const Scalar* y, Scalar* c, Index m, Index n, Index k,
                   Index batches) const {
    auto run = [=](Index first, Index last) {
      eigen_einsum::detail::gemm_range<Scalar, XTrans, YTrans>(x, y, c, m, n, k, first, last);
    };
    const bool small = m + n + k < EIGEN_GEMM_TO_COEFFBASED_THRESHOLD;
    if constexpr (eigen_einsum::detail::has_parallel_for<Device>::value) {
      const Index threads = Index(this->m_device.numThreads());
      // Below about a millisecond of work, handing out tasks costs more than it saves.
      const bool worth_threads = double(batches) * double(m) * double(n) * double(k) >= 4.0e6;
      if (threads > 1 && worth_threads && batches >= threads) {
        // One worker a thread, each taking the next chunk until none is left, so that a thread
        // the rest of the machine slows down takes fewer: Eigen's parallelFor hands out fixed
        // tasks of at least batches / (4 threads) slices. A chunk (16 or more a thread) sets
        // up the GEMM's blocking once for its slices.
        const Index chunk = std::max<Index>(1, batches / (16 * threads));
        std::atomic<Index> next{0};
        const double flops = double(m) * double(n) * double(k) * double(batches) / double(threads);
        this->m_device.parallelFor(threads, TensorOpCost(0, 0, flops), [&](Index, Index) {
          for (Index b = next.fetch_add(chunk, std::memory_order_relaxed); b < batches;
               b = next.fetch_add(chunk, std::memory_order_relaxed)) {
            run(b, std::min(b + chunk, batches));
          }
        });
      } else if (threads > 1 && worth_threads && !small) {
        // Too few batches to go round: let Eigen's threaded tensor contraction split each GEMM.
        const array<IndexPair<Index>, 1> pair{{IndexPair<Index>(XTrans ? 0 : 1, YTrans ? 1 : 0)}};
        for (Index b = 0; b < batches; ++b) {
          TensorMap<const Tensor<Scalar, 2, ColMajor, Index>> xb(x + b * m * k, XTrans ? k : m,
                                                                 XTrans ? m : k);
          TensorMap<const Tensor<Scalar, 2, ColMajor, Index>> yb(y + b * k * n, YTrans ? n : k,
                                                                 YTrans ? k : n);
          TensorMap<Tensor<Scalar, 2, ColMajor, Index>> cb(c + b * m * n, m, n);
          cb.device(this->m_device) = xb.contract(yb, pair);
        }
      } else {
        run(0, batches);
      }
    } else {
      run(0, batches);
    }
  }

  XprType m_op;
  LhsEvaluator m_lhs_impl;
  RhsEvaluator m_rhs_impl;
  Dimensions m_dimensions;
  Index m_extent[eigen_einsum::detail::batch_max_labels] = {}; // extent per label id
  int m_layout = 0;
};

} // namespace Eigen

#endif // EIGEN_EINSUM_OPS_BATCH_CONTRACTION_HPP
