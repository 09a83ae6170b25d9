// Harness self-test: the ko version has two errors, which check.cmake must reject as a cascade.
template <class T>
inline constexpr bool false_v = false;

template <class T>
struct selftest_cascade {
  static_assert(false_v<T>, "einsum: selftest cascade");
};

int main() {
#ifdef EIGEN_EINSUM_FAILTEST_KO
  selftest_cascade<int> first;
  selftest_cascade<long> second;
  (void)first;
  (void)second;
#endif
  return 0;
}
