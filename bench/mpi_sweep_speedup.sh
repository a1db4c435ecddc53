#!/usr/bin/env bash
# Times one sweep four ways: a single process with 1 and with 2 threads, and mpirun with 1 and with 2
# ranks of one thread each. Prints, for the run with the median wall time of REPEATS runs (default 3)
# of each, the wall and CPU time and the speed-up over the single process with one thread.
# docs/cluster.md records the results.
#
# Usage: bench/mpi_sweep_speedup.sh [BUILD_DIR]   (default build-mpi, configured with -DNCLAB_MPI=ON)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nclab=$(realpath "${1:-$root/build-mpi}/nclab")
repeats=${REPEATS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 24 runs of two lengths (hidden 8 or 32), so that the ranks must balance the load. A hidden-32 run
# took about 1.6 times the CPU time of a hidden-8 run, process start included.
sweep=(sweep --data builtin:sine --test-fraction 0.25 --model mlp --hidden 8,32 --members 4 --method ncl
       --lambda 0,0.5,1 --seeds 1,2,3,4 --epochs 300 --progress never --log-level warning
       --out "$work/sweep.h5" --overwrite)
# mpirun on loopback only. OMPI_ALLOW_RUN_AS_ROOT lets the script run as root in a container.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun=(mpirun --oversubscribe --bind-to none --mca btl self,vader,tcp --mca btl_tcp_if_include lo
        --mca oob_tcp_if_include lo --mca btl_vader_single_copy_mechanism none)

# Prints "WALL CPU" in seconds for one run of the command. CPU is user plus system time of the command
# and every process it waited for, MPI ranks included.
measure() {
  local TIMEFORMAT='%R %U %S'
  local times
  times=$({ time "$@" >/dev/null 2>&1; } 2>&1)
  echo "$times" | awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }'
}

labels=("1 process, 1 thread" "1 process, 2 threads" "mpirun -np 1, 1 thread per rank"
        "mpirun -np 2, 1 thread per rank")
run_setup() {
  case $1 in
    0) measure "$nclab" "${sweep[@]}" --threads 1 ;;
    1) measure "$nclab" "${sweep[@]}" --threads 2 ;;
    2) measure "${mpirun[@]}" -np 1 "$nclab" "${sweep[@]}" --threads 1 ;;
    3) measure "${mpirun[@]}" -np 2 "$nclab" "${sweep[@]}" --threads 1 ;;
  esac
}

# The setups take turns, so that a change in the machine's load affects each about equally.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $repeats runs each"
for ((i = 0; i < repeats; ++i)); do
  for setup in 0 1 2 3; do run_setup "$setup" >>"$work/times-$setup"; done
done
baseline=$(sort -n "$work/times-0" | sed -n "$(((repeats + 1) / 2))p" | cut -d' ' -f1)
for setup in 0 1 2 3; do
  read -r wall cpu < <(sort -n "$work/times-$setup" | sed -n "$(((repeats + 1) / 2))p")
  printf '%-34s wall %6.2f s  cpu %6.2f s  speed-up %.2f\n' "${labels[$setup]}" "$wall" "$cpu" \
    "$(echo "$baseline / $wall" | bc -l)"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
