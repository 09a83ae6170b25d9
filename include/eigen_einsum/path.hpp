// eigen-einsum stage 3a: the order of pairwise contractions for three or more operands, chosen
// with numpy's FLOP cost model: exact (dynamic programming over subsets) up to
// exact_path_max_operands operands, greedy beyond. Plain constexpr code, usable at run time.
#ifndef EIGEN_EINSUM_PATH_HPP
#define EIGEN_EINSUM_PATH_HPP

#include "parse.hpp"
#include "plan.hpp"

#include <cstdint>

namespace eigen_einsum::detail {

/// Most operands for which the exact search runs; 3^n subset pairs are visited.
inline constexpr int exact_path_max_operands = 8;

/// A set of labels, one bit each: 'A'-'Z' are bits 0-25, 'a'-'z' bits 26-51.
using label_set = std::uint64_t;

constexpr int label_bit(char c) {
  return c >= 'a' ? 26 + (c - 'a') : c - 'A';
}
constexpr char bit_label(int b) {
  return static_cast<char>(b >= 26 ? 'a' + (b - 26) : 'A' + b);
}

constexpr label_set set_of(const term& t) {
  label_set s = 0;
  for (int i = 0; i < t.size; ++i) {
    s |= label_set{1} << label_bit(t.labels[i]);
  }
  return s;
}

constexpr int count_of(label_set s) {
  int n = 0;
  for (; s != 0; s &= s - 1) {
    ++n;
  }
  return n;
}

/// Extents by label bit, as doubles: FLOP counts overflow 64-bit integers on large networks.
struct label_sizes {
  double of[52] = {};
};

/// The number of elements over the labels `s`; `x.of` holds the extents by label bit.
template <class Sizes>
constexpr double size_of(label_set s, const Sizes& x) {
  double n = 1;
  for (; s != 0; s &= s - 1) {
    n *= static_cast<double>(x.of[__builtin_ctzll(s)]);
  }
  return n;
}

/// numpy's _flop_count: the size of all labels involved, times the number of terms minus one,
/// plus one when labels are summed away.
constexpr double flop_count(label_set involved, bool inner, int num_terms, const label_sizes& x) {
  const int factor = (num_terms - 1 > 1 ? num_terms - 1 : 1) + (inner ? 1 : 0);
  return size_of(involved, x) * factor;
}

/// The cost and shape of a path, as numpy's einsum_path reports them.
struct path_cost {
  double naive_flops = 0;     // one loop nest over all labels
  double optimized_flops = 0; // sum over the pairwise steps, plus one (as numpy)
  double largest_intermediate = 0;
  int naive_scaling = 0;     // number of distinct labels
  int optimized_scaling = 0; // most labels in one step
  int num_steps = 0;
  label_set involved[max_operands] = {}; // labels of each step, for the run-time cost
  label_set result[max_operands] = {};   // labels of each step's result
  int inner[max_operands] = {};          // whether each step sums labels away
};

/// Operand label sets of `s`, and the output's.
struct label_sets {
  int count = 0;
  label_set operand[max_operands] = {};
  label_set output = 0;
};

constexpr label_sets sets_of(const subscript& s) {
  label_sets l{};
  l.count = s.num_operands;
  for (int k = 0; k < s.num_operands; ++k) {
    l.operand[k] = set_of(s.operands[k]);
  }
  l.output = set_of(s.output);
  return l;
}

/// Walks `path` as numpy does and returns its costs.
constexpr path_cost cost_of(const label_sets& l, const contraction_path& path,
                            const label_sizes& x) {
  path_cost c{};
  label_set all = l.output;
  int total = 0;
  for (int k = 0; k < l.count; ++k) {
    all |= l.operand[k];
    total += count_of(l.operand[k]);
  }
  c.naive_scaling = count_of(all);
  c.naive_flops = flop_count(all, total - c.naive_scaling > 0, l.count, x);
  label_set terms[max_operands] = {};
  int count = l.count;
  for (int k = 0; k < count; ++k) {
    terms[k] = l.operand[k];
  }
  for (int st = 0; st < path.num_steps; ++st) {
    const int i = path.pairs[st][0] < path.pairs[st][1] ? path.pairs[st][0] : path.pairs[st][1];
    const int j = path.pairs[st][0] < path.pairs[st][1] ? path.pairs[st][1] : path.pairs[st][0];
    const label_set involved = terms[i] | terms[j];
    for (int k = j; k + 1 < count; ++k) {
      terms[k] = terms[k + 1];
    }
    --count;
    for (int k = i; k + 1 < count; ++k) {
      terms[k] = terms[k + 1];
    }
    --count;
    label_set later = l.output;
    for (int k = 0; k < count; ++k) {
      later |= terms[k];
    }
    const label_set result = involved & later;
    c.num_steps = st + 1;
    c.involved[st] = involved;
    c.result[st] = result;
    c.inner[st] = result != involved;
    c.optimized_flops += flop_count(involved, result != involved, 2, x);
    const double size = size_of(result, x);
    c.largest_intermediate = size > c.largest_intermediate ? size : c.largest_intermediate;
    c.optimized_scaling =
        count_of(involved) > c.optimized_scaling ? count_of(involved) : c.optimized_scaling;
    terms[count++] = result;
  }
  c.optimized_flops += 1;
  return c;
}

/// numpy's default memory limit: the largest operand or output.
constexpr double default_memory_limit(const label_sets& l, const label_sizes& x) {
  double m = size_of(l.output, x);
  for (int k = 0; k < l.count; ++k) {
    m = size_of(l.operand[k], x) > m ? size_of(l.operand[k], x) : m;
  }
  return m;
}

/// The exact search: the cheapest contraction tree whose intermediates fit in `memory_limit`
/// elements (dynamic programming over subsets of operands), as a numpy-format path. When no tree
/// fits, the limit is dropped.
constexpr contraction_path optimal_path(const label_sets& l, const label_sizes& x,
                                        double memory_limit) {
  constexpr int max_subsets = 1 << exact_path_max_operands;
  const int n = l.count;
  const int full = (1 << n) - 1;
  label_set labels[max_subsets] = {};
  label_set keep[max_subsets] = {};
  double cost[max_subsets] = {};
  int split[max_subsets] = {};
  for (int s = 1; s <= full; ++s) {
    for (int k = 0; k < n; ++k) {
      if ((s >> k) & 1) {
        labels[s] |= l.operand[k];
      }
    }
  }
  for (int s = 1; s <= full; ++s) {
    label_set outside = l.output;
    for (int k = 0; k < n; ++k) {
      if (!((s >> k) & 1)) {
        outside |= l.operand[k];
      }
    }
    keep[s] = (s & (s - 1)) == 0 ? labels[s] : labels[s] & outside;
  }
  for (bool limited = true;; limited = false) {
    for (int s = 1; s <= full; ++s) {
      if ((s & (s - 1)) == 0) {
        cost[s] = 0;
        continue;
      }
      cost[s] = -1;
      if (limited && s != full && size_of(keep[s], x) > memory_limit) {
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
          split[s] = a;
        }
      }
    }
    if (cost[full] >= 0 || !limited) {
      break;
    }
  }
  // Post-order over the tree, in numpy's format: positions in the shrinking list of terms.
  contraction_path path{};
  int list[max_operands] = {};
  int count = 0;
  for (int k = 0; k < n; ++k) {
    list[count++] = 1 << k;
  }
  int stack[2 * max_operands] = {};
  int todo = 0;
  int order[max_operands] = {};
  int num_order = 0;
  stack[todo++] = full;
  while (todo > 0) {
    const int s = stack[--todo];
    if ((s & (s - 1)) == 0) {
      continue;
    }
    order[num_order++] = s;
    stack[todo++] = split[s];
    stack[todo++] = s ^ split[s];
  }
  for (int o = num_order - 1; o >= 0; --o) {
    const int s = order[o];
    int i = -1, j = -1;
    for (int k = 0; k < count; ++k) {
      if (list[k] == split[s] || list[k] == (s ^ split[s])) {
        (i < 0 ? i : j) = k;
      }
    }
    path.pairs[path.num_steps][0] = i;
    path.pairs[path.num_steps++][1] = j;
    for (int k = j; k + 1 < count; ++k) {
      list[k] = list[k + 1];
    }
    --count;
    for (int k = i; k + 1 < count; ++k) {
      list[k] = list[k + 1];
    }
    --count;
    list[count++] = s;
  }
  return path;
}

