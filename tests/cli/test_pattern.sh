#!/usr/bin/env bash
# test-pattern: one line per message in order, match/nomatch first; messages
# from arguments or stdin; jsonl with extracted values; exit codes.
source "$(dirname "$0")/common.sh"
run_tw test-pattern '{ $.eventName = ConsoleLogin }' '{"eventName":"ConsoleLogin"}' '{"eventName":"Other"}' 'plain text'
expect_eq "$status" 0 "some match"
expect_eq "$(cat "$TMP/out")" $'match {"eventName":"ConsoleLogin"}\nnomatch {"eventName":"Other"}\nnomatch plain text' "text output"

printf 'ERROR one\nINFO two\nERROR three\n' | "$TW" test-pattern 'ERROR' >"$TMP/out"
expect_eq "$(cut -d' ' -f1 "$TMP/out" | tr '\n' ' ')" "match nomatch match " "stdin messages"

run_tw test-pattern --format jsonl '[ip, user, ..., status = 4*, bytes]' '10.0.0.1 - x "GET / HTTP/1.1" 404 512'
expect_eq "$status" 0 "space-delimited match"
python3 - "$TMP/out" <<'PY'
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["match"] is True and o["extracted"]["$status"] == "404" and o["extracted"]["$bytes"] == "512", o
PY

run_tw test-pattern 'ERROR' 'all good'
expect_eq "$status" 1 "no match"
run_tw test-pattern '{ $.a = }' 'x'
expect_eq "$status" 2 "bad pattern"
expect_contains "$TMP/err" "expected a value"

# Messages are shown with control characters made visible.
run_tw test-pattern 'x' $'x\e[2J'
expect_contains "$TMP/out" 'match x\x1b[2J'
