// eigen-einsum lowering: the gradient of an einsum with respect to one operand, as the einsum of
// its derived subscript (plan/gradient.hpp), broadcast and embedded to the operand's shape.
#ifndef EIGEN_EINSUM_LOWER_GRADIENT_HPP
#define EIGEN_EINSUM_LOWER_GRADIENT_HPP

#include "../fixed_string.hpp"
#include "../plan/gradient.hpp"
#include "driver.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

namespace eigen_einsum::detail {

/// The gradient of the call C (a compiled<>) with respect to operand K, as the planner derives it.
template <class C, int K>
struct gradient_chars {
  static constexpr gradient_form form = gradient_of(C::written, K);
  static constexpr char get(std::size_t i) { return form.text[i]; }
  static constexpr std::size_t size = std::size_t(form.size);
};

/// The options of a gradient's einsum: the forward call's memory limit, and numpy's broadcasting
/// where a label of the forward call broadcasts (its '...' are labels in the derived subscript).
template <class C>
using gradient_option = options<
    std::conditional_t<(C::option::limit >= 0),
                       memory_limit<static_cast<long long>(C::option::limit)>, default_options>,
    std::conditional_t<(C::expanded.broadcasting != 0), eigen_einsum::numpy_broadcasting,
                       default_options>>;

/// The operand positions other than K among N, as a sequence.
template <int K, std::size_t... J>
constexpr std::index_sequence<(int(J) < K ? J : J + 1)...> others(std::index_sequence<J...>) {
  return {};
}

/// Position of each label of operand K of the call C among its distinct labels: the input axes of
/// the gradient's diagonal embedding.
template <class C, int K, std::size_t... I>
constexpr std::integer_sequence<
    int, gradient_chars<C, K>::form.distinct.find(C::expanded.operands[K].labels[I])...>
input_axes(std::index_sequence<I...>) {
  return {};
}

template <int... A, class X>
auto embed_on(std::integer_sequence<int, A...>, const X& x) {
  return embed_diagonal<A...>(x);
}

/// `x` on the diagonals of operand K's subscript where a label repeats in it, else `x` itself.
template <class C, int K, class X>
decltype(auto) embed_if(const X& x) {
  if constexpr (gradient_chars<C, K>::form.repeats) {
    return embed_on(
        input_axes<C, K>(std::make_index_sequence<std::size_t(C::expanded.operands[K].size)>{}), x);
  } else {
    return x;
  }
}

/// `x` reshaped to `from`, broadcast `repeat` times, of extents `to`: through one more axis of
/// extent 1, since Eigen 3.4 broadcasts a rank-1 tensor of one coefficient wrongly under
/// TensorEvalToOp (and a reshaped rank-0 one under any assignment): the coefficient, then zeros.
template <class X, std::size_t U>
auto broadcast_up(const X& x, const Eigen::DSizes<Index, int(U)>& from,
                  const Eigen::array<Index, U>& repeat, const Eigen::DSizes<Index, int(U)>& to) {
  Eigen::DSizes<Index, int(U) + 1> from_up;
  Eigen::array<Index, U + 1> repeat_up;
  for (std::size_t u = 0; u < U; ++u) {
    from_up[u] = from[u];
    repeat_up[u] = repeat[u];
  }
  from_up[U] = 1;
  repeat_up[U] = 1;
  return x.reshape(from_up).broadcast(repeat_up).reshape(to);
}

/// `h` (one axis per distinct non-lonely label of operand K) with operand K's shape: broadcast
/// over the lonely labels, summed to extent 1 where operand K broadcasts, on the diagonals where
/// a label of operand K repeats. `have` is h's extent of each distinct label (1 for a lonely
/// one), `target` operand K's.
template <class C, int K, class H, std::size_t U>
decltype(auto) fit_to_operand(const H& h, const std::array<Index, U>& have,
                              const std::array<Index, U>& target) {
  constexpr const gradient_form& form = gradient_chars<C, K>::form;
  constexpr bool may_broadcast =
      C::may_broadcast && (C::expanded.broadcasting & set_of(C::expanded.operands[K])) != 0;
  if constexpr (U == 0 || (form.lonely == 0 && !may_broadcast)) {
    return h;
  } else {
    // h's extent per distinct label, 1 for a lonely one.
    Eigen::DSizes<Index, U> from(have);
    Eigen::DSizes<Index, U> to(target);
    Eigen::array<Index, U> repeat;
    for (int u = 0; u < int(U); ++u) {
      repeat[u] = from[u] == to[u] ? 1 : to[u];
    }
    // Eigen's broadcast asserts on a zero extent: then the result is zeros (choice -1), and no
    // alternative is built.
    bool empty = false;
    for (int u = 0; u < int(U); ++u) {
      empty = empty || from[u] == 0 || to[u] == 0;
    }
    auto spread = broadcast_up(h, from, repeat, to);
    if constexpr (!may_broadcast) {
      return choose(empty ? -1 : 0, to, spread);
    } else {
      // Where operand K has extent 1 and h more, sum: split each axis into (kept, summed).
      Eigen::DSizes<Index, 2 * U> split;
      Eigen::array<Index, U> summed_axes;
      Eigen::array<Index, U> again;
      bool sums = false;
      for (int u = 0; u < int(U); ++u) {
        const bool sum = to[u] == 1 && from[u] != 1;
        sums = sums || sum;
        split[2 * u] = sum ? 1 : from[u];
        split[2 * u + 1] = sum ? from[u] : 1;
        summed_axes[u] = 2 * u + 1;
        again[u] = split[2 * u] == to[u] ? 1 : to[u];
      }
      Eigen::DSizes<Index, U> kept;
      for (int u = 0; u < int(U); ++u) {
        kept[u] = split[2 * u];
      }
      const int choice = empty ? -1 : sums ? 1 : 0;
      return choose(choice, to, spread,
                    broadcast_up(h.reshape(split).sum(summed_axes), kept, again, to));
    }
  }
}

/// The gradient of the call C with respect to operand K: g's conjugate and the other operands
/// through the derived subscript's einsum, fitted to operand K's shape, conjugated back. Where
/// nothing wraps the derived einsum, its result itself (a reference to g for an identity).
template <class C, int K, class G, class Tuple, std::size_t... J>
decltype(auto) gradient_expression(const G& g, const Tuple& ops, std::index_sequence<J...>) {
  using chars = gradient_chars<C, K>;
  constexpr const gradient_form& form = chars::form;
  using text = subscript_type<chars>;
  constexpr bool complex = Eigen::NumTraits<typename G::Scalar>::IsComplex;
  const auto& gc = [&]() -> decltype(auto) {
    if constexpr (complex) {
      return g.conjugate(); // torch's convention: the conjugate of the other operands
    } else {
      return g;
    }
  }();
  using d = compiled<text, gradient_option<C>, operand_t<decltype(gc)>,
                     operand_t<std::tuple_element_t<J, Tuple>>...>;
  static_assert(d::ok, "einsum: internal error: a gradient's derived subscript is invalid");
  const label_extents extent =
      check_extents(d::expanded, text::value, extents_of(gc), extents_of(std::get<J>(ops))...);
  constexpr bool fits =
      form.distinct.size > 0 &&
      (form.lonely != 0 ||
       (C::may_broadcast && (C::expanded.broadcasting & set_of(C::expanded.operands[K])) != 0));
  if constexpr (!complex && !form.repeats && !fits) {
    return lower_call<d>(extent, gc, std::get<J>(ops)...);
  } else {
    decltype(auto) h = lower_call<d>(extent, gc, std::get<J>(ops)...);
    const auto dims = extents_of(std::get<K>(ops));
    std::array<Index, std::size_t(form.distinct.size)> have{}, target{};
    for (int u = 0; u < form.distinct.size; ++u) {
      const char label = form.distinct.labels[u];
      have[u] = (form.lonely & set_of(label)) != 0 ? 1 : Index(extent[label]);
      target[u] = dims[C::expanded.operands[K].find(label)];
    }
    // Each wrapper nests what it wraps by value (a Tensor by reference), so nothing dangles.
    if constexpr (complex) {
      return embed_if<C, K>(fit_to_operand<C, K>(h, have, target)).conjugate();
    } else if constexpr (form.repeats) {
      return embed_if<C, K>(fit_to_operand<C, K>(h, have, target));
    } else {
      return fit_to_operand<C, K>(h, have, target);
    }
  }
}

/// Checks g's extents against the output's, as einsum's result would have them.
template <class C, class Text, class G, class... Ops>
void check_gradient(const label_extents& extent, const G& g, const Ops&... ops) {
  const auto expected = result_dimensions<C>(extent);
  const auto got = extents_of(g);
  for (int i = 0; i < C::written.output.size; ++i) {
    if (expected[i] != got[i]) {
      const std::tuple<decltype(extents_of(ops))...> dims{extents_of(ops)...};
      std::apply(
          [&](const auto&... d) {
            const std::ptrdiff_t* pointers[] = {d.data()..., nullptr};
            check_gradient_extents(C::written, Text::value, pointers, expected.data(), got.data());
          },
          dims);
    }
  }
}

/// The gradient expression, safe to assign to g or any operand: operand K's memory is not read.
template <class C, int K, class G, class Tuple, std::size_t... J>
auto guarded_gradient(const G& g, const Tuple& ops, std::index_sequence<J...> rest) {
  using operand = operand_t<std::tuple_element_t<K, Tuple>>;
  const Eigen::DSizes<Index, rank_of<operand>> dims(extents_of(std::get<K>(ops)));
  return guard_aliasing(gradient_expression<C, K>(g, ops, rest), dims, g, std::get<J>(ops)...);
}

/// The mistakes a gradient call can make, each with its one diagnostic.
enum class gradient_error { none, in_einsum, operand_out_of_range, rank, scalar_type, layout };

/// The first mistake in a gradient of the call C (a compiled<>) for operand K and g: in the
/// subscript or operands, then K, then g's rank, scalar type and layout.
template <class C, int K, class G, class First>
constexpr gradient_error gradient_mistake() {
  if constexpr (!C::ok) {
    return gradient_error::in_einsum;
  } else if constexpr (K < 0 || K >= C::num_operands) {
    return gradient_error::operand_out_of_range;
  } else if constexpr (rank_of<G> != C::written.output.size) {
    return gradient_error::rank;
  } else if constexpr (!std::is_same_v<scalar_of<G>, scalar_of<First>>) {
    return gradient_error::scalar_type;
  } else {
    return layout_of<G> != layout_of<First> ? gradient_error::layout : gradient_error::none;
  }
}

/// Instantiates the one diagnostic of gradient_mistake's mistake. Not constexpr: clang does not
/// evaluate a call that instantiates a failing static_assert as a constant.
template <class C, int K, class G, class First>
void raise_gradient_error() {
  using namespace eigen_einsum::diagnostics;
  constexpr gradient_error mistake = gradient_mistake<C, K, G, First>();
  if constexpr (mistake == gradient_error::in_einsum) {
    raise_error<C::check, C::parsed>();
  } else if constexpr (mistake == gradient_error::operand_out_of_range) {
    (void)sizeof(gradient_operand_out_of_range<operand<K>, operands_given<C::num_operands>>);
  } else if constexpr (mistake == gradient_error::rank) {
    (void)sizeof(gradient_rank_differs<labels_in_output_subscript<C::written.output.size>,
                                       gradient_rank<rank_of<G>>>);
  } else if constexpr (mistake == gradient_error::scalar_type) {
    (void)sizeof(gradient_scalar_type_differs<scalar_of<G>, scalar_of<First>>);
  } else if constexpr (mistake == gradient_error::layout) {
    (void)sizeof(gradient_layout_differs<gradient_layout<layout_of<G>>>);
  }
}

/// The driver behind the public gradient: the one compile error for a mistake, the extent checks
/// (the operands', then g's against the output's), then the guarded gradient expression.
template <class Text, int K, class Option, class G, class... Ops>
decltype(auto) gradient(const G& g, const Ops&... ops) {
  using c = compiled<Text, Option, operand_t<Ops>...>;
  using first = std::tuple_element_t<0, std::tuple<Ops..., G>>;
  if constexpr (gradient_mistake<c, K, G, first>() != gradient_error::none) {
    raise_gradient_error<c, K, G, first>();
    return invalid_einsum{};
  } else {
    const label_extents extent = check_extents(c::expanded, Text::value, extents_of(ops)...);
    check_gradient<c, Text>(extent, g, ops...);
    using rest = decltype(others<K>(std::make_index_sequence<sizeof...(Ops) - 1>{}));
    return guarded_gradient<c, K>(g, std::forward_as_tuple(ops...), rest{});
  }
}

/// The forward contraction tree of the call C (a compiled<>), along its first candidate path:
/// the cheapest when all extents are equal, or the explicit path.
template <class C>
struct tree_of_call {
  /// Each step's labels in the order the forward plan writes them.
  static constexpr gradient_tree make() {
    const auto& plan = C::template candidate<0>::value;
    label_list order[max_operands] = {};
    for (label_list& l : order) {
      l = label_list{}; // one by one: see parse() on GCC 12's shared array initialiser
    }
    for (int s = 0; s + 1 < C::num_operands; ++s) {
      order[s] = plan.nodes[C::num_operands + s].joined;
    }
    return tree_of(C::written, C::candidates.paths[0], order);
  }
  static constexpr gradient_tree value = make();
};

template <const subscript_chars& T>
struct chars_of {
  static constexpr char get(std::size_t i) { return T.text[i]; }
  static constexpr std::size_t size = std::size_t(T.size);
};

/// Step S of the tree of C as a subscript type: `lhs,rhs->result`.
template <class C, int S>
struct step_text {
  static constexpr subscript_chars value = tree_of_call<C>::value.step_text(S);
  using type = subscript_type<chars_of<value>>;
};

/// `output->root` for C: the root's gradient from g (g's diagonal where an output label repeats).
template <class C>
struct root_text {
  static constexpr subscript_chars value =
      text_of(C::written.output, tree_of_call<C>::value.labels[tree_of_call<C>::value.root()]);
  using type = subscript_type<chars_of<value>>;
};

/// A tensor in scratch memory (ops/scratch.hpp), so that the intermediates of gradients reuse
/// their memory from call to call: fresh memory costs a page fault per 4 KiB on first touch.
template <class Scalar, int Rank, int Layout>
class scratch_tensor {
public:
  using map_type = Eigen::TensorMap<Eigen::Tensor<Scalar, Rank, Layout>>;

