// eigen-einsum lowering: a validation's first mistake -> the one diagnostic class template that
// names it, so that the compiler prints exactly one `einsum:` error.
#ifndef EIGEN_EINSUM_LOWER_RAISE_ERROR_HPP
#define EIGEN_EINSUM_LOWER_RAISE_ERROR_HPP

#include "../diagnostics.hpp"
#include "../plan/parse.hpp"
#include "../plan/validate.hpp"

namespace eigen_einsum::detail {

/// Instantiates the diagnostic for the parse error of S (a complete object: C++17 takes no
/// reference to a subobject as a template argument).
template <const subscript& S>
constexpr void raise_parse_error() {
  using namespace eigen_einsum::diagnostics;
  constexpr const parse_error& P = S.error;
  using where = column<P.column>;
  if constexpr (P.kind == parse_error_kind::invalid_character) {
    (void)sizeof(invalid_character<label<P.label>, where>);
  } else if constexpr (P.kind == parse_error_kind::malformed_arrow) {
    (void)sizeof(malformed_arrow<label<P.label>, where>);
  } else if constexpr (P.kind == parse_error_kind::malformed_ellipsis) {
    (void)sizeof(malformed_ellipsis<operand<P.operand>, where>);
  } else if constexpr (P.kind == parse_error_kind::too_many_operands) {
    (void)sizeof(too_many_operand_subscripts<where>);
  } else if constexpr (P.kind == parse_error_kind::too_many_labels) {
    (void)sizeof(too_many_labels<operand<P.operand>, where>);
  }
}

/// Instantiates the diagnostic for the mistake V in the parsed subscript S; nothing when there is
/// none.
template <const validation& V, const subscript& S>
constexpr void raise_error() {
  using namespace eigen_einsum::diagnostics;
  if constexpr (V.kind == error_kind::parse) {
    raise_parse_error<S>();
  } else if constexpr (V.kind == error_kind::wrong_number_of_operands) {
    (void)sizeof(wrong_number_of_operands<operand_subscripts<V.expected>, operands_given<V.got>>);
  } else if constexpr (V.kind == error_kind::subscript_length_differs_from_rank) {
    (void)sizeof(subscript_length_differs_from_rank<
                 operand<V.operand>, labels_in_operand_subscript<V.expected>, operand_rank<V.got>>);
  } else if constexpr (V.kind == error_kind::output_label_not_in_any_input) {
    (void)sizeof(output_label_not_in_any_input<label<V.label>>);
  } else if constexpr (V.kind == error_kind::mixed_scalar_types) {
    (void)sizeof(mixed_scalar_types<operand<V.operand>>);
  } else if constexpr (V.kind == error_kind::mixed_layouts) {
    (void)sizeof(mixed_layouts<operand<V.operand>>);
  } else if constexpr (V.kind == error_kind::more_labels_than_rank) {
    (void)sizeof(more_labels_than_rank<operand<V.operand>, labels_in_operand_subscript<V.expected>,
                                       operand_rank<V.got>>);
  } else if constexpr (V.detail == error_detail::unused_letters) {
    (void)sizeof(
        too_many_ellipsis_dimensions<ellipsis_dimensions<V.got>, unused_letters<V.expected>>);
  } else if constexpr (V.detail == error_detail::output_length) {
    (void)sizeof(too_many_ellipsis_dimensions<ellipsis_dimensions<V.got>,
                                              labels_in_output_subscript<V.expected>>);
  } else if constexpr (V.detail == error_detail::operand_rank) {
    (void)sizeof(too_many_ellipsis_dimensions<operand<V.operand>, operand_rank<V.got>>);
  } else if constexpr (V.detail == error_detail::number_of_steps) {
    (void)sizeof(invalid_path<path_steps_needed<V.expected>, path_steps_given<V.got>>);
  } else if constexpr (V.detail == error_detail::step_positions) {
    (void)sizeof(invalid_path<path_step<V.operand>, position<V.expected>, position<V.got>>);
  }
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_LOWER_RAISE_ERROR_HPP
