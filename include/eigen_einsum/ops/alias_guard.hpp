// eigen-einsum ops: an expression that knows the memory it reads, as an Eigen expression: when the
// destination overlaps that memory it evaluates through a temporary, else it is the expression
// itself. Eigen's tensor assignment evaluates in place and never checks (`m = m.shuffle(p)` is
// wrong); einsum wraps every result in it.
#ifndef EIGEN_EINSUM_OPS_ALIAS_GUARD_HPP
#define EIGEN_EINSUM_OPS_ALIAS_GUARD_HPP

#include "../diagnostics.hpp"
#include "tensor.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

namespace eigen_einsum::detail {

/// The bytes one leaf of an expression (a Tensor, TensorMap, TensorFixedSize or TensorRef) reads,
/// [begin, end). A leaf we cannot see into (an unknown expression type) is everything: {0, max}.
struct memory_span {
  std::uintptr_t begin = 0, end = 0;
};

/// One extent of a resizable Tensor when the expression was built, to be read again at
/// evaluation: Eigen's `Tensor::operator=` resizes the destination before evaluating, and a
/// resize always changes an extent. A plain value, not a hash: no multiply chain per call.
struct extent_record {
  const Eigen::Index* extent = nullptr; // the Tensor's own extent
  Eigen::Index was = 0;
};

/// The memory an expression reads: one span per leaf, one record per extent of a resizable
/// Tensor leaf. Fixed-size and mapped leaves cannot be resized, so they cost no record and no
/// check.
template <std::size_t NumSpans, std::size_t NumResizable>
struct read_regions {
  std::array<memory_span, NumSpans> memory{};
  std::array<extent_record, NumResizable> resizable{};
  static constexpr std::size_t resizable_count = NumResizable;
};

struct region_count {
  std::size_t spans = 0, resizable = 0;
  constexpr region_count operator+(region_count o) const {
    return {spans + o.spans, resizable + o.resizable};
  }
};

template <class X, class = void>
struct has_data : std::false_type {};
template <class X>
struct has_data<X, std::void_t<decltype(std::declval<const X&>().data()),
                               decltype(std::declval<const X&>().dimensions())>> : std::true_type {
};

#define EIGEN_EINSUM_HAS_MEMBER(name)                                                              \
  template <class X, class = void>                                                                 \
  struct has_##name : std::false_type {};                                                          \
  template <class X>                                                                               \
  struct has_##name<X, std::void_t<decltype(std::declval<const X&>().name())>> : std::true_type {}
EIGEN_EINSUM_HAS_MEMBER(nestedExpression);
EIGEN_EINSUM_HAS_MEMBER(expression);
EIGEN_EINSUM_HAS_MEMBER(lhsExpression);
EIGEN_EINSUM_HAS_MEMBER(arg1Expression);
EIGEN_EINSUM_HAS_MEMBER(ifExpression);
EIGEN_EINSUM_HAS_MEMBER(read_regions);
#undef EIGEN_EINSUM_HAS_MEMBER

template <class X>
using bare_t = std::remove_cv_t<std::remove_reference_t<X>>;

template <class X>
struct is_resizable_tensor : std::false_type {};
template <class S, int R, int O, class I>
struct is_resizable_tensor<Eigen::Tensor<S, R, O, I>> : std::true_type {};

template <class X>
struct is_tensor_ref : std::false_type {};
template <class P>
struct is_tensor_ref<Eigen::TensorRef<P>> : std::true_type {};

/// How many spans and extent records `read_regions_of` finds in an expression of type X.
template <class X>
constexpr region_count count_regions() {
  if constexpr (has_read_regions<X>::value) {
    using R = bare_t<decltype(std::declval<const X&>().read_regions())>;
    return {std::tuple_size<decltype(R::memory)>::value,
            std::tuple_size<decltype(R::resizable)>::value};
  } else if constexpr (has_data<X>::value) {
    return {1, is_resizable_tensor<X>::value ? std::size_t(X::NumIndices) : 0u};
  } else if constexpr (has_lhsExpression<X>::value) {
    return count_regions<bare_t<decltype(std::declval<const X&>().lhsExpression())>>() +
           count_regions<bare_t<decltype(std::declval<const X&>().rhsExpression())>>();
  } else if constexpr (has_arg1Expression<X>::value) {
    return count_regions<bare_t<decltype(std::declval<const X&>().arg1Expression())>>() +
           count_regions<bare_t<decltype(std::declval<const X&>().arg2Expression())>>() +
           count_regions<bare_t<decltype(std::declval<const X&>().arg3Expression())>>();
  } else if constexpr (has_ifExpression<X>::value) {
    return count_regions<bare_t<decltype(std::declval<const X&>().ifExpression())>>() +
           count_regions<bare_t<decltype(std::declval<const X&>().thenExpression())>>() +
           count_regions<bare_t<decltype(std::declval<const X&>().elseExpression())>>();
  } else if constexpr (has_nestedExpression<X>::value) {
    return count_regions<bare_t<decltype(std::declval<const X&>().nestedExpression())>>();
  } else if constexpr (has_expression<X>::value) {
    return count_regions<bare_t<decltype(std::declval<const X&>().expression())>>();
  } else {
    return {1, 0}; // one unknown span
  }
}

/// The read_regions type of the expressions Xs together.
template <class... Xs>
using regions_t = read_regions<(region_count{} + ... + count_regions<Xs>()).spans,
                               (region_count{} + ... + count_regions<Xs>()).resizable>;

/// Where collect_regions writes next.
struct region_cursor {
  memory_span* span;
  extent_record* resizable;
};

/// Appends the regions of `x`'s leaves at `out`.
template <class X>
EIGEN_ALWAYS_INLINE void collect_regions(const X& x, region_cursor& out) {
  if constexpr (has_read_regions<X>::value) {
    for (const memory_span& m : x.read_regions().memory) {
      *out.span++ = m;
    }
    for (const extent_record& r : x.read_regions().resizable) {
      *out.resizable++ = r;
    }
  } else if constexpr (has_data<X>::value) {
    const std::size_t bytes =
        std::size_t(Eigen::internal::array_prod(x.dimensions())) * sizeof(*x.data());
    const std::uintptr_t begin = reinterpret_cast<std::uintptr_t>(x.data());
    if constexpr (is_tensor_ref<X>::value) {
      // A TensorRef of an expression has no data: its memory is unknown.
      *out.span++ =
          begin == 0 && bytes > 0 ? memory_span{0, UINTPTR_MAX} : memory_span{begin, begin + bytes};
    } else {
      *out.span++ = memory_span{begin, begin + bytes};
    }
    if constexpr (is_resizable_tensor<X>::value) {
      for (int i = 0; i < X::NumIndices; ++i) {
        *out.resizable++ = {&x.dimensions()[i], x.dimensions()[i]};
      }
    }
  } else if constexpr (has_lhsExpression<X>::value) {
    collect_regions(x.lhsExpression(), out);
    collect_regions(x.rhsExpression(), out);
  } else if constexpr (has_arg1Expression<X>::value) {
    collect_regions(x.arg1Expression(), out);
    collect_regions(x.arg2Expression(), out);
    collect_regions(x.arg3Expression(), out);
  } else if constexpr (has_ifExpression<X>::value) {
    collect_regions(x.ifExpression(), out);
    collect_regions(x.thenExpression(), out);
    collect_regions(x.elseExpression(), out);
  } else if constexpr (has_nestedExpression<X>::value) {
    collect_regions(x.nestedExpression(), out);
  } else if constexpr (has_expression<X>::value) {
    collect_regions(x.expression(), out);
  } else {
    *out.span++ = {0, UINTPTR_MAX};
  }
}

/// The memory Eigen tensor expressions read: one span per leaf tensor, found through the
/// accessors of Eigen's expression types; an unknown type counts as an unknown span.
template <class... Xs>
EIGEN_ALWAYS_INLINE regions_t<Xs...> read_regions_of(const Xs&... xs) {
  regions_t<Xs...> regions;
  region_cursor out{regions.memory.data(), regions.resizable.data()};
  (collect_regions(xs, out), ...);
  return regions;
}

/// Evaluates `expression()`, which reads the memory in `read_regions()`; through a temporary when
/// the destination overlaps it. Reports a shape_error when a Tensor among the regions was resized
/// after the expression was built (Eigen resizes a destination that is also an operand).
template <class XprType, class Regions>
class TensorAliasGuardOp;

} // namespace eigen_einsum::detail

