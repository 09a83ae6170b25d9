// Checks the naive reference itself against hand-computed and numpy-computed values.
#include "support/naive_einsum.hpp"

#include <complex>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>
#include <unsupported/Eigen/CXX11/Tensor>

using Eigen::Index;
using eigen_einsum_test::dyn_tensor;
using eigen_einsum_test::from_row_major;
using eigen_einsum_test::naive_einsum;
using eigen_einsum_test::random_tensor;
using eigen_einsum_test::require_equal;
using eigen_einsum_test::to_dyn;
using eigen_einsum_test::to_tensor;

namespace {

// [[1, 2, 3], [4, 5, 6]]
dyn_tensor<int> matrix_a() {
  return from_row_major<int>({2, 3}, {1, 2, 3, 4, 5, 6});
}
// [[1, 0], [2, -1], [0, 3]]
dyn_tensor<int> matrix_b() {
  return from_row_major<int>({3, 2}, {1, 0, 2, -1, 0, 3});
}
// [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
dyn_tensor<int> square() {
  return from_row_major<int>({3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
}

} // namespace

TEST_CASE("naive_einsum: dyn_tensor stores ColMajor and from_row_major reads numpy order",
          "[naive_einsum]") {
  const dyn_tensor<int> m({2, 2}, {1, 3, 2, 4});
  CHECK(m({0, 1}) == 2);
  CHECK(m({1, 0}) == 3);
  require_equal(from_row_major<int>({2, 2}, {1, 2, 3, 4}), m);
  const dyn_tensor<int> scalar;
  CHECK(scalar.rank() == 0);
  CHECK(scalar.size() == 1);
  CHECK_THROWS_AS(dyn_tensor<int>({2, 2}, {1, 2, 3}), std::invalid_argument);
  CHECK_THROWS_AS(m({2, 0}), std::out_of_range);
}

TEST_CASE("naive_einsum: matrix product, trace, transpose, diagonal", "[naive_einsum]") {
  // [[1,2,3],[4,5,6]] . [[1,0],[2,-1],[0,3]] = [[5, 7], [14, 13]]
  require_equal(naive_einsum<int>("ij,jk->ik", {matrix_a(), matrix_b()}),
                from_row_major<int>({2, 2}, {5, 7, 14, 13}));
  require_equal(naive_einsum<int>("ii->", {square()}), dyn_tensor<int>({}, {15}));
  require_equal(naive_einsum<int>("ii", {square()}), dyn_tensor<int>({}, {15}));
  require_equal(naive_einsum<int>("ij->ji", {matrix_a()}),
                from_row_major<int>({3, 2}, {1, 4, 2, 5, 3, 6}));
  require_equal(naive_einsum<int>("ii->i", {square()}), dyn_tensor<int>({3}, {1, 5, 9}));
  // Spaces are ignored anywhere but inside "..." and "->".
  require_equal(naive_einsum<int>(" i j , j k -> i k ", {matrix_a(), matrix_b()}),
                from_row_major<int>({2, 2}, {5, 7, 14, 13}));
}

TEST_CASE("naive_einsum: implicit output keeps labels seen once, sorted", "[naive_einsum]") {
  require_equal(naive_einsum<int>("ij,jk", {matrix_a(), matrix_b()}),
                from_row_major<int>({2, 2}, {5, 7, 14, 13}));
  // "ba" means "ba->ab": a transpose.
  require_equal(naive_einsum<int>("ba", {matrix_a()}),
                from_row_major<int>({3, 2}, {1, 4, 2, 5, 3, 6}));
  // Uppercase sorts before lowercase: "bA,cb" means "bA,cb->Ac" (numpy).
  const auto e = from_row_major<int>({2, 3}, {-3, 2, 0, -2, 3, 1});
  const auto f = from_row_major<int>({4, 2}, {-3, 0, 3, -1, 2, -2, 1, -3});
  require_equal(naive_einsum<int>("bA,cb", {e, f}),
                from_row_major<int>({3, 4}, {9, -7, -2, 3, -6, 3, -2, -7, 0, -1, -2, -3}));
  // A label repeated in one operand appears twice, so it is summed: an outer product with a trace.
  require_equal(naive_einsum<int>("ii,j", {square(), dyn_tensor<int>({2}, {1, 2})}),
                dyn_tensor<int>({2}, {15, 30}));
}

TEST_CASE("naive_einsum: ellipsis broadcasts right-aligned with extent 1", "[naive_einsum]") {
  // a: batch extents (2, 1), b: batch extent (3): the result batch is (2, 3).
  dyn_tensor<int> a({2, 1, 1, 2});
  a({0, 0, 0, 0}) = 1;
  a({0, 0, 0, 1}) = 2;
  a({1, 0, 0, 0}) = 3;
  a({1, 0, 0, 1}) = 4;
  dyn_tensor<int> b({3, 2, 1});
  for (Index n = 0; n < 3; ++n) {
    b({n, 0, 0}) = static_cast<int>(n);
    b({n, 1, 0}) = 1;
  }
  dyn_tensor<int> expected({2, 3, 1, 1});
  for (Index m = 0; m < 2; ++m)
    for (Index n = 0; n < 3; ++n)
      expected({m, n, 0, 0}) = a({m, 0, 0, 0}) * b({n, 0, 0}) + a({m, 0, 0, 1}) * b({n, 1, 0});
  require_equal(naive_einsum<int>("...ij,...jk->...ik", {a, b}), expected);
  // The implicit output puts the ellipsis first.
  require_equal(naive_einsum<int>("...ij,...jk", {a, b}),
                naive_einsum<int>("...ij,...jk->...ik", {a, b}));

  // numpy: einsum('...i,...i->...', g (2,1,3), h (4,3))
  const auto g = from_row_major<int>({2, 1, 3}, {-3, 2, 0, -2, 3, 1});
  const auto h = from_row_major<int>({4, 3}, {-3, 0, 3, -1, 2, -2, 1, -3, 0, 3, -1, 2});
  require_equal(naive_einsum<int>("...i,...i->...", {g, h}),
                from_row_major<int>({2, 4}, {9, 7, -9, -11, 9, 6, -11, -7}));
  // An ellipsis of rank 0 is allowed anywhere.
  require_equal(naive_einsum<int>("...ij->i...j", {matrix_a()}), matrix_a());
}

TEST_CASE("naive_einsum: ellipsis at any output position, summed when left out", "[naive_einsum]") {
  const auto k = from_row_major<int>({2, 3, 4}, {-5, 0, 5,  -1, 4,  -2, 3,  -3, 2,  -4, 1,  -5,
                                                 0,  5, -1, 4,  -2, 3,  -3, 2,  -4, 1,  -5, 0});
  // numpy: einsum('i...j->j...i', k)
  require_equal(naive_einsum<int>("i...j->j...i", {k}),
                from_row_major<int>({4, 3, 2}, {-5, 0,  4, -2, 2, -4, 0,  5, -2, 3, -4, 1,
                                                5,  -1, 3, -3, 1, -5, -1, 4, -3, 2, -5, 0}));
  // numpy (optimize=True): einsum('...ij->j', k)
  require_equal(naive_einsum<int>("...ij->j", {k}), dyn_tensor<int>({4}, {-5, 3, 0, -3}));
}

TEST_CASE("naive_einsum: scalar operands and scalar outputs", "[naive_einsum]") {
  const dyn_tensor<double> three({}, {3.0});
  const dyn_tensor<double> two({}, {2.0});
  require_equal(naive_einsum<double>("", {three}), three);
  require_equal(naive_einsum<double>("->", {three}), three);
  require_equal(naive_einsum<double>(",->", {three, two}), dyn_tensor<double>({}, {6.0}));
  require_equal(naive_einsum<double>(",i", {two, dyn_tensor<double>({3}, {1, 2, 3})}),
                dyn_tensor<double>({3}, {2, 4, 6}));
  require_equal(naive_einsum<double>("i->", {dyn_tensor<double>({3}, {1, 2, 3})}),
                dyn_tensor<double>({}, {6.0}));
}

TEST_CASE("naive_einsum: zero extents give empty tensors or zero sums", "[naive_einsum]") {
  require_equal(
      naive_einsum<float>("ij,jk->ik", {dyn_tensor<float>({2, 0}), dyn_tensor<float>({0, 3})}),
      dyn_tensor<float>({2, 3}));
  require_equal(naive_einsum<float>("i,i", {dyn_tensor<float>({0}), dyn_tensor<float>({0})}),
                dyn_tensor<float>({}, {0.0f}));
  require_equal(naive_einsum<float>("ij->ji", {dyn_tensor<float>({0, 4})}),
                dyn_tensor<float>({4, 0}));
  // numpy: extent 0 broadcasts against extent 1 into extent 0.
  require_equal(naive_einsum<float>("...,...", {dyn_tensor<float>({0, 1}), dyn_tensor<float>({1})}),
                dyn_tensor<float>({0, 1}));
}

TEST_CASE("naive_einsum: matches numpy on batched, diagonal, three-operand and complex cases",
          "[naive_einsum]") {
  const auto a = from_row_major<int>({2, 2, 3}, {-5, 2, -2, 5, 1, -3, 4, 0, -4, 3, -1, -5});
  const auto b = from_row_major<int>(
      {2, 3, 3}, {-4, 1, -3, 2, -2, 3, -1, 4, 0, -4, 1, -3, 2, -2, 3, -1, 4, 0});
  require_equal(
      naive_einsum<int>("bij,bjk->bik", {a, b}),
      from_row_major<int>({2, 2, 3}, {26, -17, 21, -15, -9, -12, -12, -12, -12, -9, -15, -12}));

  const auto c = from_row_major<int>(
      {3, 3, 2}, {-3, 2, 0, -2, 3, 1, -1, -3, 2, 0, -2, 3, 1, -1, -3, 2, 0, -2});
  const auto d = from_row_major<int>({2, 4}, {-2, 1, -1, 2, 0, -2, 1, -1});
  require_equal(naive_einsum<int>("iij,jk->ki", {c, d}),
                from_row_major<int>({4, 3}, {6, -4, 0, -7, 2, 4, 5, -2, -2, -8, 4, 2}));

  const dyn_tensor<int> x({3}, {1, -2, 3});
  const dyn_tensor<int> y({3}, {2, 0, -1});
  const dyn_tensor<int> z({3}, {3, 1, 2});
  require_equal(naive_einsum<int>("i,i,i->", {x, y, z}), dyn_tensor<int>({}, {0}));
  require_equal(naive_einsum<int>("i,i,i->i", {x, y, z}), dyn_tensor<int>({3}, {6, 0, -6}));

  using cd = std::complex<double>;
  const auto m = from_row_major<cd>({3, 2}, {{1, 2}, {0, -1}, {3, 0}, {2, -1}, {0, 0.5}, {-2, 0}});
  const dyn_tensor<cd> v({2}, {{1, -1}, {2, 0.5}});
  require_equal(naive_einsum<cd>("ij,j->i", {m, v}),
                dyn_tensor<cd>({3}, {{3.5, -1}, {7.5, -4}, {-3.5, -0.5}}));
}

TEST_CASE("naive_einsum: malformed subscripts and mismatched extents throw", "[naive_einsum]") {
  const dyn_tensor<int> v({3});
  const dyn_tensor<int> m({3, 4});
  CHECK_THROWS_AS(naive_einsum<int>("..i", {v}), std::invalid_argument);
  CHECK_THROWS_AS(naive_einsum<int>(". ..i", {v}), std::invalid_argument);
  CHECK_THROWS_AS(naive_einsum<int>("......", {v}), std::invalid_argument);
  CHECK_THROWS_AS(naive_einsum<int>("i1", {m}), std::invalid_argument);
  CHECK_THROWS_AS(naive_einsum<int>("i-j", {v}), std::invalid_argument);
  CHECK_THROWS_AS(naive_einsum<int>("i- >i", {v}), std::invalid_argument);
  CHECK_THROWS_AS(naive_einsum<int>("i->i->i", {v}), std::invalid_argument);
  CHECK_THROWS_AS(naive_einsum<int>("i->ii", {v}), std::invalid_argument);
  CHECK_THROWS_AS(naive_einsum<int>("i->j", {v}), std::invalid_argument);
  CHECK_THROWS_AS(naive_einsum<int>("i,->i", {v}), std::invalid_argument);
  CHECK_THROWS_AS(naive_einsum<int>("i->i", {v, v}), std::invalid_argument);
  CHECK_THROWS_AS(naive_einsum<int>("i", {m}), std::invalid_argument);
  CHECK_THROWS_AS(naive_einsum<int>("ij", {v}), std::invalid_argument);
  CHECK_THROWS_AS(naive_einsum<int>("...ij", {v}), std::invalid_argument);
  CHECK_THROWS_AS(naive_einsum<int>("ii->i", {m}), std::invalid_argument);
  CHECK_THROWS_AS(naive_einsum<int>("i,i", {v, dyn_tensor<int>({4})}), std::invalid_argument);
  CHECK_THROWS_AS(naive_einsum<int>("...,...", {dyn_tensor<int>({2}), v}), std::invalid_argument);
  // Unlike numpy's quirk, a labelled extent of 1 does not broadcast.
  CHECK_THROWS_AS(naive_einsum<int>("ij,jk", {dyn_tensor<int>({2, 1}), m}), std::invalid_argument);
  CHECK_THROWS_WITH(naive_einsum<int>("ij,jk", {m, m}),
                    "naive_einsum: label 'j' has extent 4 in operand 0 but 3 in operand 1");
}

TEMPLATE_TEST_CASE("naive_einsum: to_dyn reads Eigen tensors of either layout by index",
                   "[naive_einsum]", float, double, int, std::complex<float>,
                   std::complex<double>) {
  const auto col = random_tensor<TestType, 3, Eigen::ColMajor>({2, 3, 4}, 7);
  const auto row = random_tensor<TestType, 3, Eigen::RowMajor>({2, 3, 4}, 7);
  const auto dyn = to_dyn(col);
  REQUIRE(dyn.dims == std::vector<Index>{2, 3, 4});
  CHECK(dyn({1, 2, 3}) == col(1, 2, 3));
  CHECK(dyn({1, 0, 2}) == col(1, 0, 2));
  // Same seed, same logical coefficients in either layout.
  require_equal(row, dyn);
  require_equal(to_tensor<3, Eigen::RowMajor>(dyn), dyn);

  // TensorMap, TensorFixedSize, an unevaluated expression, and rank 0.
  Eigen::TensorMap<const Eigen::Tensor<TestType, 3, Eigen::RowMajor>> map(row.data(), 2, 3, 4);
  require_equal(map, dyn);
  Eigen::TensorFixedSize<TestType, Eigen::Sizes<2, 3, 4>, Eigen::RowMajor> fixed;
  fixed = row;
  require_equal(fixed, dyn);
  require_equal(row.shuffle(Eigen::array<Index, 3>{2, 0, 1}),
                naive_einsum<TestType>("ijk->kij", {dyn}));
  const Eigen::Tensor<TestType, 0, Eigen::RowMajor> total = row.sum();
  require_equal(total, naive_einsum<TestType>("ijk->", {dyn}));
  require_equal(random_tensor<TestType, 0>({}, 3),
                to_dyn(random_tensor<TestType, 0, Eigen::RowMajor>({}, 3)));
}

TEMPLATE_TEST_CASE("naive_einsum: random_tensor is reproducible and small", "[naive_einsum]", float,
                   double, int, std::complex<double>) {
  const auto a = random_tensor<TestType, 2>({5, 6}, 42);
  const auto b = random_tensor<TestType, 2>({5, 6}, 42);
  require_equal(a, to_dyn(b));
  const auto c = to_dyn(random_tensor<TestType, 2>({5, 6}, 43));
  CHECK(c.data != to_dyn(a).data);
  for (const TestType& value : to_dyn(a).data) {
    if constexpr (std::is_same_v<TestType, int>) {
      CHECK((-3 <= value && value <= 3));
    } else if constexpr (std::is_same_v<TestType, std::complex<double>>) {
      CHECK((std::abs(value.real()) <= 1 && std::abs(value.imag()) <= 1));
    } else {
      CHECK(std::abs(value) <= 1);
    }
  }
}

TEST_CASE("naive_einsum: require_equal tolerates rounding but not real differences",
          "[naive_einsum]") {
  const dyn_tensor<float> f({2}, {1.0f, 1000.0f});
  require_equal(dyn_tensor<float>({2}, {1.00001f, 1000.05f}), f);
  const dyn_tensor<double> d({1}, {1.0});
  require_equal(dyn_tensor<double>({1}, {1.0 + 1e-12}), d);
  using cf = std::complex<float>;
  require_equal(dyn_tensor<cf>({1}, {{1.00001f, -2.00001f}}), dyn_tensor<cf>({1}, {{1.0f, -2.0f}}));
}

// A deliberate mismatch, run with `[!shouldfail]`, shows require_equal can fail and what it prints.
TEST_CASE("naive_einsum: require_equal reports the first differing coefficient",
          "[naive_einsum][!shouldfail]") {
  require_equal(from_row_major<double>({2, 2}, {1, 2, 3, 4.5}),
                from_row_major<double>({2, 2}, {1, 2, 3, 4}));
}
