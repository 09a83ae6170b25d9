// Compares an einsum result with the naive loops on DefaultDevice and a 2-thread
// ThreadPoolDevice, for the end-to-end tests of every lowering on both devices.
#ifndef EIGEN_EINSUM_TEST_SUPPORT_CHECK_DEVICES_HPP
#define EIGEN_EINSUM_TEST_SUPPORT_CHECK_DEVICES_HPP

#include "check.hpp"
#include "devices.hpp"

namespace eigen_einsum_test {

/// Requires `expr` to equal the naive einsum of `ops` on DefaultDevice and ThreadPoolDevice.
template <class Expr, class... Ops>
void check_devices(const char* text, const Expr& expr, const Ops&... ops) {
  using scalar = typename Eigen::internal::traits<Expr>::Scalar;
  INFO("subscript " << text);
  const auto expected = naive_einsum<scalar>(text, {to_dyn(ops)...});
  require_equal(evaluate_on(Eigen::DefaultDevice(), expr), expected);
  static thread_pool pool;
  require_equal(evaluate_on(pool.device, expr), expected);
}

} // namespace eigen_einsum_test

/// Checks einsum of `text` on the operands against the naive loops on both devices.
#define CHECK_DEVICES(text, ...)                                                                   \
  ::eigen_einsum_test::check_devices(text, EINSUM(text, __VA_ARGS__), __VA_ARGS__)

#endif // EIGEN_EINSUM_TEST_SUPPORT_CHECK_DEVICES_HPP
