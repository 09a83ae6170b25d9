// REGEX: (einsum: a label appears twice in the output subscript.*label<'i'>|label<'i'>.*einsum: a label appears twice in the output subscript)
// Mistake: a label twice in the output subscript.
#include <eigen_einsum/einsum.hpp>

#include <array>

int main() {
  Eigen::Tensor<float, 2> a(2, 3), b(3, 4);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk->ii"};
#else
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk->ik"};
#endif
  const Eigen::Tensor<float, 2> r = eigen_einsum::einsum<subscript>(a, b);
  (void)r;
  return 0;
}
