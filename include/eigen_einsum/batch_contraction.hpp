#ifndef EIGEN_EINSUM_BATCH_CONTRACTION_HPP
#define EIGEN_EINSUM_BATCH_CONTRACTION_HPP

// Batched contraction as an Eigen tensor expression: for every batch index a GEMM
//   C_b[m, n] = sum_k A_b[m, k] B_b[k, n]
// with m = the merged free axes of one operand, n = those of the other, k = the merged contracted
// axes. It materialises like Eigen's TensorContractionOp; the operands and the output are copied
// (permuted) only where the plan below cannot use them in place.

#include "detail/device.hpp"

#include <unsupported/Eigen/CXX11/Tensor>

#include <cstddef>
#include <functional>
#include <type_traits>
#include <utility>

namespace eigen_einsum::detail {

inline constexpr int batch_contraction_max_rank = 16;

/// Which axes pair up: everything the op needs to know at compile time.
struct batch_contraction_spec {
  int lhs_rank = 0, rhs_rank = 0;
  int num_batch = 0, num_contract = 0;
  int lhs_batch[batch_contraction_max_rank] = {},
      rhs_batch[batch_contraction_max_rank] = {}; // paired batch axes
  int lhs_contract[batch_contraction_max_rank] = {},
      rhs_contract[batch_contraction_max_rank] = {}; // paired contracted axes
  int output_rank = 0;
  int output_operand[2 * batch_contraction_max_rank] =
      {}; // per output axis: 0 = lhs, 1 = rhs (batch axes are given as lhs axes)
  int output_axis[2 * batch_contraction_max_rank] = {}; // per output axis: the axis in that operand
};

// ---------------------------------------------------------------------------------------------
// Planning (compile time). Every axis is named by a label id:
//   batch pair j -> j, contracted pair j -> nb + j,
//   lhs free axis (f-th in lhs order) -> nb + nc + f, rhs free axis -> nb + nc + lhs_free + f.
// Axis lists are kept in storage order, innermost first ("canonical" order: the ColMajor axis
// numbering; a RowMajor tensor is the ColMajor tensor with its axes reversed).

inline constexpr int batch_contraction_max_labels = 2 * batch_contraction_max_rank;

struct batch_contraction_labels {
  int lhs_rank = 0, rhs_rank = 0, out_rank = 0;
  int nb = 0, nc = 0, lhs_free = 0, rhs_free = 0;
  int lhs[batch_contraction_max_rank] = {}; // canonical lhs axis -> label
  int rhs[batch_contraction_max_rank] = {};
  int out[batch_contraction_max_labels] = {};
  bool ok = true; // the spec names every axis exactly once
};

constexpr int canonical_axis(int axis, int rank, bool row_major) {
  return row_major ? rank - 1 - axis : axis;
}

constexpr batch_contraction_labels make_batch_contraction_labels(const batch_contraction_spec& s,
                                                                 bool row_major) {
  batch_contraction_labels l{};
  l.lhs_rank = s.lhs_rank;
  l.rhs_rank = s.rhs_rank;
  l.out_rank = s.output_rank;
  l.nb = s.num_batch;
  l.nc = s.num_contract;
  l.lhs_free = s.lhs_rank - s.num_batch - s.num_contract;
  l.rhs_free = s.rhs_rank - s.num_batch - s.num_contract;
  if (s.lhs_rank < 0 || s.rhs_rank < 0 || s.lhs_rank > batch_contraction_max_rank ||
      s.rhs_rank > batch_contraction_max_rank || l.lhs_free < 0 || l.rhs_free < 0 ||
      s.output_rank != l.nb + l.lhs_free + l.rhs_free) {
    l.ok = false;
    return l;
  }
  int lhs_label[batch_contraction_max_rank] = {}, rhs_label[batch_contraction_max_rank] = {};
  for (int a = 0; a < batch_contraction_max_rank; ++a)
    lhs_label[a] = rhs_label[a] = -1;
  auto claim = [&l](int* labels, int rank, int axis, int label) {
    if (axis < 0 || axis >= rank || labels[axis] != -1)
      l.ok = false;
    else
      labels[axis] = label;
  };
  for (int j = 0; j < l.nb; ++j) {
    claim(lhs_label, s.lhs_rank, s.lhs_batch[j], j);
    claim(rhs_label, s.rhs_rank, s.rhs_batch[j], j);
  }
  for (int j = 0; j < l.nc; ++j) {
    claim(lhs_label, s.lhs_rank, s.lhs_contract[j], l.nb + j);
    claim(rhs_label, s.rhs_rank, s.rhs_contract[j], l.nb + j);
  }
  if (!l.ok)
    return l;
  for (int a = 0, f = 0; a < s.lhs_rank; ++a)
    if (lhs_label[a] == -1)
      lhs_label[a] = l.nb + l.nc + f++;
  for (int a = 0, f = 0; a < s.rhs_rank; ++a)
    if (rhs_label[a] == -1)
      rhs_label[a] = l.nb + l.nc + l.lhs_free + f++;
  int seen[batch_contraction_max_labels] = {};
  for (int p = 0; p < s.output_rank; ++p) {
    const int operand = s.output_operand[p], axis = s.output_axis[p];
    const int rank = operand == 0 ? s.lhs_rank : s.rhs_rank;
    if ((operand != 0 && operand != 1) || axis < 0 || axis >= rank) {
      l.ok = false;
      return l;
    }
    const int label = operand == 0 ? lhs_label[axis] : rhs_label[axis];
    if (label >= l.nb && label < l.nb + l.nc)
      l.ok = false; // a contracted axis in the output
    else if (seen[label]++)
      l.ok = false;
    l.out[canonical_axis(p, s.output_rank, row_major)] = label;
  }
  for (int a = 0; a < s.lhs_rank; ++a)
    l.lhs[canonical_axis(a, s.lhs_rank, row_major)] = lhs_label[a];
  for (int a = 0; a < s.rhs_rank; ++a)
    l.rhs[canonical_axis(a, s.rhs_rank, row_major)] = rhs_label[a];
  return l;
}

/// One way to run the op: which operand is the GEMM's left matrix (x), whether x, y and the output
/// are used in place, and the canonical permutations for the ones that are copied.
struct batch_contraction_plan {
  bool swap = false; // x = rhs, y = lhs: computes C^T = B^T A^T
  bool x_direct = false, y_direct = false, out_direct = false;
  bool x_trans = false, y_trans = false; // in-place operand stored as the transposed matrix
  int x_perm[batch_contraction_max_rank] =
      {}; // copy of x: canonical target axis t <- own axis x_perm[t]
  int y_perm[batch_contraction_max_rank] = {};
  int out_perm[batch_contraction_max_labels] =
      {}; // output canonical axis p <- scratch axis out_perm[p]
  // Scratch / GEMM order, canonical: x free, y free, batch (labels).
  int x_free[batch_contraction_max_rank] = {}, y_free[batch_contraction_max_rank] = {};
  int batch[batch_contraction_max_rank] = {}, contract[batch_contraction_max_rank] = {};
};

struct batch_contraction_plans {
  batch_contraction_labels labels{};
  int count = 0;
  batch_contraction_plan plans[24] = {};
};

/// Appends to `out` the labels of `axes` (canonical order) that lie in [lo, hi).
constexpr int select_labels(const int* axes, int rank, int lo, int hi, int* out) {
  int n = 0;
  for (int a = 0; a < rank; ++a)
    if (axes[a] >= lo && axes[a] < hi)
      out[n++] = axes[a];
  return n;
}

constexpr bool same_labels(const int* a, const int* b, int n) {
  for (int i = 0; i < n; ++i)
    if (a[i] != b[i])
      return false;
  return true;
}

constexpr int concat_labels(int* out, const int* a, int na, const int* b, int nb, const int* c,
                            int nc) {
  int n = 0;
  for (int i = 0; i < na; ++i)
    out[n++] = a[i];
  for (int i = 0; i < nb; ++i)
    out[n++] = b[i];
  for (int i = 0; i < nc; ++i)
    out[n++] = c[i];
  return n;
}

constexpr void permutation_to(const int* own, const int* target, int rank, int* perm) {
  for (int t = 0; t < rank; ++t)
    for (int a = 0; a < rank; ++a)
      if (own[a] == target[t])
        perm[t] = a;
}

/// Whether `a` copies nothing that `b` uses in place.
constexpr bool copies_no_more_than(const batch_contraction_plan& a,
                                   const batch_contraction_plan& b) {
  const bool a_lhs = a.swap ? a.y_direct : a.x_direct, a_rhs = a.swap ? a.x_direct : a.y_direct;
  const bool b_lhs = b.swap ? b.y_direct : b.x_direct, b_rhs = b.swap ? b.x_direct : b.y_direct;
  return (a_lhs || !b_lhs) && (a_rhs || !b_rhs) && (a.out_direct || !b.out_direct);
}

/// Every consistent plan; the evaluator picks the cheapest for the run-time extents.
constexpr batch_contraction_plans make_batch_contraction_plans(const batch_contraction_spec& s,
                                                               bool row_major, bool lhs_raw,
                                                               bool rhs_raw) {
  batch_contraction_plans ps{};
  ps.labels = make_batch_contraction_labels(s, row_major);
  const batch_contraction_labels& l = ps.labels;
  if (!l.ok)
    return ps;
  const int nb = l.nb, nc = l.nc, free_lo = nb + nc, rhs_lo = free_lo + l.lhs_free,
            end = rhs_lo + l.rhs_free;
  for (int swap = 0; swap < 2; ++swap) {
    const int* x = swap ? l.rhs : l.lhs;
    const int* y = swap ? l.lhs : l.rhs;
    const int x_rank = swap ? l.rhs_rank : l.lhs_rank, y_rank = swap ? l.lhs_rank : l.rhs_rank;
    const int x_lo = swap ? rhs_lo : free_lo, x_hi = swap ? end : rhs_lo;
    const int y_lo = swap ? free_lo : rhs_lo, y_hi = swap ? rhs_lo : end;
    const int nxf = x_hi - x_lo, nyf = y_hi - y_lo;
    const bool x_raw = swap ? rhs_raw : lhs_raw, y_raw = swap ? lhs_raw : rhs_raw;
    // The output is written in place when it reads [x free, y free, batch] innermost first.
    int out_xf[batch_contraction_max_rank] = {}, out_yf[batch_contraction_max_rank] = {};
    int out_b[batch_contraction_max_rank] = {};
    bool out_fits = select_labels(l.out, nxf, x_lo, x_hi, out_xf) == nxf &&
                    select_labels(l.out + nxf, nyf, y_lo, y_hi, out_yf) == nyf &&
                    select_labels(l.out + nxf + nyf, nb, 0, nb, out_b) == nb;
    for (int out_mode = 0; out_mode < 2; ++out_mode) {
      const bool out_direct = out_mode == 0;
      if (out_direct && !out_fits)
        continue;
      for (int batch_src = 0; batch_src < 3; ++batch_src) { // 0 = output, 1 = x, 2 = y
        if (out_direct && batch_src != 0)
          continue;
        for (int contract_src = 0; contract_src < 2; ++contract_src) { // 0 = x, 1 = y
          batch_contraction_plan p{};
          p.swap = swap;
          p.out_direct = out_direct;
          if (out_direct) {
            for (int i = 0; i < nxf; ++i)
              p.x_free[i] = out_xf[i];
            for (int i = 0; i < nyf; ++i)
              p.y_free[i] = out_yf[i];
          } else {
            select_labels(x, x_rank, x_lo, x_hi, p.x_free);
            select_labels(y, y_rank, y_lo, y_hi, p.y_free);
          }
          const int* batch_from = batch_src == 0 ? l.out : batch_src == 1 ? x : y;
          select_labels(batch_from,
                        batch_src == 0   ? l.out_rank
                        : batch_src == 1 ? x_rank
                                         : y_rank,
                        0, nb, p.batch);
          select_labels(contract_src == 0 ? x : y, contract_src == 0 ? x_rank : y_rank, nb, nb + nc,
                        p.contract);
          int x_plain[batch_contraction_max_rank] = {}, x_trans[batch_contraction_max_rank] = {};
          int y_plain[batch_contraction_max_rank] = {}, y_trans[batch_contraction_max_rank] = {};
          concat_labels(x_plain, p.x_free, nxf, p.contract, nc, p.batch, nb);
          concat_labels(x_trans, p.contract, nc, p.x_free, nxf, p.batch, nb);
          concat_labels(y_plain, p.contract, nc, p.y_free, nyf, p.batch, nb);
          concat_labels(y_trans, p.y_free, nyf, p.contract, nc, p.batch, nb);
          p.x_direct =
              x_raw && (same_labels(x, x_plain, x_rank) || same_labels(x, x_trans, x_rank));
          p.x_trans = p.x_direct && !same_labels(x, x_plain, x_rank);
          p.y_direct =
              y_raw && (same_labels(y, y_plain, y_rank) || same_labels(y, y_trans, y_rank));
          p.y_trans = p.y_direct && !same_labels(y, y_plain, y_rank);
          permutation_to(x, x_plain, x_rank, p.x_perm);
          permutation_to(y, y_plain, y_rank, p.y_perm);
          int scratch[batch_contraction_max_labels] = {};
          concat_labels(scratch, p.x_free, nxf, p.y_free, nyf, p.batch, nb);
          permutation_to(scratch, l.out, l.out_rank, p.out_perm);
          // Keep only the plans that no other plan beats on every copy.
          bool dominated = false;
          for (int i = 0; i < ps.count; ++i)
            dominated = dominated || copies_no_more_than(ps.plans[i], p);
          if (dominated)
            continue;
          int kept = 0;
          for (int i = 0; i < ps.count; ++i)
            if (!copies_no_more_than(p, ps.plans[i]))
              ps.plans[kept++] = ps.plans[i];
          ps.count = kept;
          ps.plans[ps.count++] = p;
        }
      }
    }
  }
  return ps;
}

template <class Spec, bool RowMajor, bool LhsRaw, bool RhsRaw>
struct batch_contraction_plans_for {
  static constexpr batch_contraction_plans value =
      make_batch_contraction_plans(Spec::value, RowMajor, LhsRaw, RhsRaw);
};

} // namespace eigen_einsum::detail

