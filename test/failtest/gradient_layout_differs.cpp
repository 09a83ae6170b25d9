// REGEX: einsum: the gradient g's layout differs from the operands'
// Mistake: a RowMajor g for ColMajor operands.
#include <eigen_einsum/einsum.hpp>

int main() {
  Eigen::Tensor<float, 2> a(2, 3), b(3, 4);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  Eigen::Tensor<float, 2, Eigen::RowMajor> g(2, 4);
#else
  Eigen::Tensor<float, 2> g(2, 4);
#endif
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk->ik"};
  const Eigen::Tensor<float, 2> r = eigen_einsum::gradient<subscript, 1>(g, a, b);
  (void)r;
  return 0;
}
