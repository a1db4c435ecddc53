#!/usr/bin/env bash
# Runs a fixed set of small sweeps that together cover the trainer's paths, so that two builds can be
# compared bit for bit:
#
#   bench/bitwise_sweeps.sh BEFORE/nclab DATA_DIR /tmp/before
#   bench/bitwise_sweeps.sh build/nclab DATA_DIR /tmp/after
#   bench/bitwise_sweeps.sh --compare /tmp/before /tmp/after
#
# DATA_DIR contains australian.dat. The sweeps cover ncl on both kernel paths and ncl-exact with
# momentum and weight snapshots. They also cover sequential and concurrent decorrelation,
# cross-entropy, mini-batches, a 784-input network, regression with early stopping and the
# autoencoder. The last ones stop early in sequential and concurrent training, and push the learning
# rate until a run diverges.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=/usr/bin/python3

if [[ "${1:-}" == --compare ]]; then
  if (($# != 3)); then
    echo "usage: bitwise_sweeps.sh --compare BEFORE_DIR AFTER_DIR" >&2
    exit 2
  fi
  status=0
  for before in "$2"/*.h5; do
    name=$(basename "$before")
    echo -n "$name: "
    "$python" "$repo/bench/same_results.py" "$before" "$3/$name" | tail -1 || status=1
  done
  exit "$status"
fi

if (($# != 3)); then
  echo "usage: bitwise_sweeps.sh NCLAB DATA_DIR OUT_DIR, or --compare BEFORE_DIR AFTER_DIR" >&2
  exit 2
fi
nclab=$1
australian=$2/australian.dat
out=$3
mkdir -p "$out"
# The data path is part of a run's settings, which key its random streams, so both builds must read
# the generated file from the same path.
wide_csv=${TMPDIR:-/tmp}/nclab-bitwise-784.csv
if [[ ! -f "$wide_csv" ]]; then
  "$python" "$repo/bench/make_classification_csv.py" "$wide_csv" --rows 300 --features 784 --classes 10
fi

export OPENBLAS_NUM_THREADS=1
common=(--progress never --overwrite --log-level error)
run() {
  local name=$1
  shift
  "$nclab" sweep "$@" --out "$out/$name.h5" "${common[@]}" >/dev/null
}

run ncl --data "$australian" --folds 10 --fold 0,1 --method ncl --lambda 0:1:0.5 --members 4 --hidden 10 \
  --epochs 5 --threads 2
run ncl-exact --data "$australian" --folds 10 --fold 0 --method ncl-exact --gamma 0.3 --members 4 --hidden 10 \
  --batch 16 --momentum 0.9 --epochs 5 --snapshot-every 2 --threads 2
run decorrelated --data "$australian" --folds 10 --fold 0 --method decorrelated --mode sequential,concurrent \
  --lambda 0.5 --members 3 --hidden 8 --epochs 3 --threads 2
run cross-entropy --data "$australian" --test-fraction 0.2 --method independent,ncl --lambda 0.5 --loss ce \
  --members 2 --hidden 6 --batch 1,7 --epochs 4 --threads 2
run wide-input --data "$wide_csv" --test-fraction 0.2 --method ncl --lambda 0.5 --members 3 --hidden 64 \
  --batch 32,1 --epochs 2 --threads 2
run regression --data builtin:mackey-glass --method ncl --lambda 0.5 --members 3 --hidden 5 --batch 1,4 \
  --epochs 5 --threads 2 --validation-fraction 0.2
run autoencoder --data builtin:friedman1 --samples 200 --test-fraction 0.2 --model autoencoder --hidden 6 \
  --code 2 --members 2 --method ncl --lambda 0.3 --epochs 3 --threads 2
run sequential-early-stop --data "$australian" --folds 10 --fold 0 --method decorrelated --mode sequential \
  --lambda 0.5 --members 3 --hidden 8 --epochs 30 --learning-rate 0.5 --validation-fraction 0.3 --patience 2 \
  --threads 2
run concurrent-early-stop --data "$australian" --folds 10 --fold 0 --method ncl --lambda 0.5 --members 3 \
  --hidden 8 --epochs 30 --learning-rate 0.5 --validation-fraction 0.3 --patience 2 --batch 3 --threads 2
# A diverging run exits with status 1 and is stored with status diverged.
run large-rate --data "$australian" --folds 10 --fold 0 --method ncl --lambda 1 --learning-rate 50 --members 2 \
  --hidden 10 --epochs 5 --threads 1 --allow-unstable || true
run diverging --data builtin:mackey-glass --method ncl --lambda 1 --learning-rate 20 --members 2 --hidden 5 \
  --epochs 5 --threads 1 --allow-unstable || true
