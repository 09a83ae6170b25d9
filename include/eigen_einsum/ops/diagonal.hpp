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
struct TensorEvaluator<const eigen_einsum::detail::TensorDiagonalOp<OutputAxes, ArgType>, Device>
    : eigen_einsum::detail::coordinate_evaluator<
          TensorEvaluator<const eigen_einsum::detail::TensorDiagonalOp<OutputAxes, ArgType>,
                          Device>,
          ArgType, Device, eigen_einsum::detail::diagonal_output_rank(OutputAxes{})> {
  using XprType = eigen_einsum::detail::TensorDiagonalOp<OutputAxes, ArgType>;
  using Base = eigen_einsum::detail::coordinate_evaluator<TensorEvaluator, ArgType, Device,
                                                          internal::traits<XprType>::NumDimensions>;
  using typename Base::CoeffReturnType;
  using typename Base::Dimensions;
  using typename Base::Index;

  TensorEvaluator(const XprType& op, const Device& device) : Base(op.expression(), device) {
    const auto& input_dims = this->m_impl.dimensions();
    const auto input_strides = Base::strides_of(input_dims);
    Dimensions dims;
    for (int o = 0; o < Base::NumDims; ++o) {
      dims[o] = 0;
      m_diagonal_strides[o] = 0;
    }
    set_axes(input_dims, input_strides, dims, OutputAxes{});
    this->set_dimensions(dims);
  }

  /// Output coordinate o steps through every input axis it gathers at once.
  CoeffReturnType coeff_at(const Index* at) const {
    Index input = 0;
    for (int o = 0; o < Base::NumDims; ++o) {
      input += at[o] * m_diagonal_strides[o];
    }
    return this->m_impl.coeff(input);
  }

private:
  template <class Dims, class Strides, int... A>
  void set_axes(const Dims& input_dims, const Strides& input_strides, Dimensions& dims,
                std::integer_sequence<int, A...>) {
    int i = 0;
    ((dims[A] = input_dims[i], m_diagonal_strides[A] += input_strides[i], ++i), ...);
  }

  array<Index, Base::NumDims> m_diagonal_strides;
};

} // namespace Eigen

#endif // EIGEN_EINSUM_OPS_DIAGONAL_HPP
