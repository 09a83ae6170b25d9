// REQUIRES: hana
// The opt-in inline C++17 spelling with Boost.Hana (target eigen_einsum::hana).
#define BOOST_HANA_CONFIG_ENABLE_STRING_UDL // for "..."_s, a GNU extension GCC and Clang accept
#include <eigen_einsum/hana.hpp>

#include <iostream>

int main() {
  Eigen::Tensor<double, 2> a(2, 3), b(3, 4);
  a.setConstant(1.0);
  b.setConstant(2.0);
  // [snippet:hana]
  using namespace boost::hana::literals;
  const Eigen::Tensor<double, 2> c = eigen_einsum::einsum(BOOST_HANA_STRING("ij,jk->ik"), a, b);
  const Eigen::Tensor<double, 1> d = eigen_einsum::einsum("ij->i"_s, c);
  // [/snippet]
  std::cout << "c(0, 0) = " << c(0, 0) << ", d(0) = " << d(0) << "\n";
  return c(0, 0) == 6.0 && d(0) == 24.0 ? 0 : 1;
}
