// End-to-end tests of einsum.hpp against the independent naive loop einsum in test/support, over
// scalar types and both layouts.
// ThreadPoolDevice needs this before Eigen is first included.
#define EIGEN_USE_THREADS

#include "support/check.hpp"

#include <eigen_einsum/einsum.hpp>

#include <catch2/catch.hpp>

#include <complex>
#include <cstdint>

namespace {

using Eigen::Index;
using eigen_einsum_test::check;
using eigen_einsum_test::config;
using eigen_einsum_test::naive_einsum;
using eigen_einsum_test::random_tensor;
using eigen_einsum_test::require_equal;
using eigen_einsum_test::to_dyn;

} // namespace

#define EINSUM_CONFIGS                                                                             \
  (config<float, Eigen::ColMajor>), (config<float, Eigen::RowMajor>),                              \
      (config<double, Eigen::ColMajor>), (config<double, Eigen::RowMajor>),                        \
      (config<int, Eigen::ColMajor>), (config<int, Eigen::RowMajor>),                              \
      (config<std::complex<float>, Eigen::ColMajor>),                                              \
      (config<std::complex<float>, Eigen::RowMajor>), (config<std::int64_t, Eigen::RowMajor>),     \
      (config<std::complex<double>, Eigen::ColMajor>)

TEMPLATE_TEST_CASE("einsum: the walkthrough examples match the naive loops", "[einsum]",
                   EINSUM_CONFIGS) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const auto a = random_tensor<S, 2, L>({3, 4}, 1);
  const auto b = random_tensor<S, 2, L>({4, 5}, 2);
  const auto m = random_tensor<S, 2, L>({3, 6}, 3);
  const auto n = random_tensor<S, 2, L>({5, 6}, 4);
  const auto v = random_tensor<S, 1, L>({7}, 5);
  const auto w = random_tensor<S, 1, L>({7}, 6);
  const auto u = random_tensor<S, 1, L>({2}, 7);
  CHECK_EINSUM("ij->ji", a);
  CHECK_EINSUM("i->", v);
  CHECK_EINSUM("ij->", a);
  CHECK_EINSUM("ij->i", a);
  CHECK_EINSUM("ij->j", a);
  CHECK_EINSUM("i,i->", v, w);
  CHECK_EINSUM("i,i->i", v, w);
  CHECK_EINSUM("i,j->ij", v, u);
  CHECK_EINSUM("md,nd->mn", m, n);
  CHECK_EINSUM("ij,jk->ik", a, b);
}

