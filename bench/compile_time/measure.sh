#!/usr/bin/env bash
# Compile-time benchmark: compiles einsum_tu.cpp and hand_tu.cpp N times each (alternating, so both
# see the same machine load) and prints the median wall time and peak compiler memory of each, and
# einsum / hand.
#   bench/compile_time/measure.sh [N=3]      (from any directory; CXX overrides g++)
#   bench/compile_time/measure.sh N EINSUM_TU HAND_TU
#     compares another pair instead: names of files in bench/compile_time (with or without .cpp),
#     or paths, e.g. `measure.sh 3 network_einsum_tu network_hand_tu`
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-3}"
if (($# != 0 && $# != 1 && $# != 3)); then
  echo "usage: $0 [N=3] [EINSUM_TU HAND_TU]" >&2
  exit 2
fi
einsum_tu="${2:-einsum_tu}"
hand_tu="${3:-hand_tu}"
cxx="${CXX:-g++}"
flags=(-std=c++20 -O3 -march=native -DNDEBUG -I"$root/include" -isystem /usr/include/eigen3 -c)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

source_of() { # $1 as a path: as given if it is a file, else bench/compile_time/$1[.cpp]
  if [[ -f "$1" ]]; then
    echo "$1"
  elif [[ -f "$here/$1" ]]; then
    echo "$here/$1"
  else
    echo "$here/${1%.cpp}.cpp"
  fi
}
compile() { # prints the wall time in seconds and the compiler's peak memory in MB of compiling $1
  local src name
  src="$(source_of "$1")"
  name="$(basename "${src%.cpp}")"
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f '%e %M' -o "$out/$name.time" "$cxx" "${flags[@]}" "$src" -o "$out/$name.o"
    awk '{print $1, $2 / 1024}' "$out/$name.time"
  else # Debian's package "time" is missing: no peak memory
    local start end
    start=$(date +%s.%N)
    "$cxx" "${flags[@]}" "$src" -o "$out/$name.o"
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN {print e - s, 0}'
  fi
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

e_name="$(basename "${einsum_tu%.cpp}")"
h_name="$(basename "${hand_tu%.cpp}")"
for tu in "$einsum_tu" "$hand_tu"; do
  [[ -f "$(source_of "$tu")" ]] || { echo "$0: no such file: $tu" >&2; exit 2; }
done
einsum=() hand=() einsum_mb=() hand_mb=()
for ((i = 1; i <= n; ++i)); do
  read -r t mb < <(compile "$einsum_tu")
  einsum+=("$t") einsum_mb+=("$mb")
  read -r t mb < <(compile "$hand_tu")
  hand+=("$t") hand_mb+=("$mb")
  printf 'run %d: %s %.2f s %.0f MB, %s %.2f s %.0f MB\n' "$i" "$e_name" "${einsum[-1]}" \
    "${einsum_mb[-1]}" "$h_name" "${hand[-1]}" "${hand_mb[-1]}"
done
e=$(median "${einsum[@]}")
h=$(median "${hand[@]}")
e_mb=$(median "${einsum_mb[@]}")
h_mb=$(median "${hand_mb[@]}")
echo "$cxx $(${cxx} -dumpfullversion) ${flags[*]}"
printf 'median of %d: %s %.2f s %.0f MB, %s %.2f s %.0f MB, ratio %.2f (target <= 1.30)\n' "$n" \
  "$e_name" "$e" "$e_mb" "$h_name" "$h" "$h_mb" "$(awk -v e="$e" -v h="$h" 'BEGIN {print e / h}')"
