// End-to-end tests of gradient<Subscript, K> against two independent references: the naive
// einsum with operand K replaced by each unit tensor (einsum is linear in each operand), dotted
// with g; and central finite differences of <g, einsum> in double.
#define EIGEN_USE_THREADS

#include "support/check.hpp"
#include "support/devices.hpp"

#include <eigen_einsum/einsum.hpp>

#include <catch2/catch.hpp>

#include <complex>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using eigen_einsum_test::config;
using eigen_einsum_test::dyn_tensor;
using eigen_einsum_test::naive_einsum;
using eigen_einsum_test::random_tensor;
using eigen_einsum_test::require_equal;
using eigen_einsum_test::to_dyn;

template <class S>
S conj_of(const S& x) {
  if constexpr (eigen_einsum_test::detail::is_complex<S>::value) {
    return std::conj(x);
  } else {
    return x;
  }
}

/// grad_k[p] = sum_o g[o] conj(naive(text, operands with operand k the unit tensor e_p)[o]):
/// the vector-Jacobian product by its definition (torch's convention for complex scalars).
template <class S>
dyn_tensor<S> reference_gradient(const char* text, int k, const dyn_tensor<S>& g,
                                 std::vector<dyn_tensor<S>> ops) {
  const dyn_tensor<S> x = ops[std::size_t(k)];
  dyn_tensor<S> grad(x.dims);
  for (std::size_t p = 0; p < x.data.size(); ++p) {
    dyn_tensor<S> unit(x.dims);
    unit.data[p] = S(1);
    ops[std::size_t(k)] = unit;
    const dyn_tensor<S> out = naive_einsum<S>(text, ops);
    REQUIRE(out.dims == g.dims);
    S sum(0);
    for (std::size_t o = 0; o < out.data.size(); ++o) {
      sum += g.data[o] * conj_of(out.data[o]);
    }
    grad.data[p] = sum;
  }
  return grad;
}

/// The naive einsum of the subscript the planner derives (plan/gradient.hpp), where it is the
/// whole gradient: real scalars, no '...', no label of operand k lonely or repeated.
template <class S>
void check_derived(const char* text, int k, const dyn_tensor<S>& got, const dyn_tensor<S>& g,
                   const std::vector<dyn_tensor<S>>& ops) {
  const std::string_view view(text);
  const auto form =
      eigen_einsum::detail::gradient_of(eigen_einsum::detail::parse(view.data(), view.size()), k);
  if (eigen_einsum_test::detail::is_complex<S>::value || view.find('.') != view.npos ||
      form.lonely != 0 || form.repeats) {
    return;
  }
  std::vector<dyn_tensor<S>> derived_ops{g};
  for (std::size_t j = 0; j < ops.size(); ++j) {
    if (int(j) != k) {
      derived_ops.push_back(ops[j]);
    }
  }
  const std::string derived(form.text, std::size_t(form.size));
  INFO("derived subscript " << derived);
  require_equal(got, naive_einsum<S>(derived, derived_ops));
}

/// Evaluates `result` (the gradient for operand k) and compares it with reference_gradient, and
/// with the naive einsum of the derived subscript where that is the whole gradient.
template <class Expr, class G, class... Ops>
void check_gradient(const char* text, int k, const Expr& result, const G& g, const Ops&... ops) {
  using traits = Eigen::internal::traits<Expr>;
  using S = typename traits::Scalar;
  const Eigen::Tensor<S, traits::NumDimensions, traits::Layout> got = result;
  INFO("gradient of " << text << " for operand " << k);
  require_equal(got, reference_gradient<S>(text, k, to_dyn(g), {to_dyn(ops)...}));
  check_derived<S>(text, k, to_dyn(got), to_dyn(g), {to_dyn(ops)...});
}

/// `xpr` evaluated into a Tensor.
template <class Xpr>
auto evaluated(const Xpr& xpr) {
  using traits = Eigen::internal::traits<Xpr>;
  return Eigen::Tensor<typename traits::Scalar, traits::NumDimensions, traits::Layout>(xpr);
}

