#!/usr/bin/env bash
# Nothing read is not success: cat, grep and scan of an empty folder, or of a
# folder whose files are all skipped (digests, non-log names, hidden files),
# exit 2 with a clear message, with or without -q. An input that was read but
# held no record, and files left out by --since/--until, are not errors; nor
# is a scan --state run whose files were all read by an earlier run.
# --since later than --until (and verify's --start later than --end) is a
# usage error.
source "$(dirname "$0")/common.sh"
pattern='{ $.eventName = ConsoleLogin }'

# nothing WHAT ARGS...: trailwatch ARGS must exit 2 and say there was nothing to read.
nothing() {
  local what=$1
  shift
  run_tw "$@"
  expect_eq "$status" 2 "$* on $what"
  expect_contains "$TMP/err" "nothing to read: no log file found in"
}
# each_reader WHAT PATH...: cat, grep and scan, plain and quiet.
each_reader() {
  local what=$1
  shift
  nothing "$what" cat "$@"
  nothing "$what" grep "$pattern" "$@"
  nothing "$what" grep -c "$pattern" "$@"
  nothing "$what" scan "$@"
  nothing "$what" cat -q "$@"
  nothing "$what" scan -q --format jsonl "$@"
}

mkdir -p "$TMP/empty"
each_reader "an empty folder" "$TMP/empty"
expect_contains "$TMP/err" "$TMP/empty"

# Only skipped files: a digest, a non-log name, a hidden log file, a FIFO.
skipped=$TMP/skipped
mkdir -p "$skipped/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20"
record 2026-11-20T08:00:00Z ConsoleLogin >"$skipped/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/d.json"
record 2026-11-20T08:00:00Z ConsoleLogin >"$skipped/notes.txt"
record 2026-11-20T08:00:00Z ConsoleLogin >"$skipped/.hidden.json"
mkfifo "$skipped/fifo.json"
each_reader "a folder of skipped files" "$skipped"
expect_contains "$TMP/err" "skipped 1 digest file, 2 non-log files, 1 special file"

# Two empty folders: still nothing; with one real file among them: fine.
mkdir -p "$TMP/empty2"
run_tw cat "$TMP/empty" "$TMP/empty2"
expect_eq "$status" 2 "two empty folders"
mkdir -p "$TMP/one"
record 2026-11-20T08:00:00Z ConsoleLogin >"$TMP/one/a.json"
run_tw cat "$TMP/empty" "$TMP/one"
expect_eq "$status" 0 "an empty folder beside a log file"
expect_not_contains "$TMP/err" "nothing to read"
run_tw grep "$pattern" "$TMP/empty" "$TMP/one"
expect_eq "$status" 0 "grep: an empty folder beside a matching log file"

# Read, but empty: a file of no records is not "nothing read"; an empty
# stdin (like an empty file) is a damaged input, with its own message.
run_tw cat - </dev/null
expect_eq "$status" 2 "cat of an empty stdin"
expect_contains "$TMP/err" "<stdin>: empty file"
expect_not_contains "$TMP/err" "nothing to read"
printf '{"Records":[]}' >"$TMP/norecords.json"
run_tw cat "$TMP/norecords.json"
expect_eq "$status" 0 "cat of {\"Records\":[]}"
run_tw scan "$TMP/norecords.json"
expect_eq "$status" 0 "scan of {\"Records\":[]}"

# scan --state: a second run with no new file read nothing new, and that is
# normal (the files were found, and read by the first run).
run_tw scan --state "$TMP/state" "$TMP/one"
expect_eq "$status" 0 "scan --state: first run"
run_tw scan --state "$TMP/state" "$TMP/one"
expect_eq "$status" 0 "scan --state: no new file"
expect_not_contains "$TMP/err" "nothing to read"

# Files left out by their S3 delivery stamp were there: the range is empty,
# nothing is missing.
s3=$TMP/s3/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20
mkdir -p "$s3"
record 2026-11-20T08:00:00Z ConsoleLogin >"$s3/111122223333_CloudTrail_us-east-1_20261120T0805Z_abcdefghijklmnop.json"
gz "$s3/111122223333_CloudTrail_us-east-1_20261120T0805Z_abcdefghijklmnop.json"
run_tw cat --since 2026-11-21 "$TMP/s3"
expect_eq "$status" 0 "cat --since after every file"
expect_contains "$TMP/err" "1 file outside --since/--until by S3 name"

# --since later than --until: every command that takes them.
# range_check CMD...: --since later than --until is an error; equal is not.
range_check() {
  run_tw "$@" --since 2026-11-21 --until 2026-11-20 "$TMP/one"
  expect_eq "$status" 2 "$* --since > --until"
  expect_contains "$TMP/err" "--since 2026-11-21T00:00:00Z is later than --until 2026-11-20T00:00:00Z"
  expect_eq "$(cat "$TMP/out")" "" "$* --since > --until: no output"
  run_tw "$@" --since 1h --until 2h "$TMP/one"   # spans back from now: 1h ago is the later time
  expect_eq "$status" 2 "$* --since 1h --until 2h"
  run_tw "$@" --since 2026-11-20T08:00:00Z --until 2026-11-20T08:00:00Z "$TMP/one"
  [ "$status" != 2 ] || fail "$*: --since equal to --until is a range of one second: $(cat "$TMP/err")"
}
range_check cat
range_check grep "$pattern"
range_check scan
run_tw verify --start 2026-11-21 --end 2026-11-20 "$TMP/one"
expect_eq "$status" 2 "verify --start > --end"
expect_contains "$TMP/err" "--start 2026-11-21T00:00:00Z is later than --end 2026-11-20T00:00:00Z"
