// eigen-einsum stage 3: validated subscript -> a tree of steps (diagonal, trace, sum, contract,
// batch-contract, product, shuffle), still plain constexpr data.
#ifndef EIGEN_EINSUM_PLAN_HPP
#define EIGEN_EINSUM_PLAN_HPP

#include "parse.hpp"

namespace eigen_einsum::detail {

/// A step on one expression; `result` holds the labels after it.
enum class step_kind {
  trace,        // sum a diagonal label away: axes = the positions of the label
  diagonal,     // keep diagonal labels once: axes[i] = result position of input axis i
  reduce,       // sum labels away with Eigen's reduction: axes = the positions summed
  reduce_outer, // sum the innermost and outermost axes (in memory) around a block of kept axes
                // away in one pass (TensorOuterSumOp)
  shuffle,      // permute: result axis i is input axis axes[i]
  expand,       // reshape and broadcast to `result`, which holds the input labels in order and more
  broadcast,    // axes under '...' that other operands share: extent 1 repeats to theirs, per call
  eval // materialise, so a consumer reading coefficients many times does not recompute them
};

struct step {
  step_kind kind = step_kind::eval;
  int num_axes = 0;
  signed char axes[max_labels] = {};
  term result = {};
};

enum class node_kind {
  operand,       // a leaf: operand `operand`
  contract,      // contract `lhs` and `rhs` over pairs (lhs_axes[i], rhs_axes[i])
  product,       // coefficient-wise product of `lhs` and `rhs`, whose labels already agree
  batch_contract // contract pairs, keep batch pairs; output axis i is (out_operand[i], out_axis[i])
};

inline constexpr int max_steps_per_node = 24;

/// One node of the plan: a leaf or a pairwise step, followed by unary steps.
struct node {
  node_kind kind = node_kind::operand;
  int operand = 0;
  int lhs = 0, rhs = 0;
  int num_pairs = 0;
  signed char lhs_axes[max_labels] = {}, rhs_axes[max_labels] = {};
  int num_batch = 0;
  signed char lhs_batch[max_labels] = {}, rhs_batch[max_labels] = {};
  signed char out_operand[max_labels] = {}, out_axis[max_labels] = {};
  term joined = {}; // labels after the leaf or pairwise step, before `steps`
  int num_steps = 0;
  step steps[max_steps_per_node] = {};

