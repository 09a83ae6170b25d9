// REGEX: (einsum: invalid character in the subscript.*label<'\#'>|label<'\#'>.*einsum: invalid character in the subscript)
// REQUIRES: hana
// Mistake: a character that is no label, in the Boost.Hana spelling: the same single error.
#include <eigen_einsum/hana.hpp>

int main() {
  Eigen::Tensor<float, 2> a(2, 3), b(3, 4);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  const Eigen::Tensor<float, 1> r = eigen_einsum::einsum(BOOST_HANA_STRING("ij,j#->i"), a, b);
#else
  const Eigen::Tensor<float, 1> r = eigen_einsum::einsum(BOOST_HANA_STRING("ij,jk->i"), a, b);
#endif
  (void)r;
  return 0;
}
