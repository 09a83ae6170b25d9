// einsum on the cases bench/peers.py times numpy's and torch's einsum on: float, RowMajor (numpy's
// C order), one thread (DefaultDevice). Each case registers
//   BM_einsum/<subscript>/RowMajor   d = eigen_einsum::einsum<"...">(operands...), d preallocated
// and, for the permutation cases, the copy bandwidth they are judged against:
//   BM_memcpy/<subscript>/RowMajor   std::memcpy of the same bytes
// `bench_peers --list` prints each case's subscript and operand shapes, one per line, for
// bench/peers.py; `bench_peers --verify` prints each result's checksum (peers.py compares them with
// numpy's). The same file built as a shared library (bench_peers_in_process.so) runs each case on
// arrays it is given, for `peers.py --interleaved`, which times it on numpy's own arrays.
// Operands, results and the copies' buffers lie in transparent huge pages, as numpy puts its arrays
// (it calls madvise(MADV_HUGEPAGE) on every allocation of 4 MiB or more, and torch.from_numpy
// shares them): where the kernel's mode is `madvise`, 4 KB pages stream 64 MB about 20% slower.

#include <eigen_einsum/einsum.hpp>

#include <benchmark/benchmark.h>

#include <sys/mman.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>

namespace {

using Eigen::Index;
using eigen_einsum::fixed_string;

template <int Rank>
using tensor = Eigen::Tensor<float, Rank, Eigen::RowMajor>;

template <class... I>
Eigen::DSizes<Index, sizeof...(I)> shape(I... extents) {
  return Eigen::DSizes<Index, sizeof...(I)>(Index(extents)...);
}

/// Asks for huge pages over `bytes` at `p` before they are first written, as numpy does for its
/// arrays of 4 MiB or more.
void huge_pages(void* p, std::size_t bytes) {
  constexpr std::size_t page = 4096, numpy_threshold = std::size_t(4) << 20;
  if (bytes < numpy_threshold) {
    return;
  }
  const std::uintptr_t begin = (reinterpret_cast<std::uintptr_t>(p) + page - 1) / page * page;
  const std::uintptr_t end = reinterpret_cast<std::uintptr_t>(p) + bytes;
  madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

/// A tensor of these extents, its memory not yet written, in huge pages where numpy's would be.
template <std::size_t Rank>
tensor<int(Rank)> allocated(const std::array<Index, Rank>& dims) {
  tensor<int(Rank)> t(dims);
  huge_pages(t.data(), std::size_t(t.size()) * sizeof(float));
  return t;
}

// Deterministic values in [-1, 1), different per operand; peers.py computes the same ones.
template <int Rank>
tensor<Rank> filled(const Eigen::DSizes<Index, Rank>& dims, std::uint32_t seed) {
  tensor<Rank> t = allocated<Rank>(dims);
  float* p = t.data();
  for (Index i = 0; i < t.size(); ++i) {
    const std::uint32_t x = std::uint32_t(i) * 2654435761u + seed * 0x9E3779B9u;
    p[i] = static_cast<float>(x >> 8) * (2.0f / 16777216.0f) - 1.0f;
  }
  return t;
}

enum class mode { bench, list, verify, in_process };
mode what = mode::bench;

/// In a process that loaded us as a library: runs a case `calls` times on the given operands'
/// and result's memory, returns the seconds per call.
using on_arrays = std::function<double(const float* const* operands, float* result, long calls)>;
std::map<std::string, on_arrays> cases_on_arrays;

/// Case `Text` `calls` times over maps of these arrays, in a row; the seconds per call.
template <const auto& Text, int OutRank, int... Ranks, std::size_t... I>
double time_on_arrays(std::index_sequence<I...>, const float* const* operands, float* result,
                      long calls, const Eigen::DSizes<Index, Ranks>&... dims) {
  const std::tuple<Eigen::TensorMap<const tensor<Ranks>>...> ops(
      Eigen::TensorMap<const tensor<Ranks>>(operands[I], dims)...);
  Eigen::TensorMap<tensor<OutRank>> d(
      result, eigen_einsum::detail::extents_of(eigen_einsum::einsum<Text>(std::get<I>(ops)...)));
  const auto start = std::chrono::steady_clock::now();
  for (long k = 0; k < calls; ++k) {
    d = eigen_einsum::einsum<Text>(std::get<I>(ops)...);
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  return elapsed.count() / double(calls);
}

template <const auto& Text, int OutRank, int... Ranks>
struct peer_case {
  std::tuple<tensor<Ranks>...> ops;
  tensor<OutRank> d;

  template <std::size_t... I>
  peer_case(std::index_sequence<I...>, const Eigen::DSizes<Index, Ranks>&... dims)
      : ops(filled<Ranks>(dims, std::uint32_t(I + 1))...) {
    // The result's memory in huge pages, as the operands'.
    std::apply(
        [this](const auto&... x) {
          d = allocated(eigen_einsum::detail::extents_of(eigen_einsum::einsum<Text>(x...)));
        },
        ops);
    compute();
  }
  void compute() {
    std::apply([this](const auto&... x) { d = eigen_einsum::einsum<Text>(x...); }, ops);
  }
};

template <int Rank>
void print_shape(const Eigen::DSizes<Index, Rank>& dims) {
  std::printf(" ");
  for (int i = 0; i < Rank; ++i) {
    std::printf(i == 0 ? "%ld" : "x%ld", long(dims[i]));
  }
  if (Rank == 0) {
    std::printf("scalar");
  }
}

template <const auto& Text, int OutRank, int... Ranks>
void add(bool permutation, const Eigen::DSizes<Index, Ranks>&... dims) {
  using Case = peer_case<Text, OutRank, Ranks...>;
  const std::string name = Text.data();
  if (what == mode::list) {
    std::printf("%s", name.c_str());
    (print_shape<Ranks>(dims), ...);
    std::printf("\n");
    return;
  }
  if (what == mode::in_process) {
    cases_on_arrays[name] = [=](const float* const* operands, float* result, long calls) {
      return time_on_arrays<Text, OutRank, Ranks...>(std::index_sequence_for<decltype(Ranks)...>{},
                                                     operands, result, calls, dims...);
    };
    return;
  }
  if (what == mode::verify) {
    Case x(std::index_sequence_for<decltype(Ranks)...>{}, dims...);
    double sum = 0, abs = 0;
    for (Index i = 0; i < x.d.size(); ++i) {
      sum += double(x.d.data()[i]);
      abs += std::abs(double(x.d.data()[i]));
    }
    std::printf("%s %.9g %.9g\n", name.c_str(), sum, abs);
    return;
  }
  benchmark::RegisterBenchmark(("BM_einsum/" + name + "/RowMajor").c_str(),
                               [=](benchmark::State& state) {
                                 Case x(std::index_sequence_for<decltype(Ranks)...>{}, dims...);
                                 for (auto _ : state) {
                                   x.compute();
                                   benchmark::DoNotOptimize(x.d.data());
                                   benchmark::ClobberMemory();
                                 }
                               })
      ->Unit(benchmark::kMillisecond);
  if (permutation) {
    const Index bytes = Index(sizeof(float)) * (Eigen::internal::array_prod(dims) * ...);
    benchmark::RegisterBenchmark(("BM_memcpy/" + name + "/RowMajor").c_str(),
                                 [=](benchmark::State& state) {
                                   const auto size = std::size_t(bytes);
                                   std::unique_ptr<char[]> from(new char[size]), to(new char[size]);
                                   huge_pages(from.get(), size);
                                   huge_pages(to.get(), size);
                                   std::memset(from.get(), 1, size);
                                   std::memset(to.get(), 2, size);
                                   for (auto _ : state) {
                                     std::memcpy(to.get(), from.get(), size);
                                     benchmark::DoNotOptimize(to.get());
                                     benchmark::ClobberMemory();
                                   }
                                 })
        ->Unit(benchmark::kMillisecond);
  }
}

// The C++17 spelling, which C++20 accepts too.
constexpr fixed_string gemm{"ij,jk->ik"};
constexpr fixed_string attention{"bimd,bind->bimn"};
constexpr fixed_string batched{"bij,bjk->bik"};
constexpr fixed_string permute3{"ijk->kji"};
constexpr fixed_string permute4{"abcd->dcba"};
constexpr fixed_string rows{"ij->i"};
constexpr fixed_string columns{"ij->j"};
constexpr fixed_string total{"ij->"};
constexpr fixed_string middle{"ijk->j"};
constexpr fixed_string dot{"i,i->"};
constexpr fixed_string hadamard1{"i,i->i"};
constexpr fixed_string outer{"i,j->ij"};
constexpr fixed_string hadamard2{"ij,ij->ij"};
constexpr fixed_string trace{"ii->"};
constexpr fixed_string diagonal{"ii->i"};
constexpr fixed_string chain{"ij,jk,kl->il"};
constexpr fixed_string rank3_chain{"abc,bcd,cde->ae"};
constexpr fixed_string bilinear{"bn,anm,bm->ba"};
constexpr fixed_string tucker{"ea,fb,abcd,gc,hd->efgh"};

void add_cases() {
  add<gemm, 2, 2, 2>(false, shape(1024, 1024), shape(1024, 1024));
  add<attention, 4, 4, 4>(false, shape(8, 8, 256, 64), shape(8, 8, 256, 64));
  add<batched, 3, 3, 3>(false, shape(32, 256, 256), shape(32, 256, 256));
  add<permute3, 3, 3>(true, shape(256, 256, 256));
  add<permute4, 4, 4>(true, shape(64, 64, 64, 64));
  add<rows, 1, 2>(false, shape(4096, 4096));
  add<columns, 1, 2>(false, shape(4096, 4096));
  add<total, 0, 2>(false, shape(4096, 4096));
  add<middle, 1, 3>(false, shape(256, 256, 256));
  add<dot, 0, 1, 1>(false, shape(1 << 24), shape(1 << 24));
  add<hadamard1, 1, 1, 1>(false, shape(1 << 24), shape(1 << 24));
  add<outer, 2, 1, 1>(false, shape(4096), shape(4096));
  add<hadamard2, 2, 2, 2>(false, shape(4096, 4096), shape(4096, 4096));
  add<trace, 0, 2>(false, shape(4096, 4096));
  add<diagonal, 1, 2>(false, shape(4096, 4096));
  add<chain, 2, 2, 2, 2>(false, shape(1000, 10), shape(10, 1000), shape(1000, 10));
  add<rank3_chain, 2, 3, 3, 3>(false, shape(64, 64, 64), shape(64, 64, 64), shape(64, 64, 64));
  add<bilinear, 2, 2, 3, 2>(false, shape(256, 128), shape(64, 128, 128), shape(256, 128));
  add<tucker, 4, 2, 2, 4, 2, 2>(false, shape(32, 32), shape(32, 32), shape(32, 32, 32, 32),
                                shape(32, 32), shape(32, 32));
}

} // namespace

/// For peers.py --interleaved, which loads this file built as a shared library: runs case
/// `subscript` `calls` times on the operands' and the result's memory (C order, the case's
/// shapes), returns the seconds per call, or -1 for a subscript that is not a case.
extern "C" double eigen_einsum_peers_run(const char* subscript, const float* const* operands,
                                         float* result, long calls) {
  if (cases_on_arrays.empty()) {
    what = mode::in_process;
    add_cases();
  }
  const auto found = cases_on_arrays.find(subscript);
  return found == cases_on_arrays.end() ? -1.0 : found->second(operands, result, calls);
}

int main(int argc, char** argv) {
  const std::string arg = argc > 1 ? argv[1] : "";
  what = arg == "--list" ? mode::list : arg == "--verify" ? mode::verify : mode::bench;
  add_cases();
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