namespace eigen_einsum {
template <class Spec, class LhsXpr, class RhsXpr>
class TensorBatchContractionOp;
} // namespace eigen_einsum

namespace Eigen::internal {

template <class Spec, class LhsXpr, class RhsXpr>
struct traits<eigen_einsum::TensorBatchContractionOp<Spec, LhsXpr, RhsXpr>> {
  using Scalar = typename remove_const<typename LhsXpr::Scalar>::type;
  using StorageKind = typename promote_storage_type<typename traits<LhsXpr>::StorageKind,
                                                    typename traits<RhsXpr>::StorageKind>::ret;
  using Index = typename promote_index_type<typename traits<LhsXpr>::Index,
                                            typename traits<RhsXpr>::Index>::type;
  using LhsNested = typename LhsXpr::Nested;
  using RhsNested = typename RhsXpr::Nested;
  using _LhsNested = typename remove_reference<LhsNested>::type;
  using _RhsNested = typename remove_reference<RhsNested>::type;
  static const int NumDimensions = Spec::value.output_rank;
  static const int Layout = traits<LhsXpr>::Layout;
  using PointerType = typename traits<LhsXpr>::PointerType;
  enum { Flags = 0 };
};

template <class Spec, class LhsXpr, class RhsXpr>
struct eval<eigen_einsum::TensorBatchContractionOp<Spec, LhsXpr, RhsXpr>, Eigen::Dense> {
  using type = const eigen_einsum::TensorBatchContractionOp<Spec, LhsXpr, RhsXpr>&;
};

template <class Spec, class LhsXpr, class RhsXpr>
struct nested<eigen_einsum::TensorBatchContractionOp<Spec, LhsXpr, RhsXpr>, 1,
              typename eval<eigen_einsum::TensorBatchContractionOp<Spec, LhsXpr, RhsXpr>>::type> {
  using type = eigen_einsum::TensorBatchContractionOp<Spec, LhsXpr, RhsXpr>;
};

} // namespace Eigen::internal

