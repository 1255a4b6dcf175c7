#!/usr/bin/env bash
# Command-line errors exit 2 with a message; --version and --help work.
source "$(dirname "$0")/common.sh"
run_tw --version
expect_eq "$status" 0 "--version"
grep -qE '^trailwatch [0-9]+\.[0-9]+\.[0-9]+' "$TMP/out" || fail "--version output"
run_tw cat --help
expect_eq "$status" 0 "cat --help"
expect_contains "$TMP/out" "--since"
run_tw cat --no-such-flag "$ROOT/samples"
expect_eq "$status" 2 "unknown flag"
run_tw frobnicate
expect_eq "$status" 2 "unknown command"
run_tw cat --max-file-size 12X "$ROOT/samples"
expect_eq "$status" 2 "bad size"
expect_contains "$TMP/err" "--max-file-size"

# An option given an empty value is an error, never the same as leaving it
# out: `--state "$STATE"` or `--on-alarm "$PAGER_CMD"` with an unset variable
# in a cron line must not silently run without a state or without paging.
record 2026-11-20T08:00:00Z ConsoleLogin >"$TMP/a.json"
for opt in --since --until --state --on-alarm --max-file-size; do
  run_tw scan "$opt" '' "$TMP/a.json"
  expect_eq "$status" 2 "scan $opt ''"
  expect_contains "$TMP/err" "$opt: must not be empty"
done
for opt in --since --until; do
  run_tw cat "$opt" '' "$TMP/a.json"
  expect_eq "$status" 2 "cat $opt ''"
  run_tw grep "$opt" '' ConsoleLogin "$TMP/a.json"
  expect_eq "$status" 2 "grep $opt ''"
done
for opt in --start --end --public-keys; do
  run_tw verify "$opt" '' "$TMP"
  expect_eq "$status" 2 "verify $opt ''"
  expect_contains "$TMP/err" "$opt: must not be empty"
done
# Worker counts: 0 is one per core; negative or absurd counts are errors.
run_tw cat -j 0 "$TMP/a.json"
expect_eq "$status" 0 "-j 0"
for jobs in -1 1000000 x; do
  run_tw cat -j "$jobs" "$TMP/a.json"
  expect_eq "$status" 2 "cat -j $jobs"
  run_tw verify -j "$jobs" "$TMP"
  expect_eq "$status" 2 "verify -j $jobs"
done
