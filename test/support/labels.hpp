// Compares a parsed label_list with its labels written as text, for the stage tests.
#ifndef EIGEN_EINSUM_TEST_SUPPORT_LABELS_HPP
#define EIGEN_EINSUM_TEST_SUPPORT_LABELS_HPP

#include <eigen_einsum/plan/parse.hpp>

#include <cstddef>
#include <string_view>

namespace eigen_einsum_test {

/// Whether `t` holds exactly `labels`, in order. Example: `labels_are(s.output, "ik")`.
constexpr bool labels_are(const eigen_einsum::detail::label_list& t, std::string_view labels) {
  if (t.size != static_cast<int>(labels.size())) {
    return false;
  }
  for (int i = 0; i < t.size; ++i) {
    if (t.labels[i] != labels[static_cast<std::size_t>(i)]) {
      return false;
    }
  }
  return true;
}

} // namespace eigen_einsum_test

#endif // EIGEN_EINSUM_TEST_SUPPORT_LABELS_HPP