  constexpr const term& result() const {
    return num_steps == 0 ? joined : steps[num_steps - 1].result;
  }
  constexpr void add(const step& s) {
    if (num_steps == max_steps_per_node) {
      throw "einsum: plan has too many steps"; // unreachable for ranks <= max_labels
    }
    steps[num_steps++] = s;
  }
};

/// A plan: nodes in evaluation order, the last one is the root.
template <int MaxNodes>
struct plan {
  int num_nodes = 0;
  node nodes[MaxNodes] = {};
};

constexpr bool in(const term& t, char c) {
  return t.find(c) >= 0;
}

constexpr term without(const term& t, const signed char* axes, int n) {
  term r{};
  for (int i = 0; i < t.size; ++i) {
    bool drop = false;
    for (int j = 0; j < n; ++j) {
      drop = drop || axes[j] == i;
    }
    if (!drop) {
      r.labels[r.size++] = t.labels[i];
    }
  }
  return r;
}

/// Labels of `t` ordered by their position in `order` (labels absent from `order` last).
constexpr step shuffle_to(const term& t, const term& order) {
  step s{step_kind::shuffle};
  for (int j = 0; j < order.size; ++j) {
    const int i = t.find(order.labels[j]);
    if (i >= 0) {
      s.axes[s.num_axes++] = static_cast<signed char>(i);
      s.result.labels[s.result.size++] = t.labels[i];
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
constexpr void add_shuffle(node& n, const term& order) {
  const step s = shuffle_to(n.result(), order);
  if (!is_identity(s)) {
    n.add(s);
  }
}

/// Position of the k-th axis counted from the innermost one in memory.
constexpr int inner(int k, int rank, bool row_major) {
  return row_major ? rank - 1 - k : k;
}

/// Sums away the axes flagged in `reduced`. Eigen's reduction is fast over the innermost axes
/// and slow over outer ones, so: axes around one block of kept axes in one pass with
/// TensorOuterSumOp; otherwise the innermost run first (then materialise the smaller result).
constexpr void add_reduce(node& n, const bool* reduced, bool row_major) {
  const term& t = n.result();
  int count = 0;
  for (int i = 0; i < t.size; ++i) {
    count += reduced[i];
  }
  if (count == 0) {
    return;
  }
  int run = 0;
  while (run < t.size && reduced[inner(run, t.size, row_major)]) {
    ++run;
  }
  int outer = 0;
  while (outer < t.size && reduced[inner(t.size - 1 - outer, t.size, row_major)]) {
    ++outer;
  }
  step s{step_kind::reduce};
  // Summed axes all outside one block of kept axes: one pass, rows of that block added up.
  const bool around_kept = outer > 0 && run + outer == count && count < t.size;
  if (run == 0 || run == count || around_kept) {
    s.kind = around_kept ? step_kind::reduce_outer : step_kind::reduce;
    for (int i = 0; i < t.size; ++i) {
      if (reduced[i]) {
        s.axes[s.num_axes++] = static_cast<signed char>(i);
      }
    }
    s.result = without(t, s.axes, s.num_axes);
    n.add(s);
    return;
  }
  for (int k = 0; k < run; ++k) {
    s.axes[s.num_axes++] = static_cast<signed char>(inner(k, t.size, row_major));
  }
  if (row_major) {
    for (int i = 0; i < s.num_axes / 2; ++i) {
      const signed char a = s.axes[i];
      s.axes[i] = s.axes[s.num_axes - 1 - i];
      s.axes[s.num_axes - 1 - i] = a;
    }
  }
  s.result = without(t, s.axes, s.num_axes);
  bool rest[max_labels] = {};
  for (int i = 0, j = 0; i < t.size; ++i) {
    bool dropped = false;
    for (int a = 0; a < s.num_axes; ++a) {
      dropped = dropped || s.axes[a] == i;
    }
    if (!dropped) {
      rest[j++] = reduced[i];
    }
  }
  n.add(s);
  step e{step_kind::eval};
  e.result = n.result();
  n.add(e);
  add_reduce(n, rest, row_major);
}

/// Prepares one operand: trace away diagonal labels not needed later, keep the other diagonal
/// labels once, then sum away labels needed nowhere else. `needed(c)` says a label is used later.
template <class Needed>
constexpr void prepare(node& n, Needed needed, bool row_major) {
  // Traces, one per summed diagonal label (Eigen's trace sums one diagonal at a time).
  for (bool again = true; again;) {
    again = false;
    const term& t = n.result();
    for (int i = 0; i < t.size && !again; ++i) {
      const char c = t.labels[i];
      if (t.find(c) == i && t.count(c) > 1 && !needed(c)) {
        step s{step_kind::trace};
        for (int j = 0; j < t.size; ++j) {
          if (t.labels[j] == c) {
            s.axes[s.num_axes++] = static_cast<signed char>(j);
          }
        }
        s.result = without(t, s.axes, s.num_axes);
        n.add(s);
        again = true;
      }
    }
  }
  // One diagonal view for all remaining repeated labels.
  {
    const term& t = n.result();
    step s{step_kind::diagonal};
    bool repeated = false;
    for (int i = 0; i < t.size; ++i) {
      const char c = t.labels[i];
      repeated = repeated || t.find(c) != i;
      if (!in(s.result, c)) {
        s.result.labels[s.result.size++] = c;
      }
      s.axes[s.num_axes++] = static_cast<signed char>(s.result.find(c));
    }
    if (repeated) {
      n.add(s);
    }
  }
  // Reductions over all labels needed nowhere else.
  {
    const term& t = n.result();
    bool reduced[max_labels] = {};
    for (int i = 0; i < t.size; ++i) {
      reduced[i] = !needed(t.labels[i]);
    }
    add_reduce(n, reduced, row_major);
  }
}

/// Materialises a node's result before a contraction when it is a reduction, which would
/// otherwise be recomputed for every coefficient the contraction reads.
constexpr void add_eval_if_reduced(node& n) {
  if (n.num_steps > 0) {
    const step_kind k = n.steps[n.num_steps - 1].kind;
    if (k == step_kind::reduce || k == step_kind::trace) {
      // reduce_outer needs nothing: TensorOuterSumOp already materialises.
      step s{step_kind::eval};
      s.result = n.result();
      n.add(s);
    }
  }
}

/// Brings a node's labels into `order`'s order and broadcasts it to all of `order`'s labels.
constexpr void add_align(node& n, const term& order) {
  add_shuffle(n, order);
  if (n.result().size < order.size) {
    step s{step_kind::expand};
    s.result = order;
    n.add(s);
  }
}

/// The order of pairwise contractions, in numpy's einsum_path format: each step names two
/// positions in the list of remaining terms; both leave the list and their result is appended.
struct contraction_path {
  int num_steps = 0;
  int pairs[max_operands][2] = {};
};

/// Contracts nodes `ia` and `ib` into a new node keeping the labels `keep`: in `keep`'s order
/// when `is_final`, else in the order the chosen Eigen op produces for free.
template <int MaxNodes>
constexpr void add_pair(plan<MaxNodes>& p, int ia, int ib, const term& keep, bool is_final,
                        bool row_major) {
  node& a = p.nodes[ia];
  node& b = p.nodes[ib];
  node& r = p.nodes[p.num_nodes++];
  r.lhs = ia;
  r.rhs = ib;
  const term ta = a.result();
  const term tb = b.result();
  term contracted{}, batch{}, lhs_free{}, rhs_free{};
  for (int i = 0; i < ta.size; ++i) {
    const char c = ta.labels[i];
    term& dst = !in(tb, c) ? lhs_free : in(keep, c) ? batch : contracted;
    dst.labels[dst.size++] = c;
  }
  for (int i = 0; i < tb.size; ++i) {
    if (!in(ta, tb.labels[i])) {
      rhs_free.labels[rhs_free.size++] = tb.labels[i];
    }
  }
  const bool dot = contracted.size > 0 && batch.size == 0 && ta.size == contracted.size &&
                   tb.size == contracted.size && is_identity(shuffle_to(tb, ta));
  if (contracted.size == 0 || dot) {
    // Outer, Hadamard and broadcast products, and dot products: a coefficient-wise product.
    r.kind = node_kind::product;
    term all = is_final ? keep : ta;
    if (!is_final) {
      for (int i = 0; i < rhs_free.size; ++i) {
        all.labels[all.size++] = rhs_free.labels[i];
      }
    } else {
      for (int i = 0; i < contracted.size; ++i) {
        all.labels[all.size++] = contracted.labels[i];
      }
    }
    add_align(a, all);
    add_align(b, all);
    r.joined = all;
    if (dot) {
      step sum{step_kind::reduce};
      for (int i = 0; i < all.size; ++i) {
        if (in(contracted, all.labels[i])) {
          sum.axes[sum.num_axes++] = static_cast<signed char>(i);
        }
      }
      sum.result = without(all, sum.axes, sum.num_axes);
      r.add(sum);
    }
    return;
  }
  add_eval_if_reduced(a);
  add_eval_if_reduced(b);
  if (batch.size == 0) {
    // Eigen's contraction yields [lhs free, rhs free]: swap the operands if that order fits.
    term ab = lhs_free, ba = rhs_free;
    for (int i = 0; i < rhs_free.size; ++i) {
      ab.labels[ab.size++] = rhs_free.labels[i];
    }
    for (int i = 0; i < lhs_free.size; ++i) {
      ba.labels[ba.size++] = lhs_free.labels[i];
    }
    // An intermediate puts the side with more free labels first, so that chains such as
    // ea,abcd->bcde append new labels last and end in the output's order without a shuffle.
    const bool swap = is_final
                          ? !is_identity(shuffle_to(ab, keep)) && is_identity(shuffle_to(ba, keep))
                          : lhs_free.size < rhs_free.size;
    const term& tl = swap ? tb : ta;
    const term& tr = swap ? ta : tb;
    r.kind = node_kind::contract;
    r.lhs = swap ? ib : ia;
    r.rhs = swap ? ia : ib;
    for (int i = 0; i < tl.size; ++i) {
      const int j = tr.find(tl.labels[i]);
      if (j >= 0) {
        r.lhs_axes[r.num_pairs] = static_cast<signed char>(i);
        r.rhs_axes[r.num_pairs++] = static_cast<signed char>(j);
      }
    }
    r.joined = swap ? ba : ab;
    if (is_final) {
      add_shuffle(r, keep);
    }
    return;
  }
  // Batch labels with contracted labels: a batched contraction, written in the output's order,
  // or with the batch labels outermost in memory for an intermediate.
  r.kind = node_kind::batch_contract;
  for (int i = 0; i < ta.size; ++i) {
    const int j = tb.find(ta.labels[i]);
    if (j >= 0 && in(keep, ta.labels[i])) {
      r.lhs_batch[r.num_batch] = static_cast<signed char>(i);
      r.rhs_batch[r.num_batch++] = static_cast<signed char>(j);
    } else if (j >= 0) {
      r.lhs_axes[r.num_pairs] = static_cast<signed char>(i);
      r.rhs_axes[r.num_pairs++] = static_cast<signed char>(j);
    }
  }
  term order = is_final ? keep : term{};
  if (!is_final) {
    const term* parts[3] = {&batch, &lhs_free, &rhs_free};
    for (int k = 0; k < 3; ++k) {
      const term& part = *parts[row_major ? k : (k + 1) % 3];
      for (int i = 0; i < part.size; ++i) {
        order.labels[order.size++] = part.labels[i];
      }
    }
  }
  for (int i = 0; i < order.size; ++i) {
    const int j = ta.find(order.labels[i]);
    r.out_operand[i] = j >= 0 ? 0 : 1;
    r.out_axis[i] = static_cast<signed char>(j >= 0 ? j : tb.find(order.labels[i]));
  }
  r.joined = order;
}

/// Plans subscript `s` (validated, '...' expanded) along `path`: each operand is prepared
/// (broadcasts under '...', diagonals, labels summed in it alone), then contracted pairwise.
template <int MaxNodes>
constexpr plan<MaxNodes> make_plan(const subscript& s, bool row_major,
                                   const contraction_path& path) {
  plan<MaxNodes> p{};
  const term& out = s.output;
  for (int k = 0; k < s.num_operands; ++k) {
    node& n = p.nodes[p.num_nodes++];
    n.kind = node_kind::operand;
    n.operand = k;
    n.joined = s.operands[k];
    auto shared = [&](char c) {
      bool elsewhere = false;
      for (int j = 0; j < s.num_operands; ++j) {
        elsewhere = elsewhere || (j != k && in(s.operands[j], c));
      }
      return elsewhere;
    };
    step b{step_kind::broadcast};
    b.result = n.joined;
    for (int i = 0; i < n.joined.size; ++i) {
      if (in(s.ellipsis_labels, n.joined.labels[i]) && shared(n.joined.labels[i])) {
        b.axes[b.num_axes++] = static_cast<signed char>(i);
      }
    }
    if (b.num_axes > 0) {
      n.add(b);
    }
    prepare(
        n, [&](char c) { return in(out, c) || shared(c); }, row_major);
  }
  if (s.num_operands == 1) {
    add_shuffle(p.nodes[0], out);
    return p;
  }
  int remaining[max_operands] = {};
  int count = s.num_operands;
  for (int k = 0; k < count; ++k) {
    remaining[k] = k;
  }
  for (int st = 0; st < path.num_steps; ++st) {
    const int i = path.pairs[st][0] < path.pairs[st][1] ? path.pairs[st][0] : path.pairs[st][1];
    const int j = path.pairs[st][0] < path.pairs[st][1] ? path.pairs[st][1] : path.pairs[st][0];
    const int ia = remaining[i];
    const int ib = remaining[j];
    for (int k = j; k + 1 < count; ++k) {
      remaining[k] = remaining[k + 1];
    }
    --count;
    for (int k = i; k + 1 < count; ++k) {
      remaining[k] = remaining[k + 1];
    }
    --count;
    const bool is_final = count == 0;
    term keep{};
    if (is_final) {
      keep = out;
    } else {
      const term* sides[2] = {&p.nodes[ia].result(), &p.nodes[ib].result()};
      for (int side = 0; side < 2; ++side) {
        const term& t = *sides[side];
        for (int x = 0; x < t.size; ++x) {
          const char c = t.labels[x];
          bool later = in(out, c);
          for (int k = 0; k < count; ++k) {
            later = later || in(p.nodes[remaining[k]].result(), c);
          }
          if (later && !in(keep, c)) {
            keep.labels[keep.size++] = c;
          }
        }
      }
    }
    add_pair(p, ia, ib, keep, is_final, row_major);
    remaining[count++] = p.num_nodes - 1;
  }
  return p;
}

/// Whether a plan holds an Eigen op that fails on a zero extent: `contract` (Eigen's GEMM blocking
/// divides by a contracted extent of 0) or `broadcast` (asserts that no input extent is 0).
template <int MaxNodes>
constexpr bool zero_extent_hazard(const plan<MaxNodes>& p) {
  for (int i = 0; i < p.num_nodes; ++i) {
    const node& n = p.nodes[i];
    bool hazard = n.kind == node_kind::contract;
    for (int s = 0; s < n.num_steps; ++s) {
      hazard =
          hazard || n.steps[s].kind == step_kind::expand || n.steps[s].kind == step_kind::broadcast;
    }
    if (hazard) {
      return true;
    }
  }
  return false;
}

/// Whether some label from '...' is in two operands, so that an extent 1 may broadcast.
constexpr bool may_broadcast(const subscript& s) {
  for (int d = 0; d < s.ellipsis_labels.size; ++d) {
    int operands = 0;
    for (int k = 0; k < s.num_operands; ++k) {
      operands += in(s.operands[k], s.ellipsis_labels.labels[d]);
    }
    if (operands > 1) {
      return true;
    }
  }
  return false;
}

/// `s` planned as if nothing broadcast: the plan for calls whose extents under '...' agree.
constexpr subscript without_broadcast(const subscript& s) {
  subscript x = s;
  x.ellipsis_labels = term{};
  return x;
}

/// The left-to-right path: operands 0 and 1, then that result with operand 2, and so on.
constexpr contraction_path left_to_right(int num_operands) {
  contraction_path path{};
  for (int k = 0; k + 1 < num_operands; ++k) {
    // After step k the list holds operands k+2.. and, last, the result at position n-k-2.
    path.pairs[path.num_steps][0] = 0;
    path.pairs[path.num_steps++][1] = k == 0 ? 1 : num_operands - k - 1;
  }
  return path;
}

/// Plans a one- or two-operand subscript.
constexpr plan<3> make_plan(const subscript& s, bool row_major) {
  return make_plan<3>(s, row_major, left_to_right(s.num_operands));
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_PLAN_HPP
