// eigen-einsum: numpy's einsum for Eigen tensors, planned at compile time, returning a lazy Eigen
// expression. The public API: einsum, einsum_path and their options.
#ifndef EIGEN_EINSUM_EINSUM_HPP
#define EIGEN_EINSUM_EINSUM_HPP

#include "config.hpp"
#include "diagnostics.hpp"
#include "fixed_string.hpp"
#include "lower/driver.hpp"
#include "options.hpp"
#include "plan/report.hpp"

#include <utility>

namespace eigen_einsum {

#if EIGEN_EINSUM_HAS_STRING_LITERAL_SUBSCRIPT
/// Einstein summation over Eigen tensor expressions, as numpy.einsum, planned at compile time.
///
///   Eigen::Tensor<float, 2> c = eigen_einsum::einsum<"ij,jk->ik">(a, b);
///   Eigen::Tensor<float, 2> d = eigen_einsum::einsum<"ij,jk,kl->il">(a, b, c);
///
/// Returns a lazy Eigen tensor expression (the operand itself for an identity subscript). With
/// three or more operands the contraction order has the fewest FLOPs (numpy's cost model): chosen
/// at compile time for TensorFixedSize operands, else at run time among a few orders fixed at
/// compile time. `Option` is eigen_einsum::path<...> (an explicit order) or memory_limit<N>.
/// Subscripts follow numpy (doc/semantics.md), `...` included: `einsum<"...ij,...jk->...ik">`
/// broadcasts extent-1 dimensions under `...`.
/// Compile errors start with `einsum:` for a malformed subscript, a wrong number of operands, a
/// subscript length that differs from an operand's rank, an output label in no operand
/// subscript, mixed scalar types or layouts, or an invalid explicit path. Throws shape_error when
/// a label's extents differ, or dimensions under `...` neither agree nor are 1.
template <fixed_string Subscript, class Option = default_options, class... Ops>
decltype(auto) einsum(Ops&&... ops) {
  using text = detail::subscript_type<detail::string_chars<Subscript>>;
  return detail::einsum<text, Option>(std::forward<Ops>(ops)...);
}

/// The contraction order einsum takes for these operands, with numpy's einsum_path figures, and
/// each step's planned axis order, layout and bytes permuted.
///
///   std::cout << eigen_einsum::einsum_path<"ij,jk,kl->il">(a, b, c);
///
/// Raises the same errors as einsum.
template <fixed_string Subscript, class Option = default_options, class... Ops>
path_info einsum_path(const Ops&... ops) {
  using text = detail::subscript_type<detail::string_chars<Subscript>>;
  return detail::einsum_path<text, Option>(ops...);
}
#else
/// Einstein summation over Eigen tensor expressions, as numpy.einsum, planned at compile time.
///
///   static constexpr eigen_einsum::fixed_string matmul{"ij,jk->ik"};
///   Eigen::Tensor<float, 2> c = eigen_einsum::einsum<matmul>(a, b);
///
/// See the C++20 overload for the result, the options and the errors. The subscript must be a
/// `static constexpr` fixed_string: anything else is the error
/// `einsum: in C++17 the subscript must be a named eigen_einsum::fixed_string`.
template <const auto& Subscript, class Option = default_options, class... Ops>
decltype(auto) einsum(Ops&&... ops) {
  using type = std::decay_t<decltype(Subscript)>;
  if constexpr (!detail::is_fixed_string<type>) {
    (void)sizeof(diagnostics::subscript_is_not_a_fixed_string<type>);
    return detail::invalid_einsum{};
  } else {
    using text = detail::subscript_type<detail::named_chars<Subscript>>;
    return detail::einsum<text, Option>(std::forward<Ops>(ops)...);
  }
}

/// The contraction order einsum takes for these operands, with numpy's einsum_path figures, and
/// each step's planned axis order, layout and bytes permuted.
template <const auto& Subscript, class Option = default_options, class... Ops>
path_info einsum_path(const Ops&... ops) {
  using type = std::decay_t<decltype(Subscript)>;
  if constexpr (!detail::is_fixed_string<type>) {
    (void)sizeof(diagnostics::subscript_is_not_a_fixed_string<type>);
    return path_info{};
  } else {
    using text = detail::subscript_type<detail::named_chars<Subscript>>;
    return detail::einsum_path<text, Option>(ops...);
  }
}
#endif

} // namespace eigen_einsum

#endif // EIGEN_EINSUM_EINSUM_HPP
