// eigen-einsum lowering: a plan -> the Eigen expression tree (products, our batched contraction,
// and each node's unary steps), and the per-call choice among a call's plans.
#ifndef EIGEN_EINSUM_LOWER_LOWER_HPP
#define EIGEN_EINSUM_LOWER_LOWER_HPP

#include "../ops/batch_contraction.hpp"
#include "../ops/choice.hpp"
#include "../ops/tensor.hpp"
#include "../plan/extents.hpp"
#include "../plan/path.hpp"
#include "../plan/plan.hpp"
#include "operands.hpp"
#include "steps.hpp"

#include <cstddef>
#include <cstdint>
#include <tuple>
#include <utility>

namespace eigen_einsum::detail {

/// The batched contraction of node N of plan P, as a type.
template <class P, int N>
struct batch_spec {
  static constexpr const batch_contraction_spec& value = P::value.nodes[N].batch;
  static_assert(value.lhs_rank <= batch_max_rank && value.rhs_rank <= batch_max_rank,
                "einsum: a batched contraction supports operands of rank 16 at most");
};

/// Lowers node N of plan P over the operands `ops`. A leaf without steps is the operand itself.
template <class P, int N, class Ops>
decltype(auto) lower_node(const Ops& ops, const label_extents& extent) {
  constexpr const node& n = P::value.nodes[N];
  if constexpr (n.kind == node_kind::operand) {
    const auto& x = std::get<n.operand>(ops);
    if constexpr (n.num_steps == 0) {
      return x;
    } else {
      return apply_steps<P, N, 0>(x, extent);
    }
  } else {
    decltype(auto) l = lower_node<P, n.lhs>(ops, extent);
    decltype(auto) r = lower_node<P, n.rhs>(ops, extent);
    if constexpr (n.kind == node_kind::product) {
      return apply_steps<P, N, 0>(l * r, extent);
    } else {
      return apply_steps<P, N, 0>(batch_contract<batch_spec<P, N>>(l, r), extent);
    }
  }
}

/// Alternative K of the call C (a compiled<>), lowered.
template <class C, int K, class Tuple>
auto lower_alternative(const Tuple& ops, const label_extents& extent) {
  using P = typename C::template alternative<K>;
  return lower_node<P, P::value.num_nodes - 1>(ops, extent);
}

template <class C, std::size_t... K>
int choose_candidate(const label_extents& extent, std::index_sequence<K...>) {
  if constexpr ((copies_nothing(C::template copies<int(K)>::value) && ...)) {
    return choose_path(C::candidates, C::sets, extent, C::option::limit); // FLOPs decide
  } else {
    const double copy_costs[] = {copy_flops(C::template copies<int(K)>::value, extent)...};
    return choose_path(C::candidates, C::sets, extent, C::option::limit, copy_costs);
  }
}

/// The extents a thread last chose a path for, with the candidate it chose: -1 before the first.
template <std::size_t N>
struct last_choice {
  std::int64_t extent[N];
  int chosen;
};

/// The candidate path einsum takes for these extents (the call C, a compiled<>): the fewest FLOPs
/// plus copies among those that fit the memory limit. Each thread remembers its last extents and
/// choice per call: einsum in a loop asks again with the same extents, and pricing every
/// candidate costs a 0.4 us einsum 15% of its time.
template <class C>
EIGEN_ALWAYS_INLINE int chosen_path(const label_extents& extent) {
  if constexpr (C::candidates.count > 1) {
    static constexpr auto slots = slots_of<C::sets.all()>();
    // Constant-initialised: read without a guard.
    static thread_local last_choice<slots.size()> last = {{}, -1};
    bool same = last.chosen >= 0;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      same &= last.extent[i] == extent.of[slots[i]];
    }
    if (EIGEN_PREDICT_TRUE(same)) {
      return last.chosen;
    }
    const int chosen =
        choose_candidate<C>(extent, std::make_index_sequence<std::size_t(C::candidates.count)>{});
    for (std::size_t i = 0; i < slots.size(); ++i) {
      last.extent[i] = extent.of[slots[i]];
    }
    last.chosen = chosen;
    return chosen;
  } else {
    return 0;
  }
}

/// The alternative einsum evaluates for these extents: -1 (zeros) when an extent is 0, else the
/// chosen path, planned with broadcasts when an extent 1 under '...' repeats.
template <class C>
EIGEN_ALWAYS_INLINE int choose_alternative(const label_extents& extent) {
  if (extent.zero) {
    return -1;
  }
  return chosen_path<C>(extent) + (C::may_broadcast && extent.broadcasts ? C::candidates.count : 0);
}

/// The extents of the result of the call C (a compiled<>).
template <class C>
EIGEN_ALWAYS_INLINE Eigen::DSizes<Index, C::expanded.output.size>
output_dimensions(const label_extents& extent) {
  constexpr const label_list& out = C::expanded.output;
  Eigen::DSizes<Index, out.size> dimensions;
  for (int i = 0; i < out.size; ++i) {
    dimensions[i] = extent[out.labels[i]];
  }
  return dimensions;
}

/// The extents of the result of the call C as written, a repeated output label included.
template <class C>
EIGEN_ALWAYS_INLINE Eigen::DSizes<Index, C::written.output.size>
result_dimensions(const label_extents& extent) {
  constexpr const label_list& out = C::written.output;
  Eigen::DSizes<Index, out.size> dimensions;
  for (int i = 0; i < out.size; ++i) {
    dimensions[i] = extent[out.labels[i]];
  }
  return dimensions;
}

/// The einsum expression: the one plan, or a TensorChoiceOp over the alternatives, guarding
/// against zero extents where the plan's Eigen ops would fail on them.
template <class C, class Tuple, std::size_t... K>
EIGEN_ALWAYS_INLINE auto lower_alternatives(const Tuple& ops, const label_extents& extent,
                                            std::index_sequence<K...>) {
  if constexpr (sizeof...(K) == 1 && !C::guard_zeros) {
    return lower_alternative<C, 0>(ops, extent);
  } else {
    using choice = TensorChoiceOp<decltype(lower_alternative<C, int(K)>(ops, extent))...>;
    return choice(choose_alternative<C>(extent), output_dimensions<C>(extent), build_alternatives,
                  [&](auto k) { return lower_alternative<C, decltype(k)::value>(ops, extent); });
  }
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_LOWER_LOWER_HPP
