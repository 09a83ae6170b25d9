// einsum with three or more operands vs the hand-written Eigen Tensor chain in the best order,
// float, one thread (DefaultDevice), ColMajor. Each case registers, in this one process:
//   BM_einsum/<case>/ColMajor    eigen_einsum::einsum<"...">(...)
//   BM_hand/<case>/ColMajor      the same contractions by hand in the cheapest order: contract()
//                                with IndexPair arrays, intermediates nested lazily (Eigen
//                                materialises every contraction once, into a temporary)
//   BM_hand_ltr/<case>/ColMajor  only for the matrix chain: the left-to-right order
// Destinations are allocated before the timing loop; bench/ratios.py pairs einsum with hand.
// `bench_network --verify` prints each variant's largest difference from einsum's result,
// `bench_network --path` the order einsum takes (eigen_einsum::einsum_path) for each case, and
// `bench_network --paired [pairs]` times einsum and hand alternately (bench/paired.hpp) instead.

#include "paired.hpp"

#include <eigen_einsum/einsum.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <type_traits>

namespace {

using Eigen::Index;
using eigen_einsum::fixed_string;

template <int Rank>
using tensor = Eigen::Tensor<float, Rank>;
using fixed4x4 = Eigen::TensorFixedSize<float, Eigen::Sizes<4, 4>>;
using pair = Eigen::IndexPair<int>;

template <std::size_t N>
using pairs = std::array<pair, N>;

// The C++17 spelling, which C++20 accepts too, so the benchmark builds under either standard.
constexpr fixed_string chain3{"ij,jk,kl->il"};
constexpr fixed_string chain_ranks3{"abc,bcd,cde->ae"};
constexpr fixed_string bilinear{"bn,anm,bm->ba"};
constexpr fixed_string tucker{"ea,fb,abcd,gc,hd->efgh"};

// Deterministic values in [-1, 1), different per operand.
template <class T>
T filled(T t, std::uint32_t seed) {
  std::uint32_t x = 2463534242u ^ (seed * 0x9E3779B9u);
  float* p = t.data();
  for (Index i = 0; i < t.size(); ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    p[i] = static_cast<float>(x >> 8) * (2.0f / 16777216.0f) - 1.0f;
  }
  return t;
}

// ---- cases: each holds operands and destination, and one member function per variant ----------

// ij,jk,kl->il with a 1000x10, b 10x1000, c 1000x10: (b c) first costs 2e5 multiplies, (a b)
// first 2e7 and a 1000x1000 intermediate.
struct chain {
  static constexpr Index i = 1000, j = 10, k = 1000, l = 10;
  tensor<2> a = filled(tensor<2>(i, j), 1), b = filled(tensor<2>(j, k), 2),
            c = filled(tensor<2>(k, l), 3);
  tensor<2> d{i, l};
  void einsum() { d = eigen_einsum::einsum<chain3>(a, b, c); }
  void hand() { d = a.contract(b.contract(c, pairs<1>{pair(1, 0)}), pairs<1>{pair(1, 0)}); }
  void hand_ltr() { d = a.contract(b, pairs<1>{pair(1, 0)}).contract(c, pairs<1>{pair(1, 0)}); }
  void path() const { std::cout << eigen_einsum::einsum_path<chain3>(a, b, c) << "\n"; }
};

// abc,bcd,cde->ae, all extents 64: label c is in all three operands, so every pairwise step has
// it as a batch label. Without a batched contraction in Eigen, the hand-written form loops over
// c: d += (a_c b_c) c_c, two 64x64x64 GEMMs per slice (the same FLOPs as the best order).
struct rank3_chain {
  static constexpr Index n = 64;
  tensor<3> a = filled(tensor<3>(n, n, n), 1), b = filled(tensor<3>(n, n, n), 2),
            c = filled(tensor<3>(n, n, n), 3);
  tensor<2> d{n, n};
  void einsum() { d = eigen_einsum::einsum<chain_ranks3>(a, b, c); }
  void hand() {
    d.setZero();
    for (Index s = 0; s < n; ++s) {
      d += a.chip(s, 2)
               .contract(b.chip(s, 1), pairs<1>{pair(1, 0)})
               .contract(c.chip(s, 0), pairs<1>{pair(1, 0)});
    }
  }
  void path() const { std::cout << eigen_einsum::einsum_path<chain_ranks3>(a, b, c) << "\n"; }
};

// bn,anm,bm->ba (a bilinear form per batch row b), b = 128, a = 64, n = m = 128: contract x with
// w over n (one GEMM, [b, a, m]), then the batched dot product with y over m.
struct bilinear_form {
  static constexpr Index nb = 128, na = 64, nn = 128, nm = 128;
  tensor<2> x = filled(tensor<2>(nb, nn), 1), y = filled(tensor<2>(nb, nm), 3);
  tensor<3> w = filled(tensor<3>(na, nn, nm), 2);
  tensor<2> d{nb, na};
  void einsum() { d = eigen_einsum::einsum<bilinear>(x, w, y); }
  void hand() {
    d = (x.contract(w, pairs<1>{pair(1, 1)}) *
         y.reshape(std::array<Index, 3>{nb, 1, nm}).broadcast(std::array<Index, 3>{1, na, 1}))
            .sum(Eigen::IndexList<Eigen::type2index<2>>{});
  }
  void path() const { std::cout << eigen_einsum::einsum_path<bilinear>(x, w, y) << "\n"; }
};

// ea,fb,abcd,gc,hd->efgh, all extents 32 (a Tucker-style change of basis on every axis): one
// matrix at a time into the core, each step a 32 x 32 x 32^3 GEMM; Eigen's contraction puts the
// new axis last, so after four steps the axes are already e, f, g, h.
struct tucker_core {
  static constexpr Index n = 32;
  tensor<2> e = filled(tensor<2>(n, n), 1), f = filled(tensor<2>(n, n), 2),
            g = filled(tensor<2>(n, n), 4), h = filled(tensor<2>(n, n), 5);
  tensor<4> x = filled(tensor<4>(n, n, n, n), 3);
  tensor<4> d{n, n, n, n};
  void einsum() { d = eigen_einsum::einsum<tucker>(e, f, x, g, h); }
  void hand() {
    d = e.contract(x, pairs<1>{pair(1, 0)})     // e b c d
            .contract(f, pairs<1>{pair(1, 1)})  // e c d f
            .contract(g, pairs<1>{pair(1, 1)})  // e d f g
            .contract(h, pairs<1>{pair(1, 1)}); // e f g h
  }
  void path() const { std::cout << eigen_einsum::einsum_path<tucker>(e, f, x, g, h) << "\n"; }
};

// ij,jk,kl->il on three 4x4 matrices: the per-call overhead (extent checks, the run-time choice
// among candidate orders for dynamic extents, temporaries).
template <class T>
struct tiny {
  T a = filled(T(), 1), b = filled(T(), 2), c = filled(T(), 3);
  T d;
  tiny() {
    if constexpr (std::is_same_v<T, tensor<2>>) {
      a = filled(T(4, 4), 1);
      b = filled(T(4, 4), 2);
      c = filled(T(4, 4), 3);
      d = T(4, 4);
    }
  }
  void einsum() { d = eigen_einsum::einsum<chain3>(a, b, c); }
  void hand() { d = a.contract(b, pairs<1>{pair(1, 0)}).contract(c, pairs<1>{pair(1, 0)}); }
  // The einsum without its alias guard (the guard op's inner expression): what the guard costs.
  void unguarded() { d = eigen_einsum::einsum<chain3>(a, b, c).expression(); }
  void path() const { std::cout << eigen_einsum::einsum_path<chain3>(a, b, c) << "\n"; }
};

// ---- registration ------------------------------------------------------------------------------

template <class Case, void (Case::*Variant)()>
void run(benchmark::State& state) {
  Case x; // operands and destination: allocated and filled outside the timing loop
  for (auto _ : state) {
    (x.*Variant)();
    benchmark::DoNotOptimize(x.d.data());
    benchmark::ClobberMemory();
  }
}

template <class Case, class = void>
struct has_ltr : std::false_type {};
template <class Case>
struct has_ltr<Case, std::void_t<decltype(&Case::hand_ltr)>> : std::true_type {};

template <class Case, class = void>
struct has_unguarded : std::false_type {};
template <class Case>
struct has_unguarded<Case, std::void_t<decltype(&Case::unguarded)>> : std::true_type {};

enum class mode { bench, verify, path, paired };
mode what = mode::bench;
int paired_count = 301;

/// `--verify`: runs each variant once and prints its largest difference from einsum's result.
template <class Case>
void verify(const char* name) {
  Case x;
  x.einsum();
  const auto expected = x.d;
  const auto diff = [&](void (Case::*f)(), const char* variant) {
    x.d.setConstant(-7.0f);
    (x.*f)();
    float dmax = 0, m = 0;
    for (Index i = 0; i < x.d.size(); ++i) {
      dmax = std::max(dmax, std::abs(x.d.data()[i] - expected.data()[i]));
      m = std::max(m, std::abs(expected.data()[i]));
    }
    std::printf("%-28s %-9s max |diff| %.3g (max |value| %.3g)\n", name, variant, double(dmax),
                double(m));
  };
  diff(&Case::hand, "hand");
  if constexpr (has_ltr<Case>::value) {
    diff(&Case::hand_ltr, "hand_ltr");
  }
}

void add(const char* variant, const char* name, void (*f)(benchmark::State&)) {
  char full[128];
  std::snprintf(full, sizeof full, "BM_%s/%s/ColMajor", variant, name);
  benchmark::RegisterBenchmark(full, f)->Unit(benchmark::kMicrosecond);
}

template <class Case>
void add_case(const char* name) {
  if (what == mode::verify) {
    verify<Case>(name);
    return;
  }
  if (what == mode::path) {
    std::cout << "== " << name << "\n";
    Case{}.path();
    return;
  }
  if (what == mode::paired) {
    Case x;
    const auto r = bench::time_pairs(x, &Case::einsum, &Case::hand, paired_count);
    std::printf("%-24s einsum %10.3f us  hand %10.3f us  einsum / hand %.3f  (quartiles %.3f "
                "%.3f)\n",
                name, r.first_seconds * 1e6, r.second_seconds * 1e6, r.ratio, r.low, r.high);
    return;
  }
  add("einsum", name, &run<Case, &Case::einsum>);
  add("hand", name, &run<Case, &Case::hand>);
  if constexpr (has_ltr<Case>::value) {
    add("hand_ltr", name, &run<Case, &Case::hand_ltr>);
  }
  if constexpr (has_unguarded<Case>::value) {
    add("unguarded", name, &run<Case, &Case::unguarded>);
  }
}

} // namespace

int main(int argc, char** argv) {
  const std::string arg = argc > 1 ? argv[1] : "";
  what = arg == "--verify"   ? mode::verify
         : arg == "--path"   ? mode::path
         : arg == "--paired" ? mode::paired
                             : mode::bench;
  if (what == mode::paired && argc > 2) {
    paired_count = std::atoi(argv[2]);
  }
  add_case<chain>("ij,jk,kl->il");
  add_case<rank3_chain>("abc,bcd,cde->ae");
  add_case<bilinear_form>("bn,anm,bm->ba");
  add_case<tucker_core>("ea,fb,abcd,gc,hd->efgh");
  add_case<tiny<tensor<2>>>("ij,jk,kl->il:4x4");
  add_case<tiny<fixed4x4>>("ij,jk,kl->il:4x4fixed");
  if (what != mode::bench) {
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
