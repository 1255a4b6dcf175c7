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
