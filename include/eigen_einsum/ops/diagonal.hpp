// eigen-einsum ops: a lazy diagonal view (`ii->i`, `iji->ij`) as an Eigen expression. Eigen has
// no diagonal op, and reshape + stride computes its extents in float, which is wrong past 2^12.
#ifndef EIGEN_EINSUM_OPS_DIAGONAL_HPP
#define EIGEN_EINSUM_OPS_DIAGONAL_HPP

#include "tensor.hpp"

#include <type_traits>
#include <utility>

namespace eigen_einsum::detail {

/// Takes the diagonal of repeated axes: input axis i becomes output axis `OutputAxis[i]`, and
/// input axes sharing an output axis move together. `diagonal<0, 0>(a)` is `a`'s main diagonal.
///
/// The view reads from the operand and copies nothing; all axes mapped to one output axis must
/// have equal extents (einsum checks this before building the view).
template <class OutputAxes, class XprType>
class TensorDiagonalOp;

template <int... A>
constexpr int diagonal_output_rank(std::integer_sequence<int, A...>) {
  int r = 0;
  ((r = A + 1 > r ? A + 1 : r), ...);
  return r;
}

} // namespace eigen_einsum::detail

namespace Eigen::internal {

template <class OutputAxes, class XprType>
struct traits<eigen_einsum::detail::TensorDiagonalOp<OutputAxes, XprType>>
    : eigen_einsum::detail::op_traits<XprType,
                                      eigen_einsum::detail::diagonal_output_rank(OutputAxes{})> {};

} // namespace Eigen::internal

namespace eigen_einsum::detail {

template <class OutputAxes, class XprType>
class TensorDiagonalOp : public op_base<TensorDiagonalOp<OutputAxes, XprType>> {
public:
  using typename op_base<TensorDiagonalOp>::Scalar;
  using typename op_base<TensorDiagonalOp>::Index;
  using CoeffReturnType = typename XprType::CoeffReturnType;

  explicit TensorDiagonalOp(const XprType& expr) : m_xpr(expr) {}

  const std::remove_cv_t<std::remove_reference_t<typename XprType::Nested>>& expression() const {
    return m_xpr;
  }

private:
  typename XprType::Nested m_xpr;
};

/// `diagonal<0, 1, 0>(a)`: the view of `a(i, j, i)` as a tensor of (i, j).
template <int... OutputAxis, class Xpr>
TensorDiagonalOp<std::integer_sequence<int, OutputAxis...>, const Xpr>
diagonal(const Eigen::TensorBase<Xpr, Eigen::ReadOnlyAccessors>& xpr) {
  return TensorDiagonalOp<std::integer_sequence<int, OutputAxis...>, const Xpr>(
      static_cast<const Xpr&>(xpr));
}

} // namespace eigen_einsum::detail

namespace Eigen {

template <class OutputAxes, class ArgType, class Device>
struct TensorEvaluator<const eigen_einsum::detail::TensorDiagonalOp<OutputAxes, ArgType>, Device> {
  using XprType = eigen_einsum::detail::TensorDiagonalOp<OutputAxes, ArgType>;
  using Index = typename XprType::Index;
  static const int NumInputDims =
      internal::array_size<typename TensorEvaluator<ArgType, Device>::Dimensions>::value;
  static const int NumDims = internal::traits<XprType>::NumDimensions;
  using Dimensions = DSizes<Index, NumDims>;
  using Scalar = typename XprType::Scalar;
  using CoeffReturnType = typename XprType::CoeffReturnType;
  using PacketReturnType = typename PacketType<CoeffReturnType, Device>::type;
  static const int PacketSize = PacketType<CoeffReturnType, Device>::size;
  using Storage = StorageMemory<CoeffReturnType, Device>;
  using EvaluatorPointerType = typename Storage::Type;

