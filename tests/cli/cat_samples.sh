#!/usr/bin/env bash
# `cat` over samples/ emits exactly the records the generator wrote, in the
# same bytes for -j1 and -j2, and the summary adds up.
source "$(dirname "$0")/common.sh"
expected=$(awk -F'\t' '$1 == "TOTAL" { print $2 }' "$ROOT/samples/MANIFEST.tsv")
[ -n "$expected" ] || fail "no TOTAL in samples/MANIFEST.tsv"

run_tw cat -j1 "$ROOT/samples"
expect_eq "$status" 0 "exit status"
expect_eq "$(wc -l <"$TMP/out")" "$expected" "records emitted"
expect_contains "$TMP/err" "$expected records read = $expected emitted + 0 rejected"
cp "$TMP/out" "$TMP/out.j1"

run_tw cat -j2 "$ROOT/samples"
cmp -s "$TMP/out" "$TMP/out.j1" || fail "-j1 and -j2 outputs differ"

# Per-file counts: each file's records, read alone, match the manifest.
while IFS=$'\t' read -r path n; do
  [ "$path" == "path" ] || [ "$path" == "TOTAL" ] && continue
  got=$("$TW" cat -q "$ROOT/samples/$path" | wc -l)
  expect_eq "$got" "$n" "records in $path"
done < <(head -40 "$ROOT/samples/MANIFEST.tsv")

# Every line is one JSON object with an eventTime (python3 is a test dependency).
python3 - "$TMP/out" <<'PY'
import json, sys
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    rec = json.loads(line)
    assert isinstance(rec, dict) and "eventTime" in rec, f"line {n}"
PY
