// REGEX: (einsum: gradient<Subscript, K>: K is no operand's position.*operand<2>|operand<2>.*einsum: gradient<Subscript, K>: K is no operand's position)
// Mistake: the gradient for operand 2 of a two-operand einsum.
#include <eigen_einsum/einsum.hpp>

#ifdef EIGEN_EINSUM_FAILTEST_KO
#define EIGEN_EINSUM_FAILTEST_K 2
#else
#define EIGEN_EINSUM_FAILTEST_K 1
#endif
int main() {
  Eigen::Tensor<float, 2> a(2, 3), b(3, 4), g(2, 4);
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk->ik"};
  const Eigen::Tensor<float, 2> r =
      eigen_einsum::gradient<subscript, EIGEN_EINSUM_FAILTEST_K>(g, a, b);
  (void)r;
  return 0;
}
