// REGEX: (einsum: an output label does not appear in any operand subscript.*label<'l'>|label<'l'>.*einsum: an output label does not appear in any operand subscript)
// REQUIRES: c++20
// Mistake: an output label in no operand subscript, in the C++20 string-literal spelling.
#include <eigen_einsum/einsum.hpp>

int main() {
  Eigen::Tensor<float, 2> a(2, 3), b(3, 4);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  const Eigen::Tensor<float, 2> r = eigen_einsum::einsum<"ij,jk->il">(a, b);
#else
  const Eigen::Tensor<float, 2> r = eigen_einsum::einsum<"ij,jk->ik">(a, b);
#endif
  (void)r;
  return 0;
}
