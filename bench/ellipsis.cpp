// What '...' costs, float, RowMajor, one thread. Each pair runs in this one process:
//   BM_labels/<case>     the same einsum with labels instead of '...' (no broadcasting)
//   BM_ellipsis/<case>   einsum with '...', nothing broadcasts: should match BM_labels
//   BM_broadcast/<case>  einsum with '...' where an extent 1 repeats
//   BM_hand/<case>       the hand-written Eigen code for the broadcasting case
// bench/ratios.py does not pair these; compare the rows by case name.
#include <eigen_einsum/einsum.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>

namespace {

using Eigen::Index;
using eigen_einsum::fixed_string;
template <int Rank>
using tensor = Eigen::Tensor<float, Rank, Eigen::RowMajor>;
using pair = Eigen::IndexPair<int>;

constexpr fixed_string bij_bjk_bik{"bij,bjk->bik"};
constexpr fixed_string e_ij_e_jk_e_ik{"...ij,...jk->...ik"};
constexpr fixed_string ij_ij_i{"ij,ij->i"};
constexpr fixed_string e_j_e_j_e{"...j,...j->..."};

template <class T>
T filled(T t) {
  std::uint32_t x = 2463534242u;
  for (Index i = 0; i < t.size(); ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    t.data()[i] = static_cast<float>(x >> 8) * (2.0f / 16777216.0f) - 1.0f;
  }
  return t;
}

constexpr Index batches = 32, n = 128, rows = 4096, cols = 64;

// Batched matrix product, b = 32 of 128x128.
void BM_labels_batched_matmul(benchmark::State& state) {
  const auto a = filled(tensor<3>(batches, n, n));
  const auto b = filled(tensor<3>(batches, n, n));
  tensor<3> c(batches, n, n);
  for (auto _ : state) {
    c = eigen_einsum::einsum<bij_bjk_bik>(a, b);
    benchmark::DoNotOptimize(c.data());
  }
}
void BM_ellipsis_batched_matmul(benchmark::State& state) {
  const auto a = filled(tensor<3>(batches, n, n));
  const auto b = filled(tensor<3>(batches, n, n));
  tensor<3> c(batches, n, n);
  for (auto _ : state) {
    c = eigen_einsum::einsum<e_ij_e_jk_e_ik>(a, b);
    benchmark::DoNotOptimize(c.data());
  }
}
// One 128x128 matrix (extent 1 under '...') times each of 32.
void BM_broadcast_batched_matmul(benchmark::State& state) {
  const auto a = filled(tensor<3>(1, n, n));
  const auto b = filled(tensor<3>(batches, n, n));
  tensor<3> c(batches, n, n);
  for (auto _ : state) {
    c = eigen_einsum::einsum<e_ij_e_jk_e_ik>(a, b);
    benchmark::DoNotOptimize(c.data());
  }
}
// By hand: one contraction over j gives (i, b, k), then a shuffle to (b, i, k).
void BM_hand_batched_matmul(benchmark::State& state) {
  const auto a = filled(tensor<3>(1, n, n));
  const auto b = filled(tensor<3>(batches, n, n));
  tensor<3> c(batches, n, n);
  const std::array<pair, 1> j{pair(1, 1)};
  for (auto _ : state) {
    c = a.chip(0, 0).contract(b, j).shuffle(std::array<int, 3>{1, 0, 2});
    benchmark::DoNotOptimize(c.data());
  }
}

// Row-wise dot products, 4096 rows of 64.
void BM_labels_row_dots(benchmark::State& state) {
  const auto a = filled(tensor<2>(rows, cols));
  const auto b = filled(tensor<2>(rows, cols));
  tensor<1> c(rows);
  for (auto _ : state) {
    c = eigen_einsum::einsum<ij_ij_i>(a, b);
    benchmark::DoNotOptimize(c.data());
  }
}
void BM_ellipsis_row_dots(benchmark::State& state) {
  const auto a = filled(tensor<2>(rows, cols));
  const auto b = filled(tensor<2>(rows, cols));
  tensor<1> c(rows);
  for (auto _ : state) {
    c = eigen_einsum::einsum<e_j_e_j_e>(a, b);
    benchmark::DoNotOptimize(c.data());
  }
}
// One row (extent 1 under '...') dotted with each of 4096.
void BM_broadcast_row_dots(benchmark::State& state) {
  const auto a = filled(tensor<2>(1, cols));
  const auto b = filled(tensor<2>(rows, cols));
  tensor<1> c(rows);
  for (auto _ : state) {
    c = eigen_einsum::einsum<e_j_e_j_e>(a, b);
    benchmark::DoNotOptimize(c.data());
  }
}
// By hand: a matrix-vector product.
void BM_hand_row_dots(benchmark::State& state) {
  const auto a = filled(tensor<2>(1, cols));
  const auto b = filled(tensor<2>(rows, cols));
  tensor<1> c(rows);
  const std::array<pair, 1> j{pair(1, 0)};
  for (auto _ : state) {
    c = b.contract(a.chip(0, 0), j);
    benchmark::DoNotOptimize(c.data());
  }
}

} // namespace

BENCHMARK(BM_labels_batched_matmul)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ellipsis_batched_matmul)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_broadcast_batched_matmul)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_hand_batched_matmul)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_labels_row_dots)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ellipsis_row_dots)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_broadcast_row_dots)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_hand_row_dots)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