namespace Eigen::internal {

template <class XprType, class Regions>
struct traits<eigen_einsum::detail::TensorAliasGuardOp<XprType, Regions>>
    : eigen_einsum::detail::op_traits<XprType, traits<XprType>::NumDimensions> {};

} // namespace Eigen::internal

namespace eigen_einsum::detail {

template <class XprType, class Regions>
class TensorAliasGuardOp : public op_base<TensorAliasGuardOp<XprType, Regions>> {
public:
  using typename op_base<TensorAliasGuardOp>::Index;
  using Dimensions =
      Eigen::DSizes<Index, Eigen::internal::traits<TensorAliasGuardOp>::NumDimensions>;

  /// Records the regions of `leaves` in place: built elsewhere and copied, they cost tiny einsums
  /// a dozen stores more.
  template <class... Leaves>
  TensorAliasGuardOp(const XprType& xpr, const Dimensions& dimensions, const Leaves&... leaves)
      : m_xpr(xpr), m_dimensions(dimensions), m_regions(read_regions_of(leaves...)) {}

  const XprType& expression() const { return m_xpr; }
  /// The extents when the expression was built: those of the result, as Eigen's resize reads them.
  const Dimensions& dimensions() const { return m_dimensions; }
  const Regions& read_regions() const { return m_regions; }

private:
  typename XprType::Nested m_xpr;
  Dimensions m_dimensions;
  Regions m_regions;
};

/// `guard_aliasing(xpr, dims, a, b...)`: `xpr`, which reads a, b..., safe to assign to a or b.
template <class XprType, class... Leaves>
EIGEN_ALWAYS_INLINE TensorAliasGuardOp<XprType, regions_t<Leaves...>> guard_aliasing(
    const XprType& xpr,
    const typename TensorAliasGuardOp<XprType, regions_t<Leaves...>>::Dimensions& dimensions,
    const Leaves&... leaves) {
  return TensorAliasGuardOp<XprType, regions_t<Leaves...>>(xpr, dimensions, leaves...);
}

/// Whether `n` bytes at `dest` overlap a span; unknown spans overlap everything.
template <std::size_t N, std::size_t R>
EIGEN_ALWAYS_INLINE bool overlaps(const read_regions<N, R>& regions, const void* dest,
                                  std::size_t n) {
  const std::uintptr_t begin = reinterpret_cast<std::uintptr_t>(dest), end = begin + n;
  bool any = false;
  for (const memory_span& m : regions.memory) {
    any |= begin < m.end && m.begin < end; // no early exit: N is small and the loop unrolls
  }
  return any;
}

/// The error of check_not_resized, out of line: the message and the throw would otherwise grow
/// every guard's evaluation past what GCC inlines around it.
[[noreturn]] EIGEN_DONT_INLINE inline void report_resized_operand() {
  report_shape_error(
      "einsum: an operand was resized before the result was evaluated: the destination is also "
      "an operand and has a different shape, which Eigen's Tensor::operator= changes first. "
      "Assign to a new tensor: `m = Eigen::Tensor<...>(einsum<...>(m))`");
}

template <std::size_t N, std::size_t R>
EIGEN_ALWAYS_INLINE void check_not_resized(const read_regions<N, R>& regions) {
  bool resized = false;
  for (const extent_record& r : regions.resizable) {
    resized |= *r.extent != r.was; // no early exit: R is small and the loop unrolls
  }
  if (EIGEN_PREDICT_FALSE(resized)) {
    report_resized_operand();
  }
}

/// An Eigen evaluator built when the guard's evaluator is, for expressions whose operands cannot
/// be resized: what Eigen itself does.
template <class Evaluator>
class immediate_evaluator {
public:
  template <class Xpr, class Device>
  immediate_evaluator(const Xpr& xpr, const Device& device) : m_evaluator(xpr, device) {}
  template <class Xpr, class Device>
  void build(const Xpr&, const Device&) {}
  /// The guard evaluated through a temporary: this evaluator evaluated nothing.
  void skip() { m_skipped = true; }
  bool built() const { return !m_skipped; }
  const Evaluator& get() const { return m_evaluator; }
  Evaluator& get() { return m_evaluator; }

private:
  Evaluator m_evaluator;
  bool m_skipped = false;
};

/// An Eigen evaluator built only once the operands are known to be unchanged: Eigen's own
/// evaluators assert on operands that a resize made inconsistent, and Tensor::operator= builds an
/// evaluator to read the extents before it resizes. The guard only builds it after `build`.
template <class Evaluator>
class deferred_evaluator {
public:
  template <class Xpr, class Device>
  deferred_evaluator(const Xpr&, const Device&) {}
  // Eigen copies evaluators (ThreadPoolDevice's executor does): a shallow copy, as Eigen's are.
  deferred_evaluator(const deferred_evaluator& other) : m_built(other.m_built) {
    if (m_built) {
      new (&m_storage) Evaluator(other.get());
    }
  }
  deferred_evaluator& operator=(const deferred_evaluator&) = delete;
  ~deferred_evaluator() {
    if (m_built) {
      get().~Evaluator();
    }
  }
  template <class Xpr, class Device>
  void build(const Xpr& xpr, const Device& device) {
    new (&m_storage) Evaluator(xpr, device);
    m_built = true;
  }
  void skip() {}
  bool built() const { return m_built; }
  const Evaluator& get() const {
    return *std::launder(reinterpret_cast<const Evaluator*>(&m_storage));
  }
  Evaluator& get() { return *std::launder(reinterpret_cast<Evaluator*>(&m_storage)); }

private:
  std::aligned_storage_t<sizeof(Evaluator), alignof(Evaluator)> m_storage;
  bool m_built = false;
};

} // namespace eigen_einsum::detail

