#define EIGEN_USE_THREADS
#include <eigen_einsum/batch_contraction.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <cstdint>
#include <random>
#include <string>
#include <type_traits>

namespace {

using Eigen::Index;
using eigen_einsum::batch_contract;
using eigen_einsum::detail::batch_contraction_spec;

// --- test-side spec builder and naive reference: no code shared with the header ----------------

/// The spec of `lhs,rhs->out` for subscripts whose labels are all batch, contracted or free.
constexpr batch_contraction_spec make_spec(const char* lhs, const char* rhs, const char* out) {
  batch_contraction_spec s{};
  auto length = [](const char* text) {
    int n = 0;
    while (text[n])
      ++n;
    return n;
  };
  auto find = [](const char* text, int n, char label) {
    for (int i = 0; i < n; ++i)
      if (text[i] == label)
        return i;
    return -1;
  };
  s.lhs_rank = length(lhs);
  s.rhs_rank = length(rhs);
  s.output_rank = length(out);
  for (int a = 0; a < s.lhs_rank; ++a) {
    const int r = find(rhs, s.rhs_rank, lhs[a]);
    const int o = find(out, s.output_rank, lhs[a]);
    if (r >= 0 && o >= 0) {
      s.lhs_batch[s.num_batch] = a;
      s.rhs_batch[s.num_batch++] = r;
    } else if (r >= 0) {
      s.lhs_contract[s.num_contract] = a;
      s.rhs_contract[s.num_contract++] = r;
    }
  }
  for (int p = 0; p < s.output_rank; ++p) {
    const int a = find(lhs, s.lhs_rank, out[p]);
    s.output_operand[p] = a >= 0 ? 0 : 1;
    s.output_axis[p] = a >= 0 ? a : find(rhs, s.rhs_rank, out[p]);
  }
  return s;
}

#define BATCH_SPEC(name, lhs, rhs, out)                                                            \
  struct name {                                                                                    \
    static constexpr const char* subscripts[3] = {lhs, rhs, out};                                  \
    static constexpr batch_contraction_spec value = make_spec(lhs, rhs, out);                      \
  }

BATCH_SPEC(bij_bjk_bik, "bij", "bjk", "bik");
BATCH_SPEC(bij_bjk_kib, "bij", "bjk", "kib");
BATCH_SPEC(bimd_bind_bimn, "bimd", "bind", "bimn");
BATCH_SPEC(ibj_jkb_kib, "ibj", "jkb", "kib");
BATCH_SPEC(ijb_jkb_ikb, "ijb", "jkb", "ikb");
BATCH_SPEC(ijb_jkb_kib, "ijb", "jkb", "kib");
BATCH_SPEC(ijb_jkb_ibk, "ijb", "jkb", "ibk");
BATCH_SPEC(bi_bi_b, "bi", "bi", "b");
BATCH_SPEC(i_j_ij, "i", "j", "ij");
BATCH_SPEC(i_i_, "i", "i", "");

template <class Scalar>
Scalar random_scalar(std::mt19937& rng) {
  std::uniform_int_distribution<int> d(-4, 4);
  if constexpr (std::is_same<Scalar, std::complex<float>>::value ||
                std::is_same<Scalar, std::complex<double>>::value)
    return Scalar(typename Scalar::value_type(d(rng)) / 4, typename Scalar::value_type(d(rng)) / 4);
  else if constexpr (std::is_integral<Scalar>::value)
    return Scalar(d(rng));
  else
    return Scalar(d(rng)) / 4;
}

template <class Scalar, int Rank, int Layout>
Eigen::Tensor<Scalar, Rank, Layout> random_tensor(const Eigen::array<Index, Rank>& dims,
                                                  unsigned seed) {
  Eigen::Tensor<Scalar, Rank, Layout> t(dims);
  std::mt19937 rng(seed);
  for (Index i = 0; i < t.size(); ++i)
    t.data()[i] = random_scalar<Scalar>(rng);
  return t;
}

/// Nested loops over every label: out[o] += lhs[a] * rhs[b], with labels looked up by letter.
template <class Spec, class Scalar, int Layout, int RA, int RB>
auto naive(const Eigen::Tensor<Scalar, RA, Layout>& a, const Eigen::Tensor<Scalar, RB, Layout>& b) {
  constexpr int RO = Spec::value.output_rank;
  const std::string sa = Spec::subscripts[0], sb = Spec::subscripts[1], so = Spec::subscripts[2];
  std::string labels;
  Index extent[128] = {};
  for (int i = 0; i < RA; ++i) {
    if (labels.find(sa[i]) == std::string::npos)
      labels += sa[i];
    extent[int(sa[i])] = a.dimension(i);
  }
  for (int i = 0; i < RB; ++i) {
    if (labels.find(sb[i]) == std::string::npos)
      labels += sb[i];
    extent[int(sb[i])] = b.dimension(i);
  }
  Eigen::array<Index, RO> out_dims;
  for (int i = 0; i < RO; ++i)
    out_dims[i] = extent[int(so[i])];
  Eigen::Tensor<Scalar, RO, Layout> out(out_dims);
  out.setZero();
  Index value[128] = {};
  Index total = 1;
  for (char c : labels)
    total *= extent[int(c)];
  for (Index flat = 0; flat < total; ++flat) {
    Index rest = flat;
    for (char c : labels) {
      value[int(c)] = rest % extent[int(c)];
      rest /= extent[int(c)];
    }
    Eigen::array<Index, RA> ia;
    Eigen::array<Index, RB> ib;
    Eigen::array<Index, RO> io;
    for (int i = 0; i < RA; ++i)
      ia[i] = value[int(sa[i])];
    for (int i = 0; i < RB; ++i)
      ib[i] = value[int(sb[i])];
    for (int i = 0; i < RO; ++i)
      io[i] = value[int(so[i])];
    if constexpr (RO == 0)
      out() += a(ia) * b(ib);
    else
      out(io) += a(ia) * b(ib);
  }
  return out;
}

template <class Scalar, int Rank, int Layout>
void require_close(const Eigen::Tensor<Scalar, Rank, Layout>& got,
                   const Eigen::Tensor<Scalar, Rank, Layout>& want) {
  for (int i = 0; i < Rank; ++i)
    REQUIRE(got.dimension(i) == want.dimension(i));
  for (Index i = 0; i < want.size(); ++i) {
    // Inputs are multiples of 1/4 and sums are short: float results are exact up to rounding.
    const double error = std::abs(got.data()[i] - want.data()[i]);
    INFO("coefficient " << i);
    REQUIRE(error <= 1e-4 * (1 + std::abs(want.data()[i])));
  }
}

/// Assigns batch_contract<Spec>(a, b) straight into a Tensor (destination path) and through an
/// enclosing op (own-buffer path), both against the naive loops.
template <class Spec, class Scalar, int Layout, std::size_t RA, std::size_t RB>
void check(const Eigen::array<Index, RA>& da, const Eigen::array<Index, RB>& db) {
  constexpr int RO = Spec::value.output_rank;
  const auto a = random_tensor<Scalar, int(RA), Layout>(da, 1);
  const auto b = random_tensor<Scalar, int(RB), Layout>(db, 2);
  const auto want = naive<Spec>(a, b);
  Eigen::Tensor<Scalar, RO, Layout> got = batch_contract<Spec>(a, b);
  require_close(got, want);
  Eigen::Tensor<Scalar, RO, Layout> via_buffer = batch_contract<Spec>(a, b) + Scalar(0) * want;
  require_close(via_buffer, want);
}

} // namespace