namespace eigen_einsum {

/// The batched contraction of two tensor expressions described by `Spec::value`
/// (a detail::batch_contraction_spec). Holds its operands by Eigen's nesting rules: a Tensor by
/// reference, so an `auto` result must not outlive the tensors it was built from.
template <class Spec, class LhsXpr, class RhsXpr>
class TensorBatchContractionOp
    : public Eigen::TensorBase<TensorBatchContractionOp<Spec, LhsXpr, RhsXpr>,
                               Eigen::ReadOnlyAccessors> {
public:
  using Scalar = typename Eigen::internal::traits<TensorBatchContractionOp>::Scalar;
  using RealScalar = typename Eigen::NumTraits<Scalar>::Real;
  using CoeffReturnType = Scalar;
  using Nested = typename Eigen::internal::nested<TensorBatchContractionOp>::type;
  using StorageKind = typename Eigen::internal::traits<TensorBatchContractionOp>::StorageKind;
  using Index = typename Eigen::internal::traits<TensorBatchContractionOp>::Index;

  static_assert(
      std::is_same<typename Eigen::internal::remove_const<typename LhsXpr::Scalar>::type,
                   typename Eigen::internal::remove_const<typename RhsXpr::Scalar>::type>::value,
      "einsum: batch_contract needs operands of the same scalar type; cast one with .cast<T>()");
  static_assert(
      int(Eigen::internal::traits<LhsXpr>::Layout) == int(Eigen::internal::traits<RhsXpr>::Layout),
      "einsum: batch_contract needs operands of the same layout (both ColMajor or both RowMajor)");
  static_assert(
      Spec::value.lhs_rank == Eigen::internal::traits<LhsXpr>::NumDimensions &&
          Spec::value.rhs_rank == Eigen::internal::traits<RhsXpr>::NumDimensions,
      "einsum: internal error: batch_contraction_spec ranks differ from the operand ranks");
  static_assert(detail::make_batch_contraction_labels(Spec::value, false).ok,
                "einsum: internal error: batch_contraction_spec must name every axis exactly once "
                "(batch, contracted or free) and keep contracted axes out of the output");

  TensorBatchContractionOp(const LhsXpr& lhs, const RhsXpr& rhs) : m_lhs_xpr(lhs), m_rhs_xpr(rhs) {}

  const typename Eigen::internal::remove_all<typename LhsXpr::Nested>::type& lhsExpression() const {
    return m_lhs_xpr;
  }
  const typename Eigen::internal::remove_all<typename RhsXpr::Nested>::type& rhsExpression() const {
    return m_rhs_xpr;
  }

protected:
  typename LhsXpr::Nested m_lhs_xpr;
  typename RhsXpr::Nested m_rhs_xpr;
};

/// Batched contraction described by `Spec::value`, as a lazy Eigen expression.
/// e.g. for `bij,bjk->bik`: batch_contract<Spec>(a, b) with Spec::value = {3, 3, 1, 1, {0}, {0},
/// {2}, {1}, 3, {0, 0, 1}, {0, 1, 2}}.
template <class Spec, class Lhs, class Rhs>
auto batch_contract(const Lhs& lhs, const Rhs& rhs) {
  return TensorBatchContractionOp<Spec, Lhs, Rhs>(lhs, rhs);
}

} // namespace eigen_einsum

