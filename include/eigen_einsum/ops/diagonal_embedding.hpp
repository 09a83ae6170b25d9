// eigen-einsum ops: a lazy diagonal embedding (`i->ii`, `ij->iji`) as an Eigen expression: the
// inverse of the diagonal view, zeros off the diagonal. Eigen has no op that writes a diagonal.
#ifndef EIGEN_EINSUM_OPS_DIAGONAL_EMBEDDING_HPP
#define EIGEN_EINSUM_OPS_DIAGONAL_EMBEDDING_HPP

#include "tensor.hpp"

#include <type_traits>
#include <utility>

namespace eigen_einsum::detail {

/// Embeds a tensor on a diagonal: output axis o is input axis `InputAxes[o]`, and output axes
/// sharing an input axis form a diagonal; off every diagonal the coefficients are zero.
/// `embed_diagonal<0, 0>(v)` is the square matrix with `v` on its main diagonal.
template <class InputAxes, class XprType>
class TensorDiagonalEmbeddingOp;

template <int... A>
constexpr int embedding_output_rank(std::integer_sequence<int, A...>) {
  return int(sizeof...(A));
}

} // namespace eigen_einsum::detail

namespace Eigen::internal {

template <class InputAxes, class XprType>
struct traits<eigen_einsum::detail::TensorDiagonalEmbeddingOp<InputAxes, XprType>>
    : eigen_einsum::detail::op_traits<XprType,
                                      eigen_einsum::detail::embedding_output_rank(InputAxes{})> {};

} // namespace Eigen::internal

namespace eigen_einsum::detail {

template <class InputAxes, class XprType>
class TensorDiagonalEmbeddingOp : public op_base<TensorDiagonalEmbeddingOp<InputAxes, XprType>> {
public:
  using typename op_base<TensorDiagonalEmbeddingOp>::Scalar;
  using typename op_base<TensorDiagonalEmbeddingOp>::Index;
  using CoeffReturnType = typename XprType::CoeffReturnType;

  explicit TensorDiagonalEmbeddingOp(const XprType& expr) : m_xpr(expr) {}

  const std::remove_cv_t<std::remove_reference_t<typename XprType::Nested>>& expression() const {
    return m_xpr;
  }

private:
  typename XprType::Nested m_xpr;
};

/// `embed_diagonal<0, 1, 0>(a)`: the tensor r(i, j, k) = (i == k ? a(i, j) : 0).
template <int... InputAxis, class Xpr>
TensorDiagonalEmbeddingOp<std::integer_sequence<int, InputAxis...>, const Xpr>
embed_diagonal(const Eigen::TensorBase<Xpr, Eigen::ReadOnlyAccessors>& xpr) {
  return TensorDiagonalEmbeddingOp<std::integer_sequence<int, InputAxis...>, const Xpr>(
      static_cast<const Xpr&>(xpr));
}

} // namespace eigen_einsum::detail

namespace Eigen {

template <class InputAxes, class ArgType, class Device>
struct TensorEvaluator<const eigen_einsum::detail::TensorDiagonalEmbeddingOp<InputAxes, ArgType>,
                       Device>
    : eigen_einsum::detail::coordinate_evaluator<
          TensorEvaluator<const eigen_einsum::detail::TensorDiagonalEmbeddingOp<InputAxes, ArgType>,
                          Device>,
          ArgType, Device, eigen_einsum::detail::embedding_output_rank(InputAxes{})> {
  using XprType = eigen_einsum::detail::TensorDiagonalEmbeddingOp<InputAxes, ArgType>;
  using Base = eigen_einsum::detail::coordinate_evaluator<TensorEvaluator, ArgType, Device,
                                                          internal::traits<XprType>::NumDimensions>;
  using typename Base::CoeffReturnType;
  using typename Base::Dimensions;
  using typename Base::Index;

  TensorEvaluator(const XprType& op, const Device& device) : Base(op.expression(), device) {
    const auto& input_dims = this->m_impl.dimensions();
    const auto input_strides = Base::strides_of(input_dims);
    Dimensions dims;
    set_axes(input_dims, input_strides, dims, InputAxes{});
    this->set_dimensions(dims);
  }

  /// Zero off the diagonal: where output axes taken from one input axis disagree.
  CoeffReturnType coeff_at(const Index* at) const {
    Index input = 0;
    for (int o = 0; o < Base::NumDims; ++o) {
      if (at[o] != at[m_first_axis[o]]) {
        return CoeffReturnType(0);
      }
      input += m_first_axis[o] == o ? at[o] * m_input_strides[o] : 0;
    }
    return this->m_impl.coeff(input);
  }

private:
  template <class Dims, class Strides, int... A>
  void set_axes(const Dims& input_dims, const Strides& input_strides, Dimensions& dims,
                std::integer_sequence<int, A...>) {
    const int input_axis[] = {A...};
    for (int o = 0; o < Base::NumDims; ++o) {
      dims[o] = input_dims[input_axis[o]];
      m_input_strides[o] = input_strides[input_axis[o]];
      m_first_axis[o] = o;
      for (int p = o - 1; p >= 0; --p) {
        m_first_axis[o] = input_axis[p] == input_axis[o] ? p : m_first_axis[o];
      }
    }
  }

  array<Index, Base::NumDims> m_input_strides;
  array<int, Base::NumDims> m_first_axis; // the first output axis taken from the same input axis
};

} // namespace Eigen

#endif // EIGEN_EINSUM_OPS_DIAGONAL_EMBEDDING_HPP
