// eigen-einsum ops: the sum of a rank-3 expression over its first and last axes, leaving its
// middle axis, as an Eigen expression. Eigen's reduction over an outer axis strides through
// memory (an order of magnitude slower than numpy), and a matrix-vector product with ones
// instantiates the whole contraction machinery.
#ifndef EIGEN_EINSUM_OPS_SUM_TO_MIDDLE_HPP
#define EIGEN_EINSUM_OPS_SUM_TO_MIDDLE_HPP

#include "device.hpp"
#include "tensor.hpp"

#include <algorithm>
#include <type_traits>

namespace eigen_einsum::detail {

/// Sums a rank-3 expression, in memory order (inner, kept, outer), over its inner and outer axes,
/// leaving a rank-1 expression over the kept axis: one pass over the input in memory order, a
/// packet at a time. The result materialises (into the destination when it is the whole
/// right-hand side).
template <class XprType>
class TensorSumToMiddleOp;

} // namespace eigen_einsum::detail

namespace Eigen::internal {

template <class XprType>
struct traits<eigen_einsum::detail::TensorSumToMiddleOp<XprType>>
    : eigen_einsum::detail::op_traits<XprType, 1> {};

} // namespace Eigen::internal

namespace eigen_einsum::detail {

template <class XprType>
class TensorSumToMiddleOp : public op_base<TensorSumToMiddleOp<XprType>> {
public:
  using typename op_base<TensorSumToMiddleOp>::Scalar;
  using typename op_base<TensorSumToMiddleOp>::Index;

  explicit TensorSumToMiddleOp(const XprType& expr) : m_xpr(expr) {}

  const std::remove_cv_t<std::remove_reference_t<typename XprType::Nested>>& expression() const {
    return m_xpr;
  }

private:
  typename XprType::Nested m_xpr;
};

/// `sum_to_middle(t)`: for a ColMajor (i, j, k) tensor, the sum over i and k; for RowMajor
/// (k, j, i), the same.
template <class Xpr>
TensorSumToMiddleOp<const Xpr>
sum_to_middle(const Eigen::TensorBase<Xpr, Eigen::ReadOnlyAccessors>& t) {
  static_assert(Eigen::internal::traits<Xpr>::NumDimensions == 3,
                "einsum: sum_to_middle takes a rank-3 expression");
  return TensorSumToMiddleOp<const Xpr>(static_cast<const Xpr&>(t));
}

} // namespace eigen_einsum::detail

