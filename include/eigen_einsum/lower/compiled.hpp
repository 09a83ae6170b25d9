// eigen-einsum lowering: everything einsum knows at compile time about one call (the subscript
// parsed and validated, the candidate contraction orders, a plan for each), as a type.
#ifndef EIGEN_EINSUM_LOWER_COMPILED_HPP
#define EIGEN_EINSUM_LOWER_COMPILED_HPP

#include "../options.hpp"
#include "../plan/contraction_path.hpp"
#include "../plan/cost.hpp"
#include "../plan/ellipsis.hpp"
#include "../plan/parse.hpp"
#include "../plan/path.hpp"
#include "../plan/plan.hpp"
#include "../plan/validate.hpp"
#include "operands.hpp"

#include <cstddef>
#include <utility>

namespace eigen_einsum::detail {

/// What an option type says: a memory limit, an explicit path, numpy's broadcasting, or several.
template <class Option>
struct option_traits {
  static constexpr double limit = -1;
  static constexpr bool explicit_path = false;
  static constexpr contraction_path path{};
  static constexpr bool numpy_broadcasting = false;
};
template <>
struct option_traits<eigen_einsum::numpy_broadcasting> : option_traits<void> {
  static constexpr bool numpy_broadcasting = true;
};
template <long long N>
struct option_traits<memory_limit<N>> : option_traits<void> {
  static constexpr double limit = static_cast<double>(N);
};
template <int... P>
struct option_traits<eigen_einsum::path<P...>> : option_traits<void> {
  static constexpr bool explicit_path = true;
  static constexpr contraction_path make() {
    contraction_path c{};
    const int flat[] = {P..., 0};
    for (std::size_t i = 0; i + 1 < sizeof(flat) / sizeof(int); i += 2) {
      c.add(flat[i], flat[i + 1]);
    }
    return c;
  }
  static constexpr contraction_path path = make();
};
template <class... Options>
struct option_traits<options<Options...>> {
  static constexpr double choose_limit() {
    double l = -1;
    ((l = option_traits<Options>::limit >= 0 ? option_traits<Options>::limit : l), ...);
    return l;
  }
  static constexpr double limit = choose_limit();
  static constexpr bool explicit_path = (option_traits<Options>::explicit_path || ...);
  static constexpr contraction_path choose_path() {
    contraction_path c{};
    ((c = option_traits<Options>::explicit_path ? option_traits<Options>::path : c), ...);
    return c;
  }
  static constexpr contraction_path path = choose_path();
  static constexpr bool numpy_broadcasting = (option_traits<Options>::numpy_broadcasting || ...);
};

/// One call's compile-time knowledge: `Text` is a subscript_text, `Ops` the operand types.
template <class Text, class Option, class... Ops>
struct compiled {
  using option = option_traits<Option>;
  static constexpr subscript parsed = parse(Text::value, Text::size);
  static constexpr operand_facts facts = facts_of<Ops...>();
  static constexpr validation check =
      option::explicit_path ? validate(parsed, facts, option::path) : validate(parsed, facts);
  static constexpr bool ok = check.kind == error_kind::none;
  /// The subscript with each '...' replaced by labels, its output labels as written.
  static constexpr subscript written =
      !ok                          ? parsed
      : option::numpy_broadcasting ? with_numpy_broadcasting(expand_ellipsis(parsed, facts.rank))
                                   : expand_ellipsis(parsed, facts.rank);
  /// `written` with each output label once: what every later stage works on.
  static constexpr subscript expanded = with_distinct_output(written);
  /// Whether an output label repeats (`i->ii`): the plan's result is then embedded on a diagonal.
  static constexpr bool embeds = written.output.size != expanded.output.size;
  static constexpr int num_operands = static_cast<int>(sizeof...(Ops));
  static constexpr int max_nodes = 2 * num_operands - 1;
  static constexpr label_sets sets = sets_of(expanded);
  static constexpr bool all_static = (static_extents<Ops>::known && ...);

  /// The extents as FLOP weights, for operands whose extents are known at compile time.
  static constexpr label_sizes static_sizes() {
    label_sizes x{};
    int k = 0;
    auto add = [&](const auto& dims) {
      for (int i = 0; i < expanded.operands[k].size; ++i) {
        // An extent of 1 that broadcasts takes the others': the largest is the label's.
        double& to = x[expanded.operands[k].labels[i]];
        to = static_cast<double>(dims[i]) > to ? static_cast<double>(dims[i]) : to;
      }
      ++k;
    };
    (add(static_extents<Ops>::value), ...);
    return x;
  }

