// Builds against eigen_einsum::hana in C++17 and computes one einsum, the subscript spelled inline.
#include <eigen_einsum/hana.hpp>

#include <iostream>

int main() {
  Eigen::Tensor<float, 2> a(2, 3), b(3, 4);
  a.setConstant(1.0f);
  b.setConstant(2.0f);
  const Eigen::Tensor<float, 2> c = eigen_einsum::einsum(BOOST_HANA_STRING("ij,jk->ik"), a, b);
  std::cout << "package ok: c(0, 0) = " << c(0, 0) << "\n";
  return c(0, 0) == 6.0f ? 0 : 1;
}
