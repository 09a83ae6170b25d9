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

/// No option: the cheapest order, intermediates within the largest operand or output (numpy).
struct default_options {};

} // namespace eigen_einsum

#endif // EIGEN_EINSUM_OPTIONS_HPP