  scratch_tensor() = default;
  scratch_tensor(const scratch_tensor&) = delete;
  scratch_tensor(scratch_tensor&& other) noexcept
      : m_data(std::exchange(other.m_data, nullptr)), m_bytes(other.m_bytes),
        m_map(std::move(other.m_map)) {
    other.m_map.reset();
  }
  scratch_tensor& operator=(const scratch_tensor&) = delete;
  ~scratch_tensor() { release(); }

  /// Evaluates `xpr` into fresh scratch of its extents.
  template <class Xpr>
  void assign(const Xpr& xpr) {
    release();
    const auto dims = extents_of(xpr);
    m_bytes = std::size_t(Eigen::internal::array_prod(dims)) * sizeof(Scalar);
    m_data = static_cast<Scalar*>(allocate_scratch(Eigen::DefaultDevice(), m_bytes));
    m_map.emplace(m_data, dims);
    *m_map = xpr;
  }
  const map_type& map() const { return *m_map; }
  void release() {
    if (m_data != nullptr) {
      deallocate_scratch(Eigen::DefaultDevice(), m_data, m_bytes);
      m_data = nullptr;
    }
    m_map.reset();
  }

private:
  Scalar* m_data = nullptr;
  std::size_t m_bytes = 0;
  std::optional<map_type> m_map;
};

/// The tensors of the intermediate nodes of C's tree (values or gradients), one per step.
template <class C, class Scalar, int Layout, std::size_t... S>
std::tuple<
    scratch_tensor<Scalar, tree_of_call<C>::value.labels[C::num_operands + int(S)].size, Layout>...>
    node_tensors(std::index_sequence<S...>);

/// Whether the root of C's tree has the output's labels in the output's order: its gradient is g.
template <class C>
constexpr bool root_is_output() {
  constexpr const gradient_tree& t = tree_of_call<C>::value;
  return t.labels[t.root()].same_labels(C::written.output);
}

/// Node `Node` of C's tree: an operand, or the tensor of an intermediate.
template <class C, int Node, class Values, class Ops>
const auto& node_value(const Values& values, const Ops& ops) {
  if constexpr (Node < C::num_operands) {
    return std::get<Node>(ops);
  } else {
    return std::get<Node - C::num_operands>(values).map();
  }
}

/// The operands an option asks gradients for, as bits (wrt<K...>'s, else all), and the first
/// position asked for that is outside [0, 64), or -1.
template <class Option>
struct requested_operands {
  static constexpr std::uint64_t bits = ~std::uint64_t{0};
  static constexpr int invalid = -1;
};
template <int... K>
struct requested_operands<wrt<K...>> {
  static constexpr std::uint64_t bits =
      (std::uint64_t{0} | ... | (K >= 0 && K < 64 ? std::uint64_t{1} << K : 0));
  static constexpr int first_invalid() {
    int bad = -1;
    ((bad = bad == -1 && (K < 0 || K >= 64) ? K : bad), ...);
    return bad;
  }
  static constexpr int invalid = first_invalid();
};
template <class... Options>
struct requested_operands<options<Options...>> {
  static constexpr std::uint64_t combine() {
    std::uint64_t bits = 0;
    bool any = false;
    auto add = [&](std::uint64_t b) {
      if (b != ~std::uint64_t{0}) {
        bits |= b;
        any = true;
      }
    };
    (add(requested_operands<Options>::bits), ...);
    return any ? bits : ~std::uint64_t{0};
  }
  static constexpr std::uint64_t bits = combine();
  static constexpr int first_invalid() {
    int bad = -1;
    ((bad = bad == -1 ? requested_operands<Options>::invalid : bad), ...);
    return bad;
  }
  static constexpr int invalid = first_invalid();
};

/// The first position that wrt asks for and that is no operand's, or -1.
template <class Option>
constexpr int invalid_request(int num_operands) {
  if (requested_operands<Option>::invalid != -1) {
    return requested_operands<Option>::invalid;
  }
  const std::uint64_t bits = requested_operands<Option>::bits;
  for (int k = num_operands; k < 64 && bits != ~std::uint64_t{0}; ++k) {
    if ((bits >> k) & 1) {
      return k;
    }
  }
  return -1;
}

/// Which nodes of C's tree lead to an operand whose gradient `Request` asks for: only their
/// gradients are computed.
template <class C, class Request>
struct needed_nodes {
  static constexpr std::uint64_t requested = requested_operands<Request>::bits;
  struct flags {
    bool of[2 * max_operands] = {};
  };
  static constexpr flags make() {
    const gradient_tree& t = tree_of_call<C>::value;
    flags f{};
    for (int k = 0; k < C::num_operands; ++k) {
      f.of[k] = ((requested >> k) & 1) != 0;
    }
    for (int s = 0; s < t.num_steps; ++s) {
      f.of[C::num_operands + s] = f.of[t.lhs[s]] || f.of[t.rhs[s]];
    }
    return f;
  }
  static constexpr flags value = make();
  /// Operand k's position among the requested ones: its place in the result tuple.
  static constexpr std::size_t slot(int k) {
    std::size_t n = 0;
    for (int j = 0; j < k; ++j) {
      n += (requested >> j) & 1;
    }
    return n;
  }
};

/// The result of gradients: a Tensor per requested operand, in the operands' order.
template <std::uint64_t Requested, class Scalar, int Layout, class OpsTuple, std::size_t... K>
auto requested_results(std::index_sequence<K...>) -> decltype(std::tuple_cat(
    std::declval<std::conditional_t<
        ((Requested >> K) & 1) != 0,
        std::tuple<Eigen::Tensor<Scalar, rank_of<std::tuple_element_t<K, OpsTuple>>, Layout>>,
        std::tuple<>>>()...));

/// Evaluates C's tree forward into `values`: every step but the last, whose result no gradient
/// reads.
template <class C, class Option, class Values, class Ops, std::size_t... S>
void forward_steps(Values& values, const Ops& ops, std::index_sequence<S...>) {
  constexpr const gradient_tree& t = tree_of_call<C>::value;
  auto forward = [&](auto step) {
    constexpr int s = decltype(step)::value;
    if constexpr (s + 1 < t.num_steps) {
      std::get<s>(values).assign(einsum<typename step_text<C, s>::type, Option>(
          node_value<C, t.lhs[s]>(values, ops), node_value<C, t.rhs[s]>(values, ops)));
    }
  };
  (forward(std::integral_constant<int, int(S)>{}), ...);
}

/// Walks C's tree back from g over the forward `values`, every requested operand's gradient into
/// `results`. Unless `Keep`, frees each forward value once its step's gradients are taken.
template <class C, class Option, class Request, bool Keep, class Results, class Values, class G,
          class Ops, std::size_t... S>
void backward_steps(Results& results, Values& values, const G& g, const Ops& ops,
                    std::index_sequence<S...>) {
  constexpr const gradient_tree& t = tree_of_call<C>::value;
  constexpr int last = t.num_steps - 1;
  std::decay_t<Values> grads;
  if constexpr (!root_is_output<C>()) {
    std::get<last>(grads).assign(einsum<typename root_text<C>::type, default_options>(g));
  }
  using needed = needed_nodes<C, Request>;
  auto to = [&](auto node, auto&& gradient) {
    constexpr int n = decltype(node)::value;
    if constexpr (!needed::value.of[n]) {
      // No requested operand below this node: its gradient is not computed.
    } else if constexpr (n < C::num_operands) {
      std::get<needed::slot(n)>(results) = gradient();
    } else {
      std::get<n - C::num_operands>(grads).assign(gradient());
    }
  };
  auto release = [&](auto node) {
    constexpr int n = decltype(node)::value;
    if constexpr (!Keep && n >= C::num_operands) {
      std::get<n - C::num_operands>(values).release();
    }
  };
  auto backward = [&](auto step) {
    constexpr int s = last - decltype(step)::value; // the last step first
    using text = typename step_text<C, s>::type;
    const auto& a = node_value<C, t.lhs[s]>(values, ops);
    const auto& b = node_value<C, t.rhs[s]>(values, ops);
    const auto& gs = [&]() -> decltype(auto) {
      if constexpr (s == last && root_is_output<C>()) {
        return g; // the root has the output's labels: its gradient is g itself
      } else {
        return std::get<s>(grads).map();
      }
    }();
    to(std::integral_constant<int, t.lhs[s]>{},
       [&] { return gradient<text, 0, Option>(gs, a, b); });
    to(std::integral_constant<int, t.rhs[s]>{},
       [&] { return gradient<text, 1, Option>(gs, a, b); });
    std::get<s>(grads).release();
    release(std::integral_constant<int, t.lhs[s]>{});
    release(std::integral_constant<int, t.rhs[s]>{});
  };
  (backward(std::integral_constant<int, int(S)>{}), ...);
}

/// The types of the gradients of the call C: its scalar and layout, the forward values' tensors,
/// the result tuple for a request.
template <class C, class... Ops>
struct gradient_types {
  using first = std::tuple_element_t<0, std::tuple<Ops...>>;
  using scalar = scalar_of<first>;
  static constexpr int layout = layout_of<first>;
  using steps = std::make_index_sequence<std::size_t(C::num_operands - 1)>;
  using values = decltype(node_tensors<C, scalar, layout>(steps{}));
  template <class Request>
  using results =
      decltype(requested_results<requested_operands<Request>::bits, scalar, layout,
                                 std::tuple<Ops...>>(std::index_sequence_for<Ops...>{}));
};

/// The gradients of the call C for `Request`, given the forward values (all but the root's) of
/// its tree: the checks of gradient first, then the backward walk.
template <class C, class Text, class Request, bool Keep, class Types, class Values, class G,
          class Ops>
auto gradients_from(const label_extents& extent, Values& values, const G& g, const Ops& ops) {
  using results_t = typename Types::template results<Request>;
  // wrt's first position that is no operand's raises gradient's error for a K out of range.
  constexpr int invalid = invalid_request<Request>(C::num_operands);
  constexpr int k = invalid == -1 ? 0 : invalid;
  if constexpr (gradient_mistake<C, k, G, typename Types::first>() != gradient_error::none) {
    raise_gradient_error<C, k, G, typename Types::first>();
    return results_t{};
  } else {
    std::apply([&](const auto&... op) { check_gradient<C, Text>(extent, g, op...); }, ops);
    results_t results;
    if constexpr (C::num_operands == 1) {
      if constexpr ((requested_operands<Request>::bits & 1) != 0) {
        std::get<0>(results) = gradient<Text, 0, Request>(g, std::get<0>(ops));
      }
    } else {
      backward_steps<C, gradient_option<C>, Request, Keep>(results, values, g, ops,
                                                           typename Types::steps{});
    }
    return results;
  }
}

/// The last step of C's tree writing the output as written: `lhs,rhs->output`.
template <class C>
struct output_step_text {
  static constexpr const gradient_tree& tree = tree_of_call<C>::value;
  static constexpr subscript_chars value =
      text_of(tree.labels[tree.lhs[tree.num_steps - 1]], tree.labels[tree.rhs[tree.num_steps - 1]],
              C::written.output);
  using type = subscript_type<chars_of<value>>;
};

/// An einsum evaluated once, with the forward values of its contraction tree kept, so that its
/// gradients take the backward walk only. Holds the operands it was given as lvalues by
/// reference (they must outlive it), and those given as rvalues by value.
template <class Text, class Option, class... Stored>
class recorded_einsum {
  using c = compiled<Text, Option, operand_t<std::decay_t<Stored>>...>;
  using types = gradient_types<c, operand_t<std::decay_t<Stored>>...>;

public:
  using output_tensor =
      scratch_tensor<typename types::scalar, c::written.output.size, types::layout>;

