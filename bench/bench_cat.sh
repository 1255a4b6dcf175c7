#!/usr/bin/env bash
# bench/bench_cat.sh — "print every record" throughput: trailwatch cat vs the
# decompression floor, zcat, jq and DuckDB, each on JOBS (=2) cores.
#
#   bench/bench_cat.sh CORPUS [TRAILWATCH_BINARY]
#
# TRAILWATCH_BINARY defaults to $TRAILWATCH, then build/trailwatch (a relative path is
# looked up in the current directory, then in the repo root).
# See bench/README.md, and the environment knobs at the top of bench/lib.sh.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || $1 == -h || $1 == --help ]]; then
  echo "usage: $0 CORPUS [TRAILWATCH_BINARY]   (env: RUNS, ONLY, JOBS, BATCH, PIN, TRAILWATCH)" >&2
  exit 2
fi

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

tw_init "$1" cat
TW_BASELINE="igzip -dc"

TW=$(tw_binary "${2:-}")

C=$(tw_q "$TW_CORPUS")
XARGS="xargs -0 -P $JOBS -n $TW_BATCH"

versions="igzip $(igzip --version 2>&1 | awk 'NR==1 { print $NF }')"
versions+=", gzip $(gzip --version | awk 'NR==1 { print $NF }')"
versions+=", jq $(jq --version | sed 's/^jq-//')"

# 1. trailwatch (ours).
if [[ -x $TW ]]; then
  tw_row "trailwatch cat -j$JOBS" lines "$(tw_q "$TW") cat -j$JOBS $C"
else
  tw_skip "trailwatch cat -j$JOBS" "binary $TW not found (build it, or pass its path / set TRAILWATCH)"
fi

# 2. Decompression floor: nothing can print the records faster than this.
tw_row --procs "$JOBS" "igzip -dc" bytes "$TW_FIND | $XARGS igzip -dc"

# 3. zcat (gzip -dc), the usual way people read these files.
tw_row --procs "$JOBS" "zcat" bytes "$TW_FIND | $XARGS zcat"

# 4. jq: one compact line per record, as trailwatch cat prints.
tw_row --procs "$JOBS" "zcat | jq -c '.Records[]'" lines \
  "$TW_FIND | $XARGS sh -c 'zcat \"\$@\" | jq -c \".Records[]\"' _"

# 5. DuckDB (@duckdb/node-api, pinned in bench/package.json), JOBS threads.
#    DUCKDB_STRATEGY unset: pick the faster query for this corpus's mean file size
#    (see bench/README.md): "columns" below 1.5 MB uncompressed per file, else "objects".
if tw_duckdb_ready; then
  versions+=", @duckdb/node-api $(tw_duckdb_version)"
  strategy=$(tw_duckdb_strategy)
  tw_row "DuckDB $strategy + unnest" count \
    "node $(tw_q "$TW_BENCH_DIR/duckdb_cat.mjs") $C --threads $JOBS --strategy $strategy"
else
  tw_skip "DuckDB" "$TW_DUCKDB_WHY"
fi

TW_VERSIONS="$versions, hyperfine $(hyperfine --version | awk '{ print $NF }')"
tw_report
exit "$TW_FAILED"