TEST_CASE("batch_contraction: batch_contract returns a TensorBatchContractionOp",
          "[batch_contraction]") {
  using T = Eigen::Tensor<float, 3>;
  STATIC_REQUIRE(std::is_same<decltype(batch_contract<bij_bjk_bik>(std::declval<const T&>(),
                                                                   std::declval<const T&>())),
                              eigen_einsum::TensorBatchContractionOp<bij_bjk_bik, T, T>>::value);
}

TEST_CASE("batch_contraction: plans use operands and destination in place when their order fits",
          "[batch_contraction]") {
  using eigen_einsum::detail::batch_contraction_plans_for;
  // RowMajor bij,bjk->bik: batch outermost, every slice a plain row-major matrix: no copy at all.
  constexpr auto& row = batch_contraction_plans_for<bij_bjk_bik, true, true, true>::value;
  STATIC_REQUIRE(row.count == 1);
  STATIC_REQUIRE((row.plans[0].x_direct && row.plans[0].y_direct && row.plans[0].out_direct));
  // Attention bimd,bind->bimn, RowMajor: C^T = K Q^T per slice, again no copy.
  constexpr auto& attention = batch_contraction_plans_for<bimd_bind_bimn, true, true, true>::value;
  STATIC_REQUIRE((attention.count == 1 && attention.plans[0].x_direct &&
                  attention.plans[0].y_direct && attention.plans[0].out_direct));
  // ColMajor ijb,jkb->ikb is the ColMajor counterpart of the first case.
  constexpr auto& col = batch_contraction_plans_for<ijb_jkb_ikb, false, true, true>::value;
  STATIC_REQUIRE((col.count == 1 && col.plans[0].x_direct && col.plans[0].y_direct &&
                  col.plans[0].out_direct));
  // kib is C^T per slice: computed as B^T A^T straight into the destination.
  constexpr auto& transposed = batch_contraction_plans_for<ijb_jkb_kib, false, true, true>::value;
  STATIC_REQUIRE(
      (transposed.count == 1 && transposed.plans[0].swap && transposed.plans[0].out_direct));
  // ibk interleaves batch and free axes: scratch + permute; the operands are still read in place.
  constexpr auto& scratch = batch_contraction_plans_for<ijb_jkb_ibk, false, true, true>::value;
  STATIC_REQUIRE((scratch.count == 1 && scratch.plans[0].x_direct && scratch.plans[0].y_direct &&
                  !scratch.plans[0].out_direct));
  // Unevaluated operands (no raw access) are always copied.
  constexpr auto& lazy = batch_contraction_plans_for<bij_bjk_bik, true, false, false>::value;
  STATIC_REQUIRE((!lazy.plans[0].x_direct && !lazy.plans[0].y_direct && lazy.plans[0].out_direct));
}

