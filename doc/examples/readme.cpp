// REQUIRES: c++20
// The code shown in README.md: the snippet between the markers (scripts/check_snippets.py).
#include <iostream>

// [snippet:readme]
#define EIGEN_USE_THREADS // for Eigen::ThreadPoolDevice
#include <eigen_einsum/einsum.hpp>
using eigen_einsum::einsum;

int main() {
  Eigen::Tensor<float, 2> a(64, 32), b(32, 16), bias(64, 16), c(16, 8);
  a.setRandom();
  b.setRandom();
  c.setRandom();
  bias.setRandom();
  Eigen::Tensor<float, 1> row_sums(64);
  Eigen::ThreadPool pool(2);
  Eigen::ThreadPoolDevice device(&pool, 2);

  Eigen::Tensor<float, 2> ab = einsum<"ij,jk->ik">(a, b);               // one GEMM
  Eigen::Tensor<float, 2> y = (einsum<"ij,jk->ik">(a, b) + bias).exp(); // fuses with Eigen ops
  Eigen::Tensor<float, 2> z = einsum<"ij,jk,kl->il">(a, b, c);          // cheapest order
  row_sums.device(device) = einsum<"ij->i">(a);                         // any Eigen device
  // [/snippet]

  std::cout << ab(0, 0) << " " << y(0, 0) << " " << z(0, 0) << " " << row_sums(0) << "\n";
  return 0;
}
