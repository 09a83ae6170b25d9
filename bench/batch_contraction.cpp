// batch_contract vs the hand-written Eigen loop (chip + contract per batch) vs Eigen Core's
// matrix product per slice, on 1 thread (DefaultDevice) and 2 threads (ThreadPoolDevice).
// RowMajor throughout: it is numpy's layout, and the one where `chip(b, 0)` of a batch-first
// tensor is a contiguous slice, i.e. the hand-written loop's best case. Times are wall clock; the
// CPU column is the whole process's CPU time, so CPU / Time shows how many cores a run really got.
// `bench_batch_contraction --paired [rounds]` times the thread-scaling yardstick instead: each
// round runs einsum and Eigen's contraction of the same FLOPs on 1 and 2 threads, in blocks of
// about 40 ms and a rotating order, and the round's ratio of their 2-thread speedups cancels the
// machine's drift. It prints the median ratio with its quartiles, against two 1-thread baselines:
// DefaultDevice, and a ThreadPoolDevice of one thread (Eigen's ThreadPool contraction then runs
// the same code on 1 and on 2 threads, where its DefaultDevice contraction is a different kernel).
#define EIGEN_USE_THREADS
#include <eigen_einsum/ops/batch_contraction.hpp>
#include <eigen_einsum/plan/parse.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace {

using Eigen::Index;
using Eigen::RowMajor;
using eigen_einsum::detail::batch_contract;
using eigen_einsum::detail::batch_contraction_spec;
template <int Rank>
using tensor = Eigen::Tensor<float, Rank, RowMajor>;
using row_matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// The spec of a two-operand subscript, as the planner builds it.
constexpr batch_contraction_spec spec_of(const char* text, std::size_t n) {
  const auto s = eigen_einsum::detail::parse(text, n);
  return eigen_einsum::detail::batch_spec_of(s.operands[0], s.operands[1], s.output);
}

struct bij_bjk_bik {
  static constexpr batch_contraction_spec value = spec_of("bij,bjk->bik", 12);
};
struct bimd_bind_bimn {
  static constexpr batch_contraction_spec value = spec_of("bimd,bind->bimn", 15);
};

Eigen::ThreadPoolDevice& pool_device() {
  static Eigen::ThreadPool pool(2);
  static Eigen::ThreadPoolDevice device(&pool, 2);
  return device;
}

Eigen::ThreadPoolDevice& one_thread_pool_device() {
  static Eigen::ThreadPool pool(1);
  static Eigen::ThreadPoolDevice device(&pool, 1);
  return device;
}

