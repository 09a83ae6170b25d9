// eigen-einsum: numpy's einsum for Eigen tensors, planned at compile time, returning a lazy Eigen
// expression. This is the public API; it includes the pipeline stages.
#ifndef EIGEN_EINSUM_EINSUM_HPP
#define EIGEN_EINSUM_EINSUM_HPP

#include "config.hpp"
#include "detail/fixed_string.hpp"
#include "diagnostics.hpp"
#include "lower.hpp"
#include "parse.hpp"
#include "path.hpp"
#include "path_choice.hpp"
#include "plan.hpp"
#include "report.hpp"
#include "validate.hpp"

#include <array>
#include <tuple>
#include <type_traits>
#include <utility>

namespace eigen_einsum {

/// An explicit contraction order, numpy's einsum_path format flattened: `path<1, 2, 0, 1>`
/// contracts operands 1 and 2, then operand 0 with that result (appended at the end).
template <int... Positions>
struct path {};

/// Keeps every intermediate within N elements (numpy's and opt_einsum's memory_limit).
template <long long N>
struct memory_limit {};

/// No option: the cheapest order, intermediates within the largest operand or output (numpy).
struct default_options {};

namespace detail {

/// The subscript text as a type, whichever spelling the user chose.
#if EIGEN_EINSUM_HAS_STRING_LITERAL_SUBSCRIPT
template <fixed_string S>
struct subscript_text {
  static constexpr auto value = S;
};
#else
template <const auto& S>
struct subscript_text {
  static constexpr const auto& value = S;
};
#endif

template <class X>
using operand_t = std::remove_cv_t<std::remove_reference_t<X>>;

template <class X>
using scalar_of = typename Eigen::internal::traits<operand_t<X>>::Scalar;

template <class X>
inline constexpr int rank_of = Eigen::internal::traits<operand_t<X>>::NumDimensions;

template <class X>
inline constexpr int layout_of = Eigen::internal::traits<operand_t<X>>::Layout;

template <class First, class... Rest>
constexpr operand_facts facts_of() {
  operand_facts f{};
  f.count = 1 + static_cast<int>(sizeof...(Rest));
  f.row_major = layout_of<First> == Eigen::RowMajor;
  const int ranks[] = {rank_of<First>, rank_of<Rest>...};
  const bool scalars[] = {true, std::is_same_v<scalar_of<First>, scalar_of<Rest>>...};
  const bool layouts[] = {true, layout_of<First> == layout_of<Rest>...};
  for (int k = 0; k < f.count && k < max_operands; ++k) {
    f.rank[k] = ranks[k];
    f.same_scalar[k] = scalars[k];
    f.same_layout[k] = layouts[k];
  }
  return f;
}

/// The extents of an operand type when they are known at compile time (TensorFixedSize).
template <class X>
struct static_extents {
  static constexpr bool known = false;
  static constexpr std::array<Index, 1> value{};
};
template <class S, std::ptrdiff_t... D, int O, class I>
struct static_extents<Eigen::TensorFixedSize<S, Eigen::Sizes<D...>, O, I>> {
  static constexpr bool known = true;
  static constexpr std::array<Index, sizeof...(D) == 0 ? 1 : sizeof...(D)> value{D...};
};
template <class S, std::ptrdiff_t... D, int O, class I, int MO, template <class> class MP>
struct static_extents<Eigen::TensorMap<Eigen::TensorFixedSize<S, Eigen::Sizes<D...>, O, I>, MO, MP>>
    : static_extents<Eigen::TensorFixedSize<S, Eigen::Sizes<D...>, O, I>> {};
template <class X>
struct static_extents<const X> : static_extents<X> {};

template <class Option>
struct option_traits {
  static constexpr double limit = -1;
  static constexpr bool explicit_path = false;
  static constexpr contraction_path path{};
};
template <long long N>
struct option_traits<memory_limit<N>> : option_traits<void> {
  static constexpr double limit = static_cast<double>(N);
};
template <int... P>
struct option_traits<path<P...>> : option_traits<void> {
  static constexpr bool explicit_path = true;
  static constexpr contraction_path make() {
    contraction_path c{};
    const int flat[] = {P..., 0};
    for (std::size_t i = 0; i + 1 < sizeof(flat) / sizeof(int); i += 2) {
      c.pairs[c.num_steps][0] = flat[i];
      c.pairs[c.num_steps++][1] = flat[i + 1];
    }
    return c;
  }
  static constexpr contraction_path path = make();
};

/// Everything einsum knows at compile time about one call: parse, validate, the candidate
/// contraction orders, and a plan for each.
template <class Text, class Option, class... Ops>
struct compiled {
  using option = option_traits<Option>;
  static constexpr subscript parsed = parse(Text::value.data(), Text::value.size());
  static constexpr operand_facts facts = facts_of<Ops...>();
  static constexpr validation check =
      validate(parsed, facts, option::explicit_path ? &option::path : nullptr);
  static constexpr bool ok = check.kind == error_kind::none;
  /// The subscript with each '...' replaced by labels; what every later stage works on.
  static constexpr subscript expanded = ok ? expand_ellipsis(parsed, facts) : parsed;
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
        // Under '...' an extent of 1 broadcasts to the others: the largest is the label's.
        double& to = x.of[label_bit(expanded.operands[k].labels[i])];
        to = static_cast<double>(dims[i]) > to ? static_cast<double>(dims[i]) : to;
      }
      ++k;
    };
    (add(static_extents<Ops>::value), ...);
    return x;
  }

  static constexpr path_candidates make_candidates() {
    path_candidates c{};
    if (!ok) {
      c.add(contraction_path{});
    } else if (option::explicit_path) {
      c.add(option::path);
    } else if (num_operands <= 2) {
      c.add(left_to_right(num_operands));
    } else if constexpr (all_static) {
      c.add(best_path(sets, static_sizes(), option::limit));
    } else {
      c = candidates_of(sets);
    }
    return c;
  }
  static constexpr path_candidates candidates = make_candidates();

  static constexpr std::array<path_cost, max_path_candidates> make_step_labels() {
    std::array<path_cost, max_path_candidates> steps{};
    for (int k = 0; k < candidates.count; ++k) {
      steps[static_cast<std::size_t>(k)] = cost_of(sets, candidates.paths[k], label_sizes{});
    }
    return steps;
  }
  /// Each candidate's steps as label sets, for the per-call choice.
  static constexpr std::array<path_cost, max_path_candidates> step_labels = make_step_labels();

  /// Whether a dimension under '...' may broadcast: then each path is planned twice, with the
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
    static constexpr int root = value.num_nodes - 1;
  };

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
  /// Every (path, broadcast or not) pair einsum may choose among.
  static constexpr int num_alternatives = candidates.count * (may_broadcast ? 2 : 1);

  template <std::size_t... K>
  static constexpr bool any_hazard(std::index_sequence<K...>) {
    return (zero_extent_hazard(
                candidate<int(K) % candidates.count, (int(K) >= candidates.count)>::value) ||
            ...);
  }
  /// Whether a zero extent needs the guard: the result is then zeros (or empty) without
  /// evaluating the plan, whose Eigen ops may fail on it (see zero_extent_hazard).
  static constexpr bool guard_zeros =
      ok && (!all_static || any_static_zero()) &&
      any_hazard(std::make_index_sequence<std::size_t(num_alternatives)>{});
};

