// REGEX: (einsum: an operand subscript's number of labels differs from the operand's rank.*operand<1>, eigen_einsum::diagnostics::labels_in_operand_subscript<3>, eigen_einsum::diagnostics::operand_rank<2>|operand<1>, eigen_einsum::diagnostics::labels_in_operand_subscript<3>, eigen_einsum::diagnostics::operand_rank<2>.*einsum: an operand subscript's number of labels differs from the operand's rank)
// Mistake: three labels for a rank-2 operand.
#include <eigen_einsum/einsum.hpp>

#include <array>

int main() {
  Eigen::Tensor<float, 2> a(2, 3), b(3, 4);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  static constexpr eigen_einsum::fixed_string subscript{"ij,jkl->ik"};
#else
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk->ik"};
#endif
  const Eigen::Tensor<float, 2> r = eigen_einsum::einsum<subscript>(a, b);
  (void)r;
  return 0;
}
