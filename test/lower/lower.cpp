// Lowering tests for lower/lower.hpp and lower/steps.hpp: which Eigen op each kind of subscript
// becomes.
#include "support/naive_einsum.hpp"
#include "support/subscript.hpp"

#include <eigen_einsum/einsum.hpp>

#include <catch2/catch.hpp>

#include <type_traits>
#include <utility>
#include <vector>

namespace {

template <class T>
using bare = std::remove_cv_t<std::remove_reference_t<T>>;

template <class T>
struct op_kind {
  static constexpr const char* value = "other";
};
template <class S, class X>
struct op_kind<eigen_einsum::detail::TensorPermuteOp<S, X>> {
  static constexpr const char* value = "permutation";
};
template <class Op, class D, class X, template <class> class M>
struct op_kind<Eigen::TensorReductionOp<Op, D, X, M>> {
  static constexpr const char* value = "reduction";
};
template <class A, class X>
struct op_kind<eigen_einsum::detail::TensorDiagonalOp<A, X>> {
  static constexpr const char* value = "diagonal";
};
template <class X>
struct op_kind<eigen_einsum::detail::TensorSumToMiddleOp<X>> {
  static constexpr const char* value = "sum to middle";
};
template <class S, class L, class R>
struct op_kind<eigen_einsum::detail::TensorBatchContractionOp<S, L, R>> {
  static constexpr const char* value = "contraction";
};
template <class S, class L, class R>
struct op_kind<Eigen::TensorCwiseBinaryOp<Eigen::internal::scalar_product_op<S, S>, L, R>> {
  static constexpr const char* value = "product";
};

// A reshape of the op's result (sum_around_kept to rank 0 or to several kept axes).
template <class D, class X>
struct op_kind<Eigen::TensorReshapingOp<D, X>> : op_kind<std::remove_const_t<X>> {};

// The zero-extent guard around a single plan (lower/lower.hpp): the plan's op is what counts here.
template <class X>
struct op_kind<eigen_einsum::detail::TensorChoiceOp<X>> : op_kind<X> {};

/// What einsum wraps every result in (ops/alias_guard.hpp): the lowered expression inside.
template <class Guarded>
using unguarded = bare<decltype(std::declval<const Guarded&>().expression())>;

template <class Expr>
constexpr const char* kind_of(const Expr&) {
  return op_kind<unguarded<Expr>>::value;
}

constexpr bool same(const char* a, const char* b) {
  while (*a && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}

/// True when einsum's `expr` is exactly T inside the alias guard.
template <class T, class Expr>
constexpr bool is_type(Expr&&) {
  return std::is_same_v<unguarded<Expr>, T>;
}

template <class L, class R, class T>
struct is_contraction_of : std::false_type {};
template <class L, class R, class S>
struct is_contraction_of<L, R, eigen_einsum::detail::TensorBatchContractionOp<S, L, R>>
    : std::true_type {};

/// True when einsum's `expr` is exactly one batched contraction of L and R inside the alias guard.
template <class L, class R, class Expr>
constexpr bool contracts(Expr&&) {
  return is_contraction_of<L, R, unguarded<Expr>>::value;
}

} // namespace

TEMPLATE_TEST_CASE_SIG("lower: each kind of subscript becomes one Eigen op", "[lower]",
                       ((int Layout), Layout), Eigen::ColMajor, Eigen::RowMajor) {
  using T1 = Eigen::Tensor<float, 1, Layout>;
  using T2 = Eigen::Tensor<float, 2, Layout>;
  using T3 = Eigen::Tensor<float, 3, Layout>;
  T1 v(3);
  T2 a(3, 3), b(3, 3);
  T3 c(3, 3, 3);

  // identity: the operand itself, no copy
  REQUIRE(is_type<T2>(EINSUM("ij->ij", a)));
  REQUIRE(&EINSUM("ij->ij", a).expression() == &a);
  // every result is guarded against aliasing, an rvalue Tensor's identity is that Tensor
  using guard = eigen_einsum::detail::TensorAliasGuardOp<
      eigen_einsum::detail::TensorPermuteOp<std::array<int, 2>, T2>,
      eigen_einsum::detail::read_regions<1, 2>>;
  REQUIRE(std::is_same_v<bare<decltype(EINSUM("ij->ji", a))>, guard>);
  REQUIRE(std::is_same_v<decltype(EINSUM("ij->ij", T2(a))), T2>);
  // permutation: Eigen's shuffle, written into memory by our blocked kernel
  REQUIRE(is_type<eigen_einsum::detail::TensorPermuteOp<std::array<int, 3>, T3>>(
      EINSUM("ijk->kji", c)));
  // summed labels: our one pass when they lie around the kept ones (a whole sum reshaped to rank
  // 0), Eigen's reduction between kept ones
  REQUIRE(same(kind_of(EINSUM("ij->", a)), "sum to middle"));
  REQUIRE(same(kind_of(EINSUM("ij->i", a)), "sum to middle"));
  REQUIRE(same(kind_of(EINSUM("ij->j", a)), "sum to middle"));
  REQUIRE(same(kind_of(EINSUM("ijk->ik", c)), "reduction"));
  // summed and kept diagonals
  // a trace: the diagonal view, then Eigen's sum (Eigen's trace op has no ThreadPoolDevice cost)
  REQUIRE(same(kind_of(EINSUM("ii->", a)), "reduction"));
  REQUIRE(same(kind_of(EINSUM("iij->j", c)), "reduction"));
  REQUIRE(same(kind_of(EINSUM("ii->i", a)), "diagonal"));
  REQUIRE(same(kind_of(EINSUM("iji->ij", c)), "diagonal"));
  // contraction: our batched GEMM (without batch labels), written in the output's order, with no
  // zero-extent guard (it handles zero extents itself)
  REQUIRE(contracts<T2, T2>(EINSUM("ij,jk->ik", a, b)));
  Eigen::TensorFixedSize<float, Eigen::Sizes<3, 3>, Layout> fa, fb;
  fa.setZero();
  fb.setZero();
  using fixed_t = Eigen::TensorFixedSize<float, Eigen::Sizes<3, 3>, Layout>;
  REQUIRE(contracts<fixed_t, fixed_t>(EINSUM("ij,jk->ik", fa, fb)));
  REQUIRE(same(kind_of(EINSUM("md,nd->mn", a, b)), "contraction"));
  REQUIRE(same(kind_of(EINSUM("ij,jk->ki", a, b)), "contraction"));
  REQUIRE(same(kind_of(EINSUM("ij,jk->k", a, b)), "contraction"));
  // outer, Hadamard and broadcast products
  REQUIRE(same(kind_of(EINSUM("i,j->ij", v, v)), "product"));
  REQUIRE(is_type<Eigen::TensorCwiseBinaryOp<Eigen::internal::scalar_product_op<float, float>,
                                             const T2, const T2>>(EINSUM("ij,ij->ij", a, b)));
  REQUIRE(same(kind_of(EINSUM("ij,j->ij", a, v)), "product"));
  // dot products: a product, then a full reduction
  REQUIRE(same(kind_of(EINSUM("i,i->", v, v)), "reduction"));
}

TEST_CASE("lower: the per-call choice of path follows the extents from call to call", "[lower]") {
  // Each thread remembers, per call, its last extents and choice (lower/lower.hpp). One call site
  // (one instantiation) alternates two shapes whose best orders differ, and a third shape that
  // differs from the second in one extent only.
  using eigen_einsum_test::random_tensor;
  using eigen_einsum_test::to_dyn;
  using T2 = Eigen::Tensor<double, 2>;
  const T2 a = random_tensor<double, 2, Eigen::ColMajor>({100, 5}, 1);
  const T2 b = random_tensor<double, 2, Eigen::ColMajor>({5, 100}, 2);
  const T2 g = random_tensor<double, 2, Eigen::ColMajor>({5, 99}, 3);
  auto path_of = [](const T2& x, const T2& y, const T2& z) {
    return EINSUM_PATH("ij,jk,kl->il", x, y, z).path;
  };
  auto check = [](const T2& x, const T2& y, const T2& z) {
    const T2 got = EINSUM("ij,jk,kl->il", x, y, z);
    eigen_einsum_test::require_equal(got, eigen_einsum_test::naive_einsum<double>(
                                              "ij,jk,kl->il", {to_dyn(x), to_dyn(y), to_dyn(z)}));
  };
  using pairs = std::vector<std::pair<int, int>>;
  for (int round = 0; round < 2; ++round) {
    REQUIRE(path_of(a, b, a) == pairs{{1, 2}, {0, 1}});
    check(a, b, a);
    REQUIRE(path_of(b, a, b) == pairs{{0, 1}, {0, 1}});
    check(b, a, b);
    REQUIRE(path_of(b, a, g) == pairs{{0, 1}, {0, 1}});
    check(b, a, g);
  }
}
