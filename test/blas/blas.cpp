// The opt-in BLAS backend (CMake target eigen_einsum::blas): with Eigen's EIGEN_USE_BLAS the
// batched contraction's Eigen Core products call the BLAS; the results still match the naive
// loops, every scalar type and both layouts.
#ifndef EIGEN_USE_BLAS
#error "test_blas is built with eigen_einsum::blas, which defines EIGEN_USE_BLAS"
#endif
#include "support/check.hpp"

#include <eigen_einsum/einsum.hpp>

#include <catch2/catch.hpp>

#include <complex>

namespace {

using eigen_einsum_test::config;
using eigen_einsum_test::random_tensor;

} // namespace

TEMPLATE_TEST_CASE("blas: batched and plain contractions through the BLAS match the naive loops",
                   "[blas]", (config<float, Eigen::ColMajor>), (config<float, Eigen::RowMajor>),
                   (config<double, Eigen::RowMajor>),
                   (config<std::complex<float>, Eigen::ColMajor>),
                   (config<std::complex<double>, Eigen::RowMajor>),
                   (config<int, Eigen::ColMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  // Slices past Eigen's coefficient-based threshold (20), so that Eigen's GEMM, and so the BLAS,
  // computes them; ragged extents.
  const auto x = random_tensor<S, 3, L>({3, 33, 41}, 1);
  const auto y = random_tensor<S, 3, L>({3, 41, 29}, 2);
  CHECK_EINSUM("bij,bjk->bik", x, y);
  CHECK_EINSUM("bij,bjk->ikb", x, y);
  const auto q = random_tensor<S, 4, L>({2, 3, 40, 24}, 3);
  const auto k = random_tensor<S, 4, L>({2, 3, 37, 24}, 4);
  CHECK_EINSUM("bimd,bind->bimn", q, k);
  const auto a = random_tensor<S, 2, L>({45, 38}, 5);
  const auto b = random_tensor<S, 2, L>({38, 27}, 6);
  CHECK_EINSUM("ij,jk->ik", a, b);
}