/// g: a random tensor with the forward result's shape.
template <class Forward>
auto random_like(const Forward& forward, unsigned seed) {
  using traits = Eigen::internal::traits<Forward>;
  using S = typename traits::Scalar;
  constexpr int R = traits::NumDimensions;
  const Eigen::Tensor<S, R, traits::Layout> out = forward;
  std::array<Eigen::Index, R> dims{};
  for (int i = 0; i < R; ++i) {
    dims[std::size_t(i)] = out.dimension(i);
  }
  return random_tensor<S, R, traits::Layout>(dims, seed);
}

/// Compares every tensor of `results` (gradients' tuple) with reference_gradient.
template <class Tuple, class G, class... Ops, std::size_t... K>
void check_all(const char* text, const Tuple& results, const G& g, std::index_sequence<K...>,
               const Ops&... ops) {
  using S = typename G::Scalar;
  auto one = [&](int k, const auto& got) {
    INFO("gradients of " << text << ", operand " << k);
    require_equal(got, reference_gradient<S>(text, k, to_dyn(g), {to_dyn(ops)...}));
  };
  (one(int(K), std::get<K>(results)), ...);
}

} // namespace

#define COMMA ,

/// All gradients of `text` at once, with g random of the result's shape, each checked; then
/// the same from a recorded einsum, whose output must be einsum's, twice from the same record.
#define CHECK_GRADIENTS(text, ...)                                                                 \
  do {                                                                                             \
    const auto g = random_like(EINSUM(text, __VA_ARGS__), 200);                                    \
    const auto results = GRADIENTS(text, g, __VA_ARGS__);                                          \
    constexpr auto count = std::tuple_size<decltype(results)>::value;                              \
    check_all(text, results, g, std::make_index_sequence<count>{}, __VA_ARGS__);                   \
    const auto recorded = RECORD(text, __VA_ARGS__);                                               \
    require_equal(recorded.output(), to_dyn(evaluated(EINSUM(text, __VA_ARGS__))));                \
    check_all(text, recorded.gradients(g), g, std::make_index_sequence<count>{}, __VA_ARGS__);     \
    const auto g2 = random_like(EINSUM(text, __VA_ARGS__), 201);                                   \
    check_all(text, recorded.gradients(g2), g2, std::make_index_sequence<count>{}, __VA_ARGS__);   \
  } while (false)

/// The gradient of `text` for operand `k`, with g random of the result's shape, checked.
#define CHECK_GRADIENT(text, operand, ...)                                                         \
  do {                                                                                             \
    const auto g = random_like(EINSUM(text, __VA_ARGS__), 100 + operand);                          \
    check_gradient(text, operand, GRADIENT(text, operand, g, __VA_ARGS__), g, __VA_ARGS__);        \
  } while (false)

