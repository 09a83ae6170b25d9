// Op tests for ops/batch_contraction.hpp (and the layouts of plan/batch_layout.hpp): the batched
// contraction on its own, against the naive reference, both layouts, both devices.
#define EIGEN_USE_THREADS
#include "support/naive_einsum.hpp"

#include <eigen_einsum/ops/batch_contraction.hpp>
#include <eigen_einsum/plan/parse.hpp>

#include <catch2/catch.hpp>

#include <complex>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace {

using Eigen::Index;
using eigen_einsum::detail::batch_contract;
using eigen_einsum::detail::batch_contraction_spec;
using eigen_einsum_test::naive_einsum;
using eigen_einsum_test::random_tensor;
using eigen_einsum_test::require_equal;
using eigen_einsum_test::to_dyn;

/// The spec of the subscript `lhs,rhs->out`, built by the planner's own batch_spec_of.
constexpr batch_contraction_spec spec_of(std::string_view subscript) {
  const auto s = eigen_einsum::detail::parse(subscript.data(), subscript.size());
  return eigen_einsum::detail::batch_spec_of(s.operands[0], s.operands[1], s.output);
}

#define BATCH_SPEC(name, subscript_text)                                                           \
  struct name {                                                                                    \
    static constexpr const char* subscript = subscript_text;                                       \
    static constexpr batch_contraction_spec value = spec_of(subscript_text);                       \
  }

BATCH_SPEC(bij_bjk_bik, "bij,bjk->bik");
BATCH_SPEC(bij_bjk_kib, "bij,bjk->kib");
BATCH_SPEC(bimd_bind_bimn, "bimd,bind->bimn");
BATCH_SPEC(ibj_jkb_kib, "ibj,jkb->kib");
BATCH_SPEC(ijb_jkb_ikb, "ijb,jkb->ikb");
BATCH_SPEC(ijb_jkb_kib, "ijb,jkb->kib");
BATCH_SPEC(ijb_jkb_ibk, "ijb,jkb->ibk");
BATCH_SPEC(bi_bi_b, "bi,bi->b");
BATCH_SPEC(i_j_ij, "i,j->ij");
BATCH_SPEC(i_i_, "i,i->");

/// Compares `got` (any tensor expression) with the naive einsum of Spec over `a` and `b`.
template <class Spec, class Got, class A, class B>
void require_naive(const Got& got, const A& a, const B& b) {
  using scalar = typename Eigen::internal::traits<A>::Scalar;
  INFO("subscript " << Spec::subscript);
  require_equal(got, naive_einsum<scalar>(Spec::subscript, {to_dyn(a), to_dyn(b)}));
}

/// The naive einsum of Spec over `a` and `b`, as an Eigen tensor of their layout.
template <class Spec, class A, class B>
auto naive(const A& a, const B& b) {
  using traits = Eigen::internal::traits<A>;
  return eigen_einsum_test::to_tensor<Spec::value.out_rank, traits::Layout>(
      naive_einsum<typename traits::Scalar>(Spec::subscript, {to_dyn(a), to_dyn(b)}));
}

template <class Got, class Want>
void require_close(const Got& got, const Want& want) {
  require_equal(got, to_dyn(want));
}

/// Assigns batch_contract<Spec>(a, b) straight into a Tensor (destination path) and through an
/// enclosing op (own-buffer path), both against the naive loops.
template <class Spec, class Scalar, int Layout, std::size_t RA, std::size_t RB>
void check(const Eigen::array<Index, RA>& da, const Eigen::array<Index, RB>& db) {
  constexpr int RO = Spec::value.out_rank;
  const auto a = random_tensor<Scalar, int(RA), Layout>(da, 1);
  const auto b = random_tensor<Scalar, int(RB), Layout>(db, 2);
  Eigen::Tensor<Scalar, RO, Layout> got = batch_contract<Spec>(a, b);
  require_naive<Spec>(got, a, b);
  Eigen::Tensor<Scalar, RO, Layout> via_buffer = batch_contract<Spec>(a, b) * Scalar(1);
  require_naive<Spec>(via_buffer, a, b);
}

} // namespace

