// Planner tests for plan/path.hpp and plan/cost.hpp: the contraction order and numpy's FLOP
// figures.
#include <eigen_einsum/plan/cost.hpp>
#include <eigen_einsum/plan/parse.hpp>
#include <eigen_einsum/plan/path.hpp>
#include <eigen_einsum/plan/plan.hpp>

#include <catch2/catch.hpp>

#include <string_view>

namespace {

using namespace eigen_einsum::detail;

constexpr label_sets sets(std::string_view text) {
  return sets_of(parse(text.data(), text.size()));
}

/// Label extents: `sizes("ijkl", {1000, 10, 1000, 10})`.
constexpr label_sizes sizes(std::string_view labels, std::initializer_list<double> extents) {
  label_sizes x{};
  auto e = extents.begin();
  for (char c : labels) {
    x[c] = *e++;
  }
  return x;
}

constexpr path_cost best(std::string_view text, const label_sizes& x) {
  const label_sets l = sets(text);
  return cost_of(l, best_path(l, x), x);
}

} // namespace

TEST_CASE("path: the exact search finds numpy's optimal FLOP counts", "[path]") {
  // Figures printed by numpy 1.24 einsum_path(..., optimize='optimal') for the benchmark cases.
  constexpr auto chain = best("ij,jk,kl->il", sizes("ijkl", {1000, 10, 1000, 10}));
  STATIC_REQUIRE(chain.naive_flops == 3.0e8);
  STATIC_REQUIRE(chain.optimized_flops == 400001);
  STATIC_REQUIRE(chain.largest_intermediate == 1.0e4);
  constexpr auto net = best("abc,bcd,cde->ae", sizes("abcde", {64, 64, 64, 64, 64}));
  REQUIRE(net.naive_flops == Approx(3.221e9).epsilon(1e-3));
  REQUIRE(net.optimized_flops == Approx(6.711e7).epsilon(1e-3));
  REQUIRE(net.largest_intermediate == Approx(2.621e5).epsilon(1e-3));
  constexpr auto bilinear = best("bn,anm,bm->ba", sizes("abmn", {64, 128, 128, 128}));
  REQUIRE(bilinear.naive_flops == Approx(4.027e8).epsilon(1e-3));
  REQUIRE(bilinear.optimized_flops == Approx(2.705e8).epsilon(1e-3));
  REQUIRE(bilinear.largest_intermediate == Approx(1.049e6).epsilon(1e-3));
  constexpr auto five =
      best("ea,fb,abcd,gc,hd->efgh", sizes("abcdefgh", {32, 32, 32, 32, 32, 32, 32, 32}));
  REQUIRE(five.naive_flops == Approx(5.498e12).epsilon(1e-3));
  REQUIRE(five.optimized_flops == Approx(2.684e8).epsilon(1e-3));
  REQUIRE(five.largest_intermediate == Approx(1.049e6).epsilon(1e-3));
}

TEST_CASE("path: the exact search contracts the cheap pair first", "[path]") {
  constexpr label_sets l = sets("ij,jk,kl->il");
  constexpr auto p = best_path(l, sizes("ijkl", {1000, 10, 1000, 10}));
  STATIC_REQUIRE(p.num_steps == 2);
  STATIC_REQUIRE(p.pairs[0][0] == 1);
  STATIC_REQUIRE(p.pairs[0][1] == 2);
  constexpr auto q = best_path(l, sizes("ijkl", {10, 1000, 10, 1000}));
  STATIC_REQUIRE(q.pairs[0][0] == 0);
  STATIC_REQUIRE(q.pairs[0][1] == 1);
}

TEST_CASE("path: a memory limit excludes large intermediates", "[path]") {
  // With no limit the outer product first would be... never cheaper; with a tight limit the
  // exact search must keep every intermediate within it, or drop the limit when none fits.
  constexpr label_sets l = sets("ab,bc,cd->ad");
  constexpr label_sizes x = sizes("abcd", {100, 2, 100, 2});
  constexpr auto free = cost_of(l, path_of(cheapest_tree(l, x, 1e9), l.count), x);
  constexpr auto tight = cost_of(l, path_of(cheapest_tree(l, x, 200), l.count), x);
  STATIC_REQUIRE(free.optimized_flops <= tight.optimized_flops);
  STATIC_REQUIRE(tight.largest_intermediate <= 200);
}

