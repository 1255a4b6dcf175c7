#!/usr/bin/env bash
# bench/bench_grep.sh — filtering throughput: trailwatch grep with the four metric-filter
# patterns of the seed Terraform (bench/patterns/seed4.txt) and with a 100-pattern pack
# (bench/patterns/pack100.txt), against trailwatch cat, the decompression floor, jq and
# DuckDB running the same four filters, each on JOBS (=2) cores.
#
#   bench/bench_grep.sh CORPUS [TRAILWATCH_BINARY]
#
# TRAILWATCH_BINARY defaults to $TRAILWATCH, then build/trailwatch (a relative path is
# looked up in the current directory, then in the repo root).
# The expected match count N of the four patterns is computed once per corpus with jq
# (bench/grep_seed4.jq), independently of trailwatch, and cached in bench/results/.
# Extra knobs: JQ_RUNS (default 1) and JQ_WARMUP (default 0), the timed and warmup runs
# of the slow jq row. See bench/README.md, and the environment knobs at the top of bench/lib.sh.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || $1 == -h || $1 == --help ]]; then
  echo "usage: $0 CORPUS [TRAILWATCH_BINARY]   (env: RUNS, JQ_RUNS, JQ_WARMUP, ONLY, JOBS, BATCH, PIN, TRAILWATCH)" >&2
  exit 2
fi

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

JQ_RUNS=${JQ_RUNS:-1}
JQ_WARMUP=${JQ_WARMUP:-0}
[[ $JQ_RUNS =~ ^[1-9][0-9]*$ ]] || tw_die "JQ_RUNS must be a positive integer"
[[ $JQ_WARMUP =~ ^[0-9]+$ ]] || tw_die "JQ_WARMUP must be a non-negative integer"

tw_init "$1" grep
TW_BASELINE="igzip -dc"
TW_BASELINE2="trailwatch cat -j$JOBS"

TW=$(tw_binary "${2:-}")

C=$(tw_q "$TW_CORPUS")
XARGS="xargs -0 -P $JOBS -n $TW_BATCH"
JQ_PROG=$TW_BENCH_DIR/grep_seed4.jq
SEED4=$TW_BENCH_DIR/patterns/seed4.txt
PACK100=$TW_BENCH_DIR/patterns/pack100.txt
[[ -f $JQ_PROG ]] || tw_die "$JQ_PROG not found"

# tw_pattern_args FILE — " -e P1 -e P2 ...": one -e per non-empty line of FILE, each pattern
# quoted with printf %q (patterns hold spaces, quotes, $, &&, ||, * and %).
tw_pattern_args() {
  local line args="" n=0
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%$'\r'}
    [[ -n $line ]] || continue
    args+=" -e $(tw_q "$line")"
    n=$((n + 1))
  done < "$1"
  (( n > 0 )) || tw_die "no patterns in $1"
  printf '%s' "$args"
}
SEED4_ARGS=$(tw_pattern_args "$SEED4")
PACK100_ARGS=$(tw_pattern_args "$PACK100")

# trailwatch grep exits 1 when nothing matches: that is a valid result here (the line count
# is checked), so only a status above 1 fails the row.
tw_grep_cmd() { printf '{ %s grep -j%s%s %s || [ $? -eq 1 ]; }' "$(tw_q "$TW")" "$JOBS" "$1" "$C"; }

# tw_grep_count PATTERN_ARGS — trailwatch grep -q -c: the number of matching records.
tw_grep_count() {
  local out rc=0 ef="$TW_OUT/grep-count.stderr"
  out=$(bash -c "$(tw_q "$TW") grep -q -c -j$JOBS$1 $C" 2>"$ef") || rc=$?
  out=$(printf '%s\n' "$out" | awk 'NF { v = $1 } END { print v }')
  if (( rc > 1 )) || [[ ! $out =~ ^[0-9]+$ ]]; then
    tail -n 5 "$ef" >&2
    tw_die "trailwatch grep -c failed (exit status $rc, output '$out')"
  fi
  printf '%s\n' "$out"
}

# N: records matching any of the four patterns, computed independently of trailwatch with
# jq (grep_seed4.jq), once per corpus and per version of the jq program.
jq_hash=$(md5sum "$JQ_PROG" | cut -c1-12)
N=$(tw_corpus_cached "grep_seed4-$jq_hash.count" \
  "$TW_FIND | $XARGS sh -c 'p=\$1; shift; igzip -dc \"\$@\" | jq -c -f \"\$p\"' _ $(tw_q "$JQ_PROG") | wc -l")
[[ $N =~ ^[0-9]+$ ]] || tw_die "bad expected count '$N' (delete the cached corpus-$TW_CORPUS_KEY.grep_seed4-*.count)"
tw_log "N = $N records match the four seed4 patterns (jq, $JQ_PROG)"
TW_NOTES+=("Expected count N = $N: the records matching any of the four seed4 patterns, computed with jq (\`bench/grep_seed4.jq\`, CloudWatch semantics) independently of trailwatch, and cached in \`${RESULTS_DIR#"$TW_REPO_DIR"/}/corpus-$TW_CORPUS_KEY.grep_seed4-$jq_hash.count\`.")

