#!/usr/bin/env bash
# Compile-time benchmark: compiles einsum_tu.cpp and hand_tu.cpp N times each (alternating, so both
# see the same machine load) and prints the median wall time of each and einsum / hand.
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
compile() { # prints the wall time in seconds of compiling $1
  local start end src name
  src="$(source_of "$1")"
  name="$(basename "${src%.cpp}")"
  start=$(date +%s.%N)
  "$cxx" "${flags[@]}" "$src" -o "$out/$name.o"
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN {print e - s}'
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

e_name="$(basename "${einsum_tu%.cpp}")"
h_name="$(basename "${hand_tu%.cpp}")"
for tu in "$einsum_tu" "$hand_tu"; do
  [[ -f "$(source_of "$tu")" ]] || { echo "$0: no such file: $tu" >&2; exit 2; }
done
einsum=() hand=()
for ((i = 1; i <= n; ++i)); do
  einsum+=("$(compile "$einsum_tu")")
  hand+=("$(compile "$hand_tu")")
  printf 'run %d: %s %.2f s, %s %.2f s\n' "$i" "$e_name" "${einsum[-1]}" "$h_name" "${hand[-1]}"
done
e=$(median "${einsum[@]}")
h=$(median "${hand[@]}")
echo "$cxx $(${cxx} -dumpfullversion) ${flags[*]}"
target=""
[[ "$e_name $h_name" == "einsum_tu hand_tu" ]] && target=" (target <= 1.30)"
printf 'median of %d: %s %.2f s, %s %.2f s, ratio %.2f%s\n' "$n" "$e_name" "$e" "$h_name" "$h" "$(awk -v e="$e" -v h="$h" 'BEGIN {print e / h}')" "$target"
