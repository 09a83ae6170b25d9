// eigen-einsum lowering: the per-call driver behind the public einsum and einsum_path: the one
// error for a mistake, the extent check, then the lowered plan.
#ifndef EIGEN_EINSUM_LOWER_DRIVER_HPP
#define EIGEN_EINSUM_LOWER_DRIVER_HPP

#include "../ops/alias_guard.hpp"
#include "../ops/diagonal_embedding.hpp"
#include "../plan/extents.hpp"
#include "../plan/report.hpp"
#include "compiled.hpp"
#include "lower.hpp"
#include "operands.hpp"
#include "raise_error.hpp"

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

namespace eigen_einsum::detail {

/// Stands in for the result after a compile error, so that no second error follows.
struct invalid_einsum {
  template <class T>
  operator T() const;
};

template <class X>
operand_t<X> by_value(X&& x) {
  return operand_t<X>(std::forward<X>(x));
}

/// Tensor and TensorFixedSize own their memory: an rvalue one cannot alias the destination.
template <class X>
inline constexpr bool owns_memory = is_resizable_tensor<X>::value || static_extents<X>::known;

/// `x` embedded on the diagonals of the call C's output subscript as written (`i->ii`).
template <class C, class X, std::size_t... O>
auto embed_output(const X& x, std::index_sequence<O...>) {
  return embed_diagonal<C::expanded.output.find(C::written.output.labels[O])...>(x);
}

/// The lazy, unguarded result of the call C (a compiled<> without errors) for extents `extent`:
/// the plan's result, embedded on the output's diagonals where an output label repeats. For an
/// identity subscript the operand itself, by reference.
template <class C, class... Ops>
EIGEN_ALWAYS_INLINE decltype(auto) lower_call(const label_extents& extent, const Ops&... ops) {
  constexpr const node& root = C::template candidate<0>::value.root();
  constexpr auto written_axes = std::make_index_sequence<std::size_t(C::written.output.size)>{};
  if constexpr (root.kind == node_kind::operand && root.num_steps == 0) {
    const auto& x = std::get<0>(std::forward_as_tuple(ops...));
    if constexpr (C::embeds) {
      return embed_output<C>(x, written_axes); // `i->ii`: i read in place
    } else {
      return x;
    }
  } else {
    auto r = lower_alternatives<C>(std::forward_as_tuple(ops...), extent,
                                   std::make_index_sequence<std::size_t(C::num_alternatives)>{});
    if constexpr (C::embeds) {
      return embed_output<C>(r, written_axes); // nests r by value
    } else {
      return r;
    }
  }
}

// Always inlined: out of line, GCC returns the guarded expression through memory (5 ns a call).
template <class Text, class Option, class... Ops>
EIGEN_ALWAYS_INLINE decltype(auto) einsum(Ops&&... ops) {
  using c = compiled<Text, Option, operand_t<Ops>...>;
  if constexpr (!c::ok) {
    raise_error<c::check, c::parsed>();
    return invalid_einsum{};
  } else {
    const label_extents extent = check_extents(c::expanded, Text::value, extents_of(ops)...);
    constexpr const node& root = c::template candidate<0>::value.root();
    constexpr bool identity = root.kind == node_kind::operand && root.num_steps == 0 && !c::embeds;
    if constexpr (identity &&
                  ((std::is_rvalue_reference_v<Ops&&> && owns_memory<operand_t<Ops>>)&&...)) {
      return by_value(std::forward<Ops>(ops)...); // a temporary Tensor: nothing else reads it
    } else if constexpr (identity) {
      // The operand itself, guarded: `d = einsum<"ij->ij">(a)` where d overlaps a.
      const auto& x = std::get<0>(std::forward_as_tuple(ops...));
      return guard_aliasing(x, output_dimensions<c>(extent), ops...);
    } else {
      return guard_aliasing(lower_call<c>(extent, ops...), result_dimensions<c>(extent), ops...);
    }
  }
}

template <class Text, class Option, class... Ops>
path_info einsum_path(const Ops&... ops) {
  using c = compiled<Text, Option, operand_t<Ops>...>;
  raise_error<c::check, c::parsed>(); // nothing when the call is correct
  if constexpr (c::ok) {
    const label_extents extent = check_extents(c::expanded, Text::value, extents_of(ops)...);
    const contraction_path& path = c::candidates.paths[chosen_path<c>(extent)];
    path_info info = describe(c::expanded, path, extent, c::candidates.count);
    operand_layouts layouts{};
    layouts.row_major = c::facts.row_major;
    for (int k = 0; k < c::num_operands; ++k) {
      layouts.raw[k] = c::operand_raw[k];
    }
    layouts.scalar_bytes =
        int(sizeof(typename std::tuple_element_t<0, std::tuple<operand_t<Ops>...>>::Scalar));
    add_layouts(info, make_plan<c::max_nodes>(c::unbroadcast, c::facts.row_major, path), extent,
                layouts);
    return info;
  }
  return path_info{};
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_LOWER_DRIVER_HPP
