// eigen-einsum: numpy's einsum for Eigen tensors, planned at compile time, returning a lazy Eigen
// expression. This is the public API; it includes the pipeline stages.
#ifndef EIGEN_EINSUM_EINSUM_HPP
#define EIGEN_EINSUM_EINSUM_HPP

#include "config.hpp"
#include "detail/fixed_string.hpp"
#include "diagnostics.hpp"
#include "lower.hpp"
#include "parse.hpp"
#include "plan.hpp"
#include "validate.hpp"

#include <array>
#include <tuple>
#include <type_traits>
#include <utility>

namespace eigen_einsum {
namespace detail {

/// The subscript text as a type, whichever spelling the user chose.
#if EIGEN_EINSUM_HAS_STRING_LITERAL_SUBSCRIPT
template <fixed_string S>
struct subscript_text {
  static constexpr auto value = S;
};
#else
template <const auto& S>
struct subscript_text {
  static constexpr const auto& value = S;
};
#endif

template <class X>
using operand_t = std::remove_cv_t<std::remove_reference_t<X>>;

template <class X>
using scalar_of = typename Eigen::internal::traits<operand_t<X>>::Scalar;

template <class X>
inline constexpr int rank_of = Eigen::internal::traits<operand_t<X>>::NumDimensions;

template <class X>
inline constexpr int layout_of = Eigen::internal::traits<operand_t<X>>::Layout;

template <class First, class... Rest>
constexpr operand_facts facts_of() {
  operand_facts f{};
  f.count = 1 + static_cast<int>(sizeof...(Rest));
  f.row_major = layout_of<First> == Eigen::RowMajor;
  const int ranks[] = {rank_of<First>, rank_of<Rest>...};
  const bool scalars[] = {true, std::is_same_v<scalar_of<First>, scalar_of<Rest>>...};
  const bool layouts[] = {true, layout_of<First> == layout_of<Rest>...};
  for (int k = 0; k < f.count && k < max_operands; ++k) {
    f.rank[k] = ranks[k];
    f.same_scalar[k] = scalars[k];
    f.same_layout[k] = layouts[k];
  }
  return f;
}

/// Everything einsum knows at compile time about one call: parse, validate, plan.
template <class Text, class... Ops>
struct compiled {
  static constexpr subscript parsed = parse(Text::value.data(), Text::value.size());
  static constexpr operand_facts facts = facts_of<Ops...>();
  static constexpr validation check = validate(parsed, facts);
  static constexpr plan<3> value =
      check.kind == error_kind::none ? make_plan(parsed, facts.row_major) : plan<3>{};
  static constexpr int root = value.num_nodes - 1;
};

template <class X, class = void>
struct has_dimensions : std::false_type {};
template <class X>
struct has_dimensions<X, std::void_t<decltype(std::declval<const X&>().dimensions())>>
    : std::true_type {};

/// The extents of any Eigen tensor expression, without evaluating it.
template <class X>
std::array<Index, rank_of<X>> extents_of(const X& x) {
  std::array<Index, rank_of<X>> e{};
  if constexpr (has_dimensions<X>::value) {
    for (int i = 0; i < rank_of<X>; ++i) {
      e[i] = x.dimensions()[i];
    }
  } else {
    const Eigen::DefaultDevice device;
    const Eigen::TensorEvaluator<const X, Eigen::DefaultDevice> evaluator(x, device);
    for (int i = 0; i < rank_of<X>; ++i) {
      e[i] = evaluator.dimensions()[i];
    }
  }
  return e;
}

template <class X>
operand_t<X> by_value(X&& x) {
  return operand_t<X>(std::forward<X>(x));
}

/// Stands in for the result after a compile error, so that no second error follows.
struct invalid_einsum {
  template <class T>
  operator T() const;
};

template <class Text, class... Ops>
decltype(auto) einsum(Ops&&... ops) {
  using c = compiled<Text, operand_t<Ops>...>;
  if constexpr (c::check.kind != error_kind::none) {
    raise_error<c>();
    return invalid_einsum{};
  } else {
    const label_extents extent = check_extents(c::parsed, extents_of(ops)...);
    constexpr const node& root = c::value.nodes[c::root];
    if constexpr (root.kind == node_kind::operand && root.num_steps == 0) {
      // The identity: the operand itself, by reference when the caller holds it.
      if constexpr ((std::is_lvalue_reference_v<Ops> && ...)) {
        const auto& x = std::get<0>(std::forward_as_tuple(ops...));
        return x;
      } else {
        return by_value(std::forward<Ops>(ops)...);
      }
    } else {
      return lower_node<c, c::root>(std::forward_as_tuple(ops...), extent);
    }
  }
}

} // namespace detail

#if EIGEN_EINSUM_HAS_STRING_LITERAL_SUBSCRIPT
/// Einstein summation over Eigen tensor expressions, as numpy.einsum, planned at compile time.
///
///   Eigen::Tensor<float, 2> c = eigen_einsum::einsum<"ij,jk->ik">(a, b);
///
/// Returns a lazy Eigen tensor expression (the operand itself for an identity subscript).
/// Compile errors start with `einsum:` for a malformed subscript, a wrong number of operands, a
/// subscript length that differs from an operand's rank, an output label in no operand
/// subscript, or mixed scalar types or layouts. Throws shape_error when a label's extents differ.
template <fixed_string Subscript, class... Ops>
decltype(auto) einsum(Ops&&... ops) {
  return detail::einsum<detail::subscript_text<Subscript>>(std::forward<Ops>(ops)...);
}
#else
/// Einstein summation over Eigen tensor expressions, as numpy.einsum, planned at compile time.
///
///   static constexpr eigen_einsum::fixed_string matmul{"ij,jk->ik"};  // namespace scope
///   Eigen::Tensor<float, 2> c = eigen_einsum::einsum<matmul>(a, b);
///
/// See the C++20 overload for the result and the errors.
template <const auto& Subscript, class... Ops>
decltype(auto) einsum(Ops&&... ops) {
  return detail::einsum<detail::subscript_text<Subscript>>(std::forward<Ops>(ops)...);
}
#endif

} // namespace eigen_einsum

#endif // EIGEN_EINSUM_EINSUM_HPP
