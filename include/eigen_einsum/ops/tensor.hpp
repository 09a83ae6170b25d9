// eigen-einsum ops: Eigen's Tensor module, and what each of our Eigen ops shares: the traits of an
// op over one expression, and the evaluator base of an op that materialises into a buffer.
#ifndef EIGEN_EINSUM_OPS_TENSOR_HPP
#define EIGEN_EINSUM_OPS_TENSOR_HPP

#include "../config.hpp"
#include "scratch.hpp"

#include EIGEN_EINSUM_TENSOR_HEADER

#include <cstddef>
#include <type_traits>

namespace eigen_einsum::detail {

/// Eigen's traits of an op of rank `Rank` whose scalar, storage, index and layout are those of
/// `XprType`: what each of our ops' `Eigen::internal::traits` specialisation derives from.
template <class XprType, int Rank>
struct op_traits {
  using XprTraits = Eigen::internal::traits<std::remove_const_t<XprType>>;
  using Scalar = std::remove_const_t<typename XprTraits::Scalar>;
  using StorageKind = typename XprTraits::StorageKind;
  using Index = typename XprTraits::Index;
  using PointerType = typename XprTraits::PointerType;
  static const int NumDimensions = Rank;
  static const int Layout = XprTraits::Layout;
  enum { Flags = 0 };
};

/// The base of each of our op classes: Eigen's TensorBase and the typedefs Eigen reads off an op.
/// Our ops nest by value (`Nested` is the op itself), as Eigen's own ops do.
template <class Derived>
class op_base : public Eigen::TensorBase<Derived, Eigen::ReadOnlyAccessors> {
public:
  using Scalar = typename Eigen::internal::traits<Derived>::Scalar;
  using RealScalar = typename Eigen::NumTraits<Scalar>::Real;
  using CoeffReturnType = Scalar;
  using Nested = Derived;
  using StorageKind = typename Eigen::internal::traits<Derived>::StorageKind;
  using Index = typename Eigen::internal::traits<Derived>::Index;
};

/// The evaluator base of an op of rank `Rank` that evaluates into the destination when it is the
/// whole right-hand side, else into a buffer of its own that it then reads back (raw access).
template <class Scalar, class Device, int Rank, int DataLayout>
class buffer_evaluator {
public:
  using Index = Eigen::Index;
  using CoeffReturnType = Scalar;
  using PacketReturnType = typename Eigen::PacketType<Scalar, Device>::type;
  static const int PacketSize = Eigen::PacketType<Scalar, Device>::size;
  using EvaluatorPointerType = typename Eigen::StorageMemory<Scalar, Device>::Type;
  static const int NumDims = Rank;
  using Dimensions = Eigen::DSizes<Index, Rank>;
  using TensorBlock = Eigen::internal::TensorBlockNotImplemented;
  enum {
    IsAligned = false,
    PacketAccess = (PacketSize > 1),
    BlockAccess = false,
    PreferBlockAccess = false,
    Layout = DataLayout,
    CoordAccess = false,
    RawAccess = true
  };

  explicit buffer_evaluator(const Device& device) : m_device(device) {}

  CoeffReturnType coeff(Index index) const { return m_buffer[index]; }

  template <int LoadMode>
  PacketReturnType packet(Index index) const {
    return Eigen::internal::ploadt<PacketReturnType, LoadMode>(m_buffer + index);
  }

  Eigen::TensorOpCost costPerCoeff(bool vectorized) const {
    return Eigen::TensorOpCost(sizeof(Scalar), 0, 0, vectorized, PacketSize);
  }

  EvaluatorPointerType data() const { return m_buffer; }

  void cleanup() {
    if (m_buffer != nullptr) {
      deallocate_scratch(m_device, m_buffer, m_bytes);
      m_buffer = nullptr;
    }
  }

protected:
  /// Where to write `size` coefficients: `data` (the destination) or, when null, our buffer.
  Scalar* output(EvaluatorPointerType data, Index size) {
    if (data != nullptr) {
      return data;
    }
    m_bytes = std::size_t(size) * sizeof(Scalar);
    m_buffer = static_cast<Scalar*>(allocate_scratch(m_device, m_bytes));
    return m_buffer;
  }

