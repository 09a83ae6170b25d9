// eigen-einsum stage 2: parsed subscript x operand types -> the first error, if any; the
// subscript with each '...' replaced by labels once ranks are known; and the run-time check of
// extents, where dimensions under an ellipsis broadcast.
#ifndef EIGEN_EINSUM_VALIDATE_HPP
#define EIGEN_EINSUM_VALIDATE_HPP

#include "diagnostics.hpp"
#include "parse.hpp"
#include "plan.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

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
  too_many_ellipsis_dimensions, // not enough unused letters, or a term beyond max_labels;
                                // operand -1: letters, -2: the output's length
  invalid_path
};

struct validation {
  error_kind kind = error_kind::none;
  char label = 0;
  int operand = 0;
  int expected = 0;
  int got = 0;
};

/// The letters no operand or output subscript of `s` uses, in ASCII order.
constexpr term unused_labels(const subscript& s) {
  term unused{};
  for (char c = 'A'; c <= 'z'; ++c) {
    bool used = !is_label(c) || s.output.find(c) >= 0;
    for (int k = 0; k < s.num_operands && !used; ++k) {
      used = s.operands[k].find(c) >= 0;
    }
    if (!used && unused.size < max_labels) {
      unused.labels[unused.size++] = c;
    }
  }
  return unused;
}

/// How many dimensions the ellipses stand for: the most any operand's '...' covers (numpy
/// aligns them on the right, so the others are the innermost of these).
constexpr int ellipsis_rank(const subscript& s, const operand_facts& ops) {
  int dims = 0;
  for (int k = 0; k < s.num_operands; ++k) {
    const term& t = s.operands[k];
    if (t.ellipsis >= 0 && ops.rank[k] - t.size > dims) {
      dims = ops.rank[k] - t.size;
    }
  }
  return dims;
}

/// The first mistake in a subscript for these operands, in the order a reader would check; `path`
/// is the user's explicit contraction order, if any.
constexpr validation validate(const subscript& s, const operand_facts& ops,
                              const contraction_path* path = nullptr) {
  if (s.error.kind != parse_error_kind::none) {
    return {error_kind::parse, s.error.label, s.error.operand, 0, 0};
  }
  if (s.num_operands != ops.count) {
    return {error_kind::wrong_number_of_operands, 0, 0, s.num_operands, ops.count};
  }
  for (int k = 0; k < s.num_operands; ++k) {
    const term& t = s.operands[k];
    if (t.ellipsis < 0 && t.size != ops.rank[k]) {
      return {error_kind::subscript_length_differs_from_rank, 0, k, t.size, ops.rank[k]};
    }
    if (t.ellipsis >= 0 && t.size > ops.rank[k]) {
      return {error_kind::more_labels_than_rank, 0, k, t.size, ops.rank[k]};
    }
  }
  for (int k = 0; k < s.num_operands; ++k) {
    if (s.operands[k].ellipsis >= 0 && ops.rank[k] > max_labels) {
      return {error_kind::too_many_ellipsis_dimensions, 0, k, max_labels, ops.rank[k]};
    }
  }
  const int dims = ellipsis_rank(s, ops);
  if (dims > unused_labels(s).size) {
    return {error_kind::too_many_ellipsis_dimensions, 0, -1, unused_labels(s).size, dims};
  }
  if (s.output.size + dims > max_labels) {
    return {error_kind::too_many_ellipsis_dimensions, 0, -2, s.output.size, dims};
  }
  for (int i = 0; i < s.output.size; ++i) {
    bool found = false;
    for (int k = 0; k < s.num_operands; ++k) {
      found = found || s.operands[k].find(s.output.labels[i]) >= 0;
    }
    if (!found) {
      return {error_kind::output_label_not_in_any_input, s.output.labels[i], -1, 0, 0};
    }
  }
  for (int k = 1; k < s.num_operands; ++k) {
    if (!ops.same_scalar[k]) {
      return {error_kind::mixed_scalar_types, 0, k, 0, 0};
    }
  }
  for (int k = 1; k < s.num_operands; ++k) {
    if (!ops.same_layout[k]) {
      return {error_kind::mixed_layouts, 0, k, 0, 0};
    }
  }
  if (path != nullptr) {
    if (path->num_steps != s.num_operands - 1) {
      return {error_kind::invalid_path, 0, -1, s.num_operands - 1, path->num_steps};
    }
    for (int st = 0, count = s.num_operands; st < path->num_steps; ++st, --count) {
      const int i = path->pairs[st][0], j = path->pairs[st][1];
      if (i < 0 || j < 0 || i >= count || j >= count || i == j) {
        return {error_kind::invalid_path, 0, st, i, j};
      }
    }
  }
  return {};
}

