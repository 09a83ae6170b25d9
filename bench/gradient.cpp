// REQUIRES: c++20
// Gradients, one thread. bench/gradients.py runs this and prints the ratios:
//   BM_einsum/<case>/<layout>     gradient<..., K> for one operand (attention: float, RowMajor)
//   BM_hand/<case>/<layout>       the hand-written backward contraction (chip loop + contract)
//   BM_gradients/<case>/<layout>  gradients<...>: every operand's gradient, one tree walk
//   BM_forward/<case>/<layout>    einsum<...>: the forward pass alone
//   BM_separate/<case>/<layout>   gradient<..., K> for every K, each from scratch
//   BM_record/<case>/<layout>     record<...>: the forward pass, keeping its tree's intermediates
//   BM_recorded/<case>/<layout>   .gradients(g) of a record: the backward walk alone
// `bench_gradient --verify` prints the largest difference between the gradients of each case
// (gradients<> against gradient<..., K>, and gradient<..., K> against the hand-written code).

#include <eigen_einsum/einsum.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <tuple>
#include <utility>

namespace {

using Eigen::Index;

template <class T>
T filled(T t, std::uint32_t seed) {
  auto* p = t.data();
  for (Index i = 0; i < t.size(); ++i) {
    const std::uint32_t x = std::uint32_t(i) * 2654435761u + seed * 0x9E3779B9u;
    p[i] = typename T::Scalar(double(x >> 8) * (2.0 / 16777216.0) - 1.0);
  }
  return t;
}

template <class A, class B>
double max_diff(const A& a, const B& b) {
  double d = 0;
  for (Index i = 0; i < a.size(); ++i) {
    d = std::max(d, double(std::abs(a.data()[i] - b.data()[i])));
  }
  return d;
}

// ---- bimd,bind->bimn: each operand's gradient against the hand-written backward ------------

template <int Rank>
using ftensor = Eigen::Tensor<float, Rank, Eigen::RowMajor>;

struct attention {
  static constexpr Index B = 8, I = 8, M = 256, N = 256, D = 64;
  ftensor<4> q = filled(ftensor<4>(B, I, M, D), 1);
  ftensor<4> k = filled(ftensor<4>(B, I, N, D), 2);
  ftensor<4> ds = filled(ftensor<4>(B, I, M, N), 3); // the gradient of s = q k^T
  ftensor<4> dq{B, I, M, D}, dk{B, I, N, D};

  void einsum_q() { dq = eigen_einsum::gradient<"bimd,bind->bimn", 0>(ds, q, k); }
  void einsum_k() { dk = eigen_einsum::gradient<"bimd,bind->bimn", 1>(ds, q, k); }
  // dq[b, i] = ds[b, i] k[b, i]: (m x n) (n x d).
  void hand_q() {
    const Eigen::array<Eigen::IndexPair<Index>, 1> pair{{Eigen::IndexPair<Index>(1, 0)}};
    for (Index b = 0; b < B; ++b) {
      for (Index i = 0; i < I; ++i) {
        dq.chip(b, 0).chip(i, 0) = ds.chip(b, 0).chip(i, 0).contract(k.chip(b, 0).chip(i, 0), pair);
      }
    }
  }
  // dk[b, i] = ds[b, i]^T q[b, i]: (n x m) (m x d).
  void hand_k() {
    const Eigen::array<Eigen::IndexPair<Index>, 1> pair{{Eigen::IndexPair<Index>(0, 0)}};
    for (Index b = 0; b < B; ++b) {
      for (Index i = 0; i < I; ++i) {
        dk.chip(b, 0).chip(i, 0) = ds.chip(b, 0).chip(i, 0).contract(q.chip(b, 0).chip(i, 0), pair);
      }
    }
  }
};

template <void (attention::*Variant)(), float* (*Out)(attention&)>
void run_attention(benchmark::State& state) {
  attention x;
  for (auto _ : state) {
    (x.*Variant)();
    benchmark::DoNotOptimize(Out(x));
    benchmark::ClobberMemory();
  }
}
float* out_q(attention& x) {
  return x.dq.data();
}
float* out_k(attention& x) {
  return x.dk.data();
}

// ---- all gradients at once against the forward pass and against separate gradients ---------

template <int Rank>
using dtensor = Eigen::Tensor<double, Rank>;
template <int Rank>
using ntensor = Eigen::Tensor<float, Rank>;

// The five-operand network of bench/network.cpp, all extents 32, float.
struct network_operands {
  static constexpr Index n = 32;
  ntensor<2> ea = filled(ntensor<2>(n, n), 1), fb = filled(ntensor<2>(n, n), 2);
  ntensor<4> abcd = filled(ntensor<4>(n, n, n, n), 3);
  ntensor<2> gc = filled(ntensor<2>(n, n), 4), hd = filled(ntensor<2>(n, n), 5);
};

auto record_of(const network_operands& x) {
  return eigen_einsum::record<"ea,fb,abcd,gc,hd->efgh">(x.ea, x.fb, x.abcd, x.gc, x.hd);
}

struct network : network_operands {
  ntensor<4> g = filled(ntensor<4>(n, n, n, n), 6), out{n, n, n, n};
  ntensor<2> d0{n, n}, d1{n, n}, d3{n, n}, d4{n, n};
  ntensor<4> d2{n, n, n, n};
  std::unique_ptr<decltype(record_of(std::declval<const network_operands&>()))> kept{
      new auto(record_of(*this))};
  explicit network(Index) {}

