// REGEX: (einsum: malformed ellipsis.*operand<0>|operand<0>.*einsum: malformed ellipsis)
// Mistake: two dots instead of three.
#include <eigen_einsum/einsum.hpp>

#include <array>

int main() {
  Eigen::Tensor<float, 2> a(2, 3);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  static constexpr eigen_einsum::fixed_string subscript{"i..j->i"};
#else
  static constexpr eigen_einsum::fixed_string subscript{"ij->i"};
#endif
  const Eigen::Tensor<float, 1> r = eigen_einsum::einsum<subscript>(a);
  (void)r;
  return 0;
}