TEMPLATE_TEST_CASE("batch_contraction: bij,bjk->bik matches the naive loops", "[batch_contraction]",
                   float, double, int, std::complex<float>) {
  using A = Eigen::array<Index, 3>;
  SECTION("small slices (coefficient-based product)") {
    check<bij_bjk_bik, TestType, Eigen::ColMajor>(A{3, 2, 4}, A{3, 4, 5});
    check<bij_bjk_bik, TestType, Eigen::RowMajor>(A{3, 2, 4}, A{3, 4, 5});
  }
  SECTION("tiny square slices (fixed-size product)") {
    check<bij_bjk_bik, TestType, Eigen::ColMajor>(A{5, 4, 4}, A{5, 4, 4});
    check<bij_bjk_bik, TestType, Eigen::RowMajor>(A{3, 8, 8}, A{3, 8, 8});
  }
  SECTION("larger slices (blocked GEMM)") {
    check<bij_bjk_bik, TestType, Eigen::ColMajor>(A{3, 7, 9}, A{3, 9, 11});
    check<bij_bjk_bik, TestType, Eigen::RowMajor>(A{3, 7, 9}, A{3, 9, 11});
  }
}

TEMPLATE_TEST_CASE("batch_contraction: attention bimd,bind->bimn matches the naive loops",
                   "[batch_contraction]", float, std::complex<float>) {
  using A = Eigen::array<Index, 4>;
  check<bimd_bind_bimn, TestType, Eigen::ColMajor>(A{2, 3, 5, 4}, A{2, 3, 6, 4});
  check<bimd_bind_bimn, TestType, Eigen::RowMajor>(A{2, 3, 5, 4}, A{2, 3, 6, 4});
  check<bimd_bind_bimn, TestType, Eigen::RowMajor>(A{2, 2, 9, 8}, A{2, 2, 7, 8});
}

