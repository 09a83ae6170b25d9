// eigen-einsum ops: a permutation of a tensor's axes, as an Eigen expression. It is Eigen's
// shuffle wherever it is read coefficient by coefficient; written whole into memory (assigned to a
// tensor, or evaluated into scratch) it runs a cache-blocked kernel instead, which moves whole
// cache lines and transposes SIMD registers: Eigen's shuffle computes an index per coefficient.
#ifndef EIGEN_EINSUM_OPS_PERMUTE_HPP
#define EIGEN_EINSUM_OPS_PERMUTE_HPP

#include "device.hpp"
#include "tensor.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace eigen_einsum::detail {

/// One loop of a permutation kernel: its extent and the source's and destination's strides.
struct permute_axis {
  Eigen::Index extent = 1, from = 0, to = 0;
};

/// A permutation reduced to the loops the kernel runs, the destination's fastest first: extent-1
/// axes dropped, and axes that are adjacent in both source and destination merged into one.
/// `axes[0]` is the destination's contiguous axis, `axes[inner]` the source's.
template <int N>
struct permute_loops {
  std::array<permute_axis, N + 1> axes{}; // one spare: GCC cannot see that rank <= N
  int rank = 0;
  int inner = 0;
  Eigen::Index size = 1;
  // The other axes, the source's fastest first: consecutive tiles read neighbouring memory.
  std::array<int, N + 1> outer{};
  int num_outer = 0;
};

/// The loops that write `source.shuffle(shuffle)` into memory, for a source of extents `dims`
/// (Eigen's convention: output axis i is source axis shuffle[i]).
///
///   plan_permute<3>(dims, std::array<int, 3>{2, 1, 0}, false) // ijk->kji, ColMajor
template <int N, class Dims, class Shuffle>
permute_loops<N> plan_permute(const Dims& dims, const Shuffle& shuffle, bool row_major) {
  std::array<Eigen::Index, N> stride{}; // the source's, by source axis
  permute_loops<N> p;
  for (int m = 0; m < N; ++m) {
    const int axis = row_major ? N - 1 - m : m;
    stride[std::size_t(axis)] = p.size;
    p.size *= dims[axis];
  }
  Eigen::Index to = 1;
  for (int m = 0; m < N; ++m) {
    const int axis = int(shuffle[row_major ? N - 1 - m : m]);
    const Eigen::Index n = dims[axis], from = stride[std::size_t(axis)];
    if (n == 1) {
      continue;
    }
    permute_axis* last = p.rank > 0 ? &p.axes[std::size_t(p.rank - 1)] : nullptr;
    if (last != nullptr && last->from * last->extent == from) {
      last->extent *= n; // contiguous in the source as in the destination
    } else {
      p.axes[std::size_t(p.rank++)] = {n, from, to};
    }
    to *= n;
  }
  // The smallest source stride of the axes left is 1: the extents below it were all 1.
  for (int a = 0; a < p.rank; ++a) {
    if (p.axes[std::size_t(a)].from == 1) {
      p.inner = a;
    }
  }
  for (int a = 1; a < p.rank; ++a) {
    if (a != p.inner) {
      int at = p.num_outer++;
      for (; at > 0 &&
             p.axes[std::size_t(p.outer[std::size_t(at - 1)])].from > p.axes[std::size_t(a)].from;
           --at) {
        p.outer[std::size_t(at)] = p.outer[std::size_t(at - 1)];
      }
      p.outer[std::size_t(at)] = a;
    }
  }
  return p;
}

// Eigen's packet types are vector types whose attributes GCC drops in a template argument, as in
// Eigen's own kernels (Eigen silences the warning inside its headers; we do the same here).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"
#endif

template <class Packet, int Size, class = void>
struct has_packet_transpose : std::false_type {};
template <class Packet, int Size>
struct has_packet_transpose<Packet, Size,
                            std::void_t<decltype(Eigen::internal::ptranspose(
                                std::declval<Eigen::internal::PacketBlock<Packet, Size>&>()))>>
    : std::bool_constant<(Size > 1)> {};

