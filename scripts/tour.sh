#!/usr/bin/env bash
# Builds only the tour example (doc/examples/tour.cpp) in Release and runs it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build/tour"

"$root/scripts/deps.sh" tour

generator=()
if command -v ninja >/dev/null; then
  generator=(-G Ninja)
fi
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

start=$EPOCHREALTIME
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DEIGEN_EINSUM_BUILD_TESTS=OFF -DEIGEN_EINSUM_BUILD_EXAMPLES=ON -DEIGEN_EINSUM_BUILD_BENCH=OFF \
  >/dev/null
configured=$EPOCHREALTIME
cmake --build "$build" --target example_tour --parallel 2
built=$EPOCHREALTIME
"$build/doc/examples/tour"
ran=$EPOCHREALTIME
echo "tour.sh: configure $(seconds "$start" "$configured") s," \
  "build $(seconds "$configured" "$built") s, run $(seconds "$built" "$ran") s" >&2
