#!/usr/bin/env bash
# Bad input never crashes and never disappears: each bad file gets a message
# naming it, good records around it are still emitted, the summary counts add
# up, and the exit status is 2.
source "$(dirname "$0")/common.sh"
d=$TMP/bad
mkdir -p "$d"
{ echo '{"Records":['; record 2026-11-20T10:00:01Z Good1; echo ']}'; } >"$d/01-good.json"
: >"$d/02-empty.json"
echo 'this is not json' >"$d/03-text.json"
{ echo '{"Records":['; record 2026-11-20T10:00:02Z Good2; echo ','; record 2026-11-20T10:00:03Z Cut | head -c 80; } >"$d/04-truncated.json"
printf '{"Records":[{"eventVersion":"1.08","eventName":"NoTime"}]}' >"$d/05-no-time.json"
echo '{"name":"not cloudtrail"}' >"$d/06-other.json"
{ echo '{"Records":['; record 2026-11-20T10:00:04Z Good3; echo ']}'; } >"$d/07-corrupt.json" && gz "$d/07-corrupt.json"
printf 'garbage-garbage-garbage' | dd of="$d/07-corrupt.json.gz" bs=1 seek=12 conv=notrunc status=none
{ echo '{"Records":['; record 2026-11-20T10:00:05Z Good4; echo ']}'; } >"$d/08-cut.json" && gz "$d/08-cut.json"
head -c 40 "$d/08-cut.json.gz" >"$d/08-cut.json.gz.tmp" && mv "$d/08-cut.json.gz.tmp" "$d/08-cut.json.gz"
{ record 2026-11-20T10:00:06Z Good5; echo; echo '{"eventTime":"2026-11-20T10:00:07Z", oops}'; record 2026-11-20T10:00:08Z Good6; echo; } >"$d/09-lines.jsonl"

run_tw cat -j2 "$d" "$TMP/does-not-exist.json"
expect_eq "$status" 2 "exit status"
# Good3 sits behind the corrupted gzip bytes: it cannot be recovered.
for name in Good1 Good2 Good5 Good6; do
  expect_contains "$TMP/out" "\"eventName\":\"$name\""
done
expect_not_contains "$TMP/out" '"eventName":"Cut"'
expect_contains "$TMP/err" "02-empty.json: empty file"
expect_contains "$TMP/err" "03-text.json: byte 0: not JSON"
expect_contains "$TMP/err" "04-truncated.json: record 2 (byte"
expect_contains "$TMP/err" "truncated record"
expect_contains "$TMP/err" "05-no-time.json: record 1 (byte 12): missing eventTime"
expect_contains "$TMP/err" "06-other.json: line 1: not a CloudTrail record"
expect_contains "$TMP/err" "07-corrupt.json.gz: byte"
expect_contains "$TMP/err" "08-cut.json.gz: byte 40: truncated gzip data"
expect_contains "$TMP/err" "09-lines.jsonl: line 2: invalid JSON"
expect_contains "$TMP/err" "does-not-exist.json: No such file or directory"

# The summary: records read = emitted + rejected, and the bad inputs are counted.
summary=$(grep -E 'records read = ' "$TMP/err")
read -r read_n emitted rejected < <(echo "$summary" | sed -E 's/.*: ([0-9]+) records read = ([0-9]+) emitted \+ ([0-9]+) rejected.*/\1 \2 \3/')
expect_eq "$((emitted + rejected))" "$read_n" "records read = emitted + rejected"
expect_eq "$emitted" "$(wc -l <"$TMP/out")" "emitted lines"
expect_contains "$TMP/err" "1 path error"
grep -qE '[0-9]+ inputs read .*, [0-9]+ damaged or unreadable' "$TMP/err" || fail "no damaged count in summary"
