// Op tests for ops/scratch.hpp: a thread's freed scratch is reused by requests that fit, within
// the cache's bounds; a ThreadPoolDevice with the user's allocator keeps using it.
#define EIGEN_USE_THREADS
#include <eigen_einsum/ops/scratch.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <thread>

namespace {

using eigen_einsum::detail::allocate_scratch;
using eigen_einsum::detail::deallocate_scratch;
using eigen_einsum::detail::scratch_cache;

/// Counts what a ThreadPoolDevice allocates through it.
class counting_allocator : public Eigen::Allocator {
public:
  void* allocate(std::size_t bytes) const override {
    ++allocations;
    return Eigen::internal::aligned_malloc(bytes);
  }
  void deallocate(void* data) const override {
    ++deallocations;
    Eigen::internal::aligned_free(data);
  }
  mutable int allocations = 0, deallocations = 0;
};

} // namespace

TEST_CASE("scratch: freed blocks are reused by requests that fit", "[ops][scratch]") {
  scratch_cache cache;
  void* big = cache.allocate(1 << 20);
  cache.deallocate(big, 1 << 20);
  // A little smaller: the same block. Less than half its size: fresh memory.
  void* again = cache.allocate(900 << 10);
  REQUIRE(again == big);
  void* small = cache.allocate(1000);
  REQUIRE(small != big);
  cache.deallocate(small, 1000);
  cache.deallocate(again, 900 << 10);
  // The smallest block that fits.
  void* fits = cache.allocate(800);
  REQUIRE(fits == small);
  cache.deallocate(fits, 800);
}

TEST_CASE("scratch: a full cache frees the block cached longest ago", "[ops][scratch]") {
  scratch_cache cache;
  void* blocks[scratch_cache::max_blocks + 1] = {};
  for (void*& b : blocks) {
    b = cache.allocate(64);
  }
  for (void* b : blocks) {
    cache.deallocate(b, 64); // the last one evicts the first
  }
  void* again[scratch_cache::max_blocks] = {};
  for (void*& b : again) {
    b = cache.allocate(64);
    REQUIRE(b != blocks[0]);
    bool cached = false;
    for (void* c : blocks) {
      cached = cached || b == c;
    }
    REQUIRE(cached);
  }
  for (void* b : again) {
    cache.deallocate(b, 64);
  }
}

TEST_CASE("scratch: each thread has its own cache", "[ops][scratch]") {
  scratch_cache* mine = &scratch_cache::local();
  scratch_cache* other = nullptr;
  std::thread([&] { other = &scratch_cache::local(); }).join();
  REQUIRE(mine != other);
}

TEST_CASE("scratch: devices allocate through the cache unless the user gave an allocator",
          "[ops][scratch]") {
  const Eigen::DefaultDevice cpu;
  void* a = allocate_scratch(cpu, 4096);
  deallocate_scratch(cpu, a, 4096);
  void* b = allocate_scratch(cpu, 4096);
  REQUIRE(b == a);
  deallocate_scratch(cpu, b, 4096);

  Eigen::ThreadPool pool(2);
  counting_allocator counting;
  const Eigen::ThreadPoolDevice with_allocator(&pool, 2, &counting);
  void* c = allocate_scratch(with_allocator, 4096);
  deallocate_scratch(with_allocator, c, 4096);
  REQUIRE(counting.allocations == 1);
  REQUIRE(counting.deallocations == 1);

  const Eigen::ThreadPoolDevice plain(&pool, 2);
  void* d = allocate_scratch(plain, 4096);
  REQUIRE(d == a); // the calling thread's cache
  deallocate_scratch(plain, d, 4096);
}
