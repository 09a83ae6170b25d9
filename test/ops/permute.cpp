// Op tests for ops/permute.hpp: the loops a permutation reduces to, and the blocked kernel against
// the naive reference, every scalar type, both layouts, both devices, ragged and empty extents.
#define EIGEN_USE_THREADS
#include "support/config.hpp"
#include "support/devices.hpp"
#include "support/naive_einsum.hpp"

#include <eigen_einsum/ops/permute.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <complex>
#include <string>
#include <vector>

namespace {

using Eigen::Index;
using eigen_einsum::detail::permute;
using eigen_einsum::detail::plan_permute;
using eigen_einsum_test::config;
using eigen_einsum_test::evaluate_on;
using eigen_einsum_test::naive_einsum;
using eigen_einsum_test::random_tensor;
using eigen_einsum_test::require_equal;
using eigen_einsum_test::to_dyn;

/// The subscript of a shuffle: output axis i is input axis shuffle[i] ("abc->cab").
template <std::size_t N>
std::string subscript_of(const std::array<int, N>& shuffle) {
  std::string in, out;
  for (std::size_t i = 0; i < N; ++i) {
    in += char('a' + i);
    out += char('a' + shuffle[i]);
  }
  return in + "->" + out;
}

/// Checks permute(t, shuffle) against the naive loops: written whole on both devices (the
/// kernel), into a TensorMap inside a larger buffer, and read lazily inside an expression.
template <class S, int L, std::size_t N>
void check_permutation(const std::array<Index, N>& dims, const std::array<int, N>& shuffle,
                       unsigned seed) {
  const auto t = random_tensor<S, int(N), L>(dims, seed);
  const std::string text = subscript_of(shuffle);
  INFO(text);
  const auto want = naive_einsum<S>(text, {to_dyn(t)});
  eigen_einsum_test::thread_pool threads;
  require_equal(evaluate_on(Eigen::DefaultDevice(), permute(t, shuffle)), want);
  require_equal(evaluate_on(threads.device, permute(t, shuffle)), want);
  require_equal(evaluate_on(Eigen::DefaultDevice(), permute(t, shuffle) * S(1)), want);
  // Over an expression operand (no memory to read): Eigen's shuffle.
  require_equal(evaluate_on(Eigen::DefaultDevice(), permute(t + t, shuffle)),
                naive_einsum<S>(text, {to_dyn(t + t)}));
  // The destination is part of a larger buffer, whose other coefficients stay untouched.
  Eigen::DSizes<Index, int(N)> out_dims;
  for (std::size_t i = 0; i < N; ++i) {
    out_dims[i] = dims[std::size_t(shuffle[i])];
  }
  const Index size = Eigen::internal::array_prod(out_dims);
  std::vector<S> buffer(std::size_t(size) + 2, S(7));
  Eigen::TensorMap<Eigen::Tensor<S, int(N), L>> inside(buffer.data() + 1, out_dims);
  inside = permute(t, shuffle);
  require_equal(inside, want);
  REQUIRE(buffer.front() == S(7));
  REQUIRE(buffer.back() == S(7));
}

template <class S, int L>
void check_permutations(unsigned seed) {
  // rank 2: both axes ragged against every packet size
  check_permutation<S, L, 2>({37, 29}, {1, 0}, seed);
  check_permutation<S, L, 2>({64, 48}, {1, 0}, seed);
  check_permutation<S, L, 2>({37, 29}, {0, 1}, seed);
  // rank 3: every permutation, with extents past one 64 x 64 tile
  for (const auto& shuffle :
       {std::array<int, 3>{0, 2, 1}, std::array<int, 3>{1, 0, 2}, std::array<int, 3>{1, 2, 0},
        std::array<int, 3>{2, 0, 1}, std::array<int, 3>{2, 1, 0}}) {
    check_permutation<S, L, 3>({67, 5, 70}, shuffle, seed);
  }
  // extent-1 axes dropped, an empty axis, a single coefficient
  check_permutation<S, L, 3>({1, 33, 20}, {2, 0, 1}, seed);
  check_permutation<S, L, 3>({17, 1, 20}, {1, 2, 0}, seed);
  check_permutation<S, L, 3>({0, 33, 20}, {2, 0, 1}, seed);
  check_permutation<S, L, 3>({1, 1, 1}, {2, 0, 1}, seed);
  // rank 4 and 5, with axes that stay adjacent (merged into one loop)
  check_permutation<S, L, 4>({9, 16, 32, 5}, {3, 2, 1, 0}, seed);
  check_permutation<S, L, 4>({9, 16, 32, 5}, {1, 3, 0, 2}, seed);
  check_permutation<S, L, 4>({9, 16, 32, 5}, {2, 3, 0, 1}, seed);
  check_permutation<S, L, 5>({3, 4, 5, 6, 7}, {4, 0, 3, 1, 2}, seed);
}

} // namespace

