// einsum from several threads at once: shared read-only operands, a destination per thread, on
// DefaultDevice and on one shared ThreadPoolDevice. Run under ThreadSanitizer by scripts/test.sh.
#define EIGEN_USE_THREADS

#include "support/check.hpp"
#include "support/devices.hpp"

#include <eigen_einsum/einsum.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

namespace {

using eigen_einsum_test::random_tensor;
using eigen_einsum_test::require_equal;
using eigen_einsum_test::to_dyn;

} // namespace

TEST_CASE("einsum: several threads call einsum at once", "[threads]") {
  const auto a = random_tensor<float, 2, Eigen::ColMajor>({24, 16}, 1);
  const auto b = random_tensor<float, 2, Eigen::ColMajor>({16, 20}, 2);
  const auto c = random_tensor<float, 3, Eigen::ColMajor>({4, 24, 16}, 3);
  const auto d = random_tensor<float, 3, Eigen::ColMajor>({4, 16, 8}, 4);
  const Eigen::Tensor<float, 2> want_ab = EINSUM("ij,jk->ik", a, b);
  const Eigen::Tensor<float, 3> want_cd = EINSUM("bij,bjk->bik", c, d);
  const Eigen::Tensor<float, 1> want_sum = EINSUM("bij->j", c);
  eigen_einsum_test::thread_pool pool;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 8; ++round) {
        Eigen::Tensor<float, 2> ab(24, 20);
        Eigen::Tensor<float, 3> cd(4, 24, 8);
        Eigen::Tensor<float, 1> sum(16);
        if ((t + round) % 2 == 0) {
          ab = EINSUM("ij,jk->ik", a, b);
          cd = EINSUM("bij,bjk->bik", c, d);
          sum = EINSUM("bij->j", c);
        } else {
          ab.device(pool.device) = EINSUM("ij,jk->ik", a, b);
          cd.device(pool.device) = EINSUM("bij,bjk->bik", c, d);
          sum.device(pool.device) = EINSUM("bij->j", c);
        }
        const Eigen::Tensor<float, 0> e1 = (ab - want_ab).abs().maximum();
        const Eigen::Tensor<float, 0> e2 = (cd - want_cd).abs().maximum();
        const Eigen::Tensor<float, 0> e3 = (sum - want_sum).abs().maximum();
        wrong += e1() > 1e-4f || e2() > 1e-4f || e3() > 1e-4f;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  REQUIRE(wrong == 0);
}

TEST_CASE("einsum: each thread's choice of path follows its own extents", "[threads]") {
  // Each thread remembers its last extents and choice; here the threads alternate two shapes whose
  // best orders differ, (ij,jk) first for the first and (jk,kl) first for the second.
  const auto a = random_tensor<double, 2, Eigen::ColMajor>({3, 40}, 1);
  const auto b = random_tensor<double, 2, Eigen::ColMajor>({40, 40}, 2);
  const auto c = random_tensor<double, 2, Eigen::ColMajor>({40, 40}, 3);
  const auto d = random_tensor<double, 2, Eigen::ColMajor>({40, 3}, 4);
  const auto want_abc = eigen_einsum_test::to_tensor<2>(
      eigen_einsum_test::naive_einsum<double>("ij,jk,kl->il", {to_dyn(a), to_dyn(b), to_dyn(c)}));
  const auto want_bcd = eigen_einsum_test::to_tensor<2>(
      eigen_einsum_test::naive_einsum<double>("ij,jk,kl->il", {to_dyn(b), to_dyn(c), to_dyn(d)}));
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 8; ++round) {
        const bool first = (t + round) % 2 == 0;
        const Eigen::Tensor<double, 2> got =
            first ? Eigen::Tensor<double, 2>(EINSUM("ij,jk,kl->il", a, b, c))
                  : Eigen::Tensor<double, 2>(EINSUM("ij,jk,kl->il", b, c, d));
        const Eigen::Tensor<double, 0> e = (got - (first ? want_abc : want_bcd)).abs().maximum();
        wrong += e() > 1e-10;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  REQUIRE(wrong == 0);
}
