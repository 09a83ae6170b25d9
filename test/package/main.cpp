// Builds against the installed (or add_subdirectory'd) eigen_einsum.
#include <eigen_einsum/einsum.hpp>

#include <iostream>

int main() {
  Eigen::Tensor<float, 2> a(2, 3);
  a.setConstant(1.0f);
  std::cout << "package ok\n";
  return a.size() == 6 ? 0 : 1;
}
