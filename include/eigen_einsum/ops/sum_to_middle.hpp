// eigen-einsum ops: the sum of a rank-3 expression over its first and last axes, leaving its
// middle axis, as an Eigen expression. Eigen's reduction over an outer axis strides through
// memory (an order of magnitude slower than numpy), and a matrix-vector product with ones
// instantiates the whole contraction machinery. Over inner axes Eigen's reduction is vectorised,
// but where a packet is a whole cache line (AVX-512) it streams 64 MB 1.3x slower than ours.
#ifndef EIGEN_EINSUM_OPS_SUM_TO_MIDDLE_HPP
#define EIGEN_EINSUM_OPS_SUM_TO_MIDDLE_HPP

#include "device.hpp"
#include "tensor.hpp"

#include <algorithm>
#include <type_traits>
#include <vector>

namespace eigen_einsum::detail {

/// Sums a rank-3 expression, in memory order (inner, kept, outer), over its inner and outer axes,
/// leaving a rank-1 expression over the kept axis: one pass over the input in memory order, a
/// packet at a time. Each contiguous run of inner values is summed as a tree of leaves, as
/// Eigen's reduction does, so that rounding grows with the tree's depth, not the run's length;
/// the same tree on every device. The result materialises (into the destination when it is the
/// whole right-hand side).
template <class XprType>
class TensorSumToMiddleOp;

} // namespace eigen_einsum::detail

namespace Eigen::internal {

template <class XprType>
struct traits<eigen_einsum::detail::TensorSumToMiddleOp<XprType>>
    : eigen_einsum::detail::op_traits<XprType, 1> {};

} // namespace Eigen::internal

namespace eigen_einsum::detail {

template <class XprType>
class TensorSumToMiddleOp : public op_base<TensorSumToMiddleOp<XprType>> {
public:
  using typename op_base<TensorSumToMiddleOp>::Scalar;
  using typename op_base<TensorSumToMiddleOp>::Index;

  explicit TensorSumToMiddleOp(const XprType& expr) : m_xpr(expr) {}

  const std::remove_cv_t<std::remove_reference_t<typename XprType::Nested>>& expression() const {
    return m_xpr;
  }

private:
  typename XprType::Nested m_xpr;
};

/// `sum_to_middle(t)`: for a ColMajor (i, j, k) tensor, the sum over i and k; for RowMajor
/// (k, j, i), the same.
template <class Xpr>
TensorSumToMiddleOp<const Xpr>
sum_to_middle(const Eigen::TensorBase<Xpr, Eigen::ReadOnlyAccessors>& t) {
  static_assert(Eigen::internal::traits<Xpr>::NumDimensions == 3,
                "einsum: sum_to_middle takes a rank-3 expression");
  return TensorSumToMiddleOp<const Xpr>(static_cast<const Xpr&>(t));
}

} // namespace eigen_einsum::detail

// Eigen's packet types are vector types whose attributes GCC drops in a template argument, as in
// Eigen's own kernels (Eigen silences the warning inside its headers; we do the same here).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"
#endif

namespace eigen_einsum::detail {

using Eigen::Index;

/// Reads sum_to_middle's input where it lies in memory: the kernel is then compiled once per
/// scalar type in a translation unit, not once per input expression type.
template <class Scalar>
struct memory_reader {
  static constexpr bool in_memory = true;
  const Scalar* data;
  Scalar coeff(Index index) const { return data[index]; }
  template <class Packet>
  Packet packet(Index index) const {
    return Eigen::internal::ploadu<Packet>(data + index);
  }
};

/// Reads sum_to_middle's input through its evaluator, where it is an expression not in memory.
template <class Evaluator>
struct evaluator_reader {
  static constexpr bool in_memory = false;
  const Evaluator* impl;
  auto coeff(Index index) const { return impl->coeff(index); }
  template <class Packet>
  Packet packet(Index index) const {
    return impl->template packet<Eigen::Unaligned>(index);
  }
};

/// The sums of a rank-3 input, in memory order (inner, kept, outer), over its inner and outer
/// axes, read through `Reader`, `Packet` at a time where `Vectorized`.
template <class Scalar, class Packet, bool Vectorized, class Reader>
class middle_sums {
public:
  /// Runs of inner values longer than this many are summed as a tree of leaves this long.
  static constexpr Index leaf = 16384;

  middle_sums(const Reader& read, Index inner, Index kept, Index summed)
      : m_read(read), m_inner(inner), m_kept(kept), m_summed(summed) {}

  /// out[first, last) = the sums for kept indices [first, last). Out of line: the reductions of
  /// a translation unit share the code of each Reader.
  EIGEN_DONT_INLINE void sum(Scalar* out, Index first, Index last) const {
    if (m_inner == 0) {
      // An empty input: the sums are 0, and there is nothing to read.
      std::fill(out + first, out + last, Scalar(0));
    } else if (m_inner > 1) {
      sum_blocks(out, first, last);
    } else {
      sum_rows(out, first, last);
    }
  }

