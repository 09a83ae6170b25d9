// End-to-end tests of three or more operands against the naive loop einsum: contraction
// orders chosen at compile time and at run time, explicit paths, memory limits, long chains.
// REQUIRES: c++20
#include "support/check.hpp"

#include <eigen_einsum/einsum.hpp>

#include <catch2/catch.hpp>

#include <cmath>

namespace {

using eigen_einsum::einsum;
using eigen_einsum_test::check;
using eigen_einsum_test::config;
using eigen_einsum_test::naive_einsum;
using eigen_einsum_test::random_tensor;
using eigen_einsum_test::require_equal;
using eigen_einsum_test::to_dyn;

/// Whether einsum's result (inside its alias guard) chooses among orders at run time.
template <class T>
struct is_choice : std::false_type {};
template <class... X>
struct is_choice<eigen_einsum::detail::TensorChoiceOp<X...>> : std::true_type {};
template <class X, class Regions>
struct is_choice<eigen_einsum::detail::TensorAliasGuardOp<X, Regions>> : is_choice<X> {};

} // namespace

TEMPLATE_TEST_CASE("einsum: networks of three or more operands match the naive loops",
                   "[einsum][network]", (config<float, Eigen::ColMajor>),
                   (config<double, Eigen::RowMajor>), (config<int, Eigen::ColMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const auto tall = random_tensor<S, 2, L>({12, 2}, 1);
  const auto wide = random_tensor<S, 2, L>({2, 12}, 2);
  const auto sq = random_tensor<S, 2, L>({3, 3}, 3);
  const auto cube = random_tensor<S, 3, L>({3, 3, 3}, 4);
  const auto v = random_tensor<S, 1, L>({3}, 5);
  const auto bn = random_tensor<S, 2, L>({4, 5}, 6);
  const auto anm = random_tensor<S, 3, L>({2, 5, 3}, 7);
  const auto bm = random_tensor<S, 2, L>({4, 3}, 8);
  const auto abcd = random_tensor<S, 4, L>({2, 3, 2, 3}, 9);
  const auto batch = random_tensor<S, 3, L>({2, 3, 3}, 10);
  // A chain whose best order depends on the extents: both orders are taken.
  CHECK_EINSUM("ij,jk,kl->il", tall, wide, tall);
  CHECK_EINSUM("ij,jk,kl->il", wide, tall, wide);
  CHECK_EINSUM("ij,jk,kl", tall, wide, tall);
  CHECK_EINSUM("abc,bcd,cde->ae", cube, cube, cube);
  CHECK_EINSUM("bn,anm,bm->ba", bn, anm, bm);
  const auto ea = random_tensor<S, 2, L>({3, 2}, 11);
  const auto fb = random_tensor<S, 2, L>({2, 3}, 12);
  const auto gc = random_tensor<S, 2, L>({2, 2}, 13);
  const auto hd = random_tensor<S, 2, L>({3, 3}, 14);
  CHECK_EINSUM("ea,fb,abcd,gc,hd->efgh", ea, fb, abcd, gc, hd);
  CHECK_EINSUM("ea,fb,abcd,gc,hd->efgh", ea + ea, fb, abcd, gc.shuffle(std::array<int, 2>{1, 0}),
               hd);
  // a label in three operands, outer products, traces, diagonals, batch labels
  CHECK_EINSUM("i,i,i->i", v, v, v);
  CHECK_EINSUM("i,i,i->", v, v, v);
  CHECK_EINSUM("ij,ik,il->ijkl", sq, sq, sq);
  CHECK_EINSUM("ij,jk,ki->", sq, sq, sq);
  CHECK_EINSUM("ii,ij,jk->k", sq, sq, sq);
  CHECK_EINSUM("bij,bjk,bkl->bil", batch, batch, batch);
  CHECK_EINSUM("bij,bjk,bkl->lib", batch, batch, batch);
  CHECK_EINSUM("i,j,k->kji", v, v, v);
  CHECK_EINSUM("ij,jk,kl,lm->im", sq, sq, sq, sq);
}

TEST_CASE("einsum: dynamic extents choose among orders at run time", "[einsum][network]") {
  const auto a = random_tensor<float, 2, Eigen::ColMajor>({12, 2}, 1);
  const auto b = random_tensor<float, 2, Eigen::ColMajor>({2, 12}, 2);
  auto expr = einsum<"ij,jk,kl->il">(a, b, a);
  STATIC_REQUIRE(is_choice<decltype(expr)>::value);
  const auto tall = eigen_einsum::einsum_path<"ij,jk,kl->il">(a, b, a);
  const auto wide = eigen_einsum::einsum_path<"ij,jk,kl->il">(b, a, b);
  REQUIRE(tall.path != wide.path);
}

TEST_CASE("einsum: fixed extents choose the order at compile time", "[einsum][network]") {
  Eigen::TensorFixedSize<float, Eigen::Sizes<12, 2>> a;
  Eigen::TensorFixedSize<float, Eigen::Sizes<2, 12>> b;
  a.setRandom();
  b.setRandom();
  auto expr = einsum<"ij,jk,kl->il">(a, b, a);
  STATIC_REQUIRE(!is_choice<decltype(expr)>::value);
  const Eigen::Tensor<float, 2> a_dyn = a, b_dyn = b;
  CHECK_EINSUM("ij,jk,kl->il", a, b, a);
  REQUIRE(eigen_einsum::einsum_path<"ij,jk,kl->il">(a, b, a).path ==
          eigen_einsum::einsum_path<"ij,jk,kl->il">(a_dyn, b_dyn, a_dyn).path);
}

TEST_CASE("einsum: fixed extents charge copies as the run-time choice does", "[einsum][network]") {
  // The outer product bn,bm->bnm first has the fewest FLOPs but copies its 4096 elements into
  // the GEMM's layout; anm,bm->anb first copies only 8192 bytes of anb.
  Eigen::TensorFixedSize<float, Eigen::Sizes<32, 16>> bn;
  Eigen::TensorFixedSize<float, Eigen::Sizes<16, 16, 8>> anm;
  Eigen::TensorFixedSize<float, Eigen::Sizes<32, 8>> bm;
  bn.setRandom();
  anm.setRandom();
  bm.setRandom();
  const Eigen::Tensor<float, 2> bn_dyn = bn, bm_dyn = bm;
  const Eigen::Tensor<float, 3> anm_dyn = anm;
  const auto fixed = eigen_einsum::einsum_path<"bn,anm,bm->ba">(bn, anm, bm);
  REQUIRE(fixed.path == std::vector<std::pair<int, int>>{{1, 2}, {0, 1}});
  REQUIRE(fixed.path == eigen_einsum::einsum_path<"bn,anm,bm->ba">(bn_dyn, anm_dyn, bm_dyn).path);
  CHECK_EINSUM("bn,anm,bm->ba", bn, anm, bm);
}

TEST_CASE("einsum: an explicit path and a memory limit", "[einsum][network]") {
  const auto a = random_tensor<float, 2, Eigen::RowMajor>({12, 2}, 1);
  const auto b = random_tensor<float, 2, Eigen::RowMajor>({2, 12}, 2);
  using left_to_right = eigen_einsum::path<0, 1, 0, 1>;
  check("ij,jk,kl->il", einsum<"ij,jk,kl->il", left_to_right>(a, b, a), a, b, a);
  REQUIRE(eigen_einsum::einsum_path<"ij,jk,kl->il", left_to_right>(a, b, a).path ==
          std::vector<std::pair<int, int>>{{0, 1}, {0, 1}});
  check("ij,jk,kl->il", einsum<"ij,jk,kl->il", eigen_einsum::path<1, 2, 0, 1>>(a, b, a), a, b, a);
  // The cheap order's intermediate (kl contracted first: 2x2) fits in 4 elements.
  const auto limited =
      eigen_einsum::einsum_path<"ij,jk,kl->il", eigen_einsum::memory_limit<4>>(a, b, a);
  REQUIRE(limited.largest_intermediate <= 144);
  check("ij,jk,kl->il", einsum<"ij,jk,kl->il", eigen_einsum::memory_limit<4>>(a, b, a), a, b, a);
}

TEST_CASE("einsum: long chains use the greedy order", "[einsum][network]") {
  const auto m = random_tensor<double, 2, Eigen::ColMajor>({2, 2}, 1);
  check("ab,bc,cd,de,ef,fg,gh,hi,ij,jk->ak",
        einsum<"ab,bc,cd,de,ef,fg,gh,hi,ij,jk->ak">(m, m, m, m, m, m, m, m, m, m), m, m, m, m, m, m,
        m, m, m, m);
  const Eigen::Tensor<double, 2> chain26 =
      einsum<"ab,bc,cd,de,ef,fg,gh,hi,ij,jk,kl,lm,mn,no,op,pq,qr,rs,st,tu,uv,vw,wx,xy,yz,zA->aA">(
          m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m);
  Eigen::Tensor<double, 2> expected = m;
  for (int k = 1; k < 26; ++k) {
    const Eigen::Tensor<double, 2> next = einsum<"ij,jk->ik">(expected, m);
    expected = next;
  }
  require_equal(chain26, to_dyn(expected));
}

TEST_CASE("einsum: 52 operands, every label a-z A-Z", "[einsum][network]") {
  // A ring: the trace of the 52nd power of m, whose eigenvalues are 0.75 and 0.25.
  Eigen::Tensor<double, 2> m(2, 2);
  m.setValues({{0.5, 0.25}, {0.25, 0.5}});
  const Eigen::Tensor<double, 0> ring =
      einsum<"ab,bc,cd,de,ef,fg,gh,hi,ij,jk,kl,lm,mn,no,op,pq,qr,rs,st,tu,uv,vw,wx,xy,yz,zA,AB,BC,"
             "CD,DE,EF,FG,GH,HI,IJ,JK,KL,LM,MN,NO,OP,PQ,QR,RS,ST,TU,UV,VW,WX,XY,YZ,Za->">(
          m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m,
          m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m, m);
  REQUIRE(ring() == Approx(std::pow(0.75, 52) + std::pow(0.25, 52)).epsilon(1e-12));
}
