#!/usr/bin/env bash
# The bad-input corpus (tests/data/bad-input, written by
# tests/tools/make_bad_input.py): every kind of broken file we know, each with
# the exit status, counts and message EXPECTED.tsv gives, end to end; then the
# whole folder through cat -j2, grep and scan, whose counts must add up.
# Real-world oddities (pretty-printed arrays, a file without commas between
# records, Logstash exports without eventTime) are in cat_real_data.sh.
source "$(dirname "$0")/common.sh"
corpus=$ROOT/tests/data/bad-input
sum_read=0 sum_emitted=0 sum_rejected=0 rows=0
while IFS=$'\t' read -r file want_status want_read want_emitted want_rejected message; do
  [[ $file == \#* ]] && continue
  run_tw cat "$corpus/$file"
  expect_eq "$status" "$want_status" "$file: exit status"
  expect_contains "$TMP/err" "$want_read record"
  expect_contains "$TMP/err" "read = $want_emitted emitted + $want_rejected rejected"
  expect_eq "$(wc -l <"$TMP/out")" "$want_emitted" "$file: records printed"
  if [[ $message == - ]]; then
    expect_eq "$(grep -vcE 'inputs? read|records? read' "$TMP/err")" 0 "$file: no message"
  else
    expect_contains "$TMP/err" "$corpus/$file${message#"$file"}"
  fi
  # Every printed record is valid JSON.
  python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/out" || fail "$file: invalid JSON printed"
  sum_read=$((sum_read + want_read)) sum_emitted=$((sum_emitted + want_emitted))
  sum_rejected=$((sum_rejected + want_rejected)) rows=$((rows + 1))
done <"$corpus/EXPECTED.tsv"
expect_eq "$rows" "$(find "$corpus" -type f ! -name EXPECTED.tsv | wc -l)" "every corpus file has a row"

# The whole folder at once, on two workers: the same totals.
run_tw cat -j2 "$corpus"
expect_eq "$status" 2 "folder: exit status"
expect_contains "$TMP/err" "$sum_read records read = $sum_emitted emitted + $sum_rejected rejected"
# grep and scan read the same records; they may accept a record cat rejects
# (cat checks all of a record to print it, e.g. its depth; they read only the
# fields their patterns need), but the totals still add up.
expect_balanced() {  # WHAT: "N records read = E evaluated + R rejected" with N = E + R = $sum_read
  local n e r
  read -r n e r < <(sed -nE 's/.*: ([0-9]+) records? read = ([0-9]+) evaluated \+ ([0-9]+) rejected.*/\1 \2 \3/p' "$TMP/err")
  expect_eq "$n" "$sum_read" "$1: records read"
  expect_eq "$((e + r))" "$n" "$1: read = evaluated + rejected"
}
run_tw grep -c '{ $.eventName = "Good*" }' "$corpus"
expect_eq "$status" 2 "grep: errors win over matches"
expect_balanced grep
run_tw scan --rules "$ROOT/tests/data/seed-monitoring.tf" --no-summary "$corpus"
expect_eq "$status" 2 "scan: exit status"
expect_balanced scan
echo "bad_input_corpus: ok"