TEST_CASE("path: the greedy search handles long chains", "[path]") {
  constexpr label_sets l = sets("ab,bc,cd,de,ef,fg,gh,hi,ij,jk->ak");
  constexpr auto x = sizes("abcdefghijk", {10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10});
  constexpr auto p = best_path(l, x);
  STATIC_REQUIRE(p.num_steps == 9);
  constexpr auto greedy = cost_of(l, p, x);
  constexpr auto naive = cost_of(l, left_to_right(10), x);
  STATIC_REQUIRE(greedy.optimized_flops <= naive.optimized_flops);
}

TEST_CASE("path: 52 operands plan within clang's constexpr step limit", "[path]") {
  // A ring over every label: clang's default of 2^20 constexpr steps was exceeded here before the
  // greedy search skipped pairs sharing no label (g++ allows 2^33 operations).
  constexpr auto c = candidates_of(
      sets("ab,bc,cd,de,ef,fg,gh,hi,ij,jk,kl,lm,mn,no,op,pq,qr,rs,st,tu,uv,vw,wx,xy,yz,zA,AB,BC,CD,"
           "DE,EF,FG,GH,HI,IJ,JK,KL,LM,MN,NO,OP,PQ,QR,RS,ST,TU,UV,VW,WX,XY,YZ,Za->"));
  STATIC_REQUIRE(c.count >= 1);
  STATIC_REQUIRE(c.paths[0].num_steps == 51);
}

TEST_CASE("path: candidates for dynamic extents are few and distinct", "[path]") {
  constexpr auto c = candidates_of(sets("ij,jk,kl->il"));
  STATIC_REQUIRE(c.count >= 2);
  STATIC_REQUIRE(c.count <= max_path_candidates);
  STATIC_REQUIRE(!same_path(c.paths[0], c.paths[1]));
  STATIC_REQUIRE(candidates_of(sets("ea,fb,abcd,gc,hd->efgh")).count == 1);
}

TEST_CASE("path: plans do not depend on label names", "[path]") {
  constexpr auto p = make_plan<5>(parse("ab,bc,cd->ad", 12), false, left_to_right(3));
  constexpr auto q = make_plan<5>(parse("xy,yz,zw->xw", 12), false, left_to_right(3));
  STATIC_REQUIRE(p.num_nodes == q.num_nodes);
  for (int i = 0; i < p.num_nodes; ++i) {
    REQUIRE(p.nodes[i].kind == q.nodes[i].kind);
    REQUIRE(p.nodes[i].num_steps == q.nodes[i].num_steps);
    REQUIRE(p.nodes[i].batch.num_contracted == q.nodes[i].batch.num_contracted);
  }
}

TEST_CASE("path: the choice among candidates charges the copies of their plans", "[path]") {
  // bn,anm,bm->ba: the outer product bn,bm->bnm first saves 0.7% of the FLOPs, but the GEMM after
  // it copies the 4M-element product; anm,bm->anb first copies nothing in RowMajor.
  const subscript s = parse("bn,anm,bm->ba", 13);
  const label_sizes x = sizes("abmn", {64, 256, 128, 128});
  contraction_path product_first{}, gemm_first{};
  product_first.add(0, 2);
  product_first.add(0, 1);
  gemm_first.add(1, 2);
  gemm_first.add(0, 1);
  path_candidates c{};
  c.add(product_first, sets_of(s));
  c.add(gemm_first, sets_of(s));
  const bool raw[3] = {true, true, true};
  const auto copies_product = copy_model_of(make_plan<5>(s, true, product_first), raw, true);
  const auto copies_gemm = copy_model_of(make_plan<5>(s, true, gemm_first), raw, true);
  REQUIRE(copied_elements(copies_product, x) == 256.0 * 128 * 128);
  REQUIRE(copied_elements(copies_gemm, x) == 0);
  // FLOPs alone pick the product; with the copies, the GEMM.
  REQUIRE(choose_path(c, sets_of(s), x, -1) == 0);
  const double copy_costs[2] = {32 * copied_elements(copies_product, x),
                                32 * copied_elements(copies_gemm, x)};
  REQUIRE(choose_path(c, sets_of(s), x, -1, copy_costs) == 1);
}

TEST_CASE("path: plans whose GEMMs can all run in place copy nothing", "[path]") {
  const bool raw[3] = {true, true, true};
  const subscript chain = parse("ij,jk,kl->il", 12);
  REQUIRE(copies_nothing(copy_model_of(make_plan<5>(chain, false, left_to_right(3)), raw, false)));
  // A lazy outer product is copied by the GEMM that reads it.
  const subscript s = parse("bn,anm,bm->ba", 13);
  contraction_path product_first{};
  product_first.add(0, 2);
  product_first.add(0, 1);
  REQUIRE(!copies_nothing(copy_model_of(make_plan<5>(s, true, product_first), raw, true)));
}