template <class X>
operand_t<X> by_value(X&& x) {
  return operand_t<X>(std::forward<X>(x));
}

/// Stands in for the result after a compile error, so that no second error follows.
struct invalid_einsum {
  template <class T>
  operator T() const;
};

/// The FLOP weights of the labels for these run-time extents.
inline label_sizes sizes_of(const label_extents& extent) {
  label_sizes x{};
  for (int b = 0; b < 52; ++b) {
    x.of[b] = static_cast<double>(extent.of[b]);
  }
  return x;
}

/// The candidate path einsum takes for these extents: the fewest FLOPs among those whose
/// intermediates fit in the memory limit (numpy's default: the largest operand or output).
template <class C>
int chosen_path(const label_extents& extent) {
  if constexpr (C::candidates.count == 1) {
    (void)extent;
    return 0;
  } else {
    double limit = C::option::limit;
    if (limit < 0) {
      limit = size_of(C::sets.output, extent);
      for (int k = 0; k < C::sets.count; ++k) {
        limit = size_of(C::sets.operand[k], extent) > limit ? size_of(C::sets.operand[k], extent)
                                                            : limit;
      }
    }
    int best = 0;
    bool best_fits = false;
    double best_flops = 0;
    for (int k = 0; k < C::candidates.count; ++k) {
      // The steps' label sets are fixed at compile time; only their extents vary per call.
      const path_cost& steps = C::step_labels[k];
      double flops = 0, largest = 0;
      for (int st = 0; st < steps.num_steps; ++st) {
        flops += size_of(steps.involved[st], extent) * (steps.inner[st] ? 2 : 1);
        const double size = size_of(steps.result[st], extent);
        largest = size > largest ? size : largest;
      }
      const bool fits = largest <= limit;
      if (k == 0 || (fits && !best_fits) || (fits == best_fits && flops < best_flops)) {
        best = k;
        best_fits = fits;
        best_flops = flops;
      }
    }
    return best;
  }
}