TEMPLATE_TEST_CASE("gradient: every kind of label matches the unit-tensor reference",
                   "[einsum][gradient]", (config<float, Eigen::ColMajor>),
                   (config<double, Eigen::RowMajor>), (config<int, Eigen::ColMajor>),
                   (config<std::complex<double>, Eigen::RowMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const auto a = random_tensor<S, 2, L>({2, 3}, 1);
  const auto b = random_tensor<S, 2, L>({3, 4}, 2);
  const auto c = random_tensor<S, 2, L>({4, 2}, 3);
  const auto q = random_tensor<S, 4, L>({2, 2, 3, 4}, 4); // b i m d
  const auto k = random_tensor<S, 4, L>({2, 2, 5, 4}, 5); // b i n d
  const auto sq = random_tensor<S, 2, L>({3, 3}, 6);
  const auto t = random_tensor<S, 3, L>({3, 2, 3}, 7);
  const auto v = random_tensor<S, 1, L>({3}, 8);
  const auto w = random_tensor<S, 1, L>({4}, 9);
  Eigen::Tensor<S, 0, L> s;
  s() = S(2);
  SECTION("contracted and free labels") {
    CHECK_GRADIENT("ij,jk->ik", 0, a, b);
    CHECK_GRADIENT("ij,jk->ik", 1, a, b);
    CHECK_GRADIENT("ij,jk->ki", 0, a, b);
    CHECK_GRADIENT("ij,jk", 1, a, b); // implicit output
  }
  SECTION("batch labels") {
    CHECK_GRADIENT("bimd,bind->bimn", 0, q, k);
    CHECK_GRADIENT("bimd,bind->bimn", 1, q, k);
    CHECK_GRADIENT("bimd,bind->nbmi", 1, q, k);
  }
  SECTION("summed labels, in one operand only: broadcast back") {
    CHECK_GRADIENT("ij->i", 0, a);
    CHECK_GRADIENT("ij->", 0, a);
    CHECK_GRADIENT("ij,jk->i", 0, a, b);
    CHECK_GRADIENT("ij,jk->i", 1, a, b);
    CHECK_GRADIENT("ij,k->jk", 0, a, w);
    // One lonely label alone: Eigen broadcasts a one-coefficient rank-1 tensor wrongly.
    CHECK_GRADIENT("i->", 0, v);
    CHECK_GRADIENT(",i->", 1, s, v);
    CHECK_GRADIENT("i,j->", 0, v, w);
  }
  SECTION("diagonal labels: back onto the diagonal") {
    CHECK_GRADIENT("ii->", 0, sq);
    CHECK_GRADIENT("ii->i", 0, sq);
    CHECK_GRADIENT("iji->j", 0, t);
    CHECK_GRADIENT("iji->ij", 0, t);
    CHECK_GRADIENT("iji,i->", 0, t, v);
    CHECK_GRADIENT("ii,i->i", 0, sq, v);
  }
  SECTION("products, outer products, rank 0") {
    CHECK_GRADIENT("i,i->i", 0, v, v);
    CHECK_GRADIENT("i,j->ij", 1, v, w);
    CHECK_GRADIENT("i,i->", 1, v, v);
    CHECK_GRADIENT(",ij->ij", 0, s, a);
    CHECK_GRADIENT(",ij->ij", 1, s, a);
    CHECK_GRADIENT("->", 0, s);
  }
  SECTION("three to six operands") {
    const auto d = random_tensor<S, 2, L>({2, 3}, 10);
    const auto e = random_tensor<S, 2, L>({3, 2}, 11);
    CHECK_GRADIENT("ij,jk,kl->il", 0, a, b, c);
    CHECK_GRADIENT("ij,jk,kl->il", 1, a, b, c);
    CHECK_GRADIENT("ij,jk,kl->il", 2, a, b, c);
    CHECK_GRADIENT("ij,jk,kl,lm->im", 3, a, b, c, d);
    CHECK_GRADIENT("ij,jk,kl,lm,mn->in", 2, a, b, c, d, e);
    CHECK_GRADIENT("ij,jk,kl,lm,mn,no->io", 5, a, b, c, d, e, a);
  }
}

TEMPLATE_TEST_CASE("gradient: ellipses, and extent-1 dimensions that broadcast sum back",
                   "[einsum][gradient]", (config<double, Eigen::ColMajor>),
                   (config<std::complex<float>, Eigen::RowMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const auto x = random_tensor<S, 3, L>({2, 3, 4}, 1);
  const auto y = random_tensor<S, 2, L>({4, 5}, 2);
  const auto one = random_tensor<S, 2, L>({1, 3}, 3);
  const auto many = random_tensor<S, 2, L>({4, 3}, 4);
  const auto lead = random_tensor<S, 3, L>({2, 1, 3}, 5);
  CHECK_GRADIENT("...ij,jk->...ik", 0, x, y);
  CHECK_GRADIENT("...ij,jk->...ik", 1, x, y);
  CHECK_GRADIENT("...i,...i->...i", 0, one, many);
  CHECK_GRADIENT("...i,...i->...i", 1, one, many);
  CHECK_GRADIENT("...i,...i->...i", 0, lead, many);
  CHECK_GRADIENT("...i,...i->...i", 1, many, lead);
  CHECK_GRADIENT("...i,...i->i", 0, lead, many);
  // The same operands without a broadcast: the plain plan.
  CHECK_GRADIENT("...i,...i->...i", 0, many, many);
}

TEST_CASE("gradient: numpy_broadcasting sums an extent-1 label back", "[einsum][gradient]") {
  using option = eigen_einsum::numpy_broadcasting;
  const auto a = random_tensor<double, 2>({4, 3}, 1);
  const auto one = random_tensor<double, 2>({1, 3}, 2);
  const auto g = random_tensor<double, 1>({3}, 3);
  const Eigen::Tensor<double, 2> d_one = GRADIENT_WITH(option, "ij,ij->j", 1, g, a, one);
  const Eigen::Tensor<double, 2> d_a = GRADIENT_WITH(option, "ij,ij->j", 0, g, a, one);
  REQUIRE(d_one.dimension(0) == 1);
  REQUIRE(d_a.dimension(0) == 4);
  for (int j = 0; j < 3; ++j) {
    double sum = 0;
    for (int i = 0; i < 4; ++i) {
      sum += g(j) * a(i, j);
      REQUIRE(d_a(i, j) == Approx(g(j) * one(0, j)));
    }
    REQUIRE(d_one(0, j) == Approx(sum));
  }
}

TEMPLATE_TEST_CASE("gradient: central finite differences agree", "[einsum][gradient]",
                   (config<double, Eigen::ColMajor>), (config<double, Eigen::RowMajor>)) {
  constexpr int L = TestType::layout;
  const auto a = random_tensor<double, 3, L>({2, 3, 2}, 1);
  const auto b = random_tensor<double, 3, L>({2, 2, 4}, 2);
  const auto g = random_tensor<double, 3, L>({2, 3, 4}, 3);
  // <g, einsum(a, b)> as a function of a, and its gradient.
  auto loss = [&](const Eigen::Tensor<double, 3, L>& x) {
    const Eigen::Tensor<double, 0, L> r = (EINSUM("bij,bjk->bik", x, b) * g).sum();
    return r();
  };
  const Eigen::Tensor<double, 3, L> grad = GRADIENT("bij,bjk->bik", 0, g, a, b);
  const double h = 1e-6;
  for (Eigen::Index p = 0; p < a.size(); ++p) {
    Eigen::Tensor<double, 3, L> up = a, down = a;
    up.data()[p] += h;
    down.data()[p] -= h;
    REQUIRE(grad.data()[p] == Approx((loss(up) - loss(down)) / (2 * h)).margin(1e-8));
  }
}

TEST_CASE("gradient: lazy, on any device, alias-safe, extents checked", "[einsum][gradient]") {
  const auto a = random_tensor<float, 2>({3, 4}, 1);
  auto b = random_tensor<float, 2>({4, 5}, 2);
  const auto g = random_tensor<float, 2>({3, 5}, 3);
  const Eigen::Tensor<float, 2> want = GRADIENT("ij,jk->ik", 1, g, a, b);
  SECTION("fuses with other Eigen ops") {
    const Eigen::Tensor<float, 2> twice = GRADIENT("ij,jk->ik", 1, g, a, b) * 2.f;
    require_equal(twice, to_dyn(Eigen::Tensor<float, 2>(want * 2.f)));
  }
  SECTION("a ThreadPoolDevice") {
    eigen_einsum_test::thread_pool threads;
    require_equal(eigen_einsum_test::evaluate_on(threads.device, GRADIENT("ij,jk->ik", 1, g, a, b)),
                  to_dyn(want));
  }
  SECTION("the destination is operand k or g") {
    b = GRADIENT("ij,jk->ik", 1, g, a, b); // operand k is read for its extents only
    require_equal(b, to_dyn(want));
    const auto m = random_tensor<float, 2>({3, 3}, 5);
    auto h = random_tensor<float, 2>({3, 3}, 6);
    const Eigen::Tensor<float, 2> dm = GRADIENT("ij,jk->ik", 0, h, m, m);
    h = GRADIENT("ij,jk->ik", 0, h, m, m); // through a temporary
    require_equal(h, to_dyn(dm));
  }
  SECTION("g's extents must be the result's") {
    const auto wrong = random_tensor<float, 2>({3, 6}, 4);
    REQUIRE_THROWS_WITH(GRADIENT("ij,jk->ik", 0, wrong, a, b),
                        "einsum: the gradient g has extent 6 on axis 1 (output label 'k') but "
                        "the output has extent 5, in \"ij,jk->ik\" with operand shapes (3,4), "
                        "(4,5)");
  }
}

TEMPLATE_TEST_CASE("gradients: all at once, through the shared contraction tree",
                   "[einsum][gradient]", (config<float, Eigen::ColMajor>),
                   (config<double, Eigen::RowMajor>), (config<int, Eigen::RowMajor>),
                   (config<std::complex<double>, Eigen::ColMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const auto a = random_tensor<S, 2, L>({2, 3}, 1);
  const auto b = random_tensor<S, 2, L>({3, 4}, 2);
  const auto c = random_tensor<S, 2, L>({4, 2}, 3);
  CHECK_GRADIENTS("ij,jk,kl->il", a, b, c);
  CHECK_GRADIENTS("ij,jk->ik", a, b);
  CHECK_GRADIENTS("ij->i", a);
  CHECK_GRADIENTS("ij,jk,kl->", a, b, c);
  // The five-operand network and a matrix-product-state step.
  const auto abcd = random_tensor<S, 4, L>({2, 3, 2, 3}, 4);
  const auto ea = random_tensor<S, 2, L>({3, 2}, 5);
  const auto fb = random_tensor<S, 2, L>({2, 3}, 6);
  const auto gc = random_tensor<S, 2, L>({3, 2}, 7);
  const auto hd = random_tensor<S, 2, L>({2, 3}, 8);
  CHECK_GRADIENTS("ea,fb,abcd,gc,hd->efgh", ea, fb, abcd, gc, hd);
  const auto bsc = random_tensor<S, 3, L>({3, 2, 4}, 9);
  const auto ab = random_tensor<S, 2, L>({2, 3}, 10);
  const auto cd = random_tensor<S, 2, L>({4, 3}, 11);
  CHECK_GRADIENTS("ab,bsc,cd->asd", ab, bsc, cd);
  // Diagonals, a repeated output label, an ellipsis that broadcasts.
  const auto sq = random_tensor<S, 2, L>({3, 3}, 12);
  const auto v = random_tensor<S, 1, L>({3}, 13);
  CHECK_GRADIENTS("ii,i->i", sq, v);
  CHECK_GRADIENTS("ij,jk,ki->", sq, sq, sq);
  const auto one = random_tensor<S, 3, L>({2, 1, 3}, 14);
  const auto many = random_tensor<S, 2, L>({4, 3}, 15);
  CHECK_GRADIENTS("...i,...i,i->...i", one, many, v);
}

TEST_CASE("gradients: wrt<K...> computes the requested operands' gradients only",
          "[einsum][gradient]") {
  const auto a = random_tensor<double, 2>({2, 3}, 1);
  const auto b = random_tensor<double, 2>({3, 4}, 2);
  const auto c = random_tensor<double, 2>({4, 2}, 3);
  const auto g = random_tensor<double, 2>({2, 2}, 4);
  using eigen_einsum::wrt;
  const auto outer = GRADIENTS_WITH(wrt<0 COMMA 2>, "ij,jk,kl->il", g, a, b, c);
  STATIC_REQUIRE(std::tuple_size<std::decay_t<decltype(outer)>>::value == 2);
  require_equal(std::get<0>(outer),
                to_dyn(Eigen::Tensor<double, 2>(GRADIENT("ij,jk,kl->il", 0, g, a, b, c))));
  require_equal(std::get<1>(outer),
                to_dyn(Eigen::Tensor<double, 2>(GRADIENT("ij,jk,kl->il", 2, g, a, b, c))));
  const auto middle = GRADIENTS_WITH(wrt<1>, "ij,jk,kl->il", g, a, b, c);
  STATIC_REQUIRE(std::tuple_size<std::decay_t<decltype(middle)>>::value == 1);
  require_equal(std::get<0>(middle),
                to_dyn(Eigen::Tensor<double, 2>(GRADIENT("ij,jk,kl->il", 1, g, a, b, c))));
}

TEST_CASE("record: temporaries kept by value, gradients for wrt<K...> from the kept tree",
          "[einsum][gradient]") {
  const auto a = random_tensor<double, 2>({2, 3}, 1);
  const auto b = random_tensor<double, 2>({3, 4}, 2);
  const auto c = random_tensor<double, 2>({4, 2}, 3);
  const auto g = random_tensor<double, 2>({2, 2}, 4);
  // a * 2.0 is a temporary expression: the record keeps it past this statement
  const auto kept = RECORD("ij,jk,kl->il", a * 2.0, b, c);
  require_equal(kept.output(), to_dyn(evaluated(EINSUM("ij,jk,kl->il", a * 2.0, b, c))));
  using eigen_einsum::wrt;
  const auto outer = kept.gradients<wrt<0 COMMA 2>>(g);
  STATIC_REQUIRE(std::tuple_size<std::decay_t<decltype(outer)>>::value == 2);
  require_equal(std::get<0>(outer),
                to_dyn(evaluated(GRADIENT("ij,jk,kl->il", 0, g, a * 2.0, b, c))));
  require_equal(std::get<1>(outer),
                to_dyn(evaluated(GRADIENT("ij,jk,kl->il", 2, g, a * 2.0, b, c))));
  const auto middle = kept.gradients<wrt<1>>(g);
  require_equal(std::get<0>(middle),
                to_dyn(evaluated(GRADIENT("ij,jk,kl->il", 1, g, a * 2.0, b, c))));
  // A record can be moved: its intermediates move with it.
  auto moved = RECORD("ij,jk,kl->il", a, b, c);
  const auto from = std::move(moved);
  require_equal(std::get<1>(from.gradients(g)),
                to_dyn(evaluated(GRADIENT("ij,jk,kl->il", 1, g, a, b, c))));
}

TEMPLATE_TEST_CASE("einsum: a repeated output label embeds on the diagonal (our extension)",
                   "[einsum][gradient]", (config<float, Eigen::ColMajor>),
                   (config<int, Eigen::RowMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const auto v = random_tensor<S, 1, L>({4}, 1);
  const auto a = random_tensor<S, 2, L>({3, 4}, 2);
  const auto b = random_tensor<S, 2, L>({4, 3}, 3);
  const Eigen::Tensor<S, 2, L> d = EINSUM("i->ii", v);
  const Eigen::Tensor<S, 3, L> e = EINSUM("ij->iji", a);
  const Eigen::Tensor<S, 2, L> p = EINSUM("ij,jk->ik", a, b);
  const Eigen::Tensor<S, 3, L> q = EINSUM("ij,jk->iki", a, b);
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      REQUIRE(d(i, j) == (i == j ? v(i) : S(0)));
    }
  }
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 4; ++j) {
      for (int k = 0; k < 3; ++k) {
        REQUIRE(e(i, j, k) == (i == k ? a(i, j) : S(0)));
        if (j < 3) {
          REQUIRE(q(i, j, k) == (i == k ? p(i, j) : S(0)));
        }
      }
    }
  }
}
