// REGEX: (einsum: the number of operands differs from the number of operand subscripts.*operand_subscripts<2>, eigen_einsum::diagnostics::operands_given<1>|operand_subscripts<2>, eigen_einsum::diagnostics::operands_given<1>.*einsum: the number of operands differs from the number of operand subscripts)
// Mistake: one operand for two operand subscripts.
#include <eigen_einsum/einsum.hpp>

#include <array>

int main() {
  Eigen::Tensor<float, 2> a(2, 3);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk->ik"};
#else
  static constexpr eigen_einsum::fixed_string subscript{"ij->ji"};
#endif
  const Eigen::Tensor<float, 2> r = eigen_einsum::einsum<subscript>(a);
  (void)r;
  return 0;
}