namespace Eigen {

template <class Spec, class LhsXpr, class RhsXpr, class Device>
struct TensorEvaluator<const eigen_einsum::TensorBatchContractionOp<Spec, LhsXpr, RhsXpr>, Device> {
  using XprType = eigen_einsum::TensorBatchContractionOp<Spec, LhsXpr, RhsXpr>;
  using Index = typename XprType::Index;
  using Scalar = typename XprType::Scalar;
  using CoeffReturnType = Scalar;
  using PacketReturnType = typename PacketType<CoeffReturnType, Device>::type;
  using Storage = StorageMemory<Scalar, Device>;
  using EvaluatorPointerType = typename Storage::Type;
  using LhsEvaluator = TensorEvaluator<const LhsXpr, Device>;
  using RhsEvaluator = TensorEvaluator<const RhsXpr, Device>;
  static constexpr int NumDims = Spec::value.output_rank;
  static constexpr int LhsRank = Spec::value.lhs_rank;
  static constexpr int RhsRank = Spec::value.rhs_rank;
  using Dimensions = DSizes<Index, NumDims>;

  enum {
    IsAligned = true,
    PacketAccess = (PacketType<CoeffReturnType, Device>::size > 1),
    BlockAccess = false,
    PreferBlockAccess = false,
    Layout = TensorEvaluator<const LhsXpr, Device>::Layout,
    CoordAccess = false,
    RawAccess = true
  };
  using TensorBlock = internal::TensorBlockNotImplemented;

