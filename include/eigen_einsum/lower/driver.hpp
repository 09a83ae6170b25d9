// eigen-einsum lowering: the per-call driver behind the public einsum and einsum_path: the one
// error for a mistake, the extent check, then the lowered plan.
#ifndef EIGEN_EINSUM_LOWER_DRIVER_HPP
#define EIGEN_EINSUM_LOWER_DRIVER_HPP

#include "../plan/extents.hpp"
#include "../plan/report.hpp"
#include "compiled.hpp"
#include "lower.hpp"
#include "operands.hpp"
#include "raise_error.hpp"

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

template <class Text, class Option, class... Ops>
decltype(auto) einsum(Ops&&... ops) {
  using c = compiled<Text, Option, operand_t<Ops>...>;
  if constexpr (!c::ok) {
    raise_error<c::check, c::parsed>();
    return invalid_einsum{};
  } else {
    const label_extents extent = check_extents(c::expanded, extents_of(ops)...);
    constexpr const node& root = c::template candidate<0>::value.root();
    if constexpr (root.kind == node_kind::operand && root.num_steps == 0) {
      // The identity: the operand itself, by reference when the caller holds it.
      if constexpr ((std::is_lvalue_reference_v<Ops> && ...)) {
        const auto& x = std::get<0>(std::forward_as_tuple(ops...));
        return x;
      } else {
        return by_value(std::forward<Ops>(ops)...);
      }
    } else {
      return lower_alternatives<c>(std::forward_as_tuple(ops...), extent,
                                   std::make_index_sequence<std::size_t(c::num_alternatives)>{});
    }
  }
}

template <class Text, class Option, class... Ops>
path_info einsum_path(const Ops&... ops) {
  using c = compiled<Text, Option, operand_t<Ops>...>;
  raise_error<c::check, c::parsed>(); // nothing when the call is correct
  if constexpr (c::ok) {
    const label_extents extent = check_extents(c::expanded, extents_of(ops)...);
    const int chosen =
        c::candidates.count > 1 ? choose_path(c::candidates, c::sets, extent, c::option::limit) : 0;
    return describe(c::expanded, c::candidates.paths[chosen], extent, c::candidates.count);
  }
  return path_info{};
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_LOWER_DRIVER_HPP