  void forward() { out = eigen_einsum::einsum<"ea,fb,abcd,gc,hd->efgh">(ea, fb, abcd, gc, hd); }
  void all() {
    std::tie(d0, d1, d2, d3, d4) =
        eigen_einsum::gradients<"ea,fb,abcd,gc,hd->efgh">(g, ea, fb, abcd, gc, hd);
  }
  void record() { benchmark::DoNotOptimize(record_of(*this).output().data()); }
  void recorded() { std::tie(d0, d1, d2, d3, d4) = kept->gradients(g); }
  void separate() {
    d0 = eigen_einsum::gradient<"ea,fb,abcd,gc,hd->efgh", 0>(g, ea, fb, abcd, gc, hd);
    d1 = eigen_einsum::gradient<"ea,fb,abcd,gc,hd->efgh", 1>(g, ea, fb, abcd, gc, hd);
    d2 = eigen_einsum::gradient<"ea,fb,abcd,gc,hd->efgh", 2>(g, ea, fb, abcd, gc, hd);
    d3 = eigen_einsum::gradient<"ea,fb,abcd,gc,hd->efgh", 3>(g, ea, fb, abcd, gc, hd);
    d4 = eigen_einsum::gradient<"ea,fb,abcd,gc,hd->efgh", 4>(g, ea, fb, abcd, gc, hd);
  }
  float* data() { return d2.data(); }
  double verify() {
    all();
    const auto all_d2 = d2;
    const auto all_d0 = d0;
    recorded();
    const double kept = std::max(max_diff(all_d2, d2), max_diff(all_d0, d0));
    separate();
    return std::max({kept, max_diff(all_d2, d2), max_diff(all_d0, d0)});
  }
};

// A matrix-product-state step of bench/mps.cpp: a site tensor between two bond matrices, double.
struct sandwich_operands {
  static constexpr Index phys = 4;
  dtensor<2> l, r;
  dtensor<3> a;
  explicit sandwich_operands(Index n)
      : l(filled(dtensor<2>(n, n), 1)), r(filled(dtensor<2>(n, n), 2)),
        a(filled(dtensor<3>(n, phys, n), 3)) {}
};

auto record_of(const sandwich_operands& x) {
  return eigen_einsum::record<"ab,bsc,cd->asd">(x.l, x.a, x.r);
}

struct sandwich : sandwich_operands {
  dtensor<3> g, out, dl_3;
  dtensor<2> dl, dr;
  dtensor<3> da;
  std::unique_ptr<decltype(record_of(std::declval<const sandwich_operands&>()))> kept;
  explicit sandwich(Index n)
      : sandwich_operands(n), g(filled(dtensor<3>(n, phys, n), 4)), out(n, phys, n), dl(n, n),
        dr(n, n), da(n, phys, n), kept(new auto(record_of(*this))) {}

