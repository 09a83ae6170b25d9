// eigen-einsum: the options einsum takes after the subscript.
#ifndef EIGEN_EINSUM_OPTIONS_HPP
#define EIGEN_EINSUM_OPTIONS_HPP

namespace eigen_einsum {

/// An explicit contraction order, numpy's einsum_path format flattened: `path<1, 2, 0, 1>`
/// contracts operands 1 and 2, then operand 0 with that result (appended at the end).
template <int... Positions>
struct path {};

/// Keeps every intermediate within N elements (numpy's and opt_einsum's memory_limit).
template <long long N>
struct memory_limit {};

/// numpy's rule for labelled dimensions: an extent 1 broadcasts against the label's extent in
/// the other operands (`einsum<"ij,ij->j", numpy_broadcasting>(a, b)` with a (4, 3), b (1, 3)).
/// Without it a label has one extent in every operand, as Eigen's own ops check.
struct numpy_broadcasting {};

/// The operands whose gradients `gradients` computes, by position: `gradients<"ij,jk,kl->il",
/// wrt<0, 2>>(g, a, b, c)` returns the gradients of a and c only (by default, every operand's).
template <int... Operands>
struct wrt {};

/// Several options at once: `options<numpy_broadcasting, memory_limit<1 << 20>>`.
template <class... Options>
struct options {};

/// No option: the cheapest order, intermediates within the largest operand or output (numpy).
struct default_options {};

} // namespace eigen_einsum

#endif // EIGEN_EINSUM_OPTIONS_HPP
