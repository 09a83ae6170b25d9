// REGEX: einsum: in C\+\+17 the subscript must be a named eigen_einsum::fixed_string
// REQUIRES: c++17 only
// Mistake: the C++17 subscript declared as a char array, not as an eigen_einsum::fixed_string.
#include <eigen_einsum/einsum.hpp>

int main() {
  Eigen::Tensor<float, 2> a(2, 3);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  static constexpr char subscript[] = "ij->ji";
#else
  static constexpr eigen_einsum::fixed_string subscript{"ij->ji"};
#endif
  const Eigen::Tensor<float, 2> r = eigen_einsum::einsum<subscript>(a);
  (void)r;
  return 0;
}
