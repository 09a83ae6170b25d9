// REGEX: (einsum: the number of operands differs from the number of operand subscripts.*operand_subscripts<1>, eigen_einsum::diagnostics::operands_given<2>|operand_subscripts<1>, eigen_einsum::diagnostics::operands_given<2>.*einsum: the number of operands differs from the number of operand subscripts)
// Mistake: two operands for one operand subscript (numpy: "more operands provided").
#include <eigen_einsum/einsum.hpp>

#include <array>

int main() {
  Eigen::Tensor<float, 2> a(2, 3), b(3, 4);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  static constexpr eigen_einsum::fixed_string subscript{"ij->ji"};
#else
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk->ik"};
#endif
  const Eigen::Tensor<float, 2> r = eigen_einsum::einsum<subscript>(a, b);
  (void)r;
  return 0;
}