template <class C, int K, class Tuple>
auto lower_candidate(const Tuple& ops, const label_extents& extent) {
  constexpr int path = K % C::candidates.count;
  constexpr bool broadcast = K >= C::candidates.count;
  using P = typename C::template candidate<path, broadcast>;
  return lower_node<P, P::root>(ops, extent);
}

/// The einsum expression: the one plan, or a TensorPathChoiceOp over the candidate paths, each
/// also planned with broadcasts under '...' when those may be needed, and guarding against zero
/// extents where the plan's Eigen ops would fail on them.
template <class C, class Tuple, std::size_t... K>
auto lower_candidates(const Tuple& ops, const label_extents& extent, std::index_sequence<K...>) {
  if constexpr (sizeof...(K) == 1 && !C::guard_zeros) {
    return lower_candidate<C, 0>(ops, extent);
  } else {
    constexpr int rank = C::expanded.output.size;
    Eigen::DSizes<Index, rank> dimensions;
    for (int i = 0; i < rank; ++i) {
      dimensions[i] = extent[C::expanded.output.labels[i]];
    }
    // Any label of extent 0 makes the result zeros (summed) or empty (kept): choice -1.
    const int choice = extent.zero
                           ? -1
                           : chosen_path<C>(extent) +
                                 (C::may_broadcast && extent.broadcasts ? C::candidates.count : 0);
    return TensorPathChoiceOp<decltype(lower_candidate<C, int(K)>(ops, extent))...>(
        choice, dimensions, lower_candidate<C, int(K)>(ops, extent)...);
  }
}

template <class Text, class Option, class... Ops>
decltype(auto) einsum(Ops&&... ops) {
  using c = compiled<Text, Option, operand_t<Ops>...>;
  if constexpr (!c::ok) {
    raise_error<c>();
    return invalid_einsum{};
  } else {
    const label_extents extent = check_extents(c::expanded, extents_of(ops)...);
    using first = typename c::template candidate<0>;
    constexpr const node& root = first::value.nodes[first::root];
    if constexpr (root.kind == node_kind::operand && root.num_steps == 0) {
      // The identity: the operand itself, by reference when the caller holds it.
      if constexpr ((std::is_lvalue_reference_v<Ops> && ...)) {
        const auto& x = std::get<0>(std::forward_as_tuple(ops...));
        return x;
      } else {
        return by_value(std::forward<Ops>(ops)...);
      }
    } else {
      return lower_candidates<c>(std::forward_as_tuple(ops...), extent,
                                 std::make_index_sequence<std::size_t(c::num_alternatives)>{});
    }
  }
}

