// eigen-einsum planner: the label vocabulary. A label is a letter; each letter has a slot
// ('A'-'Z' at 0-25, 'a'-'z' at 26-51), a set of labels is one bit per slot, and the labels of
// one operand subscript (or of the output subscript) are a label_list.
#ifndef EIGEN_EINSUM_PLAN_LABELS_HPP
#define EIGEN_EINSUM_PLAN_LABELS_HPP

#include "../config.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace eigen_einsum::detail {

/// The number of letters that can be labels: a-z and A-Z.
inline constexpr int num_letters = 52;
/// Most operand subscripts in one subscript.
inline constexpr int max_operands = 64;
/// Most labels in one operand subscript or the output subscript.
inline constexpr int max_labels = 32;

constexpr bool is_label(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/// The slot of a label: 'A'-'Z' are 0-25, 'a'-'z' 26-51 (ASCII order).
constexpr int slot_of(char label) {
  return label >= 'a' ? 26 + (label - 'a') : label - 'A';
}

/// The label in a slot.
constexpr char label_at(int slot) {
  return static_cast<char>(slot >= 26 ? 'a' + (slot - 26) : 'A' + slot);
}

/// A set of labels, one bit per slot.
using label_set = std::uint64_t;

constexpr label_set set_of(char label) {
  return label_set{1} << slot_of(label);
}

/// The number of labels in a set.
constexpr int popcount(label_set s) {
  int n = 0;
  for (; s != 0; s &= s - 1) {
    ++n;
  }
  return n;
}

/// The lowest slot in a non-empty set.
constexpr int lowest_slot(label_set s) {
#if EIGEN_EINSUM_HAS_BUILTIN_CTZ
  return __builtin_ctzll(s);
#else
  int slot = 0;
  for (; (s & 1) == 0; s >>= 1) {
    ++slot;
  }
  return slot;
#endif
}

/// The labels of one operand subscript or of the output subscript, in order, and where an
/// ellipsis stands in the text.
struct label_list {
  char labels[max_labels] = {};
  int size = 0;
  int ellipsis = -1; // labels[0..ellipsis) come before '...'; -1: no ellipsis

  constexpr int count(char label) const {
    int n = 0;
    for (int i = 0; i < size; ++i) {
      n += labels[i] == label;
    }
    return n;
  }
  constexpr int find(char label) const {
    for (int i = 0; i < size; ++i) {
      if (labels[i] == label) {
        return i;
      }
    }
    return -1;
  }
  constexpr bool contains(char label) const { return find(label) >= 0; }
  constexpr void push_back(char label) { labels[size++] = label; }
  /// The same labels in the same order (where an ellipsis stood is not compared).
  constexpr bool same_labels(const label_list& other) const {
    bool same = size == other.size;
    for (int i = 0; i < size && same; ++i) {
      same = labels[i] == other.labels[i];
    }
    return same;
  }
};

constexpr label_set set_of(const label_list& t) {
  label_set s = 0;
  for (int i = 0; i < t.size; ++i) {
    s |= set_of(t.labels[i]);
  }
  return s;
}

/// One value per label slot: extents, or extents as FLOP weights.
template <class T>
struct per_label {
  T of[num_letters] = {};

  constexpr T& operator[](char label) { return of[slot_of(label)]; }
  constexpr const T& operator[](char label) const { return of[slot_of(label)]; }
};

/// The slots of the labels in the set S, lowest first.
template <label_set S>
constexpr std::array<int, std::size_t(popcount(S))> slots_of() {
  std::array<int, std::size_t(popcount(S))> slots{};
  label_set s = S;
  for (std::size_t i = 0; s != 0; s &= s - 1) {
    slots[i++] = lowest_slot(s);
  }
  return slots;
}

/// The product of the values of the labels in `s`, as a double: FLOP counts of large networks
/// overflow 64-bit integers.
template <class T>
constexpr double size_of(label_set s, const per_label<T>& x) {
  double n = 1;
  for (; s != 0; s &= s - 1) {
    n *= static_cast<double>(x.of[lowest_slot(s)]);
  }
  return n;
}

/// The position of the axis that is k-th from the innermost in memory: ColMajor axes are
/// numbered from the innermost, RowMajor from the outermost. Its own inverse.
constexpr int memory_axis(int k, int rank, bool row_major) {
  return row_major ? rank - 1 - k : k;
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_PLAN_LABELS_HPP
