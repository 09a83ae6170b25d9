// Op tests for ops/diagonal.hpp: the lazy diagonal view on its own, against the naive reference.
#define EIGEN_USE_THREADS
#include "support/config.hpp"
#include "support/devices.hpp"
#include "support/naive_einsum.hpp"

#include <eigen_einsum/ops/diagonal.hpp>

#include <catch2/catch.hpp>

#include <complex>

namespace {

using Eigen::Index;
using eigen_einsum::detail::diagonal;
using eigen_einsum_test::config;
using eigen_einsum_test::evaluate_on;
using eigen_einsum_test::naive_einsum;
using eigen_einsum_test::random_tensor;
using eigen_einsum_test::require_equal;
using eigen_einsum_test::to_dyn;

} // namespace

TEMPLATE_TEST_CASE("diagonal: main and partial diagonals on both devices", "[ops][diagonal]",
                   (config<float, Eigen::ColMajor>), (config<double, Eigen::RowMajor>),
                   (config<int, Eigen::ColMajor>),
                   (config<std::complex<double>, Eigen::RowMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const auto a = random_tensor<S, 2, L>({5, 5}, 1);
  const auto c = random_tensor<S, 3, L>({4, 3, 4}, 2);
  const auto d = random_tensor<S, 4, L>({3, 2, 3, 2}, 3);
  eigen_einsum_test::thread_pool threads;
  const Eigen::DefaultDevice serial;
  auto both = [&](const auto& expr, const char* subscript, const auto& operand) {
    INFO("subscript " << subscript);
    const auto want = naive_einsum<S>(subscript, {to_dyn(operand)});
    require_equal(evaluate_on(serial, expr), want);
    require_equal(evaluate_on(threads.device, expr), want);
  };
  both(diagonal<0, 0>(a), "ii->i", a);
  both(diagonal<0, 1, 0>(c), "iji->ij", c);
  both(diagonal<0, 1, 0, 1>(d), "ijij->ij", d);
  // Composed with another op, and over an expression operand.
  both(diagonal<0, 0>(a) * S(2), "ii->i", a * S(2));
  both(diagonal<0, 0>(a + a), "ii->i", a + a);
}

TEST_CASE("diagonal: zero extents give an empty view", "[ops][diagonal]") {
  Eigen::Tensor<float, 2> a(0, 0);
  Eigen::Tensor<float, 1> d = diagonal<0, 0>(a);
  REQUIRE(d.dimension(0) == 0);
}
