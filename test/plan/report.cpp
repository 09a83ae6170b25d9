// Planner tests for plan/report.hpp: numpy's einsum_path figures and text for a path.
#include <eigen_einsum/plan/contraction_path.hpp>
#include <eigen_einsum/plan/parse.hpp>
#include <eigen_einsum/plan/report.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

TEST_CASE("report: describe gives numpy's figures and steps", "[report]") {
  using namespace eigen_einsum::detail;
  const subscript s = parse("ij,jk,kl->il", 12);
  per_label<double> x{};
  x['i'] = 1000;
  x['j'] = 10;
  x['k'] = 1000;
  x['l'] = 10;
  contraction_path path{};
  path.add(1, 2);
  path.add(0, 1);
  const eigen_einsum::path_info info = describe(s, path, x, 2);
  REQUIRE(info.subscript == "ij,jk,kl->il");
  REQUIRE(info.naive_flops == 3.0e8);
  REQUIRE(info.optimized_flops == 400001);
  REQUIRE(info.largest_intermediate == 1.0e4);
  REQUIRE(info.path == std::vector<std::pair<int, int>>{{1, 2}, {0, 1}});
  REQUIRE(info.steps == std::vector<std::string>{"jk,kl->jl", "ij,jl->il"});
  REQUIRE(info.step_scaling == std::vector<int>{3, 3});
  REQUIRE(info.candidates == 2);
  REQUIRE(info.report().find("Optimized FLOP count:  4.000e+05") != std::string::npos);
  REQUIRE(info.report().find("chosen at run time") != std::string::npos);
}

TEST_CASE("report: add_layouts gives the planned axis orders and the bytes permuted", "[report]") {
  using namespace eigen_einsum::detail;
  const subscript s = parse("ab,bsc,cd->asd", 14);
  per_label<double> x{};
  x['a'] = x['b'] = x['c'] = x['d'] = 32;
  x['s'] = 4;
  const contraction_path path = left_to_right(3);
  eigen_einsum::path_info info = describe(s, path, x, 1);
  operand_layouts ops{};
  ops.raw[0] = ops.raw[1] = ops.raw[2] = true;
  ops.scalar_bytes = 8;
  add_layouts(info, make_plan<5>(s, false, path), x, ops);
  // The intermediate keeps c, contracted next, at one end: no copy anywhere.
  REQUIRE(info.steps == std::vector<std::string>{"ab,bsc->asc", "cd,asc->asd"});
  REQUIRE(info.layouts == std::vector<std::string>{"GEMM in place", "GEMM in place"});
  REQUIRE(info.bytes_permuted == 0);
  // Operands that are expressions are copied once, into the GEMM's order.
  ops.raw[1] = false;
  add_layouts(info, make_plan<5>(s, false, path), x, ops);
  REQUIRE(info.layouts[0] == "GEMM, copies rhs");
  REQUIRE(info.bytes_permuted == 32 * 4 * 32 * 8);
  REQUIRE(info.report().find("Bytes permuted:        3.277e+04") != std::string::npos);
  // A product shows its operands before they are aligned to each other.
  const subscript v = parse("a,asb,s->b", 10);
  contraction_path outer{};
  outer.add(0, 2);
  outer.add(0, 1);
  eigen_einsum::path_info product = describe(v, outer, x, 1);
  add_layouts(product, make_plan<5>(v, false, outer), x, ops);
  REQUIRE(product.steps[0] == "a,s->as");
  REQUIRE(product.layouts[0] == "product");
}