namespace Eigen {

template <class XprType, class Regions, class Device>
struct TensorEvaluator<const eigen_einsum::detail::TensorAliasGuardOp<XprType, Regions>, Device> {
  using Op = eigen_einsum::detail::TensorAliasGuardOp<XprType, Regions>;
  using Inner = TensorEvaluator<const XprType, Device>;
  using Index = typename Inner::Index;
  using Scalar = typename Op::Scalar;
  using CoeffReturnType = typename Inner::CoeffReturnType;
  // Not read off Inner: some of Eigen's evaluators (TensorReshapingOp's) lack these members.
  using PacketReturnType = typename PacketType<CoeffReturnType, Device>::type;
  using Dimensions = typename Op::Dimensions;
  using EvaluatorPointerType = typename Inner::EvaluatorPointerType;
  using TensorBlock = typename Inner::TensorBlock;
  static const int NumDims = internal::traits<Op>::NumDimensions;
  using TensorBlockDesc = internal::TensorBlockDescriptor<NumDims, Index>;
  using TensorBlockScratch = internal::TensorBlockScratchAllocator<Device>;
  static const int PacketSize = PacketType<CoeffReturnType, Device>::size;
  enum {
    IsAligned = Inner::IsAligned,
    PacketAccess = Inner::PacketAccess,
    BlockAccess = Inner::BlockAccess,
    PreferBlockAccess = Inner::PreferBlockAccess,
    Layout = Inner::Layout,
    CoordAccess = false,
    RawAccess = Inner::RawAccess
  };