namespace Eigen {

template <class ArgType, class Device>
struct TensorEvaluator<const eigen_einsum::detail::TensorSumToMiddleOp<ArgType>, Device>
    : eigen_einsum::detail::buffer_evaluator_of<eigen_einsum::detail::TensorSumToMiddleOp<ArgType>,
                                                Device> {
  using XprType = eigen_einsum::detail::TensorSumToMiddleOp<ArgType>;
  using Scalar = typename XprType::Scalar;
  using Base = eigen_einsum::detail::buffer_evaluator_of<XprType, Device>;
  using Base::Layout;
  using Base::PacketAccess;
  using Base::PacketSize;
  using typename Base::Dimensions;
  using typename Base::EvaluatorPointerType;
  using typename Base::Index;
  using typename Base::PacketReturnType;
  using Input = TensorEvaluator<ArgType, Device>;

  TensorEvaluator(const XprType& op, const Device& device)
      : Base(device), m_impl(op.expression(), device) {
    const bool col_major = static_cast<int>(Layout) == static_cast<int>(ColMajor);
    m_inner = m_impl.dimensions()[col_major ? 0 : 2];
    m_kept = m_impl.dimensions()[1];
    m_summed = m_impl.dimensions()[col_major ? 2 : 0];
    m_dimensions[0] = m_kept;
  }

  const Dimensions& dimensions() const { return m_dimensions; }

  bool evalSubExprsIfNeeded(EvaluatorPointerType data) {
    m_impl.evalSubExprsIfNeeded(nullptr);
    Scalar* out = this->output(data, m_kept);
    auto sum_columns = [this, out](Index first, Index last) { sum(out, first, last); };
    if constexpr (eigen_einsum::detail::has_parallel_for<Device>::value) {
      // Each task owns a slice of the result and reads its columns of every row.
      const double reads = double(m_summed) * double(m_inner);
      const TensorOpCost cost(reads * sizeof(Scalar), sizeof(Scalar),
                              reads * TensorOpCost::AddCost<Scalar>());
      this->m_device.parallelFor(m_kept, cost, sum_columns);
    } else {
      sum_columns(0, m_kept);
    }
    return data == nullptr;
  }

  void cleanup() {
    m_impl.cleanup();
    Base::cleanup();
  }

private:
  /// out[first, last) = the sums for kept indices [first, last).
  void sum(Scalar* out, Index first, Index last) const {
    if (m_inner == 0) {
      // An empty input: the sums are 0, and there is nothing to read.
      std::fill(out + first, out + last, Scalar(0));
    } else if (m_inner > 1) {
      sum_blocks(out, first, last);
    } else {
      sum_rows(out, first, last);
    }
  }

  /// With inner axes: each kept index adds a contiguous block of m_inner values per outer index,
  /// visited in memory order.
  void sum_blocks(Scalar* out, Index first, Index last) const {
    for (Index j = first; j < last; ++j) {
      out[j] = Scalar(0);
    }
    for (Index r = 0; r < m_summed; ++r) {
      for (Index j = first; j < last; ++j) {
        const Index base = (r * m_kept + j) * m_inner;
        Scalar total(0);
        Index i = 0;
        if constexpr (PacketAccess && Input::PacketAccess) {
          if (m_inner >= 2 * PacketSize) {
            PacketReturnType a = m_impl.template packet<Unaligned>(base);
            PacketReturnType b = m_impl.template packet<Unaligned>(base + PacketSize);
            for (i = 2 * PacketSize; i + 2 * PacketSize <= m_inner; i += 2 * PacketSize) {
              a = internal::padd(a, m_impl.template packet<Unaligned>(base + i));
              b = internal::padd(b, m_impl.template packet<Unaligned>(base + i + PacketSize));
            }
            total = internal::predux(internal::padd(a, b));
          }
        }
        for (; i < m_inner; ++i) {
          total += m_impl.coeff(base + i);
        }
        out[j] += total;
      }
    }
  }

  /// Without inner axes: out[first, last) is the sum of the input's rows, sliced to the range.
  void sum_rows(Scalar* out, Index first, Index last) const {
    const Index vectorized_end = PacketAccess && Input::PacketAccess
                                     ? first + (last - first) / PacketSize * PacketSize
                                     : first;
    for (Index k = first; k < last; ++k) {
      out[k] = Scalar(0);
    }
    // Eight rows per pass: the result slice is loaded and stored an eighth as often.
    Index r = 0;
    for (; r + 8 <= m_summed; r += 8) {
      const Index row = r * m_kept;
      if constexpr (PacketAccess && Input::PacketAccess) {
        for (Index k = first; k < vectorized_end; k += PacketSize) {
          using internal::padd;
          auto at = [&](Index q) {
            return m_impl.template packet<Unaligned>(row + q * m_kept + k);
          };
          const PacketReturnType rows = padd(padd(padd(at(0), at(1)), padd(at(2), at(3))),
                                             padd(padd(at(4), at(5)), padd(at(6), at(7))));
          internal::pstoreu(out + k, padd(internal::ploadu<PacketReturnType>(out + k), rows));
        }
      }
      for (Index k = vectorized_end; k < last; ++k) {
        Scalar rows(0);
        for (Index q = 0; q < 8; ++q) {
          rows += m_impl.coeff(row + q * m_kept + k);
        }
        out[k] += rows;
      }
    }
    for (; r < m_summed; ++r) {
      const Index row = r * m_kept;
      if constexpr (PacketAccess && Input::PacketAccess) {
        for (Index k = first; k < vectorized_end; k += PacketSize) {
          internal::pstoreu(out + k, internal::padd(internal::ploadu<PacketReturnType>(out + k),
                                                    m_impl.template packet<Unaligned>(row + k)));
        }
      }
      for (Index k = vectorized_end; k < last; ++k) {
        out[k] += m_impl.coeff(row + k);
      }
    }
  }

  Input m_impl;
  Dimensions m_dimensions;
  Index m_inner = 0;
  Index m_kept = 0;
  Index m_summed = 0;
};

} // namespace Eigen

#endif // EIGEN_EINSUM_OPS_SUM_TO_MIDDLE_HPP
