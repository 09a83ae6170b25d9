// Evaluates an expression on DefaultDevice and on a 2-thread ThreadPoolDevice, for the op tests.
#ifndef EIGEN_EINSUM_TEST_SUPPORT_DEVICES_HPP
#define EIGEN_EINSUM_TEST_SUPPORT_DEVICES_HPP

#ifndef EIGEN_USE_THREADS
#error "define EIGEN_USE_THREADS before the first Eigen include"
#endif

#include <unsupported/Eigen/CXX11/Tensor>

#include <type_traits>

namespace eigen_einsum_test {

/// The result of `expr` as a Tensor, assigned with `dst.device(d) = expr` on device `d`.
template <class Device, class Expr>
auto evaluate_on(const Device& device, const Expr& expr) {
  using traits = Eigen::internal::traits<std::remove_cv_t<std::remove_reference_t<Expr>>>;
  using scalar = std::remove_const_t<typename traits::Scalar>;
  const Eigen::TensorEvaluator<const Expr, Eigen::DefaultDevice> shape(expr,
                                                                       Eigen::DefaultDevice());
  Eigen::Tensor<scalar, traits::NumDimensions, traits::Layout> result(shape.dimensions());
  result.device(device) = expr;
  return result;
}

/// A 2-thread pool and its device, for the ThreadPoolDevice sections.
struct thread_pool {
  Eigen::ThreadPool pool{2};
  Eigen::ThreadPoolDevice device{&pool, 2};
};

/// `dst = expr` on DefaultDevice (device 0) or on a 2-thread ThreadPoolDevice (device 1).
template <class Dst, class Expr>
void assign(int device, Dst& dst, const Expr& expr) {
  if (device == 0) {
    dst = expr;
  } else {
    static eigen_einsum_test::thread_pool pool;
    dst.device(pool.device) = expr;
  }
}

} // namespace eigen_einsum_test

#endif // EIGEN_EINSUM_TEST_SUPPORT_DEVICES_HPP
