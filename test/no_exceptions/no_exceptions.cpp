// einsum under -fno-exceptions: it compiles, computes, and reports an extent error through
// EIGEN_EINSUM_SHAPE_ERROR_HANDLER with shape_error's message. Built twice: with the handler below
// (exits 0 when the message is right), and with the default one (prints, then aborts).
#include <cstdio>
#include <cstdlib>
#include <cstring>

#ifndef EIGEN_EINSUM_TEST_DEFAULT_HANDLER
namespace {
const char* const expected = "einsum: label 'j' has extent 3 in operand 0 but 4 in operand 1, in "
                             "\"ij,jk->ik\" with operand shapes (2,3), (4,2)";
[[noreturn]] void on_shape_error(const char* message) {
  const bool right = std::strcmp(message, expected) == 0;
  std::printf("handler: %s\n%s\n", message, right ? "as expected" : "UNEXPECTED message");
  std::exit(right ? 0 : 1);
}
} // namespace
#define EIGEN_EINSUM_SHAPE_ERROR_HANDLER(message) on_shape_error(message)
#endif

#include "support/subscript.hpp"

#include <eigen_einsum/einsum.hpp>

int main() {
  Eigen::Tensor<float, 2> a(2, 3), b(3, 2), bad(4, 2);
  a.setValues({{1, 2, 3}, {4, 5, 6}});
  b.setValues({{1, 0}, {0, 1}, {1, 1}});
  bad.setZero();
  Eigen::Tensor<float, 2> c = EINSUM("ij,jk->ik", a, b);
  Eigen::Tensor<float, 2> square(2, 2);
  square.setValues({{1, 2}, {3, 4}});
  square = EINSUM("ij->ji", square);
  Eigen::Tensor<float, 1> empty(0);
  Eigen::Tensor<float, 0> sum = EINSUM("i->", empty);
  if (c(0, 0) != 4 || c(1, 1) != 11 || square(0, 1) != 3 || sum() != 0) {
    std::printf("wrong result\n");
    return 1;
  }
  std::printf("results right; now an extent error\n");
  Eigen::Tensor<float, 2> never = EINSUM("ij,jk->ik", a, bad);
  std::printf("not reported: %f\n", double(never(0, 0)));
  return 1;
}
