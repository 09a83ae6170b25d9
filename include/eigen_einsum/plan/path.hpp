// eigen-einsum planner, stage 3: the order of pairwise contractions for three or more operands,
// chosen with numpy's cost model: exact (dynamic programming over subsets) up to
// exact_path_max_operands operands, greedy beyond. Plain constexpr code, usable at run time.
#ifndef EIGEN_EINSUM_PLAN_PATH_HPP
#define EIGEN_EINSUM_PLAN_PATH_HPP

#include "contraction_path.hpp"
#include "cost.hpp"
#include "labels.hpp"

namespace eigen_einsum::detail {

/// Most operands for which the exact search runs; 3^n subset pairs are visited.
inline constexpr int exact_path_max_operands = 8;
inline constexpr int max_subsets = 1 << exact_path_max_operands;

/// The cheapest contraction tree over subsets of operands: `split[s]` is one half of subset s.
struct contraction_tree {
  int full = 0; // the subset of all operands
  int split[max_subsets] = {};
};

/// The exact search: the cheapest tree whose intermediates fit in `memory_limit` elements
/// (dynamic programming over subsets of operands). When no tree fits, the limit is dropped.
constexpr contraction_tree cheapest_tree(const label_sets& l, const label_sizes& x,
                                         double memory_limit) {
  const int n = l.count;
  contraction_tree tree{};
  tree.full = (1 << n) - 1;
  label_set labels[max_subsets] = {};
  label_set keep[max_subsets] = {};
  double cost[max_subsets] = {};
  for (int s = 1; s <= tree.full; ++s) {
    label_set outside = l.output;
    for (int k = 0; k < n; ++k) {
      if ((s >> k) & 1) {
        labels[s] |= l.operand[k];
      } else {
        outside |= l.operand[k];
      }
    }
    keep[s] = (s & (s - 1)) == 0 ? labels[s] : labels[s] & outside;
  }
  for (bool limited = true;; limited = false) {
    for (int s = 1; s <= tree.full; ++s) {
      if ((s & (s - 1)) == 0) {
        cost[s] = 0;
        continue;
      }
      cost[s] = -1;
      if (limited && s != tree.full && size_of(keep[s], x) > memory_limit) {
        continue;
      }
      for (int a = (s - 1) & s; a > 0; a = (a - 1) & s) {
        const int b = s ^ a;
        if (a > b || cost[a] < 0 || cost[b] < 0) {
          continue;
        }
        const label_set involved = keep[a] | keep[b];
        const double c = cost[a] + cost[b] + flop_count(involved, (involved & ~keep[s]) != 0, 2, x);
        if (cost[s] < 0 || c < cost[s]) {
          cost[s] = c;
          tree.split[s] = a;
        }
      }
    }
    if (cost[tree.full] >= 0 || !limited) {
      return tree;
    }
  }
}

/// A tree as a path in numpy's format: its inner nodes in post-order, each naming the positions
/// of its two halves in the shrinking list of remaining subsets.
constexpr contraction_path path_of(const contraction_tree& tree, int num_operands) {
  int order[max_operands] = {};
  int num_order = 0;
  int stack[2 * max_operands] = {};
  int todo = 0;
  stack[todo++] = tree.full;
  while (todo > 0) {
    const int s = stack[--todo];
    if ((s & (s - 1)) != 0) {
      order[num_order++] = s;
      stack[todo++] = tree.split[s];
      stack[todo++] = s ^ tree.split[s];
    }
  }
  contraction_path path{};
  int list[max_operands] = {};
  int count = 0;
  for (int k = 0; k < num_operands; ++k) {
    list[count++] = 1 << k;
  }
  for (int o = num_order - 1; o >= 0; --o) {
    const int s = order[o];
    int i = -1, j = -1;
    for (int k = 0; k < count; ++k) {
      if (list[k] == tree.split[s] || list[k] == (s ^ tree.split[s])) {
        (i < 0 ? i : j) = k;
      }
    }
    path.add(i, j);
    erase_at(list, count, j);
    erase_at(list, count, i);
    list[count++] = s;
  }
  return path;
}

/// An operand or intermediate during the greedy search.
struct greedy_term {
  label_set labels = 0;
  double size = 0;
};

/// The greedy search: repeatedly the pair whose result shrinks memory most (ties: fewest
/// FLOPs), preferring pairs that share a label and results that fit in `memory_limit`.
constexpr contraction_path greedy_path(const label_sets& l, const label_sizes& x,
                                       double memory_limit) {
  contraction_path path{};
  greedy_term terms[max_operands] = {};
  int count = l.count;
  for (int k = 0; k < count; ++k) {
    terms[k] = {l.operand[k], size_of(l.operand[k], x)};
  }
  while (count > 1) {
    // Labels in at least one, two, three terms: a pair's result keeps a label of one of them
    // that some third term (or the output) also has. O(1) per pair keeps 52 operands cheap.
    label_set one = 0, two = 0, three = 0;
    for (int k = 0; k < count; ++k) {
      three |= two & terms[k].labels;
      two |= one & terms[k].labels;
      one |= terms[k].labels;
    }
    auto result_of = [&](const greedy_term& a, const greedy_term& b) {
      const label_set both = a.labels & b.labels;
      return (a.labels | b.labels) & (l.output | (both & three) | ((a.labels ^ b.labels) & two));
    };
    int bi = 0, bj = 1;
    double best_score = 0, best_flops = 0;
    int best_rank = 4; // 0: shares labels and fits, 1: fits, 2: shares, 3: neither
    for (int i = 0; i < count; ++i) {
      for (int j = i + 1; j < count; ++j) {
        const bool shares = (terms[i].labels & terms[j].labels) != 0;
        // A pair sharing no label cannot beat one that does: skipped at once, which keeps a
        // 52-operand ring within clang's 2^20 constexpr steps.
        if (!shares && best_rank < 2) {
          continue;
        }
        const label_set involved = terms[i].labels | terms[j].labels;
        const label_set result = result_of(terms[i], terms[j]);
        const double size = size_of(result, x);
        const double score = size - terms[i].size - terms[j].size;
        const int rank = (shares ? 0 : 2) + (size <= memory_limit ? 0 : 1);
        if (rank > best_rank || (rank == best_rank && score > best_score)) {
          continue;
        }
        const double flops = flop_count(involved, result != involved, 2, x);
        if (rank < best_rank || score < best_score || flops < best_flops) {
          bi = i;
          bj = j;
          best_rank = rank;
          best_score = score;
          best_flops = flops;
        }
      }
    }
    const label_set result = result_of(terms[bi], terms[bj]);
    path.add(bi, bj);
    erase_at(terms, count, bj);
    erase_at(terms, count, bi);
    terms[count++] = {result, size_of(result, x)};
  }
  return path;
}

/// The path einsum takes for these extents: exact up to exact_path_max_operands operands,
/// greedy beyond. `memory_limit` < 0 means numpy's default (the largest operand or output).
constexpr contraction_path best_path(const label_sets& l, const label_sizes& x,
                                     double memory_limit = -1) {
  const double limit = memory_limit < 0 ? default_memory_limit(l, x) : memory_limit;
  if (l.count <= 2) {
    return left_to_right(l.count);
  }
  return l.count <= exact_path_max_operands ? path_of(cheapest_tree(l, x, limit), l.count)
                                            : greedy_path(l, x, limit);
}

/// Most candidate paths instantiated for dynamic extents, among which einsum picks at run time.
inline constexpr int max_path_candidates = 4;

/// Candidate paths for extents unknown at compile time, each with its steps' labels for the
/// per-call choice.
struct path_candidates {
  int count = 0;
  contraction_path paths[max_path_candidates] = {};
  path_steps steps[max_path_candidates] = {};