/// x86's streaming stores, one per packet type: `to` must be aligned to the packet.
#if defined(EIGEN_VECTORIZE_SSE2)
inline void stream_packet(float* to, __m128 p) {
  _mm_stream_ps(to, p);
}
inline void stream_packet(double* to, __m128d p) {
  _mm_stream_pd(to, p);
}
#endif
#if defined(EIGEN_VECTORIZE_AVX)
inline void stream_packet(float* to, __m256 p) {
  _mm256_stream_ps(to, p);
}
inline void stream_packet(double* to, __m256d p) {
  _mm256_stream_pd(to, p);
}
#endif
#if defined(EIGEN_VECTORIZE_AVX512)
inline void stream_packet(float* to, __m512 p) {
  _mm512_stream_ps(to, p);
}
inline void stream_packet(double* to, __m512d p) {
  _mm512_stream_pd(to, p);
}
#endif
template <class Scalar, class Packet>
void stream_packet(Scalar* to, Packet p) = delete; // no streaming store for this packet type

template <class Scalar, class Packet, class = void>
struct has_stream_packet : std::false_type {};
template <class Scalar, class Packet>
struct has_stream_packet<
    Scalar, Packet,
    std::void_t<decltype(stream_packet(std::declval<Scalar*>(), std::declval<Packet>()))>>
    : std::true_type {};

/// Stores `packet` at `to`, past the caches when `stream` and `to` is aligned to the packet (x86
/// only): a large permutation's destination is not read again soon, and a streamed line is not
/// read from memory before it is overwritten.
template <class Scalar, class Packet>
void store_packet(Scalar* to, const Packet& packet, bool stream) {
  if constexpr (has_stream_packet<Scalar, Packet>::value) {
    if (stream && reinterpret_cast<std::uintptr_t>(to) % sizeof(Packet) == 0) {
      return stream_packet(to, packet);
    }
  }
  (void)stream;
  Eigen::internal::pstoreu(to, packet);
}

/// Orders the streamed stores of this thread before what follows (the x86 streaming stores are
/// weakly ordered).
inline void finish_streaming() {
#if defined(EIGEN_VECTORIZE_SSE2)
  _mm_sfence();
#endif
}

/// The side of a permutation kernel's tile, in coefficients; a buffered tile's rows may be longer.
inline constexpr Eigen::Index permute_tile = 64;

/// A buffered tile's rows are written at least this many bytes long: the memory takes streamed
/// rows of 512 bytes that lie pages apart as fast as one sequential stream, rows of 256 bytes (64
/// floats) 1.8x slower.
inline constexpr Eigen::Index permute_row_bytes = 512;

/// A tile's buffer starts on a page, as in every configuration measured (64 bytes would do for
/// its packets).
inline constexpr std::size_t permute_buffer_align = 4096;

/// Frees a permutation kernel's buffer.
struct buffer_deleter {
  void operator()(void* p) const { ::operator delete(p, std::align_val_t(permute_buffer_align)); }
};

/// Rows this many bytes apart lie in different pages: the hardware neither prefetches nor combines
/// their accesses, so a large permutation does it in software.
inline constexpr Eigen::Index permute_far_rows = 4096;

/// A tile whose rows are read on by a tile at most this many bytes of tiles later is `near` it.
inline constexpr Eigen::Index permute_prefetch_reach = Eigen::Index(1) << 18;

/// How a tile prefetches its source rows: each `ahead` bytes further on (0: not), where a later
/// tile reads it. Where that tile is near, into the second-level cache only: the rows lie a page
/// or more apart and so share the first level's few sets, where a line prefetched a tile ahead is
/// evicted before it is read; else into every level, as a line that comes later may still be
/// found in one of them.
struct row_prefetch {
  Eigen::Index ahead = 0;
  bool near = false;
};

/// Prefetches the cache line at `p` as `prefetch` says.
inline void prefetch_row(const void* p, const row_prefetch& prefetch) {
#if defined(__GNUC__)
  if (prefetch.near) {
    return __builtin_prefetch(p, 0, 2);
  }
#endif
  Eigen::internal::prefetch(static_cast<const char*>(p));
}