  TensorEvaluator(const Op& op, const Device& device)
      : m_op(op), m_device(device), m_dimensions(op.dimensions()),
        m_inner(op.expression(), device) {}

  const Dimensions& dimensions() const { return m_dimensions; }

  bool evalSubExprsIfNeeded(EvaluatorPointerType data) {
    eigen_einsum::detail::check_not_resized(m_op.read_regions());
    const std::size_t bytes = std::size_t(internal::array_prod(dimensions())) * sizeof(Scalar);
    if (EIGEN_PREDICT_FALSE(data != nullptr && bytes > 0 &&
                            eigen_einsum::detail::overlaps(m_op.read_regions(), data, bytes))) {
      evaluate_aside(data, bytes);
      m_inner.skip();
      return false;
    }
    m_inner.build(m_op.expression(), m_device);
    return inner().evalSubExprsIfNeeded(data);
  }

  /// The destination is read: evaluate into a temporary, then copy. Out of line, so that the
  /// usual path stays small enough to inline.
  EIGEN_DONT_INLINE void evaluate_aside(EvaluatorPointerType data, std::size_t bytes) const {
    Scalar* aside = static_cast<Scalar*>(m_device.allocate_temp(bytes));
    using EvalTo = TensorEvalToOp<const XprType>;
    const EvalTo eval_to(aside, m_op.expression());
    internal::TensorExecutor<const EvalTo, Device>::run(eval_to, m_device);
    // Eigen's pointer type is const for some leaves; the destination is writable.
    m_device.memcpy(const_cast<Scalar*>(static_cast<const Scalar*>(data)), aside, bytes);
    m_device.deallocate_temp(aside);
  }

  void cleanup() {
    if (m_inner.built()) {
      inner().cleanup();
    }
  }

  CoeffReturnType coeff(Index index) const { return inner().coeff(index); }

  template <int LoadMode>
  PacketReturnType packet(Index index) const {
    return inner().template packet<LoadMode>(index);
  }

  TensorOpCost costPerCoeff(bool vectorized) const { return inner().costPerCoeff(vectorized); }

  internal::TensorBlockResourceRequirements getResourceRequirements() const {
    return inner().getResourceRequirements();
  }

  TensorBlock block(TensorBlockDesc& desc, TensorBlockScratch& scratch,
                    bool root_of_expr_ast = false) const {
    return inner().block(desc, scratch, root_of_expr_ast);
  }

  EvaluatorPointerType data() const { return m_inner.built() ? inner().data() : nullptr; }

private:
  const Inner& inner() const { return m_inner.get(); }
  Inner& inner() { return m_inner.get(); }

  // Read only until evalSubExprsIfNeeded, while the expression surely lives (an assignment's
  // right-hand side, or a TensorRef being built); copying it would cost tiny einsums 10%.
  const Op& m_op;
  const Device& m_device;
  const Dimensions m_dimensions;
  // Built at once when no operand can be resized: deferring costs a flag test per call.
  std::conditional_t<Regions::resizable_count == 0,
                     eigen_einsum::detail::immediate_evaluator<Inner>,
                     eigen_einsum::detail::deferred_evaluator<Inner>>
      m_inner;
};

} // namespace Eigen

#endif // EIGEN_EINSUM_OPS_ALIAS_GUARD_HPP
