#!/usr/bin/env bash
# Installs what is missing, builds nclab, runs the demo sweep (experiments/demo.ini) into
# out/demo.h5 and writes its report to out/demo-report when scripts/nclab-report is present.
# The sweep uses builtin:mackey-glass, so it needs no download.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}

"$root/scripts/install-deps.sh"
BUILD_DIR=$build_dir "$root/scripts/build.sh" -DNCLAB_TESTS=OFF

cd "$root"
mkdir -p out
"$build_dir/nclab" sweep --config experiments/demo.ini --out out/demo.h5 --overwrite
"$build_dir/nclab" inspect out/demo.h5

if [[ -x scripts/nclab-report ]]; then
  scripts/nclab-report out/demo.h5 -o out/demo-report
  echo "demo: report written to out/demo-report"
else
  echo "demo: scripts/nclab-report not found, so no report was written; out/demo.h5 contains the results" >&2
fi
