#!/usr/bin/env bash
# Regenerates test/torch/gradients_NN.cpp from torch.autograd's gradients
# (scripts/gen_torch_gradients.py), installing Debian's python3-torch, python3-numpy and
# clang-format first if they are missing. Arguments go to the script (try --help).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

"$root/scripts/deps.sh" only python3-numpy python3-torch clang-format

exec /usr/bin/python3 "$root/scripts/gen_torch_gradients.py" "$@"
