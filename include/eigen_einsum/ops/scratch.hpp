// eigen-einsum ops: scratch memory for our ops' buffers (intermediates, permuted copies), kept by
// each thread for reuse. Fresh memory for every buffer makes glibc map and unmap it on each call,
// and the page faults can cost more than the arithmetic: ea,fb,abcd,gc,hd->efgh at 32 (4 MB
// intermediates) took 42 ms with fresh memory, 3.4 ms with it reused, on a virtual machine.
#ifndef EIGEN_EINSUM_OPS_SCRATCH_HPP
#define EIGEN_EINSUM_OPS_SCRATCH_HPP

#include "../config.hpp"

#include EIGEN_EINSUM_TENSOR_HEADER

#include <cstddef>
#include <type_traits>
#include <utility>

/// Most bytes of freed scratch one thread keeps for reuse; 0 turns the cache off.
#ifndef EIGEN_EINSUM_SCRATCH_CACHE_BYTES
#define EIGEN_EINSUM_SCRATCH_CACHE_BYTES (std::size_t(256) << 20)
#endif

namespace eigen_einsum::detail {

/// A thread's freed scratch blocks, oldest first, reused by later requests that fit; freed at
/// thread exit.
class scratch_cache {
public:
  static constexpr int max_blocks = 8;

  scratch_cache() = default;
  scratch_cache(const scratch_cache&) = delete;
  scratch_cache& operator=(const scratch_cache&) = delete;
  ~scratch_cache() {
    for (int i = 0; i < m_count; ++i) {
      Eigen::internal::aligned_free(m_blocks[i].data);
    }
  }

  /// The calling thread's cache.
  static scratch_cache& local() {
    static thread_local scratch_cache cache;
    return cache;
  }

  /// A block of at least `bytes`: the smallest cached one that fits and wastes at most half of
  /// itself, else fresh memory.
  void* allocate(std::size_t bytes) {
    int best = -1;
    for (int i = 0; i < m_count; ++i) {
      const std::size_t size = m_blocks[i].size;
      if (size >= bytes && size / 2 <= bytes && (best < 0 || size < m_blocks[best].size)) {
        best = i;
      }
    }
    if (best < 0) {
      return Eigen::internal::aligned_malloc(bytes);
    }
    void* data = m_blocks[best].data;
    remove(best);
    return data;
  }

  /// Takes back a block of `bytes` from allocate: cached, making room by freeing the blocks
  /// cached longest ago (a workload's sizes change: blocks of earlier ones must not stay).
  void deallocate(void* data, std::size_t bytes) {
    if (bytes > EIGEN_EINSUM_SCRATCH_CACHE_BYTES) {
      Eigen::internal::aligned_free(data);
      return;
    }
    while (m_count == max_blocks || m_bytes + bytes > EIGEN_EINSUM_SCRATCH_CACHE_BYTES) {
      Eigen::internal::aligned_free(m_blocks[0].data);
      remove(0);
    }
    m_blocks[m_count++] = {data, bytes};
    m_bytes += bytes;
  }

private:
  /// Drops entry i, keeping the others in the order they were cached.
  void remove(int i) {
    m_bytes -= m_blocks[i].size;
    for (int j = i + 1; j < m_count; ++j) {
      m_blocks[j - 1] = m_blocks[j];
    }
    --m_count;
  }

  struct block {
    void* data;
    std::size_t size;
  };
  block m_blocks[max_blocks] = {};
  int m_count = 0;
  std::size_t m_bytes = 0;
};

/// Devices with a user-settable allocator (ThreadPoolDevice), found without naming them: Eigen
/// declares ThreadPoolDevice only under EIGEN_USE_THREADS.
template <class Device, class = void>
struct has_allocator : std::false_type {};
template <class Device>
struct has_allocator<Device, std::void_t<decltype(std::declval<const Device&>().allocator())>>
    : std::true_type {};

/// Whether `device` allocates host memory with Eigen's aligned_malloc, which the cache may stand
/// in for: DefaultDevice, and ThreadPoolDevice without an allocator of the user's.
template <class Device>
bool uses_host_malloc(const Device& device) {
  if constexpr (std::is_same_v<Device, Eigen::DefaultDevice>) {
    return EIGEN_EINSUM_SCRATCH_CACHE_BYTES > 0;
  } else if constexpr (has_allocator<Device>::value) {
    return EIGEN_EINSUM_SCRATCH_CACHE_BYTES > 0 && device.allocator() == nullptr;
  } else {
    return false;
  }
}

/// `bytes` of scratch for an op evaluating on `device`; give it back with deallocate_scratch.
template <class Device>
void* allocate_scratch(const Device& device, std::size_t bytes) {
  return uses_host_malloc(device) ? scratch_cache::local().allocate(bytes)
                                  : device.allocate_temp(bytes);
}

/// Gives back `data`, `bytes` from allocate_scratch on the same device.
template <class Device>
void deallocate_scratch(const Device& device, void* data, std::size_t bytes) {
  if (uses_host_malloc(device)) {
    scratch_cache::local().deallocate(data, bytes);
  } else {
    device.deallocate_temp(data);
  }
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_OPS_SCRATCH_HPP
