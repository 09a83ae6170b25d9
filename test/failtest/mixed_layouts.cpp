// REGEX: (einsum: operands have different layouts.*operand<1>|operand<1>.*einsum: operands have different layouts)
// Mistake: a ColMajor and a RowMajor operand.
#include <eigen_einsum/einsum.hpp>

#include <array>

#ifdef EIGEN_EINSUM_FAILTEST_KO
#define EIGEN_EINSUM_FAILTEST_B b
#else
#define EIGEN_EINSUM_FAILTEST_B                                                                    \
  Eigen::Tensor<float, 2>(b.swap_layout().shuffle(std::array<int, 2>{1, 0}))
#endif
int main() {
  Eigen::Tensor<float, 2> a(2, 3);
  Eigen::Tensor<float, 2, Eigen::RowMajor> b(3, 4);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk->ik"};
#else
  static constexpr eigen_einsum::fixed_string subscript{"ij,jk->ik"};
#endif
  const Eigen::Tensor<float, 2> r = eigen_einsum::einsum<subscript>(a, EIGEN_EINSUM_FAILTEST_B);
  (void)r;
  return 0;
}
