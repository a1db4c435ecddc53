#!/usr/bin/env bash
# Times one sweep four ways: a single process with 1 and with 2 threads, and mpirun with 1 and with 2
# ranks of one thread each. Prints the median wall time of REPEATS runs (default 3) of each, and the
# speed-up over the single process with one thread. docs/cluster.md records the results.
#
# Usage: bench/mpi_sweep_speedup.sh [BUILD_DIR]   (default build-mpi, configured with -DNCLAB_MPI=ON)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nclab=$(realpath "${1:-$root/build-mpi}/nclab")
repeats=${REPEATS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 24 runs whose lengths differ by about 4x (hidden 8 or 32), so that the ranks must balance the load.
sweep=(sweep --data builtin:sine --test-fraction 0.25 --model mlp --hidden 8,32 --members 4 --method ncl
       --lambda 0,0.5,1 --seeds 1,2,3,4 --epochs 100 --progress never --log-level warning
       --out "$work/sweep.h5" --overwrite)
# mpirun on loopback only. OMPI_ALLOW_RUN_AS_ROOT lets the script run as root in a container.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun=(mpirun --oversubscribe --bind-to none --mca btl self,vader,tcp --mca btl_tcp_if_include lo
        --mca oob_tcp_if_include lo --mca btl_vader_single_copy_mechanism none)

# Prints the median wall time in seconds of `repeats` runs of the command.
median_seconds() {
  local times=()
  for ((i = 0; i < repeats; ++i)); do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((repeats + 1) / 2))p"
}

baseline=$(median_seconds "$nclab" "${sweep[@]}" --threads 1)
report() {
  printf '%-36s %7.2f s  speed-up %.2f\n' "$1" "$2" "$(echo "$baseline / $2" | bc -l)"
}
report "1 process, 1 thread" "$baseline"
report "1 process, 2 threads" "$(median_seconds "$nclab" "${sweep[@]}" --threads 2)"
report "mpirun -np 1, 1 thread per rank" "$(median_seconds "${mpirun[@]}" -np 1 "$nclab" "${sweep[@]}" --threads 1)"
report "mpirun -np 2, 1 thread per rank" "$(median_seconds "${mpirun[@]}" -np 2 "$nclab" "${sweep[@]}" --threads 1)"
