// eigen-einsum planner, stage 1: the subscript text -> a plain constexpr struct.
#ifndef EIGEN_EINSUM_PLAN_PARSE_HPP
#define EIGEN_EINSUM_PLAN_PARSE_HPP

#include "labels.hpp"

#include <cstddef>

namespace eigen_einsum::detail {

/// What is wrong with a subscript's text, if anything.
enum class parse_error_kind {
  none,
  invalid_character,  // a character that is no label, ',', '->', '...' or space
  malformed_arrow,    // '-' without '>', '>' without '-', or a second '->'
  malformed_ellipsis, // '.' not part of '...', or two ellipses in one operand subscript
  too_many_operands,  // more than max_operands operand subscripts
  too_many_labels     // an operand or output subscript longer than max_labels
};

struct parse_error {
  parse_error_kind kind = parse_error_kind::none;
  char label = 0;  // the offending character or label
  int operand = 0; // the operand subscript it is in (-1: the output subscript)
  int column = 0;  // its position in the subscript text
};

/// A parsed subscript: operand subscripts, the output subscript (explicit or implied), the first
/// error.
struct subscript {
  label_list operands[max_operands] = {};
  int num_operands = 0;
  label_list output = {};
  bool explicit_output = false;
  parse_error error = {};
  // Set by expand_ellipsis: the labels '...' became, outermost first.
  label_list ellipsis_labels = {};
  // The labels whose extent 1 broadcasts: those of '...', and all under numpy_broadcasting.
  label_set broadcasting = 0;
};

/// numpy's implicit output: the labels seen exactly once, in ASCII order (uppercase first),
/// after an ellipsis if any operand subscript has one.
constexpr label_list implicit_output(const subscript& s, bool any_ellipsis) {
  label_list output{};
  if (any_ellipsis) {
    output.ellipsis = 0;
  }
  for (int slot = 0; slot < num_letters; ++slot) {
    int seen = 0;
    for (int k = 0; k < s.num_operands; ++k) {
      seen += s.operands[k].count(label_at(slot));
    }
    if (seen == 1) {
      output.push_back(label_at(slot));
    }
  }
  return output;
}

/// The subscript with each output label once, at its first place: what the planner plans. A
/// repeated output label (`i->ii`) is then a diagonal embedding of that result.
constexpr subscript with_distinct_output(subscript s) {
  label_list distinct{};
  distinct.ellipsis = s.output.ellipsis;
  for (int i = 0; i < s.output.size; ++i) {
    if (s.output.find(s.output.labels[i]) == i) {
      distinct.push_back(s.output.labels[i]);
    }
  }
  s.output = distinct;
  return s;
}

/// Parses `text[0..n)` with numpy's rules. Implicit mode (no '->'): the output is the labels that
/// appear exactly once, in ASCII order (uppercase first), after an ellipsis if any operand has one.
constexpr subscript parse(const char* text, std::size_t n) {
  subscript s{};
  // Each operand subscript set one by one: GCC 12 evaluates `subscript{}`'s array of label_lists
  // as one shared range that a constant evaluation writing into it can corrupt for the next one
  // (a parse of "J...S,S...J,SS...J" failed after one of ",,j->j").
  for (label_list& t : s.operands) {
    t = label_list{};
  }
  auto fail = [&](parse_error_kind kind, char label, int operand, std::size_t column) {
    s.error = parse_error{kind, label, operand, static_cast<int>(column)};
    return s;
  };
  s.num_operands = 1;
  label_list* current = &s.operands[0];
  int operand = 0;
  bool any_ellipsis = false;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[i];
    if (c == ' ') {
      continue;
    }
    if (is_label(c)) {
      if (current->size == max_labels) {
        return fail(parse_error_kind::too_many_labels, c, operand, i);
      }
      current->push_back(c);
    } else if (c == ',') {
      if (s.explicit_output) {
        return fail(parse_error_kind::malformed_arrow, c, -1, i);
      }
      if (s.num_operands == max_operands) {
        return fail(parse_error_kind::too_many_operands, c, operand, i);
      }
      current = &s.operands[s.num_operands++];
      ++operand;
    } else if (c == '-' || c == '>') {
      const bool arrow = c == '-' && i + 1 < n && text[i + 1] == '>';
      if (!arrow || s.explicit_output) {
        return fail(parse_error_kind::malformed_arrow, c, operand, i);
      }
      s.explicit_output = true;
      current = &s.output;
      operand = -1;
      ++i;
    } else if (c == '.') {
      const bool dots = i + 2 < n && text[i + 1] == '.' && text[i + 2] == '.';
      if (!dots || current->ellipsis >= 0) {
        return fail(parse_error_kind::malformed_ellipsis, c, operand, i);
      }
      current->ellipsis = current->size;
      any_ellipsis = any_ellipsis || operand >= 0;
      i += 2;
    } else {
      return fail(parse_error_kind::invalid_character, c, operand, i);
    }
  }
  if (s.explicit_output) {
    return s; // a repeated output label is a diagonal embedding (our extension; numpy rejects it)
  }
  s.output = implicit_output(s, any_ellipsis);
  return s;
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_PLAN_PARSE_HPP
