#!/usr/bin/env bash
# --since/--until keep exactly the records whose eventTime is in range; files
# skipped by their S3 name never hold such a record.
source "$(dirname "$0")/common.sh"
since=2026-11-20T06:00:00Z
until=2026-11-20T09:30:00Z
"$TW" cat -q "$ROOT/samples" >"$TMP/all"
# eventTime strings are all YYYY-MM-DDTHH:MM:SSZ, so text order is time order.
expected=$(grep -oE '"eventTime":"[^"]+"' "$TMP/all" | cut -d'"' -f4 |
  awk -v s="$since" -v u="$until" '$0 >= s && $0 <= u' | wc -l)
run_tw cat --since "$since" --until "$until" "$ROOT/samples"
expect_eq "$status" 0 "exit status"
expect_eq "$(wc -l <"$TMP/out")" "$expected" "records in range"
grep -qE 'files outside --since/--until by S3 name' "$TMP/err" || fail "no files were pruned by name"
grep -qE '[0-9]+ outside --since/--until' "$TMP/err" || fail "no records filtered"

run_tw cat --since yesterday "$ROOT/samples"
expect_eq "$status" 2 "bad --since"
expect_contains "$TMP/err" "--since: invalid time 'yesterday'"
