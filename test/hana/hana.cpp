// The opt-in Boost.Hana spelling (hana.hpp): the same expression type and results as the other
// spellings.
#define BOOST_HANA_CONFIG_ENABLE_STRING_UDL
#include "support/naive_einsum.hpp"

#include <eigen_einsum/hana.hpp>

#include <catch2/catch.hpp>

#include <tuple>
#include <type_traits>

namespace {

using eigen_einsum_test::naive_einsum;
using eigen_einsum_test::random_tensor;
using eigen_einsum_test::require_equal;
using eigen_einsum_test::to_dyn;

static constexpr eigen_einsum::fixed_string matmul{"ij,jk->ik"};

} // namespace

TEST_CASE("hana: BOOST_HANA_STRING and _s give the named spelling's expression", "[hana]") {
  using namespace boost::hana::literals;
  const auto a = random_tensor<float, 2, Eigen::ColMajor>({3, 4}, 1);
  const auto b = random_tensor<float, 2, Eigen::ColMajor>({4, 5}, 2);
  const auto inline_string = eigen_einsum::einsum(BOOST_HANA_STRING("ij,jk->ik"), a, b);
  const auto literal = eigen_einsum::einsum("ij,jk->ik"_s, a, b);
  const auto named = eigen_einsum::einsum<matmul>(a, b);
  STATIC_REQUIRE(std::is_same_v<decltype(inline_string), decltype(named)>);
  STATIC_REQUIRE(std::is_same_v<decltype(literal), decltype(named)>);
  const auto want = naive_einsum<float>("ij,jk->ik", {to_dyn(a), to_dyn(b)});
  require_equal(inline_string, want);
  require_equal(literal, want);
}

TEST_CASE("hana: options and einsum_path", "[hana]") {
  const auto a = random_tensor<double, 2, Eigen::RowMajor>({3, 4}, 3);
  const auto b = random_tensor<double, 2, Eigen::RowMajor>({4, 5}, 4);
  const auto c = random_tensor<double, 2, Eigen::RowMajor>({5, 2}, 5);
  require_equal(eigen_einsum::einsum<eigen_einsum::path<1, 2, 0, 1>>(
                    BOOST_HANA_STRING("ij,jk,kl->il"), a, b, c),
                naive_einsum<double>("ij,jk,kl->il", {to_dyn(a), to_dyn(b), to_dyn(c)}));
  const auto info = eigen_einsum::einsum_path(BOOST_HANA_STRING("ij,jk,kl->il"), a, b, c);
  REQUIRE(info.subscript == "ij,jk,kl->il");
}

TEST_CASE("hana: gradient, gradients and record give the named spelling's results", "[hana]") {
  const auto a = random_tensor<double, 2>({3, 4}, 6);
  const auto b = random_tensor<double, 2>({4, 5}, 7);
  const auto g = random_tensor<double, 2>({3, 5}, 8);
  const auto inline_string = eigen_einsum::gradient<1>(BOOST_HANA_STRING("ij,jk->ik"), g, a, b);
  const auto named = eigen_einsum::gradient<matmul, 1>(g, a, b);
  STATIC_REQUIRE(std::is_same_v<decltype(inline_string), decltype(named)>);
  const Eigen::Tensor<double, 2> want = named;
  require_equal(inline_string, to_dyn(want));
  const auto all = eigen_einsum::gradients(BOOST_HANA_STRING("ij,jk->ik"), g, a, b);
  require_equal(std::get<1>(all), to_dyn(want));
  const auto step = eigen_einsum::record(BOOST_HANA_STRING("ij,jk->ik"), a, b);
  require_equal(step.output(),
                to_dyn(Eigen::Tensor<double, 2>(eigen_einsum::einsum<matmul>(a, b))));
  require_equal(std::get<1>(step.gradients(g)), to_dyn(want));
}
