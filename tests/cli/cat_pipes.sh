#!/usr/bin/env bash
# Pipes: `| head` ends the run quietly with status 0; a hostile file name is
# shown escaped, never raw, in messages.
source "$(dirname "$0")/common.sh"
set +e
"$TW" cat "$ROOT/samples" 2>"$TMP/err" | head -1 >"$TMP/out"
st=${PIPESTATUS[0]}
set -e
expect_eq "$st" 0 "status after | head"
expect_eq "$(wc -l <"$TMP/out")" 1 "lines through head"
[ ! -s "$TMP/err" ] || { cat "$TMP/err" >&2; fail "stderr not quiet after | head"; }

evil=$TMP/$'evil\e]0;pwned\a\e[2J.json'
echo 'not json' >"$evil"
run_tw cat "$evil"
expect_eq "$status" 2 "exit status"
if grep -q $'\e' "$TMP/err"; then fail "raw ESC reached stderr"; fi
expect_contains "$TMP/err" 'evil\x1b]0;pwned\x07\x1b[2J.json: byte 0: not JSON'
