// REGEX: (einsum: operands have different scalar types.*operand<1>|operand<1>.*einsum: operands have different scalar types)
// Mistake: a float and a double operand.
#include <eigen_einsum/einsum.hpp>

#include <array>

#ifdef EIGEN_EINSUM_FAILTEST_KO
#define EIGEN_EINSUM_FAILTEST_B b
#else
#define EIGEN_EINSUM_FAILTEST_B b.cast<float>()
#endif
int main() {
  Eigen::Tensor<float, 2> a(2, 3);
  Eigen::Tensor<double, 2> b(3, 4);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk->ik"};
#else
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk->ik"};
#endif
  const Eigen::Tensor<float, 2> r = eigen_einsum::einsum<subscript>(a, EIGEN_EINSUM_FAILTEST_B);
  (void)r;
  return 0;
}
