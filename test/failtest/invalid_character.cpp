// REGEX: (einsum: invalid character in the subscript.*label<'\#'>|label<'\#'>.*einsum: invalid character in the subscript)
// Mistake: a character that is no label.
#include <eigen_einsum/einsum.hpp>

#include <array>

int main() {
  Eigen::Tensor<float, 2> a(2, 3), b(3, 4);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  static constexpr eigen_einsum::fixed_string subscript{"ij,j#->i"};
#else
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk->i"};
#endif
  const Eigen::Tensor<float, 1> r = eigen_einsum::einsum<subscript>(a, b);
  (void)r;
  return 0;
}
