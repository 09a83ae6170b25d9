// eigen-einsum planner: numpy's cost model (FLOPs and the largest intermediate) of a contraction
// path, the one used at compile time and for the per-call choice alike.
#ifndef EIGEN_EINSUM_PLAN_COST_HPP
#define EIGEN_EINSUM_PLAN_COST_HPP

#include "contraction_path.hpp"
#include "labels.hpp"
#include "parse.hpp"

namespace eigen_einsum::detail {

/// Extents as FLOP weights, by label slot.
using label_sizes = per_label<double>;

/// numpy's _flop_count: the size of all labels involved, times the number of terms minus one,
/// plus one when labels are summed away.
template <class T>
constexpr double flop_count(label_set involved, bool sums, int num_terms, const per_label<T>& x) {
  const int factor = (num_terms - 1 > 1 ? num_terms - 1 : 1) + (sums ? 1 : 0);
  return size_of(involved, x) * factor;
}

/// The operand subscripts of a subscript as label sets, and the output subscript's.
struct label_sets {
  int count = 0;
  label_set operand[max_operands] = {};
  label_set output = 0;

  constexpr label_set all() const {
    label_set s = output;
    for (int k = 0; k < count; ++k) {
      s |= operand[k];
    }
    return s;
  }
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

/// The labels of each pairwise step of a path: fixed by the subscript, whatever the extents.
struct path_steps {
  int num_steps = 0;
  label_set involved[max_operands] = {}; // the labels of both operands of the step
  label_set result[max_operands] = {};   // the labels the step keeps
};

/// The labels a step over `involved` keeps: those that a remaining operand or the output has.
constexpr label_set kept_labels(label_set involved, const label_set* remaining, int count,
                                label_set output) {
  label_set later = output;
  for (int k = 0; k < count; ++k) {
    later |= remaining[k];
  }
  return involved & later;
}

constexpr path_steps steps_of(const label_sets& l, const contraction_path& path) {
  path_steps steps{};
  label_set list[max_operands] = {};
  for (int k = 0; k < l.count; ++k) {
    list[k] = l.operand[k];
  }
  walk(path, list, l.count,
       [&](int st, label_set a, label_set b, const label_set* remaining, int count) {
         steps.num_steps = st + 1;
         steps.involved[st] = a | b;
         steps.result[st] = kept_labels(a | b, remaining, count, l.output);
         return steps.result[st];
       });
  return steps;
}

/// The cost and shape of a path, as numpy's einsum_path reports them.
struct path_cost {
  double naive_flops = 0;     // one loop nest over all labels
  double optimized_flops = 0; // sum over the pairwise steps, plus one (as numpy)
  double largest_intermediate = 0;
  int naive_scaling = 0;     // number of distinct labels
  int optimized_scaling = 0; // most labels in one step
};

/// The FLOPs and the largest intermediate of `steps` for the extents `x`.
template <class T>
constexpr path_cost price(const path_steps& steps, const per_label<T>& x) {
  path_cost c{};
  for (int st = 0; st < steps.num_steps; ++st) {
    const label_set involved = steps.involved[st], result = steps.result[st];
    c.optimized_flops += flop_count(involved, result != involved, 2, x);
    const double size = size_of(result, x);
    c.largest_intermediate = size > c.largest_intermediate ? size : c.largest_intermediate;
    c.optimized_scaling =
        popcount(involved) > c.optimized_scaling ? popcount(involved) : c.optimized_scaling;
  }
  c.optimized_flops += 1;
  return c;
}

/// The costs of `path`, with numpy's naive figures beside them.
template <class T>
constexpr path_cost cost_of(const label_sets& l, const contraction_path& path,
                            const per_label<T>& x) {
  path_cost c = price(steps_of(l, path), x);
  int total = 0;
  for (int k = 0; k < l.count; ++k) {
    total += popcount(l.operand[k]);
  }
  c.naive_scaling = popcount(l.all());
  c.naive_flops = flop_count(l.all(), total - c.naive_scaling > 0, l.count, x);
  return c;
}

/// numpy's default memory limit: the largest operand or output.
template <class T>
constexpr double default_memory_limit(const label_sets& l, const per_label<T>& x) {
  double m = size_of(l.output, x);
  for (int k = 0; k < l.count; ++k) {
    m = size_of(l.operand[k], x) > m ? size_of(l.operand[k], x) : m;
  }
  return m;
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_PLAN_COST_HPP
