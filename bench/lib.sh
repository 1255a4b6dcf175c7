# shellcheck shell=bash
# Globals set here are read by the suite scripts; backticks in printf formats are markdown.
# shellcheck disable=SC2034,SC2016
# bench/lib.sh — shared helpers for the trailwatch benchmark suites.
#
# A suite script (bench_cat.sh, bench_grep.sh, ...) does:
#
#   source "$(dirname "$0")/lib.sh"
#   tw_init CORPUS SUITE_NAME
#   tw_row  [OPTIONS] NAME CHECK COMMAND  # one row per tool; COMMAND writes its product to stdout
#   tw_skip NAME REASON             # a row that cannot run here (e.g. binary missing)
#   tw_report                       # prints the markdown table, saves it in bench/results/
#
# CHECK says how the row's output is verified in the extra (peak-RSS) run:
#   lines   stdout line count must equal the corpus record count (cat-like rows)
#   bytes   stdout byte count must equal the corpus uncompressed bytes (decompressors)
#   count   the first field of stdout must equal the corpus record count (DuckDB)
#   count:N the first field of stdout must equal N (DuckDB grep)
#   N       (a number) stdout line count must equal N (grep rows)
#   none    no check
# A tool may add a remark to its Check cell by printing "bench-note: TEXT" on stderr.
#
# Optional suite settings read by tw_report:
#   TW_BASELINE   row name the "vs" column divides by
#   TW_BASELINE2  a second row name: adds a second "vs" column
#   TW_NOTES+=()  paragraphs printed under the table
#
# Environment knobs (all optional):
#   RUNS=3         hyperfine --runs (one warmup run is always done first)
#   WARMUP=1       hyperfine --warmup
#   ONLY=REGEX     run only the rows whose NAME matches REGEX (bash =~, case-sensitive)
#   BATCH=N        files per xargs invocation (default: files/16, clamped to 1..200)
#   JOBS=2         cores per tool (xargs -P, trailwatch -j, DuckDB threads)
#   PIN=auto       auto: pin every run to CPUs 0..JOBS-1 with taskset when the machine
#                  has more than JOBS cores; none: never pin; or a taskset CPU list, e.g. 2,3
#   RESULTS_DIR    default bench/results
#   TW_KEEP_GOING=1  a failing row is reported as FAILED and the suite goes on (default);
#                  0 stops at the first failure

set -euo pipefail

TW_BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TW_REPO_DIR=$(cd "$TW_BENCH_DIR/.." && pwd)
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
JOBS=${JOBS:-2}
ONLY=${ONLY:-}
PIN=${PIN:-auto}
RESULTS_DIR=${RESULTS_DIR:-$TW_BENCH_DIR/results}
TW_KEEP_GOING=${TW_KEEP_GOING:-1}

TW_ROWS=()       # one \x1f-separated record per row, filled by tw_row / tw_skip
TW_FAILED=0
TW_NOTES=()      # paragraphs printed under the table (suites may append)

tw_log() { printf '[bench] %s\n' "$*" >&2; }
tw_die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

tw_need() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || tw_die "required tool '$c' not found"
  done
}

# Quote a word for inclusion in a bash command string.
tw_q() { printf '%q' "$1"; }

