// REGEX: (einsum: an operand subscript's number of labels differs from the operand's rank.*operand<0>, eigen_einsum::diagnostics::labels_in_operand_subscript<1>, eigen_einsum::diagnostics::operand_rank<2>|operand<0>, eigen_einsum::diagnostics::labels_in_operand_subscript<1>, eigen_einsum::diagnostics::operand_rank<2>.*einsum: an operand subscript's number of labels differs from the operand's rank)
// Mistake: one label for a rank-2 operand and no '...' (numpy: "operand has more dimensions
// than subscripts given").
#include <eigen_einsum/einsum.hpp>

#include <array>

int main() {
  Eigen::Tensor<float, 2> a(2, 3);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  static constexpr eigen_einsum::fixed_string subscript{"i->i"};
#else
  static constexpr eigen_einsum::fixed_string subscript{"i...->i"};
#endif
  const Eigen::Tensor<float, 1> r = eigen_einsum::einsum<subscript>(a);
  (void)r;
  return 0;
}
