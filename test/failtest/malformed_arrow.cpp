// REGEX: (einsum: malformed '->' in the subscript.*label<'\-'>|label<'\-'>.*einsum: malformed '->' in the subscript)
// Mistake: '-' without '>'.
#include <eigen_einsum/einsum.hpp>

#include <array>

int main() {
  Eigen::Tensor<float, 2> a(2, 3);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  static constexpr eigen_einsum::fixed_string subscript{"ij-i"};
#else
  static constexpr eigen_einsum::fixed_string subscript{"ij->i"};
#endif
  const Eigen::Tensor<float, 1> r = eigen_einsum::einsum<subscript>(a);
  (void)r;
  return 0;
}
