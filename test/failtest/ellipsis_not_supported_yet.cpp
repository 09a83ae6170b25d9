// REGEX: (einsum: ellipsis '\.\.\.' is not supported yet.*operand<0>|operand<0>.*einsum: ellipsis '\.\.\.' is not supported yet)
// Mistake: an ellipsis (issue 5 adds it).
#include <eigen_einsum/einsum.hpp>

#include <array>

int main() {
  Eigen::Tensor<float, 2> a(2, 3);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  static constexpr eigen_einsum::fixed_string subscript{"...j->j"};
#else
  static constexpr eigen_einsum::fixed_string subscript{"ij->ji"};
#endif
  const Eigen::Tensor<float, 2> r = eigen_einsum::einsum<subscript>(a);
  (void)r;
  return 0;
}
