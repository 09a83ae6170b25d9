// eigen-einsum planner, stage 4: a validated subscript (ellipses expanded) and a contraction path
// -> a tree of steps (diagonal, trace, sum, contraction, batched contraction, product, shuffle),
// still plain constexpr data.
#ifndef EIGEN_EINSUM_PLAN_PLAN_HPP
#define EIGEN_EINSUM_PLAN_PLAN_HPP

#include "batch_layout.hpp"
#include "contraction_path.hpp"
#include "labels.hpp"
#include "parse.hpp"

namespace eigen_einsum::detail {

/// A step on one expression; `result` holds the labels after it.
enum class step_kind {
  trace,           // sum a diagonal label away: axes = the positions of the label
  diagonal,        // keep diagonal labels once: axes[i] = result position of input axis i
  sum,             // sum labels away with Eigen's reduction: axes = the positions summed
  sum_around_kept, // sum the innermost and outermost axes (in memory) around one block of kept
                   // axes in one pass (TensorSumToMiddleOp)
  shuffle,         // permute: result axis i is input axis axes[i]
  expand,          // reshape and broadcast to `result`, which holds the input labels in order
  broadcast,       // axes under '...' that other operands share: extent 1 repeats, per call
  eval // materialise, so a consumer reading coefficients many times does not recompute them
};

struct step {
  step_kind kind = step_kind::eval;
  int num_axes = 0;
  signed char axes[max_labels] = {};
  label_list result = {};
};

enum class node_kind {
  operand,       // a leaf: operand `operand`
  product,       // coefficient-wise product of `lhs` and `rhs`, whose labels already agree
  batch_contract // a batched contraction, described by `batch`
};

/// Called only where a plan would overflow, which makes that constant evaluation fail.
inline void plan_has_too_many_steps() {}

/// Most unary steps on one node: traces, a diagonal, sums with evals, a shuffle, broadcasts.
inline constexpr int max_steps_per_node = 24;

/// One node of the plan: a leaf or a pairwise step, followed by unary steps.
struct node {
  node_kind kind = node_kind::operand;
  int operand = 0;
  int lhs = 0, rhs = 0;
  batch_contraction_spec batch = {};
  label_list joined = {}; // labels after the leaf or pairwise step, before `steps`
  int num_steps = 0;
  step steps[max_steps_per_node] = {};
  int num_own_steps = 0; // steps before the parent node added its own (alignment, evals)

  constexpr const label_list& result() const {
    return num_steps == 0 ? joined : steps[num_steps - 1].result;
  }
  /// The labels before step `s`.
  constexpr const label_list& before(int s) const { return s == 0 ? joined : steps[s - 1].result; }
  constexpr void add(const step& s) {
    if (num_steps == max_steps_per_node) {
      plan_has_too_many_steps(); // not constexpr: a compile error; unreachable for usual ranks
    }
    steps[num_steps++] = s;
  }
};

/// A plan: nodes in evaluation order, the last one is the root.
template <int MaxNodes>
struct plan {
  int num_nodes = 0;
  node nodes[MaxNodes] = {};