/// `to[x + y * to_y] = from[x * from_x + y]` for 0 <= x < nx and 0 <= y < ny (at most one tile),
/// by squares of `Packet` registers where Eigen can transpose them, what they leave by squares of
/// half packets, the last coefficients one by one; `store(at, packet)` writes the registers; each
/// row read is prefetched as `prefetch` says.
template <class Packet, class Scalar, class Store>
EIGEN_EINSUM_FLATTEN void transpose_block(const Scalar* from, Eigen::Index from_x, Scalar* to,
                                          Eigen::Index to_y, Eigen::Index nx, Eigen::Index ny,
                                          const row_prefetch& prefetch, Store store) {
  constexpr int W = Eigen::internal::unpacket_traits<Packet>::size;
  if constexpr (has_packet_transpose<Packet, W>::value) {
    const Eigen::Index x_done = nx - nx % W, y_done = ny - ny % W;
    for (Eigen::Index x = 0; x < x_done; x += W) {
      for (Eigen::Index y = 0; y < y_done; y += W) {
        Eigen::internal::PacketBlock<Packet, W> square;
        for (int r = 0; r < W; ++r) {
          square.packet[r] = Eigen::internal::ploadu<Packet>(from + (x + r) * from_x + y);
        }
        if (prefetch.ahead != 0) {
          for (int r = 0; r < W; ++r) {
            // An address, never dereferenced: it may lie past the source's end.
            prefetch_row(reinterpret_cast<const void*>(
                             reinterpret_cast<std::uintptr_t>(from + (x + r) * from_x + y) +
                             std::uintptr_t(prefetch.ahead)),
                         prefetch);
          }
        }
        Eigen::internal::ptranspose(square);
        for (int r = 0; r < W; ++r) {
          store(to + x + (y + r) * to_y, square.packet[r]);
        }
      }
    }
    // What the squares leave: the columns past x_done, then the rows past y_done.
    using Half = typename Eigen::internal::unpacket_traits<Packet>::half;
    using Next = std::conditional_t<std::is_same_v<Half, Packet>, Scalar, Half>;
    transpose_block<Next>(from + x_done * from_x, from_x, to + x_done, to_y, nx - x_done, ny,
                          prefetch, store);
    transpose_block<Next>(from + y_done, from_x, to + y_done * to_y, to_y, x_done, ny - y_done,
                          prefetch, store);
  } else {
    for (Eigen::Index y = 0; y < ny; ++y) {
      for (Eigen::Index x = 0; x < nx; ++x) {
        to[x + y * to_y] = from[x * from_x + y];
      }
    }
  }
}

/// transpose_block for source rows a page or more apart, prefetched for a near tile: by squares of
/// the widest packet of at most 32 bytes whose loads stay within a cache line, that is whose size
/// divides `address_bits`, the source's address and row strides in bytes, or'ed. Fewer rows a
/// square then share the first-level cache's sets, and no load straddles two lines: `abcd->dcba` on
/// 64^4 floats ran 2-21% faster than with 64-byte squares prefetched into every level, 12% in the
/// median run (AMD Zen 5, bench/README.md).
template <class Packet, class Scalar, class Store>
void transpose_far_rows(const Scalar* from, Eigen::Index from_x, Scalar* to, Eigen::Index to_y,
                        Eigen::Index nx, Eigen::Index ny, const row_prefetch& prefetch,
                        std::uintptr_t address_bits, Store store) {
  using Half = typename Eigen::internal::unpacket_traits<Packet>::half;
  if constexpr (!std::is_same_v<Half, Packet> &&
                has_packet_transpose<Half, Eigen::internal::unpacket_traits<Half>::size>::value) {
    if (sizeof(Packet) > 32 || address_bits % sizeof(Packet) != 0) {
      return transpose_far_rows<Half>(from, from_x, to, to_y, nx, ny, prefetch, address_bits,
                                      store);
    }
  }
  (void)address_bits;
  transpose_block<Packet>(from, from_x, to, to_y, nx, ny, prefetch, store);
}

/// Whether `Scalar`'s packets have a streaming store.
template <class Scalar>
inline constexpr bool streams_packets =
    has_stream_packet<Scalar, typename Eigen::internal::packet_traits<Scalar>::type>::value;

