// eigen-einsum ops: one of several expressions of the same shape, chosen at run time, or zeros,
// as an Eigen expression. einsum uses it to pick among contraction orders fixed at compile time
// once the extents are known, between plans with and without broadcasts under '...', and to
// answer zeros without evaluating a plan when an extent is 0.
#ifndef EIGEN_EINSUM_OPS_CHOICE_HPP
#define EIGEN_EINSUM_OPS_CHOICE_HPP

#include "tensor.hpp"

#include <type_traits>
#include <utility>

namespace eigen_einsum::detail {

/// Evaluates alternative `choice`: all alternatives have one scalar type, rank and layout.
/// Choice -1 is zeros, evaluating none of them.
/// The result materialises, straight into the destination when it is the whole right-hand side.
template <class... Xprs>
class TensorChoiceOp;

/// Alternative I of a TensorChoiceOp, a base of the aggregate that holds them all: each is then
/// initialised from a prvalue, without a copy.
template <std::size_t I, class Xpr>
struct choice_slot {
  Xpr xpr;
};

template <class Indices, class... Xprs>
struct choice_slots;
template <std::size_t... I, class... Xprs>
struct choice_slots<std::index_sequence<I...>, Xprs...> : choice_slot<I, Xprs>... {};

template <std::size_t I, class Xpr>
const Xpr& alternative(const choice_slot<I, Xpr>& slot) {
  return slot.xpr;
}

/// Tag of the TensorChoiceOp constructor that builds each alternative in place.
struct build_alternatives_t {};
inline constexpr build_alternatives_t build_alternatives{};

} // namespace eigen_einsum::detail

namespace Eigen::internal {

template <class First, class... Rest>
struct traits<eigen_einsum::detail::TensorChoiceOp<First, Rest...>>
    : eigen_einsum::detail::op_traits<First, traits<First>::NumDimensions> {};

} // namespace Eigen::internal

namespace eigen_einsum::detail {

template <class... Xprs>
class TensorChoiceOp : public op_base<TensorChoiceOp<Xprs...>> {
public:
  using typename op_base<TensorChoiceOp>::Scalar;
  using typename op_base<TensorChoiceOp>::Index;
  using Dimensions = Eigen::DSizes<Index, Eigen::internal::traits<TensorChoiceOp>::NumDimensions>;

  using Slots = choice_slots<std::index_sequence_for<Xprs...>, Xprs...>;

  /// `dimensions` are the extents every alternative has (the caller knows them already).
  TensorChoiceOp(int choice, const Dimensions& dimensions, const Xprs&... xprs)
      : m_xprs{{xprs}...}, m_dimensions(dimensions), m_choice(choice) {}

  /// Alternative I is `make(std::integral_constant<int, I>{})`, built in place: copying the
  /// alternatives costs a 0.4 us einsum 3% of its time.
  template <class Make>
  TensorChoiceOp(int choice, const Dimensions& dimensions, build_alternatives_t, Make&& make)
      : TensorChoiceOp(choice, dimensions, make, std::index_sequence_for<Xprs...>{}) {}

  int choice() const { return m_choice; }
  const Dimensions& dimensions() const { return m_dimensions; }
  const Slots& alternatives() const { return m_xprs; }

private:
  template <class Make, std::size_t... I>
  TensorChoiceOp(int choice, const Dimensions& dimensions, Make& make, std::index_sequence<I...>)
      : m_xprs{{make(std::integral_constant<int, int(I)>{})}...}, m_dimensions(dimensions),
        m_choice(choice) {}

  Slots m_xprs;
  Dimensions m_dimensions;
  int m_choice;
};

/// `choose(k, dims, x0, x1, ...)`: x_k, or zeros of extents `dims` when k is -1.
template <class... Xprs>
TensorChoiceOp<Xprs...> choose(int choice,
                               const typename TensorChoiceOp<Xprs...>::Dimensions& dimensions,
                               const Xprs&... xprs) {
  return TensorChoiceOp<Xprs...>(choice, dimensions, xprs...);
}

} // namespace eigen_einsum::detail

namespace Eigen {

template <class... Xprs, class Device>
struct TensorEvaluator<const eigen_einsum::detail::TensorChoiceOp<Xprs...>, Device>
    : eigen_einsum::detail::buffer_evaluator_of<eigen_einsum::detail::TensorChoiceOp<Xprs...>,
                                                Device> {
  using XprType = eigen_einsum::detail::TensorChoiceOp<Xprs...>;
  using Scalar = typename XprType::Scalar;
  using Base = eigen_einsum::detail::buffer_evaluator_of<XprType, Device>;
  using typename Base::Dimensions;
  using typename Base::EvaluatorPointerType;
  using typename Base::Index;

  TensorEvaluator(const XprType& op, const Device& device)
      : Base(device), m_op(op), m_dimensions(op.dimensions()) {}

  const Dimensions& dimensions() const { return m_dimensions; }

  bool evalSubExprsIfNeeded(EvaluatorPointerType data) {
    const Index size = internal::array_prod(m_dimensions);
    Scalar* out = this->output(data, size);
    if (m_op.choice() < 0) {
      // Zero bytes are zero for every arithmetic scalar type, complex included.
      this->m_device.memset(out, 0, std::size_t(size) * sizeof(Scalar));
      return data == nullptr;
    }
    visit([&](const auto& xpr) {
      using X = std::remove_cv_t<std::remove_reference_t<decltype(xpr)>>;
      using EvalTo = TensorEvalToOp<const X>;
      EvalTo eval_to(out, xpr);
      internal::TensorExecutor<const EvalTo, Device>::run(eval_to, this->m_device);
    });
    return data == nullptr;
  }

private:
  template <class F, std::size_t... I>
  void visit_impl(F&& f, std::index_sequence<I...>) const {
    ((m_op.choice() == static_cast<int>(I)
          ? f(eigen_einsum::detail::alternative<I>(m_op.alternatives()))
          : void()),
     ...);
  }
  template <class F>
  void visit(F&& f) const {
    visit_impl(f, std::index_sequence_for<Xprs...>{});
  }

  // Read only until evalSubExprsIfNeeded, while the expression surely lives (an assignment's
  // right-hand side, or a TensorRef being built): copying every alternative costs tiny einsums.
  const XprType& m_op;
  const Dimensions m_dimensions;
};

} // namespace Eigen

#endif // EIGEN_EINSUM_OPS_CHOICE_HPP
