// Shared pieces of the end-to-end tests: scalar/layout configurations and the comparison of an
// einsum result with the naive loop einsum.
#ifndef EIGEN_EINSUM_TEST_SUPPORT_CHECK_HPP
#define EIGEN_EINSUM_TEST_SUPPORT_CHECK_HPP

#include "config.hpp"
#include "naive_einsum.hpp"
#include "subscript.hpp"

#include <catch2/catch.hpp>

#include <type_traits>

namespace eigen_einsum_test {

/// Evaluates `result` into a Tensor and compares it with the naive einsum of the operands.
template <class Expr, class... Ops>
void check(const char* subscript, const Expr& result, const Ops&... ops) {
  using traits = Eigen::internal::traits<std::remove_cv_t<std::remove_reference_t<Expr>>>;
  using scalar = typename traits::Scalar;
  const Eigen::Tensor<scalar, traits::NumDimensions, traits::Layout> got = result;
  INFO("subscript " << subscript);
  require_equal(got, naive_einsum<scalar>(subscript, {to_dyn(ops)...}));
}

} // namespace eigen_einsum_test

/// Checks einsum of `text` on the operands against the naive loops.
#define CHECK_EINSUM(text, ...)                                                                    \
  ::eigen_einsum_test::check(text, EINSUM(text, __VA_ARGS__), __VA_ARGS__)

#endif // EIGEN_EINSUM_TEST_SUPPORT_CHECK_HPP