  static constexpr bool row_major = int(Layout) == int(RowMajor);
  static constexpr bool lhs_raw = LhsEvaluator::RawAccess;
  static constexpr bool rhs_raw = RhsEvaluator::RawAccess;
  static constexpr const eigen_einsum::detail::batch_contraction_plans& plans =
      eigen_einsum::detail::batch_contraction_plans_for<Spec, row_major, lhs_raw, rhs_raw>::value;
  static constexpr int max_labels = eigen_einsum::detail::batch_contraction_max_labels;

  TensorEvaluator(const XprType& op, const Device& device)
      : m_op(op), m_lhs_impl(op.lhsExpression(), device), m_rhs_impl(op.rhsExpression(), device),
        m_device(device) {
    const auto& l = plans.labels;
    for (int a = 0; a < LhsRank; ++a)
      m_extent[l.lhs[eigen_einsum::detail::canonical_axis(a, LhsRank, row_major)]] =
          m_lhs_impl.dimensions()[a];
    for (int a = 0; a < RhsRank; ++a) {
      const int label = l.rhs[eigen_einsum::detail::canonical_axis(a, RhsRank, row_major)];
      eigen_assert((label >= l.nb + l.nc || m_extent[label] == m_rhs_impl.dimensions()[a]) &&
                   "einsum: a batch or contracted label has different extents in the two operands");
      m_extent[label] = m_rhs_impl.dimensions()[a];
    }
    for (int p = 0; p < NumDims; ++p)
      m_dimensions[p] =
          m_extent[l.out[eigen_einsum::detail::canonical_axis(p, NumDims, row_major)]];
    // Pick the plan that copies the fewest elements.
    const Index lhs_size = internal::array_prod(m_lhs_impl.dimensions());
    const Index rhs_size = internal::array_prod(m_rhs_impl.dimensions());
    const Index out_size = internal::array_prod(m_dimensions);
    Index best = -1;
    for (int i = 0; i < plans.count; ++i) {
      const auto& p = plans.plans[i];
      const bool lhs_direct = p.swap ? p.y_direct : p.x_direct,
                 rhs_direct = p.swap ? p.x_direct : p.y_direct;
      const Index cost =
          (lhs_direct ? 0 : lhs_size) + (rhs_direct ? 0 : rhs_size) + (p.out_direct ? 0 : out_size);
      if (best < 0 || cost < best) {
        best = cost;
        m_plan = i;
      }
    }
  }

