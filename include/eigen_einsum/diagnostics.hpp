// eigen-einsum: every error a user can get: shape_error at run time, and one class template per
// compile-time error kind.
#ifndef EIGEN_EINSUM_DIAGNOSTICS_HPP
#define EIGEN_EINSUM_DIAGNOSTICS_HPP

#include "config.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace eigen_einsum {

/// Thrown by einsum when a label's extents disagree, before anything is written.
///
/// Example: `einsum<"ij,jk->ik">(a /*2x3*/, b /*4x5*/)` throws with the message
/// `einsum: label 'j' has extent 3 in operand 0 but 4 in operand 1, in "ij,jk->ik" with operand
/// shapes (2,3), (4,5)`.
/// Under -fno-exceptions the message goes to EIGEN_EINSUM_SHAPE_ERROR_HANDLER instead.
class shape_error : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

namespace detail {

/// Without exceptions: the message on stderr, then std::abort(), as a failed eigen_assert does.
[[noreturn]] inline void print_and_abort(const char* message) {
  std::fprintf(stderr, "%s\n", message);
  std::abort();
}

} // namespace detail
} // namespace eigen_einsum

// What einsum calls with a shape_error's message (a const char*) when exceptions are disabled.
// Define it before including eigen_einsum to report otherwise; it must not return.
#ifndef EIGEN_EINSUM_SHAPE_ERROR_HANDLER
#define EIGEN_EINSUM_SHAPE_ERROR_HANDLER(message) ::eigen_einsum::detail::print_and_abort(message)
#endif

namespace eigen_einsum::detail {

/// Throws shape_error(message), or passes it to EIGEN_EINSUM_SHAPE_ERROR_HANDLER under
/// -fno-exceptions. Out of line, so that each einsum call does not carry its own copy.
[[noreturn]] inline void report_shape_error(const std::string& message) {
#if EIGEN_EINSUM_HAS_EXCEPTIONS
  throw shape_error(message);
#else
  EIGEN_EINSUM_SHAPE_ERROR_HANDLER(message.c_str());
  std::abort(); // a handler that returns must not let einsum go on
#endif
}

} // namespace eigen_einsum::detail

namespace eigen_einsum {

/// Compile-time errors. Each is a class template whose arguments carry the details (label,
/// operand, counts), so the compiler's "in instantiation of" line names them.
namespace diagnostics {

template <char Label>
struct label {};
template <int Index>
struct operand {};
template <int Column>
struct column {};
template <int Count>
struct labels_in_operand_subscript {};
template <int Rank>
struct operand_rank {};
template <int Count>
struct operand_subscripts {};
template <int Count>
struct operands_given {};

template <int Count>
struct ellipsis_dimensions {};
template <int Count>
struct unused_letters {};
template <int Count>
struct labels_in_output_subscript {};

template <int Rank>
struct gradient_rank {};
template <int Layout> // Eigen::ColMajor (0) or Eigen::RowMajor (1)
struct gradient_layout {};
template <int Count>
struct path_steps_needed {};
template <int Count>
struct path_steps_given {};
template <int Step>
struct path_step {};
template <int Position>
struct position {};

template <class...>
inline constexpr bool always_false = false;

template <class... Details>
struct invalid_character {
  static_assert(always_false<Details...>,
                "einsum: invalid character in the subscript; labels are the letters a-z and A-Z");
};
template <class... Details>
struct malformed_arrow {
  static_assert(always_false<Details...>,
                "einsum: malformed '->' in the subscript; write one '->' between the operand "
                "subscripts and the output subscript");
};
template <class... Details>
struct malformed_ellipsis {
  static_assert(always_false<Details...>,
                "einsum: malformed ellipsis; write exactly '...', at most once per subscript");
};
template <class... Details>
struct too_many_operand_subscripts {
  static_assert(always_false<Details...>, "einsum: too many operand subscripts (at most 64)");
};
template <class... Details>
struct too_many_labels {
  static_assert(always_false<Details...>,
                "einsum: too many labels in one operand or output subscript (at most 32)");
};
template <class... Details>
struct wrong_number_of_operands {
  static_assert(always_false<Details...>,
                "einsum: the number of operands differs from the number of operand subscripts");
};
template <class... Details>
struct subscript_length_differs_from_rank {
  static_assert(always_false<Details...>,
                "einsum: an operand subscript's number of labels differs from the operand's rank");
};
template <class... Details>
struct output_label_not_in_any_input {
  static_assert(always_false<Details...>,
                "einsum: an output label does not appear in any operand subscript");
};
template <class... Details>
struct mixed_scalar_types {
  static_assert(always_false<Details...>,
                "einsum: operands have different scalar types; convert one with .cast<T>()");
};
template <class... Details>
struct mixed_layouts {
  static_assert(always_false<Details...>,
                "einsum: operands have different layouts (ColMajor and RowMajor); convert one "
                "with .swap_layout() and reverse its operand subscript");
};
template <class... Details>
struct more_labels_than_rank {
  static_assert(always_false<Details...>,
                "einsum: an operand subscript with '...' has more labels than the operand's "
                "rank; '...' stands for the dimensions its labels leave over");
};
template <class... Details>
struct too_many_ellipsis_dimensions {
  static_assert(always_false<Details...>,
                "einsum: '...' stands for more dimensions than einsum can label (one unused "
                "letter each, at most 32 labels per operand or output subscript)");
};
template <class... Details>
struct subscript_is_not_a_fixed_string {
  static_assert(always_false<Details...>,
                "einsum: in C++17 the subscript must be a named eigen_einsum::fixed_string: "
                "declare `static constexpr eigen_einsum::fixed_string s{\"ij,jk->ik\"};` and "
                "call einsum<s>(...)");
};
template <class... Details>
struct invalid_path {
  static_assert(always_false<Details...>,
                "einsum: the explicit path must have one step per pairwise contraction (operands "
                "minus one), each naming two different positions in the list of remaining terms");
};

template <class... Details>
struct gradient_operand_out_of_range {
  static_assert(always_false<Details...>,
                "einsum: gradient<Subscript, K>: K is no operand's position (0 to the number of "
                "operands minus one)");
};
template <class... Details>
struct gradient_rank_differs {
  static_assert(always_false<Details...>,
                "einsum: the gradient g's rank differs from the number of labels in the output "
                "subscript; g has the shape of einsum's result");
};
template <class... Details>
struct gradient_scalar_type_differs {
  static_assert(always_false<Details...>,
                "einsum: the gradient g's scalar type differs from the operands'; convert it "
                "with .cast<T>()");
};
template <class... Details>
struct gradient_layout_differs {
  static_assert(always_false<Details...>,
                "einsum: the gradient g's layout differs from the operands' (ColMajor and "
                "RowMajor); convert it with .swap_layout() and reverse its axes");
};

} // namespace diagnostics
} // namespace eigen_einsum

#endif // EIGEN_EINSUM_DIAGNOSTICS_HPP