  /// For extents known at compile time, the path the per-call choice would take: the cheapest by
  /// FLOPs plus copies among the fewest-FLOPs path for these extents and the scenarios' paths.
  /// An order that copies nothing beats one that saves a few FLOPs and copies everything.
  static constexpr contraction_path static_choice() {
    const label_sizes x = static_sizes();
    path_candidates all{};
    all.add(best_path(sets, x, option::limit), sets);
    const path_candidates scenarios = candidates_of(sets);
    for (int k = 0; k < scenarios.count; ++k) {
      all.add(scenarios.paths[k], sets);
    }
    const bool raw[] = {
        bool(Eigen::TensorEvaluator<const Ops, Eigen::DefaultDevice>::RawAccess)...};
    double copy_costs[max_path_candidates] = {};
    for (int k = 0; k < all.count; ++k) {
      const plan<max_nodes> p =
          make_plan<max_nodes>(without_broadcast(expanded), facts.row_major, all.paths[k]);
      copy_costs[k] = copy_flops(copy_model_of(p, raw, facts.row_major), x);
    }
    return all.paths[choose_path(all, sets, x, option::limit, copy_costs)];
  }

  static constexpr path_candidates make_candidates() {
    path_candidates c{};
    if (!ok) {
      c.add(contraction_path{}, sets);
    } else if (option::explicit_path) {
      c.add(option::path, sets);
    } else if (num_operands <= 2) {
      c.add(left_to_right(num_operands), sets);
    } else if constexpr (all_static) {
      c.add(static_choice(), sets);
    } else {
      c = candidates_of(sets);
    }
    return c;
  }
  static constexpr path_candidates candidates = make_candidates();

  /// Whether a dimension may broadcast (under '...', or any under numpy_broadcasting): then each
  /// path is planned twice, with the
  /// broadcasts and without (Eigen's broadcast op costs 1.1-2.5x even where it repeats nothing).
  static constexpr bool may_broadcast = ok && detail::may_broadcast(expanded);
  static constexpr subscript unbroadcast = without_broadcast(expanded);

  /// The plan along candidate path K, with the broadcasts under '...' or without.
  template <int K, bool Broadcast = false>
  struct candidate {
    static constexpr plan<max_nodes> value =
        ok ? make_plan<max_nodes>(Broadcast ? expanded : unbroadcast, facts.row_major,
                                  candidates.paths[K])
           : plan<max_nodes>{};
  };

  /// Every (path, broadcast or not) pair einsum may choose among: alternative K is path
  /// K % candidates.count, with broadcasts when K >= candidates.count.
  static constexpr int num_alternatives = candidates.count * (may_broadcast ? 2 : 1);

  /// Whether each operand's memory can be read in place (a Tensor, TensorMap, TensorFixedSize).
  static constexpr bool operand_raw[] = {
      bool(Eigen::TensorEvaluator<const Ops, Eigen::DefaultDevice>::RawAccess)...};
  /// What candidate path K's plan copies, to price it per call (choose_path's copy_costs).
  template <int K>
  struct copies {
    static constexpr copy_model<max_nodes> value =
        ok ? copy_model_of(candidate<K>::value, operand_raw, facts.row_major)
           : copy_model<max_nodes>{};
  };
  template <int K>
  using alternative = candidate<K % candidates.count, (K >= candidates.count)>;

  static constexpr bool any_static_zero() {
    bool zero = false;
    auto check = [&](const auto& dims) {
      for (const auto d : dims) {
        zero = zero || d == 0;
      }
    };
    (check(static_extents<Ops>::value), ...);
    return zero;
  }

  template <std::size_t... K>
  static constexpr bool any_hazard(std::index_sequence<K...>) {
    return (zero_extent_hazard(alternative<int(K)>::value) || ...);
  }
  /// Whether a zero extent needs the guard: the result is then zeros (or empty) without
  /// evaluating the plan, whose Eigen ops may fail on it (see zero_extent_hazard).
  static constexpr bool guard_zeros =
      ok && (!all_static || any_static_zero()) &&
      any_hazard(std::make_index_sequence<std::size_t(num_alternatives)>{});
};

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_LOWER_COMPILED_HPP
