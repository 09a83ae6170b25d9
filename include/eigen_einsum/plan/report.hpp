// eigen-einsum planner: the printable report of a contraction path, in the manner of numpy's
// einsum_path.
#ifndef EIGEN_EINSUM_PLAN_REPORT_HPP
#define EIGEN_EINSUM_PLAN_REPORT_HPP

#include "batch_layout.hpp"
#include "contraction_path.hpp"
#include "cost.hpp"
#include "labels.hpp"
#include "parse.hpp"
#include "plan.hpp"

#include <cstdio>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace eigen_einsum {

/// The contraction order einsum takes and its cost, as numpy's einsum_path reports them.
///
///   std::cout << eigen_einsum::einsum_path<"ij,jk,kl->il">(a, b, c);
struct path_info {
  std::string subscript;                 // the whole subscript, with its output subscript
  std::vector<std::pair<int, int>> path; // numpy's format: positions in the remaining list
  std::vector<std::string> steps;        // each pairwise step's subscript, "jk,kl->jl"
  std::vector<int> step_scaling;         // labels involved in each step
  double naive_flops = 0;                // numpy's count for one loop nest
  double optimized_flops = 0;            // numpy's count along `path`
  double largest_intermediate = 0;       // elements, the output included (as numpy)
  int naive_scaling = 0;
  int optimized_scaling = 0;
  int candidates = 1; // orders fixed at compile time among which this one was chosen
  // As planned (add_layouts): how each step runs ("GEMM in place", "GEMM, copies rhs out",
  // "product"), and the bytes it permutes into scratch.
  std::vector<std::string> layouts;
  std::vector<double> step_bytes_permuted;
  double bytes_permuted = 0;

  /// numpy's einsum_path text: the summary, then one line per step.
  std::string report() const {
    char line[256];
    std::string r;
    std::snprintf(line, sizeof line, "  Complete contraction:  %s\n", subscript.c_str());
    r += line;
    std::snprintf(line, sizeof line, "         Naive scaling:  %d\n", naive_scaling);
    r += line;
    std::snprintf(line, sizeof line, "     Optimized scaling:  %d\n", optimized_scaling);
    r += line;
    std::snprintf(line, sizeof line, "      Naive FLOP count:  %.3e\n", naive_flops);
    r += line;
    std::snprintf(line, sizeof line, "  Optimized FLOP count:  %.3e\n", optimized_flops);
    r += line;
    std::snprintf(line, sizeof line, "   Theoretical speedup:  %3.3f\n",
                  optimized_flops > 0 ? naive_flops / optimized_flops : 0.0);
    r += line;
    std::snprintf(line, sizeof line, "  Largest intermediate:  %.3e elements\n",
                  largest_intermediate);
    r += line;
    std::snprintf(line, sizeof line, "  Candidate orders:      %d (chosen at %s)\n", candidates,
                  candidates > 1 ? "run time" : "compile time");
    r += line;
    const bool planned = layouts.size() == steps.size();
    if (planned) {
      std::snprintf(line, sizeof line, "  Bytes permuted:        %.3e\n", bytes_permuted);
      r += line;
    }
    r += std::string(74, '-') + "\n";
    std::snprintf(line, sizeof line, "%6s %10s %24s%s\n", "scaling", "path", "current",
                  planned ? "   layout (bytes permuted)" : "");
    r += line;
    r += std::string(74, '-') + "\n";
    for (std::size_t k = 0; k < steps.size(); ++k) {
      std::snprintf(line, sizeof line, "%4d    (%d, %d) %24s", step_scaling[k], path[k].first,
                    path[k].second, steps[k].c_str());
      r += line;
      if (planned) {
        std::snprintf(line, sizeof line, "   %s (%.3e)", layouts[k].c_str(),
                      step_bytes_permuted[k]);
        r += line;
      }
      r += "\n";
    }
    return r;
  }
};

inline std::ostream& operator<<(std::ostream& os, const path_info& info) {
  return os << info.report();
}