  template <class... Args>
  explicit recorded_einsum(Args&&... ops) : m_ops(std::forward<Args>(ops)...) {
    std::apply(
        [&](const auto&... op) {
          m_extent = check_extents(c::expanded, Text::value, extents_of(op)...);
          if constexpr (c::num_operands == 1) {
            m_output.assign(einsum<Text, Option>(op...));
          }
        },
        m_ops);
    if constexpr (c::num_operands > 1) {
      constexpr const gradient_tree& t = tree_of_call<c>::value;
      constexpr int last = t.num_steps - 1;
      forward_steps<c, gradient_option<c>>(m_values, m_ops, typename types::steps{});
      m_output.assign(einsum<typename output_step_text<c>::type, gradient_option<c>>(
          node_value<c, t.lhs[last]>(m_values, m_ops),
          node_value<c, t.rhs[last]>(m_values, m_ops)));
    }
  }

  /// einsum's result, a TensorMap over scratch memory the record owns (reused from record to
  /// record, as the intermediates').
  const typename output_tensor::map_type& output() const { return m_output.map(); }

  /// The gradients with respect to every operand (or those `wrt<K...>` requests), given the
  /// gradient `g` of the output: the backward walk over the kept values. Raises the errors of
  /// gradients.
  template <class Request = default_options, class G>
  auto gradients(const G& g) const {
    return gradients_from<c, Text, Request, true, types>(m_extent, m_values, g, m_ops);
  }

private:
  std::tuple<Stored...> m_ops;
  label_extents m_extent{};
  typename types::values m_values;
  output_tensor m_output;
};

/// The driver behind the public record: einsum's compile errors, else the recorded einsum.
template <class Text, class Option, class... Ops>
auto record(Ops&&... ops) {
  using c = compiled<Text, Option, operand_t<std::decay_t<Ops>>...>;
  if constexpr (!c::ok) {
    raise_error<c::check, c::parsed>();
    return invalid_einsum{};
  } else {
    // An lvalue is kept by reference, an rvalue (a temporary expression) by value.
    return recorded_einsum<Text, Option,
                           std::conditional_t<std::is_lvalue_reference_v<Ops>,
                                              const std::decay_t<Ops>&, std::decay_t<Ops>>...>(
        std::forward<Ops>(ops)...);
  }
}

/// The driver behind the public gradients: the checks of gradient, then one forward pass over
/// the contraction tree and one backward pass, every requested gradient into its own Tensor.
template <class Text, class Option, class G, class... Ops>
auto gradients(const G& g, const Ops&... ops) {
  using c = compiled<Text, Option, operand_t<Ops>...>;
  using first = std::tuple_element_t<0, std::tuple<Ops..., G>>;
  if constexpr (!c::ok) {
    raise_gradient_error<c, 0, G, first>();
    return invalid_einsum{};
  } else {
    const label_extents extent = check_extents(c::expanded, Text::value, extents_of(ops)...);
    const auto operands = std::forward_as_tuple(ops...);
    using types = gradient_types<c, operand_t<Ops>...>;
    typename types::values values;
    if constexpr (c::num_operands > 1) {
      forward_steps<c, gradient_option<c>>(values, operands, typename types::steps{});
    }
    return gradients_from<c, Text, Option, false, types>(extent, values, g, operands);
  }
}

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_LOWER_GRADIENT_HPP
