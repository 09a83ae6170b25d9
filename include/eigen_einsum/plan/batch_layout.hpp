// eigen-einsum planner: a batched contraction described by labels, and the memory layouts in
// which it can run as a batch of GEMMs (which operand is the GEMM's left matrix, which operands
// are read in place, which are copied, and in what axis order).
//
// Every axis is named by a label id: batch label j is j, contracted label j is nb + j, the f-th
// free label of the left operand is nb + nc + f, and of the right operand nb + nc + lhs_free + f.
// Layouts list axes from the innermost in memory outwards (ColMajor axis order; a RowMajor tensor
// is the ColMajor tensor with its axes reversed).
#ifndef EIGEN_EINSUM_PLAN_BATCH_LAYOUT_HPP
#define EIGEN_EINSUM_PLAN_BATCH_LAYOUT_HPP

#include "labels.hpp"

namespace eigen_einsum::detail {

/// Highest operand rank of a batched contraction.
inline constexpr int batch_max_rank = 16;
/// Most labels of a batched contraction: the output's rank at most.
inline constexpr int batch_max_labels = 2 * batch_max_rank;

/// A batched contraction `lhs,rhs->out`: per operand axis (in the tensor's own axis order), the
/// label id of that axis.
struct batch_contraction_spec {
  int lhs_rank = 0, rhs_rank = 0, out_rank = 0;
  int num_batch = 0, num_contracted = 0, lhs_free = 0, rhs_free = 0;
  int lhs[batch_max_rank] = {};
  int rhs[batch_max_rank] = {};
  int out[batch_max_labels] = {};
};

/// The spec of `lhs,rhs->out`, where a label in both operands and the output is a batch label, in
/// both operands only a contracted label, and in one operand a free label (in the output).
constexpr batch_contraction_spec batch_spec_of(const label_list& lhs, const label_list& rhs,
                                               const label_list& out) {
  batch_contraction_spec s{};
  s.lhs_rank = lhs.size;
  s.rhs_rank = rhs.size;
  s.out_rank = out.size;
  label_list batch{}, contracted{}, lhs_free{}, rhs_free{};
  for (int i = 0; i < lhs.size; ++i) {
    const char c = lhs.labels[i];
    (!rhs.contains(c) ? lhs_free : out.contains(c) ? batch : contracted).push_back(c);
  }
  for (int i = 0; i < rhs.size; ++i) {
    if (!lhs.contains(rhs.labels[i])) {
      rhs_free.push_back(rhs.labels[i]);
    }
  }
  s.num_batch = batch.size;
  s.num_contracted = contracted.size;
  s.lhs_free = lhs_free.size;
  s.rhs_free = rhs_free.size;
  auto id = [&](char c) {
    const int nbc = batch.size + contracted.size;
    return batch.contains(c)        ? batch.find(c)
           : contracted.contains(c) ? batch.size + contracted.find(c)
           : lhs_free.contains(c)   ? nbc + lhs_free.find(c)
                                    : nbc + lhs_free.size + rhs_free.find(c);
  };
  for (int i = 0; i < lhs.size; ++i) {
    s.lhs[i] = id(lhs.labels[i]);
  }
  for (int i = 0; i < rhs.size; ++i) {
    s.rhs[i] = id(rhs.labels[i]);
  }
  for (int i = 0; i < out.size; ++i) {
    s.out[i] = id(out.labels[i]);
  }
  return s;
}

/// One way to run the batched contraction: which operand is the GEMM's left matrix x, whether x,
/// y and the output are used in place, and the axis orders (innermost first) of the copies.
struct batch_layout {
  bool swap = false; // x = rhs, y = lhs: computes C^T = B^T A^T
  bool x_direct = false, y_direct = false, out_direct = false;
  bool x_trans = false, y_trans = false; // an operand in place stored as the transposed matrix
  // x_trans with free labels on both sides: Eigen's GEMM (not its GEMV) packs that x slowly.
  bool packs_x_trans = false;
  int x_perm[batch_max_rank] = {}; // copy of x: axis t <- its own axis x_perm[t]
  int y_perm[batch_max_rank] = {};
  int out_perm[batch_max_labels] = {}; // output axis p <- scratch axis out_perm[p]
  // The GEMM's order of each group of labels, innermost first: scratch is [x free, y free, batch].
  int x_free[batch_max_rank] = {}, y_free[batch_max_rank] = {};
  int batch[batch_max_rank] = {}, contracted[batch_max_rank] = {};

