#!/usr/bin/env bash
# bench/bench_verify.sh — trailwatch verify against plain hashing of the same
# log files. A folder with digests (signed with a throwaway key) is made by
# tests/tools/make_digest_folder.py the first time; then hyperfine times:
#   sha256sum over the .gz files as stored (what a person would run),
#   sha256sum over the decompressed files (the bytes the AWS recipe hashes),
#   trailwatch verify -j1 and -jJOBS (inflate + SHA-256 of every listed log
#   file, digests parsed, chained and checked).
#
#   bench/bench_verify.sh [DIR] [TRAILWATCH_BINARY]   (env: RUNS=5, JOBS=2, HOURS=24)
set -euo pipefail

dir=${1:-/tmp/trailwatch-verify-bench}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tw=${2:-$repo/build/trailwatch}
runs=${RUNS:-5}
jobs=${JOBS:-2}
hours=${HOURS:-24}
for tool in hyperfine igzip python3 openssl sha256sum; do
  command -v "$tool" >/dev/null || { echo "bench_verify: $tool is not installed" >&2; exit 2; }
done
[[ -x $tw ]] || { echo "bench_verify: no trailwatch binary at $tw (build first)" >&2; exit 2; }

if [[ ! -d $dir/bucket ]]; then
  echo "[bench] writing $hours hours x 2 regions x 20 log files x 500 records into $dir" >&2
  python3 "$repo/tests/tools/make_digest_folder.py" "$dir" --hours "$hours" --logs-per-hour 20 \
    --records-per-log 500 >/dev/null
fi
# The log files (not the digests), and their decompressed copies.
find "$dir/bucket" -path '*/CloudTrail/*' -name '*.json.gz' -type f | sort >"$dir/logs.txt"
if [[ ! -d $dir/raw ]]; then
  mkdir -p "$dir/raw"
  n=0
  while IFS= read -r f; do igzip -dc "$f" >"$dir/raw/$n.json"; n=$((n + 1)); done <"$dir/logs.txt"
fi
files=$(wc -l <"$dir/logs.txt")
gz_bytes=$(xargs -a "$dir/logs.txt" cat | wc -c)
raw_bytes=$(cat "$dir"/raw/*.json | wc -c)
echo "[bench] $files log files, $gz_bytes bytes gzipped, $raw_bytes bytes decompressed; $(nproc) cores" >&2

# The folder must verify clean, or the timings mean nothing.
"$tw" verify "$dir/bucket" -j "$jobs" | tail -1

q() { printf '%q' "$1"; }
hyperfine -N -w 1 -r "$runs" --export-markdown "$dir/results.md" \
  -n "sha256sum, .gz files as stored (1 process)" "bash -c 'xargs -a $(q "$dir/logs.txt") sha256sum >/dev/null'" \
  -n "sha256sum, decompressed files (1 process)" "bash -c 'sha256sum $(q "$dir")/raw/*.json >/dev/null'" \
  -n "trailwatch verify -j1" "$(q "$tw") verify $(q "$dir/bucket") -j1" \
  -n "trailwatch verify -j$jobs" "$(q "$tw") verify $(q "$dir/bucket") -j$jobs"
cat "$dir/results.md"
