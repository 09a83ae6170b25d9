// REGEX: einsum: sanity check
// Proves the harness can fail: the ko version stops at one static_assert.
#include <type_traits>

template <class T>
inline constexpr bool false_v = false;

template <class T>
struct sanity_check {
  static_assert(false_v<T>, "einsum: sanity check");
};

int main() {
#ifdef EIGEN_EINSUM_FAILTEST_KO
  sanity_check<int> instance;
  (void)instance;
#endif
  return 0;
}
