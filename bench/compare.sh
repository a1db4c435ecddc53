#!/usr/bin/env bash
# Compares nclab with its PyTorch and NumPy peers and with the machine's ceilings on the workloads of
# docs/performance.md, in one invocation, and prints a table of ratios. Takes 3 to 7 minutes on 2
# cores, depending on the load from other jobs. Options go to bench/compare.py, and --help lists them.
# The main ones:
#   --build DIR      CMake build folder configured with -DNCLAB_BENCH=ON (default: build)
#   --data-dir DIR   folder containing australian.dat (default: $NCLAB_DATA_DIR, else the tests' default)
#   --json FILE      also write every measurement as JSON
# Needs Debian's python3-torch, python3-numpy and python3-h5py: NCLAB_WITH_BENCH=1 scripts/install-deps.sh
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The peers need Debian's packages, which a pyenv or virtualenv python3 on PATH cannot import.
python=/usr/bin/python3
if ! "$python" -c 'import torch, numpy, h5py' 2>/dev/null; then
  echo "compare.sh: $python cannot import torch, numpy and h5py; install them with" \
       "NCLAB_WITH_BENCH=1 scripts/install-deps.sh" >&2
  exit 2
fi

build=build
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [[ "${args[i]}" == --build ]] && ((i + 1 < ${#args[@]})); then build=${args[i + 1]}; fi
  if [[ "${args[i]}" == --build=* ]]; then build=${args[i]#--build=}; fi
done
for tool in nclab bench/run_state_dump bench/w1_fused_reference bench/dgemm_ceiling_bench; do
  if [[ ! -x "$build/$tool" ]]; then
    echo "compare.sh: $build/$tool is missing; build with" \
         "cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release -DNCLAB_BENCH=ON && cmake --build $build -j2" >&2
    exit 2
  fi
done

cd "$repo"
exec "$python" bench/compare.py "$@"
