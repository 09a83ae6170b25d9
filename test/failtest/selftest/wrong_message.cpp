// Harness self-test: the ko version fails with a message the regex does not match.
template <class T>
inline constexpr bool false_v = false;

template <class T>
struct selftest_wrong_message {
  static_assert(false_v<T>, "einsum: some other message");
};

int main() {
#ifdef EIGEN_EINSUM_FAILTEST_KO
  selftest_wrong_message<int> instance;
  (void)instance;
#endif
  return 0;
}