TEST_CASE("plan_permute: drops extent-1 axes, merges adjacent ones, finds the inner axes",
          "[ops][permute]") {
  // ijk->kji, ColMajor, 4x5x6: the destination's axis 0 is k (source stride 20), the source's
  // contiguous axis i is the third loop; j is the one outer loop
  const auto kji =
      plan_permute<3>(std::array<Index, 3>{4, 5, 6}, std::array<int, 3>{2, 1, 0}, false);
  REQUIRE(kji.rank == 3);
  REQUIRE(kji.size == 120);
  REQUIRE(kji.axes[0].extent == 6);
  REQUIRE(kji.axes[0].from == 20);
  REQUIRE(kji.axes[0].to == 1);
  REQUIRE(kji.inner == 2);
  REQUIRE(kji.axes[2].from == 1);
  REQUIRE(kji.axes[2].to == 30);
  REQUIRE(kji.num_outer == 1);
  REQUIRE(kji.outer[0] == 1);
  // ijk->jki: j and k stay adjacent, one 2-D transpose of i against (j,k)
  const auto jki =
      plan_permute<3>(std::array<Index, 3>{4, 5, 6}, std::array<int, 3>{1, 2, 0}, false);
  REQUIRE(jki.rank == 2);
  REQUIRE(jki.axes[0].extent == 30);
  REQUIRE(jki.inner == 1);
  // RowMajor mirrors ColMajor: ijk->ikj keeps i outermost, transposes j and k
  const auto ikj =
      plan_permute<3>(std::array<Index, 3>{4, 5, 6}, std::array<int, 3>{0, 2, 1}, true);
  REQUIRE(ikj.rank == 3);
  REQUIRE(ikj.axes[0].extent == 5);
  REQUIRE(ikj.axes[0].from == 6);
  REQUIRE(ikj.inner == 1);
  // extent-1 axes vanish: a copy
  const auto copy =
      plan_permute<3>(std::array<Index, 3>{1, 7, 1}, std::array<int, 3>{2, 1, 0}, false);
  REQUIRE(copy.rank == 1);
  REQUIRE(copy.inner == 0);
  // the outer loops run the source's fastest first
  const auto dcba =
      plan_permute<4>(std::array<Index, 4>{2, 3, 4, 5}, std::array<int, 4>{3, 2, 1, 0}, true);
  REQUIRE(dcba.num_outer == 2);
  REQUIRE(dcba.axes[std::size_t(dcba.outer[0])].from < dcba.axes[std::size_t(dcba.outer[1])].from);
}

TEMPLATE_TEST_CASE("permute: the blocked kernel matches the naive loops", "[ops][permute]",
                   (config<float, Eigen::ColMajor>), (config<float, Eigen::RowMajor>),
                   (config<double, Eigen::ColMajor>), (config<double, Eigen::RowMajor>),
                   (config<int, Eigen::RowMajor>), (config<std::complex<float>, Eigen::ColMajor>),
                   (config<std::complex<double>, Eigen::RowMajor>)) {
  check_permutations<typename TestType::scalar, TestType::layout>(3);
}

