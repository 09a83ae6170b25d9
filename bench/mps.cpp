// Matrix-product-state contractions, double, ColMajor, one thread: the three-operand einsum against
// the same contraction written as two two-operand einsums in the hand order (the order a tensor
// network code uses). Physical dimension s = 4; bond dimension D = 32, 96, 256 on every other
// label. bench/ratios.py pairs the rows:
//   BM_einsum/<case>:D<bond>/ColMajor   one einsum of the three operands
//   BM_hand/<case>:D<bond>/ColMajor     two einsums, the intermediate held in a tensor
// `bench_mps --verify` prints each case's largest difference between the two.
// `bench_mps --paired [pairs]` times the two alternately instead, in blocks of about 0.2 ms (one
// call at least), and prints the median of the pairs' ratios with its quartiles: the machine's
// drift between Google Benchmark's repetitions cancels out of each pair.

#include "paired.hpp"

#include <eigen_einsum/einsum.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

using Eigen::Index;
using eigen_einsum::fixed_string;

template <int Rank>
using tensor = Eigen::Tensor<double, Rank>;

constexpr Index phys = 4;

template <class T>
T filled(T t, std::uint32_t seed) {
  double* p = t.data();
  for (Index i = 0; i < t.size(); ++i) {
    const std::uint32_t x = std::uint32_t(i) * 2654435761u + seed * 0x9E3779B9u;
    p[i] = double(x >> 8) * (2.0 / 16777216.0) - 1.0;
  }
  return t;
}

// The C++17 spelling, which C++20 accepts too.
constexpr fixed_string transfer{"ad,asb,dsc->bc"};
constexpr fixed_string transfer_1{"ad,asb->dsb"};
constexpr fixed_string transfer_2{"dsb,dsc->bc"};
constexpr fixed_string apply{"a,asb,s->b"};
constexpr fixed_string apply_1{"a,asb->sb"};
constexpr fixed_string apply_2{"sb,s->b"};
constexpr fixed_string sandwich{"ab,bsc,cd->asd"};
constexpr fixed_string sandwich_1{"ab,bsc->asc"};
constexpr fixed_string sandwich_2{"asc,cd->asd"};

// Transfer matrix step: the environment E[a, d] through A[a, s, b] and its partner B[d, s, c].
struct transfer_case {
  tensor<2> e, d;
  tensor<3> a, b, t;
  explicit transfer_case(Index n)
      : e(filled(tensor<2>(n, n), 1)), d(n, n), a(filled(tensor<3>(n, phys, n), 2)),
        b(filled(tensor<3>(n, phys, n), 3)), t(n, phys, n) {}
  void einsum() { d = eigen_einsum::einsum<transfer>(e, a, b); }
  void hand() {
    t = eigen_einsum::einsum<transfer_1>(e, a);
    d = eigen_einsum::einsum<transfer_2>(t, b);
  }
};

// A site tensor applied to a vector on its left bond and one on its physical label.
struct apply_case {
  tensor<1> v, w, d;
  tensor<3> a;
  tensor<2> t;
  explicit apply_case(Index n)
      : v(filled(tensor<1>(n), 1)), w(filled(tensor<1>(phys), 3)), d(n),
        a(filled(tensor<3>(n, phys, n), 2)), t(phys, n) {}
  void einsum() { d = eigen_einsum::einsum<apply>(v, a, w); }
  void hand() {
    t = eigen_einsum::einsum<apply_1>(v, a);
    d = eigen_einsum::einsum<apply_2>(t, w);
  }
};

// A site tensor between two bond matrices.
struct sandwich_case {
  tensor<2> l, r;
  tensor<3> a, t, d;
  explicit sandwich_case(Index n)
      : l(filled(tensor<2>(n, n), 1)), r(filled(tensor<2>(n, n), 3)),
        a(filled(tensor<3>(n, phys, n), 2)), t(n, phys, n), d(n, phys, n) {}
  void einsum() { d = eigen_einsum::einsum<sandwich>(l, a, r); }
  void hand() {
    t = eigen_einsum::einsum<sandwich_1>(l, a);
    d = eigen_einsum::einsum<sandwich_2>(t, r);
  }
};

template <class Case, void (Case::*Variant)()>
void run(benchmark::State& state, Index bond) {
  Case x(bond);
  for (auto _ : state) {
    (x.*Variant)();
    benchmark::DoNotOptimize(x.d.data());
    benchmark::ClobberMemory();
  }
}

template <class Case>
void add_case(const char* name, bool verify) {
  for (const Index bond : {32, 96, 256}) {
    if (verify) {
      Case x(bond);
      x.einsum();
      const auto expected = x.d;
      x.hand();
      double diff = 0, top = 0;
      for (Index i = 0; i < x.d.size(); ++i) {
        diff = std::max(diff, std::abs(x.d.data()[i] - expected.data()[i]));
        top = std::max(top, std::abs(expected.data()[i]));
      }
      std::printf("%-16s D=%-4ld max |diff| %.3g (max |value| %.3g)\n", name, long(bond), diff,
                  top);
      continue;
    }
    const std::string suffix = std::string(name) + ":D" + std::to_string(bond) + "/ColMajor";
    benchmark::RegisterBenchmark(("BM_einsum/" + suffix).c_str(), &run<Case, &Case::einsum>, bond)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_hand/" + suffix).c_str(), &run<Case, &Case::hand>, bond)
        ->Unit(benchmark::kMicrosecond);
  }
}

/// The einsum and the hand order timed alternately (bench/paired.hpp), `pairs` blocks each.
template <class Case>
void pair_case(const char* name, int pairs) {
  for (const Index bond : {32, 96, 256}) {
    Case x(bond);
    const auto r = bench::time_pairs(x, &Case::einsum, &Case::hand, pairs);
    std::printf("%-16s D%-4ld einsum %10.3f us  hand %10.3f us  einsum / hand %.3f  (quartiles "
                "%.3f %.3f)\n",
                name, long(bond), r.first_seconds * 1e6, r.second_seconds * 1e6, r.ratio, r.low,
                r.high);
  }
}

} // namespace

int main(int argc, char** argv) {
  const bool verify = argc > 1 && std::string(argv[1]) == "--verify";
  if (argc > 1 && std::string(argv[1]) == "--paired") {
    const int pairs = argc > 2 ? std::atoi(argv[2]) : 301;
    pair_case<transfer_case>("ad,asb,dsc->bc", pairs);
    pair_case<apply_case>("a,asb,s->b", pairs);
    pair_case<sandwich_case>("ab,bsc,cd->asd", pairs);
    return 0;
  }
  add_case<transfer_case>("ad,asb,dsc->bc", verify);
  add_case<apply_case>("a,asb,s->b", verify);
  add_case<sandwich_case>("ab,bsc,cd->asd", verify);
  if (verify) {
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
