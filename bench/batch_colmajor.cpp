// Batch labels innermost: ColMajor `bij,bjk->bik`, where the batch label b is the fastest axis,
// so no batch slice is contiguous. einsum (the batched contraction copies the operands into a
// batch-outermost order with the permutation kernel) against the hand-written chip loop, double
// and complex<double>, on one thread and on a 2-thread pool. bench/ratios.py pairs the rows:
//   BM_einsum/bij,bjk->bik:<scalar>:<threads>/ColMajor
//   BM_hand/bij,bjk->bik:<scalar>:<threads>/ColMajor
// Run the 2-thread rows with `ratios.py --real` (wall time).
#define EIGEN_USE_THREADS
#include <eigen_einsum/einsum.hpp>

#include <benchmark/benchmark.h>

#include <complex>
#include <string>

namespace {

using Eigen::Index;

constexpr eigen_einsum::fixed_string bmm{"bij,bjk->bik"};
constexpr Index batch = 64, n = 64;

Eigen::ThreadPoolDevice& pool_device() {
  static Eigen::ThreadPool pool(2);
  static Eigen::ThreadPoolDevice device(&pool, 2);
  return device;
}

template <class S>
struct data {
  Eigen::Tensor<S, 3> a{batch, n, n}, b{batch, n, n}, c{batch, n, n};
  data() {
    a.setRandom();
    b.setRandom();
  }
};

template <class S, int Threads>
void einsum(benchmark::State& state) {
  data<S> d;
  for (auto _ : state) {
    if constexpr (Threads == 1) {
      d.c = eigen_einsum::einsum<bmm>(d.a, d.b);
    } else {
      d.c.device(pool_device()) = eigen_einsum::einsum<bmm>(d.a, d.b);
    }
    benchmark::DoNotOptimize(d.c.data());
  }
}

/// What a user writes today: one contraction per batch slice.
template <class S, int Threads>
void hand(benchmark::State& state) {
  data<S> d;
  const Eigen::array<Eigen::IndexPair<int>, 1> pair{Eigen::IndexPair<int>(1, 0)};
  for (auto _ : state) {
    for (Index b = 0; b < batch; ++b) {
      if constexpr (Threads == 1) {
        d.c.chip(b, 0) = d.a.chip(b, 0).contract(d.b.chip(b, 0), pair);
      } else {
        d.c.chip(b, 0).device(pool_device()) = d.a.chip(b, 0).contract(d.b.chip(b, 0), pair);
      }
    }
    benchmark::DoNotOptimize(d.c.data());
  }
}

template <class S, int Threads>
void add(const std::string& scalar) {
  const std::string name = "bij,bjk->bik:" + scalar + ":threads" + std::to_string(Threads);
  benchmark::RegisterBenchmark(("BM_einsum/" + name + "/ColMajor").c_str(), einsum<S, Threads>)
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark(("BM_hand/" + name + "/ColMajor").c_str(), hand<S, Threads>)
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime();
}

} // namespace

int main(int argc, char** argv) {
  add<double, 1>("double");
  add<std::complex<double>, 1>("complex");
  add<double, 2>("double");
  add<std::complex<double>, 2>("complex");
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
