#!/usr/bin/env bash
# Installs the Debian 12 packages that nclab needs to build, test and analyse results.
# Installs nothing when every package is already present. Needs root (or sudo) for apt-get.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libtbb-dev libopenblas-dev libboost-program-options-dev libhdf5-dev
  libgtest-dev libbenchmark-dev
  python3 python3-h5py python3-numpy python3-pandas python3-matplotlib python3-pytest
)
# bench/compare.sh compares nclab with PyTorch; the tests do not need it.
if [[ "${NCLAB_WITH_BENCH:-0}" == 1 ]]; then
  packages+=(python3-torch)
fi
if [[ "${NCLAB_WITH_MPI:-0}" == 1 ]]; then
  packages+=(libopenmpi-dev openmpi-bin)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo_prefix=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null; then
    echo "install-deps: missing packages ${missing[*]} and not root: run this script as root" >&2
    exit 1
  fi
  sudo_prefix=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
"${sudo_prefix[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_prefix[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