namespace detail {

inline std::string text_of(const label_list& t) {
  return std::string(t.labels, t.labels + t.size);
}

/// The labels of `s` in slot order.
constexpr label_list labels_in(label_set s) {
  label_list r{};
  for (; s != 0; s &= s - 1) {
    r.push_back(label_at(lowest_slot(s)));
  }
  return r;
}

/// Describes `path` over subscript `s` with label extents `x`.
template <class T>
path_info describe(const subscript& s, const contraction_path& path, const per_label<T>& x,
                   int candidates) {
  path_info info;
  for (int k = 0; k < s.num_operands; ++k) {
    if (k > 0) {
      info.subscript += ',';
    }
    info.subscript += text_of(s.operands[k]);
  }
  info.subscript += "->";
  info.subscript += text_of(s.output);
  const label_sets l = sets_of(s);
  const path_cost cost = cost_of(l, path, x);
  info.naive_flops = cost.naive_flops;
  info.optimized_flops = cost.optimized_flops;
  info.largest_intermediate = cost.largest_intermediate;
  info.naive_scaling = cost.naive_scaling;
  info.optimized_scaling = cost.optimized_scaling;
  info.candidates = candidates;
  label_list list[max_operands] = {};
  for (int k = 0; k < s.num_operands; ++k) {
    list[k] = s.operands[k];
  }
  walk(path, list, s.num_operands,
       [&](int st, const label_list& a, const label_list& b, const label_list* remaining,
           int count) {
         label_set rest[max_operands] = {};
         for (int k = 0; k < count; ++k) {
           rest[k] = set_of(remaining[k]);
         }
         const label_set involved = set_of(a) | set_of(b);
         const label_list result =
             count == 0 ? s.output : labels_in(kept_labels(involved, rest, count, l.output));
         const int p = path.pairs[st][0], q = path.pairs[st][1];
         info.path.emplace_back(p < q ? p : q, p < q ? q : p);
         // Appended piece by piece: GCC 12 warns falsely (-Wrestrict, bug 105329) on a + "," + b.
         std::string step = text_of(a);
         step += ',';
         step += text_of(b);
         step += "->";
         step += text_of(result);
         info.steps.push_back(step);
         info.step_scaling.push_back(popcount(involved));
         return result;
       });
  return info;
}

/// What the planner knows of the operands beyond their labels: the tensors' layout, whether each
/// operand's memory can be read in place (a Tensor, TensorMap, TensorFixedSize), the scalar's size.
struct operand_layouts {
  bool row_major = false;
  bool raw[max_operands] = {};
  int scalar_bytes = 0;
};

/// Adds to `info` how plan `p` (along `info`'s path) runs each step for extents `x`: each step's
/// subscript in the planned axis order, its layout and the bytes it permutes, as the batched
/// contraction chooses them at run time.
template <int MaxNodes, class T>
void add_layouts(path_info& info, const plan<MaxNodes>& p, const per_label<T>& x,
                 const operand_layouts& ops) {
  const int first = p.num_nodes - static_cast<int>(info.steps.size());
  info.layouts.clear();
  info.step_bytes_permuted.clear();
  info.bytes_permuted = 0;
  for (int i = first; i < p.num_nodes; ++i) {
    const node& n = p.nodes[i];
    const node &a = p.nodes[n.lhs], &b = p.nodes[n.rhs];
    const label_list &l = a.before(a.num_own_steps), &r = b.before(b.num_own_steps);
    std::string step = text_of(l);
    step += ',';
    step += text_of(r);
    step += "->";
    step += text_of(n.result());
    info.steps[std::size_t(i - first)] = step;
    double bytes = 0;
    std::string layout = "product";
    if (n.kind == node_kind::batch_contract) {
      const batch_layouts ls = layouts_of(n.batch, ops.row_major, reads_in_place(p, n.lhs, ops.raw),
                                          reads_in_place(p, n.rhs, ops.raw));
      const double lhs_size = size_of(set_of(l), x), rhs_size = size_of(set_of(r), x),
                   out_size = size_of(set_of(n.joined), x);
      const batch_layout& b = ls.layouts[cheapest_layout(ls, lhs_size, rhs_size, out_size)];
      bytes = copied_by(b, lhs_size, rhs_size, out_size) * ops.scalar_bytes;
      layout = n.batch.num_batch > 0 ? "batched GEMM" : "GEMM";
      if (b.lhs_direct() && b.rhs_direct() && b.out_direct) {
        layout += " in place";
      } else {
        layout += ", copies";
        layout += b.lhs_direct() ? "" : " lhs";
        layout += b.rhs_direct() ? "" : " rhs";
        layout += b.out_direct ? "" : " out";
      }
    }
    info.layouts.push_back(layout);
    info.step_bytes_permuted.push_back(bytes);
    info.bytes_permuted += bytes;
  }
}

} // namespace detail
} // namespace eigen_einsum

#endif // EIGEN_EINSUM_PLAN_REPORT_HPP
