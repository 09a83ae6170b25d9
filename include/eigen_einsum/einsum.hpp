// eigen-einsum: numpy's einsum for Eigen tensors, planned at compile time, returning a lazy Eigen
// expression. The public API: einsum, einsum_path and their options.
#ifndef EIGEN_EINSUM_EINSUM_HPP
#define EIGEN_EINSUM_EINSUM_HPP

#include "config.hpp"
#include "diagnostics.hpp"
#include "fixed_string.hpp"
#include "lower/driver.hpp"
#include "lower/gradient.hpp"
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
/// three or more operands the contraction order costs least (numpy's FLOPs plus its copies):
/// chosen at compile time for TensorFixedSize operands, else at run time among a few orders fixed
/// at compile time. `Option` is eigen_einsum::path<...> (an explicit order) or memory_limit<N>.
/// Subscripts follow numpy (doc/semantics.md), `...` included: `einsum<"...ij,...jk->...ik">`
/// broadcasts extent-1 dimensions under `...`.
/// Compile errors start with `einsum:` for a malformed subscript, a wrong number of operands, a
/// subscript length that differs from an operand's rank, an output label in no operand
/// subscript, mixed scalar types or layouts, or an invalid explicit path. Throws shape_error when
/// a label's extents differ, or dimensions under `...` neither agree nor are 1.
template <fixed_string Subscript, class Option = default_options, class... Ops>
EIGEN_ALWAYS_INLINE decltype(auto) einsum(Ops&&... ops) {
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

/// The gradient of an einsum with respect to operand K (its vector-Jacobian product): given the
/// gradient `g` of einsum's result, the gradient of the same scalar with respect to operand K.
///
///   Eigen::Tensor<float, 2> c = eigen_einsum::einsum<"ij,jk->ik">(a, b);
///   Eigen::Tensor<float, 2> da = eigen_einsum::gradient<"ij,jk->ik", 0>(dc, a, b); // dc b^T
///
/// Returns a lazy Eigen expression of operand K's shape: the einsum of a subscript the compiler
/// derives (`ik,jk->ij` here), planned like any einsum, broadcast over the labels only operand
/// K has, on the diagonals where a label repeats in it, summed where its extent 1 broadcast
/// (doc/gradients.md). Complex scalars follow torch: the conjugate of the other operands. Operand
/// K is read for its extents only, so `a = gradient<..., 0>(g, a, b)` is safe.
/// Compile errors: einsum's for the subscript and operands, and `einsum:` errors for a K that is
/// no operand's position, and a g whose rank, scalar type or layout is not the result's. Throws
/// shape_error when the operands' extents disagree (as einsum) or g's differ from the result's.
template <fixed_string Subscript, int K, class Option = default_options, class G, class... Ops>
decltype(auto) gradient(const G& g, const Ops&... ops) {
  using text = detail::subscript_type<detail::string_chars<Subscript>>;
  return detail::gradient<text, K, Option>(g, ops...);
}

/// The gradients with respect to every operand at once, sharing the forward contraction tree:
/// for N operands 3N - 4 pairwise contractions instead of N separate gradients' N(N - 1).
///
///   auto [da, db, dc] = eigen_einsum::gradients<"ij,jk,kl->il">(g, a, b, c);
///
/// Returns a std::tuple of Eigen::Tensor, one per operand, of its shape; with the option
/// `wrt<K...>`, one per requested operand (`gradients<"...", wrt<0, 2>>`). Walks the tree of the
/// order planned for equal extents (or the explicit path): forward, keeping every intermediate
/// but the last, then back from g (doc/gradients.md). Raises the errors of gradient.
template <fixed_string Subscript, class Option = default_options, class G, class... Ops>
auto gradients(const G& g, const Ops&... ops) {
  using text = detail::subscript_type<detail::string_chars<Subscript>>;
  return detail::gradients<text, Option>(g, ops...);
}

/// einsum evaluated once, keeping the intermediates of its contraction tree for the gradients
/// (as torch saves tensors for its backward pass), so that they take the backward walk only.
///
///   auto step = eigen_einsum::record<"ij,jk,kl->il">(a, b, c);
///   loss = step.output() ...;                       // einsum's result, a TensorMap it owns
///   auto [da, db, dc] = step.gradients(g);           // step.gradients<wrt<0>>(g): da only
///
/// Keeps operands given as lvalues by reference (they must outlive it), temporaries by value.
/// Raises einsum's errors when recording, and those of gradients from `gradients(g)`.
template <fixed_string Subscript, class Option = default_options, class... Ops>
auto record(Ops&&... ops) {
  using text = detail::subscript_type<detail::string_chars<Subscript>>;
  return detail::record<text, Option>(std::forward<Ops>(ops)...);
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
EIGEN_ALWAYS_INLINE decltype(auto) einsum(Ops&&... ops) {
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
/// The gradient of an einsum with respect to operand K, the subscript a named fixed_string:
///
///   static constexpr eigen_einsum::fixed_string matmul{"ij,jk->ik"};
///   Eigen::Tensor<float, 2> da = eigen_einsum::gradient<matmul, 0>(dc, a, b);
///
/// See the C++20 overload for the result and the errors.
template <const auto& Subscript, int K, class Option = default_options, class G, class... Ops>
decltype(auto) gradient(const G& g, const Ops&... ops) {
  using type = std::decay_t<decltype(Subscript)>;
  if constexpr (!detail::is_fixed_string<type>) {
    (void)sizeof(diagnostics::subscript_is_not_a_fixed_string<type>);
    return detail::invalid_einsum{};
  } else {
    using text = detail::subscript_type<detail::named_chars<Subscript>>;
    return detail::gradient<text, K, Option>(g, ops...);
  }
}

/// The gradients with respect to every operand at once, the subscript a named fixed_string. See
/// the C++20 overload.
template <const auto& Subscript, class Option = default_options, class G, class... Ops>
auto gradients(const G& g, const Ops&... ops) {
  using type = std::decay_t<decltype(Subscript)>;
  if constexpr (!detail::is_fixed_string<type>) {
    (void)sizeof(diagnostics::subscript_is_not_a_fixed_string<type>);
    return detail::invalid_einsum{};
  } else {
    using text = detail::subscript_type<detail::named_chars<Subscript>>;
    return detail::gradients<text, Option>(g, ops...);
  }
}

/// record, the subscript a named fixed_string. See the C++20 overload.
template <const auto& Subscript, class Option = default_options, class... Ops>
auto record(Ops&&... ops) {
  using type = std::decay_t<decltype(Subscript)>;
  if constexpr (!detail::is_fixed_string<type>) {
    (void)sizeof(diagnostics::subscript_is_not_a_fixed_string<type>);
    return detail::invalid_einsum{};
  } else {
    using text = detail::subscript_type<detail::named_chars<Subscript>>;
    return detail::record<text, Option>(std::forward<Ops>(ops)...);
  }
}
#endif

} // namespace eigen_einsum

#endif // EIGEN_EINSUM_EINSUM_HPP
