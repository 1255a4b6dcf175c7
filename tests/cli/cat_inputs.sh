#!/usr/bin/env bash
# Inputs mixed on one command line: a folder, plain and gzipped files of every
# format, stdin as '-', and stdin when no path is given.
source "$(dirname "$0")/common.sh"
mkdir -p "$TMP/in"
{ echo '{"Records":['; record 2026-11-20T10:00:01Z A; echo ','; record 2026-11-20T10:00:02Z B; echo ']}'; } >"$TMP/in/doc.json"
{ record 2026-11-20T10:00:03Z C; echo; record 2026-11-20T10:00:04Z D; echo; } >"$TMP/in/lines.jsonl"
cp "$TMP/in/lines.jsonl" "$TMP/in/lines2.ndjson" && gz "$TMP/in/lines2.ndjson"
{ printf '2026-11-20T10:00:05.000Z '; record 2026-11-20T10:00:05Z E; echo; } >"$TMP/export.log"
printf '{"version":"0","detail-type":"AWS API Call via CloudTrail","detail":%s}\n' "$(record 2026-11-20T10:00:06Z F)" >"$TMP/eb.json"

run_tw cat -j2 "$TMP/in" "$TMP/export.log" - <"$TMP/eb.json"
expect_eq "$status" 0 "exit status"
expect_eq "$(grep -o '"eventName":"[A-Z]"' "$TMP/out" | tr -d '\n')" \
  '"eventName":"A""eventName":"B""eventName":"C""eventName":"D""eventName":"C""eventName":"D""eventName":"E""eventName":"F"' \
  "records in command-line order, folder entries sorted"
expect_contains "$TMP/err" "8 records read = 8 emitted + 0 rejected"

# No path and a pipe on stdin: stdin is read.
set +e
out=$(gzip -c "$TMP/in/doc.json" | "$TW" cat -q)
set -e
expect_eq "$(echo "$out" | wc -l)" 2 "records from piped gzip on stdin"
