// eigen-einsum: the subscript as a template argument, and the one type it becomes whatever the
// spelling (C++20 string literal, C++17 named fixed_string, Boost.Hana string).
#ifndef EIGEN_EINSUM_FIXED_STRING_HPP
#define EIGEN_EINSUM_FIXED_STRING_HPP

#include "config.hpp"

#include <cstddef>
#include <type_traits>
#include <utility>

namespace eigen_einsum {

/// A subscript held by value, so that it can be a template argument.
///
/// C++20: `einsum<"ij,jk->ik">(a, b)` builds one implicitly.
/// C++17: declare it `static constexpr` (at namespace, class or function scope) and pass it by
/// name:
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

namespace detail {

/// The subscript text as a type whose name spells it: every spelling of one subscript gives
/// this same type, and so the same einsum expression type.
template <char... Text>
struct subscript_text {
  static constexpr char value[] = {Text..., '\0'};
  static constexpr std::size_t size = sizeof...(Text);
};

template <class String, std::size_t... I>
subscript_text<String::get(I)...> text_type_of(std::index_sequence<I...>);

#if EIGEN_EINSUM_HAS_STRING_LITERAL_SUBSCRIPT
/// The characters of a fixed_string template argument.
template <fixed_string S>
struct string_chars {
  static constexpr char get(std::size_t i) { return S.text[i]; }
  static constexpr std::size_t size = S.size();
};
#endif

template <class T>
inline constexpr bool is_fixed_string = false;
template <std::size_t N>
inline constexpr bool is_fixed_string<fixed_string<N>> = true;

/// The characters of a named `static constexpr fixed_string` (einsum checks is_fixed_string).
template <const auto& S>
struct named_chars {
  static constexpr char get(std::size_t i) { return S.text[i]; }
  static constexpr std::size_t size = std::decay_t<decltype(S)>::size();
};

template <class Chars>
using subscript_type = decltype(text_type_of<Chars>(std::make_index_sequence<Chars::size>{}));

} // namespace detail
} // namespace eigen_einsum

#endif // EIGEN_EINSUM_FIXED_STRING_HPP