  const Device& m_device;
  Scalar* m_buffer = nullptr;
  std::size_t m_bytes = 0;
};

/// The buffer_evaluator base of the evaluator of our op `Op` on `Device`.
template <class Op, class Device>
using buffer_evaluator_of =
    buffer_evaluator<typename Op::Scalar, Device, Eigen::internal::traits<Op>::NumDimensions,
                     Eigen::internal::traits<Op>::Layout>;

/// The evaluator base of an op that reads its one operand coefficient by coefficient at an index
/// found from the output coordinates (the diagonal view, the diagonal embedding). `Derived`
/// gives `coeff_at(at)`, the coefficient at output coordinates `at`, and calls
/// `set_dimensions` from its constructor.
template <class Derived, class ArgType, class Device, int Rank>
class coordinate_evaluator {
public:
  using Index = Eigen::Index;
  using Dimensions = Eigen::DSizes<Index, Rank>;
  using Scalar = std::remove_const_t<typename Eigen::internal::traits<ArgType>::Scalar>;
  using CoeffReturnType = Scalar;
  using PacketReturnType = typename Eigen::PacketType<CoeffReturnType, Device>::type;
  static const int PacketSize = Eigen::PacketType<CoeffReturnType, Device>::size;
  using EvaluatorPointerType = typename Eigen::StorageMemory<CoeffReturnType, Device>::Type;
  using TensorBlock = Eigen::internal::TensorBlockNotImplemented;
  static const int NumDims = Rank;
  enum {
    IsAligned = false,
    PacketAccess = Eigen::TensorEvaluator<ArgType, Device>::PacketAccess,
    BlockAccess = false,
    PreferBlockAccess = false,
    Layout = Eigen::TensorEvaluator<ArgType, Device>::Layout,
    CoordAccess = false,
    RawAccess = false
  };

  coordinate_evaluator(const ArgType& arg, const Device& device) : m_impl(arg, device) {}

  const Dimensions& dimensions() const { return m_dimensions; }

  bool evalSubExprsIfNeeded(EvaluatorPointerType) {
    m_impl.evalSubExprsIfNeeded(nullptr);
    return true;
  }
  void cleanup() { m_impl.cleanup(); }

  CoeffReturnType coeff(Index index) const {
    Index at[Rank > 0 ? Rank : 1] = {};
    // Outermost axis in memory first: a division by its stride each.
    const bool col_major = static_cast<int>(Layout) == static_cast<int>(Eigen::ColMajor);
    for (int k = Rank - 1; k > 0; --k) {
      const int o = col_major ? k : Rank - 1 - k;
      at[o] = index / m_fast_strides[o];
      index -= at[o] * m_strides[o];
    }
    if constexpr (Rank > 0) {
      at[col_major ? 0 : Rank - 1] = index;
    }
    return static_cast<const Derived&>(*this).coeff_at(at);
  }

  template <int LoadMode>
  PacketReturnType packet(Index index) const {
    EIGEN_ALIGN_MAX std::remove_const_t<CoeffReturnType> values[PacketSize];
    for (int k = 0; k < PacketSize; ++k) {
      values[k] = coeff(index + k);
    }
    return Eigen::internal::pload<PacketReturnType>(values);
  }

  Eigen::TensorOpCost costPerCoeff(bool vectorized) const {
    // Per output axis: one division, a compare and a multiply-add to find the input coefficient.
    using cost = Eigen::TensorOpCost;
    const double index_cost =
        Rank * (cost::DivCost<Index>() + 2 * cost::MulCost<Index>() + 2 * cost::AddCost<Index>());
    return m_impl.costPerCoeff(vectorized) + cost(0, 0, index_cost, false, PacketSize);
  }

  EvaluatorPointerType data() const { return nullptr; }

protected:
  void set_dimensions(const Dimensions& dimensions) {
    m_dimensions = dimensions;
    const bool col_major = static_cast<int>(Layout) == static_cast<int>(Eigen::ColMajor);
    Index stride = 1;
    for (int k = 0; k < Rank; ++k) {
      const int o = col_major ? k : Rank - 1 - k;
      m_strides[o] = stride;
      m_fast_strides[o] = Eigen::internal::TensorIntDivisor<Index>(stride > 0 ? stride : 1);
      stride *= m_dimensions[o];
    }
  }

  /// The strides in memory of a tensor of extents `dims`, in the op's layout.
  template <class Dims>
  static auto strides_of(const Dims& dims) {
    constexpr int InputRank = Eigen::internal::array_size<Dims>::value;
    Eigen::array<Index, InputRank> strides{};
    const bool col_major = static_cast<int>(Layout) == static_cast<int>(Eigen::ColMajor);
    Index stride = 1;
    for (int k = 0; k < InputRank; ++k) {
      const int i = col_major ? k : InputRank - 1 - k;
      strides[i] = stride;
      stride *= dims[i];
    }
    return strides;
  }

  Eigen::TensorEvaluator<ArgType, Device> m_impl;
  Dimensions m_dimensions;
  Eigen::array<Index, Rank> m_strides;
  Eigen::array<Eigen::internal::TensorIntDivisor<Index>, Rank> m_fast_strides;
};

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_OPS_TENSOR_HPP
