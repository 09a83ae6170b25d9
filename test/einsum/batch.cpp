// End-to-end tests of batch labels (a label in both operands and the output) against the naive
// loop einsum: batched contractions and batched products.
#define EIGEN_USE_THREADS

#include "support/check.hpp"

#include <eigen_einsum/einsum.hpp>

#include <catch2/catch.hpp>

#include <complex>

namespace {

using eigen_einsum_test::check;
using eigen_einsum_test::config;
using eigen_einsum_test::naive_einsum;
using eigen_einsum_test::random_tensor;
using eigen_einsum_test::require_equal;
using eigen_einsum_test::to_dyn;

template <class T>
struct is_batch_contraction : std::false_type {};
template <class S, class L, class R>
struct is_batch_contraction<eigen_einsum::detail::TensorBatchContractionOp<S, L, R>>
    : std::true_type {};

template <class X, class Regions>
struct is_batch_contraction<eigen_einsum::detail::TensorAliasGuardOp<X, Regions>>
    : is_batch_contraction<X> {};

template <class Expr>
bool batch_contraction(const Expr&) {
  return is_batch_contraction<Expr>::value;
}

} // namespace

TEMPLATE_TEST_CASE("einsum: batch labels match the naive loops", "[einsum][batch]",
                   (config<float, Eigen::ColMajor>), (config<double, Eigen::RowMajor>),
                   (config<int, Eigen::ColMajor>), (config<std::complex<float>, Eigen::RowMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const auto a = random_tensor<S, 3, L>({2, 3, 4}, 1);    // b i j
  const auto b = random_tensor<S, 3, L>({2, 4, 5}, 2);    // b j k
  const auto q = random_tensor<S, 4, L>({2, 3, 4, 5}, 3); // b i m d
  const auto k = random_tensor<S, 4, L>({2, 3, 6, 5}, 4); // b i n d
  const auto x = random_tensor<S, 3, L>({3, 2, 4}, 5);    // i b j
  const auto y = random_tensor<S, 3, L>({4, 5, 2}, 6);    // j k b
  const auto v = random_tensor<S, 2, L>({2, 4}, 7);       // b j
  const auto w = random_tensor<S, 2, L>({2, 3}, 8);       // b i
  const auto d = random_tensor<S, 4, L>({2, 2, 3, 4}, 9); // b b i j
  // batched contractions, batch labels anywhere
  CHECK_EINSUM("bij,bjk->bik", a, b);
  CHECK_EINSUM("bimd,bind->bimn", q, k);
  CHECK_EINSUM("bimd,bind->nbmi", q, k);
  CHECK_EINSUM("ibj,jkb->kib", x, y);
  CHECK_EINSUM("ibj,jkb->bik", x, y);
  CHECK_EINSUM("bij,bjk->kib", a, b);
  CHECK_EINSUM("bij,bj->bi", a, v);
  CHECK_EINSUM("bj,bij->ib", v, a);
  CHECK_EINSUM("bij,bij->b", a, a);
  // with labels summed in one operand, diagonal batch labels, implicit output
  CHECK_EINSUM("bij,bjk->bk", a, b);
  CHECK_EINSUM("bij,bjk->b", a, b);
  CHECK_EINSUM("bbij,bjk->bik", d, b);
  CHECK_EINSUM("bij,bjk->ik", a, b);
  // batched products: no contracted label, a lazy product
  CHECK_EINSUM("bi,bj->bij", w, v);
  CHECK_EINSUM("bij,bij->bij", a, a);
  CHECK_EINSUM("bij,bj->bij", a, v);
  REQUIRE(batch_contraction(EINSUM("bij,bjk->bik", a, b)));
  REQUIRE(!batch_contraction(EINSUM("bij,bij->bij", a, a)));
}

TEMPLATE_TEST_CASE("einsum: batch labels with odd extents", "[einsum][batch]",
                   (config<float, Eigen::ColMajor>), (config<float, Eigen::RowMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const auto one_a = random_tensor<S, 3, L>({1, 3, 4}, 1);
  const auto one_b = random_tensor<S, 3, L>({1, 4, 5}, 2);
  const auto no_batch_a = random_tensor<S, 3, L>({0, 3, 4}, 3);
  const auto no_batch_b = random_tensor<S, 3, L>({0, 4, 5}, 4);
  const auto no_k_a = random_tensor<S, 3, L>({2, 3, 0}, 5);
  const auto no_k_b = random_tensor<S, 3, L>({2, 0, 5}, 6);
  const auto unit_a = random_tensor<S, 3, L>({3, 1, 1}, 7);
  const auto unit_b = random_tensor<S, 3, L>({3, 1, 1}, 8);
  CHECK_EINSUM("bij,bjk->bik", one_a, one_b);
  CHECK_EINSUM("bij,bjk->bik", no_batch_a, no_batch_b);
  CHECK_EINSUM("bij,bjk->bik", no_k_a, no_k_b);
  CHECK_EINSUM("bij,bjk->kib", no_k_a, no_k_b);
  CHECK_EINSUM("bij,bjk->bik", unit_a, unit_b);
}

TEST_CASE("einsum: a batched contraction composes and runs on a thread pool", "[einsum][batch]") {
  const auto q = random_tensor<float, 4, Eigen::RowMajor>({2, 3, 8, 4}, 1);
  const auto k = random_tensor<float, 4, Eigen::RowMajor>({2, 3, 7, 4}, 2);
  Eigen::ThreadPool pool(2);
  const Eigen::ThreadPoolDevice device(&pool, 2);
  Eigen::Tensor<float, 4, Eigen::RowMajor> s(2, 3, 8, 7);
  s.device(device) = EINSUM("bimd,bind->bimn", q, k);
  require_equal(s, naive_einsum<float>("bimd,bind->bimn", {to_dyn(q), to_dyn(k)}));
  Eigen::Tensor<float, 4, Eigen::RowMajor> e(2, 3, 8, 7);
  e.device(device) = (EINSUM("bimd,bind->bimn", q + q, k) * 0.5f).exp();
  const Eigen::Tensor<float, 4, Eigen::RowMajor> expected = s.exp();
  require_equal(e, to_dyn(expected));
}
