// REGEX: (einsum: the gradient g's rank differs from the number of labels in the output subscript.*gradient_rank<1>|gradient_rank<1>.*einsum: the gradient g's rank differs)
// Mistake: a g of rank 1 for a result of rank 2.
#include <eigen_einsum/einsum.hpp>

int main() {
  Eigen::Tensor<float, 2> a(2, 3), b(3, 4);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  Eigen::Tensor<float, 1> g(8);
#else
  Eigen::Tensor<float, 2> g(2, 4);
#endif
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk->ik"};
  const Eigen::Tensor<float, 2> r = eigen_einsum::gradient<subscript, 0>(g, a, b);
  (void)r;
  return 0;
}