TEST_CASE("batch_contraction: batch_contract returns a TensorBatchContractionOp",
          "[batch_contraction]") {
  using T = Eigen::Tensor<float, 3>;
  STATIC_REQUIRE(
      std::is_same<decltype(batch_contract<bij_bjk_bik>(std::declval<const T&>(),
                                                        std::declval<const T&>())),
                   eigen_einsum::detail::TensorBatchContractionOp<bij_bjk_bik, T, T>>::value);
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

TEMPLATE_TEST_CASE("batch_contraction: blocked GEMM slices in every orientation, and GEMV",
                   "[batch_contraction]", float, std::complex<double>) {
  // m + n + k above Eigen's coefficient-based threshold: the blocked kernel, its packing memory
  // reused from one slice (and one call) to the next.
  using A = Eigen::array<Index, 3>;
  check<bij_bjk_bik, TestType, Eigen::ColMajor>(A{3, 13, 11}, A{3, 11, 17});
  check<ibj_jkb_kib, TestType, Eigen::ColMajor>(A{13, 3, 11}, A{11, 17, 3});
  check<ibj_jkb_kib, TestType, Eigen::RowMajor>(A{13, 3, 11}, A{11, 17, 3});
  check<ijb_jkb_kib, TestType, Eigen::ColMajor>(A{13, 11, 3}, A{11, 17, 3});
  check<bij_bjk_kib, TestType, Eigen::RowMajor>(A{3, 13, 11}, A{3, 11, 17});
  // One free extent of 1: Eigen's matrix-vector product.
  check<bij_bjk_bik, TestType, Eigen::ColMajor>(A{3, 1, 30}, A{3, 30, 17});
  check<bij_bjk_bik, TestType, Eigen::RowMajor>(A{3, 13, 30}, A{3, 30, 1});
  // ... with the contracted label contiguous and shorter than a packet: strided columns.
  check<bij_bjk_bik, TestType, Eigen::RowMajor>(A{3, 30, 3}, A{3, 3, 1});
  check<bij_bjk_bik, TestType, Eigen::ColMajor>(A{3, 1, 3}, A{3, 3, 30});
}

/// gemm_range<Scalar, XTrans, YTrans> over two slices against Eigen's matrix product, for m x n x
/// k: a RowMajor Y goes through pack_row_major_rhs for real scalars.
template <class Scalar, bool XTrans, bool YTrans>
void check_gemm_range(Index m, Index n, Index k) {
  using matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  constexpr Index batches = 2;
  // Slice b of x holds op(X_b) transposed where XTrans: ColMajor k x m is RowMajor m x k.
  std::vector<matrix> xs, ys;
  std::vector<Scalar> x, y, c(std::size_t(batches * m * n), Scalar(-1));
  for (Index b = 0; b < batches; ++b) {
    xs.push_back(matrix::Random(m, k));
    ys.push_back(matrix::Random(k, n));
    const matrix xb = XTrans ? matrix(xs.back().transpose()) : xs.back();
    const matrix yb = YTrans ? matrix(ys.back().transpose()) : ys.back();
    x.insert(x.end(), xb.data(), xb.data() + xb.size());
    y.insert(y.end(), yb.data(), yb.data() + yb.size());
  }
  eigen_einsum::detail::gemm_range<Scalar, XTrans, YTrans>(x.data(), y.data(), c.data(), m, n, k, 0,
                                                           batches);
  for (Index b = 0; b < batches; ++b) {
    INFO("m " << m << " n " << n << " k " << k << " XTrans " << XTrans << " YTrans " << YTrans
              << " slice " << b);
    const matrix want = xs[std::size_t(b)] * ys[std::size_t(b)];
    const Eigen::Map<const matrix> got(c.data() + b * m * n, m, n);
    REQUIRE((got - want).cwiseAbs().maxCoeff() <= Scalar(1e-4) * Scalar(k));
  }
}

template <class Scalar>
void check_gemm_orientations(Index m, Index n, Index k) {
  check_gemm_range<Scalar, false, false>(m, n, k);
  check_gemm_range<Scalar, true, false>(m, n, k);
  check_gemm_range<Scalar, false, true>(m, n, k);
  check_gemm_range<Scalar, true, true>(m, n, k);
}

TEMPLATE_TEST_CASE("batch_contraction: gemm_range's blocked GEMM against Eigen's product",
                   "[batch_contraction]", float, double) {
  // Columns and depth not multiples of the 4-column panels, and blocks of k, m and n.
  check_gemm_orientations<TestType>(5, 13, 7);
  check_gemm_orientations<TestType>(37, 301, 9);
  check_gemm_orientations<TestType>(33, 70, 1301);
  check_gemm_orientations<TestType>(700, 9, 30);
  check_gemm_orientations<TestType>(19, 3001, 66);
  // Results at most a packet tall (SSE: 4 floats, 2 doubles; AVX-512: 16 and 8) with a long
  // contracted label: rank-1 updates in registers, a last group of 1-3 columns, and the last
  // columns of X read through a copy (k * m not a multiple of the packet).
  check_gemm_orientations<TestType>(2, 2, 19);
  check_gemm_orientations<TestType>(2, 7, 1001);
  check_gemm_orientations<TestType>(3, 16, 333);
  check_gemm_orientations<TestType>(4, 5, 64);
  check_gemm_orientations<TestType>(8, 10, 257);
  check_gemm_orientations<TestType>(10, 10, 1000);
  check_gemm_orientations<TestType>(16, 13, 41);
  check_gemm_orientations<TestType>(3, 17, 100); // one column too many: Eigen's GEMM
  // Matrix-vector products, the contracted label shorter than a packet or empty.
  check_gemm_orientations<TestType>(40, 1, 3);
  check_gemm_orientations<TestType>(1, 40, 3);
  check_gemm_orientations<TestType>(40, 1, 0);
  check_gemm_orientations<TestType>(1, 40, 0);
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
  // Past the 4e6 multiply-adds from which the op uses the threads.
  SECTION("batches split over threads") {
    run(A{17, 64, 60}, A{17, 60, 64});
  }
  SECTION("one batch: the GEMM is split") {
    run(A{1, 160, 170}, A{1, 170, 150});
  }
  SECTION("below the threshold: one thread") {
    run(A{8, 6, 7}, A{8, 7, 9});
  }
  SECTION("small slices") {
    run(A{5, 3, 2}, A{5, 2, 4});
  }
}