/// An outer axis a buffered tile also spans, `count` steps of `from` in the source, where the
/// destination's contiguous axis is too short for rows of permute_row_bytes: the axis next to it
/// in the destination, which continues its rows.
struct tile_span {
  Eigen::Index count = 1, from = 0;
};

/// `dst[x + y * dst_y] = src[x * src_x + y]` for x0 <= x < x1 and y0 <= y < y1: one tile of a 2-D
/// transpose, stored with streaming stores when `stream`. Given a `buffer` for its rows (streamed
/// into rows that lie apart), the tile and the steps of `span` are transposed into it first and
/// each row then written whole: a row's cache lines leave together, which the memory takes faster
/// than lines scattered over the tile's rows.
template <class Scalar>
void transpose_tile(const Scalar* src, Eigen::Index src_x, Scalar* dst, Eigen::Index dst_y,
                    Eigen::Index x0, Eigen::Index x1, Eigen::Index y0, Eigen::Index y1, bool stream,
                    Scalar* buffer, const tile_span& span, const row_prefetch& prefetch) {
  using Index = Eigen::Index;
  using Packet = typename Eigen::internal::packet_traits<Scalar>::type;
  constexpr int W = Eigen::internal::packet_traits<Scalar>::size;
  const Index nx = x1 - x0, ny = y1 - y0;
  const Scalar* from = src + x0 * src_x + y0;
  Scalar* to = dst + x0 + y0 * dst_y;
  if constexpr (streams_packets<Scalar>) {
    if (buffer != nullptr) {
      // Row y of the buffer holds the destination's coefficients (i, x) of span step i.
      const Index length = span.count * nx;
      const auto into_buffer = [](Scalar* at, const auto& packet) {
        Eigen::internal::pstoreu(at, packet);
      };
      const std::uintptr_t address_bits = reinterpret_cast<std::uintptr_t>(from) |
                                          std::uintptr_t(src_x * Index(sizeof(Scalar))) |
                                          std::uintptr_t(span.from * Index(sizeof(Scalar)));
      for (Index i = 0; i < span.count; ++i) {
        if (prefetch.near) {
          transpose_far_rows<Packet>(from + i * span.from, src_x, buffer + i * nx, length, nx, ny,
                                     prefetch, address_bits, into_buffer);
        } else {
          transpose_block<Packet>(from + i * span.from, src_x, buffer + i * nx, length, nx, ny,
                                  prefetch, into_buffer);
        }
      }
      for (Index y = 0; y < ny; ++y) {
        const Scalar* line = buffer + y * length;
        Scalar* row = to + y * dst_y;
        // Coefficients up to the first address a packet can be streamed to, whole packets, the
        // rest (no call to copy nothing).
        const std::size_t past = reinterpret_cast<std::uintptr_t>(row) % sizeof(Packet);
        const Index head =
            past == 0 ? 0 : std::min(length, Index((sizeof(Packet) - past) / sizeof(Scalar)));
        const Index body = head + (length - head) / W * W;
        if (head != 0) {
          std::copy_n(line, head, row);
        }
        for (Index x = head; x < body; x += W) {
          store_packet(row + x, Eigen::internal::ploadu<Packet>(line + x), true);
        }
        if (body != length) {
          std::copy(line + body, line + length, row + body);
        }
      }
      return;
    }
  }
  (void)span;
  transpose_block<Packet>(
      from, src_x, to, dst_y, nx, ny, prefetch,
      [stream](Scalar* at, const auto& packet) { store_packet(at, packet, stream); });
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/// Writes the permutation `p` of `src` to `dst`, which must not overlap it: runs of the
/// destination's contiguous axis copied whole when the source's is the same, else 2-D transposes
/// of the two contiguous axes in 64 x 64 tiles. On a device with threads (Eigen's
/// ThreadPoolDevice) the runs and tiles are shared out.
///
///   permute_memory(plan_permute<3>(dims, shuffle, false), a.data(), b.data(), device);
template <int N, class Scalar, class Device>
void permute_memory(const permute_loops<N>& p, const Scalar* src, Scalar* dst,
                    const Device& device) {
  using Index = Eigen::Index;
  if (p.size == 0) {
    return;
  }
  if (p.rank == 0) {
    *dst = *src;
    return;
  }
  constexpr Index bytes = Index(sizeof(Scalar));
  const permute_axis& x = p.axes[0];
  const permute_axis& y = p.axes[std::size_t(p.inner)];
  const bool rows = p.inner == 0;
  // Past a few MB the destination outgrows the caches: stream it (as memcpy does), and, where a
  // tile's rows lie apart, transpose it through a buffer and prefetch its source rows.
  const bool stream = p.size * bytes >= (Index(1) << 23);
  const bool buffered =
      streams_packets<Scalar> && stream && !rows && y.to * bytes >= permute_far_rows;
  // A unit of work: one run of `run` coefficients, or a tile of the transpose, `x_side` x
  // `permute_tile` (with the steps of its span); the other axes enumerate the rest.
  static constexpr Index run = Index(1) << 14;
  const Index x_side = buffered ? std::max(permute_tile, permute_row_bytes / bytes) : permute_tile;
  static constexpr Index y_side = permute_tile;
  // The outer axis that continues a buffered tile's rows, where x is at most half a row.
  int x_next = -1;
  Index x_block = 1;
  for (int k = 0; k < p.num_outer && buffered && 2 * x.extent <= x_side; ++k) {
    const permute_axis& axis = p.axes[std::size_t(p.outer[std::size_t(k)])];
    if (axis.to == x.extent) {
      x_next = k;
      x_block = std::min(axis.extent, x_side / x.extent);
    }
  }
  const Index x_tiles = rows ? 1 : (x.extent + x_side - 1) / x_side;
  const Index pieces =
      rows ? (x.extent + run - 1) / run : x_tiles * ((y.extent + y_side - 1) / y_side);
  // Outer loop k runs in blocks of this many steps.
  auto block_of = [x_next, x_block](int k) { return k == x_next ? x_block : Index(1); };
  // A tile's source rows are read on by the tile x_tiles units later: the next y tile, or past
  // the last one the next step of the source's fastest outer axis where that continues the rows.
  const bool read_on =
      y.extent > y_side ||
      (p.num_outer > 0 && p.axes[std::size_t(p.outer[0])].from == y.extent && block_of(0) == 1);
  row_prefetch prefetch;
  if (stream && !rows && x.from * bytes >= permute_far_rows) {
    prefetch = {y_side * bytes,
                read_on && x_tiles * x_side * y_side * bytes <= permute_prefetch_reach};
  }
  Index outer = 1;
  for (int k = 0; k < p.num_outer; ++k) {
    outer *= (p.axes[std::size_t(p.outer[std::size_t(k)])].extent + block_of(k) - 1) / block_of(k);
  }
  // By reference: parallelFor returns when the work is done, and for scalars without streaming
  // stores some of these are constants that clang warns against capturing.
  auto work = [&](Index first, Index last) {
    // On the heap, once per share of the work: the same buffer on the stack made `abcd->dcba`
    // 15-20% slower (measured with GCC 12 on AVX-512; the cause was not found).
    const std::unique_ptr<Scalar, buffer_deleter> buffer(
        buffered ? static_cast<Scalar*>(::operator new(std::size_t(x_side * y_side * bytes),
                                                       std::align_val_t(permute_buffer_align)))
                 : nullptr);
    for (Index u = first; u < last; ++u) {
      Index rest = u / pieces, from = 0, to = 0;
      const Index piece = u % pieces;
      tile_span span;
      for (int k = 0; k < p.num_outer; ++k) {
        const permute_axis& axis = p.axes[std::size_t(p.outer[std::size_t(k)])];
        const Index block = block_of(k);
        const Index count = (axis.extent + block - 1) / block, i = rest % count;
        rest /= count;
        from += i * block * axis.from;
        to += i * block * axis.to;
        if (k == x_next) {
          span = {std::min(block, axis.extent - i * block), axis.from};
        }
      }
      if (rows) {
        const Index begin = piece * run, n = std::min(run, x.extent - begin);
        std::copy_n(src + from + begin, n, dst + to + begin);
      } else {
        const Index x0 = piece % x_tiles * x_side, y0 = piece / x_tiles * y_side;
        transpose_tile(src + from, x.from, dst + to, y.to, x0, std::min(x.extent, x0 + x_side), y0,
                       std::min(y.extent, y0 + y_side), stream, buffer.get(), span, prefetch);
      }
    }
    if (stream) {
      finish_streaming();
    }
  };
  const Index units = outer * pieces;
  if constexpr (has_parallel_for<Device>::value) {
    const double unit_bytes = double(p.size) / double(units) * double(bytes);
    device.parallelFor(units, Eigen::TensorOpCost(unit_bytes, unit_bytes, 0), work);
  } else {
    (void)device;
    work(0, units);
  }
}

/// Whether permute_memory runs on `Device`: the host's devices (a GPU's memory is not ours).
template <class Device>
inline constexpr bool permutes_on_host =
    std::is_same_v<Device, Eigen::DefaultDevice> || has_parallel_for<Device>::value;

/// Eigen's `xpr.shuffle(shuffle)`, written whole into memory by permute_memory.
template <class Shuffle, class XprType>
class TensorPermuteOp;

} // namespace eigen_einsum::detail

