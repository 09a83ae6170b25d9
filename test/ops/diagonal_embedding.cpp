// Op tests for ops/diagonal_embedding.hpp: the lazy diagonal embedding on its own, against the
// diagonal it inverts and zeros elsewhere.
#define EIGEN_USE_THREADS
#include "support/config.hpp"
#include "support/devices.hpp"
#include "support/naive_einsum.hpp"

#include <eigen_einsum/ops/diagonal_embedding.hpp>

#include <catch2/catch.hpp>

#include <complex>
#include <vector>

namespace {

using Eigen::Index;
using eigen_einsum::detail::embed_diagonal;
using eigen_einsum_test::config;
using eigen_einsum_test::dyn_tensor;
using eigen_einsum_test::evaluate_on;
using eigen_einsum_test::random_tensor;
using eigen_einsum_test::require_equal;
using eigen_einsum_test::to_dyn;

/// r(index) = x(index at `input_axis`) where the axes sharing an input axis agree, else 0.
template <class S>
dyn_tensor<S> embedded(const dyn_tensor<S>& x, const std::vector<int>& input_axis) {
  std::vector<Index> dims;
  for (int a : input_axis) {
    dims.push_back(x.dims[std::size_t(a)]);
  }
  dyn_tensor<S> r(dims);
  eigen_einsum_test::detail::for_each_index(dims, [&](const std::vector<Index>& index) {
    std::vector<Index> at(x.dims.size(), -1);
    for (std::size_t o = 0; o < index.size(); ++o) {
      Index& slot = at[std::size_t(input_axis[o])];
      if (slot >= 0 && slot != index[o]) {
        return; // off the diagonal: stays 0
      }
      slot = index[o];
    }
    r(index) = x(at);
  });
  return r;
}

} // namespace

TEMPLATE_TEST_CASE("embed_diagonal: main and partial diagonals on both devices",
                   "[ops][diagonal_embedding]", (config<float, Eigen::ColMajor>),
                   (config<double, Eigen::RowMajor>), (config<int, Eigen::ColMajor>),
                   (config<std::complex<double>, Eigen::RowMajor>)) {
  using S = typename TestType::scalar;
  constexpr int L = TestType::layout;
  const auto v = random_tensor<S, 1, L>({5}, 1);
  const auto m = random_tensor<S, 2, L>({4, 3}, 2);
  eigen_einsum_test::thread_pool threads;
  const Eigen::DefaultDevice serial;
  auto both = [&](const auto& expr, const dyn_tensor<S>& want) {
    require_equal(evaluate_on(serial, expr), want);
    require_equal(evaluate_on(threads.device, expr), want);
  };
  both(embed_diagonal<0, 0>(v), embedded(to_dyn(v), {0, 0}));
  both(embed_diagonal<0, 0, 0>(v), embedded(to_dyn(v), {0, 0, 0}));
  both(embed_diagonal<0, 1, 0>(m), embedded(to_dyn(m), {0, 1, 0}));
  both(embed_diagonal<1, 0, 1, 0>(m), embedded(to_dyn(m), {1, 0, 1, 0}));
  // Over an expression operand, and composed with another op.
  both(embed_diagonal<0, 0>(v * S(2)), embedded(to_dyn(v * S(2)), {0, 0}));
  both(embed_diagonal<0, 0>(v) + embed_diagonal<0, 0>(v), embedded(to_dyn(v + v), {0, 0}));
  // A zero extent: an empty result, nothing read.
  const Eigen::Tensor<S, 1, L> empty(0);
  both(embed_diagonal<0, 0>(empty), dyn_tensor<S>({0, 0}));
}
