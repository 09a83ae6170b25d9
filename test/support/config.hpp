// One scalar type and one layout, for TEMPLATE_TEST_CASE over both (every test's configurations).
#ifndef EIGEN_EINSUM_TEST_SUPPORT_CONFIG_HPP
#define EIGEN_EINSUM_TEST_SUPPORT_CONFIG_HPP

namespace eigen_einsum_test {

/// One scalar type and one layout: `config<float, Eigen::RowMajor>`.
template <class S, int L>
struct config {
  using scalar = S;
  static constexpr int layout = L;
};

} // namespace eigen_einsum_test

#endif // EIGEN_EINSUM_TEST_SUPPORT_CONFIG_HPP
