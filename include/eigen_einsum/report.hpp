// eigen-einsum: the printable report of a contraction path, in the manner of numpy's einsum_path.
#ifndef EIGEN_EINSUM_REPORT_HPP
#define EIGEN_EINSUM_REPORT_HPP

#include "parse.hpp"
#include "path.hpp"
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
    r += std::string(74, '-') + "\n";
    std::snprintf(line, sizeof line, "%6s %10s %24s\n", "scaling", "path", "current");
    r += line;
    r += std::string(74, '-') + "\n";
    for (std::size_t k = 0; k < steps.size(); ++k) {
      std::snprintf(line, sizeof line, "%4d    (%d, %d) %24s\n", step_scaling[k], path[k].first,
                    path[k].second, steps[k].c_str());
      r += line;
    }
    return r;
  }
};

inline std::ostream& operator<<(std::ostream& os, const path_info& info) {
  return os << info.report();
}

namespace detail {

inline std::string text_of(const term& t) {
  return std::string(t.labels, t.labels + t.size);
}

inline std::string text_of(label_set s) {
  std::string r;
  for (int b = 0; b < 52; ++b) {
    if ((s >> b) & 1) {
      r += bit_label(b);
    }
  }
  return r;
}

/// Describes `path` over subscript `s` with label extents `x`.
inline path_info describe(const subscript& s, const contraction_path& path, const label_sizes& x,
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
  std::vector<std::string> terms;
  std::vector<label_set> sets;
  for (int k = 0; k < s.num_operands; ++k) {
    terms.push_back(text_of(s.operands[k]));
    sets.push_back(l.operand[k]);
  }
  for (int st = 0; st < path.num_steps; ++st) {
    const int i = path.pairs[st][0] < path.pairs[st][1] ? path.pairs[st][0] : path.pairs[st][1];
    const int j = path.pairs[st][0] < path.pairs[st][1] ? path.pairs[st][1] : path.pairs[st][0];
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict, bug 105329) on a + "," + b.
    std::string step = terms[static_cast<std::size_t>(i)];
    step += ',';
    step += terms[static_cast<std::size_t>(j)];
    const label_set involved =
        sets[static_cast<std::size_t>(i)] | sets[static_cast<std::size_t>(j)];
    terms.erase(terms.begin() + j);
    sets.erase(sets.begin() + j);
    terms.erase(terms.begin() + i);
    sets.erase(sets.begin() + i);
    label_set later = l.output;
    for (label_set t : sets) {
      later |= t;
    }
    const label_set result = involved & later;
    const std::string out = sets.empty() ? text_of(s.output) : text_of(result);
    info.path.emplace_back(i, j);
    step += "->";
    step += out;
    info.steps.push_back(step);
    info.step_scaling.push_back(count_of(involved));
    terms.push_back(out);
    sets.push_back(result);
  }
  return info;
}

} // namespace detail
} // namespace eigen_einsum

#endif // EIGEN_EINSUM_REPORT_HPP
