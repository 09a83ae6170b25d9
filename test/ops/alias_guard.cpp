// Op tests for ops/alias_guard.hpp: the memory an expression reads, and its evaluation through a
// temporary when the destination overlaps it, both layouts, both devices.
#define EIGEN_USE_THREADS
#include "support/config.hpp"
#include "support/devices.hpp"
#include "support/naive_einsum.hpp"

#include <eigen_einsum/ops/alias_guard.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace {

using Eigen::Index;
using eigen_einsum::detail::guard_aliasing;
using eigen_einsum::detail::read_regions_of;
using eigen_einsum_test::config;
using eigen_einsum_test::naive_einsum;
using eigen_einsum_test::random_tensor;
using eigen_einsum_test::require_equal;
using eigen_einsum_test::to_dyn;

std::uintptr_t address(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p);
}

} // namespace

TEST_CASE("alias guard: the regions of an expression are its leaves' memory", "[ops][alias]") {
  Eigen::Tensor<float, 2> a(2, 3), b(2, 3);
  Eigen::TensorMap<Eigen::Tensor<float, 1>> m(a.data() + 1, 4);
  const auto regions = read_regions_of((a + b * 2.f).shuffle(std::array<int, 2>{1, 0}));
  REQUIRE(regions.memory.size() == 2);
  REQUIRE(regions.memory[0].begin == address(a.data()));
  REQUIRE(regions.memory[0].end == address(a.data() + 6));
  REQUIRE(regions.memory[1].begin == address(b.data()));
  // both are resizable Tensors: their extents are checked again at evaluation, one by one
  REQUIRE(regions.resizable.size() == 4);
  REQUIRE(regions.resizable[0].extent == &a.dimensions()[0]);
  REQUIRE(regions.resizable[1].was == 3);
  REQUIRE(regions.resizable[3].extent == &b.dimensions()[1]);
  const auto mapped = read_regions_of(m.sum());
  REQUIRE(mapped.memory.size() == 1);
  REQUIRE(mapped.memory[0].begin == address(a.data() + 1));
  REQUIRE(mapped.resizable.empty()); // a TensorMap cannot be resized
  // Several expressions at once, in order.
  const auto both = read_regions_of(m, b);
  REQUIRE(both.memory.size() == 2);
  REQUIRE(both.memory[1].begin == address(b.data()));
  REQUIRE(both.resizable.size() == 2);
  // A TensorRef of an expression has no memory of its own to show: all of memory.
  const Eigen::TensorRef<Eigen::Tensor<float, 2>> ref(a + b);
  REQUIRE(read_regions_of(ref).memory[0].begin == 0);
  REQUIRE(read_regions_of(ref).memory[0].end == UINTPTR_MAX);
}

TEMPLATE_TEST_CASE("alias guard: an overlapping destination is written through a temporary",
                   "[ops][alias]", (config<float, Eigen::ColMajor>),
                   (config<double, Eigen::RowMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  eigen_einsum_test::thread_pool threads;
  for (int device = 0; device < 2; ++device) {
    INFO("device " << device);
    auto a = random_tensor<S, 2, L>({5, 5}, 1);
    const auto want = naive_einsum<S>("ij->ji", {to_dyn(a)});
    const std::array<int, 2> transpose{1, 0};
    const auto guarded = guard_aliasing(a.shuffle(transpose), Eigen::DSizes<Index, 2>(5, 5), a);
    eigen_einsum_test::assign(device, a, guarded);
    require_equal(a, want);
    // Within a larger expression the destination is not seen: a fresh one is fine.
    auto b = random_tensor<S, 2, L>({5, 5}, 2);
    const auto twice = naive_einsum<S>("ij->ji", {to_dyn(b * S(2))});
    const auto guard_b = guard_aliasing(b.shuffle(transpose), Eigen::DSizes<Index, 2>(5, 5), b);
    Eigen::Tensor<S, 2, L> fresh(5, 5);
    fresh.device(threads.device) = guard_b * S(2);
    require_equal(fresh, twice);
  }
}

TEST_CASE("alias guard: operands that cannot be resized are evaluated through a temporary too",
          "[ops][alias]") {
  // Fixed-size and mapped operands: the guard builds the expression's evaluator at once.
  const std::array<int, 2> transpose{1, 0};
  for (int device = 0; device < 2; ++device) {
    INFO("device " << device);
    Eigen::TensorFixedSize<double, Eigen::Sizes<3, 3>> f;
    f.setValues({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
    const auto guarded = guard_aliasing(f.shuffle(transpose), Eigen::DSizes<Index, 2>(3, 3), f);
    eigen_einsum_test::assign(device, f, guarded);
    REQUIRE(std::vector<double>(f.data(), f.data() + 9) ==
            std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9}); // the transpose, in ColMajor

    std::vector<float> buffer(9);
    for (std::size_t i = 0; i < buffer.size(); ++i) {
      buffer[i] = float(i + 1);
    }
    Eigen::TensorMap<Eigen::Tensor<float, 2>> m(buffer.data(), 3, 3);
    const auto map_guarded = guard_aliasing(m.shuffle(transpose), Eigen::DSizes<Index, 2>(3, 3), m);
    eigen_einsum_test::assign(device, m, map_guarded);
    REQUIRE(buffer == std::vector<float>{1, 4, 7, 2, 5, 8, 3, 6, 9});
  }
}
