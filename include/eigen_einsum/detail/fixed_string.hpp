// eigen-einsum: a string usable as a template argument.
#ifndef EIGEN_EINSUM_DETAIL_FIXED_STRING_HPP
#define EIGEN_EINSUM_DETAIL_FIXED_STRING_HPP

#include <cstddef>

namespace eigen_einsum {

/// A subscript held by value, so that it can be a template argument.
///
/// C++20: `einsum<"ij,jk->ik">(a, b)` builds one implicitly.
/// C++17: declare it at namespace scope and pass it by name:
///   `static constexpr eigen_einsum::fixed_string matmul{"ij,jk->ik"};`
///   `einsum<matmul>(a, b);`
template <std::size_t N>
struct fixed_string {
  char text[N + 1] = {};

  constexpr fixed_string(const char (&s)[N + 1]) noexcept {
    for (std::size_t i = 0; i <= N; ++i) {
      text[i] = s[i];
    }
  }
  static constexpr std::size_t size() noexcept { return N; }
  constexpr const char* data() const noexcept { return text; }
};

template <std::size_t M>
fixed_string(const char (&)[M]) -> fixed_string<M - 1>;

} // namespace eigen_einsum

#endif // EIGEN_EINSUM_DETAIL_FIXED_STRING_HPP
