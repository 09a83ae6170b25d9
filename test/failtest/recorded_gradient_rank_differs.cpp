// REGEX: (einsum: the gradient g's rank differs from the number of labels in the output subscript.*gradient_rank<1>|gradient_rank<1>.*einsum: the gradient g's rank differs)
// Mistake: a g of rank 1 for the gradients of a recorded einsum whose result has rank 2.
#include <eigen_einsum/einsum.hpp>

int main() {
  Eigen::Tensor<float, 2> a(2, 3), b(3, 4), c(4, 5);
  a.setConstant(1.f);
  b.setConstant(1.f);
  c.setConstant(1.f);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  Eigen::Tensor<float, 1> g(10);
#else
  Eigen::Tensor<float, 2> g(2, 5);
#endif
  g.setConstant(1.f);
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk,kl->il"};
  const auto step = eigen_einsum::record<subscript>(a, b, c);
  const auto grads = step.gradients(g);
  (void)grads;
  return 0;
}
