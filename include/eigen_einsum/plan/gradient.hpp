// eigen-einsum planner: the subscript of an einsum's gradient with respect to one operand,
// derived from the forward subscript (doc/gradients.md).
#ifndef EIGEN_EINSUM_PLAN_GRADIENT_HPP
#define EIGEN_EINSUM_PLAN_GRADIENT_HPP

#include "contraction_path.hpp"
#include "labels.hpp"
#include "parse.hpp"

#include <initializer_list>

namespace eigen_einsum::detail {

/// The gradient of `out = einsum(s)(x_0, ..., x_n)` with respect to operand k, given the
/// gradient g of `out`, is `einsum(text)(g, x_j for j != k)` followed by two steps the text
/// cannot say: a broadcast over the lonely labels, then a diagonal embedding where a label
/// repeats in operand k.
///
/// For `ij,jk->ik` and k = 0: text `ik,jk->ij`; for `ij->i`: text `i->i`, then j broadcasts; for
/// `ii->`: text `->`, then i broadcasts and the result goes on the diagonal.
struct gradient_form {
  static constexpr int max_text = max_operands * (max_labels + 1) + 2 + max_labels;
  char text[max_text + 1] = {}; // "<output>,<operand j != k>...-><distinct, not lonely>"
  int size = 0;
  label_list distinct = {}; // operand k's labels, each once, in order of first appearance
  label_set lonely = 0; // labels of operand k that are in no other operand and not in the output
  bool repeats = false; // a label repeats in operand k: the result is embedded on diagonals

  constexpr void append(const label_list& t) {
    for (int i = 0; i < t.size; ++i) {
      text[size++] = t.labels[i];
    }
  }
};

/// The gradient of `s` (validated, '...' expanded, output as written) with respect to operand k.
constexpr gradient_form gradient_of(const subscript& s, int k) {
  gradient_form f{};
  label_set elsewhere = set_of(s.output);
  f.append(s.output);
  for (int j = 0; j < s.num_operands; ++j) {
    if (j != k) {
      elsewhere |= set_of(s.operands[j]);
      f.text[f.size++] = ',';
      f.append(s.operands[j]);
    }
  }
  f.text[f.size++] = '-';
  f.text[f.size++] = '>';
  const label_list& t = s.operands[k];
  for (int i = 0; i < t.size; ++i) {
    const char label = t.labels[i];
    if (t.find(label) != i) {
      f.repeats = true;
      continue;
    }
    f.distinct.push_back(label);
    if ((elsewhere & set_of(label)) == 0) {
      f.lonely |= set_of(label);
    } else {
      f.text[f.size++] = label;
    }
  }
  return f;
}

/// A subscript as text, built from label lists: the steps of a gradient tree.
struct subscript_chars {
  static constexpr int max_text = 3 * (max_labels + 1) + 2;
  char text[max_text + 1] = {};
  int size = 0;

  constexpr void append(const label_list& t) {
    for (int i = 0; i < t.size; ++i) {
      text[size++] = t.labels[i];
    }
  }
};

/// `...->out` as text: the arrow and the output after the operands `c` holds.
constexpr subscript_chars with_output(subscript_chars c, const label_list& out) {
  c.text[c.size++] = '-';
  c.text[c.size++] = '>';
  c.append(out);
  return c;
}

/// `a->out` as text.
constexpr subscript_chars text_of(const label_list& a, const label_list& out) {
  subscript_chars c{};
  c.append(a);
  return with_output(c, out);
}

/// `a,b->out` as text. No pointer for an absent b: GCC 12's sanitizers make comparing the address
/// of a static member's element with null non-constant.
constexpr subscript_chars text_of(const label_list& a, const label_list& b, const label_list& out) {
  subscript_chars c{};
  c.append(a);
  c.text[c.size++] = ',';
  c.append(b);
  return with_output(c, out);
}

/// The forward contraction tree of a subscript along a path, for the backward pass of all
/// gradients at once: node k < n is operand k, node n + s the result of step s, which contracts
/// nodes lhs[s] and rhs[s]. A step keeps the labels that a later operand or the output needs, in
/// order of first appearance; the root (the last node) holds the output's labels, each once.
struct gradient_tree {
  int num_operands = 0;
  int num_steps = 0;
  label_list labels[2 * max_operands - 1] = {}; // each node's subscript
  int lhs[max_operands] = {};
  int rhs[max_operands] = {};

  constexpr int root() const { return num_operands + num_steps - 1; }
  /// Step s as the subscript `lhs,rhs->result`.
  constexpr subscript_chars step_text(int s) const {
    return text_of(labels[lhs[s]], labels[rhs[s]], labels[num_operands + s]);
  }
};

/// The tree of `s` (validated, '...' expanded, output as written) along `path`. `order[s]`, when
/// it holds step s's labels, is the order step s writes them in (the forward plan's layout, which
/// its GEMMs read in place); else (empty) they come in order of first appearance.
constexpr gradient_tree tree_of(const subscript& s, const contraction_path& path,
                                const label_list (&order)[max_operands]) {
  gradient_tree t{};
  for (label_list& l : t.labels) {
    l = label_list{}; // one by one: see parse() on GCC 12's shared array initialiser
  }
  t.num_operands = s.num_operands;
  t.num_steps = path.num_steps;
  int list[max_operands] = {};
  for (int k = 0; k < s.num_operands; ++k) {
    t.labels[k] = s.operands[k];
    list[k] = k;
  }
  walk(path, list, s.num_operands, [&](int st, int a, int b, const int* rest, int count) {
    label_set needed = set_of(s.output);
    for (int r = 0; r < count; ++r) {
      needed |= set_of(t.labels[rest[r]]);
    }
    label_list out{};
    for (const label_list* from : {&t.labels[a], &t.labels[b]}) {
      for (int i = 0; i < from->size; ++i) {
        const char label = from->labels[i];
        if ((needed & set_of(label)) != 0 && !out.contains(label)) {
          out.push_back(label);
        }
      }
    }
    const int node = s.num_operands + st;
    const bool planned = order[st].size == out.size && set_of(order[st]) == set_of(out);
    t.labels[node] = planned ? order[st] : out;
    t.lhs[st] = a;
    t.rhs[st] = b;
    return node;
  });
  return t;
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_PLAN_GRADIENT_HPP