/// Copies `t` into `to`, the labels `dims[first..dims.size)` in place of its '...'.
constexpr term expand_term(const term& t, const term& dims, int first) {
  term to{};
  for (int i = 0; i <= t.size; ++i) {
    if (i == t.ellipsis) {
      for (int d = first; d < dims.size; ++d) {
        to.labels[to.size++] = dims.labels[d];
      }
    }
    if (i < t.size) {
      to.labels[to.size++] = t.labels[i];
    }
  }
  return to;
}

/// `s` (validated) with each '...' replaced by unused letters, one per broadcast dimension and
/// the same letter for the same dimension in every operand, aligned on the right as numpy does.
/// An explicit output without '...' sums these dimensions away; the implicit output puts them
/// first. Example: "...ij,jk" for ranks 4 and 2 becomes "ABij,jk->ABik".
constexpr subscript expand_ellipsis(const subscript& s, const operand_facts& ops) {
  subscript x = s;
  const int dims = ellipsis_rank(s, ops);
  const term unused = unused_labels(s);
  for (int d = 0; d < dims; ++d) {
    x.ellipsis_labels.labels[x.ellipsis_labels.size++] = unused.labels[d];
  }
  for (int k = 0; k < s.num_operands; ++k) {
    const term& t = s.operands[k];
    x.operands[k] = expand_term(t, x.ellipsis_labels, dims - (ops.rank[k] - t.size));
  }
  x.output = expand_term(s.output, x.ellipsis_labels, 0);
  return x;
}

/// Instantiates the one diagnostic that names the mistake `C::check` (parse errors in
/// `C::parsed.error`); nothing when there is none.
template <class C>
constexpr void raise_error() {
  using namespace eigen_einsum::diagnostics;
  constexpr const validation& V = C::check;
  constexpr const parse_error& P = C::parsed.error;
  if constexpr (V.kind == error_kind::parse) {
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
    } else if constexpr (P.kind == parse_error_kind::output_label_repeated) {
      (void)sizeof(output_label_repeated<label<P.label>>);
    }
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
  } else if constexpr (V.kind == error_kind::too_many_ellipsis_dimensions && V.operand == -1) {
    (void)sizeof(
        too_many_ellipsis_dimensions<ellipsis_dimensions<V.got>, unused_letters<V.expected>>);
  } else if constexpr (V.kind == error_kind::too_many_ellipsis_dimensions && V.operand == -2) {
    (void)sizeof(too_many_ellipsis_dimensions<ellipsis_dimensions<V.got>,
                                              labels_in_output_subscript<V.expected>>);
  } else if constexpr (V.kind == error_kind::too_many_ellipsis_dimensions) {
    (void)sizeof(too_many_ellipsis_dimensions<operand<V.operand>, operand_rank<V.got>>);
  } else if constexpr (V.kind == error_kind::invalid_path && V.operand < 0) {
    (void)sizeof(invalid_path<path_steps_needed<V.expected>, path_steps_given<V.got>>);
  } else if constexpr (V.kind == error_kind::invalid_path) {
    (void)sizeof(invalid_path<path_step<V.operand>, position<V.expected>, position<V.got>>);
  }
}

