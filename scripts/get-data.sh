#!/usr/bin/env bash
# Fetches the public datasets that experiments/*.ini read and verifies their SHA-256 sums.
#
# Usage: scripts/get-data.sh [--from DIR] [--dest DIR]
#   --dest DIR  folder that receives the files (default: data/ in the working folder)
#   --from DIR  copy the files from a local mirror instead of downloading them
#
# A file already in --dest with the expected sum is kept, and one with another sum is removed. Every
# other file is fetched into a temporary file in --dest, checked, and only then renamed into place, so
# a failed download or a checksum mismatch never leaves a bad file under the final name.
# Exit status: 0 when every file is in place and verified, 1 when a file failed, 2 for invalid usage.
set -euo pipefail

# One line per file: name, SHA-256 sum, public address.
# NOTE: the addresses were not reachable from the machine this script was written on, so only the
# --from path has been run. The sums are those of the files the experiments were run with.
readonly datasets=(
  "australian.dat 3abe5af151afa50b999a9ba21cbc884e80d80a4050b716cf88b34a2e6ecb731c https://archive.ics.uci.edu/ml/machine-learning-databases/statlog/australian/australian.dat"
  "pima-indians-diabetes.data.csv 6bfe5d0f379d17a0e0819b996407e3c09bf80febd4287f2ed212190dfff154af https://raw.githubusercontent.com/jbrownlee/Datasets/master/pima-indians-diabetes.data.csv"
  "BostonHousing.csv ab16ba38fbbbbcc69fe930aab1293104f1442c8279c130d9eba03dd864bef675 https://raw.githubusercontent.com/selva86/datasets/master/BostonHousing.csv"
)

usage() {
  sed -n '4,6p' "$0" | sed 's/^# \{0,1\}//'
}

fail_usage() {
  echo "get-data: $1" >&2
  usage >&2
  exit 2
}

source_dir=""
dest_dir="data"
while (($# > 0)); do
  case "$1" in
    --from)
      (($# >= 2)) || fail_usage "--from needs a folder"
      source_dir=$2
      shift 2
      ;;
    --dest)
      (($# >= 2)) || fail_usage "--dest needs a folder"
      dest_dir=$2
      shift 2
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      fail_usage "unknown argument '$1'"
      ;;
  esac
done

if [[ -n "$source_dir" && ! -d "$source_dir" ]]; then
  echo "get-data: --from folder '$source_dir' not found" >&2
  exit 2
fi

if command -v sha256sum >/dev/null; then
  sha256_of() { sha256sum -- "$1" | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null; then
  sha256_of() { shasum -a 256 -- "$1" | cut -d ' ' -f 1; }
else
  echo "get-data: neither sha256sum nor shasum found; install coreutils" >&2
  exit 1
fi

download() {
  local url=$1 target=$2
  if command -v curl >/dev/null; then
    curl --fail --silent --show-error --location --retry 3 --output "$target" -- "$url"
  elif command -v wget >/dev/null; then
    wget --quiet --tries=3 --output-document="$target" -- "$url"
  else
    echo "get-data: neither curl nor wget found; install one of them or use --from DIR" >&2
    return 1
  fi
}

mkdir -p -- "$dest_dir"
temporary=""
trap 'if [[ -n "$temporary" ]]; then rm -f -- "$temporary"; fi' EXIT

failures=0
for entry in "${datasets[@]}"; do
  read -r name expected url <<<"$entry"
  target="$dest_dir/$name"

  if [[ -f "$target" ]]; then
    present=$(sha256_of "$target")
    if [[ "$present" == "$expected" ]]; then
      echo "get-data: $target is present and verified"
      continue
    fi
    echo "get-data: $target has SHA-256 $present, expected $expected; removing it and fetching $name again" >&2
    rm -f -- "$target"
  fi

  temporary=$(mktemp "$dest_dir/.$name.XXXXXX")
  if [[ -n "$source_dir" ]]; then
    if [[ ! -f "$source_dir/$name" ]]; then
      echo "get-data: $name not found in $source_dir" >&2
      rm -f -- "$temporary"
      failures=$((failures + 1))
      continue
    fi
    cp -- "$source_dir/$name" "$temporary"
  elif ! download "$url" "$temporary"; then
    echo "get-data: download of $name from $url failed" >&2
    rm -f -- "$temporary"
    failures=$((failures + 1))
    continue
  fi

  actual=$(sha256_of "$temporary")
  if [[ "$actual" != "$expected" ]]; then
    echo "get-data: checksum mismatch for $name: expected SHA-256 $expected, got $actual; the file was not kept" >&2
    rm -f -- "$temporary"
    failures=$((failures + 1))
    continue
  fi

  chmod 644 -- "$temporary"
  mv -f -- "$temporary" "$target"
  temporary=""
  echo "get-data: $target verified"
done

if ((failures > 0)); then
  echo "get-data: $failures of ${#datasets[@]} files failed; $dest_dir contains only verified files" >&2
  exit 1
fi
