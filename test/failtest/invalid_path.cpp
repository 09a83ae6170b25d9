// REGEX: (einsum: the explicit path must have one step per pairwise contraction.*path_steps_needed<2>|path_steps_needed<2>.*einsum: the explicit path must have one step per pairwise contraction)
// REQUIRES: c++20
// Mistake: an explicit path with one step for three operands.
#include <eigen_einsum/einsum.hpp>

int main() {
  Eigen::Tensor<float, 2> a(2, 3), b(3, 4), c(4, 5);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  using order = eigen_einsum::path<0, 1>;
#else
  using order = eigen_einsum::path<0, 1, 0, 1>;
#endif
  const Eigen::Tensor<float, 2> r = eigen_einsum::einsum<"ij,jk,kl->il", order>(a, b, c);
  (void)r;
  return 0;
}
