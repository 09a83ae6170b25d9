// End-to-end tests of the option eigen_einsum::numpy_broadcasting: a labelled extent 1 broadcasts
// against the label's extent in other operands, as in numpy; without it, a shape_error that names
// the option.
#include "support/check.hpp"

#include <eigen_einsum/einsum.hpp>

#include <catch2/catch.hpp>

namespace {

using eigen_einsum_test::config;
using eigen_einsum_test::naive_einsum;
using eigen_einsum_test::random_tensor;
using eigen_einsum_test::require_equal;
using eigen_einsum_test::to_dyn;

} // namespace

TEMPLATE_TEST_CASE("einsum: numpy_broadcasting broadcasts labelled extent-1 dimensions",
                   "[broadcasting]", (config<double, Eigen::ColMajor>),
                   (config<int, Eigen::RowMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const auto a = random_tensor<S, 2, L>({4, 3}, 1);
  const auto row = random_tensor<S, 2, L>({1, 3}, 2);
  // The examples.
  require_equal(
      EINSUM_WITH(eigen_einsum::numpy_broadcasting, "ij,ij->j", a, row),
      naive_einsum<S>("ij,ij->j", {to_dyn(a), to_dyn(row.broadcast(Eigen::array<int, 2>{4, 1}))}));
  REQUIRE_THROWS_WITH(EINSUM("ij,ij->j", a, row),
                      Catch::Contains("or for every label with the option "
                                      "eigen_einsum::numpy_broadcasting"));
  const auto ab = random_tensor<S, 2, L>({2, 4}, 3);
  const auto bc = random_tensor<S, 2, L>({1, 3}, 4);
  const auto bd = random_tensor<S, 2, L>({4, 2}, 5);
  require_equal(
      EINSUM_WITH(eigen_einsum::numpy_broadcasting, "ab,bc,bd->acd", ab, bc, bd),
      naive_einsum<S>("ab,bc,bd->acd",
                      {to_dyn(ab), to_dyn(bc.broadcast(Eigen::array<int, 2>{4, 1})), to_dyn(bd)}));
  // A contraction and a batched contraction over a broadcast label; a diagonal of extent 1.
  const auto col = random_tensor<S, 2, L>({2, 1}, 6);
  const auto m = random_tensor<S, 2, L>({3, 2}, 7);
  require_equal(
      EINSUM_WITH(eigen_einsum::numpy_broadcasting, "ij,jk->ik", col, m),
      naive_einsum<S>("ij,jk->ik", {to_dyn(col.broadcast(Eigen::array<int, 2>{1, 3})), to_dyn(m)}));
  const auto x = random_tensor<S, 3, L>({1, 2, 3}, 8);
  const auto y = random_tensor<S, 3, L>({4, 3, 2}, 9);
  require_equal(EINSUM_WITH(eigen_einsum::numpy_broadcasting, "bij,bjk->bik", x, y),
                naive_einsum<S>("bij,bjk->bik",
                                {to_dyn(x.broadcast(Eigen::array<int, 3>{4, 1, 1})), to_dyn(y)}));
  const auto unit = random_tensor<S, 2, L>({1, 1}, 10);
  const auto v = random_tensor<S, 1, L>({3}, 11);
  require_equal(EINSUM_WITH(eigen_einsum::numpy_broadcasting, "ii,i->i", unit, v),
                naive_einsum<S>("i,i->i", {to_dyn(unit.reshape(Eigen::array<Eigen::Index, 1>{1})
                                                      .broadcast(Eigen::array<int, 1>{3})),
                                           to_dyn(v)}));
  // Extents that agree: the plan without broadcasts; with another option too.
  using both = eigen_einsum::options<eigen_einsum::numpy_broadcasting, eigen_einsum::path<0, 1>>;
  const auto b2 = random_tensor<S, 2, L>({3, 5}, 12);
  require_equal(EINSUM_WITH(both, "ij,jk->ik", a, b2),
                naive_einsum<S>("ij,jk->ik", {to_dyn(a), to_dyn(b2)}));
  // Still errors: extents neither equal nor 1; a repeated label with two extents in one operand.
  const auto wide = random_tensor<S, 2, L>({4, 5}, 13);
  REQUIRE_THROWS_WITH((EINSUM_WITH(eigen_einsum::numpy_broadcasting, "ij,ij->j", a, wide)),
                      Catch::StartsWith("einsum: label 'j' has extent 3 in operand 0 but 5 in "
                                        "operand 1, in \"ij,ij->j\""));
  const auto oblong = random_tensor<S, 2, L>({1, 3}, 14);
  REQUIRE_THROWS_AS((EINSUM_WITH(eigen_einsum::numpy_broadcasting, "ii,i->i", oblong, v)),
                    eigen_einsum::shape_error);
}
