// End-to-end tests of einsum when the destination is also an operand, or overlaps one (a TensorMap
// over part of it): every kind of lowering, both layouts, DefaultDevice and ThreadPoolDevice,
// against the naive loops run on the operands before the assignment.
#define EIGEN_USE_THREADS

#include "support/check.hpp"
#include "support/devices.hpp"

#include <eigen_einsum/einsum.hpp>

#include <catch2/catch.hpp>

#include <vector>

namespace {

using Eigen::Index;
using eigen_einsum_test::assign;
using eigen_einsum_test::config;
using eigen_einsum_test::naive_einsum;
using eigen_einsum_test::random_tensor;
using eigen_einsum_test::require_equal;
using eigen_einsum_test::to_dyn;

template <class S, int L, int R>
using map_t = Eigen::TensorMap<Eigen::Tensor<S, R, L>>;

} // namespace

#define ALIASING_CONFIGS (config<double, Eigen::ColMajor>), (config<double, Eigen::RowMajor>)

TEMPLATE_TEST_CASE("einsum: a destination that is an operand gets numpy's result", "[aliasing]",
                   ALIASING_CONFIGS) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const int device = GENERATE(0, 1);
  INFO("device " << (device == 0 ? "DefaultDevice" : "ThreadPoolDevice"));
  const Index n = 6;

  SECTION("the issue's transpose of [[1, 2], [3, 4]]") {
    Eigen::Tensor<S, 2, L> m(2, 2);
    m.setValues({{1, 2}, {3, 4}});
    assign(device, m, EINSUM("ij->ji", m));
    Eigen::Tensor<S, 2, L> expected(2, 2);
    expected.setValues({{1, 3}, {2, 4}});
    require_equal(m, to_dyn(expected));
  }
  SECTION("identity and permutation onto their operand") {
    auto a = random_tensor<S, 2, L>({n, n}, 1);
    auto expected = naive_einsum<S>("ij->ij", {to_dyn(a)});
    assign(device, a, EINSUM("ij->ij", a));
    require_equal(a, expected);
    auto c = random_tensor<S, 3, L>({n, n, n}, 2);
    expected = naive_einsum<S>("ijk->kij", {to_dyn(c)});
    assign(device, c, EINSUM("ijk->kij", c));
    require_equal(c, expected);
  }
  SECTION("contraction, with the destination as each operand") {
    auto a = random_tensor<S, 2, L>({n, n}, 4);
    auto b = random_tensor<S, 2, L>({n, n}, 5);
    auto expected = naive_einsum<S>("ij,jk->ik", {to_dyn(a), to_dyn(b)});
    assign(device, a, EINSUM("ij,jk->ik", a, b));
    require_equal(a, expected);
    expected = naive_einsum<S>("ij,jk->ik", {to_dyn(a), to_dyn(b)});
    assign(device, b, EINSUM("ij,jk->ik", a, b));
    require_equal(b, expected);
    // the p = p I, which gave zeros
    Eigen::Tensor<S, 2, L> identity(n, n);
    identity.setZero();
    for (Index i = 0; i < n; ++i) {
      identity(i, i) = 1;
    }
    expected = to_dyn(a);
    assign(device, a, EINSUM("ij,jk->ik", a, identity));
    require_equal(a, expected);
    // a contraction that Eigen's GEMM blocks (the error of 92.7 at n = 300)
    auto big = random_tensor<S, 2, L>({300, 300}, 6);
    auto other = random_tensor<S, 2, L>({300, 300}, 7);
    const Eigen::Tensor<S, 2, L> fresh = EINSUM("ij,jk->ik", big, other);
    assign(device, big, EINSUM("ij,jk->ik", big, other));
    require_equal(big, to_dyn(fresh));
  }
  SECTION("batched contraction, batch label outermost and innermost in memory") {
    auto x = random_tensor<S, 3, L>({2, n, n}, 8);
    auto y = random_tensor<S, 3, L>({2, n, n}, 9);
    auto expected = naive_einsum<S>("bij,bjk->bik", {to_dyn(x), to_dyn(y)});
    assign(device, x, EINSUM("bij,bjk->bik", x, y));
    require_equal(x, expected);
    auto u = random_tensor<S, 3, L>({n, n, 2}, 15);
    auto w = random_tensor<S, 3, L>({n, n, 2}, 16);
    expected = naive_einsum<S>("ijb,jkb->ikb", {to_dyn(u), to_dyn(w)});
    assign(device, w, EINSUM("ijb,jkb->ikb", u, w));
    require_equal(w, expected);
  }
  SECTION("Hadamard product, 3 operands and a broadcast under '...'") {
    auto a = random_tensor<S, 2, L>({n, n}, 10);
    auto b = random_tensor<S, 2, L>({n, n}, 11);
    auto c = random_tensor<S, 2, L>({n, n}, 12);
    auto expected = naive_einsum<S>("ij,ij->ij", {to_dyn(a), to_dyn(b)});
    assign(device, b, EINSUM("ij,ij->ij", a, b));
    require_equal(b, expected);
    expected = naive_einsum<S>("ij,jk,kl->il", {to_dyn(a), to_dyn(b), to_dyn(c)});
    assign(device, b, EINSUM("ij,jk,kl->il", a, b, c));
    require_equal(b, expected);
    expected = naive_einsum<S>("ij,jk,kl->il", {to_dyn(a), to_dyn(b), to_dyn(c)});
    assign(device, c, EINSUM("ij,jk,kl->il", a, b, c));
    require_equal(c, expected);
    auto one = random_tensor<S, 3, L>({1, n, n}, 13);
    auto many = random_tensor<S, 3, L>({3, n, n}, 14);
    expected = naive_einsum<S>("...ij,...jk->...ik", {to_dyn(one), to_dyn(many)});
    assign(device, many, EINSUM("...ij,...jk->...ik", one, many));
    require_equal(many, expected);
  }
}

