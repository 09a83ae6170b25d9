// einsum vs the hand-written Eigen Tensor code a skilled user writes, per subscript, float, one
// thread (DefaultDevice), ColMajor and RowMajor. Each case registers, in this one process:
//   BM_einsum/<subscript>/<layout>     eigen_einsum::einsum<"...">(...)
//   BM_hand/<subscript>/<layout>       the one-liner: contract / shuffle / sum(dims) / trace / ...
//   BM_hand_best/<subscript>/<layout>  only for sums over outer axes, where `.sum(dims)` is slow:
//                                      the fastest Tensor-API form found (product with ones)
// Destinations are allocated before the timing loop; bench/ratios.py pairs the rows.
// `bench_core --verify` instead prints each variant's largest difference from einsum's result.
#include <eigen_einsum/einsum.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <type_traits>

namespace {

using Eigen::Index;
using eigen_einsum::fixed_string;

template <int Rank, int Layout>
using tensor = Eigen::Tensor<float, Rank, Layout>;
using pair = Eigen::IndexPair<int>;

// The C++17 spelling, which C++20 accepts too, so the benchmark builds under either standard.
constexpr fixed_string ij_jk_ik{"ij,jk->ik"};
constexpr fixed_string md_nd_mn{"md,nd->mn"};
constexpr fixed_string ijk_kji{"ijk->kji"};
constexpr fixed_string ij_i{"ij->i"};
constexpr fixed_string ij_j{"ij->j"};
constexpr fixed_string ij_{"ij->"};
constexpr fixed_string ijk_j{"ijk->j"};
constexpr fixed_string i_i_{"i,i->"};
constexpr fixed_string i_j_ij{"i,j->ij"};
constexpr fixed_string ij_ij_ij{"ij,ij->ij"};
constexpr fixed_string ii_{"ii->"};
constexpr fixed_string ii_i{"ii->i"};

// Deterministic values in [-1, 1), much cheaper than setRandom on 2^24 coefficients.
template <class T>
void fill(T& t) {
  std::uint32_t x = 2463534242u;
  float* p = t.data();
  for (Index i = 0; i < t.size(); ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    p[i] = static_cast<float>(x >> 8) * (2.0f / 16777216.0f) - 1.0f;
  }
}

template <class T>
T filled(T t) {
  fill(t);
  return t;
}

// ---- cases: each holds operands and destination, and one member function per variant ----------

template <int L>
struct matmul {
  static constexpr Index n = 1024;
  tensor<2, L> a = filled(tensor<2, L>(n, n)), b = filled(tensor<2, L>(n, n)), c{n, n};
  void einsum() { c = eigen_einsum::einsum<ij_jk_ik>(a, b); }
  void hand() { c = a.contract(b, std::array<pair, 1>{pair(1, 0)}); }
};

template <int L>
struct gram {
  static constexpr Index m = 1024, d = 64;
  tensor<2, L> a = filled(tensor<2, L>(m, d)), b = filled(tensor<2, L>(m, d)), c{m, m};
  void einsum() { c = eigen_einsum::einsum<md_nd_mn>(a, b); }
  void hand() { c = a.contract(b, std::array<pair, 1>{pair(1, 1)}); }
};

template <int L>
struct transpose3 {
  static constexpr Index n = 256;
  tensor<3, L> a = filled(tensor<3, L>(n, n, n)), c{n, n, n};
  void einsum() { c = eigen_einsum::einsum<ijk_kji>(a); }
  void hand() { c = a.shuffle(std::array<int, 3>{2, 1, 0}); }
};

// Sums the kept axis `Kept` of an n x n matrix out of the other one.
template <int L, int Kept>
struct row_or_col_sum {
  static constexpr Index n = 4096;
  tensor<2, L> a = filled(tensor<2, L>(n, n));
  tensor<1, L> c{n};
  tensor<1, L> ones = tensor<1, L>(n).setConstant(1.0f);
  void einsum() {
    if constexpr (Kept == 0) {
      c = eigen_einsum::einsum<ij_i>(a);
    } else {
      c = eigen_einsum::einsum<ij_j>(a);
    }
  }
  void hand() { c = a.sum(std::array<int, 1>{1 - Kept}); }
  // A matrix-vector product with a preallocated ones vector over the outer axis (registered only
  // there), with the matrix on the side that lets Eigen's gemv read it contiguously.
  void hand_best() {
    if constexpr (L == Eigen::ColMajor) {
      c = a.contract(ones, std::array<pair, 1>{pair(1, 0)});
    } else {
      c = ones.contract(a, std::array<pair, 1>{pair(0, 0)});
    }
  }
};

template <int L>
struct total_sum {
  static constexpr Index n = 4096;
  tensor<2, L> a = filled(tensor<2, L>(n, n));
  tensor<0, L> c;
  void einsum() { c = eigen_einsum::einsum<ij_>(a); }
  void hand() { c = a.sum(); }
};

template <int L>
struct middle_sum {
  static constexpr Index n = 256;
  static constexpr bool col = L == Eigen::ColMajor;
  tensor<3, L> a = filled(tensor<3, L>(n, n, n));
  tensor<1, L> c{n};
  tensor<1, L> ones = tensor<1, L>(n).setConstant(1.0f);
  tensor<2, L> partial{n, n};
  void einsum() { c = eigen_einsum::einsum<ijk_j>(a); }
  void hand() { c = a.sum(std::array<int, 2>{0, 2}); }
  // Sum the innermost axis with Eigen's (fast) inner reduction into a small n x n buffer, then the
  // outermost one as a matrix-vector product with ones.
  void hand_best() {
    if constexpr (col) {
      partial = a.sum(Eigen::IndexList<Eigen::type2index<0>>{});
      c = partial.contract(ones, std::array<pair, 1>{pair(1, 0)});
    } else {
      partial = a.sum(Eigen::IndexList<Eigen::type2index<2>>{});
      c = ones.contract(partial, std::array<pair, 1>{pair(0, 0)});
    }
  }
};

template <int L>
struct dot {
  static constexpr Index n = Index(1) << 24;
  tensor<1, L> a = filled(tensor<1, L>(n)), b = filled(tensor<1, L>(n));
  tensor<0, L> c;
  void einsum() { c = eigen_einsum::einsum<i_i_>(a, b); }
  void hand() { c = (a * b).sum(); }
};

template <int L>
struct outer {
  static constexpr Index n = 4096;
  tensor<1, L> a = filled(tensor<1, L>(n)), b = filled(tensor<1, L>(n));
  tensor<2, L> c{n, n};
  void einsum() { c = eigen_einsum::einsum<i_j_ij>(a, b); }
  void hand() {
    c = a.reshape(std::array<Index, 2>{n, 1}).broadcast(std::array<Index, 2>{1, n}) *
        b.reshape(std::array<Index, 2>{1, n}).broadcast(std::array<Index, 2>{n, 1});
  }
};

template <int L>
struct hadamard {
  static constexpr Index n = 4096;
  tensor<2, L> a = filled(tensor<2, L>(n, n)), b = filled(tensor<2, L>(n, n)), c{n, n};
  void einsum() { c = eigen_einsum::einsum<ij_ij_ij>(a, b); }
  void hand() { c = a * b; }
};

template <int L>
struct trace {
  static constexpr Index n = 4096;
  tensor<2, L> a = filled(tensor<2, L>(n, n));
  tensor<0, L> c;
  void einsum() { c = eigen_einsum::einsum<ii_>(a); }
  void hand() { c = a.trace(); }
};

template <int L>
struct diagonal {
  static constexpr Index n = 4096;
  tensor<2, L> a = filled(tensor<2, L>(n, n));
  tensor<1, L> c{n};
  void einsum() { c = eigen_einsum::einsum<ii_i>(a); }
  void hand() {
    for (Index i = 0; i < n; ++i) {
      c(i) = a(i, i);
    }
  }
};

// ---- registration ---------------------------------------------------------------------------

template <class Case, void (Case::*Variant)()>
void run(benchmark::State& state) {
  Case x;         // operands and destination: allocated and filled outside the timing loop
  (x.*Variant)(); // faults in the destination's pages and warms the caches, also untimed
  for (auto _ : state) {
    (x.*Variant)();
    benchmark::DoNotOptimize(x.c.data());
    benchmark::ClobberMemory();
  }
}

template <class Case, class = void>
struct has_best : std::false_type {};
template <class Case>
struct has_best<Case, std::void_t<decltype(&Case::hand_best)>> : std::true_type {};

/// `--verify`: runs each variant once and prints its largest difference from einsum's result.
template <class Case>
void verify(const char* subscript, const char* layout, bool best) {
  Case x;
  x.einsum();
  const auto expected = x.c;
  const auto diff = [&](void (Case::*f)(), const char* variant) {
    x.c.setConstant(-7.0f);
    (x.*f)();
    float d = 0, m = 0;
    for (Index i = 0; i < x.c.size(); ++i) {
      d = std::max(d, std::abs(x.c.data()[i] - expected.data()[i]));
      m = std::max(m, std::abs(expected.data()[i]));
    }
    std::printf("%-10s %-9s %-10s max |diff| %.3g (max |value| %.3g)\n", subscript, layout, variant,
                double(d), double(m));
  };
  diff(&Case::hand, "hand");
  if constexpr (has_best<Case>::value) {
    if (best) {
      diff(&Case::hand_best, "hand_best");
    }
  }
}

void add(const std::string& variant, const std::string& subscript, const char* layout,
         void (*f)(benchmark::State&)) {
  benchmark::RegisterBenchmark(("BM_" + variant + "/" + subscript + "/" + layout).c_str(), f)
      ->Unit(benchmark::kMillisecond);
}

bool verify_only = false;

template <template <int> class Case, int L>
void add_case(const char* subscript, bool best) {
  const char* layout = L == Eigen::ColMajor ? "ColMajor" : "RowMajor";
  using C = Case<L>;
  if (verify_only) {
    verify<C>(subscript, layout, best);
    return;
  }
  add("einsum", subscript, layout, &run<C, &C::einsum>);
  add("hand", subscript, layout, &run<C, &C::hand>);
  if constexpr (has_best<C>::value) {
    if (best) {
      add("hand_best", subscript, layout, &run<C, &C::hand_best>);
    }
  }
}

template <int L>
using row_sum = row_or_col_sum<L, 0>;
template <int L>
using col_sum = row_or_col_sum<L, 1>;

template <int L>
void add_all() {
  constexpr bool col = L == Eigen::ColMajor;
  add_case<matmul, L>("ij,jk->ik", false);
  add_case<gram, L>("md,nd->mn", false);
  add_case<transpose3, L>("ijk->kji", false);
  add_case<row_sum, L>("ij->i", col);  // j is the outer axis in ColMajor
  add_case<col_sum, L>("ij->j", !col); // i is the outer axis in RowMajor
  add_case<total_sum, L>("ij->", false);
  add_case<middle_sum, L>("ijk->j", true); // i or k is outer in either layout
  add_case<dot, L>("i,i->", false);
  add_case<outer, L>("i,j->ij", false);
  add_case<hadamard, L>("ij,ij->ij", false);
  add_case<trace, L>("ii->", false);
  add_case<diagonal, L>("ii->i", false);
}

} // namespace

int main(int argc, char** argv) {
  verify_only = argc > 1 && std::string(argv[1]) == "--verify";
  add_all<Eigen::ColMajor>();
  add_all<Eigen::RowMajor>();
  if (verify_only) {
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