void set_flops(benchmark::State& state, double flops) {
  state.counters["GFLOP"] =
      benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// ---- bij,bjk->bik -------------------------------------------------------------------------------

struct bmm_data {
  tensor<3> a, b, c;
  bmm_data(Index batch, Index i, Index j, Index k)
      : a(batch, i, j), b(batch, j, k), c(batch, i, k) {
    a.setRandom();
    b.setRandom();
  }
  double flops() const {
    return 2.0 * double(a.dimension(0) * a.dimension(1) * a.dimension(2) * b.dimension(2));
  }
};

bmm_data make_bmm(const benchmark::State& state) {
  return bmm_data(state.range(0), state.range(1), state.range(1), state.range(1));
}

template <int Threads>
void bmm_einsum(benchmark::State& state) {
  auto d = make_bmm(state);
  for (auto _ : state) {
    if constexpr (Threads == 1)
      d.c = batch_contract<bij_bjk_bik>(d.a, d.b);
    else
      d.c.device(pool_device()) = batch_contract<bij_bjk_bik>(d.a, d.b);
    benchmark::DoNotOptimize(d.c.data());
  }
  set_flops(state, d.flops());
}

template <int Threads>
void bmm_hand(benchmark::State& state) {
  auto d = make_bmm(state);
  const Eigen::array<Eigen::IndexPair<Index>, 1> pair{{Eigen::IndexPair<Index>(1, 0)}};
  for (auto _ : state) {
    for (Index b = 0; b < d.a.dimension(0); ++b) {
      if constexpr (Threads == 1)
        d.c.chip(b, 0) = d.a.chip(b, 0).contract(d.b.chip(b, 0), pair);
      else
        d.c.chip(b, 0).device(pool_device()) = d.a.chip(b, 0).contract(d.b.chip(b, 0), pair);
    }
    benchmark::DoNotOptimize(d.c.data());
  }
  set_flops(state, d.flops());
}

void bmm_matrix(benchmark::State& state) {
  auto d = make_bmm(state);
  const Index n = state.range(1);
  for (auto _ : state) {
    for (Index b = 0; b < d.a.dimension(0); ++b) {
      Eigen::Map<row_matrix> c(d.c.data() + b * n * n, n, n);
      c.noalias() = Eigen::Map<const row_matrix>(d.a.data() + b * n * n, n, n) *
                    Eigen::Map<const row_matrix>(d.b.data() + b * n * n, n, n);
    }
    benchmark::DoNotOptimize(d.c.data());
  }
  set_flops(state, d.flops());
}

// ---- bimd,bind->bimn ----------------------------------------------------------------------------

struct attention_data {
  tensor<4> q, k, s;
  attention_data() : q(8, 8, 256, 64), k(8, 8, 256, 64), s(8, 8, 256, 256) {
    q.setRandom();
    k.setRandom();
  }
  static double flops() { return 2.0 * 8 * 8 * 256 * 256 * 64; }
};

template <int Threads>
void attention_einsum(benchmark::State& state) {
  attention_data d;
  for (auto _ : state) {
    if constexpr (Threads == 1)
      d.s = batch_contract<bimd_bind_bimn>(d.q, d.k);
    else
      d.s.device(pool_device()) = batch_contract<bimd_bind_bimn>(d.q, d.k);
    benchmark::DoNotOptimize(d.s.data());
  }
  set_flops(state, attention_data::flops());
}

template <int Threads>
void attention_hand(benchmark::State& state) {
  attention_data d;
  const Eigen::array<Eigen::IndexPair<Index>, 1> pair{{Eigen::IndexPair<Index>(1, 1)}};
  for (auto _ : state) {
    for (Index b = 0; b < 8; ++b)
      for (Index i = 0; i < 8; ++i) {
        auto q = d.q.chip(b, 0).chip(i, 0);
        auto k = d.k.chip(b, 0).chip(i, 0);
        if constexpr (Threads == 1)
          d.s.chip(b, 0).chip(i, 0) = q.contract(k, pair);
        else
          d.s.chip(b, 0).chip(i, 0).device(pool_device()) = q.contract(k, pair);
      }
    benchmark::DoNotOptimize(d.s.data());
  }
  set_flops(state, attention_data::flops());
}

void attention_matrix(benchmark::State& state) {
  attention_data d;
  for (auto _ : state) {
    for (Index bi = 0; bi < 64; ++bi) {
      Eigen::Map<row_matrix> s(d.s.data() + bi * 256 * 256, 256, 256);
      s.noalias() = Eigen::Map<const row_matrix>(d.q.data() + bi * 256 * 64, 256, 64) *
                    Eigen::Map<const row_matrix>(d.k.data() + bi * 256 * 64, 256, 64).transpose();
    }
    benchmark::DoNotOptimize(d.s.data());
  }
  set_flops(state, attention_data::flops());
}

/// Eigen's own ThreadPool contraction of the same FLOPs as a batched case, one GEMM
/// (m x k) . (k x n): the yardstick of thread scaling (einsum's 2-thread speedup against this
/// one's, in the same run).
template <int Threads>
void same_flops_contract(benchmark::State& state) {
  tensor<2> a(state.range(0), state.range(1)), b(state.range(1), state.range(2)),
      c(state.range(0), state.range(2));
  a.setRandom();
  b.setRandom();
  const Eigen::array<Eigen::IndexPair<Index>, 1> pair{{Eigen::IndexPair<Index>(1, 0)}};
  for (auto _ : state) {
    if constexpr (Threads == 1)
      c = a.contract(b, pair);
    else
      c.device(pool_device()) = a.contract(b, pair);
    benchmark::DoNotOptimize(c.data());
  }
  set_flops(state, 2.0 * double(state.range(0) * state.range(1) * state.range(2)));
}

// ---- --paired: the 2-thread speedups, round by round --------------------------------------------

double seconds_per_call(const std::function<void()>& f, long n) {
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) {
    f();
    benchmark::ClobberMemory();
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
         double(n);
}

/// The three ways each side runs: DefaultDevice, a 1-thread pool, a 2-thread pool.
using variants = std::vector<std::function<void()>>;

/// `dst = xpr` on `device`, or on DefaultDevice when `device` is null.
template <class Dst, class Xpr>
void assign_on(Eigen::ThreadPoolDevice* device, Dst& dst, const Xpr& xpr) {
  if (device == nullptr)
    dst = xpr;
  else
    dst.device(*device) = xpr;
}

/// `run(device)` on each of the three devices, as variants.
template <class Run>
variants on_each_device(Run run) {
  return {[=] { run(nullptr); }, [=] { run(&one_thread_pool_device()); },
          [=] { run(&pool_device()); }};
}

/// Times `einsum` and `eigen` (Eigen's contraction of the same FLOPs) round by round and prints
/// the median ratio of their 2-thread speedups.
void pair_threads(const char* name, const variants& einsum, const variants& eigen, int rounds) {
  variants all = einsum;
  all.insert(all.end(), eigen.begin(), eigen.end());
  std::vector<long> calls;
  for (const auto& f : all) {
    f();
    calls.push_back(std::max(1L, long(4e-2 / seconds_per_call(f, 1))));
  }
  std::vector<std::vector<double>> time(all.size()), ratio(2);
  for (int r = 0; r < rounds; ++r) {
    std::vector<double> t(all.size());
    for (std::size_t v = 0; v < all.size(); ++v) {
      const std::size_t w = (v + std::size_t(r)) % all.size();
      t[w] = seconds_per_call(all[w], calls[w]);
    }
    for (std::size_t v = 0; v < all.size(); ++v) {
      time[v].push_back(t[v]);
    }
    // (einsum's 1-thread time / its 2-thread time) / (Eigen's 1-thread / Eigen's 2-thread)
    ratio[0].push_back((t[0] / t[2]) / (t[3] / t[5]));
    ratio[1].push_back((t[1] / t[2]) / (t[4] / t[5]));
  }
  for (auto* v : {&time, &ratio}) {
    for (auto& x : *v) {
      std::sort(x.begin(), x.end());
    }
  }
  const auto mid = [](const std::vector<double>& x) { return x[x.size() / 2]; };
  const auto low = [](const std::vector<double>& x) { return x[x.size() / 4]; };
  const auto high = [](const std::vector<double>& x) { return x[x.size() - 1 - x.size() / 4]; };
  std::printf("%s, median of %d rounds (ms):\n", name, rounds);
  std::printf("  einsum  1 thread %.2f, 1-thread pool %.2f, 2-thread pool %.2f\n",
              mid(time[0]) * 1e3, mid(time[1]) * 1e3, mid(time[2]) * 1e3);
  std::printf("  Eigen   1 thread %.2f, 1-thread pool %.2f, 2-thread pool %.2f\n",
              mid(time[3]) * 1e3, mid(time[4]) * 1e3, mid(time[5]) * 1e3);
  const char* base[] = {"1 thread (DefaultDevice)", "1-thread pool"};
  for (std::size_t b = 0; b < 2; ++b) {
    std::printf("  speedup ratio, from %-24s %.3f  (quartiles %.3f %.3f)\n", base[b], mid(ratio[b]),
                low(ratio[b]), high(ratio[b]));
  }
}

/// Eigen's contraction of (m x k) . (k x n), on each device.
struct same_flops_data {
  tensor<2> a, b, c;
  same_flops_data(Index m, Index k, Index n) : a(m, k), b(k, n), c(m, n) {
    a.setRandom();
    b.setRandom();
  }
  variants contract_on_each_device() {
    return on_each_device([this](Eigen::ThreadPoolDevice* device) {
      const Eigen::array<Eigen::IndexPair<Index>, 1> pair{{Eigen::IndexPair<Index>(1, 0)}};
      assign_on(device, c, a.contract(b, pair));
    });
  }
};

void paired(int rounds) {
  {
    attention_data d;
    same_flops_data e(2048, 64, 2048);
    pair_threads("bimd,bind->bimn 8,8,256,256,64",
                 on_each_device([&](Eigen::ThreadPoolDevice* device) {
                   assign_on(device, d.s, batch_contract<bimd_bind_bimn>(d.q, d.k));
                 }),
                 e.contract_on_each_device(), rounds);
  }
  {
    bmm_data d(32, 256, 256, 256);
    same_flops_data e(2048, 256, 1024);
    pair_threads("bij,bjk->bik 32x256^3", on_each_device([&](Eigen::ThreadPoolDevice* device) {
                   assign_on(device, d.c, batch_contract<bij_bjk_bik>(d.a, d.b));
                 }),
                 e.contract_on_each_device(), rounds);
  }
}

} // namespace