  /// How many leaves a run of m_inner values is summed in.
  Index leaves_per_run() const { return (m_inner + leaf - 1) / leaf; }

  /// The sum of leaf k of the run that starts at `base`.
  Scalar sum_leaf_of_run(Index base, Index k) const {
    return sum_leaf(base + k * leaf, std::min(leaf, m_inner - k * leaf));
  }

  /// The sum of leaves [first, last) of a run, halved recursively (the first half the larger).
  /// Out of line: GCC inlines the recursion levels deep, a copy of the leaf loop at each.
  template <class Leaf>
  EIGEN_DONT_INLINE static Scalar tree(Index first, Index last, const Leaf& leaf_sum) {
    if (last - first == 1) {
      return leaf_sum(first);
    }
    const Index middle = first + (last - first + 1) / 2;
    return tree(first, middle, leaf_sum) + tree(middle, last, leaf_sum);
  }

private:
  static constexpr Index packet_size = Eigen::internal::unpacket_traits<Packet>::size;
  using Half = typename Eigen::internal::unpacket_traits<Packet>::half;
  /// Whether to read the input in half packets: where a packet is a whole 64-byte cache line
  /// (AVX-512), a loop streaming 64 MB with one load per line took 1.5x as long as with two on
  /// this machine's AMD EPYC (family 26h, Zen 5); software prefetching recovered only part of it.
  static constexpr bool half_reads =
      Reader::in_memory && sizeof(Packet) >= 64 &&
      Eigen::internal::unpacket_traits<Half>::vectorizable &&
      2 * Eigen::internal::unpacket_traits<Half>::size == packet_size;
  using LeafPacket = std::conditional_t<half_reads, Half, Packet>;

  /// With inner axes: each kept index adds a contiguous run of m_inner values per outer index,
  /// visited in memory order.
  void sum_blocks(Scalar* out, Index first, Index last) const {
    for (Index j = first; j < last; ++j) {
      out[j] = Scalar(0);
    }
    const Index leaves = leaves_per_run();
    for (Index r = 0; r < m_summed; ++r) {
      for (Index j = first; j < last; ++j) {
        const Index base = (r * m_kept + j) * m_inner;
        out[j] += leaves == 1
                      ? sum_leaf(base, m_inner)
                      : tree(0, leaves, [this, base](Index k) { return sum_leaf_of_run(base, k); });
      }
    }
  }

  /// The sum of the n values from `base`: four packets at a time, half packets where a packet is
  /// a whole cache line and the input lies in memory.
  Scalar sum_leaf(Index base, Index n) const {
    Scalar total(0);
    Index i = 0;
    if constexpr (Vectorized) {
      total = sum_packets<LeafPacket>(
          n, i, [this, base](Index k) { return m_read.template packet<LeafPacket>(base + k); });
    }
    for (; i < n; ++i) {
      total += m_read.coeff(base + i);
    }
    return total;
  }

  /// The sum of the whole packets of `P` among the first n values `load` reads, with four
  /// accumulators; `i` is left after the last value read.
  template <class P, class Load>
  static Scalar sum_packets(Index n, Index& i, const Load& load) {
    using Eigen::internal::padd;
    constexpr Index size = Eigen::internal::unpacket_traits<P>::size;
    if (n < size) {
      return Scalar(0);
    }
    P a = load(0);
    i = size;
    if (n >= 4 * size) {
      P b = load(size), c = load(2 * size), d = load(3 * size);
      for (i = 4 * size; i + 4 * size <= n; i += 4 * size) {
        a = padd(a, load(i));
        b = padd(b, load(i + size));
        c = padd(c, load(i + 2 * size));
        d = padd(d, load(i + 3 * size));
      }
      a = padd(padd(a, b), padd(c, d));
    }
    for (; i + size <= n; i += size) {
      a = padd(a, load(i));
    }
    return Eigen::internal::predux(a);
  }

  /// Without inner axes: out[first, last) is the sum of the input's rows, sliced to the range.
  void sum_rows(Scalar* out, Index first, Index last) const {
    using Eigen::internal::padd;
    using Eigen::internal::ploadu;
    using Eigen::internal::pstoreu;
    const Index vectorized_end =
        Vectorized ? first + (last - first) / packet_size * packet_size : first;
    for (Index k = first; k < last; ++k) {
      out[k] = Scalar(0);
    }
    // Eight rows per pass: the result slice is loaded and stored an eighth as often.
    Index r = 0;
    for (; r + 8 <= m_summed; r += 8) {
      const Index row = r * m_kept;
      if constexpr (Vectorized) {
        for (Index k = first; k < vectorized_end; k += packet_size) {
          auto at = [&](Index q) { return m_read.template packet<Packet>(row + q * m_kept + k); };
          const Packet rows = padd(padd(padd(at(0), at(1)), padd(at(2), at(3))),
                                   padd(padd(at(4), at(5)), padd(at(6), at(7))));
          pstoreu(out + k, padd(ploadu<Packet>(out + k), rows));
        }
      }
      for (Index k = vectorized_end; k < last; ++k) {
        Scalar rows(0);
        for (Index q = 0; q < 8; ++q) {
          rows += m_read.coeff(row + q * m_kept + k);
        }
        out[k] += rows;
      }
    }
    for (; r < m_summed; ++r) {
      const Index row = r * m_kept;
      if constexpr (Vectorized) {
        for (Index k = first; k < vectorized_end; k += packet_size) {
          pstoreu(out + k, padd(ploadu<Packet>(out + k), m_read.template packet<Packet>(row + k)));
        }
      }
      for (Index k = vectorized_end; k < last; ++k) {
        out[k] += m_read.coeff(row + k);
      }
    }
  }