  constexpr bool lhs_direct() const { return swap ? y_direct : x_direct; }
  constexpr bool rhs_direct() const { return swap ? x_direct : y_direct; }
};

/// GEMM roles (2) x (output in place, or scratch with the batch order of the output, x or y: 4)
/// x the contracted order of x or y (2).
inline constexpr int max_batch_layouts = 2 * 4 * 2;

/// The spec's label ids in memory order, innermost first, and every layout that no other layout
/// beats on every copy and on reading x transposed; the evaluator picks the cheapest for the
/// run-time extents (cost_of).
struct batch_layouts {
  int lhs[batch_max_rank] = {};
  int rhs[batch_max_rank] = {};
  int out[batch_max_labels] = {};
  int count = 0;
  batch_layout layouts[max_batch_layouts] = {};
};

/// Copies the ids of `ids[0..n)` that lie in [lo, hi) to `out`; returns how many.
constexpr int select_ids(const int* ids, int n, int lo, int hi, int* out) {
  int count = 0;
  for (int a = 0; a < n; ++a) {
    if (ids[a] >= lo && ids[a] < hi) {
      out[count++] = ids[a];
    }
  }
  return count;
}

constexpr bool same_ids(const int* a, const int* b, int n) {
  for (int i = 0; i < n; ++i) {
    if (a[i] != b[i]) {
      return false;
    }
  }
  return true;
}

/// Writes a, b and c one after the other to `out`.
constexpr void concat_ids(int* out, const int* a, int na, const int* b, int nb, const int* c,
                          int nc) {
  for (int i = 0; i < na; ++i) {
    out[i] = a[i];
  }
  for (int i = 0; i < nb; ++i) {
    out[na + i] = b[i];
  }
  for (int i = 0; i < nc; ++i) {
    out[na + nb + i] = c[i];
  }
}

/// perm[t] = the position in `own` of `target[t]`.
constexpr void permutation_to(const int* own, const int* target, int rank, int* perm) {
  for (int t = 0; t < rank; ++t) {
    for (int a = 0; a < rank; ++a) {
      if (own[a] == target[t]) {
        perm[t] = a;
      }
    }
  }
}

/// Whether `a` copies nothing that `b` uses in place, and reads x transposed only if `b` does.
constexpr bool costs_no_more_than(const batch_layout& a, const batch_layout& b) {
  return (a.lhs_direct() || !b.lhs_direct()) && (a.rhs_direct() || !b.rhs_direct()) &&
         (a.out_direct || !b.out_direct) && (!a.packs_x_trans || b.packs_x_trans);
}

/// Adds `p` unless a layout already there costs no more; drops those that `p` beats.
constexpr void add_undominated(batch_layouts& ls, const batch_layout& p) {
  for (int i = 0; i < ls.count; ++i) {
    if (costs_no_more_than(ls.layouts[i], p)) {
      return;
    }
  }
  int kept = 0;
  for (int i = 0; i < ls.count; ++i) {
    if (!costs_no_more_than(p, ls.layouts[i])) {
      ls.layouts[kept++] = ls.layouts[i];
    }
  }
  ls.count = kept;
  ls.layouts[ls.count++] = p;
}

/// The operands of the GEMMs for one assignment of roles: x is the left matrix.
struct gemm_roles {
  const int* x;
  const int* y;
  int x_rank, y_rank;
  int x_lo, x_hi, y_lo, y_hi; // the ids of x's and y's free labels
  bool x_raw, y_raw;          // whether the operand's memory can be read in place
};

/// Completes layout `p` (roles, output mode and the orders of the free, batch and contracted
/// labels chosen): whether each operand fits in place, and the permutations of the copies.
constexpr void place_operands(batch_layout& p, const gemm_roles& r, const batch_layouts& ls,
                              const batch_contraction_spec& s) {
  const int nb = s.num_batch, nc = s.num_contracted;
  const int nxf = r.x_hi - r.x_lo, nyf = r.y_hi - r.y_lo;
  int x_plain[batch_max_rank] = {}, x_trans[batch_max_rank] = {};
  int y_plain[batch_max_rank] = {}, y_trans[batch_max_rank] = {};
  concat_ids(x_plain, p.x_free, nxf, p.contracted, nc, p.batch, nb);
  concat_ids(x_trans, p.contracted, nc, p.x_free, nxf, p.batch, nb);
  concat_ids(y_plain, p.contracted, nc, p.y_free, nyf, p.batch, nb);
  concat_ids(y_trans, p.y_free, nyf, p.contracted, nc, p.batch, nb);
  p.x_direct = r.x_raw && (same_ids(r.x, x_plain, r.x_rank) || same_ids(r.x, x_trans, r.x_rank));
  p.x_trans = p.x_direct && !same_ids(r.x, x_plain, r.x_rank);
  p.y_direct = r.y_raw && (same_ids(r.y, y_plain, r.y_rank) || same_ids(r.y, y_trans, r.y_rank));
  p.y_trans = p.y_direct && !same_ids(r.y, y_plain, r.y_rank);
  permutation_to(r.x, x_plain, r.x_rank, p.x_perm);
  permutation_to(r.y, y_plain, r.y_rank, p.y_perm);
  int scratch[batch_max_labels] = {};
  concat_ids(scratch, p.x_free, nxf, p.y_free, nyf, p.batch, nb);
  permutation_to(scratch, ls.out, s.out_rank, p.out_perm);
}

/// Every layout for one assignment of GEMM roles.
constexpr void add_layouts(batch_layouts& ls, const batch_contraction_spec& s, bool swap,
                           const gemm_roles& r) {
  const int nb = s.num_batch, nc = s.num_contracted;
  const int nxf = r.x_hi - r.x_lo, nyf = r.y_hi - r.y_lo;
  // The output is written in place when it reads [x free, y free, batch] innermost first.
  int out_xf[batch_max_rank] = {}, out_yf[batch_max_rank] = {}, out_b[batch_max_rank] = {};
  const bool out_fits = select_ids(ls.out, nxf, r.x_lo, r.x_hi, out_xf) == nxf &&
                        select_ids(ls.out + nxf, nyf, r.y_lo, r.y_hi, out_yf) == nyf &&
                        select_ids(ls.out + nxf + nyf, nb, 0, nb, out_b) == nb;
  const int* batch_orders[3] = {ls.out, r.x, r.y};
  const int batch_ranks[3] = {s.out_rank, r.x_rank, r.y_rank};
  for (int out_direct = out_fits ? 1 : 0; out_direct >= 0; --out_direct) {
    for (int batch_from = 0; batch_from < (out_direct ? 1 : 3); ++batch_from) {
      for (int contracted_from = 0; contracted_from < 2; ++contracted_from) {
        batch_layout p{};
        p.swap = swap;
        p.out_direct = out_direct != 0;
        if (p.out_direct) {
          concat_ids(p.x_free, out_xf, nxf, nullptr, 0, nullptr, 0);
          concat_ids(p.y_free, out_yf, nyf, nullptr, 0, nullptr, 0);
        } else {
          select_ids(r.x, r.x_rank, r.x_lo, r.x_hi, p.x_free);
          select_ids(r.y, r.y_rank, r.y_lo, r.y_hi, p.y_free);
        }
        select_ids(batch_orders[batch_from], batch_ranks[batch_from], 0, nb, p.batch);
        select_ids(contracted_from == 0 ? r.x : r.y, contracted_from == 0 ? r.x_rank : r.y_rank, nb,
                   nb + nc, p.contracted);
        place_operands(p, r, ls, s);
        p.packs_x_trans = p.x_trans && nxf > 0 && nyf > 0;
        add_undominated(ls, p);
      }
    }
  }
}

/// The layouts of `s` for tensors of this layout; `lhs_raw` and `rhs_raw` say whether an
/// operand's memory can be read in place.
constexpr batch_layouts layouts_of(const batch_contraction_spec& s, bool row_major, bool lhs_raw,
                                   bool rhs_raw) {
  batch_layouts ls{};
  for (int a = 0; a < s.lhs_rank; ++a) {
    ls.lhs[a] = s.lhs[memory_axis(a, s.lhs_rank, row_major)];
  }
  for (int a = 0; a < s.rhs_rank; ++a) {
    ls.rhs[a] = s.rhs[memory_axis(a, s.rhs_rank, row_major)];
  }
  for (int a = 0; a < s.out_rank; ++a) {
    ls.out[a] = s.out[memory_axis(a, s.out_rank, row_major)];
  }
  const int free_lo = s.num_batch + s.num_contracted, rhs_lo = free_lo + s.lhs_free,
            end = rhs_lo + s.rhs_free;
  add_layouts(
      ls, s, false,
      {ls.lhs, ls.rhs, s.lhs_rank, s.rhs_rank, free_lo, rhs_lo, rhs_lo, end, lhs_raw, rhs_raw});
  add_layouts(
      ls, s, true,
      {ls.rhs, ls.lhs, s.rhs_rank, s.lhs_rank, rhs_lo, end, free_lo, rhs_lo, rhs_raw, lhs_raw});
  return ls;
}

/// The elements layout `p` copies for operands of `lhs_size` and `rhs_size` elements and an
/// output of `out_size`.
template <class Size>
constexpr Size copied_by(const batch_layout& p, Size lhs_size, Size rhs_size, Size out_size) {
  return (p.lhs_direct() ? 0 : lhs_size) + (p.rhs_direct() ? 0 : rhs_size) +
         (p.out_direct ? 0 : out_size);
}

/// What layout `p` costs, in copied elements: its copies, and an eighth of x's elements when a
/// GEMM reads x transposed (Eigen packs a row-major left matrix slowly: 32 x 32768 times 32768 x 32
/// takes 1.13x the time of the plain orientation, and an output copy of 32 x 32 is nothing beside
/// it).
template <class Size>
constexpr Size cost_of(const batch_layout& p, Size lhs_size, Size rhs_size, Size out_size) {
  const Size x_size = p.swap ? rhs_size : lhs_size;
  return copied_by(p, lhs_size, rhs_size, out_size) + (p.packs_x_trans ? x_size / 8 : Size(0));
}

/// The layout of `ls` that costs least (the first of equals).
template <class Size>
constexpr int cheapest_layout(const batch_layouts& ls, Size lhs_size, Size rhs_size,
                              Size out_size) {
  int best = 0;
  for (int i = 1; i < ls.count; ++i) {
    if (cost_of(ls.layouts[i], lhs_size, rhs_size, out_size) <
        cost_of(ls.layouts[best], lhs_size, rhs_size, out_size)) {
      best = i;
    }
  }
  return best;
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_PLAN_BATCH_LAYOUT_HPP
