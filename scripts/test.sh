#!/usr/bin/env bash
# Installs what is missing, builds nclab and runs the whole test suite: the GoogleTest binary through
# CTest, then the pytest tests of the analysis scripts. With NCLAB_WITH_MPI=1 it installs OpenMPI and
# builds with -DNCLAB_MPI=ON, which adds the mpirun tests. NCLAB_DATA_DIR names the folder with the
# public datasets (default: ../shared/data beside the checkout); tests that need it skip when it is
# absent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
build_dir=${BUILD_DIR:-$root/build}
data_dir=${NCLAB_DATA_DIR:-$root/../shared/data}
mpi=OFF
if [[ "${NCLAB_WITH_MPI:-0}" == 1 ]]; then
  mpi=ON
fi
BUILD_DIR=$build_dir "$root/scripts/build.sh" -DNCLAB_TESTS=ON -DNCLAB_DATA_DIR="$data_dir" -DNCLAB_MPI=$mpi "$@"
cd "$build_dir"
ctest --output-on-failure -j "${JOBS:-$(nproc)}" --timeout 600
if compgen -G "$root/scripts/tests/test_*.py" >/dev/null; then
  cd "$root"
  NCLAB_BINARY="$build_dir/nclab" NCLAB_DATA_DIR="$data_dir" /usr/bin/python3 -m pytest -q scripts/tests
fi
