// Spells an einsum call the same way under C++17 and C++20, so one test file runs under both.
#ifndef EIGEN_EINSUM_TEST_SUPPORT_SUBSCRIPT_HPP
#define EIGEN_EINSUM_TEST_SUPPORT_SUBSCRIPT_HPP

#include <eigen_einsum/einsum.hpp>

#include <utility>

#if EIGEN_EINSUM_HAS_STRING_LITERAL_SUBSCRIPT
#define EINSUM(text, ...) ::eigen_einsum::einsum<text>(__VA_ARGS__)
#define EINSUM_WITH(option, text, ...) ::eigen_einsum::einsum<text, option>(__VA_ARGS__)
#define GRADIENT(text, k, ...) ::eigen_einsum::gradient<text, k>(__VA_ARGS__)
#define GRADIENT_WITH(option, text, k, ...) ::eigen_einsum::gradient<text, k, option>(__VA_ARGS__)
#define GRADIENTS(text, ...) ::eigen_einsum::gradients<text>(__VA_ARGS__)
#define GRADIENTS_WITH(option, text, ...) ::eigen_einsum::gradients<text, option>(__VA_ARGS__)
#define RECORD(text, ...) ::eigen_einsum::record<text>(__VA_ARGS__)
#define EINSUM_PATH(text, ...) ::eigen_einsum::einsum_path<text>(__VA_ARGS__)
#else
// C++17: the subscript as a function-local static constexpr fixed_string. The operands are the
// lambda's arguments, so temporaries among them live until the end of the caller's expression.
#define EINSUM(text, ...)                                                                          \
  ([](auto&&... einsum_operands) -> decltype(auto) {                                               \
    static constexpr ::eigen_einsum::fixed_string einsum_subscript{text};                          \
    return ::eigen_einsum::einsum<einsum_subscript>(                                               \
        std::forward<decltype(einsum_operands)>(einsum_operands)...);                              \
  }(__VA_ARGS__))
#define EINSUM_WITH(option, text, ...)                                                             \
  ([](auto&&... einsum_operands) -> decltype(auto) {                                               \
    static constexpr ::eigen_einsum::fixed_string einsum_subscript{text};                          \
    return ::eigen_einsum::einsum<einsum_subscript, option>(                                       \
        std::forward<decltype(einsum_operands)>(einsum_operands)...);                              \
  }(__VA_ARGS__))
#define GRADIENT(text, k, ...)                                                                     \
  ([](const auto&... gradient_operands) -> decltype(auto) {                                        \
    static constexpr ::eigen_einsum::fixed_string gradient_subscript{text};                        \
    return ::eigen_einsum::gradient<gradient_subscript, k>(gradient_operands...);                  \
  }(__VA_ARGS__))
#define GRADIENT_WITH(option, text, k, ...)                                                        \
  ([](const auto&... gradient_operands) -> decltype(auto) {                                        \
    static constexpr ::eigen_einsum::fixed_string gradient_subscript{text};                        \
    return ::eigen_einsum::gradient<gradient_subscript, k, option>(gradient_operands...);          \
  }(__VA_ARGS__))
#define GRADIENTS(text, ...)                                                                       \
  ([](const auto&... gradient_operands) {                                                          \
    static constexpr ::eigen_einsum::fixed_string gradient_subscript{text};                        \
    return ::eigen_einsum::gradients<gradient_subscript>(gradient_operands...);                    \
  }(__VA_ARGS__))
#define GRADIENTS_WITH(option, text, ...)                                                          \
  ([](const auto&... gradient_operands) {                                                          \
    static constexpr ::eigen_einsum::fixed_string gradient_subscript{text};                        \
    return ::eigen_einsum::gradients<gradient_subscript, option>(gradient_operands...);            \
  }(__VA_ARGS__))
#define RECORD(text, ...)                                                                          \
  ([](auto&&... record_operands) {                                                                 \
    static constexpr ::eigen_einsum::fixed_string record_subscript{text};                          \
    return ::eigen_einsum::record<record_subscript>(                                               \
        std::forward<decltype(record_operands)>(record_operands)...);                              \
  }(__VA_ARGS__))
#define EINSUM_PATH(text, ...)                                                                     \
  ([](const auto&... path_operands) {                                                              \
    static constexpr ::eigen_einsum::fixed_string path_subscript{text};                            \
    return ::eigen_einsum::einsum_path<path_subscript>(path_operands...);                          \
  }(__VA_ARGS__))
#endif

#endif // EIGEN_EINSUM_TEST_SUPPORT_SUBSCRIPT_HPP
