// Op tests for ops/choice.hpp: one of several expressions chosen at run time, or zeros, against
// the naive reference, both layouts, both devices.
#define EIGEN_USE_THREADS
#include "support/config.hpp"
#include "support/devices.hpp"
#include "support/naive_einsum.hpp"

#include <eigen_einsum/ops/choice.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <complex>

namespace {

using Eigen::Index;
using eigen_einsum::detail::choose;
using eigen_einsum_test::config;
using eigen_einsum_test::evaluate_on;
using eigen_einsum_test::naive_einsum;
using eigen_einsum_test::random_tensor;
using eigen_einsum_test::require_equal;
using eigen_einsum_test::to_dyn;

} // namespace

TEMPLATE_TEST_CASE("choice: evaluates the chosen alternative, or zeros", "[ops][choice]",
                   (config<float, Eigen::ColMajor>), (config<double, Eigen::RowMajor>),
                   (config<std::complex<double>, Eigen::ColMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const auto a = random_tensor<S, 2, L>({4, 6}, 5);
  const auto b = random_tensor<S, 2, L>({6, 4}, 6);
  const Eigen::DSizes<Index, 2> dims(4, 6);
  const std::array<int, 2> transpose{1, 0};
  eigen_einsum_test::thread_pool threads;
  const Eigen::DefaultDevice serial;
  for (int choice = -1; choice < 2; ++choice) {
    INFO("choice " << choice);
    const auto op = choose(choice, dims, a * S(2), b.shuffle(transpose));
    const auto want = choice == -1  ? naive_einsum<S>("ij->ij", {to_dyn(a * S(0))})
                      : choice == 0 ? naive_einsum<S>("ij->ij", {to_dyn(a * S(2))})
                                    : naive_einsum<S>("ij->ji", {to_dyn(b)});
    require_equal(evaluate_on(serial, op), want);
    require_equal(evaluate_on(threads.device, op), want);
    // Into our own buffer, through an enclosing op.
    require_equal(evaluate_on(threads.device, op * S(1)), want);
  }
}
