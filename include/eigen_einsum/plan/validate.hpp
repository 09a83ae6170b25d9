// eigen-einsum planner, stage 2: a parsed subscript and the operands' ranks, scalar types and
// layouts -> the first mistake, if any.
#ifndef EIGEN_EINSUM_PLAN_VALIDATE_HPP
#define EIGEN_EINSUM_PLAN_VALIDATE_HPP

#include "contraction_path.hpp"
#include "ellipsis.hpp"
#include "labels.hpp"
#include "parse.hpp"

namespace eigen_einsum::detail {

/// What validation needs to know of the operands: rank, and whether scalar type and layout match
/// operand 0's.
struct operand_facts {
  int count = 0;
  bool row_major = false;
  int rank[max_operands] = {};
  bool same_scalar[max_operands] = {};
  bool same_layout[max_operands] = {};
};

enum class error_kind {
  none,
  parse, // see subscript::error
  wrong_number_of_operands,
  subscript_length_differs_from_rank,
  output_label_not_in_any_input,
  mixed_scalar_types,
  mixed_layouts,
  more_labels_than_rank,        // an operand subscript with '...' has more labels than the rank
  too_many_ellipsis_dimensions, // see error_detail
  invalid_path                  // see error_detail
};

/// Which limit an error of kind too_many_ellipsis_dimensions or invalid_path broke.
enum class error_detail {
  none,
  unused_letters,  // '...' stands for more dimensions than there are unused letters
  output_length,   // the output subscript would pass max_labels labels
  operand_rank,    // an operand with '...' has a rank beyond max_labels
  number_of_steps, // the explicit path has the wrong number of steps
  step_positions   // a step of the explicit path names an invalid pair of positions
};

struct validation {
  error_kind kind = error_kind::none;
  error_detail detail = error_detail::none;
  char label = 0;
  int operand = 0; // or the path step
  int expected = 0;
  int got = 0;
};

constexpr validation check_explicit_path(const subscript& s, const contraction_path& path) {
  if (path.num_steps != s.num_operands - 1) {
    return {error_kind::invalid_path,
            error_detail::number_of_steps,
            0,
            0,
            s.num_operands - 1,
            path.num_steps};
  }
  for (int st = 0, count = s.num_operands; st < path.num_steps; ++st, --count) {
    const int i = path.pairs[st][0], j = path.pairs[st][1];
    if (i < 0 || j < 0 || i >= count || j >= count || i == j) {
      return {error_kind::invalid_path, error_detail::step_positions, 0, st, i, j};
    }
  }
  return {};
}

/// The first mistake in a subscript for these operands, in the order a reader would check.
constexpr validation validate(const subscript& s, const operand_facts& ops) {
  if (s.error.kind != parse_error_kind::none) {
    return {error_kind::parse, error_detail::none, s.error.label, s.error.operand, 0, 0};
  }
  if (s.num_operands != ops.count) {
    return {
        error_kind::wrong_number_of_operands, error_detail::none, 0, 0, s.num_operands, ops.count};
  }
  for (int k = 0; k < s.num_operands; ++k) {
    const label_list& t = s.operands[k];
    if (t.ellipsis < 0 && t.size != ops.rank[k]) {
      return {error_kind::subscript_length_differs_from_rank,
              error_detail::none,
              0,
              k,
              t.size,
              ops.rank[k]};
    }
    if (t.ellipsis >= 0 && t.size > ops.rank[k]) {
      return {error_kind::more_labels_than_rank, error_detail::none, 0, k, t.size, ops.rank[k]};
    }
  }
  for (int k = 0; k < s.num_operands; ++k) {
    if (s.operands[k].ellipsis >= 0 && ops.rank[k] > max_labels) {
      return {error_kind::too_many_ellipsis_dimensions,
              error_detail::operand_rank,
              0,
              k,
              max_labels,
              ops.rank[k]};
    }
  }
  const int dims = ellipsis_rank(s, ops.rank);
  const int unused = unused_labels(s).size;
  if (dims > unused) {
    return {
        error_kind::too_many_ellipsis_dimensions, error_detail::unused_letters, 0, 0, unused, dims};
  }
  if (s.output.size + dims > max_labels) {
    return {error_kind::too_many_ellipsis_dimensions,
            error_detail::output_length,
            0,
            0,
            s.output.size,
            dims};
  }
  label_set inputs = 0;
  for (int k = 0; k < s.num_operands; ++k) {
    inputs |= set_of(s.operands[k]);
  }
  for (int i = 0; i < s.output.size; ++i) {
    if ((inputs & set_of(s.output.labels[i])) == 0) {
      return {error_kind::output_label_not_in_any_input,
              error_detail::none,
              s.output.labels[i],
              -1,
              0,
              0};
    }
  }
  for (int k = 1; k < s.num_operands; ++k) {
    if (!ops.same_scalar[k]) {
      return {error_kind::mixed_scalar_types, error_detail::none, 0, k, 0, 0};
    }
  }
  for (int k = 1; k < s.num_operands; ++k) {
    if (!ops.same_layout[k]) {
      return {error_kind::mixed_layouts, error_detail::none, 0, k, 0, 0};
    }
  }
  return {};
}

/// The first mistake, the user's explicit contraction order `path` included. By value, not by
/// pointer: GCC 12's sanitizers make comparing a static member's address with null non-constant.
constexpr validation validate(const subscript& s, const operand_facts& ops,
                              const contraction_path& path) {
  const validation v = validate(s, ops);
  return v.kind != error_kind::none ? v : check_explicit_path(s, path);
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_PLAN_VALIDATE_HPP
