#!/usr/bin/env bash
# Regenerates test/torch/gradients_NN.cpp from torch.autograd's gradients
# (scripts/gen_torch_gradients.py), installing Debian's python3-torch, python3-numpy and
# clang-format first if they are missing. Arguments go to the script (try --help).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

missing=()
/usr/bin/python3 -c 'import numpy' 2>/dev/null || missing+=(python3-numpy)
/usr/bin/python3 -c 'import torch' 2>/dev/null || missing+=(python3-torch)
command -v clang-format >/dev/null || missing+=(clang-format)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "gen_torch_gradients.sh: installing ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    "${missing[@]}"
fi

exec /usr/bin/python3 "$root/scripts/gen_torch_gradients.py" "$@"