// Each scalar type and each layout once: every lowering instantiated for all ten would double
// the build time of this file.
TEMPLATE_TEST_CASE("einsum: every lowering matches the naive loops", "[einsum]",
                   (config<float, Eigen::ColMajor>), (config<double, Eigen::RowMajor>),
                   (config<int, Eigen::RowMajor>), (config<std::complex<float>, Eigen::ColMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const auto a = random_tensor<S, 2, L>({3, 4}, 11);
  const auto b = random_tensor<S, 2, L>({4, 5}, 12);
  const auto c = random_tensor<S, 3, L>({3, 4, 5}, 13);
  const auto d = random_tensor<S, 3, L>({2, 4, 3}, 14);
  const auto e = random_tensor<S, 3, L>({5, 4, 2}, 21);
  const auto c4 = random_tensor<S, 4, L>({2, 3, 4, 5}, 22);
  const auto sq = random_tensor<S, 2, L>({4, 4}, 15);
  const auto cube = random_tensor<S, 3, L>({4, 4, 4}, 16);
  const auto sqj = random_tensor<S, 3, L>({4, 4, 2}, 17);
  const auto iji = random_tensor<S, 3, L>({4, 3, 4}, 18);
  const auto v = random_tensor<S, 1, L>({4}, 19);
  const auto s = random_tensor<S, 0, L>({}, 20);
  // identity, permutation, implicit output
  CHECK_EINSUM("ij->ij", a);
  CHECK_EINSUM("ij", a);
  CHECK_EINSUM("ji", a);
  CHECK_EINSUM("ijk->kji", c);
  CHECK_EINSUM("ijk->jki", c);
  // summed labels: inner, outer, middle, mixed
  CHECK_EINSUM("ijk->j", c);
  CHECK_EINSUM("ijk->ik", c);
  CHECK_EINSUM("ijk->i", c);
  CHECK_EINSUM("ijk->k", c);
  CHECK_EINSUM("ijk->kj", c);
  CHECK_EINSUM("ijk->", c);
  CHECK_EINSUM("ijkl->ik", c4);
  CHECK_EINSUM("ijkl->jk", c4);
  CHECK_EINSUM("ijkl->j", c4);
  // diagonals: summed (trace), kept (view), both
  CHECK_EINSUM("ii->", sq);
  CHECK_EINSUM("ii", sq);
  CHECK_EINSUM("iij->j", sqj);
  CHECK_EINSUM("iii->", cube);
  CHECK_EINSUM("ii->i", sq);
  CHECK_EINSUM("iii->i", cube);
  CHECK_EINSUM("iji->ij", iji);
  CHECK_EINSUM("iji->ji", iji);
  CHECK_EINSUM("iij->", sqj);
  CHECK_EINSUM("iij->ji", sqj);
  // contractions with and without a final shuffle, summed labels in one operand
  CHECK_EINSUM("ij,jk->ki", a, b);
  CHECK_EINSUM("ij,jk", a, b);
  CHECK_EINSUM("ij,jk->k", a, b);
  CHECK_EINSUM("ij,jk->", a, b);
  CHECK_EINSUM("ijk,ljm->ikml", c, d);
  CHECK_EINSUM("ijk,ljm->mlik", c, d);
  CHECK_EINSUM("ijk,kjl->il", c, e);
  CHECK_EINSUM("ii,ij->j", sq, a.shuffle(std::array<int, 2>{1, 0}));
  // products: outer, Hadamard, broadcast, transposed, with a scalar operand
  CHECK_EINSUM("ij,ij->ij", a, a);
  CHECK_EINSUM("ij,ji->ij", sq, sq);
  CHECK_EINSUM("ij,j->ij", sq, v);
  CHECK_EINSUM("ij,i->ji", sq, v);
  CHECK_EINSUM("i,jk->kij", v, a);
  CHECK_EINSUM(",ij->ij", s, a);
  CHECK_EINSUM("ij,->ji", a, s);
  CHECK_EINSUM(",->", s, s);
  CHECK_EINSUM("->", s);
  CHECK_EINSUM("ij,ij->", a, a);
  CHECK_EINSUM("ij,ji->", sq, sq);
  CHECK_EINSUM("i,i", v, v);
}

TEMPLATE_TEST_CASE("einsum: '...' and broadcasting match the naive loops", "[einsum]",
                   (config<float, Eigen::ColMajor>), (config<double, Eigen::RowMajor>),
                   (config<int, Eigen::ColMajor>),
                   (config<std::complex<double>, Eigen::RowMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const auto a = random_tensor<S, 3, L>({5, 2, 3}, 1);
  const auto b = random_tensor<S, 2, L>({3, 4}, 2);
  const auto b5 = random_tensor<S, 3, L>({5, 3, 4}, 3);
  const auto b1 = random_tensor<S, 3, L>({1, 3, 4}, 4);
  const auto r13 = random_tensor<S, 2, L>({1, 3}, 5);
  const auto r53 = random_tensor<S, 2, L>({5, 3}, 6);
  const auto d = random_tensor<S, 3, L>({4, 1, 3}, 7);
  const auto c4 = random_tensor<S, 4, L>({2, 5, 6, 3}, 8);
  const auto v = random_tensor<S, 1, L>({3}, 9);
  const auto s = random_tensor<S, 0, L>({}, 10);
  // '...' at the start, middle and end, in the output anywhere, implicit output first.
  CHECK_EINSUM("...ij,jk->...ik", a, b);
  CHECK_EINSUM("...ij,...jk->...ik", a, b5);
  CHECK_EINSUM("...ij,...jk", a, b5);
  CHECK_EINSUM("...ij", a);
  CHECK_EINSUM("i...j", c4);
  CHECK_EINSUM("i...j->...ij", c4);
  CHECK_EINSUM("i...j->j...i", c4);
  CHECK_EINSUM("ij...->...", c4);
  CHECK_EINSUM("ij->...ij", b);
  CHECK_EINSUM("i...->...", v);
  CHECK_EINSUM("...->...", s);
  CHECK_EINSUM("...,...->...", a, v);
  // Dimensions under '...' left out of an explicit output are summed.
  CHECK_EINSUM("...ij->ij", a);
  CHECK_EINSUM("...ij,...jk->ik", a, b5);
  // Extent 1 broadcasts, on either side, with different counts of dimensions.
  CHECK_EINSUM("...ij,...jk->...ik", a, b1);
  CHECK_EINSUM("...i,...i", r13, r53);
  CHECK_EINSUM("...i,...i", r53, r13);
  CHECK_EINSUM("...i,...i->...", d, r53);
  CHECK_EINSUM("...i,...i->i", d, r53);
  CHECK_EINSUM("...i,...i,...->...", d, r53, d.chip(0, 2));
}

TEMPLATE_TEST_CASE("einsum: odd extents", "[einsum]", (config<float, Eigen::ColMajor>),
                   (config<int, Eigen::RowMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const auto empty = random_tensor<S, 2, L>({0, 3}, 1);
  const auto rows = random_tensor<S, 2, L>({3, 0}, 2);
  const auto one = random_tensor<S, 2, L>({1, 1}, 3);
  const auto a = random_tensor<S, 2, L>({3, 4}, 4);
  CHECK_EINSUM("ij->i", empty);
  CHECK_EINSUM("ij->j", empty);
  CHECK_EINSUM("ij->", empty);
  CHECK_EINSUM("ij->ji", empty);
  CHECK_EINSUM("ij,jk->ik", empty, a);
  CHECK_EINSUM("ij,jk->ik", rows, empty);
  CHECK_EINSUM("ii->i", one);
  CHECK_EINSUM("ii->", one);
  CHECK_EINSUM("ij,jk->ik", one, one);
  // Zero extents where Eigen's own ops fail: GEMM blocking divides by a contracted extent of 0
  // once an extent reaches 48; broadcast asserts on an input extent of 0.
  const auto k0a = random_tensor<S, 2, L>({48, 0}, 8);
  const auto k0b = random_tensor<S, 2, L>({0, 3}, 9);
  const auto none = random_tensor<S, 1, L>({0}, 10);
  const auto three = random_tensor<S, 1, L>({3}, 11);
  const auto unit = random_tensor<S, 1, L>({1}, 12);
  const auto scalar = random_tensor<S, 0, L>({}, 13);
  CHECK_EINSUM("ij,jk->ik", k0a, k0b);
  CHECK_EINSUM("i,j->ij", none, three);
  CHECK_EINSUM("ij,j->ji", empty.shuffle(std::array<int, 2>{1, 0}), none);
  CHECK_EINSUM("...,...->...", unit, none);
  const Eigen::Tensor<S, 2, L> composed = EINSUM("ij,jk->ik", k0a, k0b) + S(1);
  REQUIRE(composed(47, 2) == S(1));
  // A 1-D broadcast of extent 1 (Eigen 3.4 returns garbage for it in ColMajor).
  CHECK_EINSUM("i,->i", three, scalar);
  CHECK_EINSUM(",i", scalar, three);
  CHECK_EINSUM("...,...->...", unit, three);
  // Outer sums over more rows than one pass adds (8), with extents no packet divides.
  const auto tall = random_tensor<S, 2, L>({37, 13}, 5);
  const auto wide = random_tensor<S, 2, L>({13, 37}, 6);
  const auto block = random_tensor<S, 3, L>({9, 13, 35}, 7);
  CHECK_EINSUM("ij->j", tall);
  CHECK_EINSUM("ij->i", tall);
  CHECK_EINSUM("ij->j", wide);
  CHECK_EINSUM("ij->i", wide);
  CHECK_EINSUM("ijk->j", block);
}

TEST_CASE("einsum: a large diagonal has the right extent", "[einsum]") {
  // Eigen's stride op computes extents in float; 4097 is where that goes wrong.
  Eigen::Tensor<float, 2> a(4097, 4097);
  a.setZero();
  for (Index i = 0; i < 4097; ++i) {
    a(i, i) = static_cast<float>(i);
  }
  const Eigen::Tensor<float, 1> d = EINSUM("ii->i", a);
  REQUIRE(d.dimension(0) == 4097);
  REQUIRE(d(4096) == 4096.f);
}

TEST_CASE("einsum: operands may be any Eigen tensor expression", "[einsum]") {
  const auto a = random_tensor<float, 2, Eigen::ColMajor>({3, 4}, 1);
  const auto b = random_tensor<float, 2, Eigen::ColMajor>({4, 5}, 2);
  Eigen::Tensor<float, 2> bb = b;
  const Eigen::TensorMap<const Eigen::Tensor<float, 2>> map(b.data(), 4, 5);
  const Eigen::TensorRef<Eigen::Tensor<float, 2>> ref(bb);
  Eigen::TensorFixedSize<float, Eigen::Sizes<3, 4>> fixed;
  fixed = a;
  CHECK_EINSUM("ij,jk->ik", a + a, b);
  CHECK_EINSUM("ij,jk->ik", a, map);
  CHECK_EINSUM("ij,jk->ik", fixed, ref);
  CHECK_EINSUM("ij->ji", a.conjugate());
  CHECK_EINSUM("i,i->", a.chip(0, 1), a.chip(1, 1));
  CHECK_EINSUM("ij,jk->ik", a * 2.f, (b + b).eval());
  const Eigen::Tensor<float, 2> from_fixed = EINSUM("ij->ji", fixed);
  REQUIRE(from_fixed.dimension(0) == 4);
}

TEST_CASE("einsum: the result is a lazy expression that composes", "[einsum]") {
  const auto a = random_tensor<float, 2, Eigen::ColMajor>({3, 4}, 1);
  const auto b = random_tensor<float, 2, Eigen::ColMajor>({4, 5}, 2);
  const auto c = random_tensor<float, 2, Eigen::ColMajor>({3, 5}, 3);
  const Eigen::Tensor<float, 2> ab = EINSUM("ij,jk->ik", a, b);
  const Eigen::Tensor<float, 2> got = (EINSUM("ij,jk->ik", a, b) * 2.f + c).exp();
  const Eigen::Tensor<float, 2> expected = (ab * 2.f + c).exp();
  require_equal(got, to_dyn(expected));
  const Eigen::Tensor<float, 2> evaluated = EINSUM("ij->ji", a).eval();
  require_equal(evaluated, naive_einsum<float>("ij->ji", {to_dyn(a)}));
  Eigen::Tensor<float, 2> into(5, 3);
  Eigen::TensorMap<Eigen::Tensor<float, 2>> map(into.data(), 5, 3);
  map = EINSUM("ij,jk->ki", a, b);
  require_equal(into, naive_einsum<float>("ij,jk->ki", {to_dyn(a), to_dyn(b)}));
  Eigen::TensorFixedSize<float, Eigen::Sizes<3, 5>> fixed;
  fixed = EINSUM("ij,jk->ik", a, b);
  require_equal(fixed, to_dyn(ab));
}

TEST_CASE("einsum: evaluates on DefaultDevice and ThreadPoolDevice", "[einsum]") {
  const auto a = random_tensor<float, 2, Eigen::RowMajor>({40, 50}, 1);
  const auto b = random_tensor<float, 2, Eigen::RowMajor>({50, 60}, 2);
  const auto c = random_tensor<float, 3, Eigen::RowMajor>({20, 30, 40}, 3);
  Eigen::ThreadPool pool(2);
  const Eigen::ThreadPoolDevice threads(&pool, 2);
  const Eigen::DefaultDevice serial;
  Eigen::Tensor<float, 2, Eigen::RowMajor> ab(40, 60), ba(60, 40);
  ab.device(threads) = EINSUM("ij,jk->ik", a, b);
  require_equal(ab, naive_einsum<float>("ij,jk->ik", {to_dyn(a), to_dyn(b)}));
  ba.device(serial) = EINSUM("ij,jk->ki", a, b);
  require_equal(ba, naive_einsum<float>("ij,jk->ki", {to_dyn(a), to_dyn(b)}));
  Eigen::Tensor<float, 1, Eigen::RowMajor> j(30);
  j.device(threads) = EINSUM("ijk->j", c);
  require_equal(j, naive_einsum<float>("ijk->j", {to_dyn(c)}));
  Eigen::Tensor<float, 2, Eigen::RowMajor> ki(40, 20);
  ki.device(threads) = EINSUM("ijk->ki", c);
  require_equal(ki, naive_einsum<float>("ijk->ki", {to_dyn(c)}));
}

TEST_CASE("einsum: extents that disagree throw shape_error before writing", "[einsum]") {
  const auto a = random_tensor<float, 2, Eigen::ColMajor>({2, 3}, 1);
  const auto b = random_tensor<float, 2, Eigen::ColMajor>({4, 5}, 2);
  Eigen::Tensor<float, 2> dst(2, 5);
  dst.setConstant(7.f);
  REQUIRE_THROWS_AS(dst = EINSUM("ij,jk->ik", a, b), eigen_einsum::shape_error);
  REQUIRE_THROWS_WITH(EINSUM("ij,jk->ik", a, b),
                      "einsum: label 'j' has extent 3 in operand 0 but 4 in operand 1, in "
                      "\"ij,jk->ik\" with operand shapes (2,3), (4,5)");
  REQUIRE_THROWS_WITH(EINSUM("ii->i", a),
                      "einsum: label 'i' has extent 2 in operand 0 but 3 in operand 0, in "
                      "\"ii->i\" with operand shape (2,3)");
  REQUIRE(dst(0, 0) == 7.f);
  const auto r = random_tensor<float, 3, Eigen::ColMajor>({2, 3, 4}, 3);
  const auto q = random_tensor<float, 3, Eigen::ColMajor>({3, 4, 5}, 4);
  REQUIRE_THROWS_WITH(EINSUM("...ij,...jk", r, q),
                      "einsum: the dimensions under '...' do not broadcast: axis 0 of operand 0 "
                      "has extent 2 but axis 0 of operand 1 has extent 3, and only extent 1 "
                      "broadcasts, in \"...ij,...jk\" with operand shapes (2,3,4), (3,4,5)");
}
