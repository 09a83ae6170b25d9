// einsum_path: numpy's einsum_path report for the path einsum takes.
// REQUIRES: c++20
#include <eigen_einsum/einsum.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

TEST_CASE("einsum_path: numpy's figures for the path einsum takes", "[einsum_path]") {
  Eigen::Tensor<float, 2> a(1000, 10), b(10, 1000), c(1000, 10);
  const auto info = eigen_einsum::einsum_path<"ij,jk,kl->il">(a, b, c);
  REQUIRE(info.subscript == "ij,jk,kl->il");
  REQUIRE(info.naive_flops == 3.0e8);
  REQUIRE(info.optimized_flops == 400001);
  REQUIRE(info.largest_intermediate == 1.0e4);
  REQUIRE(info.path == std::vector<std::pair<int, int>>{{1, 2}, {0, 1}});
  REQUIRE(info.steps == std::vector<std::string>{"jk,kl->jl", "ij,jl->il"});
  REQUIRE(info.report().find("Optimized FLOP count:  4.000e+05") != std::string::npos);
  Eigen::Tensor<float, 2> d(10, 1000), e(1000, 10), f(10, 1000);
  const auto other = eigen_einsum::einsum_path<"ij,jk,kl->il">(d, e, f);
  REQUIRE(other.path == std::vector<std::pair<int, int>>{{0, 1}, {0, 1}});
  Eigen::Tensor<float, 2> g(32, 32);
  Eigen::Tensor<float, 4> h(32, 32, 32, 32);
  const auto five = eigen_einsum::einsum_path<"ea,fb,abcd,gc,hd->efgh">(g, g, h, g, g);
  REQUIRE(five.optimized_flops == Approx(2.684e8).epsilon(1e-3));
  REQUIRE(five.candidates == 1);
  // The planned layouts: each intermediate in the order the next GEMM reads in place.
  REQUIRE(five.steps == std::vector<std::string>{"ea,abcd->bcde", "fb,bcde->cdef", "gc,cdef->defg",
                                                 "hd,defg->efgh"});
  REQUIRE(five.layouts == std::vector<std::string>(4, "GEMM in place"));
  REQUIRE(five.bytes_permuted == 0);
  // Among candidates of about the same FLOPs, the one that copies least.
  Eigen::Tensor<float, 2, Eigen::RowMajor> x(256, 128), y(256, 128);
  Eigen::Tensor<float, 3, Eigen::RowMajor> w(64, 128, 128);
  const auto bilinear = eigen_einsum::einsum_path<"bn,anm,bm->ba">(x, w, y);
  REQUIRE(bilinear.path == std::vector<std::pair<int, int>>{{1, 2}, {0, 1}});
  REQUIRE(bilinear.steps == std::vector<std::string>{"anm,bm->ban", "bn,ban->ba"});
  REQUIRE(bilinear.bytes_permuted == 0);
}
