// REGEX: (einsum: malformed ellipsis.*operand<-1>|operand<-1>.*einsum: malformed ellipsis)
// Mistake: two dots in the output subscript (numpy: "a '.' that is not part of an ellipsis").
#include <eigen_einsum/einsum.hpp>

#include <array>

int main() {
  Eigen::Tensor<float, 2> a(2, 3);
#ifdef EIGEN_EINSUM_FAILTEST_KO
  static constexpr eigen_einsum::fixed_string subscript{"ij->i.."};
#else
  static constexpr eigen_einsum::fixed_string subscript{"ij->i..."};
#endif
  const Eigen::Tensor<float, 1> r = eigen_einsum::einsum<subscript>(a);
  (void)r;
  return 0;
}
