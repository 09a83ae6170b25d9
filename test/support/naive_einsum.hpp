// Independent naive einsum used as the reference in tests: shares no code with include/.
#ifndef EIGEN_EINSUM_TEST_SUPPORT_NAIVE_EINSUM_HPP
#define EIGEN_EINSUM_TEST_SUPPORT_NAIVE_EINSUM_HPP

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <iomanip>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>
#include <unsupported/Eigen/CXX11/Tensor>

namespace eigen_einsum_test {

using Eigen::Index;

namespace detail {

/// Number of coefficients of a tensor with these extents (1 for rank 0).
inline Index product(const std::vector<Index>& dims) {
  Index size = 1;
  for (Index extent : dims)
    size *= extent;
  return size;
}

/// Copies a multi-index into a std::array of its rank. An element loop, not std::copy: for rank 0
/// GCC 12 at -O3 warns (-Wnonnull) on the memmove into std::array<T, 0>'s null begin().
template <class T, std::size_t N>
void copy_to(const std::vector<T>& from, std::array<T, N>& to) {
  for (std::size_t d = 0; d < N; ++d)
    to[d] = from[d];
}

/// Calls `f(index)` for every multi-index within `dims`, first index fastest; once for rank 0.
template <class F>
void for_each_index(const std::vector<Index>& dims, F&& f) {
  if (product(dims) == 0)
    return; // a zero extent leaves nothing to visit
  std::vector<Index> index(dims.size(), 0);
  const std::vector<Index>& current = index; // f sees the index but cannot move the odometer
  for (;;) {
    f(current);
    std::size_t d = 0;
    for (; d < dims.size(); ++d) {
      if (++index[d] < dims[d])
        break;
      index[d] = 0;
    }
    if (d == dims.size())
      return; // every digit wrapped: the odometer is done
  }
}

/// Formats a multi-index as `(i, j, k)`.
inline std::string index_text(const std::vector<Index>& index) {
  std::ostringstream out;
  out << '(';
  for (std::size_t d = 0; d < index.size(); ++d)
    out << (d ? ", " : "") << index[d];
  out << ')';
  return out.str();
}

template <class T>
struct is_complex : std::false_type {};
template <class T>
struct is_complex<std::complex<T>> : std::true_type {};

} // namespace detail

/// A run-time-rank tensor: extents plus coefficients in ColMajor order (first index fastest).
/// Example: `dyn_tensor<int> m({2, 2}, {1, 3, 2, 4});` is [[1, 2], [3, 4]].
/// Constructors throw std::invalid_argument on a negative extent or a wrong coefficient count.
template <class Scalar>
struct dyn_tensor {
  std::vector<Index> dims;
  std::vector<Scalar> data;

  /// A rank-0 tensor holding zero.
  dyn_tensor() : data(1, Scalar(0)) {}

  /// A zero-filled tensor with these extents.
  explicit dyn_tensor(std::vector<Index> extents) : dims(std::move(extents)) {
    check_extents();
    data.assign(static_cast<std::size_t>(detail::product(dims)), Scalar(0));
  }

  /// A tensor with these extents and these ColMajor coefficients.
  dyn_tensor(std::vector<Index> extents, std::vector<Scalar> coefficients)
      : dims(std::move(extents)), data(std::move(coefficients)) {
    check_extents();
    if (static_cast<Index>(data.size()) != detail::product(dims))
      throw std::invalid_argument("dyn_tensor: " + std::to_string(data.size()) +
                                  " coefficients given for extents needing " +
                                  std::to_string(detail::product(dims)));
  }

  /// Number of dimensions.
  Index rank() const { return static_cast<Index>(dims.size()); }

  /// Number of coefficients.
  Index size() const { return static_cast<Index>(data.size()); }

  /// Coefficient at a multi-index; throws std::out_of_range on a wrong rank or index.
  Scalar& operator()(const std::vector<Index>& index) { return data[offset(index)]; }

  /// Coefficient at a multi-index; throws std::out_of_range on a wrong rank or index.
  const Scalar& operator()(const std::vector<Index>& index) const { return data[offset(index)]; }

private:
  void check_extents() const {
    for (Index extent : dims)
      if (extent < 0)
        throw std::invalid_argument("dyn_tensor: negative extent");
  }