namespace Eigen::internal {

template <class Shuffle, class XprType>
struct traits<eigen_einsum::detail::TensorPermuteOp<Shuffle, XprType>>
    : eigen_einsum::detail::op_traits<XprType, traits<XprType>::NumDimensions> {};

} // namespace Eigen::internal

namespace eigen_einsum::detail {

template <class Shuffle, class XprType>
class TensorPermuteOp : public op_base<TensorPermuteOp<Shuffle, XprType>> {
public:
  using Shuffled = Eigen::TensorShufflingOp<const Shuffle, const XprType>;

  TensorPermuteOp(const XprType& xpr, const Shuffle& shuffle) : m_shuffled(xpr, shuffle) {}

  /// The same permutation as Eigen's expression, which our evaluator extends.
  const Shuffled& shuffled() const { return m_shuffled; }
  const XprType& expression() const { return m_shuffled.expression(); }
  const Shuffle& shufflePermutation() const { return m_shuffled.shufflePermutation(); }

private:
  Shuffled m_shuffled;
};

/// `permute(x, shuffle)`: `x.shuffle(shuffle)` that a blocked kernel writes into memory.
///
///   Eigen::Tensor<float, 3> t = permute(a, std::array<int, 3>{2, 1, 0});
template <class XprType, class Shuffle>
TensorPermuteOp<Shuffle, XprType> permute(const XprType& xpr, const Shuffle& shuffle) {
  return TensorPermuteOp<Shuffle, XprType>(xpr, shuffle);
}

} // namespace eigen_einsum::detail

