#!/usr/bin/env bash
# Builds and runs the tests in each configuration, each in build/<name>, printing the wall time of
# every step. Ends with one line "N passed, N failed" summed over the configurations; exits
# non-zero if any step failed.
#
#   scripts/test.sh            all configurations
#   scripts/test.sh --quick    only "main"
#   scripts/test.sh NAME...    only the named configurations (main cxx17 clang release asan tsan,
#                              or the nightly asan-full and clang-full: every test under sanitizers)
#
# Environment: EIGEN_EINSUM_TEST_OPT  optimisation flags of the test builds (default -O0: Eigen's
#              tensor code compiles about 30% slower at -O1 and 4x slower with sanitizers at -O1)
#              EIGEN_EINSUM_JOBS      parallel compile and test jobs (default 2)
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
all_configs=(main cxx17 clang release asan tsan)
configs=()
for arg in "$@"; do
  case "$arg" in
    --quick) configs+=(main) ;;
    -h|--help) sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    main|cxx17|clang|release|asan|tsan|asan-full|clang-full) configs+=("$arg") ;;
    *) echo "test.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
if [[ ${#configs[@]} -eq 0 ]]; then
  configs=("${all_configs[@]}")
fi

"$root/scripts/deps.sh" || { echo "test.sh: installing dependencies failed" >&2; exit 1; }

jobs=${EIGEN_EINSUM_JOBS:-2}
opt=${EIGEN_EINSUM_TEST_OPT:--O0}
generator=()
keep_going=(-k)
if command -v ninja >/dev/null; then
  generator=(-G Ninja)
  keep_going=(-k 0)
fi
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
# GCC 12 warns that TSan does not model atomic_thread_fence (in Eigen's thread pool): not ours.
thread_sanitize="-fsanitize=thread -fno-omit-frame-pointer -Wno-tsan"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1}

seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

total_passed=0
total_failed=0
status=0
report=()

# run_config NAME COMPILER CMAKE_OPTIONS...
run_config() {
  local name=$1 compiler
  compiler=$(command -v "$2") || compiler=$2
  shift 2
  local build="$root/build/$name"
  local log="$build/ctest.log"
  local t0 t1 t2 t3 passed=0 failed=0 note=""
  # CMake drops the whole cache, -D options included, when the compiler changes: start afresh.
  if [[ -f "$build/CMakeCache.txt" ]] &&
     ! grep -qx "CMAKE_CXX_COMPILER:[A-Z]*=$compiler" "$build/CMakeCache.txt"; then
    rm -rf "$build"
  fi
  echo "=== [$name] configure"
  t0=$EPOCHREALTIME
  if ! cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Debug \
       -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_CXX_FLAGS_DEBUG="$opt" "$@"; then
    t1=$EPOCHREALTIME
    status=1
    total_failed=$((total_failed + 1))
    report+=("[$name] configure FAILED after $(seconds "$t0" "$t1") s")
    return
  fi
  t1=$EPOCHREALTIME
  echo "=== [$name] configure: $(seconds "$t0" "$t1") s"
  echo "=== [$name] build"
  # Keep going past a failed target: the tests that did build still run.
  if ! cmake --build "$build" --parallel "$jobs" -- "${keep_going[@]}"; then
    status=1
    note=" (build FAILED)"
  fi
  t2=$EPOCHREALTIME
  echo "=== [$name] build: $(seconds "$t1" "$t2") s$note"
  echo "=== [$name] test"
  ctest --test-dir "$build" --output-on-failure --no-tests=error -j "$jobs" 2>&1 | tee "$log"
  local ctest_rc=${PIPESTATUS[0]}
  t3=$EPOCHREALTIME
  local line
  line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log" | tail -n 1)
  if [[ $line =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
    failed=${BASH_REMATCH[1]}
    passed=$((BASH_REMATCH[2] - failed))
  else
    failed=1
  fi
  if [[ $ctest_rc -ne 0 || $failed -ne 0 ]]; then
    status=1
  fi
  echo "=== [$name] test: $(seconds "$t2" "$t3") s"
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  report+=("[$name] configure $(seconds "$t0" "$t1") s, build $(seconds "$t1" "$t2") s$note, test $(seconds "$t2" "$t3") s, total $(seconds "$t0" "$t3") s: $passed passed, $failed failed")
}

started=$EPOCHREALTIME
for config in "${configs[@]}"; do
  case "$config" in
    main)  run_config main g++ -DEIGEN_EINSUM_CXX_STANDARD=20 \
             -DEIGEN_EINSUM_TEST_SUBSET=OFF -DCMAKE_CXX_FLAGS= ;;
    # C++17: the subset, with einsum.cpp alone from test/einsum (main runs the aliasing,
    # zero-extent and device tests; here they cost 3.5 more minutes), and the failtests.
    cxx17) run_config cxx17 g++ -DEIGEN_EINSUM_CXX_STANDARD=17 \
             -DEIGEN_EINSUM_TEST_SUBSET=ON -DEIGEN_EINSUM_TEST_EINSUM_SUBSET=einsum.cpp \
             -DEIGEN_EINSUM_TEST_FUZZ=OFF -DCMAKE_CXX_FLAGS= ;;
    # clang++ with AddressSanitizer and UBSan: the subset (aliasing, zero extents and devices
    # included), 30 fuzz cases, the failtests' clang messages.
    clang) run_config clang clang++ -DEIGEN_EINSUM_CXX_STANDARD=20 \
             -DEIGEN_EINSUM_TEST_SUBSET=ON -DEIGEN_EINSUM_FUZZ_CASES=30 \
             -DCMAKE_CXX_FLAGS="$sanitize" ;;
    # Users build our tests optimised too, where GCC warns on things -O0 never sees: the planner,
    # the ops, batch labels end to end and a numpy corpus file at -O3 (the tour, built first, is
    # -O3 too; einsum.cpp alone takes 6.5 minutes at -O3). With -march=native, as users who build
    # for speed do: the wide-packet paths (AVX-512 where the machine has it) and GCC's warnings there.
    release) run_config release g++ -DEIGEN_EINSUM_CXX_STANDARD=20 \
             -DEIGEN_EINSUM_TEST_SUBSET=ON -DEIGEN_EINSUM_TEST_EINSUM_SUBSET=batch.cpp \
             -DEIGEN_EINSUM_TEST_FAILTESTS=OFF -DEIGEN_EINSUM_TEST_FUZZ=OFF \
             -DEIGEN_EINSUM_TEST_PACKAGE=OFF -DCMAKE_CXX_FLAGS=-march=native \
             -DCMAKE_BUILD_TYPE=Release ;;
    # g++ with AddressSanitizer and UBSan: the planner, the ops, einsum_path and batch labels end
    # to end (explicit paths: GCC's instrumentation once made them non-constant), a numpy corpus
    # file; "clang" covers the aliasing, device, fuzz and torch gradient tests, "asan-full"
    # everything (einsum.cpp alone takes about 9 minutes to compile under g++'s sanitizers).
    asan)  run_config asan g++ -DEIGEN_EINSUM_CXX_STANDARD=20 \
             -DEIGEN_EINSUM_TEST_SUBSET=ON -DEIGEN_EINSUM_TEST_EINSUM_SUBSET="einsum_path.cpp;batch.cpp" \
             -DEIGEN_EINSUM_TEST_TORCH_SUBSET= -DEIGEN_EINSUM_TEST_FAILTESTS=OFF \
             -DEIGEN_EINSUM_TEST_FUZZ=OFF -DCMAKE_CXX_FLAGS="$sanitize" ;;
    # ThreadSanitizer over the tests that run threads (ops, every lowering on ThreadPoolDevice,
    # several threads calling einsum at once).
    tsan)  run_config tsan g++ -DEIGEN_EINSUM_CXX_STANDARD=20 \
             -DEIGEN_EINSUM_TEST_THREADS_ONLY=ON -DEIGEN_EINSUM_TEST_FAILTESTS=OFF \
             -DEIGEN_EINSUM_TEST_PACKAGE=OFF -DEIGEN_EINSUM_BUILD_EXAMPLES=OFF \
             -DCMAKE_CXX_FLAGS="$thread_sanitize" ;;
    # Nightly-sized, not in the default run: every test under ASan and UBSan (g++ about 40 min on
    # 2 cores, clang++ about 20 min).
    asan-full) run_config asan-full g++ -DEIGEN_EINSUM_CXX_STANDARD=20 \
             -DEIGEN_EINSUM_TEST_SUBSET=OFF -DCMAKE_CXX_FLAGS="$sanitize" ;;
    clang-full) run_config clang-full clang++ -DEIGEN_EINSUM_CXX_STANDARD=20 \
             -DEIGEN_EINSUM_TEST_SUBSET=OFF -DCMAKE_CXX_FLAGS="$sanitize" ;;
  esac
done

echo
echo "=== summary (wall time $(seconds "$started" "$EPOCHREALTIME") s, -j$jobs, test flags '$opt')"
printf '%s\n' "${report[@]}"
echo "$total_passed passed, $total_failed failed"
exit $status