  EIGEN_DEVICE_FUNC const Dimensions& dimensions() const { return m_dimensions; }

  bool evalSubExprsIfNeeded(EvaluatorPointerType data) {
    if constexpr (lhs_raw)
      m_lhs_impl.evalSubExprsIfNeeded(nullptr);
    if constexpr (rhs_raw)
      m_rhs_impl.evalSubExprsIfNeeded(nullptr);
    if (data) {
      evalTo(data);
      return false;
    }
    m_result = static_cast<EvaluatorPointerType>(
        m_device.allocate(sizeof(Scalar) * std::size_t(dimensions().TotalSize())));
    evalTo(m_result);
    return true;
  }

  template <class Callback>
  void evalSubExprsIfNeededAsync(EvaluatorPointerType data, Callback done) {
    done(evalSubExprsIfNeeded(data));
  }

  void cleanup() {
    if constexpr (lhs_raw)
      m_lhs_impl.cleanup();
    if constexpr (rhs_raw)
      m_rhs_impl.cleanup();
    if (m_result) {
      m_device.deallocate(m_result);
      m_result = nullptr;
    }
  }

  // Read in device kernels on a GPU build: the only members that need EIGEN_DEVICE_FUNC.
  EIGEN_DEVICE_FUNC CoeffReturnType coeff(Index index) const { return m_result[index]; }

  template <int LoadMode>
  EIGEN_DEVICE_FUNC PacketReturnType packet(Index index) const {
    return internal::ploadt<PacketReturnType, LoadMode>(m_result + index);
  }

  EIGEN_DEVICE_FUNC TensorOpCost costPerCoeff(bool) const {
    return TensorOpCost(sizeof(CoeffReturnType), 0, 0);
  }

  EIGEN_DEVICE_FUNC EvaluatorPointerType data() const { return m_result; }

private:
  const eigen_einsum::detail::batch_contraction_plan& plan() const { return plans.plans[m_plan]; }

  Index product_of(const int* labels, int n) const {
    Index size = 1;
    for (int i = 0; i < n; ++i)
      size *= m_extent[labels[i]];
    return size;
  }

