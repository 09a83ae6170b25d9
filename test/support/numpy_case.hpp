// Shared pieces of the generated numpy tests (test/numpy/cases_NN.cpp, written by
// scripts/gen_numpy_cases.py): operands from numpy's row-major data, and the comparison of an
// einsum result with numpy's.
#ifndef EIGEN_EINSUM_TEST_SUPPORT_NUMPY_CASE_HPP
#define EIGEN_EINSUM_TEST_SUPPORT_NUMPY_CASE_HPP

#include "naive_einsum.hpp"
#include "subscript.hpp"

#include <catch2/catch.hpp>
#include <unsupported/Eigen/CXX11/Tensor>

#include <array>
#include <cmath>
#include <string>
#include <type_traits>
#include <vector>

namespace eigen_einsum_test {

/// The scalar type of an Eigen tensor expression, const dropped.
template <class Expr>
using scalar_of_t = std::remove_const_t<
    typename Eigen::internal::traits<std::remove_cv_t<std::remove_reference_t<Expr>>>::Scalar>;

/// A Tensor of any rank (0 included) and layout from extents and coefficients in numpy's order,
/// as `a.ravel()` lists them. Example: `numpy_operand<int, Eigen::ColMajor, 2>({2, 2}, {1, 2, 3,
/// 4})` is [[1, 2], [3, 4]]. Throws std::invalid_argument when the counts do not match.
template <class Scalar, int Layout, int Rank>
Eigen::Tensor<Scalar, Rank, Layout> numpy_operand(const std::array<Index, Rank>& dims,
                                                  const std::vector<Scalar>& row_major) {
  return to_tensor<Rank, Layout>(
      from_row_major<Scalar>(std::vector<Index>(dims.begin(), dims.end()), row_major));
}

namespace detail {

/// Exact for integers; within 1e-12 of |expected| for double and complex (integer data keeps
/// numpy's results exact, so this only absorbs a different summation order).
template <class Scalar>
bool numpy_near(const Scalar& got, const Scalar& expected) {
  if constexpr (std::is_integral_v<Scalar>)
    return got == expected;
  else
    return std::abs(got - expected) <= 1e-12 * std::abs(expected);
}

} // namespace detail

/// Catch2 REQUIREs that einsum's `result` has numpy's extents `dims` and coefficients
/// `row_major` (numpy's order); on failure reports the subscript, the number of differing
/// coefficients and the first one.
/// Example: `require_numpy("ij->ji", EINSUM("ij->ji", x0), {3, 2}, {1, 4, 2, 5, 3, 6});`
template <class Expr>
void require_numpy(const char* subscript, const Expr& result, const std::vector<Index>& dims,
                   const std::vector<scalar_of_t<Expr>>& row_major) {
  using traits = Eigen::internal::traits<std::remove_cv_t<std::remove_reference_t<Expr>>>;
  using scalar = scalar_of_t<Expr>;
  INFO("subscript '" << subscript << "'");
  const Eigen::Tensor<scalar, traits::NumDimensions, traits::Layout> evaluated = result;
  const dyn_tensor<scalar> got = to_dyn(evaluated);
  REQUIRE(got.dims == dims);
  const dyn_tensor<scalar> expected = from_row_major<scalar>(dims, row_major);

  Index mismatches = 0;
  std::string first;
  detail::for_each_index(dims, [&](const std::vector<Index>& index) {
    if (detail::numpy_near(got(index), expected(index)))
      return;
    if (mismatches++ == 0)
      first = detail::index_text(index) + ": got " + detail::value_text(got(index)) + ", numpy " +
              detail::value_text(expected(index));
  });
  INFO(mismatches << " of " << expected.size() << " coefficients differ; first at " << first);
  REQUIRE(mismatches == 0);
}

} // namespace eigen_einsum_test

#endif // EIGEN_EINSUM_TEST_SUPPORT_NUMPY_CASE_HPP
