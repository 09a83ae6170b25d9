#!/usr/bin/env bash
# Fuzzes einsum<...> against numpy: generates random cases with scripts/fuzz.py, builds them as a
# small standalone CMake project (the same test/fuzz/fuzz.cmake the test suite includes) and runs
# them, printing the time of each step and "N cases, seed S: all passed" or the failures. Exits
# non-zero if numpy and the library's rules disagree (DISAGREE lines), the build fails or a case
# fails. Installs its Debian packages first if missing (scripts/deps.sh).
#
#   scripts/fuzz.sh                              CI's seed and count (seed 1, 90 cases)
#   scripts/fuzz.sh --seed 7 --cases 300         another seed, more cases
#   scripts/fuzz.sh --build /tmp/fuzz            build directory (default build/fuzz)
#   for s in $(seq 2 20); do scripts/fuzz.sh --seed $s --build /tmp/fuzz || break; done
#                                                more seeds, one after another, stop at a failure
#
# Environment: EIGEN_EINSUM_JOBS           parallel compile jobs (default 2)
#              EIGEN_EINSUM_TEST_OPT       optimisation flags (default -O0)
#              EIGEN_EINSUM_CXX_STANDARD   17 or 20 (default 20)
#              CXX                         the compiler (default g++)
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seed=1
cases=90
build="$root/build/fuzz"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seed) seed=${2:?--seed needs a value}; shift 2 ;;
    --cases) cases=${2:?--cases needs a value}; shift 2 ;;
    --build) build=${2:?--build needs a value}; shift 2 ;;
    -h|--help) sed -n '2,18s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "fuzz.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[[ $seed =~ ^[0-9]+$ ]] || { echo "fuzz.sh: --seed must be a non-negative integer" >&2; exit 2; }
[[ $cases =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: --cases must be a positive integer" >&2; exit 2; }

"$root/scripts/deps.sh" || { echo "fuzz.sh: installing dependencies failed" >&2; exit 1; }

jobs=${EIGEN_EINSUM_JOBS:-2}
opt=${EIGEN_EINSUM_TEST_OPT:--O0}
standard=${EIGEN_EINSUM_CXX_STANDARD:-20}
compiler=$(command -v "${CXX:-g++}") || compiler=${CXX:-g++}
generator=()
if command -v ninja >/dev/null; then
  generator=(-G Ninja)
fi
# As scripts/gen_numpy_cases.sh: numpy runs without these OpenBLAS overrides.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE

seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
status=0
started=$EPOCHREALTIME

# 1. The cases alone, for the summary and the DISAGREE lines (the build generates them again,
# identically, from test/fuzz/fuzz.cmake; a DISAGREE fails that step, so report it here).
echo "=== generate: seed $seed, $cases cases"
t0=$EPOCHREALTIME
/usr/bin/python3 "$root/scripts/fuzz.py" --seed "$seed" --cases "$cases" || status=1
t1=$EPOCHREALTIME
echo "=== generate: $(seconds "$t0" "$t1") s"
if [[ $status -ne 0 ]]; then
  echo "$cases cases, seed $seed: numpy and the library's rules disagree (DISAGREE above)"
  exit 1
fi

# 2. A standalone project: the library by add_subdirectory (its tests off), Catch2's main, and
# test/fuzz/fuzz.cmake as test/CMakeLists.txt includes it.
mkdir -p "$build/project"
cat > "$build/project/CMakeLists.txt.new" <<EOF
# Written by scripts/fuzz.sh.
cmake_minimum_required(VERSION 3.20)
project(eigen_einsum_fuzz LANGUAGES CXX)
set(EIGEN_EINSUM_BUILD_TESTS OFF CACHE BOOL "" FORCE)
set(EIGEN_EINSUM_BUILD_EXAMPLES OFF CACHE BOOL "" FORCE)
add_subdirectory("$root" eigen_einsum)
include("$root/cmake/eigen_einsum_dev.cmake")
enable_testing()
find_package(Catch2 2.13 REQUIRED)
add_library(eigen_einsum_catch_main STATIC "$root/test/main.cpp")
target_link_libraries(eigen_einsum_catch_main PUBLIC Catch2::Catch2)
eigen_einsum_dev_target(eigen_einsum_catch_main)
include("$root/test/fuzz/fuzz.cmake")
if(NOT TARGET test_fuzz)
  message(FATAL_ERROR "fuzz.sh: test/fuzz/fuzz.cmake defined no test_fuzz (numpy missing?)")
endif()
EOF
# Unchanged text keeps its time stamp: no needless reconfigure.
if cmp -s "$build/project/CMakeLists.txt.new" "$build/project/CMakeLists.txt"; then
  rm "$build/project/CMakeLists.txt.new"
else
  mv "$build/project/CMakeLists.txt.new" "$build/project/CMakeLists.txt"
fi
# CMake drops the whole cache when the compiler changes: start afresh then.
if [[ -f "$build/CMakeCache.txt" ]] &&
   ! grep -qx "CMAKE_CXX_COMPILER:[A-Z]*=$compiler" "$build/CMakeCache.txt"; then
  rm -rf "$build/CMakeCache.txt" "$build/CMakeFiles"
fi

echo "=== configure"
if ! cmake -S "$build/project" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Debug \
     -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_CXX_FLAGS_DEBUG="$opt" -DCMAKE_CXX_FLAGS= \
     -DEIGEN_EINSUM_CXX_STANDARD="$standard" -DEIGEN_EINSUM_FUZZ_SEED="$seed" \
     -DEIGEN_EINSUM_FUZZ_CASES="$cases" -DEIGEN_EINSUM_FUZZ_PYTHON=/usr/bin/python3; then
  echo "$cases cases, seed $seed: configure FAILED"
  exit 1
fi
t2=$EPOCHREALTIME
echo "=== configure: $(seconds "$t1" "$t2") s"

echo "=== build (-j$jobs, '$opt', C++$standard, $compiler)"
if ! cmake --build "$build" --target test_fuzz --parallel "$jobs"; then
  t3=$EPOCHREALTIME
  echo "=== build: $(seconds "$t2" "$t3") s FAILED"
  echo "$cases cases, seed $seed: build FAILED (see the compile errors above)"
  exit 1
fi
t3=$EPOCHREALTIME
echo "=== build: $(seconds "$t2" "$t3") s"

# 3. Run: Catch2's console report shows each failure with its subscript, shapes and message;
# the XML report gives the counts and the failing names.
echo "=== run"
"$build/test_fuzz" --order decl
run_rc=$?
"$build/test_fuzz" --order decl --reporter xml --out "$build/results.xml" >/dev/null 2>&1
t4=$EPOCHREALTIME
echo "=== run: $(seconds "$t3" "$t4") s; total $(seconds "$started" "$t4") s"
/usr/bin/python3 - "$build/results.xml" "$seed" "$run_rc" <<'EOF'
import sys
import xml.etree.ElementTree as ET

path, seed, rc = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    cases = ET.parse(path).getroot().iter("TestCase")
    results = [(c.get("name"), c.find("OverallResult").get("success") == "true") for c in cases]
except (ET.ParseError, OSError, AttributeError) as error:
    print(f"seed {seed}: no readable test report ({error}); test_fuzz exited with {rc}")
    sys.exit(1)
failed = [name for name, ok in results if not ok]
if not failed and rc == 0:
    print(f"{len(results)} cases, seed {seed}: all passed")
    sys.exit(0)
print(f"{len(results)} cases, seed {seed}: {len(failed)} failed")
for name in failed:
    print(f"  FAILED: {name}")
sys.exit(1)
EOF
exit $?