  std::size_t offset(const std::vector<Index>& index) const {
    if (index.size() != dims.size())
      throw std::out_of_range("dyn_tensor: index of rank " + std::to_string(index.size()) +
                              " into a tensor of rank " + std::to_string(dims.size()));
    Index offset = 0;
    Index stride = 1;
    for (std::size_t d = 0; d < dims.size(); ++d) {
      if (index[d] < 0 || index[d] >= dims[d])
        throw std::out_of_range("dyn_tensor: index " + detail::index_text(index) + " out of range");
      offset += index[d] * stride;
      stride *= dims[d];
    }
    return static_cast<std::size_t>(offset);
  }
};

/// Builds a dyn_tensor from coefficients listed in RowMajor order, as numpy's `a.ravel()` prints
/// them. Example: `from_row_major<int>({2, 2}, {1, 2, 3, 4})` is [[1, 2], [3, 4]]. Throws
/// std::invalid_argument when the coefficient count does not match the extents.
template <class Scalar>
dyn_tensor<Scalar> from_row_major(std::vector<Index> dims, const std::vector<Scalar>& row_major) {
  dyn_tensor<Scalar> result(std::move(dims));
  if (static_cast<Index>(row_major.size()) != result.size())
    throw std::invalid_argument("from_row_major: " + std::to_string(row_major.size()) +
                                " coefficients given for extents needing " +
                                std::to_string(result.size()));
  // Walk the reversed extents first-index-fastest: that is RowMajor order of the original.
  const std::vector<Index> reversed(result.dims.rbegin(), result.dims.rend());
  std::size_t next = 0;
  detail::for_each_index(reversed, [&](const std::vector<Index>& r) {
    result(std::vector<Index>(r.rbegin(), r.rend())) = row_major[next++];
  });
  return result;
}

namespace detail {

constexpr char ellipsis = '.'; // a parsed subscript stores "..." as this single character

inline bool is_label(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

inline std::invalid_argument einsum_error(const std::string& what) {
  return std::invalid_argument("naive_einsum: " + what);
}

/// One operand or output subscript: spaces dropped, "..." collapsed to one `ellipsis`.
inline std::string parse_term(std::string_view term, const std::string& where) {
  std::string parsed;
  for (std::size_t i = 0; i < term.size();) {
    const char c = term[i];
    if (c == ' ') {
      ++i;
    } else if (is_label(c)) {
      parsed += c;
      ++i;
    } else if (c == '.') {
      if (term.substr(i, 3) != "...")
        throw einsum_error("a '.' that is not part of an ellipsis '...' in " + where);
      if (parsed.find(ellipsis) != std::string::npos)
        throw einsum_error("more than one ellipsis '...' in " + where);
      parsed += ellipsis;
      i += 3;
    } else {
      throw einsum_error(std::string("invalid character '") + c + "' in " + where +
                         "; labels must be letters a-z or A-Z");
    }
  }
  return parsed;
}

struct parsed_subscript {
  std::vector<std::string> inputs; // one per operand, "..." as `ellipsis`
  std::string output;              // explicit or implicit, "..." as `ellipsis`
};

/// Splits and checks a subscript; derives the implicit output when there is no "->".
inline parsed_subscript parse_subscript(std::string_view subscript) {
  std::string_view inputs = subscript;
  std::string_view output;
  const std::size_t arrow = subscript.find("->");
  const bool explicit_output = arrow != std::string_view::npos;
  if (explicit_output) {
    inputs = subscript.substr(0, arrow);
    output = subscript.substr(arrow + 2);
  }
  // A '-' or '>' left over is a broken or second arrow.
  if (inputs.find_first_of("->") != std::string_view::npos ||
      output.find_first_of("->") != std::string_view::npos)
    throw einsum_error("the subscript '" + std::string(subscript) +
                       "' has a '-' or '>' that is not one single '->'");

  parsed_subscript parsed;
  for (std::size_t begin = 0;;) {
    const std::size_t comma = inputs.find(',', begin);
    const std::string where = "operand subscript " + std::to_string(parsed.inputs.size());
    parsed.inputs.push_back(parse_term(inputs.substr(begin, comma - begin), where));
    if (comma == std::string_view::npos)
      break;
    begin = comma + 1;
  }

  std::array<int, 128> count{}; // occurrences of each label over all operand subscripts
  bool any_ellipsis = false;
  for (const std::string& input : parsed.inputs)
    for (char c : input) {
      if (c == ellipsis)
        any_ellipsis = true;
      else
        ++count[static_cast<unsigned char>(c)];
    }

  if (explicit_output) {
    parsed.output = parse_term(output, "the output subscript");
    std::array<bool, 128> seen{};
    for (char c : parsed.output) {
      if (c == ellipsis)
        continue;
      const auto u = static_cast<unsigned char>(c);
      if (seen[u])
        throw einsum_error(std::string("output label '") + c + "' appears twice");
      if (count[u] == 0)
        throw einsum_error(std::string("output label '") + c +
                           "' does not appear in any operand subscript");
      seen[u] = true;
    }
  } else {
    // numpy's implicit output: the ellipsis first, then labels seen once, in ASCII order.
    if (any_ellipsis)
      parsed.output += ellipsis;
    for (int c = 0; c < 128; ++c)
      if (count[static_cast<std::size_t>(c)] == 1)
        parsed.output += static_cast<char>(c);
  }
  return parsed;
}

struct axis_stride {
  std::size_t axis; // position in the iteration space
  Index stride;     // 0 where the operand broadcasts an extent-1 dimension
};

/// ColMajor strides of `dims` over the given axes, 0 on extent-1 dimensions so they broadcast.
inline std::vector<axis_stride> strides_for(const std::vector<Index>& dims,
                                            const std::vector<std::size_t>& axes) {
  std::vector<axis_stride> result;
  Index stride = 1;
  for (std::size_t d = 0; d < dims.size(); ++d) {
    result.push_back({axes[d], dims[d] == 1 ? 0 : stride});
    stride *= dims[d];
  }
  return result;
}

inline Index offset_of(const std::vector<axis_stride>& strides, const std::vector<Index>& value) {
  Index offset = 0;
  for (const axis_stride& s : strides)
    offset += value[s.axis] * s.stride;
  return offset;
}

} // namespace detail

/// numpy.einsum on dyn_tensors by brute force: loops over every value of every label.
/// Example: `naive_einsum<double>("ij,jk->ik", {a, b})` is the matrix product.
/// Follows numpy's optimize=True path: ellipsis dimensions missing from an explicit output are
/// summed (numpy's default C path rejects that). Label extents must match exactly; only
/// ellipsis dimensions broadcast extent 1. Throws std::invalid_argument on a malformed
/// subscript, a wrong operand count or rank, or mismatched extents.
template <class Scalar>
dyn_tensor<Scalar> naive_einsum(std::string_view subscript,
                                std::vector<dyn_tensor<Scalar>> operands) {
  using detail::einsum_error;
  using detail::ellipsis;
  const detail::parsed_subscript parsed = detail::parse_subscript(subscript);
  if (parsed.inputs.size() != operands.size())
    throw einsum_error("the subscript '" + std::string(subscript) + "' names " +
                       std::to_string(parsed.inputs.size()) + " operands but " +
                       std::to_string(operands.size()) + " were given");

  // Rank the ellipsis stands for in each operand, and the broadcast rank over all of them.
  std::vector<Index> ellipsis_ranks;
  Index ellipsis_rank = 0;
  for (std::size_t k = 0; k < operands.size(); ++k) {
    const dyn_tensor<Scalar>& operand = operands[k];
    if (operand.size() != detail::product(operand.dims))
      throw einsum_error("operand " + std::to_string(k) +
                         " holds a coefficient count that does not match its extents");
    const std::string& input = parsed.inputs[k];
    const bool has_ellipsis = input.find(ellipsis) != std::string::npos;
    const Index labels = static_cast<Index>(input.size()) - (has_ellipsis ? 1 : 0);
    if (has_ellipsis ? operand.rank() < labels : operand.rank() != labels)
      throw einsum_error("operand " + std::to_string(k) + " has rank " +
                         std::to_string(operand.rank()) + " but its subscript names " +
                         std::to_string(labels) + " labels" +
                         (has_ellipsis ? " plus an ellipsis" : ""));
    ellipsis_ranks.push_back(operand.rank() - labels);
    ellipsis_rank = std::max(ellipsis_rank, ellipsis_ranks.back());
  }

  // Iteration space: ellipsis dimensions first (extent 1 until an operand widens them),
  // then one axis per distinct label.
  std::vector<Index> axis_extent(static_cast<std::size_t>(ellipsis_rank), 1);
  std::array<std::size_t, 128> label_axis{};
  std::array<std::size_t, 128> label_operand{}; // operand that fixed the extent, for messages
  std::array<bool, 128> has_axis{};
  std::vector<std::vector<std::size_t>> operand_axes(operands.size());
  for (std::size_t k = 0; k < operands.size(); ++k) {
    const dyn_tensor<Scalar>& operand = operands[k];
    std::size_t d = 0;
    for (char c : parsed.inputs[k]) {
      if (c == ellipsis) {
        // Right-aligned: an operand's ellipsis covers the last of the broadcast axes.
        for (Index e = 0; e < ellipsis_ranks[k]; ++e, ++d) {
          const auto axis = static_cast<std::size_t>(ellipsis_rank - ellipsis_ranks[k] + e);
          const Index extent = operand.dims[d];
          if (axis_extent[axis] == 1)
            axis_extent[axis] = extent;
          else if (extent != 1 && extent != axis_extent[axis])
            throw einsum_error("ellipsis dimension " + std::to_string(axis) + " has extent " +
                               std::to_string(extent) + " in operand " + std::to_string(k) +
                               ", which does not broadcast with " +
                               std::to_string(axis_extent[axis]));
          operand_axes[k].push_back(axis);
        }
        continue;
      }
      const auto u = static_cast<unsigned char>(c);
      const Index extent = operand.dims[d];
      if (!has_axis[u]) {
        has_axis[u] = true;
        label_axis[u] = axis_extent.size();
        label_operand[u] = k;
        axis_extent.push_back(extent);
      } else if (axis_extent[label_axis[u]] != extent) {
        throw einsum_error(std::string("label '") + c + "' has extent " +
                           std::to_string(axis_extent[label_axis[u]]) + " in operand " +
                           std::to_string(label_operand[u]) + " but " + std::to_string(extent) +
                           " in operand " + std::to_string(k));
      }
      operand_axes[k].push_back(label_axis[u]);
      ++d;
    }
  }

  // Output dimensions; axes left out of it are summed over.
  std::vector<std::size_t> output_axes;
  for (char c : parsed.output) {
    if (c == ellipsis)
      for (Index e = 0; e < ellipsis_rank; ++e)
        output_axes.push_back(static_cast<std::size_t>(e));
    else
      output_axes.push_back(label_axis[static_cast<unsigned char>(c)]);
  }
  std::vector<Index> output_dims;
  for (std::size_t axis : output_axes)
    output_dims.push_back(axis_extent[axis]);
  dyn_tensor<Scalar> result(output_dims);

  std::vector<std::vector<detail::axis_stride>> operand_strides;
  for (std::size_t k = 0; k < operands.size(); ++k)
    operand_strides.push_back(detail::strides_for(operands[k].dims, operand_axes[k]));
  const std::vector<detail::axis_stride> output_strides =
      detail::strides_for(output_dims, output_axes);

  detail::for_each_index(axis_extent, [&](const std::vector<Index>& value) {
    Scalar term(1);
    for (std::size_t k = 0; k < operands.size(); ++k)
      term *=
          operands[k].data[static_cast<std::size_t>(detail::offset_of(operand_strides[k], value))];
    result.data[static_cast<std::size_t>(detail::offset_of(output_strides, value))] += term;
  });
  return result;
}

/// Copies an Eigen tensor (Tensor, TensorFixedSize, TensorMap, or an expression, evaluated first)
/// of any rank and layout into a dyn_tensor.
/// Example: `to_dyn(Eigen::Tensor<float, 2, Eigen::RowMajor>(2, 3))` has dims {2, 3}.
template <class TensorLike>
auto to_dyn(const TensorLike& tensor) {
  using traits = Eigen::internal::traits<TensorLike>;
  using Scalar = std::remove_const_t<typename traits::Scalar>;
  constexpr int rank = traits::NumDimensions;
  const Eigen::Tensor<Scalar, rank, traits::Layout> evaluated(tensor); // one path for all kinds

  std::vector<Index> dims;
  for (std::size_t d = 0; d < static_cast<std::size_t>(rank); ++d)
    dims.push_back(evaluated.dimension(d));
  dyn_tensor<Scalar> result(dims);
  const Scalar* from = evaluated.data();
  Scalar* to = result.data.data();
  const Index size = static_cast<Index>(result.data.size());
  if constexpr (traits::Layout == Eigen::ColMajor || rank < 2) {
    for (Index k = 0; k < size; ++k)
      to[k] = from[k];
  } else {
    // Raw arrays and an odometer: these loops run over every tested coefficient at -O0.
    Index extent[rank], stride[rank], index[rank];
    Index step = 1;
    for (int d = rank - 1; d >= 0; --d) {
      extent[d] = dims[std::size_t(d)];
      stride[d] = step;
      index[d] = 0;
      step *= extent[d];
    }
    Index offset = 0; // RowMajor offset of the ColMajor position k
    for (Index k = 0; k < size; ++k) {
      to[k] = from[offset];
      for (int d = 0; d < rank; ++d) {
        offset += stride[d];
        if (++index[d] < extent[d])
          break;
        offset -= stride[d] * extent[d];
        index[d] = 0;
      }
    }
  }
  return result;
}

/// Returns a dyn_tensor unchanged, so require_equal can compare two references.
template <class Scalar>
dyn_tensor<Scalar> to_dyn(const dyn_tensor<Scalar>& tensor) {
  return tensor;
}

/// Copies a dyn_tensor into an Eigen::Tensor of the given rank and layout.
/// Example: `to_tensor<2, Eigen::RowMajor>(from_row_major<int>({2, 2}, {1, 2, 3, 4}))`.
/// Throws std::invalid_argument when the dyn_tensor's rank is not `Rank`.
template <int Rank, int Layout = Eigen::ColMajor, class Scalar>
Eigen::Tensor<Scalar, Rank, Layout> to_tensor(const dyn_tensor<Scalar>& tensor) {
  if (tensor.rank() != Rank)
    throw std::invalid_argument("to_tensor: a dyn_tensor of rank " + std::to_string(tensor.rank()) +
                                " into a Tensor of rank " + std::to_string(Rank));
  std::array<Index, Rank> dims{};
  detail::copy_to(tensor.dims, dims);
  Eigen::Tensor<Scalar, Rank, Layout> result(dims);
  detail::for_each_index(tensor.dims, [&](const std::vector<Index>& index) {
    std::array<Index, Rank> at{};
    detail::copy_to(index, at);
    if constexpr (Rank == 0)
      result() = tensor(index);
    else
      result(at) = tensor(index);
  });
  return result;
}

/// Relative and absolute tolerance for comparing results of type Scalar (both 0: exact).
template <class Scalar>
struct tolerance {
  static constexpr double relative = 0;
  static constexpr double absolute = 0;
};
template <>
struct tolerance<float> {
  static constexpr double relative = 1e-4;
  static constexpr double absolute = 1e-4;
};
template <>
struct tolerance<double> {
  static constexpr double relative = 1e-10;
  static constexpr double absolute = 1e-10;
};
template <>
struct tolerance<long double> : tolerance<double> {};
template <class Real>
struct tolerance<std::complex<Real>> : tolerance<Real> {};

namespace detail {

template <class Real>
bool real_near(Real got, Real expected) {
  if constexpr (std::is_integral_v<Real>) {
    return got == expected;
  } else {
    const double bound = tolerance<Real>::absolute +
                         tolerance<Real>::relative * std::abs(static_cast<double>(expected));
    // `<=` is false for a NaN, so a NaN never compares near.
    return std::abs(static_cast<double>(got) - static_cast<double>(expected)) <= bound;
  }
}

template <class Scalar>
bool near(const Scalar& got, const Scalar& expected) {
  if constexpr (is_complex<Scalar>::value)
    return real_near(got.real(), expected.real()) && real_near(got.imag(), expected.imag());
  else
    return real_near(got, expected);
}

template <class Scalar>
std::string value_text(const Scalar& value) {
  std::ostringstream out;
  out << std::setprecision(std::numeric_limits<double>::max_digits10);
  if constexpr (std::is_integral_v<Scalar>)
    out << static_cast<long long>(value); // chars as numbers
  else
    out << value;
  return out.str();
}

} // namespace detail

/// Catch2 REQUIREs that `got` (any Eigen tensor or dyn_tensor) has `expected`'s rank, extents and
/// coefficients: exact for integers, within tolerance<Scalar> for float, double and complex.
/// Example: `require_equal(einsum<"ij,jk->ik">(a, b), naive_einsum<float>("ij,jk->ik", {to_dyn(a),
/// to_dyn(b)}));` On failure reports the number of differing coefficients and the first one.
template <class TensorLike, class Scalar>
void require_equal(const TensorLike& got, const dyn_tensor<Scalar>& expected) {
  const auto actual = to_dyn(got);
  static_assert(std::is_same_v<typename decltype(actual.data)::value_type, Scalar>,
                "require_equal: the tensor and the reference must have the same scalar type");
  REQUIRE(actual.rank() == expected.rank());
  REQUIRE(actual.dims == expected.dims);

  // Both hold ColMajor coefficients: compare them in order, first index fastest.
  Index mismatches = 0;
  std::string first;
  for (std::size_t k = 0; k < expected.data.size(); ++k) {
    if (detail::near(actual.data[k], expected.data[k]))
      continue;
    if (mismatches++ == 0) {
      std::vector<Index> index(expected.dims.size());
      Index rest = static_cast<Index>(k);
      for (std::size_t d = 0; d < index.size(); ++d) {
        index[d] = rest % expected.dims[d];
        rest /= expected.dims[d];
      }
      first = detail::index_text(index) + ": got " + detail::value_text(actual.data[k]) +
              ", expected " + detail::value_text(expected.data[k]);
    }
  }
  INFO(mismatches << " of " << expected.size() << " coefficients differ; first at " << first);
  REQUIRE(mismatches == 0);
}

/// A reproducible random tensor of small values: integers in [-3, 3] ([0, 3] if unsigned),
/// reals in [-1, 1], complex with both parts so. The same seed gives the same coefficients
/// at the same multi-index in either layout.
/// Example: `random_tensor<float, 3, Eigen::RowMajor>({2, 3, 4}, 7)`.
template <class Scalar, int Rank, int Layout = Eigen::ColMajor>
Eigen::Tensor<Scalar, Rank, Layout> random_tensor(std::array<Index, Rank> dims, unsigned seed) {
  std::mt19937 engine(seed);
  auto draw_real = [&engine](auto real_zero) {
    using Real = decltype(real_zero);
    if constexpr (std::is_integral_v<Real>) {
      // uniform_int_distribution does not take char types, so draw a long long.
      std::uniform_int_distribution<long long> pick(std::is_unsigned_v<Real> ? 0 : -3, 3);
      return static_cast<Real>(pick(engine));
    } else {
      std::uniform_real_distribution<Real> pick(Real(-1), Real(1));
      return pick(engine);
    }
  };
  auto draw = [&]() -> Scalar {
    if constexpr (detail::is_complex<Scalar>::value) {
      using Real = typename Scalar::value_type;
      const Real re = draw_real(Real(0)); // sequenced: real part first
      return Scalar(re, draw_real(Real(0)));
    } else {
      return draw_real(Scalar(0));
    }
  };

  Eigen::Tensor<Scalar, Rank, Layout> result(dims);
  const std::vector<Index> dyn_dims(dims.begin(), dims.end());
  // Fill in ColMajor logical order whatever the storage layout, so layouts agree.
  detail::for_each_index(dyn_dims, [&](const std::vector<Index>& index) {
    std::array<Index, Rank> at{};
    detail::copy_to(index, at);
    if constexpr (Rank == 0)
      result() = draw();
    else
      result(at) = draw();
  });
  return result;
}

} // namespace eigen_einsum_test

#endif // EIGEN_EINSUM_TEST_SUPPORT_NAIVE_EINSUM_HPP