/// What einsum_path reports: numpy's einsum_path figures for the path einsum takes.
template <class Text, class Option, class... Ops>
path_info einsum_path(const Ops&... ops) {
  using c = compiled<Text, Option, operand_t<Ops>...>;
  if constexpr (!c::ok) {
    raise_error<c>();
    return path_info{};
  } else {
    const label_extents extent = check_extents(c::expanded, extents_of(ops)...);
    const contraction_path& p = c::candidates.paths[chosen_path<c>(extent)];
    return describe(c::expanded, p, sizes_of(extent), c::candidates.count);
  }
}

} // namespace detail

#if EIGEN_EINSUM_HAS_STRING_LITERAL_SUBSCRIPT
/// Einstein summation over Eigen tensor expressions, as numpy.einsum, planned at compile time.
///
///   Eigen::Tensor<float, 2> c = eigen_einsum::einsum<"ij,jk->ik">(a, b);
///   Eigen::Tensor<float, 2> d = eigen_einsum::einsum<"ij,jk,kl->il">(a, b, c);
///
/// Returns a lazy Eigen tensor expression (the operand itself for an identity subscript). With
/// three or more operands the contraction order has the fewest FLOPs (numpy's cost model): chosen
/// at compile time for TensorFixedSize operands, else at run time among a few orders fixed at
/// compile time. `Option` is eigen_einsum::path<...> (an explicit order) or memory_limit<N>.
/// Subscripts follow numpy (doc/semantics.md), `...` included: `einsum<"...ij,...jk->...ik">`
/// broadcasts extent-1 dimensions under `...`.
/// Compile errors start with `einsum:` for a malformed subscript, a wrong number of operands, a
/// subscript length that differs from an operand's rank, an output label in no operand
/// subscript, mixed scalar types or layouts, or an invalid explicit path. Throws shape_error when
/// a label's extents differ, or dimensions under `...` neither agree nor are 1.
template <fixed_string Subscript, class Option = default_options, class... Ops>
decltype(auto) einsum(Ops&&... ops) {
  return detail::einsum<detail::subscript_text<Subscript>, Option>(std::forward<Ops>(ops)...);
}

/// The contraction order einsum takes for these operands, with numpy's einsum_path figures.
///
///   std::cout << eigen_einsum::einsum_path<"ij,jk,kl->il">(a, b, c);
///
/// Raises the same errors as einsum.
template <fixed_string Subscript, class Option = default_options, class... Ops>
path_info einsum_path(const Ops&... ops) {
  return detail::einsum_path<detail::subscript_text<Subscript>, Option>(ops...);
}
#else
/// Einstein summation over Eigen tensor expressions, as numpy.einsum, planned at compile time.
///
///   static constexpr eigen_einsum::fixed_string matmul{"ij,jk->ik"};  // namespace scope
///   Eigen::Tensor<float, 2> c = eigen_einsum::einsum<matmul>(a, b);
///
/// See the C++20 overload for the result, the options and the errors.
template <const auto& Subscript, class Option = default_options, class... Ops>
decltype(auto) einsum(Ops&&... ops) {
  return detail::einsum<detail::subscript_text<Subscript>, Option>(std::forward<Ops>(ops)...);
}

/// The contraction order einsum takes for these operands, with numpy's einsum_path figures.
template <const auto& Subscript, class Option = default_options, class... Ops>
path_info einsum_path(const Ops&... ops) {
  return detail::einsum_path<detail::subscript_text<Subscript>, Option>(ops...);
}
#endif

} // namespace eigen_einsum

#endif // EIGEN_EINSUM_EINSUM_HPP
