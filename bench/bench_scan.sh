#!/usr/bin/env bash
# bench/bench_scan.sh — the main job: trailwatch scan with the seed Terraform
# (tests/data/seed-monitoring.tf: 4 filters, 2 alarms) and with the built-in pack
# (rules/: 55 filters and alarms), against trailwatch grep with the same patterns
# (the cost of matching alone, so the difference is the alarm engine) and the
# decompression floor, each on JOBS (=2) cores.
#
#   bench/bench_scan.sh CORPUS [TRAILWATCH_BINARY]
#
# jq and DuckDB running the seed's filters are in bench_grep.sh (the same four patterns).
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || $1 == -h || $1 == --help ]]; then
  echo "usage: $0 CORPUS [TRAILWATCH_BINARY]   (env: RUNS, ONLY, JOBS, BATCH, PIN, TRAILWATCH)" >&2
  exit 2
fi

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

tw_init "$1" scan
TW_BASELINE="igzip -dc"

TW=$(tw_binary "${2:-}")
C=$(tw_q "$TW_CORPUS")
XARGS="xargs -0 -P $JOBS -n $TW_BATCH"
SEED=$TW_REPO_DIR/tests/data/seed-monitoring.tf

# Exit status 1 (hits) is a valid result for scan; only > 1 fails a row.
tw_scan_cmd() { printf '{ %s scan -q -j%s %s %s || [ $? -eq 1 ]; }' "$(tw_q "$TW")" "$JOBS" "$1" "$C"; }
tw_grep_cmd() { printf '{ %s grep -q -c -j%s %s %s || [ $? -eq 1 ]; }' "$(tw_q "$TW")" "$JOBS" "$1" "$C"; }

# The grep rows use exactly the patterns of the scan rows' metric filters.
patterns_of() {  # patterns_of [RULES] -> " -e P1 -e P2 ..." (quoted)
  local args="" p
  while IFS= read -r p; do args+=" -e $(tw_q "$p")"; done < <(
    "$TW" rules list --filters --format jsonl "$@" | jq -r .pattern)
  printf '%s' "$args"
}

versions="igzip $(igzip --version 2>&1 | awk 'NR==1 { print $NF }')"
if [[ -x $TW ]]; then
  seed_patterns=$(patterns_of "$SEED")
  pack_patterns=$(patterns_of)
  tw_row "trailwatch scan -j$JOBS seed (4 filters, 2 alarms)" none "$(tw_scan_cmd "--rules $(tw_q "$SEED")")"
  tw_row "trailwatch grep -j$JOBS -c, the seed's 4 patterns" none "$(tw_grep_cmd "$seed_patterns")"
  tw_row "trailwatch scan -j$JOBS built-in pack (55 filters, 55 alarms)" none "$(tw_scan_cmd "")"
  tw_row "trailwatch grep -j$JOBS -c, the pack's 55 patterns" none "$(tw_grep_cmd "$pack_patterns")"
else
  tw_skip "trailwatch" "binary $TW not found"
fi
tw_row --procs "$JOBS" "igzip -dc" bytes "$TW_FIND | $XARGS igzip -dc"

for pair in "seed (4 filters, 2 alarms)|the seed's 4 patterns" "built-in pack (55 filters, 55 alarms)|the pack's 55 patterns"; do
  s=$(tw_row_mean "trailwatch scan -j$JOBS ${pair%%|*}"); g=$(tw_row_mean "trailwatch grep -j$JOBS -c, ${pair##*|}")
  if [[ -n $s && -n $g ]]; then
    TW_NOTES+=("$(awk -v s="$s" -v g="$g" -v n="${pair%%|*}" 'BEGIN {
      printf "Alarm engine cost, %s: scan %.3f s vs grep %.3f s = %+.1f%% (target: under 10%%).", n, s, g, (s / g - 1) * 100 }')")
  fi
done
TW_VERSIONS="$versions, hyperfine $(hyperfine --version | awk '{ print $NF }')"
tw_report
exit "$TW_FAILED"
