// End-to-end tests of every kind of lowering on DefaultDevice and a 2-thread ThreadPoolDevice,
// per scalar type, against the naive loops: identity, permutation, sums (inner, outer, around
// kept labels), trace, diagonal, contraction, batched contraction, products, 3 operands, '...'.
#define EIGEN_USE_THREADS

#include "support/check_devices.hpp"

#include <eigen_einsum/einsum.hpp>

#include <catch2/catch.hpp>

#include <complex>

namespace {

using Eigen::Index;
using eigen_einsum_test::config;
using eigen_einsum_test::random_tensor;

} // namespace

TEMPLATE_TEST_CASE("einsum: every lowering runs on DefaultDevice and ThreadPoolDevice", "[devices]",
                   (config<float, Eigen::ColMajor>), (config<double, Eigen::RowMajor>),
                   (config<int, Eigen::ColMajor>), (config<std::complex<float>, Eigen::RowMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const auto a = random_tensor<S, 2, L>({7, 7}, 1);
  const auto b = random_tensor<S, 2, L>({7, 5}, 2);
  const auto c = random_tensor<S, 3, L>({4, 7, 3}, 3);
  const auto d = random_tensor<S, 3, L>({4, 3, 6}, 4);
  const auto v = random_tensor<S, 1, L>({7}, 5);
  const auto one = random_tensor<S, 3, L>({1, 7, 7}, 6);

  CHECK_DEVICES("ij->ij", a);
  CHECK_DEVICES("ijk->kji", c);
  CHECK_DEVICES("ijk->i", c);
  CHECK_DEVICES("ijk->k", c);
  CHECK_DEVICES("ijk->j", c);
  CHECK_DEVICES("ii->", a);
  CHECK_DEVICES("iij->j", one.shuffle(Eigen::array<int, 3>{1, 2, 0}));
  CHECK_DEVICES("ii->i", a);
  CHECK_DEVICES("ij,jk->ik", a, b);
  CHECK_DEVICES("bij,bjk->bik", c, d);
  CHECK_DEVICES("ij,ij->ij", a, a);
  CHECK_DEVICES("i,j->ij", v, v);
  CHECK_DEVICES("i,i->", v, v);
  CHECK_DEVICES("ij,jk,k->i", a, b, random_tensor<S, 1, L>({5}, 7));
  CHECK_DEVICES("...ij,...jk->...ik", one, random_tensor<S, 3, L>({4, 7, 7}, 8));
}