  constexpr void add(const contraction_path& p, const label_sets& l) {
    for (int k = 0; k < count; ++k) {
      if (same_path(paths[k], p)) {
        return;
      }
    }
    if (count < max_path_candidates) {
      paths[count] = p;
      steps[count++] = steps_of(l, p);
    }
  }
};

/// The best paths when every label has the same extent, when one label is large, and when two
/// labels are large, in that order; distinct, at most max_path_candidates.
constexpr path_candidates candidates_of(const label_sets& l) {
  path_candidates c{};
  const label_set all = l.all();
  constexpr double small = 8, large = 1024;
  label_sizes x{};
  for (int b = 0; b < num_letters; ++b) {
    x.of[b] = small;
  }
  c.add(best_path(l, x), l);
  // Scenarios with one and two large labels, for the small networks where per-call choice pays.
  // Pairs only up to 16 labels: beyond, their count alone exhausts clang's constexpr step limit.
  // Three operands have only three orders: stop once all are candidates.
  const bool pairs = popcount(all) <= 16;
  const int most = l.count == 3 ? 3 : max_path_candidates;
  for (int b1 = 0; b1 < num_letters && l.count <= 4 && c.count < most; ++b1) {
    if (!((all >> b1) & 1)) {
      continue;
    }
    for (int b2 = b1; b2 < num_letters && c.count < most; ++b2) {
      if (!((all >> b2) & 1) || (!pairs && b2 != b1)) {
        continue;
      }
      label_sizes y = x;
      y.of[b1] = large;
      y.of[b2] = large;
      c.add(best_path(l, y), l);
    }
  }
  return c;
}

/// The candidate einsum takes for these extents: the cheapest among those whose intermediates fit
/// in `memory_limit` (< 0: numpy's default, the largest operand or output), by FLOPs plus
/// `copy_costs[k]` (the copies candidate k needs, in FLOPs; none when null).
template <class T>
constexpr int choose_path(const path_candidates& c, const label_sets& l, const per_label<T>& x,
                          double memory_limit, const double* copy_costs = nullptr) {
  const double limit = memory_limit < 0 ? default_memory_limit(l, x) : memory_limit;
  int best = 0;
  bool best_fits = false;
  double best_cost = 0;
  for (int k = 0; k < c.count; ++k) {
    const path_cost cost = price(c.steps[k], x);
    const bool fits = cost.largest_intermediate <= limit;
    const double total = cost.optimized_flops + (copy_costs != nullptr ? copy_costs[k] : 0);
    if (k == 0 || (fits && !best_fits) || (fits == best_fits && total < best_cost)) {
      best = k;
      best_fits = fits;
      best_cost = total;
    }
  }
  return best;
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_PLAN_PATH_HPP
