// eigen-einsum planner: the run-time check that every label has one extent, which yields the
// extent of each label. Dimensions under '...' (every label under numpy_broadcasting) broadcast
// an extent 1.
#ifndef EIGEN_EINSUM_PLAN_EXTENTS_HPP
#define EIGEN_EINSUM_PLAN_EXTENTS_HPP

#include "../diagnostics.hpp"
#include "labels.hpp"
#include "parse.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

namespace eigen_einsum::detail {

/// The extent of each label, filled by check_extents.
struct label_extents : per_label<std::int64_t> {
  bool broadcasts = false; // some operand's extent-1 dimension repeats (under '...', or any
                           // label under numpy_broadcasting)
  bool zero = false;       // some label has extent 0: the result is zeros or empty
};

/// ` in "<subscript>" with operand shapes (2,3), (3,4)`: the tail of every shape_error.
inline std::string call_text(const subscript& s, const char* text,
                             const std::ptrdiff_t* const* dims) {
  // Appends only: GCC 12 at -O3 warns (-Wrestrict) on `"," + std::string&&`.
  std::string r = " in \"";
  r += text;
  r += s.num_operands > 1 ? "\" with operand shapes " : "\" with operand shape ";
  for (int k = 0; k < s.num_operands; ++k) {
    r += k > 0 ? ", (" : "(";
    for (int i = 0; i < s.operands[k].size; ++i) {
      if (i > 0) {
        r += ',';
      }
      r += std::to_string(dims[k][i]);
    }
    r += ')';
  }
  return r;
}

/// Reports the shape_error for label `label`; out of line, so that each einsum call does not
/// carry its own copy of the message building.
[[noreturn]] inline void extent_mismatch(char label, std::int64_t first, int first_operand,
                                         std::int64_t other, int other_operand, bool may_broadcast,
                                         const std::string& call) {
  // numpy broadcasts extent 1 against any extent for every label; einsum on request.
  const char* hint = !may_broadcast && (first == 1 || other == 1)
                         ? " (extent 1 broadcasts only under '...', or for every label with the "
                           "option eigen_einsum::numpy_broadcasting)"
                         : "";
  report_shape_error("einsum: label '" + std::string(1, label) + "' has extent " +
                     std::to_string(first) + " in operand " + std::to_string(first_operand) +
                     " but " + std::to_string(other) + " in operand " +
                     std::to_string(other_operand) + hint + "," + call);
}

/// Reports the shape_error for a dimension under '...' that does not broadcast.
[[noreturn]] inline void broadcast_mismatch(int first_axis, std::int64_t first, int first_operand,
                                            int other_axis, std::int64_t other, int other_operand,
                                            const std::string& call) {
  report_shape_error(
      "einsum: the dimensions under '...' do not broadcast: axis " + std::to_string(first_axis) +
      " of operand " + std::to_string(first_operand) + " has extent " + std::to_string(first) +
      " but axis " + std::to_string(other_axis) + " of operand " + std::to_string(other_operand) +
      " has extent " + std::to_string(other) + ", and only extent 1 broadcasts," + call);
}

/// Checks that every label has one extent across all operands (diagonal labels included) and
/// returns the extents; `dims[k]` points to operand k's extents, `text` is the subscript as
/// written. Labels in `s.broadcasting` ('...', or all under numpy_broadcasting) broadcast: an
/// extent 1 in one operand takes the other operands' extent; a label repeated in one operand
/// never does (numpy neither). Reports a shape_error naming the label (or the axes under '...'),
/// both operands and both extents, the subscript and every operand's shape.
EIGEN_EINSUM_ALWAYS_INLINE label_extents check_extent_arrays(const subscript& s, const char* text,
                                                             const std::ptrdiff_t* const* dims) {
  label_extents extent{};
  signed char first_operand[num_letters] = {}, first_axis[num_letters] = {};
  label_set seen = 0;
  for (int k = 0; k < s.num_operands; ++k) {
    const label_list& t = s.operands[k];
    for (int i = 0; i < t.size; ++i) {
      const char label = t.labels[i];
      const int slot = slot_of(label);
      const std::int64_t n = dims[k][i];
      extent.zero = extent.zero || n == 0;
      for (int j = 0; j < i; ++j) {
        if (t.labels[j] == label && dims[k][j] != n) {
          extent_mismatch(label, dims[k][j], k, n, k, true, call_text(s, text, dims));
        }
      }
      const bool known = (seen & set_of(label)) != 0;
      if (known && extent[label] == n) {
        continue;
      }
      const bool may_broadcast = (s.broadcasting & set_of(label)) != 0;
      if (known && (!may_broadcast || (n != 1 && extent[label] != 1))) {
        if (s.ellipsis_labels.contains(label)) {
          broadcast_mismatch(first_axis[slot], extent[label], first_operand[slot], i, n, k,
                             call_text(s, text, dims));
        }
        extent_mismatch(label, extent[label], first_operand[slot], n, k, may_broadcast,
                        call_text(s, text, dims));
      }
      extent.broadcasts = extent.broadcasts || known;
      if (!known || n != 1) {
        seen |= set_of(label);
        first_operand[slot] = static_cast<signed char>(k);
        first_axis[slot] = static_cast<signed char>(i);
        extent[label] = n;
      }
    }
  }
  return extent;
}

/// Checks that the gradient g has the extents `expected` of the output subscript of `s` (as
/// written); else reports the shape_error naming the axis, its output label and both extents.
inline void check_gradient_extents(const subscript& s, const char* text,
                                   const std::ptrdiff_t* const* dims,
                                   const std::ptrdiff_t* expected, const std::ptrdiff_t* got) {
  for (int i = 0; i < s.output.size; ++i) {
    if (expected[i] != got[i]) {
      const char label = s.output.labels[i];
      const std::string which = s.ellipsis_labels.contains(label)
                                    ? std::string("under '...'")
                                    : "output label '" + std::string(1, label) + "'";
      report_shape_error("einsum: the gradient g has extent " + std::to_string(got[i]) +
                         " on axis " + std::to_string(i) + " (" + which +
                         ") but the output has extent " + std::to_string(expected[i]) + "," +
                         call_text(s, text, dims));
    }
  }
}

/// check_extent_arrays over the operands' extent arrays (std::array of Eigen::Index).
template <class... Dims>
EIGEN_EINSUM_ALWAYS_INLINE label_extents check_extents(const subscript& s, const char* text,
                                                       const Dims&... dims) {
  static_assert((std::is_same_v<typename Dims::value_type, std::ptrdiff_t> && ...),
                "einsum: Eigen::Index is expected to be std::ptrdiff_t (Eigen's default)");
  const std::ptrdiff_t* pointers[] = {dims.data()..., nullptr};
  return check_extent_arrays(s, text, pointers);
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_PLAN_EXTENTS_HPP
