// Harness self-test: the ko version compiles, which check.cmake must reject.
int main() {
  return 0;
}