# tw_init CORPUS SUITE — validate the corpus, compute (or load cached) corpus stats.
tw_init() {
  [[ $# -eq 2 ]] || tw_die "tw_init CORPUS SUITE"
  [[ -d $1 ]] || tw_die "corpus directory '$1' does not exist"
  [[ $RUNS =~ ^[1-9][0-9]*$ ]] || tw_die "RUNS must be a positive integer"
  [[ $JOBS =~ ^[1-9][0-9]*$ ]] || tw_die "JOBS must be a positive integer"
  tw_need hyperfine jq igzip find xargs awk
  [[ -x /usr/bin/time ]] || tw_die "/usr/bin/time not found (Debian package 'time')"

  TW_CORPUS=$(cd "$1" && pwd)
  TW_SUITE=$2
  TW_STAMP=$(date +%Y%m%d-%H%M%S)
  TW_OUT="$RESULTS_DIR/$TW_SUITE-$TW_STAMP"
  mkdir -p "$TW_OUT"

  TW_PIN_CMD=()
  local ncpu
  ncpu=$(nproc)
  if [[ $PIN == auto ]]; then
    if (( ncpu > JOBS )) && command -v taskset >/dev/null 2>&1; then
      TW_PIN_CMD=(taskset -c "0-$((JOBS - 1))")
    fi
  elif [[ $PIN != none ]]; then
    tw_need taskset
    TW_PIN_CMD=(taskset -c "$PIN")
  fi

  tw_corpus_stats

  if [[ -n ${BATCH:-} ]]; then
    TW_BATCH=$BATCH
  else
    TW_BATCH=$(( TW_FILES / 16 ))
    (( TW_BATCH < 1 )) && TW_BATCH=1
    (( TW_BATCH > 200 )) && TW_BATCH=200
  fi
  # The same file list, in the same order, for every xargs-based row.
  TW_FIND="find $(tw_q "$TW_CORPUS") -name '*.json.gz' -type f -print0"

  tw_log "corpus $TW_CORPUS: $TW_FILES files, $TW_RECORDS records, $TW_GZ_BYTES bytes gz, $TW_RAW_BYTES bytes raw"
  tw_log "runs=$RUNS warmup=$WARMUP jobs=$JOBS batch=$TW_BATCH pin=${TW_PIN_CMD[*]:-none} results=$TW_OUT"
  TW_LOAD_START=$(tw_loadavg)
  if awk -v l="$TW_LOAD_START" 'BEGIN { exit !(l > 1.0) }'; then
    tw_log "WARNING: load average is $TW_LOAD_START before starting: other work on this machine will skew the timings"
  fi
}

# tw_binary [PATH]: the trailwatch binary to time: PATH, else $TRAILWATCH, else
# build/trailwatch. A relative path is taken from the current directory if it
# exists there, else from the repo root.
tw_binary() {
  local tw=${1:-${TRAILWATCH:-build/trailwatch}}
  if [[ $tw != /* ]]; then
    if [[ -e $tw ]]; then tw="$(cd "$(dirname "$tw")" && pwd)/$(basename "$tw")"; else tw="$TW_REPO_DIR/$tw"; fi
  fi
  printf '%s' "$tw"
}

# 1-minute load average.
tw_loadavg() { cut -d' ' -f1 /proc/loadavg; }

# Record count from MANIFEST.tsv: the TOTAL line. If the manifest has a header
# with a column called records/count, that column is used; otherwise the last field.
tw_manifest_total() {
  local m=$1
  awk -F'\t' '
    NR == 1 { for (i = 1; i <= NF; i++) if (tolower($i) ~ /^(records|record_count|count|n_records)$/) col = i }
    $1 == "TOTAL" { v = (col ? $col : $NF); gsub(/[^0-9]/, "", v); if (v != "") print v; exit }
  ' "$m"
}

tw_corpus_stats() {
  local listing key cache
  listing=$(find "$TW_CORPUS" -name '*.json.gz' -type f -printf '%s\n' |
            awk '{ n++; s += $1 } END { printf "%.0f %.0f\n", n, s }')
  read -r TW_FILES TW_GZ_BYTES <<<"$listing"
  (( TW_FILES > 0 )) || tw_die "no *.json.gz files under $TW_CORPUS"

  # Cache key: path + file count + compressed size + manifest identity.
  local mstat="none"
  [[ -f $TW_CORPUS/MANIFEST.tsv ]] && mstat=$(stat -c '%s-%Y' "$TW_CORPUS/MANIFEST.tsv")
  key=$(printf '%s|%s|%s|%s' "$TW_CORPUS" "$TW_FILES" "$TW_GZ_BYTES" "$mstat" | md5sum | cut -c1-16)
  TW_CORPUS_KEY=$key
  cache="$RESULTS_DIR/corpus-$key.tsv"

  if [[ -f $cache ]]; then
    IFS=$'\t' read -r TW_RECORDS TW_RAW_BYTES TW_RECORDS_SRC < "$cache"
    tw_log "corpus stats loaded from $cache"
    return
  fi

  local batch=$(( TW_FILES / 16 )); (( batch < 1 )) && batch=1; (( batch > 200 )) && batch=200
  TW_RECORDS=""
  if [[ -f $TW_CORPUS/MANIFEST.tsv ]]; then
    TW_RECORDS=$(tw_manifest_total "$TW_CORPUS/MANIFEST.tsv")
    TW_RECORDS_SRC="MANIFEST.tsv"
  fi
  if [[ -z $TW_RECORDS ]]; then
    tw_log "no usable TOTAL line in MANIFEST.tsv; counting records with jq (once, cached)"
    TW_RECORDS=$(find "$TW_CORPUS" -name '*.json.gz' -type f -print0 |
      xargs -0 -P "$JOBS" -n "$batch" sh -c 'igzip -dc "$@" | jq ".Records | length"' _ |
      awk '{ s += $1 } END { printf "%.0f\n", s }')
    TW_RECORDS_SRC="counted with jq"
  fi
  tw_log "computing uncompressed size with igzip -dc | wc -c (once, cached)"
  TW_RAW_BYTES=$(find "$TW_CORPUS" -name '*.json.gz' -type f -print0 |
    xargs -0 -P "$JOBS" -n "$batch" igzip -dc | wc -c)
  mkdir -p "$RESULTS_DIR"
  printf '%s\t%s\t%s\n' "$TW_RECORDS" "$TW_RAW_BYTES" "$TW_RECORDS_SRC" > "$cache"
}

# tw_corpus_cached LABEL COMMAND — print the first line of COMMAND's stdout (bash, pipefail),
# computed once per corpus and cached in $RESULTS_DIR/corpus-<key>.LABEL, next to the corpus
# stats (so a regenerated corpus invalidates it). Put a hash of whatever COMMAND depends on
# (a program file, ...) in LABEL. Dies if COMMAND fails.
tw_corpus_cached() {
  [[ $# -eq 2 ]] || tw_die "tw_corpus_cached LABEL COMMAND"
  local cache="$RESULTS_DIR/corpus-$TW_CORPUS_KEY.$1" out
  if [[ -f $cache ]]; then
    tw_log "$1 loaded from $cache"
    head -n1 "$cache"
    return 0
  fi
  tw_log "computing $1 (once, cached): $2"
  out=$(bash -o pipefail -c "$2" | head -n1) || tw_die "computing $1 failed: $2"
  mkdir -p "$RESULTS_DIR"
  printf '%s\n' "$out" > "$cache"
  printf '%s\n' "$out"
}

# tw_selected NAME — true when the row is selected by ONLY.
tw_selected() { [[ -z $ONLY ]] || [[ $1 =~ $ONLY ]]; }

tw_slug() { printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_' | cut -c1-60; }

# Row record: name, status, mean, stddev, min, max, rss_kb, procs, cpu%, check, command
tw_add_row() { local IFS=$'\x1f'; TW_ROWS+=("$*"); }

tw_skip() {
  tw_log "SKIP $1: $2"
  tw_add_row "$1" "skipped" "" "" "" "" "" "" "" "$2" ""
}

# tw_row [--procs N] [--runs N] [--warmup N] [--note TEXT] NAME CHECK COMMAND
#   --procs N: the command runs N worker processes at once (xargs -P N); the peak RSS
#   column then shows "N × per-process peak", since /usr/bin/time reports the largest
#   single process of the tree, not the sum.
#   --runs N, --warmup N: this row's hyperfine runs and warmup runs instead of RUNS and
#   WARMUP (for very slow tools); the Check cell then says how many runs were timed.
#   --note TEXT: a remark appended to the row's Check cell.
tw_row() {
  local procs=1 runs=$RUNS warmup=$WARMUP rownote=""
  while [[ $# -gt 0 && $1 == --* ]]; do
    [[ $# -ge 2 ]] || tw_die "tw_row: $1 needs a value"
    case $1 in
      --procs) procs=$2 ;;
      --runs) runs=$2 ;;
      --warmup) warmup=$2 ;;
      --note) rownote=$2 ;;
      *) tw_die "tw_row: unknown option $1" ;;
    esac
    shift 2
  done
  [[ $# -eq 3 ]] || tw_die "tw_row [--procs N] [--runs N] [--warmup N] [--note TEXT] NAME CHECK COMMAND"
  [[ $runs =~ ^[1-9][0-9]*$ ]] || tw_die "tw_row: --runs must be a positive integer (got '$runs')"
  [[ $warmup =~ ^[0-9]+$ ]] || tw_die "tw_row: --warmup must be a non-negative integer (got '$warmup')"
  local name=$1 check=$2 cmd=$3
  if ! tw_selected "$name"; then
    tw_log "not selected (ONLY=$ONLY): $name"
    return 0
  fi
  local slug json md
  slug=$(tw_slug "$name")
  json="$TW_OUT/$slug.json"; md="$TW_OUT/$slug.md"
  printf '%s\n' "$cmd" > "$TW_OUT/$slug.cmd"

  tw_log "=== $name"
  tw_log "    $cmd"
  if ! "${TW_PIN_CMD[@]}" hyperfine --shell=bash --style basic \
        --warmup "$warmup" --runs "$runs" \
        --command-name "$name" \
        --export-json "$json" --export-markdown "$md" \
        "$cmd >/dev/null" >&2; then
    tw_row_failed "$name" "hyperfine: command failed" "$cmd"
    return 0
  fi
  local mean sd min max
  read -r mean sd min max < <(jq -r '.results[0] | "\(.mean) \(.stddev // 0) \(.min) \(.max)"' "$json")

  # One extra run under /usr/bin/time for peak RSS and CPU, which also checks the output.
  # Its stderr is kept in $TW_OUT/<row>.stderr.
  local tf ef out rc=0
  tf="$TW_OUT/$slug.time"; ef="$TW_OUT/$slug.stderr"
  local -a timed=("${TW_PIN_CMD[@]}" /usr/bin/time -f '%M %e %U %S' -o "$tf" bash -c "$cmd")
  case $check in
    lines|[0-9]*) out=$("${timed[@]}" 2>"$ef" | wc -l) || rc=$? ;;
    bytes)        out=$("${timed[@]}" 2>"$ef" | wc -c) || rc=$? ;;
    count|count:[0-9]*) out=$("${timed[@]}" 2>"$ef" | head -n1) || rc=$? ;;
    none)         "${timed[@]}" 2>"$ef" >/dev/null || rc=$?; out="" ;;
    *) tw_die "unknown CHECK '$check' for row $name" ;;
  esac
  if (( rc != 0 )); then
    tw_row_failed "$name" "exit status $rc in the RSS run" "$cmd"
    return 0
  fi
  local rss el us sy cpu
  read -r rss el us sy < <(tail -n1 "$tf")
  cpu=$(awk -v e="$el" -v u="$us" -v s="$sy" 'BEGIN { if (e > 0) printf "%.0f", 100 * (u + s) / e; else print "?" }')

  local want="" got="" verdict
  case $check in
    lines) want=$TW_RECORDS; got=$out ;;
    [0-9]*) want=$check; got=$out ;;
    bytes) want=$TW_RAW_BYTES; got=$out ;;
    count) want=$TW_RECORDS; got=${out%%[[:space:]]*} ;;
    count:*) want=${check#count:}; got=${out%%[[:space:]]*} ;;
  esac
  if [[ $check == none ]]; then
    verdict="not checked"
  elif [[ $got == "$want" ]]; then
    verdict="ok ($got)"
  else
    verdict="MISMATCH: got $got, want $want"
    TW_FAILED=1
  fi
  # A tool may leave remarks for the table: stderr lines starting with "bench-note: ".
  local note
  while IFS= read -r note; do verdict+="; ${note#bench-note: }"; done < <(grep '^bench-note: ' "$ef" || true)
  if [[ -n $rownote ]]; then verdict+="; $rownote"; fi
  if [[ $runs != "$RUNS" || $warmup != "$WARMUP" ]]; then
    if (( runs == 1 )); then verdict+="; 1 timed run"; else verdict+="; $runs timed runs"; fi
    verdict+=", warmup $warmup"
  fi
  tw_log "    mean ${mean}s ± ${sd}s, peak RSS ${rss} KB x $procs, CPU ${cpu}%, check: $verdict"
  tw_add_row "$name" "ok" "$mean" "$sd" "$min" "$max" "$rss" "$procs" "$cpu" "$verdict" "$cmd"
}

tw_row_failed() {
  tw_log "FAILED $1: $2"
  TW_FAILED=1
  tw_add_row "$1" "failed" "" "" "" "" "" "" "" "$2" "$3"
  if [[ $TW_KEEP_GOING != 1 ]]; then tw_report; exit 1; fi
}

# tw_row_mean NAME — the mean wall time of a row that ran ok (empty if none).
tw_row_mean() {
  local row
  local -a f
  for row in "${TW_ROWS[@]}"; do
    IFS=$'\x1f' read -r -a f <<<"$row"
    if [[ ${f[0]} == "$1" && ${f[1]} == ok ]]; then printf '%s\n' "${f[2]}"; return 0; fi
  done
  return 0
}

tw_machine_info() {
  local cpu mem
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
  printf -- '- Machine: %s cores (nproc), %s, %s RAM, Linux %s\n' "$(nproc)" "${cpu:-unknown CPU}" "$mem" "$(uname -r)"
  if [[ -r /etc/os-release ]]; then
    printf -- '- OS: %s\n' "$(. /etc/os-release && echo "${PRETTY_NAME:-unknown}")"
  fi
}

# Human-readable bytes with both units, e.g. "2147483648 (2.15 GB)".
# (%.0f, not %d: mawk, the default awk on Debian, clamps %d to 2^31-1.)
tw_bytes() {
  awk -v b="$1" 'BEGIN { if (b >= 1e9) printf "%.0f B (%.2f GB)", b, b / 1e9; else printf "%.0f B (%.1f MB)", b, b / 1e6 }'
}

# TW_BASELINE: name of the row the "vs floor" column divides by (set by the suite).
# TW_BASELINE2 (optional): a second row name, for a second "vs" column.
tw_report() {
  local table="$TW_OUT/summary.md" base_mean="" base2_mean="" row para
  local -a f
  if [[ -n ${TW_BASELINE:-} ]]; then base_mean=$(tw_row_mean "$TW_BASELINE"); fi
  if [[ -n ${TW_BASELINE2:-} ]]; then base2_mean=$(tw_row_mean "$TW_BASELINE2"); fi
  {
    printf '### %s benchmark\n\n' "$TW_SUITE"
    tw_machine_info
    printf -- '- Corpus: `%s`: %s files, %s records (%s), %s gzipped, %s uncompressed JSON\n' \
      "$TW_CORPUS" "$TW_FILES" "$TW_RECORDS" "$TW_RECORDS_SRC" \
      "$(tw_bytes "$TW_GZ_BYTES")" "$(tw_bytes "$TW_RAW_BYTES")"
    printf -- '- Each tool on %s cores, output to /dev/null, page cache warm (hyperfine --warmup %s --runs %s); %s\n' \
      "$JOBS" "$WARMUP" "$RUNS" "$(date -u +%Y-%m-%dT%H:%MZ)"
    if [[ -n ${TW_VERSIONS:-} ]]; then printf -- '- Versions: %s\n' "$TW_VERSIONS"; fi
    printf -- '- 1-min load average: %s at start, %s at end (the suite itself adds up to ~%s)\n' \
      "$TW_LOAD_START" "$(tw_loadavg)" "$JOBS"
    printf '\n'
    if [[ -n ${TW_BASELINE2:-} ]]; then
      printf '| Tool | Mean wall (s) | Min (s) | Throughput (MB/s) | vs %s | vs %s | Peak RSS (MB) | CPU | Check |\n' \
        "${TW_BASELINE:-floor}" "$TW_BASELINE2"
      printf '|---|--:|--:|--:|--:|--:|--:|--:|---|\n'
    else
      printf '| Tool | Mean wall (s) | Min (s) | Throughput (MB/s) | vs %s | Peak RSS (MB) | CPU | Check |\n' "${TW_BASELINE:-floor}"
      printf '|---|--:|--:|--:|--:|--:|--:|---|\n'
    fi
    for row in "${TW_ROWS[@]}"; do
      IFS=$'\x1f' read -r -a f <<<"$row"
      if [[ ${f[1]} != ok ]]; then
        printf '| %s | %s | | | |%s | | %s |\n' "${f[0]//|/\\|}" "${f[1]}" "${TW_BASELINE2:+ |}" "${f[9]//|/\\|}"
        continue
      fi
      local nums
      nums=$(awk -v mean="${f[2]}" -v sd="${f[3]}" -v min="${f[4]}" -v rss="${f[6]}" -v procs="${f[7]}" \
                 -v raw="$TW_RAW_BYTES" -v base="$base_mean" -v base2="$base2_mean" \
                 -v two="${TW_BASELINE2:+1}" 'BEGIN {
        rel = (base != "" && base > 0) ? sprintf("%.2f×", mean / base) : ""
        if (two) rel = rel " | " ((base2 != "" && base2 > 0) ? sprintf("%.2f×", mean / base2) : "")
        r = (procs > 1) ? sprintf("%d × %.1f", procs, rss / 1024) : sprintf("%.1f", rss / 1024)
        printf "%.3f ± %.3f | %.3f | %.0f | %s | %s", mean, sd, min, raw / 1e6 / mean, rel, r
      }')
      printf '| %s | %s | %s%% | %s |\n' "${f[0]//|/\\|}" "$nums" "${f[8]}" "${f[9]//|/\\|}"
    done
    printf '\nThroughput = uncompressed JSON bytes / mean wall time (1 MB = 10^6 B); Min = fastest timed run, less sensitive to other load. '
    printf 'Peak RSS from one extra run under `/usr/bin/time -f %%M`; "P × N" = N MB per process, P processes at once. '
    printf 'CPU = (user+sys)/wall of that run. Commands and raw hyperfine exports: `%s`.\n' "${TW_OUT#"$TW_REPO_DIR"/}"
    for para in "${TW_NOTES[@]}"; do printf '\n%s\n' "$para"; done
  } > "$table"
  printf '\n' >&2
  cat "$table"
  tw_log "summary saved to $table"
  return 0
}

# tw_duckdb_ready — make sure bench/node_modules has @duckdb/node-api (npm ci once).
# Returns non-zero (with a message in TW_DUCKDB_WHY) when it cannot be made ready.
tw_duckdb_ready() {
  TW_DUCKDB_WHY=""
  if ! command -v node >/dev/null 2>&1; then TW_DUCKDB_WHY="node not found"; return 1; fi
  if [[ ! -d $TW_BENCH_DIR/node_modules/@duckdb/node-api ]]; then
    if ! command -v npm >/dev/null 2>&1; then TW_DUCKDB_WHY="npm not found"; return 1; fi
    tw_log "bench/node_modules missing: npm ci --prefix bench"
    if ! npm ci --prefix "$TW_BENCH_DIR" --no-audit --no-fund >&2; then
      TW_DUCKDB_WHY="npm ci failed"; return 1
    fi
  fi
  return 0
}

# tw_duckdb_version — the installed @duckdb/node-api version (after tw_duckdb_ready), or "?".
tw_duckdb_version() {
  node -p "require('$TW_BENCH_DIR/node_modules/@duckdb/node-api/package.json').version" 2>/dev/null || echo '?'
}

# tw_duckdb_strategy — the DuckDB query strategy for this corpus: $DUCKDB_STRATEGY if set,
# else the faster one for the corpus's mean file size (see bench/README.md): "columns" below
# 1.5 MB of uncompressed JSON per file, else "objects".
tw_duckdb_strategy() {
  if [[ -n ${DUCKDB_STRATEGY:-} ]]; then
    printf '%s\n' "$DUCKDB_STRATEGY"
  elif (( TW_RAW_BYTES / TW_FILES < 1500000 )); then
    echo columns
  else
    echo objects
  fi
}
