// eigen-einsum: one of several expressions of the same shape, chosen at run time, as an Eigen
// expression. einsum uses it to pick among contraction orders fixed at compile time once the
// extents are known.
#ifndef EIGEN_EINSUM_PATH_CHOICE_HPP
#define EIGEN_EINSUM_PATH_CHOICE_HPP

#include "config.hpp"

#include <tuple>
#include <utility>

namespace eigen_einsum {

/// Evaluates `std::get<choice>(xprs)`: all alternatives have one scalar type, rank and layout.
/// Choice -1 is zeros, evaluating none of them (einsum's answer when some extent is 0).
/// The result materialises, straight into the destination when it is the whole right-hand side.
template <class... Xprs>
class TensorPathChoiceOp;

} // namespace eigen_einsum

namespace Eigen::internal {

template <class First, class... Rest>
struct traits<eigen_einsum::TensorPathChoiceOp<First, Rest...>> : public traits<First> {
  using Scalar = typename First::Scalar;
  using XprTraits = traits<First>;
  using StorageKind = typename XprTraits::StorageKind;
  using Index = typename XprTraits::Index;
  using Nested = eigen_einsum::TensorPathChoiceOp<First, Rest...>;
  using _Nested = Nested;
  static const int NumDimensions = XprTraits::NumDimensions;
  static const int Layout = XprTraits::Layout;
  using PointerType = typename XprTraits::PointerType;
};

template <class... Xprs>
struct eval<eigen_einsum::TensorPathChoiceOp<Xprs...>, Eigen::Dense> {
  using type = const eigen_einsum::TensorPathChoiceOp<Xprs...>&;
};

template <class... Xprs>
struct nested<eigen_einsum::TensorPathChoiceOp<Xprs...>, 1,
              typename eval<eigen_einsum::TensorPathChoiceOp<Xprs...>>::type> {
  using type = eigen_einsum::TensorPathChoiceOp<Xprs...>;
};

} // namespace Eigen::internal

namespace eigen_einsum {

template <class... Xprs>
class TensorPathChoiceOp
    : public Eigen::TensorBase<TensorPathChoiceOp<Xprs...>, Eigen::ReadOnlyAccessors> {
public:
  using Scalar = typename Eigen::internal::traits<TensorPathChoiceOp>::Scalar;
  using RealScalar = typename Eigen::NumTraits<Scalar>::Real;
  using CoeffReturnType = Scalar;
  using Nested = TensorPathChoiceOp;
  using StorageKind = typename Eigen::internal::traits<TensorPathChoiceOp>::StorageKind;
  using Index = typename Eigen::internal::traits<TensorPathChoiceOp>::Index;

  using Dimensions =
      Eigen::DSizes<Index, Eigen::internal::traits<TensorPathChoiceOp>::NumDimensions>;

  /// `dimensions` are the extents every alternative has (the caller knows them already).
  TensorPathChoiceOp(int choice, const Dimensions& dimensions, const Xprs&... xprs)
      : m_xprs(xprs...), m_dimensions(dimensions), m_choice(choice) {}

  int choice() const { return m_choice; }
  const Dimensions& dimensions() const { return m_dimensions; }
  const std::tuple<Xprs...>& alternatives() const { return m_xprs; }

private:
  std::tuple<Xprs...> m_xprs;
  Dimensions m_dimensions;
  int m_choice;
};

} // namespace eigen_einsum

namespace Eigen {

template <class... Xprs, class Device>
struct TensorEvaluator<const eigen_einsum::TensorPathChoiceOp<Xprs...>, Device> {
  using XprType = eigen_einsum::TensorPathChoiceOp<Xprs...>;
  using First = std::tuple_element_t<0, std::tuple<Xprs...>>;
  using Index = typename XprType::Index;
  static const int NumDims = internal::traits<XprType>::NumDimensions;
  using Dimensions = DSizes<Index, NumDims>;
  using Scalar = typename XprType::Scalar;
  using CoeffReturnType = Scalar;
  using PacketReturnType = typename PacketType<CoeffReturnType, Device>::type;
  static const int PacketSize = PacketType<CoeffReturnType, Device>::size;
  using Storage = StorageMemory<CoeffReturnType, Device>;
  using EvaluatorPointerType = typename Storage::Type;

  enum {
    IsAligned = false,
    PacketAccess = (PacketType<CoeffReturnType, Device>::size > 1),
    BlockAccess = false,
    PreferBlockAccess = false,
    Layout = internal::traits<XprType>::Layout,
    CoordAccess = false,
    RawAccess = true
  };

  using TensorBlock = internal::TensorBlockNotImplemented;

  TensorEvaluator(const XprType& op, const Device& device) : m_op(op), m_device(device) {}

  const Dimensions& dimensions() const { return m_op.dimensions(); }

  bool evalSubExprsIfNeeded(EvaluatorPointerType data) {
    Scalar* out = data;
    if (out == nullptr) {
      m_buffer = static_cast<Scalar*>(
          m_device.allocate_temp(internal::array_prod(m_op.dimensions()) * sizeof(Scalar)));
      out = m_buffer;
    }
    if (m_op.choice() < 0) {
      // Zero bytes are zero for every arithmetic scalar type, complex included.
      m_device.memset(out, 0, internal::array_prod(m_op.dimensions()) * sizeof(Scalar));
      return data == nullptr;
    }
    visit([&](const auto& xpr) {
      using X = std::remove_cv_t<std::remove_reference_t<decltype(xpr)>>;
      using EvalTo = TensorEvalToOp<const X>;
      EvalTo eval_to(out, xpr);
      internal::TensorExecutor<const EvalTo, Device>::run(eval_to, m_device);
    });
    return data == nullptr;
  }

  void cleanup() {
    if (m_buffer != nullptr) {
      m_device.deallocate_temp(m_buffer);
      m_buffer = nullptr;
    }
  }

  CoeffReturnType coeff(Index index) const { return m_buffer[index]; }

  template <int LoadMode>
  PacketReturnType packet(Index index) const {
    return internal::ploadt<PacketReturnType, LoadMode>(m_buffer + index);
  }

  TensorOpCost costPerCoeff(bool vectorized) const {
    return TensorOpCost(sizeof(CoeffReturnType), 0, 0, vectorized, PacketSize);
  }

  EvaluatorPointerType data() const { return m_buffer; }

private:
  template <class F, std::size_t... I>
  void visit_impl(F&& f, std::index_sequence<I...>) const {
    ((m_op.choice() == static_cast<int>(I) ? f(std::get<I>(m_op.alternatives())) : void()), ...);
  }
  template <class F>
  void visit(F&& f) const {
    visit_impl(f, std::index_sequence_for<Xprs...>{});
  }

  const XprType m_op;
  const Device& m_device;
  Scalar* m_buffer = nullptr;
};

} // namespace Eigen

#endif // EIGEN_EINSUM_PATH_CHOICE_HPP
