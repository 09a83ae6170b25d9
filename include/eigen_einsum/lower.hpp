// eigen-einsum stage 4: plan -> Eigen expression tree (contract, sum, trace, shuffle, reshape,
// broadcast, and our diagonal and batched-contraction ops where Eigen has none).
#ifndef EIGEN_EINSUM_LOWER_HPP
#define EIGEN_EINSUM_LOWER_HPP

#include "batch_contraction.hpp"
#include "config.hpp"
#include "diagonal.hpp"
#include "outer_sum.hpp"
#include "plan.hpp"
#include "validate.hpp"

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
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

/// Sums away the axes of `e` around its kept block, viewed in memory order as an
/// (inner, kept, outer) tensor, in one pass (TensorOuterSumOp); Eigen's reduction over outer
/// axes strides through memory instead.
template <int KeptRank, class E>
auto sum_outer(const E& e, Index inner, Index kept, Index outer,
               const Eigen::DSizes<Index, KeptRank>& shape) {
  constexpr bool col_major = Eigen::internal::traits<E>::Layout == Eigen::ColMajor;
  const auto sums = outer_sum(e.reshape(col_major ? Eigen::DSizes<Index, 3>(inner, kept, outer)
                                                  : Eigen::DSizes<Index, 3>(outer, kept, inner)));
  if constexpr (KeptRank == 1) {
    return sums;
  } else {
    return sums.reshape(shape);
  }
}

template <class X, class = void>
struct has_dimensions : std::false_type {};
template <class X>
struct has_dimensions<X, std::void_t<decltype(std::declval<const X&>().dimensions())>>
    : std::true_type {};

/// The extents of any Eigen tensor expression, without evaluating it.
template <class X>
std::array<Index, Eigen::internal::traits<X>::NumDimensions> extents_of(const X& x) {
  constexpr int rank = Eigen::internal::traits<X>::NumDimensions;
  std::array<Index, rank> e{};
  if constexpr (has_dimensions<X>::value) {
    for (int i = 0; i < rank; ++i) {
      e[i] = x.dimensions()[i];
    }
  } else {
    const Eigen::DefaultDevice device;
    const Eigen::TensorEvaluator<const X, Eigen::DefaultDevice> evaluator(x, device);
    for (int i = 0; i < rank; ++i) {
      e[i] = evaluator.dimensions()[i];
    }
  }
  return e;
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
    } else if constexpr (s.kind == step_kind::reduce_outer) {
      constexpr bool col_major = Eigen::internal::traits<E>::Layout == Eigen::ColMajor;
      const term& from = S == 0 ? n.joined : n.steps[S - 1].result;
      Eigen::DSizes<Index, s.result.size> shape;
      Index inner = 1, kept = 1, outer = 1;
      bool kept_seen = false;
      for (int k = 0; k < from.size; ++k) {
        // Walk from the innermost axis outwards: summed axes before the kept block are inner.
        const int i = col_major ? k : from.size - 1 - k;
        const Index x = extent[from.labels[i]];
        const int j = s.result.find(from.labels[i]);
        if (j >= 0) {
          shape[j] = x;
          kept *= x;
          kept_seen = true;
        } else {
          (kept_seen ? outer : inner) *= x;
        }
      }
      return apply_steps<P, N, S + 1>(sum_outer(e, inner, kept, outer, shape), extent);
    } else if constexpr (s.kind == step_kind::shuffle) {
      return apply_steps<P, N, S + 1>(e.shuffle(shuffle_of<P, N, S>(axes)), extent);
    } else if constexpr ((s.kind == step_kind::expand || s.kind == step_kind::broadcast) &&
                         s.result.size == 1) {
      // Eigen 3.4's vectorised broadcast of a 1-D tensor of extent 1 reads past its strides
      // (packetOneByNByOne) and returns garbage in ColMajor: broadcast it as 2-D instead.
      Index from = 1; // an expand to rank 1 starts from a rank-0 tensor
      if constexpr (Eigen::internal::traits<E>::NumDimensions == 1) {
        from = extents_of(e)[0];
      }
      const Index to = extent[s.result.labels[0]];
      const std::array<Index, 2> factors{from == 1 ? to : 1, 1};
      return apply_steps<P, N, S + 1>(e.reshape(Eigen::DSizes<Index, 2>(from, 1))
                                          .broadcast(factors)
                                          .reshape(Eigen::DSizes<Index, 1>(from * factors[0])),
                                      extent);
    } else if constexpr (s.kind == step_kind::expand) {
      constexpr int rank = s.result.size;
      const term& from = S == 0 ? n.joined : n.steps[S - 1].result;
      Eigen::DSizes<Index, rank> shape;
      std::array<Index, rank> factors;
      for (int i = 0; i < rank; ++i) {
        const char c = s.result.labels[i];
        const bool kept = from.find(s.result.labels[i]) >= 0;
        shape[i] = kept ? extent[c] : 1;
        factors[i] = kept ? 1 : extent[c];
      }
      return apply_steps<P, N, S + 1>(e.reshape(shape).broadcast(factors), extent);
    } else if constexpr (s.kind == step_kind::broadcast) {
      const auto dims = extents_of(e);
      std::array<Index, Eigen::internal::traits<E>::NumDimensions> factors;
      factors.fill(1);
      for (int a = 0; a < s.num_axes; ++a) {
        // Only an axis of extent 1 repeats; the extent check allows nothing else to differ.
        if (dims[s.axes[a]] == 1) {
          factors[s.axes[a]] = extent[s.result.labels[s.axes[a]]];
        }
      }
      return apply_steps<P, N, S + 1>(e.broadcast(factors), extent);
    } else {
      return apply_steps<P, N, S + 1>(e.eval(), extent);
    }
  }
}