versions="igzip $(igzip --version 2>&1 | awk 'NR==1 { print $NF }')"
versions+=", gzip $(gzip --version | awk 'NR==1 { print $NF }')"
versions+=", jq $(jq --version | sed 's/^jq-//')"

seed4_name="trailwatch grep -j$JOBS seed4 (4 patterns)"
pack_name="trailwatch grep -j$JOBS pack100 (100 patterns)"
cat_name="trailwatch cat -j$JOBS"
if [[ -x $TW ]]; then
  # Cross-check: trailwatch must count exactly N. A difference is a trailwatch bug (or a
  # semantic difference between it and grep_seed4.jq): stop before timing anything.
  n_tw=$(tw_grep_count "$SEED4_ARGS")
  if [[ $n_tw != "$N" ]]; then
    tw_log "=================================================================="
    tw_log "MISMATCH: trailwatch grep -c counts $n_tw records for the four seed4 patterns,"
    tw_log "          jq (bench/grep_seed4.jq) counts $N, on $TW_CORPUS."
    tw_log "          This is a trailwatch bug to report (or a semantic difference)."
    tw_log "=================================================================="
    tw_die "trailwatch grep -c ($n_tw) != jq count ($N)"
  fi
  tw_log "trailwatch grep -c agrees: $n_tw"
  TW_NOTES+=("\`trailwatch grep -c\` with the four seed4 patterns counts the same $n_tw records.")
  # N100: the pack has no independent reference; its row is checked against trailwatch's own count.
  N100=$(tw_grep_count "$PACK100_ARGS")
  tw_log "N100 = $N100 records match the 100 pack100 patterns (trailwatch's own count)"
  TW_NOTES+=("The pack100 row is checked against trailwatch's own \`grep -c\` count (N100 = $N100), not an independent one.")

  # 1-2. trailwatch grep (ours): every matching record as one JSON line.
  tw_row --note "N from jq" "$seed4_name" "$N" "$(tw_grep_cmd "$SEED4_ARGS")"
  tw_row --note "N100 = trailwatch's own count" "$pack_name" "$N100" "$(tw_grep_cmd "$PACK100_ARGS")"
  # 3. trailwatch cat: the reference grep is measured against (target: grep <= 1.3x cat).
  tw_row "$cat_name" lines "$(tw_q "$TW") cat -j$JOBS $C"
else
  why="binary $TW not found (build it, or pass its path / set TRAILWATCH)"
  tw_skip "$seed4_name" "$why"
  tw_skip "$pack_name" "$why"
  tw_skip "$cat_name" "$why"
fi

# 4. Decompression floor: nothing that reads every record can be faster than this.
tw_row --procs "$JOBS" "igzip -dc" bytes "$TW_FIND | $XARGS igzip -dc"

# 5. jq with the same four filters (JQ_RUNS timed runs, JQ_WARMUP warmups: jq 1.6 is slow).
jq_name="zcat | jq -c -f grep_seed4.jq"
if tw_selected "$jq_name" && (( JQ_WARMUP == 0 )); then
  # No warmup run: make sure the files are in the page cache (cheap; the rows above did it too).
  bash -c "$TW_FIND | xargs -0 cat >/dev/null"
fi
tw_row --procs "$JOBS" --runs "$JQ_RUNS" --warmup "$JQ_WARMUP" --note "N from jq" "$jq_name" "$N" \
  "$TW_FIND | $XARGS sh -c 'p=\$1; shift; zcat \"\$@\" | jq -c -f \"\$p\"' _ $(tw_q "$JQ_PROG")"

# 6. DuckDB (@duckdb/node-api, pinned in bench/package.json), JOBS threads, the four filters
#    as a SQL WHERE over every unnested record; same strategy choice as bench_cat.sh.
if tw_duckdb_ready; then
  versions+=", @duckdb/node-api $(tw_duckdb_version)"
  strategy=$(tw_duckdb_strategy)
  tw_row "DuckDB $strategy + unnest + WHERE" "count:$N" \
    "node $(tw_q "$TW_BENCH_DIR/duckdb_grep.mjs") $C --threads $JOBS --strategy $strategy"
else
  tw_skip "DuckDB" "$TW_DUCKDB_WHY"
fi

# The product target: grep with the seed patterns costs at most 1.3x cat.
g=$(tw_row_mean "$seed4_name"); c=$(tw_row_mean "$cat_name")
if [[ -n $g && -n $c ]]; then
  TW_NOTES+=("$(awk -v g="$g" -v c="$c" 'BEGIN {
    r = g / c
    printf "Target: `trailwatch grep` with the seed4 patterns at most 1.30× `trailwatch cat`: %.2f× (%s).", r, (r <= 1.3 ? "met" : "NOT met")
  }')")
fi

TW_VERSIONS="$versions, hyperfine $(hyperfine --version | awk '{ print $NF }')"
tw_report
exit "$TW_FAILED"
