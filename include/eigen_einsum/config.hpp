// eigen-einsum: configuration, the one place with compiler and standard detection. Includes no
// Eigen header, so that the planner can be built without Eigen.
#ifndef EIGEN_EINSUM_CONFIG_HPP
#define EIGEN_EINSUM_CONFIG_HPP

#if __cplusplus < 201703L && (!defined(_MSVC_LANG) || _MSVC_LANG < 201703L)
#error "eigen-einsum needs C++17 or newer"
#endif

// C++20 class-type template parameters allow the einsum<"ij,jk->ik"> spelling. Clang 12-17
// support them but do not advertise it in __cpp_nontype_template_args.
#if defined(__cpp_nontype_template_args) && __cpp_nontype_template_args >= 201911L
#define EIGEN_EINSUM_HAS_STRING_LITERAL_SUBSCRIPT 1
#elif defined(__clang__) && __clang_major__ >= 12 && __cplusplus >= 202002L
#define EIGEN_EINSUM_HAS_STRING_LITERAL_SUBSCRIPT 1
#else
#define EIGEN_EINSUM_HAS_STRING_LITERAL_SUBSCRIPT 0
#endif

// GCC and Clang count trailing zeros in one instruction, in constant expressions too.
#if defined(__GNUC__) || defined(__clang__)
#define EIGEN_EINSUM_HAS_BUILTIN_CTZ 1
#else
#define EIGEN_EINSUM_HAS_BUILTIN_CTZ 0
#endif

// Inlines every call in a kernel: in large translation units GCC leaves Eigen's register
// transposes out of line, which slows a permutation by a third.
#if defined(__GNUC__) || defined(__clang__)
#define EIGEN_EINSUM_FLATTEN __attribute__((flatten))
#else
#define EIGEN_EINSUM_FLATTEN
#endif

// Inlines a per-call function whatever the caller's size: a call's extent check folds to a few
// compares only when inlined into it, and GCC stops inlining once an einsum's body grows.
#if defined(__GNUC__) || defined(__clang__)
#define EIGEN_EINSUM_ALWAYS_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define EIGEN_EINSUM_ALWAYS_INLINE __forceinline
#else
#define EIGEN_EINSUM_ALWAYS_INLINE inline
#endif

// Whether exceptions are enabled (not under -fno-exceptions): shape errors are then thrown.
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define EIGEN_EINSUM_HAS_EXCEPTIONS 1
#else
#define EIGEN_EINSUM_HAS_EXCEPTIONS 0
#endif

// Newer Eigen moved the Tensor module; the old path still forwards there.
#if __has_include(<unsupported/Eigen/Tensor>) && !__has_include(<unsupported/Eigen/CXX11/Tensor>)
#define EIGEN_EINSUM_TENSOR_HEADER <unsupported/Eigen/Tensor>
#else
#define EIGEN_EINSUM_TENSOR_HEADER <unsupported/Eigen/CXX11/Tensor>
#endif

#endif // EIGEN_EINSUM_CONFIG_HPP
