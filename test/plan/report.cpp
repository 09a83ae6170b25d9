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
