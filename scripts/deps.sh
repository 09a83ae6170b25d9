#!/usr/bin/env bash
# Installs the Debian packages the build and tests need, if any is missing.
#   deps.sh        everything scripts/test.sh needs
#   deps.sh tour   only what the tour (scripts/tour.sh) needs
#   deps.sh only PACKAGE...   only these (the generators' python3-torch, clang-format, ...)
set -euo pipefail

if [[ ${1:-} == only ]]; then
  shift
  packages=("$@")
else
  packages=(cmake ninja-build g++ libeigen3-dev)
  if [[ ${1:-} != tour ]]; then
    packages+=(clang libboost-dev catch2 libbenchmark-dev python3-numpy libopenblas-dev)
  fi
fi
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "deps.sh: installing ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
