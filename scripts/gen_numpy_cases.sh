#!/usr/bin/env bash
# Regenerates test/numpy/cases_NN.cpp from numpy.einsum's results (scripts/gen_numpy_cases.py),
# installing Debian's python3-numpy and clang-format first if they are missing. Arguments go to
# the script (try --help), e.g.
#
#   scripts/gen_numpy_cases.sh                                     # test/numpy/
#   scripts/gen_numpy_cases.sh --exclude-ellipsis --out /tmp/cases # only cases without "..."
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

"$root/scripts/deps.sh" only python3-numpy clang-format

# As for bench/numpy_einsum.py: numpy runs without these OpenBLAS overrides.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
exec /usr/bin/python3 "$root/scripts/gen_numpy_cases.py" "$@"
