#!/usr/bin/env bash
# run.sh FUZZER SEED_DIR [SECONDS [MORE_SEED_DIRS...]]: runs a libFuzzer target for a bounded time
# from the checked-in seeds, writing what it learns to a temp folder (never
# into the repository). ctest uses it with a short budget; for hours of
# fuzzing by hand, see tests/fuzz/README.md.
set -euo pipefail
fuzzer=$1 seeds=$2 seconds=${3:-20}
shift $(($# < 3 ? $# : 3))  # what is left: more seed folders (rules/, tests/data/), read in place
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
  -artifact_prefix="$work/" "$work" "$seeds" "$@"
