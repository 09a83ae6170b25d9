// End-to-end tests of einsum on zero extents: every lowering, any axis, both layouts, both
// devices, through Tensor, TensorMap (over memory that holds values past the mapped extent) and
// expression operands. A sum over an empty label is 0, also where the other factor is NaN or Inf.
#define EIGEN_USE_THREADS

#include "support/check_devices.hpp"

#include <eigen_einsum/einsum.hpp>

#include <catch2/catch.hpp>

#include <limits>
#include <vector>

namespace {

using Eigen::Index;
using eigen_einsum_test::config;
using eigen_einsum_test::require_equal;
using eigen_einsum_test::to_dyn;

template <class S, int L, int R>
using map_t = Eigen::TensorMap<Eigen::Tensor<S, R, L>>;

/// Requires `expr` to equal the naive einsum of `ops` on DefaultDevice and ThreadPoolDevice.

} // namespace

#define ZERO_CONFIGS                                                                               \
  (config<float, Eigen::ColMajor>), (config<float, Eigen::RowMajor>),                              \
      (config<std::complex<double>, Eigen::ColMajor>), (config<int, Eigen::RowMajor>)

TEMPLATE_TEST_CASE("einsum: sums over a zero extent read nothing and give zeros", "[zero]",
                   ZERO_CONFIGS) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  // Values past every mapped extent: a read of any of them shows in the result.
  std::vector<S> memory(64);
  for (std::size_t i = 0; i < memory.size(); ++i) {
    memory[i] = S(int(2000 + i));
  }
  S* p = memory.data();

  SECTION("the issue's sums, outermost and innermost in memory") {
    CHECK_DEVICES("ijk->j", map_t<S, L, 3>(p, 0, 3, 2));
    CHECK_DEVICES("ijk->j", map_t<S, L, 3>(p, 2, 3, 0));
    CHECK_DEVICES("ijkl->jk", map_t<S, L, 4>(p, 0, 2, 2, 3));
    CHECK_DEVICES("ijkl->jk", map_t<S, L, 4>(p, 3, 2, 2, 0));
    CHECK_DEVICES("ijk,j->j", map_t<S, L, 3>(p, 0, 3, 2), map_t<S, L, 1>(p + 40, 3));
    CHECK_DEVICES("ijk->j", Eigen::Tensor<S, 3, L>(0, 3, 2));
    CHECK_DEVICES("ijk->", Eigen::Tensor<S, 3, L>(2, 0, 3));
    CHECK_DEVICES("ij->i", map_t<S, L, 2>(p, 3, 0) * S(2));
  }
  SECTION("reductions to rank 2 or more (Eigen's reduction asserts on an output stride of 0)") {
    CHECK_DEVICES("ijk->jk", map_t<S, L, 3>(p, 2, 0, 3));
    CHECK_DEVICES("ijk->ik", map_t<S, L, 3>(p, 0, 2, 3));
    CHECK_DEVICES("ijkl->jkl", map_t<S, L, 4>(p, 2, 0, 3, 2));
    CHECK_DEVICES("ijkl->ijl", map_t<S, L, 4>(p, 2, 3, 0, 2));
    CHECK_DEVICES("L...LE", map_t<S, L, 4>(p, 1, 0, 1, 0)); // found by the numpy corpus
  }
  SECTION("diagonal views, traces, contractions, batched contractions, products") {
    CHECK_DEVICES("ii->i", map_t<S, L, 2>(p, 0, 0));
    CHECK_DEVICES("iij->j", map_t<S, L, 3>(p, 0, 0, 3));
    CHECK_DEVICES("iji->j", map_t<S, L, 3>(p, 0, 3, 0));
    CHECK_DEVICES("ij,jk->ik", map_t<S, L, 2>(p, 2, 0), map_t<S, L, 2>(p + 8, 0, 3));
    CHECK_DEVICES("ij,jk->ik", map_t<S, L, 2>(p, 0, 3), map_t<S, L, 2>(p + 8, 3, 2));
    CHECK_DEVICES("bij,bjk->bik", map_t<S, L, 3>(p, 2, 3, 0), map_t<S, L, 3>(p + 8, 2, 0, 2));
    CHECK_DEVICES("bij,bjk->bik", map_t<S, L, 3>(p, 0, 3, 2), map_t<S, L, 3>(p + 8, 0, 2, 2));
    CHECK_DEVICES("ijb,jkb->ikb", map_t<S, L, 3>(p, 2, 3, 0), map_t<S, L, 3>(p + 8, 3, 2, 0));
    CHECK_DEVICES("ij,ij->i", map_t<S, L, 2>(p, 3, 0), map_t<S, L, 2>(p + 8, 3, 0));
    CHECK_DEVICES("i,j->ij", map_t<S, L, 1>(p, 0), map_t<S, L, 1>(p + 8, 3));
    CHECK_DEVICES("ij,jk,kl->il", map_t<S, L, 2>(p, 2, 3), map_t<S, L, 2>(p + 8, 3, 0),
                  map_t<S, L, 2>(p + 16, 0, 2));
    CHECK_DEVICES("...i,...i->...", map_t<S, L, 2>(p, 1, 0), map_t<S, L, 2>(p + 8, 3, 0));
  }
}

TEMPLATE_TEST_CASE("einsum: an empty sum times NaN or Inf is 0, as in numpy", "[zero]",
                   (config<float, Eigen::ColMajor>), (config<double, Eigen::RowMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  Eigen::Tensor<S, 1, L> empty(0), nan(3), inf(3);
  nan.setConstant(std::numeric_limits<S>::quiet_NaN());
  inf.setConstant(std::numeric_limits<S>::infinity());
  Eigen::Tensor<S, 2, L> none(0, 3);
  static eigen_einsum_test::thread_pool pool;
  Eigen::Tensor<S, 0, L> scalar;
  scalar = EINSUM("i,j->", empty, nan);
  REQUIRE(scalar() == S(0));
  scalar.device(pool.device) = EINSUM("i,j->", empty, inf);
  REQUIRE(scalar() == S(0));
  Eigen::Tensor<S, 1, L> vector = EINSUM("ij,j->j", none, inf);
  REQUIRE(vector.dimension(0) == 3);
  for (Index i = 0; i < 3; ++i) {
    REQUIRE(vector(i) == S(0));
  }
  vector.device(pool.device) = EINSUM("j,ij->j", nan, none);
  for (Index i = 0; i < 3; ++i) {
    REQUIRE(vector(i) == S(0));
  }
}