template <class X>
struct is_tensor_ref : std::false_type {};
template <class T>
struct is_tensor_ref<Eigen::TensorRef<T>> : std::true_type {};

/// Eigen's contraction reads packets; TensorRef's evaluator has none, so such operands are
/// materialised first.
template <class X>
decltype(auto) contractible(const X& x) {
  if constexpr (!is_tensor_ref<X>::value) {
    return x;
  } else {
    return x.eval();
  }
}

/// The batched contraction of node N of plan P, as batch_contraction.hpp describes it.
template <class P, int N>
struct batch_spec {
  static constexpr batch_contraction_spec make() {
    const node& n = P::value.nodes[N];
    batch_contraction_spec s{};
    s.lhs_rank = P::value.nodes[n.lhs].result().size;
    s.rhs_rank = P::value.nodes[n.rhs].result().size;
    s.num_batch = n.num_batch;
    s.num_contract = n.num_pairs;
    for (int i = 0; i < n.num_batch; ++i) {
      s.lhs_batch[i] = n.lhs_batch[i];
      s.rhs_batch[i] = n.rhs_batch[i];
    }
    for (int i = 0; i < n.num_pairs; ++i) {
      s.lhs_contract[i] = n.lhs_axes[i];
      s.rhs_contract[i] = n.rhs_axes[i];
    }
    s.output_rank = n.joined.size;
    for (int i = 0; i < n.joined.size; ++i) {
      s.output_operand[i] = n.out_operand[i];
      s.output_axis[i] = n.out_axis[i];
    }
    return s;
  }
  static_assert(P::value.nodes[P::value.nodes[N].lhs].result().size <= batch_contraction_max_rank &&
                    P::value.nodes[P::value.nodes[N].rhs].result().size <=
                        batch_contraction_max_rank,
                "einsum: a batched contraction supports operands of rank 16 at most");
  static constexpr batch_contraction_spec value = make();
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
    if constexpr (n.kind == node_kind::contract) {
      constexpr auto pairs = std::make_index_sequence<std::size_t(n.num_pairs)>{};
      return apply_steps<P, N, 0>(contractible(l).contract(contractible(r), pairs_of<P, N>(pairs)),
                                  extent);
    } else if constexpr (n.kind == node_kind::product) {
      return apply_steps<P, N, 0>(l * r, extent);
    } else {
      return apply_steps<P, N, 0>(batch_contract<batch_spec<P, N>>(l, r), extent);
    }
  }
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_LOWER_HPP
