// Paired timing for the benchmarks that compare einsum with a hand-written form of the same case:
// the two run alternately, in blocks of about 0.2 ms (one call at least), and each pair's ratio
// cancels the machine's drift, which between Google Benchmark's repetitions of a call of a few
// microseconds moves single ratios by 5-10% on a shared machine.
//
//   const auto r = bench::time_pairs(x, &Case::einsum, &Case::hand, 3001);
//   std::printf("%.3f (quartiles %.3f %.3f)\n", r.ratio, r.low, r.high);
//
// A case is any object whose member `d` is the destination both variants write.
#ifndef EIGEN_EINSUM_BENCH_PAIRED_HPP
#define EIGEN_EINSUM_BENCH_PAIRED_HPP

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace bench {

/// Seconds per call of `n` calls of `variant` on `x`.
template <class Case>
double seconds_per_call(Case& x, void (Case::*variant)(), long n) {
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) {
    (x.*variant)();
    benchmark::DoNotOptimize(x.d.data());
    benchmark::ClobberMemory();
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
         double(n);
}

/// Medians over the pairs: first / second with its quartiles, and each side's time per call.
struct paired_times {
  double ratio, low, high, first_seconds, second_seconds;
};

/// `first` and `second` timed alternately on `x`, `pairs` blocks each; the first of each pair
/// alternates too.
template <class Case>
paired_times time_pairs(Case& x, void (Case::*first)(), void (Case::*second)(), int pairs) {
  const double warm = seconds_per_call(x, first, 2);
  const long n = std::max(1L, long(2e-4 / warm));
  std::vector<double> ratios, a, b;
  for (int p = 0; p < pairs; ++p) {
    const double b0 = p % 2 ? seconds_per_call(x, second, n) : 0;
    const double a1 = seconds_per_call(x, first, n);
    const double b1 = p % 2 ? b0 : seconds_per_call(x, second, n);
    ratios.push_back(a1 / b1);
    a.push_back(a1);
    b.push_back(b1);
  }
  for (auto* v : {&ratios, &a, &b}) {
    std::sort(v->begin(), v->end());
  }
  const std::size_t mid = ratios.size() / 2, quarter = ratios.size() / 4;
  return {ratios[mid], ratios[quarter], ratios[ratios.size() - 1 - quarter], a[mid], b[mid]};
}

} // namespace bench

#endif // EIGEN_EINSUM_BENCH_PAIRED_HPP
