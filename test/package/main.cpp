// Builds against the installed (or add_subdirectory'd) eigen_einsum and computes one einsum.
#include <eigen_einsum/einsum.hpp>

#if defined(EXPECT_BLAS) && !defined(EIGEN_USE_BLAS)
#error "eigen_einsum::blas did not define EIGEN_USE_BLAS"
#endif

#include <iostream>

static constexpr eigen_einsum::fixed_string matmul{"ij,jk->ik"};

int main() {
  Eigen::Tensor<float, 2> a(2, 3), b(3, 4);
  a.setConstant(1.0f);
  b.setConstant(2.0f);
  const Eigen::Tensor<float, 2> c = eigen_einsum::einsum<matmul>(a, b);
  std::cout << "package ok: c(0, 0) = " << c(0, 0) << "\n";
  return c(0, 0) == 6.0f ? 0 : 1;
}