TEST_CASE("batch_contraction: batch axes anywhere in operands and output", "[batch_contraction]") {
  using A = Eigen::array<Index, 3>;
  check<ibj_jkb_kib, double, Eigen::ColMajor>(A{4, 3, 5}, A{5, 6, 3});
  check<ibj_jkb_kib, double, Eigen::RowMajor>(A{4, 3, 5}, A{5, 6, 3});
  check<ijb_jkb_ikb, double, Eigen::ColMajor>(A{4, 5, 3}, A{5, 6, 3}); // written in place
  check<ijb_jkb_kib, double, Eigen::ColMajor>(A{4, 5, 3}, A{5, 6, 3}); // in place, transposed
  check<ijb_jkb_ibk, double, Eigen::ColMajor>(A{4, 5, 3}, A{5, 6, 3}); // scratch + permute
  check<bij_bjk_kib, double, Eigen::RowMajor>(A{3, 4, 5}, A{3, 5, 6}); // scratch + permute
}

TEST_CASE("batch_contraction: no batch or no contracted labels, rank-0 output",
          "[batch_contraction]") {
  check<bi_bi_b, float, Eigen::RowMajor>(Eigen::array<Index, 2>{3, 5},
                                         Eigen::array<Index, 2>{3, 5});
  check<i_j_ij, float, Eigen::ColMajor>(Eigen::array<Index, 1>{3}, Eigen::array<Index, 1>{4});
  check<i_i_, float, Eigen::ColMajor>(Eigen::array<Index, 1>{7}, Eigen::array<Index, 1>{7});
}

TEST_CASE("batch_contraction: a batch of 1 and zero extents", "[batch_contraction]") {
  using A = Eigen::array<Index, 3>;
  check<bij_bjk_bik, float, Eigen::RowMajor>(A{1, 4, 5}, A{1, 5, 3});
  check<bij_bjk_kib, float, Eigen::RowMajor>(A{1, 4, 5}, A{1, 5, 3});
  SECTION("k = 0 gives zeros of the right shape") {
    Eigen::Tensor<float, 3, Eigen::RowMajor> a(2, 3, 0), b(2, 0, 4);
    Eigen::Tensor<float, 3, Eigen::RowMajor> got = batch_contract<bij_bjk_bik>(a, b);
    REQUIRE(got.dimensions() == Eigen::DSizes<Index, 3>(2, 3, 4));
    for (Index i = 0; i < got.size(); ++i)
      REQUIRE(got.data()[i] == 0.f);
    Eigen::Tensor<float, 3, Eigen::RowMajor> permuted = batch_contract<bij_bjk_kib>(a, b);
    REQUIRE(permuted.dimensions() == Eigen::DSizes<Index, 3>(4, 3, 2));
    for (Index i = 0; i < permuted.size(); ++i)
      REQUIRE(permuted.data()[i] == 0.f);
  }
  SECTION("b = 0 gives an empty result") {
    Eigen::Tensor<float, 3> a(0, 3, 5), b(0, 5, 4);
    Eigen::Tensor<float, 3> got = batch_contract<bij_bjk_bik>(a, b);
    REQUIRE(got.dimensions() == Eigen::DSizes<Index, 3>(0, 3, 4));
  }
}

