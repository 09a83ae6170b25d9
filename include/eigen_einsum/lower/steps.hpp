// eigen-einsum lowering: one unary step of a plan node (trace, diagonal, sum, shuffle, expand,
// broadcast, eval) -> the Eigen expression that performs it.
#ifndef EIGEN_EINSUM_LOWER_STEPS_HPP
#define EIGEN_EINSUM_LOWER_STEPS_HPP

#include "../ops/diagonal.hpp"
#include "../ops/permute.hpp"
#include "../ops/sum_to_middle.hpp"
#include "../ops/tensor.hpp"
#include "../plan/extents.hpp"
#include "../plan/plan.hpp"
#include "operands.hpp"

#include <array>
#include <cstddef>
#include <utility>

namespace eigen_einsum::detail {

/// Step S of node N of plan P.
template <class P, int N, int S>
inline constexpr const step& step_of = P::value.nodes[N].steps[S];

template <class P, int N, int S, std::size_t... I>
Eigen::IndexList<Eigen::type2index<step_of<P, N, S>.axes[I]>...>
index_list_of(std::index_sequence<I...>) {
  return {};
}

template <class P, int N, int S, std::size_t... I>
std::array<int, sizeof...(I)> shuffle_of(std::index_sequence<I...>) {
  return {step_of<P, N, S>.axes[I]...};
}

template <class P, int N, int S, class E, std::size_t... I>
auto diagonal_of(const E& e, std::index_sequence<I...>) {
  return diagonal<step_of<P, N, S>.axes[I]...>(e);
}

/// A trace step as a diagonal view: input axis i -> its axis in the view, where the traced
/// label's axes meet at the first of them (other repeated labels stay apart).
template <class P, int N, int S>
constexpr std::array<int, max_labels> trace_view_axes() {
  constexpr const step& s = step_of<P, N, S>;
  const label_list& from = P::value.nodes[N].before(S);
  std::array<int, max_labels> to{};
  for (int i = 0, next = 0; i < from.size; ++i) {
    const bool later = i != s.axes[0] && from.labels[i] == from.labels[s.axes[0]];
    to[std::size_t(i)] = later ? to[std::size_t(s.axes[0])] : next++;
  }
  return to;
}

/// Sums the traced label's diagonal away: the diagonal view, then Eigen's sum over its axis.
/// Eigen's own TensorTraceOp has no costPerCoeff, which ThreadPoolDevice needs.
template <class P, int N, int S, class E, std::size_t... I>
auto trace_of(const E& e, std::index_sequence<I...>) {
  constexpr std::array<int, max_labels> to = trace_view_axes<P, N, S>();
  constexpr int at = to[std::size_t(step_of<P, N, S>.axes[0])];
  return diagonal<to[I]...>(e).sum(Eigen::IndexList<Eigen::type2index<at>>());
}

template <class E>
inline constexpr bool is_col_major = Eigen::internal::traits<E>::Layout == Eigen::ColMajor;

/// Sums away the axes of `e` around its block of kept axes (sum_around_kept): `e` viewed in
/// memory order as an (innermost summed, kept, outermost summed) tensor, summed to its middle
/// axis in one pass; Eigen's reduction over outer axes strides through memory instead.
template <class P, int N, int S, class E>
auto sum_around_kept(const E& e, const label_extents& extent) {
  constexpr const step& s = step_of<P, N, S>;
  constexpr const label_list& from = P::value.nodes[N].before(S);
  Eigen::DSizes<Index, s.result.size> shape;
  Index innermost = 1, kept = 1, outermost = 1;
  bool kept_seen = false;
  for (int k = 0; k < from.size; ++k) {
    // Walk from the innermost axis outwards: summed axes before the kept block are innermost.
    const int i = memory_axis(k, from.size, !is_col_major<E>);
    const Index x = extent[from.labels[i]];
    const int j = s.result.find(from.labels[i]);
    if (j >= 0) {
      shape[j] = x;
      kept *= x;
      kept_seen = true;
    } else {
      (kept_seen ? outermost : innermost) *= x;
    }
  }
  const auto sums = sum_to_middle(
      e.reshape(is_col_major<E> ? Eigen::DSizes<Index, 3>(innermost, kept, outermost)
                                : Eigen::DSizes<Index, 3>(outermost, kept, innermost)));
  if constexpr (s.result.size == 1) {
    return sums;
  } else {
    return sums.reshape(shape);
  }
}

/// Broadcasts a rank-0 or rank-1 expression to the one label of the step's result. Eigen 3.4's
/// vectorised broadcast of a 1-D tensor of extent 1 reads past its strides (packetOneByNByOne)
/// and returns garbage in ColMajor: broadcast it as 2-D instead.
template <class P, int N, int S, class E>
auto broadcast_to_rank_1(const E& e, const label_extents& extent) {
  Index from = 1; // an expand to rank 1 starts from a rank-0 tensor
  if constexpr (Eigen::internal::traits<E>::NumDimensions == 1) {
    from = extents_of(e)[0];
  }
  const Index to = extent[step_of<P, N, S>.result.labels[0]];
  const std::array<Index, 2> factors{from == 1 ? to : 1, 1};
  return e.reshape(Eigen::DSizes<Index, 2>(from, 1))
      .broadcast(factors)
      .reshape(Eigen::DSizes<Index, 1>(from * factors[0]));
}

/// Reshapes `e` to the step's result labels (extent 1 where `e` lacks the label) and repeats it
/// along the new labels.
template <class P, int N, int S, class E>
auto expand(const E& e, const label_extents& extent) {
  constexpr const step& s = step_of<P, N, S>;
  constexpr const label_list& from = P::value.nodes[N].before(S);
  Eigen::DSizes<Index, s.result.size> shape;
  std::array<Index, s.result.size> factors;
  for (int i = 0; i < s.result.size; ++i) {
    const char c = s.result.labels[i];
    const bool kept = from.contains(c);
    shape[i] = kept ? extent[c] : 1;
    factors[i] = kept ? 1 : extent[c];
  }
  return e.reshape(shape).broadcast(factors);
}

/// Repeats the axes under '...' whose extent is 1 to the label's extent.
template <class P, int N, int S, class E>
auto broadcast_ellipsis(const E& e, const label_extents& extent) {
  constexpr const step& s = step_of<P, N, S>;
  const auto dims = extents_of(e);
  std::array<Index, Eigen::internal::traits<E>::NumDimensions> factors;
  factors.fill(1);
  for (int a = 0; a < s.num_axes; ++a) {
    // Only an axis of extent 1 repeats; the extent check allows nothing else to differ.
    if (dims[s.axes[a]] == 1) {
      factors[s.axes[a]] = extent[s.result.labels[s.axes[a]]];
    }
  }
  return e.broadcast(factors);
}

/// Step S of node N of plan P applied to `e`.
template <class P, int N, int S, class E>
auto lower_step(const E& e, const label_extents& extent) {
  constexpr const step& s = step_of<P, N, S>;
  constexpr auto axes = std::make_index_sequence<static_cast<std::size_t>(s.num_axes)>{};
  if constexpr (s.kind == step_kind::trace) {
    return trace_of<P, N, S>(
        e, std::make_index_sequence<std::size_t(P::value.nodes[N].before(S).size)>{});
  } else if constexpr (s.kind == step_kind::diagonal) {
    return diagonal_of<P, N, S>(e, axes);
  } else if constexpr (s.kind == step_kind::sum) {
    return e.sum(index_list_of<P, N, S>(axes));
  } else if constexpr (s.kind == step_kind::sum_around_kept) {
    return sum_around_kept<P, N, S>(e, extent);
  } else if constexpr (s.kind == step_kind::shuffle) {
    return permute(e, shuffle_of<P, N, S>(axes));
  } else if constexpr ((s.kind == step_kind::expand || s.kind == step_kind::broadcast) &&
                       s.result.size == 1) {
    return broadcast_to_rank_1<P, N, S>(e, extent);
  } else if constexpr (s.kind == step_kind::expand) {
    return expand<P, N, S>(e, extent);
  } else if constexpr (s.kind == step_kind::broadcast) {
    return broadcast_ellipsis<P, N, S>(e, extent);
  } else {
    return e.eval();
  }
}

/// Applies the unary steps S.. of node N of plan P to `e`.
template <class P, int N, int S, class E>
auto apply_steps(const E& e, const label_extents& extent) {
  if constexpr (S == P::value.nodes[N].num_steps) {
    return e;
  } else {
    return apply_steps<P, N, S + 1>(lower_step<P, N, S>(e, extent), extent);
  }
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_LOWER_STEPS_HPP