  Reader m_read;
  Index m_inner;
  Index m_kept;
  Index m_summed;
};

} // namespace eigen_einsum::detail

namespace Eigen {

template <class ArgType, class Device>
struct TensorEvaluator<const eigen_einsum::detail::TensorSumToMiddleOp<ArgType>, Device>
    : eigen_einsum::detail::buffer_evaluator_of<eigen_einsum::detail::TensorSumToMiddleOp<ArgType>,
                                                Device> {
  using XprType = eigen_einsum::detail::TensorSumToMiddleOp<ArgType>;
  using Scalar = typename XprType::Scalar;
  using Base = eigen_einsum::detail::buffer_evaluator_of<XprType, Device>;
  using Base::Layout;
  using Base::PacketAccess;
  using typename Base::Dimensions;
  using typename Base::EvaluatorPointerType;
  using typename Base::Index;
  using typename Base::PacketReturnType;
  using Input = TensorEvaluator<ArgType, Device>;
  // An input in memory is read through pointers, by the kernel its scalar type shares.
  using Reader = std::conditional_t<Input::RawAccess, eigen_einsum::detail::memory_reader<Scalar>,
                                    eigen_einsum::detail::evaluator_reader<Input>>;
  using Sums = eigen_einsum::detail::middle_sums<
      Scalar, PacketReturnType, PacketAccess && (Input::RawAccess || Input::PacketAccess), Reader>;

  TensorEvaluator(const XprType& op, const Device& device)
      : Base(device), m_impl(op.expression(), device) {
    m_dimensions[0] = m_impl.dimensions()[1];
  }

  const Dimensions& dimensions() const { return m_dimensions; }

  bool evalSubExprsIfNeeded(EvaluatorPointerType data) {
    m_impl.evalSubExprsIfNeeded(nullptr);
    const bool col_major = static_cast<int>(Layout) == static_cast<int>(ColMajor);
    const Index inner = m_impl.dimensions()[col_major ? 0 : 2];
    const Index kept = m_impl.dimensions()[1];
    const Index summed = m_impl.dimensions()[col_major ? 2 : 0];
    const Sums sums(reader(), inner, kept, summed);
    Scalar* out = this->output(data, kept);
    if constexpr (eigen_einsum::detail::has_parallel_for<Device>::value) {
      if (kept == 1 && summed == 1 && inner > Sums::leaf) {
        // One run, a whole sum: its leaves in parallel, then the tree over them.
        const Index leaves = sums.leaves_per_run();
        std::vector<Scalar> partial(static_cast<std::size_t>(leaves));
        const TensorOpCost cost(double(Sums::leaf) * sizeof(Scalar), sizeof(Scalar),
                                double(Sums::leaf) * TensorOpCost::AddCost<Scalar>());
        this->m_device.parallelFor(leaves, cost, [&sums, &partial](Index first, Index last) {
          for (Index k = first; k < last; ++k) {
            partial[std::size_t(k)] = sums.sum_leaf_of_run(0, k);
          }
        });
        out[0] = Scalar(0);
        out[0] += Sums::tree(0, leaves, [&partial](Index k) { return partial[std::size_t(k)]; });
        return data == nullptr;
      }
      // Each task owns a slice of the result and reads its columns of every row.
      const double reads = double(summed) * double(inner);
      const TensorOpCost cost(reads * sizeof(Scalar), sizeof(Scalar),
                              reads * TensorOpCost::AddCost<Scalar>());
      this->m_device.parallelFor(
          kept, cost, [&sums, out](Index first, Index last) { sums.sum(out, first, last); });
    } else {
      sums.sum(out, 0, kept);
    }
    return data == nullptr;
  }

  void cleanup() {
    m_impl.cleanup();
    Base::cleanup();
  }

private:
  Reader reader() const {
    if constexpr (Input::RawAccess) {
      return Reader{m_impl.data()}; // null only when empty: then nothing is read
    } else {
      return Reader{&m_impl};
    }
  }

  Input m_impl;
  Dimensions m_dimensions;
};

} // namespace Eigen

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#endif // EIGEN_EINSUM_OPS_SUM_TO_MIDDLE_HPP
