// REGEX: (einsum: more than two operands are not supported yet.*operands_given<3>|operands_given<3>.*einsum: more than two operands are not supported yet)
// Mistake: three operands (issue 4 adds them).
#include <eigen_einsum/einsum.hpp>

#include <array>

#ifdef EIGEN_EINSUM_FAILTEST_KO
#define EIGEN_EINSUM_FAILTEST_C , c
#else
#define EIGEN_EINSUM_FAILTEST_C
#endif
int main() {
  Eigen::Tensor<float, 2> a(2, 3), b(3, 4), c(4, 5);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk,kl->il"};
#else
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk->ik"};
#endif
  const Eigen::Tensor<float, 2> r = eigen_einsum::einsum<subscript>(a, b EIGEN_EINSUM_FAILTEST_C);
  (void)r;
  return 0;
}