/// The greedy search: repeatedly the pair whose result shrinks memory most (ties: fewest
/// FLOPs), preferring pairs that share a label and results that fit in `memory_limit`.
constexpr contraction_path greedy_path(const label_sets& l, const label_sizes& x,
                                       double memory_limit) {
  contraction_path path{};
  label_set terms[max_operands] = {};
  double sizes[max_operands] = {};
  int count = l.count;
  for (int k = 0; k < count; ++k) {
    terms[k] = l.operand[k];
    sizes[k] = size_of(terms[k], x);
  }
  while (count > 1) {
    // Labels in at least one, two, three terms: a pair's result keeps a label of one of them
    // that some third term (or the output) also has. O(1) per pair keeps 52 operands cheap.
    label_set one = 0, two = 0, three = 0;
    for (int k = 0; k < count; ++k) {
      three |= two & terms[k];
      two |= one & terms[k];
      one |= terms[k];
    }
    int bi = 0, bj = 1;
    double best_score = 0, best_flops = 0;
    int best_rank = 4; // 0: shares labels and fits, 1: fits, 2: shares, 3: neither
    for (int i = 0; i < count; ++i) {
      for (int j = i + 1; j < count; ++j) {
        const label_set both = terms[i] & terms[j];
        const label_set involved = terms[i] | terms[j];
        const label_set result =
            involved & (l.output | (both & three) | ((terms[i] ^ terms[j]) & two));
        const double size = size_of(result, x);
        const double score = size - sizes[i] - sizes[j];
        const double flops = flop_count(involved, result != involved, 2, x);
        const int rank = (both != 0 ? 0 : 2) + (size <= memory_limit ? 0 : 1);
        if (rank < best_rank ||
            (rank == best_rank &&
             (score < best_score || (score == best_score && flops < best_flops)))) {
          bi = i;
          bj = j;
          best_rank = rank;
          best_score = score;
          best_flops = flops;
        }
      }
    }
    const label_set both = terms[bi] & terms[bj];
    const label_set result =
        (terms[bi] | terms[bj]) & (l.output | (both & three) | ((terms[bi] ^ terms[bj]) & two));
    path.pairs[path.num_steps][0] = bi;
    path.pairs[path.num_steps++][1] = bj;
    for (int k = bj; k + 1 < count; ++k) {
      terms[k] = terms[k + 1];
      sizes[k] = sizes[k + 1];
    }
    --count;
    for (int k = bi; k + 1 < count; ++k) {
      terms[k] = terms[k + 1];
      sizes[k] = sizes[k + 1];
    }
    --count;
    terms[count] = result;
    sizes[count++] = size_of(result, x);
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
  return l.count <= exact_path_max_operands ? optimal_path(l, x, limit) : greedy_path(l, x, limit);
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

/// Most candidate paths instantiated for dynamic extents, among which einsum picks at run time.
inline constexpr int max_path_candidates = 4;

/// Candidate paths for extents unknown at compile time: the best paths when every label has the
/// same extent, when one label is large, and when two labels are large, in that order; distinct,
/// at most max_path_candidates.
struct path_candidates {
  int count = 0;
  contraction_path paths[max_path_candidates] = {};

  constexpr void add(const contraction_path& p) {
    for (int k = 0; k < count; ++k) {
      if (same_path(paths[k], p)) {
        return;
      }
    }
    if (count < max_path_candidates) {
      paths[count++] = p;
    }
  }
};

/// The number of labels in `s`.
constexpr int popcount(label_set s) {
  int n = 0;
  for (; s != 0; s &= s - 1) {
    ++n;
  }
  return n;
}

constexpr path_candidates candidates_of(const label_sets& l) {
  path_candidates c{};
  label_set all = l.output;
  for (int k = 0; k < l.count; ++k) {
    all |= l.operand[k];
  }
  constexpr double small = 8, large = 1024;
  label_sizes x{};
  for (int b = 0; b < 52; ++b) {
    x.of[b] = small;
  }
  c.add(best_path(l, x));
  // Scenarios with one and two large labels, for the small networks where per-call choice pays.
  // Pairs only up to 16 labels: beyond, their count alone exhausts clang's constexpr step limit.
  // Three operands have only three orders: stop once all are candidates.
  const bool pairs = popcount(all) <= 16;
  const int most = l.count == 3 ? 3 : max_path_candidates;
  for (int b1 = 0; b1 < 52 && l.count <= 4 && c.count < most; ++b1) {
    if (!((all >> b1) & 1)) {
      continue;
    }
    for (int b2 = b1; b2 < 52 && c.count < most; ++b2) {
      if (!((all >> b2) & 1) || (!pairs && b2 != b1)) {
        continue;
      }
      label_sizes y = x;
      y.of[b1] = large;
      y.of[b2] = large;
      c.add(best_path(l, y));
    }
  }
  return c;
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_PATH_HPP