TEMPLATE_TEST_CASE("permute: past 8 MB the destination is streamed, on both devices",
                   "[ops][permute]", (config<float, Eigen::RowMajor>),
                   (config<double, Eigen::ColMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  // 9.4 MB of floats, 19 MB of doubles, extents that are not multiples of a 64 x 64 tile nor of
  // a packet: rows far apart go through the kernel's buffer, the rest through half packets
  const auto t = random_tensor<S, 3, L>({200, 90, 131}, 5);
  const std::array<int, 3> shuffle{2, 1, 0};
  Eigen::Tensor<S, 3, L> want = t.shuffle(shuffle);
  eigen_einsum_test::thread_pool threads;
  require_equal(evaluate_on(Eigen::DefaultDevice(), permute(t, shuffle)), to_dyn(want));
  require_equal(evaluate_on(threads.device, permute(t, shuffle)), to_dyn(want));
  // Rows that start off any packet boundary, inside a larger buffer that stays untouched.
  std::vector<S> buffer(std::size_t(t.size()) + 2, S(7));
  Eigen::TensorMap<Eigen::Tensor<S, 3, L>> inside(buffer.data() + 1, want.dimensions());
  inside.device(threads.device) = permute(t, shuffle);
  require_equal(inside, to_dyn(want));
  REQUIRE(buffer.front() == S(7));
  REQUIRE(buffer.back() == S(7));
  // Every axis reversed: both contiguous axes have rows a page and more apart. Where the
  // destination's contiguous axis is short (40 and 3 floats), a tile also spans the next axis
  // (3 and 42 steps of it, the last block ragged) so that its rows are 512 bytes long.
  const std::array<int, 4> reverse{3, 2, 1, 0};
  for (const auto& dims :
       {std::array<Index, 4>{40, 17, 30, 107}, std::array<Index, 4>{3, 700, 10, 107}}) {
    const auto u = random_tensor<S, 4, L>(dims, 6);
    Eigen::Tensor<S, 4, L> reversed = u.shuffle(reverse);
    require_equal(evaluate_on(Eigen::DefaultDevice(), permute(u, reverse)), to_dyn(reversed));
    require_equal(evaluate_on(threads.device, permute(u, reverse)), to_dyn(reversed));
  }
  // A 2-D transpose whose rows a page apart are read on 17 or 18 tiles later (more than 256 KB):
  // prefetched into every cache level, by whole packets.
  const auto w = random_tensor<S, 2, L>({2100, 1100}, 8);
  const std::array<int, 2> swap{1, 0};
  Eigen::Tensor<S, 2, L> swapped = w.shuffle(swap);
  require_equal(evaluate_on(Eigen::DefaultDevice(), permute(w, swap)), to_dyn(swapped));
  // Source rows a page apart whose strides are multiples of 32 bytes: read by squares of 32-byte
  // packets from an aligned source, of 16-byte ones 16 bytes off, unaligned one coefficient off.
  const std::array<Index, 4> even{32, 24, 40, 72};
  const auto v = random_tensor<S, 4, L>(even, 7);
  Eigen::Tensor<S, 4, L> v_reversed = v.shuffle(reverse);
  std::vector<S, Eigen::aligned_allocator<S>> source(std::size_t(v.size()) + 16);
  for (const std::size_t offset : {std::size_t(0), 16 / sizeof(S), std::size_t(1)}) {
    INFO("source " << offset << " coefficients off");
    Eigen::TensorMap<Eigen::Tensor<S, 4, L>> at(source.data() + offset, even);
    at = v;
    require_equal(evaluate_on(Eigen::DefaultDevice(), permute(at, reverse)), to_dyn(v_reversed));
  }
}
