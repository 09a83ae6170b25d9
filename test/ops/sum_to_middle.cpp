// Op tests for ops/sum_to_middle.hpp: the sum of a rank-3 expression to its middle axis, against
// the naive reference, both layouts, both devices.
#define EIGEN_USE_THREADS
#include "support/config.hpp"
#include "support/devices.hpp"
#include "support/naive_einsum.hpp"

#include <eigen_einsum/ops/sum_to_middle.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <utility>

namespace {

using Eigen::Index;
using eigen_einsum::detail::sum_to_middle;
using eigen_einsum_test::config;
using eigen_einsum_test::evaluate_on;
using eigen_einsum_test::naive_einsum;
using eigen_einsum_test::random_tensor;
using eigen_einsum_test::require_equal;
using eigen_einsum_test::to_dyn;

} // namespace

TEMPLATE_TEST_CASE("sum_to_middle: sums the first and last axes on both devices",
                   "[ops][sum_to_middle]", (config<float, Eigen::ColMajor>),
                   (config<float, Eigen::RowMajor>), (config<double, Eigen::ColMajor>),
                   (config<int, Eigen::RowMajor>), (config<std::complex<float>, Eigen::ColMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  eigen_einsum_test::thread_pool threads;
  const Eigen::DefaultDevice serial;
  // Innermost extent 1 (rows added in memory order), larger than a packet, ragged, more rows
  // than one pass of eight, and empty first or last axes (sums of nothing: zeros).
  for (const auto& dims : {std::array<Index, 3>{1, 37, 19}, std::array<Index, 3>{19, 37, 1},
                           std::array<Index, 3>{33, 5, 11}, std::array<Index, 3>{3, 70, 2},
                           std::array<Index, 3>{0, 3, 2}, std::array<Index, 3>{2, 3, 0}}) {
    const auto t = random_tensor<S, 3, L>(dims, 4);
    INFO("extents " << dims[0] << "x" << dims[1] << "x" << dims[2]);
    const auto want = naive_einsum<S>("ijk->j", {to_dyn(t)});
    require_equal(evaluate_on(serial, sum_to_middle(t)), want);
    require_equal(evaluate_on(threads.device, sum_to_middle(t)), want);
    // Into our own buffer, through an enclosing op.
    require_equal(evaluate_on(serial, sum_to_middle(t) * S(1)), want);
    // Over an expression operand (no raw access).
    require_equal(evaluate_on(serial, sum_to_middle(t + t)),
                  naive_einsum<S>("ijk->j", {to_dyn(t + t)}));
  }
}

TEMPLATE_TEST_CASE("sum_to_middle: runs longer than a leaf sum as a tree, the same on both devices",
                   "[ops][sum_to_middle]", (config<float, Eigen::ColMajor>),
                   (config<float, Eigen::RowMajor>), (config<double, Eigen::RowMajor>),
                   (config<int, Eigen::ColMajor>), (config<std::complex<float>, Eigen::RowMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  eigen_einsum_test::thread_pool threads;
  const Eigen::DefaultDevice serial;
  // Runs of inner values longer than a leaf (16384), ragged: one whole sum (its leaves in
  // parallel on the pool), and several kept indices with an outer axis.
  for (auto dims : {std::array<Index, 3>{49157, 1, 1}, std::array<Index, 3>{16389, 3, 2}}) {
    if (L == Eigen::RowMajor) {
      std::swap(dims[0], dims[2]);
    }
    INFO("extents " << dims[0] << "x" << dims[1] << "x" << dims[2]);
    // Small whole numbers: every order of summation is exact, so any coefficient the tree
    // misses or repeats shows.
    const Eigen::Tensor<S, 3, L> whole =
        (random_tensor<S, 3, L>(dims, 5) * S(8)).unaryExpr([](S x) {
          return S(std::round(std::real(x)));
        });
    const auto want = naive_einsum<S>("ijk->j", {to_dyn(whole)});
    require_equal(evaluate_on(serial, sum_to_middle(whole)), want);
    require_equal(evaluate_on(threads.device, sum_to_middle(whole)), want);
    // Any values: the pool's tree is the serial one, to the last bit.
    const auto t = random_tensor<S, 3, L>(dims, 6);
    const Eigen::Tensor<S, 1, L> on_one = evaluate_on(serial, sum_to_middle(t));
    const Eigen::Tensor<S, 1, L> on_pool = evaluate_on(threads.device, sum_to_middle(t));
    for (Index j = 0; j < on_one.size(); ++j) {
      REQUIRE(on_one(j) == on_pool(j));
    }
  }
}