  void forward() { out = eigen_einsum::einsum<"ab,bsc,cd->asd">(l, a, r); }
  void all() { std::tie(dl, da, dr) = eigen_einsum::gradients<"ab,bsc,cd->asd">(g, l, a, r); }
  void record() { benchmark::DoNotOptimize(record_of(*this).output().data()); }
  void recorded() { std::tie(dl, da, dr) = kept->gradients(g); }
  void separate() {
    dl = eigen_einsum::gradient<"ab,bsc,cd->asd", 0>(g, l, a, r);
    da = eigen_einsum::gradient<"ab,bsc,cd->asd", 1>(g, l, a, r);
    dr = eigen_einsum::gradient<"ab,bsc,cd->asd", 2>(g, l, a, r);
  }
  double* data() { return da.data(); }
  double verify() {
    all();
    const auto all_da = da;
    const auto all_dl = dl;
    recorded();
    const double kept = std::max(max_diff(all_da, da), max_diff(all_dl, dl));
    separate();
    return std::max({kept, max_diff(all_da, da), max_diff(all_dl, dl)});
  }
};

template <class Case, void (Case::*Variant)()>
void run(benchmark::State& state) {
  Case x(state.range(0));
  for (auto _ : state) {
    (x.*Variant)();
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
}

template <class Case>
void add_tree_case(const std::string& name, Index size, bool verify) {
  if (verify) {
    Case x(size);
    std::printf("%-32s gradients<> vs recorded, gradient<K>: max |diff| %.3g\n", name.c_str(),
                x.verify());
    return;
  }
  const std::string suffix = "/" + name + "/ColMajor";
  benchmark::RegisterBenchmark(("BM_gradients" + suffix).c_str(), &run<Case, &Case::all>)
      ->Arg(size)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("BM_forward" + suffix).c_str(), &run<Case, &Case::forward>)
      ->Arg(size)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("BM_separate" + suffix).c_str(), &run<Case, &Case::separate>)
      ->Arg(size)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("BM_record" + suffix).c_str(), &run<Case, &Case::record>)
      ->Arg(size)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("BM_recorded" + suffix).c_str(), &run<Case, &Case::recorded>)
      ->Arg(size)
      ->Unit(benchmark::kMillisecond);
}

} // namespace

int main(int argc, char** argv) {
  const bool verify = argc > 1 && std::string(argv[1]) == "--verify";
  if (verify) {
    attention x;
    x.einsum_q();
    x.einsum_k();
    const auto dq = x.dq;
    const auto dk = x.dk;
    x.hand_q();
    x.hand_k();
    std::printf("%-32s gradient<K> vs hand: max |diff| dq %.3g, dk %.3g\n", "bimd,bind->bimn",
                max_diff(dq, x.dq), max_diff(dk, x.dk));
  } else {
    benchmark::RegisterBenchmark("BM_einsum/grad q:bimd,bind->bimn/RowMajor",
                                 &run_attention<&attention::einsum_q, &out_q>)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("BM_hand/grad q:bimd,bind->bimn/RowMajor",
                                 &run_attention<&attention::hand_q, &out_q>)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("BM_einsum/grad k:bimd,bind->bimn/RowMajor",
                                 &run_attention<&attention::einsum_k, &out_k>)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("BM_hand/grad k:bimd,bind->bimn/RowMajor",
                                 &run_attention<&attention::hand_k, &out_k>)
        ->Unit(benchmark::kMillisecond);
  }
  add_tree_case<network>("ea,fb,abcd,gc,hd->efgh:32", 32, verify);
  for (const Index bond : {96, 256}) {
    add_tree_case<sandwich>("ab,bsc,cd->asd:D" + std::to_string(bond), bond, verify);
  }
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