BENCHMARK(attention_einsum<1>)
    ->Name("a_bimd,bind->bimn/einsum/threads:1")
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(attention_hand<1>)
    ->Name("a_bimd,bind->bimn/hand/threads:1")
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(attention_matrix)
    ->Name("a_bimd,bind->bimn/matrix/threads:1")
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(attention_einsum<2>)
    ->Name("a_bimd,bind->bimn/einsum/threads:2")
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(attention_hand<2>)
    ->Name("a_bimd,bind->bimn/hand/threads:2")
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

BENCHMARK(bmm_einsum<1>)
    ->Name("b_bij,bjk->bik/einsum/threads:1")
    ->Args({32, 256})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(bmm_hand<1>)
    ->Name("b_bij,bjk->bik/hand/threads:1")
    ->Args({32, 256})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(bmm_matrix)
    ->Name("b_bij,bjk->bik/matrix/threads:1")
    ->Args({32, 256})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(bmm_einsum<2>)
    ->Name("b_bij,bjk->bik/einsum/threads:2")
    ->Args({32, 256})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(bmm_hand<2>)
    ->Name("b_bij,bjk->bik/hand/threads:2")
    ->Args({32, 256})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

BENCHMARK(bmm_einsum<1>)
    ->Name("c_bij,bjk->bik/einsum/threads:1")
    ->Args({4096, 8})
    ->Unit(benchmark::kMicrosecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(bmm_hand<1>)
    ->Name("c_bij,bjk->bik/hand/threads:1")
    ->Args({4096, 8})
    ->Unit(benchmark::kMicrosecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(bmm_matrix)
    ->Name("c_bij,bjk->bik/matrix/threads:1")
    ->Args({4096, 8})
    ->Unit(benchmark::kMicrosecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(bmm_einsum<2>)
    ->Name("c_bij,bjk->bik/einsum/threads:2")
    ->Args({4096, 8})
    ->Unit(benchmark::kMicrosecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(bmm_hand<2>)
    ->Name("c_bij,bjk->bik/hand/threads:2")
    ->Args({4096, 8})
    ->Unit(benchmark::kMicrosecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// The FLOPs of a_ (2048 x 64 . 64 x 2048) and b_ (2048 x 256 . 256 x 1024) as one contraction.
BENCHMARK(same_flops_contract<1>)
    ->Name("a_bimd,bind->bimn/eigen_same_flops/threads:1")
    ->Args({2048, 64, 2048})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(same_flops_contract<2>)
    ->Name("a_bimd,bind->bimn/eigen_same_flops/threads:2")
    ->Args({2048, 64, 2048})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(same_flops_contract<1>)
    ->Name("b_bij,bjk->bik/eigen_same_flops/threads:1")
    ->Args({2048, 256, 1024})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(same_flops_contract<2>)
    ->Name("b_bij,bjk->bik/eigen_same_flops/threads:2")
    ->Args({2048, 256, 1024})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--paired") {
    paired(argc > 2 ? std::atoi(argv[2]) : 41);
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
