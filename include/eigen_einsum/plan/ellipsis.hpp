// eigen-einsum planner: '...' replaced by labels once the operands' ranks are known, and which of
// those labels may broadcast an extent 1 (every label under numpy_broadcasting).
#ifndef EIGEN_EINSUM_PLAN_ELLIPSIS_HPP
#define EIGEN_EINSUM_PLAN_ELLIPSIS_HPP

#include "labels.hpp"
#include "parse.hpp"

namespace eigen_einsum::detail {

/// The letters no operand or output subscript of `s` uses, in ASCII order.
constexpr label_list unused_labels(const subscript& s) {
  label_set used = set_of(s.output);
  for (int k = 0; k < s.num_operands; ++k) {
    used |= set_of(s.operands[k]);
  }
  label_list unused{};
  for (int slot = 0; slot < num_letters && unused.size < max_labels; ++slot) {
    if (((used >> slot) & 1) == 0) {
      unused.push_back(label_at(slot));
    }
  }
  return unused;
}

/// How many dimensions the ellipses stand for, given each operand's rank: the most any operand's
/// '...' covers (numpy aligns them on the right, so the others are the innermost of these).
constexpr int ellipsis_rank(const subscript& s, const int* ranks) {
  int dims = 0;
  for (int k = 0; k < s.num_operands; ++k) {
    const label_list& t = s.operands[k];
    if (t.ellipsis >= 0 && ranks[k] - t.size > dims) {
      dims = ranks[k] - t.size;
    }
  }
  return dims;
}

/// `t` with the labels `dims[first..dims.size)` in place of its '...'.
constexpr label_list expand_labels(const label_list& t, const label_list& dims, int first) {
  label_list to{};
  for (int i = 0; i <= t.size; ++i) {
    if (i == t.ellipsis) {
      for (int d = first; d < dims.size; ++d) {
        to.push_back(dims.labels[d]);
      }
    }
    if (i < t.size) {
      to.push_back(t.labels[i]);
    }
  }
  return to;
}

/// `s` (validated) with each '...' replaced by unused letters, one per broadcast dimension and
/// the same letter for the same dimension in every operand, aligned on the right as numpy does.
/// An explicit output without '...' sums these dimensions away; the implicit output puts them
/// first. Example: "...ij,jk" for ranks 4 and 2 becomes "ABij,jk->ABik".
constexpr subscript expand_ellipsis(const subscript& s, const int* ranks) {
  subscript x = s;
  const int dims = ellipsis_rank(s, ranks);
  const label_list unused = unused_labels(s);
  for (int d = 0; d < dims; ++d) {
    x.ellipsis_labels.push_back(unused.labels[d]);
  }
  for (int k = 0; k < s.num_operands; ++k) {
    const label_list& t = s.operands[k];
    x.operands[k] = expand_labels(t, x.ellipsis_labels, dims - (ranks[k] - t.size));
  }
  x.output = expand_labels(s.output, x.ellipsis_labels, 0);
  x.broadcasting = set_of(x.ellipsis_labels);
  return x;
}

/// `s` (expanded) under numpy's rule that an extent 1 of any label broadcasts
/// (eigen_einsum::numpy_broadcasting).
constexpr subscript with_numpy_broadcasting(const subscript& s) {
  subscript x = s;
  for (int k = 0; k < s.num_operands; ++k) {
    x.broadcasting |= set_of(s.operands[k]);
  }
  return x;
}

/// Whether some label that broadcasts is in two operands, so that an extent 1 may repeat.
constexpr bool may_broadcast(const subscript& s) {
  label_set seen = 0;
  for (int k = 0; k < s.num_operands; ++k) {
    const label_set here = set_of(s.operands[k]) & s.broadcasting;
    if ((here & seen) != 0) {
      return true;
    }
    seen |= here;
  }
  return false;
}

/// `s` planned as if nothing broadcast: the plan for calls whose extents under '...' agree.
constexpr subscript without_broadcast(const subscript& s) {
  subscript x = s;
  x.broadcasting = 0;
  return x;
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_PLAN_ELLIPSIS_HPP
