// The C++17 spelling: the subscript is a static constexpr fixed_string, passed by name.
#include <eigen_einsum/einsum.hpp>

#include <iostream>

static constexpr eigen_einsum::fixed_string matmul{"ij,jk->ik"};

int main() {
  Eigen::Tensor<double, 2> a(2, 3), b(3, 4);
  a.setConstant(1.0);
  b.setConstant(2.0);
  const Eigen::Tensor<double, 2> c = eigen_einsum::einsum<matmul>(a, b);

  // A function-local static works as well.
  static constexpr eigen_einsum::fixed_string trace{"ii->"};
  Eigen::Tensor<double, 2> sq(3, 3);
  sq.setConstant(1.0);
  const Eigen::Tensor<double, 0> t = eigen_einsum::einsum<trace>(sq);

  std::cout << "c(0, 0) = " << c(0, 0) << ", trace = " << t() << "\n";
  return c(0, 0) == 6.0 && t() == 3.0 ? 0 : 1;
}