/// Extent of each label, filled by check_extents: 'A'-'Z' at 0-25, 'a'-'z' at 26-51.
struct label_extents {
  std::int64_t of[52] = {};
  bool broadcasts = false; // some operand's extent-1 dimension under '...' repeats
  bool zero = false;       // some label has extent 0: the result is zeros or empty

  static constexpr int slot(char label) { return label >= 'a' ? 26 + (label - 'a') : label - 'A'; }
  constexpr std::int64_t operator[](char label) const { return of[slot(label)]; }
};

/// Throws the shape_error for label `label`; out of line, so that each einsum call does not carry
/// its own copy of the message building.
[[noreturn]] inline void throw_extent_mismatch(char label, std::int64_t first, int first_operand,
                                               std::int64_t other, int other_operand) {
  // numpy broadcasts extent 1 against any extent for every label; einsum only under '...'.
  const char* hint = first == 1 || other == 1 ? " (extent 1 broadcasts only under '...')" : "";
  throw shape_error("einsum: label '" + std::string(1, label) + "' has extent " +
                    std::to_string(first) + " in operand " + std::to_string(first_operand) +
                    " but " + std::to_string(other) + " in operand " +
                    std::to_string(other_operand) + hint);
}

/// Throws the shape_error for a dimension under '...' that does not broadcast.
[[noreturn]] inline void throw_broadcast_mismatch(int first_axis, std::int64_t first,
                                                  int first_operand, int other_axis,
                                                  std::int64_t other, int other_operand) {
  throw shape_error("einsum: the dimensions under '...' do not broadcast: axis " +
                    std::to_string(first_axis) + " of operand " + std::to_string(first_operand) +
                    " has extent " + std::to_string(first) + " but axis " +
                    std::to_string(other_axis) + " of operand " + std::to_string(other_operand) +
                    " has extent " + std::to_string(other) + ", and only extent 1 broadcasts");
}

/// Checks that every label has one extent across all operands (diagonal labels included) and
/// returns the extents; `dims[k]` points to operand k's extents. Labels standing for '...'
/// broadcast: extent 1 takes the other operands' extent. Throws shape_error naming the label (or
/// the axes under '...'), both operands and both extents.
inline label_extents check_extent_arrays(const subscript& s, const std::ptrdiff_t* const* dims) {
  label_extents extent{};
  signed char first_operand[52] = {}, first_axis[52] = {}; // where `seen` has the label's bit
  std::uint64_t seen = 0;
  for (int k = 0; k < s.num_operands; ++k) {
    const term& t = s.operands[k];
    for (int i = 0; i < t.size; ++i) {
      const int slot = label_extents::slot(t.labels[i]);
      const std::int64_t n = dims[k][i];
      extent.zero = extent.zero || n == 0;
      const bool known = (seen >> slot) & 1;
      if (known && extent.of[slot] == n) {
        continue;
      }
      if (known && s.ellipsis_labels.find(t.labels[i]) < 0) {
        throw_extent_mismatch(t.labels[i], extent.of[slot], first_operand[slot], n, k);
      }
      if (known && n != 1 && extent.of[slot] != 1) {
        throw_broadcast_mismatch(first_axis[slot], extent.of[slot], first_operand[slot], i, n, k);
      }
      extent.broadcasts = extent.broadcasts || known;
      if (!known || n != 1) {
        seen |= std::uint64_t{1} << slot;
        first_operand[slot] = static_cast<signed char>(k);
        first_axis[slot] = static_cast<signed char>(i);
        extent.of[slot] = n;
      }
    }
  }
  return extent;
}

/// check_extents over the operands' extent arrays (std::array of Eigen::Index).
template <class... Dims>
label_extents check_extents(const subscript& s, const Dims&... dims) {
  static_assert((std::is_same_v<typename Dims::value_type, std::ptrdiff_t> && ...),
                "einsum: Eigen::Index is expected to be std::ptrdiff_t (Eigen's default)");
  const std::ptrdiff_t* pointers[] = {dims.data()..., nullptr};
  return check_extent_arrays(s, pointers);
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_VALIDATE_HPP