TEMPLATE_TEST_CASE("einsum: a TensorMap destination over part of an operand gets numpy's result",
                   "[aliasing]", ALIASING_CONFIGS) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const int device = GENERATE(0, 1);
  INFO("device " << (device == 0 ? "DefaultDevice" : "ThreadPoolDevice"));
  const Index n = 5;
  std::vector<S> memory(4 * n * n);
  const auto fill = [&] {
    for (std::size_t i = 0; i < memory.size(); ++i) {
      memory[i] = S(int(i % 7) - 3);
    }
  };

  SECTION("sums, a trace and a diagonal write into the rows they read") {
    fill();
    map_t<S, L, 2> a(memory.data(), n, n);
    map_t<S, L, 1> row(memory.data() + 1, n);
    auto expected = naive_einsum<S>("ij->i", {to_dyn(a)});
    assign(device, row, EINSUM("ij->i", a));
    require_equal(row, expected);
    fill();
    expected = naive_einsum<S>("ij->j", {to_dyn(a)});
    assign(device, row, EINSUM("ij->j", a));
    require_equal(row, expected);
    fill();
    expected = naive_einsum<S>("ii->i", {to_dyn(a)});
    assign(device, row, EINSUM("ii->i", a));
    require_equal(row, expected);
    fill();
    map_t<S, L, 0> first(memory.data());
    expected = naive_einsum<S>("ii->", {to_dyn(a)});
    assign(device, first, EINSUM("ii->", a));
    require_equal(first, expected);
  }
  SECTION("an identity, a permutation and a contraction shifted by some coefficients") {
    fill();
    map_t<S, L, 2> a(memory.data(), n, n), b(memory.data() + n * n, n, n);
    map_t<S, L, 2> shifted(memory.data() + 3, n, n);
    auto expected = naive_einsum<S>("ij->ij", {to_dyn(a)});
    assign(device, shifted, EINSUM("ij->ij", a));
    require_equal(shifted, expected);
    fill();
    expected = naive_einsum<S>("ij->ji", {to_dyn(a)});
    assign(device, shifted, EINSUM("ij->ji", a));
    require_equal(shifted, expected);
    fill();
    map_t<S, L, 2> across(memory.data() + n * n - 2, n, n);
    expected = naive_einsum<S>("ij,jk->ik", {to_dyn(a), to_dyn(b)});
    assign(device, across, EINSUM("ij,jk->ik", a, b));
    require_equal(across, expected);
    fill();
    map_t<S, L, 1> v(memory.data() + 2 * n * n, n);
    map_t<S, L, 2> outer(memory.data() + 2 * n * n + 1, n, n);
    expected = naive_einsum<S>("i,j->ij", {to_dyn(v), to_dyn(v)});
    assign(device, outer, EINSUM("i,j->ij", v, v));
    require_equal(outer, expected);
  }
}

TEST_CASE("einsum: a destination that does not overlap is written directly", "[aliasing]") {
  Eigen::Tensor<float, 2> a(4, 4), b(4, 4), c(4, 4);
  a.setRandom();
  b.setRandom();
  c = EINSUM("ij,jk->ik", a, b);
  const Eigen::Tensor<float, 2> expected =
      a.contract(b, Eigen::array<Eigen::IndexPair<int>, 1>{Eigen::IndexPair<int>(1, 0)});
  require_equal(c, to_dyn(expected));
  // An operand whose memory einsum cannot see (a TensorRef of an expression) is assumed to overlap.
  Eigen::TensorRef<Eigen::Tensor<float, 2>> ref(a + b);
  c = EINSUM("ij->ji", ref);
  const Eigen::Tensor<float, 2> sum = (a + b).shuffle(Eigen::array<int, 2>{1, 0});
  require_equal(c, to_dyn(sum));
}

TEST_CASE("einsum: a destination operand that Tensor::operator= resizes is a shape_error",
          "[aliasing]") {
  // Eigen resizes the destination before evaluating, which would change the operand under einsum.
  Eigen::Tensor<float, 2> r(2, 3), b(3, 4);
  r.setRandom();
  b.setRandom();
  REQUIRE_THROWS_WITH(r = EINSUM("ij->ji", r),
                      Catch::StartsWith("einsum: an operand was resized before the result was "
                                        "evaluated: the destination is also an operand"));
  Eigen::Tensor<float, 2> a(2, 3);
  a.setRandom();
  REQUIRE_THROWS_AS(a = EINSUM("ij,jk->ik", a, b), eigen_einsum::shape_error);
  // The cure the message gives.
  Eigen::Tensor<float, 2> t(2, 3);
  t.setValues({{1, 2, 3}, {4, 5, 6}});
  t = Eigen::Tensor<float, 2>(EINSUM("ij->ji", t));
  REQUIRE(t.dimension(0) == 3);
  REQUIRE(t(2, 1) == 6);
}