  constexpr const node& root() const { return nodes[num_nodes - 1]; }
};

/// `t` without the labels at the positions `axes[0..n)`.
constexpr label_list without(const label_list& t, const signed char* axes, int n) {
  label_list r{};
  for (int i = 0; i < t.size; ++i) {
    bool drop = false;
    for (int j = 0; j < n; ++j) {
      drop = drop || axes[j] == i;
    }
    if (!drop) {
      r.push_back(t.labels[i]);
    }
  }
  return r;
}

/// `t`'s labels with `tail`'s appended.
constexpr label_list concat(label_list t, const label_list& tail) {
  for (int i = 0; i < tail.size; ++i) {
    t.push_back(tail.labels[i]);
  }
  return t;
}

/// Labels of `t` ordered by their position in `order` (labels absent from `order` dropped).
constexpr step shuffle_to(const label_list& t, const label_list& order) {
  step s{step_kind::shuffle};
  for (int j = 0; j < order.size; ++j) {
    const int i = t.find(order.labels[j]);
    if (i >= 0) {
      s.axes[s.num_axes++] = static_cast<signed char>(i);
      s.result.push_back(t.labels[i]);
    }
  }
  return s;
}

constexpr bool is_identity(const step& s) {
  for (int i = 0; i < s.num_axes; ++i) {
    if (s.axes[i] != i) {
      return false;
    }
  }
  return true;
}

/// Adds a shuffle of `n`'s result into the order of `order`, unless it is the identity.
constexpr void add_shuffle(node& n, const label_list& order) {
  const step s = shuffle_to(n.result(), order);
  if (!is_identity(s)) {
    n.add(s);
  }
}

/// A step of `kind` over the positions of `t` flagged in `flagged`, dropping them.
constexpr step dropping(step_kind kind, const label_list& t, const bool* flagged) {
  step s{kind};
  for (int i = 0; i < t.size; ++i) {
    if (flagged[i]) {
      s.axes[s.num_axes++] = static_cast<signed char>(i);
    }
  }
  s.result = without(t, s.axes, s.num_axes);
  return s;
}

/// Sums away the axes flagged in `summed`. Eigen's reduction is slow over outer axes, and over
/// inner ones reads memory slower than TensorSumToMiddleOp, so: all axes, or axes around one block
/// of kept axes (innermost, outermost or both in memory), in one pass with TensorSumToMiddleOp;
/// axes between kept ones and none innermost with Eigen's reduction, vectorised over the kept
/// innermost axes; otherwise the innermost run first (materialised, smaller), then the rest.
constexpr void add_sum(node& n, const bool* summed, bool row_major) {
  const label_list t = n.result();
  int count = 0;
  for (int i = 0; i < t.size; ++i) {
    count += summed[i];
  }
  if (count == 0) {
    return;
  }
  int innermost = 0; // summed axes from the innermost in memory outwards
  while (innermost < t.size && summed[memory_axis(innermost, t.size, row_major)]) {
    ++innermost;
  }
  int outermost = 0;
  while (outermost < t.size && summed[memory_axis(t.size - 1 - outermost, t.size, row_major)]) {
    ++outermost;
  }
  const bool around_kept = count == t.size || innermost + outermost == count;
  if (innermost == 0 || around_kept) {
    n.add(dropping(around_kept ? step_kind::sum_around_kept : step_kind::sum, t, summed));
    return;
  }
  bool first[max_labels] = {}, rest[max_labels] = {};
  for (int k = 0; k < innermost; ++k) {
    first[memory_axis(k, t.size, row_major)] = true;
  }
  for (int i = 0, j = 0; i < t.size; ++i) {
    if (!first[i]) {
      rest[j++] = summed[i];
    }
  }
  n.add(dropping(step_kind::sum_around_kept, t, first));
  add_sum(n, rest, row_major);
}

/// Adds one trace for each diagonal label that `needed` does not keep (Eigen's trace sums one
/// diagonal label at a time).
template <class Needed>
constexpr void add_traces(node& n, Needed needed) {
  for (bool again = true; again;) {
    again = false;
    const label_list t = n.result();
    for (int i = 0; i < t.size && !again; ++i) {
      const char c = t.labels[i];
      if (t.find(c) == i && t.count(c) > 1 && !needed(c)) {
        bool flagged[max_labels] = {};
        for (int j = 0; j < t.size; ++j) {
          flagged[j] = t.labels[j] == c;
        }
        n.add(dropping(step_kind::trace, t, flagged));
        again = true;
      }
    }
  }
}

/// Adds one diagonal view for all remaining repeated labels, if any.
constexpr void add_diagonal(node& n) {
  const label_list t = n.result();
  step s{step_kind::diagonal};
  bool repeated = false;
  for (int i = 0; i < t.size; ++i) {
    const char c = t.labels[i];
    repeated = repeated || t.find(c) != i;
    if (!s.result.contains(c)) {
      s.result.push_back(c);
    }
    s.axes[s.num_axes++] = static_cast<signed char>(s.result.find(c));
  }
  if (repeated) {
    n.add(s);
  }
}

/// Prepares one operand: trace away diagonal labels not needed later, keep the other diagonal
/// labels once, then sum away labels needed nowhere else. `needed(c)` says a label is used later.
template <class Needed>
constexpr void prepare(node& n, Needed needed, bool row_major) {
  add_traces(n, needed);
  add_diagonal(n);
  const label_list t = n.result();
  bool summed[max_labels] = {};
  for (int i = 0; i < t.size; ++i) {
    summed[i] = !needed(t.labels[i]);
  }
  add_sum(n, summed, row_major);
}

/// Materialises a node's result before a contraction when it is a reduction, which would
/// otherwise be recomputed for every coefficient the contraction reads.
constexpr void add_eval_if_summed(node& n) {
  if (n.num_steps > 0) {
    const step_kind k = n.steps[n.num_steps - 1].kind;
    // sum_around_kept needs nothing: TensorSumToMiddleOp already materialises.
    if (k == step_kind::sum || k == step_kind::trace) {
      step s{step_kind::eval};
      s.result = n.result();
      n.add(s);
    }
  }
}

/// Brings a node's labels into `order`'s order and broadcasts it to all of `order`'s labels.
constexpr void add_align(node& n, const label_list& order) {
  add_shuffle(n, order);
  if (n.result().size < order.size) {
    step s{step_kind::expand};
    s.result = order;
    n.add(s);
  }
}

/// The labels of a pairwise step, by role.
struct pair_labels {
  label_list lhs, rhs;           // the operands' labels
  label_list contracted, batch;  // in both operands: summed away, kept
  label_list lhs_free, rhs_free; // in one operand only
  label_list keep;               // the labels the step keeps
  bool is_final = false;         // the last step: `keep` is the output subscript
};

constexpr pair_labels labels_of_pair(const label_list& lhs, const label_list& rhs,
                                     const label_list& keep, bool is_final) {
  pair_labels p{lhs, rhs, {}, {}, {}, {}, keep, is_final};
  for (int i = 0; i < lhs.size; ++i) {
    const char c = lhs.labels[i];
    (!rhs.contains(c) ? p.lhs_free : keep.contains(c) ? p.batch : p.contracted).push_back(c);
  }
  for (int i = 0; i < rhs.size; ++i) {
    if (!lhs.contains(rhs.labels[i])) {
      p.rhs_free.push_back(rhs.labels[i]);
    }
  }
  return p;
}

/// Outer, Hadamard and broadcast products, and dot products: both sides aligned to one label
/// order, multiplied coefficient-wise, then the contracted labels summed.
constexpr void add_product(node& r, node& a, node& b, const pair_labels& p) {
  r.kind = node_kind::product;
  const label_list all = p.is_final ? concat(p.keep, p.contracted) : concat(p.lhs, p.rhs_free);
  add_align(a, all);
  add_align(b, all);
  r.joined = all;
  if (p.contracted.size > 0) {
    bool summed[max_labels] = {};
    for (int i = 0; i < all.size; ++i) {
      summed[i] = p.contracted.contains(all.labels[i]);
    }
    r.add(dropping(step_kind::sum, all, summed));
  }
}

/// Where the labels in `set` lie in `t`'s memory: 1 on its innermost axes, -1 on its outermost,
/// 0 elsewhere or split.
constexpr int memory_end_of(const label_list& t, label_set set, bool row_major) {
  int n = 0;
  for (int i = 0; i < t.size; ++i) {
    n += (set & set_of(t.labels[i])) != 0;
  }
  bool inner = n > 0, outer = n > 0;
  for (int k = 0; k < n; ++k) {
    inner = inner && (set & set_of(t.labels[memory_axis(k, t.size, row_major)])) != 0;
    outer = outer && (set & set_of(t.labels[memory_axis(t.size - 1 - k, t.size, row_major)])) != 0;
  }
  return inner ? 1 : outer ? -1 : 0;
}

/// Whether the labels of `t` in `set` form one block at either end of `t` (or there are none).
constexpr bool at_one_end(const label_list& t, label_set set) {
  return (set & set_of(t)) == 0 || memory_end_of(t, set, false) != 0;
}

/// The labels of an intermediate that contracts labels without batch labels: [lhs free, rhs
/// free] or [rhs free, lhs free]. `later` holds the labels a later step contracts, `batch_later`
/// those a later step keeps as batch labels.
constexpr label_list intermediate_order(const pair_labels& p, label_set later,
                                        label_set batch_later, bool row_major) {
  const label_list ab = concat(p.lhs_free, p.rhs_free), ba = concat(p.rhs_free, p.lhs_free);
  // Batch labels of a later step outermost in memory, where its batched GEMM reads each slice
  // in place; else the labels a later step contracts at one end, where that step reads them as
  // one contiguous block; else the side with more free labels first, so that chains such as
  // ea,abcd->bcde append new labels last and end in the output's order.
  const bool ab_outer = memory_end_of(ab, batch_later, row_major) < 0,
             ba_outer = memory_end_of(ba, batch_later, row_major) < 0;
  const bool ab_end = at_one_end(ab, later), ba_end = at_one_end(ba, later);
  const bool swap = ab_outer != ba_outer ? ba_outer
                    : ab_end != ba_end   ? ba_end
                                         : p.lhs_free.size < p.rhs_free.size;
  return swap ? ba : ab;
}

/// A contraction of `p`, as a batched GEMM (with or without batch labels), written in the
/// output's order; an intermediate with batch labels puts them outermost in memory, one without
/// them takes intermediate_order.
constexpr void add_batch_contraction(node& r, const pair_labels& p, label_set later,
                                     label_set batch_later, bool row_major) {
  r.kind = node_kind::batch_contract;
  label_list order = p.keep;
  if (!p.is_final && p.batch.size == 0) {
    order = intermediate_order(p, later, batch_later, row_major);
  } else if (!p.is_final) {
    const label_list* parts[3] = {&p.batch, &p.lhs_free, &p.rhs_free};
    order = {};
    for (int k = 0; k < 3; ++k) {
      order = concat(order, *parts[row_major ? k : (k + 1) % 3]);
    }
  }
  r.batch = batch_spec_of(p.lhs, p.rhs, order);
  r.joined = order;
}

/// Contracts nodes `ia` and `ib` into a new node keeping the labels `keep`: in `keep`'s order
/// when `is_final`, else in an order that the next steps read well. `later` holds the labels a
/// later step contracts, `batch_later` those a later step keeps as batch labels.
template <int MaxNodes>
constexpr void add_pair(plan<MaxNodes>& pl, int ia, int ib, const label_list& keep, bool is_final,
                        bool row_major, label_set later, label_set batch_later) {
  node& a = pl.nodes[ia];
  node& b = pl.nodes[ib];
  node& r = pl.nodes[pl.num_nodes++];
  a.num_own_steps = a.num_steps;
  b.num_own_steps = b.num_steps;
  r.lhs = ia;
  r.rhs = ib;
  const pair_labels p = labels_of_pair(a.result(), b.result(), keep, is_final);
  const bool dot = p.contracted.size > 0 && p.batch.size == 0 && p.lhs.size == p.contracted.size &&
                   p.rhs.size == p.contracted.size && is_identity(shuffle_to(p.rhs, p.lhs));
  if (p.contracted.size == 0 || dot) {
    add_product(r, a, b, p);
    return;
  }
  add_eval_if_summed(a);
  add_eval_if_summed(b);
  add_batch_contraction(r, p, later, batch_later, row_major);
}

/// The leaf of operand k: broadcasts under '...', then prepare().
constexpr node operand_node(const subscript& s, int k, bool row_major) {
  node n{};
  n.kind = node_kind::operand;
  n.operand = k;
  n.joined = s.operands[k];
  label_set elsewhere = 0;
  for (int j = 0; j < s.num_operands; ++j) {
    elsewhere |= j != k ? set_of(s.operands[j]) : 0;
  }
  step b{step_kind::broadcast};
  b.result = n.joined;
  for (int i = 0; i < n.joined.size; ++i) {
    const char c = n.joined.labels[i];
    if ((s.broadcasting & set_of(c)) != 0 && (elsewhere & set_of(c)) != 0) {
      b.axes[b.num_axes++] = static_cast<signed char>(i);
    }
  }
  if (b.num_axes > 0) {
    n.add(b);
  }
  const label_set needed = elsewhere | set_of(s.output);
  prepare(
      n, [needed](char c) { return (needed & set_of(c)) != 0; }, row_major);
  return n;
}

/// Plans subscript `s` (validated, '...' expanded) along `path`: each operand is prepared
/// (broadcasts under '...', diagonals, labels summed in it alone), then contracted pairwise.
template <int MaxNodes>
constexpr plan<MaxNodes> make_plan(const subscript& s, bool row_major,
                                   const contraction_path& path) {
  plan<MaxNodes> p{};
  int list[max_operands] = {};
  for (int k = 0; k < s.num_operands; ++k) {
    p.nodes[p.num_nodes++] = operand_node(s, k, row_major);
    list[k] = k;
  }
  if (s.num_operands == 1) {
    add_shuffle(p.nodes[0], s.output);
    return p;
  }
  walk(path, list, s.num_operands, [&](int, int ia, int ib, const int* remaining, int count) {
    label_set others = 0; // the labels of the operands and intermediates still to contract
    for (int k = 0; k < count; ++k) {
      others |= set_of(p.nodes[remaining[k]].result());
    }
    const label_set later = set_of(s.output) | others;
    label_list keep = count == 0 ? s.output : label_list{};
    if (count > 0) {
      const label_list both = concat(p.nodes[ia].result(), p.nodes[ib].result());
      for (int x = 0; x < both.size; ++x) {
        const char c = both.labels[x];
        if ((later & set_of(c)) != 0 && !keep.contains(c)) {
          keep.push_back(c);
        }
      }
    }
    // Kept labels in the output that an operand still to contract holds: batch labels then.
    const label_set batch_later = set_of(keep) & set_of(s.output) & others;
    add_pair(p, ia, ib, keep, count == 0, row_major, set_of(keep) & ~set_of(s.output), batch_later);
    return p.num_nodes - 1;
  });
  return p;
}

/// Whether a zero extent needs the plan bypassed (the result is then zeros or empty): the plan
/// holds `broadcast` (asserts that no input extent is 0), a `sum` or trace with a result of rank 2
/// or more (Eigen's reduction builds a divisor from each output stride, and asserts on a stride of
/// 0), or a node below the root that sums, whose empty sum (0) a product would then meet: 0 * Inf
/// is NaN where numpy's empty sum gives 0.
template <int MaxNodes>
constexpr bool zero_extent_hazard(const plan<MaxNodes>& p) {
  for (int i = 0; i < p.num_nodes; ++i) {
    const node& n = p.nodes[i];
    bool hazard = false;
    for (int s = 0; s < n.num_steps; ++s) {
      const step_kind k = n.steps[s].kind;
      const bool reduces = k == step_kind::sum || k == step_kind::trace;
      hazard = hazard || k == step_kind::expand || k == step_kind::broadcast ||
               (reduces && n.steps[s].result.size >= 2) ||
               (i + 1 < p.num_nodes && (reduces || k == step_kind::sum_around_kept));
    }
    if (hazard) {
      return true;
    }
  }
  return false;
}

/// Whether node i's result is memory that a batched contraction reads in place: an operand whose
/// memory the caller holds (`operand_raw[k]`: a Tensor, TensorMap, TensorFixedSize), a batched
/// contraction's own result, or an evaluated step.
template <int MaxNodes>
constexpr bool reads_in_place(const plan<MaxNodes>& p, int i, const bool* operand_raw) {
  const node& n = p.nodes[i];
  if (n.num_steps > 0) {
    return n.steps[n.num_steps - 1].kind == step_kind::eval;
  }
  return n.kind == node_kind::operand ? operand_raw[n.operand]
                                      : n.kind == node_kind::batch_contract;
}

/// What each batched contraction of a plan copies in each of its layouts, to price the plan for
/// the extents of a call: the copies are the plan's bytes moved besides its FLOPs.
template <int MaxNodes>
struct copy_model {
  struct gemm {
    label_set lhs = 0, rhs = 0, out = 0;
    int num_layouts = 0;
    bool copies[max_batch_layouts][3] = {}; // lhs, rhs, out
  };
  int num_gemms = 0;
  gemm gemms[MaxNodes] = {};
};

/// The copy_model of `p` for operands of this layout, read in place where `operand_raw` says.
template <int MaxNodes>
constexpr copy_model<MaxNodes> copy_model_of(const plan<MaxNodes>& p, const bool* operand_raw,
                                             bool row_major) {
  copy_model<MaxNodes> m{};
  for (int i = 0; i < p.num_nodes; ++i) {
    const node& n = p.nodes[i];
    if (n.kind != node_kind::batch_contract) {
      continue;
    }
    auto& g = m.gemms[m.num_gemms++];
    g.lhs = set_of(p.nodes[n.lhs].result());
    g.rhs = set_of(p.nodes[n.rhs].result());
    g.out = set_of(n.joined);
    const batch_layouts ls = layouts_of(n.batch, row_major, reads_in_place(p, n.lhs, operand_raw),
                                        reads_in_place(p, n.rhs, operand_raw));
    g.num_layouts = ls.count;
    for (int l = 0; l < ls.count; ++l) {
      g.copies[l][0] = !ls.layouts[l].lhs_direct();
      g.copies[l][1] = !ls.layouts[l].rhs_direct();
      g.copies[l][2] = !ls.layouts[l].out_direct;
    }
  }
  return m;
}

/// Whether every batched contraction of the model has a layout that copies nothing: then the
/// plan copies nothing for any extents.
template <int MaxNodes>
constexpr bool copies_nothing(const copy_model<MaxNodes>& m) {
  for (int i = 0; i < m.num_gemms; ++i) {
    bool in_place = false;
    for (int l = 0; l < m.gemms[i].num_layouts; ++l) {
      const bool* c = m.gemms[i].copies[l];
      in_place = in_place || (!c[0] && !c[1] && !c[2]);
    }
    if (!in_place) {
      return false;
    }
  }
  return true;
}

/// The elements the batched contractions of a plan copy for extents `x`, each in its cheapest
/// layout (as the op chooses per call).
template <int MaxNodes, class T>
constexpr double copied_elements(const copy_model<MaxNodes>& m, const per_label<T>& x) {
  double total = 0;
  for (int i = 0; i < m.num_gemms; ++i) {
    const auto& g = m.gemms[i];
    const double sizes[3] = {size_of(g.lhs, x), size_of(g.rhs, x), size_of(g.out, x)};
    double best = 0;
    for (int l = 0; l < g.num_layouts; ++l) {
      double copied = 0;
      for (int k = 0; k < 3; ++k) {
        copied += g.copies[l][k] ? sizes[k] : 0;
      }
      best = l == 0 || copied < best ? copied : best;
    }
    total += best;
  }
  return total;
}

/// FLOPs one copied element is charged in the choice of a path: a blocked permutation moves an
/// element in about the time Eigen's GEMM takes for 30-60 FLOPs.
inline constexpr double flops_per_copied_element = 32;

/// What a plan's copies cost for extents `x`, in FLOPs: choose_path's copy_costs, the same for
/// the compile-time choice (fixed extents) and the per-call one.
template <int MaxNodes, class T>
constexpr double copy_flops(const copy_model<MaxNodes>& m, const per_label<T>& x) {
  return flops_per_copied_element * copied_elements(m, x);
}

/// Plans a one- or two-operand subscript.
constexpr plan<3> make_plan(const subscript& s, bool row_major) {
  return make_plan<3>(s, row_major, left_to_right(s.num_operands));
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_PLAN_PLAN_HPP