  /// Evaluates the whole result into `out` (the destination or our own buffer).
  void evalTo(Scalar* out) {
    const auto& l = plans.labels;
    const auto& p = plan();
    const int nxf = p.swap ? l.rhs_free : l.lhs_free, nyf = p.swap ? l.lhs_free : l.rhs_free;
    const Index m = product_of(p.x_free, nxf), n = product_of(p.y_free, nyf);
    const Index k = product_of(p.contract, l.nc), batches = product_of(p.batch, l.nb);
    const Index out_size = m * n * batches;
    if (out_size == 0)
      return;
    if (k == 0) {
      TensorMap<Tensor<Scalar, 1, Layout, Index>>(out, out_size).device(m_device) =
          TensorMap<Tensor<Scalar, 1, Layout, Index>>(out, out_size).constant(Scalar(0));
      return;
    }
    // Materialisation: operands not usable in place are copied (permuted) into one buffer
    // holding [x | y]; a non-fitting output order goes through a scratch buffer.
    const Index lhs_size = internal::array_prod(m_lhs_impl.dimensions());
    const Index rhs_size = internal::array_prod(m_rhs_impl.dimensions());
    const bool lhs_direct = p.swap ? p.y_direct : p.x_direct,
               rhs_direct = p.swap ? p.x_direct : p.y_direct;
    const Index copy_size =
        (lhs_direct ? 0 : lhs_size) + (rhs_direct ? 0 : rhs_size) + (p.out_direct ? 0 : out_size);
    Scalar* buffer =
        copy_size ? static_cast<Scalar*>(m_device.allocate(sizeof(Scalar) * std::size_t(copy_size)))
                  : nullptr;
    Scalar* next = buffer;
    const Scalar* lhs_data = nullptr;
    const Scalar* rhs_data = nullptr;
    const int* lhs_perm = p.swap ? p.y_perm : p.x_perm;
    const int* rhs_perm = p.swap ? p.x_perm : p.y_perm;
    if (lhs_direct) {
      if constexpr (lhs_raw)
        lhs_data = m_lhs_impl.data();
    } else {
      copy_operand<lhs_raw>(m_op.lhsExpression(), m_lhs_impl, lhs_perm, next);
      lhs_data = next;
      next += lhs_size;
    }
    if (rhs_direct) {
      if constexpr (rhs_raw)
        rhs_data = m_rhs_impl.data();
    } else {
      copy_operand<rhs_raw>(m_op.rhsExpression(), m_rhs_impl, rhs_perm, next);
      rhs_data = next;
      next += rhs_size;
    }
    Scalar* c = p.out_direct ? out : next;
    const Scalar* x = p.swap ? rhs_data : lhs_data;
    const Scalar* y = p.swap ? lhs_data : rhs_data;
    if (p.x_trans) {
      if (p.y_trans)
        gemm_slices<true, true>(x, y, c, m, n, k, batches);
      else
        gemm_slices<true, false>(x, y, c, m, n, k, batches);
    } else {
      if (p.y_trans)
        gemm_slices<false, true>(x, y, c, m, n, k, batches);
      else
        gemm_slices<false, false>(x, y, c, m, n, k, batches);
    }
    if (!p.out_direct)
      permute_output(c, out);
    if (buffer)
      m_device.deallocate(buffer);
  }

  /// Writes the operand, permuted to the plan's canonical order, into `dst`.
  template <bool Raw, class Xpr, class Impl>
  void copy_operand(const Xpr& xpr, const Impl& impl, const int* canonical_perm,
                    Scalar* dst) const {
    constexpr int rank = internal::traits<Xpr>::NumDimensions;
    const auto& dims = impl.dimensions();
    array<Index, rank> shuffle;
    DSizes<Index, rank> dst_dims;
    for (int t = 0; t < rank; ++t) {
      const int from = eigen_einsum::detail::canonical_axis(canonical_perm[t], rank, row_major);
      shuffle[eigen_einsum::detail::canonical_axis(t, rank, row_major)] = from;
      dst_dims[eigen_einsum::detail::canonical_axis(t, rank, row_major)] = dims[from];
    }
    TensorMap<Tensor<Scalar, rank, Layout, Index>> target(dst, dst_dims);
    if constexpr (Raw) {
      // Already evaluated (e.g. a Tensor or a nested contraction): read its memory, don't
      // re-evaluate.
      TensorMap<const Tensor<Scalar, rank, Layout, Index>> source(impl.data(), dims);
      target.device(m_device) = source.shuffle(shuffle);
    } else {
      target.device(m_device) = xpr.shuffle(shuffle);
    }
  }

  /// Scratch [x free, y free, batch] -> the requested output order.
  void permute_output(const Scalar* scratch, Scalar* out) const {
    const auto& p = plan();
    array<Index, NumDims> shuffle;
    DSizes<Index, NumDims> scratch_dims;
    int scratch_labels[max_labels] = {};
    const auto& l = plans.labels;
    const int nxf = p.swap ? l.rhs_free : l.lhs_free, nyf = p.swap ? l.lhs_free : l.rhs_free;
    eigen_einsum::detail::concat_labels(scratch_labels, p.x_free, nxf, p.y_free, nyf, p.batch,
                                        l.nb);
    for (int s = 0; s < NumDims; ++s)
      scratch_dims[eigen_einsum::detail::canonical_axis(s, NumDims, row_major)] =
          m_extent[scratch_labels[s]];
    for (int q = 0; q < NumDims; ++q)
      shuffle[eigen_einsum::detail::canonical_axis(q, NumDims, row_major)] =
          eigen_einsum::detail::canonical_axis(p.out_perm[q], NumDims, row_major);
    TensorMap<Tensor<Scalar, NumDims, Layout, Index>> target(out, m_dimensions);
    target.device(m_device) =
        TensorMap<const Tensor<Scalar, NumDims, Layout, Index>>(scratch, scratch_dims)
            .shuffle(shuffle);
  }

