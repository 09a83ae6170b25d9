// eigen-einsum stage 4: plan -> Eigen expression tree (contract, sum, trace, shuffle, reshape,
// broadcast, and our diagonal and batched-contraction ops where Eigen has none).
#ifndef EIGEN_EINSUM_LOWER_HPP
#define EIGEN_EINSUM_LOWER_HPP

#include "config.hpp"
#include "diagonal.hpp"
#include "plan.hpp"
#include "validate.hpp"

#include <array>
#include <cstddef>
#include <tuple>
#include <utility>

namespace eigen_einsum::detail {

using Eigen::Index;

template <class P, int N, int S, std::size_t... I>
Eigen::IndexList<Eigen::type2index<P::value.nodes[N].steps[S].axes[I]>...>
index_list_of(std::index_sequence<I...>) {
  return {};
}

template <class P, int N, int S, std::size_t... I>
std::array<int, sizeof...(I)> shuffle_of(std::index_sequence<I...>) {
  return {P::value.nodes[N].steps[S].axes[I]...};
}

template <class P, int N, std::size_t... I>
Eigen::IndexPairList<
    Eigen::type2indexpair<P::value.nodes[N].lhs_axes[I], P::value.nodes[N].rhs_axes[I]>...>
pairs_of(std::index_sequence<I...>) {
  return {};
}

template <class P, int N, int S, class E, std::size_t... I>
auto diagonal_of(const E& e, std::index_sequence<I...>) {
  return diagonal<P::value.nodes[N].steps[S].axes[I]...>(e);
}

/// Applies the unary steps S.. of node N to `e`.
template <class P, int N, int S, class E>
auto apply_steps(const E& e, const label_extents& extent) {
  constexpr const node& n = P::value.nodes[N];
  if constexpr (S == n.num_steps) {
    return e;
  } else {
    constexpr const step& s = n.steps[S];
    constexpr auto axes = std::make_index_sequence<static_cast<std::size_t>(s.num_axes)>{};
    if constexpr (s.kind == step_kind::trace) {
      return apply_steps<P, N, S + 1>(e.trace(index_list_of<P, N, S>(axes)), extent);
    } else if constexpr (s.kind == step_kind::diagonal) {
      return apply_steps<P, N, S + 1>(diagonal_of<P, N, S>(e, axes), extent);
    } else if constexpr (s.kind == step_kind::reduce) {
      return apply_steps<P, N, S + 1>(e.sum(index_list_of<P, N, S>(axes)), extent);
    } else if constexpr (s.kind == step_kind::shuffle) {
      return apply_steps<P, N, S + 1>(e.shuffle(shuffle_of<P, N, S>(axes)), extent);
    } else if constexpr (s.kind == step_kind::expand) {
      constexpr int rank = s.result.size;
      const term& from = S == 0 ? n.joined : n.steps[S - 1].result;
      Eigen::DSizes<Index, rank> shape;
      std::array<Index, rank> factors;
      for (int i = 0; i < rank; ++i) {
        const auto c = static_cast<unsigned char>(s.result.labels[i]);
        const bool kept = from.find(s.result.labels[i]) >= 0;
        shape[i] = kept ? extent[c] : 1;
        factors[i] = kept ? 1 : extent[c];
      }
      return apply_steps<P, N, S + 1>(e.reshape(shape).broadcast(factors), extent);
    } else {
      return apply_steps<P, N, S + 1>(e.eval(), extent);
    }
  }
}

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
    if constexpr (n.kind == node_kind::contract) {
      return apply_steps<P, N, 0>(
          l.contract(r, pairs_of<P, N>(std::make_index_sequence<std::size_t(n.num_pairs)>{})),
          extent);
    } else if constexpr (n.kind == node_kind::product) {
      return apply_steps<P, N, 0>(l * r, extent);
    } else {
      static_assert(n.kind != node_kind::batch_contract, "einsum: batch labels need batch_contraction.hpp");
      return l;
    }
  }
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_LOWER_HPP