TEST_CASE("batch_contraction: unevaluated operands and composition with other ops",
          "[batch_contraction]") {
  const auto a = random_tensor<float, 3, Eigen::ColMajor>({3, 4, 5}, 3);
  const auto b = random_tensor<float, 3, Eigen::ColMajor>({3, 5, 2}, 4);
  const auto want = naive<bij_bjk_bik>(a, b);
  SECTION("a + a") {
    Eigen::Tensor<float, 3> sum = a + a;
    Eigen::Tensor<float, 3> got = batch_contract<bij_bjk_bik>(a + a, b);
    require_close(got, naive<bij_bjk_bik>(sum, b));
  }
  SECTION("shuffled operand") {
    const Eigen::array<Index, 3> to_kjb{2, 1, 0}; // b stored as k,j,b, shuffled back to b,j,k
    Eigen::Tensor<float, 3> b_kjb = b.shuffle(to_kjb);
    Eigen::Tensor<float, 3> got = batch_contract<bij_bjk_bik>(a, b_kjb.shuffle(to_kjb));
    require_close(got, want);
  }
  SECTION("TensorMap operands and destination") {
    Eigen::TensorMap<const Eigen::Tensor<float, 3>> am(a.data(), 3, 4, 5), bm(b.data(), 3, 5, 2);
    Eigen::Tensor<float, 3> out(3, 4, 2);
    Eigen::TensorMap<Eigen::Tensor<float, 3>> om(out.data(), 3, 4, 2);
    om = batch_contract<bij_bjk_bik>(am, bm);
    require_close(out, want);
  }
  SECTION("TensorRef, TensorFixedSize and chip operands") {
    Eigen::TensorRef<Eigen::Tensor<float, 3>> ref(a);
    Eigen::Tensor<float, 3> got = batch_contract<bij_bjk_bik>(ref, b);
    require_close(got, want);
    Eigen::TensorFixedSize<float, Eigen::Sizes<3, 4, 5>> fixed = a;
    got = batch_contract<bij_bjk_bik>(fixed, b);
    require_close(got, want);
    Eigen::Tensor<float, 4> a4(3, 4, 5, 2);
    a4.setZero();
    a4.chip<3>(1) = a;
    got = batch_contract<bij_bjk_bik>(a4.chip<3>(1), b); // a raw-access slice: read in place
    require_close(got, want);
  }
  SECTION("(batch_contract(a, b) * 2).exp() and .eval()") {
    Eigen::Tensor<float, 3> got = (batch_contract<bij_bjk_bik>(a, b) * 2.f).exp();
    Eigen::Tensor<float, 3> expected = (want * 2.f).exp();
    require_close(got, expected);
    Eigen::Tensor<float, 3> evaluated = batch_contract<bij_bjk_bik>(a, b).eval();
    require_close(evaluated, want);
  }
  SECTION("nested batch contraction as an operand") {
    Eigen::Tensor<float, 3> ab = batch_contract<bij_bjk_bik>(a, b);
    const auto c = random_tensor<float, 3, Eigen::ColMajor>({3, 2, 6}, 5);
    Eigen::Tensor<float, 3> got = batch_contract<bij_bjk_bik>(batch_contract<bij_bjk_bik>(a, b), c);
    require_close(got, naive<bij_bjk_bik>(ab, c));
  }
}

TEST_CASE("batch_contraction: ThreadPoolDevice with 2 threads", "[batch_contraction]") {
  Eigen::ThreadPool pool(2);
  Eigen::ThreadPoolDevice device(&pool, 2);
  using A = Eigen::array<Index, 3>;
  auto run = [&](const A& da, const A& db) {
    const auto a = random_tensor<float, 3, Eigen::RowMajor>(da, 6);
    const auto b = random_tensor<float, 3, Eigen::RowMajor>(db, 7);
    const auto want = naive<bij_bjk_bik>(a, b);
    Eigen::Tensor<float, 3, Eigen::RowMajor> got(want.dimensions());
    got.device(device) = batch_contract<bij_bjk_bik>(a, b);
    require_close(got, want);
    Eigen::Tensor<float, 3, Eigen::RowMajor> composed(want.dimensions());
    composed.device(device) = batch_contract<bij_bjk_bik>(a, b) * 2.f;
    require_close(composed, Eigen::Tensor<float, 3, Eigen::RowMajor>(want * 2.f));
    Eigen::Tensor<float, 3, Eigen::RowMajor> permuted(want.dimension(2), want.dimension(1),
                                                      want.dimension(0));
    permuted.device(device) = batch_contract<bij_bjk_kib>(a, b);
    require_close(permuted, naive<bij_bjk_kib>(a, b));
  };
  STATIC_REQUIRE(eigen_einsum::detail::has_parallel_for<Eigen::ThreadPoolDevice>::value);
  STATIC_REQUIRE(!eigen_einsum::detail::has_parallel_for<Eigen::DefaultDevice>::value);
  SECTION("batches split over threads") {
    run(A{8, 6, 7}, A{8, 7, 9});
  }
  SECTION("one batch: the GEMM is split") {
    run(A{1, 40, 30}, A{1, 30, 50});
  }
  SECTION("small slices") {
    run(A{5, 3, 2}, A{5, 2, 4});
  }
}