  template <int Size, bool XTrans, bool YTrans>
  static void fixed_slices(const Scalar* x, const Scalar* y, Scalar* c, Index first, Index last) {
    using XMap = Map<const Matrix<Scalar, Size, Size, XTrans ? RowMajor : ColMajor>>;
    using YMap = Map<const Matrix<Scalar, Size, Size, YTrans ? RowMajor : ColMajor>>;
    using CMap = Map<Matrix<Scalar, Size, Size, ColMajor>>;
    constexpr Index slice = Size * Size;
    for (Index b = first; b < last; ++b)
      CMap(c + b * slice).noalias() = XMap(x + b * slice).lazyProduct(YMap(y + b * slice));
  }

  /// C_b = op(X_b) * op(Y_b) for every batch b; all matrices ColMajor, op = transpose when stored
  /// so.
  template <bool XTrans, bool YTrans>
  void gemm_slices(const Scalar* x, const Scalar* y, Scalar* c, Index m, Index n, Index k,
                   Index batches) const {
    using XMap = Map<const Matrix<Scalar, Dynamic, Dynamic, XTrans ? RowMajor : ColMajor>>;
    using YMap = Map<const Matrix<Scalar, Dynamic, Dynamic, YTrans ? RowMajor : ColMajor>>;
    using CMap = Map<Matrix<Scalar, Dynamic, Dynamic, ColMajor>>;
    // Eigen's own threshold for switching from its coefficient-based product to blocked GEMM.
    const bool small = m + n + k < EIGEN_GEMM_TO_COEFFBASED_THRESHOLD;
    auto run = [=](Index first, Index last) {
      // Tiny square slices: a fixed-size product unrolls and vectorises (~3x the dynamic one at
      // 8x8).
      if (m == n && n == k) {
        switch (m) {
        case 2:
          return fixed_slices<2, XTrans, YTrans>(x, y, c, first, last);
        case 3:
          return fixed_slices<3, XTrans, YTrans>(x, y, c, first, last);
        case 4:
          return fixed_slices<4, XTrans, YTrans>(x, y, c, first, last);
        case 8:
          return fixed_slices<8, XTrans, YTrans>(x, y, c, first, last);
        default:
          break;
        }
      }
      for (Index b = first; b < last; ++b) {
        XMap xb(x + b * m * k, m, k);
        YMap yb(y + b * k * n, k, n);
        CMap cb(c + b * m * n, m, n);
        if (small)
          cb.noalias() = xb.lazyProduct(yb);
        else
          cb.noalias() = xb * yb;
      }
    };
    if constexpr (eigen_einsum::detail::has_parallel_for<Device>::value) {
      const Index threads = Index(m_device.numThreads());
      // Below about a millisecond of work, handing out tasks costs more than it saves.
      const bool worth_threads = double(batches) * double(m) * double(n) * double(k) >= 4.0e6;
      if (threads > 1 && worth_threads && batches >= threads) {
        // One GEMM per task: the batches are independent and each task keeps its slice in cache.
        const double flops = double(m) * double(n) * double(k);
        const TensorOpCost cost(double(sizeof(Scalar)) * double(m * k + k * n),
                                double(sizeof(Scalar)) * double(m * n), flops);
        m_device.parallelFor(batches, cost, run);
      } else if (threads > 1 && worth_threads && !small) {
        // Too few batches to go round: let Eigen's threaded tensor contraction split each GEMM.
        const array<IndexPair<Index>, 1> pair{{IndexPair<Index>(XTrans ? 0 : 1, YTrans ? 1 : 0)}};
        for (Index b = 0; b < batches; ++b) {
          TensorMap<const Tensor<Scalar, 2, ColMajor, Index>> xb(x + b * m * k, XTrans ? k : m,
                                                                 XTrans ? m : k);
          TensorMap<const Tensor<Scalar, 2, ColMajor, Index>> yb(y + b * k * n, YTrans ? n : k,
                                                                 YTrans ? k : n);
          TensorMap<Tensor<Scalar, 2, ColMajor, Index>> cb(c + b * m * n, m, n);
          cb.device(m_device) = xb.contract(yb, pair);
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
  const Device EIGEN_DEVICE_REF m_device;
  Dimensions m_dimensions;
  Index m_extent[max_labels] = {}; // extent per label
  int m_plan = 0;
  EvaluatorPointerType m_result = nullptr;
};

} // namespace Eigen

#endif // EIGEN_EINSUM_BATCH_CONTRACTION_HPP
