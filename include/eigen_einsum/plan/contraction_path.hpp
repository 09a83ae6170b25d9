// eigen-einsum planner: a contraction path in numpy's einsum_path format, and the one walk along
// it that the planner, the cost model and the report share.
#ifndef EIGEN_EINSUM_PLAN_CONTRACTION_PATH_HPP
#define EIGEN_EINSUM_PLAN_CONTRACTION_PATH_HPP

#include "labels.hpp"

namespace eigen_einsum::detail {

/// The order of pairwise contractions, in numpy's einsum_path format: each step names two
/// positions in the list of remaining operands; both leave the list and their result is appended.
struct contraction_path {
  int num_steps = 0;
  int pairs[max_operands][2] = {};

  constexpr void add(int i, int j) {
    pairs[num_steps][0] = i;
    pairs[num_steps++][1] = j;
  }
};

/// Removes `list[at]`, moving the later entries down.
template <class T>
constexpr void erase_at(T* list, int& count, int at) {
  for (int k = at; k + 1 < count; ++k) {
    list[k] = list[k + 1];
  }
  --count;
}

/// Walks `path` over `list` (the operands' entries, `count` of them) as numpy does: per step, the
/// two named entries leave the list and `combine(step, a, b, list, count)`, called with the
/// remaining entries, gives the entry appended in their place. `a` is the one at the lower
/// position.
template <class T, class Combine>
constexpr void walk(const contraction_path& path, T* list, int count, Combine&& combine) {
  for (int st = 0; st < path.num_steps; ++st) {
    const int p = path.pairs[st][0], q = path.pairs[st][1];
    const int i = p < q ? p : q, j = p < q ? q : p;
    const T a = list[i];
    const T b = list[j];
    erase_at(list, count, j);
    erase_at(list, count, i);
    list[count] = combine(st, a, b, static_cast<const T*>(list), count);
    ++count;
  }
}

/// The left-to-right path: operands 0 and 1, then that result with operand 2, and so on.
constexpr contraction_path left_to_right(int num_operands) {
  contraction_path path{};
  for (int k = 0; k + 1 < num_operands; ++k) {
    // After step k the list holds operands k+2.. and, last, the result at position n-k-2.
    path.add(0, k == 0 ? 1 : num_operands - k - 1);
  }
  return path;
}

constexpr bool same_path(const contraction_path& a, const contraction_path& b) {
  if (a.num_steps != b.num_steps) {
    return false;
  }
  for (int k = 0; k < a.num_steps; ++k) {
    if (a.pairs[k][0] != b.pairs[k][0] || a.pairs[k][1] != b.pairs[k][1]) {
      return false;
    }
  }
  return true;
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_PLAN_CONTRACTION_PATH_HPP
