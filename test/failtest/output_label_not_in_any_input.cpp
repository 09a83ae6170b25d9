// REGEX: (einsum: an output label does not appear in any operand subscript.*label<'l'>|label<'l'>.*einsum: an output label does not appear in any operand subscript)
// Mistake: an output label in no operand subscript.
#include <eigen_einsum/einsum.hpp>

#include <array>

int main() {
  Eigen::Tensor<float, 2> a(2, 3), b(3, 4);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk->il"};
#else
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk->ik"};
#endif
  const Eigen::Tensor<float, 2> r = eigen_einsum::einsum<subscript>(a, b);
  (void)r;
  return 0;
}
