// REQUIRES: c++20
// The code shown in README.md.
#define EIGEN_USE_THREADS
#include <eigen_einsum/einsum.hpp>

#include <iostream>

int main() {
  using eigen_einsum::einsum;
  Eigen::Tensor<float, 2> a(64, 32), b(32, 16), bias(64, 16), c(16, 8);
  a.setRandom();
  b.setRandom();
  c.setRandom();
  bias.setRandom();

  // A matrix product: one Eigen contraction, checked and planned at compile time.
  Eigen::Tensor<float, 2> ab = einsum<"ij,jk->ik">(a, b);

  // The result is a lazy Eigen expression: it fuses with other Eigen ops...
  Eigen::Tensor<float, 2> y = (einsum<"ij,jk->ik">(a, b) + bias).exp();

  // Three operands: contracted in the order with the fewest FLOPs.
  Eigen::Tensor<float, 2> z = einsum<"ij,jk,kl->il">(a, b, c);

  // ...and evaluates on any Eigen device.
  Eigen::ThreadPool pool(2);
  Eigen::ThreadPoolDevice device(&pool, 2);
  Eigen::Tensor<float, 1> row_sums(64);
  row_sums.device(device) = einsum<"ij->i">(a);

  std::cout << ab(0, 0) << " " << y(0, 0) << " " << z(0, 0) << " " << row_sums(0) << "\n";
  return 0;
}
