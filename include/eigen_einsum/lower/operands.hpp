// eigen-einsum lowering: what einsum reads off its operands' types and values: scalar type, rank,
// layout, extents (at compile time for TensorFixedSize).
#ifndef EIGEN_EINSUM_LOWER_OPERANDS_HPP
#define EIGEN_EINSUM_LOWER_OPERANDS_HPP

#include "../ops/tensor.hpp"
#include "../plan/validate.hpp"

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace eigen_einsum::detail {

using Eigen::Index;

template <class X>
using operand_t = std::remove_cv_t<std::remove_reference_t<X>>;

template <class X>
using scalar_of = typename Eigen::internal::traits<operand_t<X>>::Scalar;

template <class X>
inline constexpr int rank_of = Eigen::internal::traits<operand_t<X>>::NumDimensions;

template <class X>
inline constexpr int layout_of = Eigen::internal::traits<operand_t<X>>::Layout;

/// Rank, scalar type and layout of each operand, as validation reads them.
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

template <class X, class = void>
struct has_dimensions : std::false_type {};
template <class X>
struct has_dimensions<X, std::void_t<decltype(std::declval<const X&>().dimensions())>>
    : std::true_type {};

/// The extents of any Eigen tensor expression, without evaluating it.
template <class X>
EIGEN_ALWAYS_INLINE std::array<Index, Eigen::internal::traits<X>::NumDimensions>
extents_of(const X& x) {
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

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_LOWER_OPERANDS_HPP