namespace Eigen {

template <class Shuffle, class XprType, class Device>
struct TensorEvaluator<const eigen_einsum::detail::TensorPermuteOp<Shuffle, XprType>, Device>
    : TensorEvaluator<
          const typename eigen_einsum::detail::TensorPermuteOp<Shuffle, XprType>::Shuffled,
          Device> {
  using Op = eigen_einsum::detail::TensorPermuteOp<Shuffle, XprType>;
  using Base = TensorEvaluator<const typename Op::Shuffled, Device>;
  using typename Base::EvaluatorPointerType;

  TensorEvaluator(const Op& op, const Device& device) : Base(op.shuffled(), device) {}

  /// Into a destination, from an operand in memory, on the host: the kernel; else Eigen's shuffle.
  bool evalSubExprsIfNeeded(EvaluatorPointerType data) {
    this->m_impl.evalSubExprsIfNeeded(nullptr);
    if constexpr (eigen_einsum::detail::permutes_on_host<Device> &&
                  TensorEvaluator<const XprType, Device>::RawAccess) {
      if (data != nullptr && this->m_impl.data() != nullptr) {
        eigen_einsum::detail::permute_memory(
            eigen_einsum::detail::plan_permute<Base::NumDims>(
                this->m_impl.dimensions(), this->m_shuffle, int(Base::Layout) == int(RowMajor)),
            this->m_impl.data(), data, this->m_device);
        return false;
      }
    }
    return true;
  }
};

} // namespace Eigen

#endif // EIGEN_EINSUM_OPS_PERMUTE_HPP
