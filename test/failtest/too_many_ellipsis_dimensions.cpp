// REGEX: (einsum: '\.\.\.' stands for more dimensions than einsum can label.*ellipsis_dimensions<1>, eigen_einsum::diagnostics::unused_letters<0>|ellipsis_dimensions<1>, eigen_einsum::diagnostics::unused_letters<0>.*einsum: '\.\.\.' stands for more dimensions than einsum can label)
// Mistake: '...' needs a letter of its own, but the subscript uses all 52.
#include <eigen_einsum/einsum.hpp>

#include <array>

int main() {
  Eigen::Tensor<float, 26> a;
  Eigen::Tensor<float, 1> c(4);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  Eigen::Tensor<float, 26> b;
  static constexpr eigen_einsum::fixed_string subscript{
      "abcdefghijklmnopqrstuvwxyz,ABCDEFGHIJKLMNOPQRSTUVWXYZ,...->"};
#else
  Eigen::Tensor<float, 25> b;
  static constexpr eigen_einsum::fixed_string subscript{
      "abcdefghijklmnopqrstuvwxyz,ABCDEFGHIJKLMNOPQRSTUVWXY,...->"};
#endif
  const Eigen::Tensor<float, 0> r = eigen_einsum::einsum<subscript>(a, b, c);
  (void)r;
  return 0;
}