  enum {
    IsAligned = false,
    PacketAccess = TensorEvaluator<ArgType, Device>::PacketAccess,
    BlockAccess = false,
    PreferBlockAccess = false,
    Layout = TensorEvaluator<ArgType, Device>::Layout,
    CoordAccess = false,
    RawAccess = false
  };

  using TensorBlock = internal::TensorBlockNotImplemented;

  TensorEvaluator(const XprType& op, const Device& device) : m_impl(op.expression(), device) {
    const auto& input_dims = m_impl.dimensions();
    Index input_strides[NumInputDims > 0 ? NumInputDims : 1];
    const bool col_major = static_cast<int>(Layout) == static_cast<int>(ColMajor);
    Index stride = 1;
    for (int k = 0; k < NumInputDims; ++k) {
      const int i = col_major ? k : NumInputDims - 1 - k;
      input_strides[i] = stride;
      stride *= input_dims[i];
    }
    for (int o = 0; o < NumDims; ++o) {
      m_dimensions[o] = 0;
      m_diagonal_strides[o] = 0;
    }
    set_axes(input_dims, input_strides, OutputAxes{});
    stride = 1;
    for (int k = 0; k < NumDims; ++k) {
      const int o = col_major ? k : NumDims - 1 - k;
      m_output_strides[o] = stride;
      m_fast_output_strides[o] = internal::TensorIntDivisor<Index>(stride > 0 ? stride : 1);
      stride *= m_dimensions[o];
    }
  }

  const Dimensions& dimensions() const { return m_dimensions; }

  bool evalSubExprsIfNeeded(EvaluatorPointerType) {
    m_impl.evalSubExprsIfNeeded(nullptr);
    return true;
  }
  void cleanup() { m_impl.cleanup(); }

  CoeffReturnType coeff(Index index) const { return m_impl.coeff(input_index(index)); }

  template <int LoadMode>
  PacketReturnType packet(Index index) const {
    EIGEN_ALIGN_MAX std::remove_const_t<CoeffReturnType> values[PacketSize];
    for (int k = 0; k < PacketSize; ++k) {
      values[k] = coeff(index + k);
    }
    return internal::pload<PacketReturnType>(values);
  }

  TensorOpCost costPerCoeff(bool vectorized) const {
    // Per output axis: one division and a multiply-add to find the input coefficient.
    const double index_cost =
        NumDims * (TensorOpCost::DivCost<Index>() + 2 * TensorOpCost::MulCost<Index>() +
                   TensorOpCost::AddCost<Index>());
    return m_impl.costPerCoeff(vectorized) + TensorOpCost(0, 0, index_cost, false, PacketSize);
  }

  EvaluatorPointerType data() const { return nullptr; }

private:
  template <class Dims, int... A>
  void set_axes(const Dims& input_dims, const Index* input_strides,
                std::integer_sequence<int, A...>) {
    int i = 0;
    ((m_dimensions[A] = input_dims[i], m_diagonal_strides[A] += input_strides[i], ++i), ...);
  }

  Index input_index(Index index) const {
    Index input = 0;
    if (static_cast<int>(Layout) == static_cast<int>(ColMajor)) {
      for (int o = NumDims - 1; o > 0; --o) {
        const Index q = index / m_fast_output_strides[o];
        input += q * m_diagonal_strides[o];
        index -= q * m_output_strides[o];
      }
      return input + index * m_diagonal_strides[0];
    }
    for (int o = 0; o < NumDims - 1; ++o) {
      const Index q = index / m_fast_output_strides[o];
      input += q * m_diagonal_strides[o];
      index -= q * m_output_strides[o];
    }
    return input + index * m_diagonal_strides[NumDims - 1];
  }

  TensorEvaluator<ArgType, Device> m_impl;
  Dimensions m_dimensions;
  array<Index, NumDims> m_diagonal_strides;
  array<Index, NumDims> m_output_strides;
  array<internal::TensorIntDivisor<Index>, NumDims> m_fast_output_strides;
};

} // namespace Eigen

#endif // EIGEN_EINSUM_OPS_DIAGONAL_HPP
