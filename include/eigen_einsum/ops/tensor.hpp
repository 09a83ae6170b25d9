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

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_OPS_TENSOR_HPP
