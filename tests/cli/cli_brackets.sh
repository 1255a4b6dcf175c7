#!/usr/bin/env bash
# Arguments are taken as they are written: CLI11 reads an argument shaped like
# "[a,b]" as a list, which turned the message '[7]' into '7', a file named
# '[x]' into 'x' and a space-delimited pattern '[w]' into the term 'w'. Every
# positional and repeatable option of every command is checked here.
source "$(dirname "$0")/common.sh"
cd "$TMP"

# test-pattern: the pattern and each message, from arguments or stdin.
run_tw test-pattern '%\[.\]%' '[7]'
expect_eq "$status" 0 "test-pattern '[7]'"
expect_eq "$(cat "$TMP/out")" "match [7]" "the message keeps its brackets"
run_tw test-pattern --format jsonl '%.%' '[a,b]' '[]' 'x' '[' ']' '[,]'
expect_eq "$(python3 -c 'import json,sys; print("|".join(json.loads(l)["message"] for l in open(sys.argv[1])))' "$TMP/out")" \
  '[a,b]|[]|x|[|]|[,]' "every message as written, in order"
run_tw test-pattern '[a, b]' 'one two'
expect_eq "$(cat "$TMP/out")" "match one two" "a space-delimited pattern"
run_tw test-pattern --format jsonl '%.%' -- '[-x]' '-y'
expect_eq "$(python3 -c 'import json,sys; print("|".join(json.loads(l)["message"] for l in open(sys.argv[1])))' "$TMP/out")" \
  '[-x]|-y' "messages after --"
# An argument that starts with the byte CLI11 support uses internally stays itself.
run_tw test-pattern --format jsonl '%.%' $'\x01[7]' $'\x01x'
expect_eq "$(python3 -c 'import json,sys; print("|".join(json.loads(l)["message"] for l in open(sys.argv[1])))' "$TMP/out")" \
  $'\x01[7]|\x01x' "a leading \\x01"

# cat / grep / scan: paths named like lists.
mkdir -p '[logs]' 'logs'
record 2026-11-20T08:00:00Z ConsoleLogin >'[logs]/[a].json'
record 2026-11-20T08:01:00Z ConsoleLogin >'[x]'
record 2026-11-20T08:02:00Z StopLogging >'logs/a.json'
run_tw cat '[x]'
expect_eq "$status" 0 "cat '[x]'"
expect_contains "$TMP/out" '"eventTime":"2026-11-20T08:01:00Z"'
run_tw cat '[logs]' '[x]'
expect_eq "$status" 0 "cat '[logs]' '[x]'"
expect_eq "$(wc -l <"$TMP/out")" 2 "cat of the folder '[logs]' and the file '[x]'"
run_tw cat -- '[logs]/[a].json'
expect_eq "$(wc -l <"$TMP/out")" 1 "cat -- '[logs]/[a].json'"
run_tw grep '{ $.eventName = ConsoleLogin }' '[x]' '[logs]'
expect_eq "$status" 0 "grep over '[x]' '[logs]'"
expect_eq "$(wc -l <"$TMP/out")" 2 "grep paths"
run_tw grep -e '{ $.eventName = ConsoleLogin }' -e '{ $.eventName = StopLogging }' '[x]' 'logs'
expect_eq "$(wc -l <"$TMP/out")" 2 "grep -e -e paths"
# grep's first positional is the pattern: a space-delimited pattern is a list
# to CLI11. '[w]' must stay a pattern that matches a one-word message, not the
# term 'w' (which matches no record here). A compact record is one field.
run_tw grep -c '[w]' '[x]'
expect_eq "$(cat "$TMP/out")" "1" "grep '[w]' stays a space-delimited pattern"
run_tw grep -c -e '[w]' '[x]'
expect_eq "$(cat "$TMP/out")" "1" "grep -e '[w]'"
run_tw grep -c '[w1, w2]' '[x]'
expect_eq "$(cat "$TMP/out")" "0" "grep '[w1, w2]': two fields, no match"
expect_eq "$status" 1 "grep '[w1, w2]': exit 1"

# rules: check/list/test take rule folders; scan --rules is repeatable.
mkdir -p '[rules]/examples'
cat >'[rules]/r.tf' <<'EOF'
resource "aws_cloudwatch_log_metric_filter" "f" {
  name           = "Logins"
  log_group_name = "trail"
  pattern        = "{ $.eventName = ConsoleLogin }"
  metric_transformation {
    name      = "Logins"
    namespace = "Test"
    value     = "1"
  }
}
resource "aws_cloudwatch_metric_alarm" "a" {
  alarm_name          = "AnyLogin"
  namespace           = "Test"
  metric_name         = "Logins"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
}
EOF
printf '%s\n' '{"expect":"match","record":{"eventName":"ConsoleLogin"}}' \
  '{"expect":"nomatch","record":{"eventName":"Other"}}' >'[rules]/examples/Logins.jsonl'
run_tw rules check '[rules]'
expect_eq "$status" 0 "rules check '[rules]'"
expect_contains "$TMP/err" "1 metric filters, 1 alarms"
mkdir '[vars]'
printf 'variable "unused" {\n  default = "x"\n}\n' >'[vars]/v.tf'
run_tw rules check '[rules]/r.tf' '[vars]'
expect_eq "$status" 0 "rules check with two bracketed paths"
expect_contains "$TMP/err" "2 files: 1 metric filters, 1 alarms"
run_tw rules list '[rules]'
expect_eq "$status" 0 "rules list '[rules]'"
expect_contains "$TMP/out" "AnyLogin"
run_tw rules test '[rules]'
expect_eq "$status" 0 "rules test '[rules]'"
expect_contains "$TMP/out" "2 passed, 0 failed"
run_tw scan --rules '[rules]' '[x]'
expect_eq "$status" 1 "scan --rules '[rules]' '[x]'"
expect_contains "$TMP/out" "AnyLogin"
run_tw scan --rules '[rules]/r.tf' --rules '[vars]' --format jsonl '[logs]'
expect_eq "$status" 1 "scan --rules '[rules]/r.tf' --rules '[vars]'"
expect_contains "$TMP/out" '"source":"[rules]/r.tf:'
run_tw scan --rules '[rules]' --state '[state]' --now 2026-11-20T09:00:00Z '[logs]'
expect_eq "$status" 1 "scan --state '[state]'"
[ -f '[state]' ] || fail "the state file is not named '[state]'"
# The hook command is split by trailwatch, not CLI11: '[x]' is one word.
printf '#!/bin/sh\nprintf "%%s|" "$@" >"$HOOK_OUT"\n' >'[hook]'
chmod +x '[hook]'
export HOOK_OUT=$TMP/hook-args
run_tw scan --rules '[rules]' --on-alarm "./[hook] [a,b] []" '[x]'
expect_eq "$status" 1 "scan --on-alarm '[hook]'"
expect_eq "$(cat "$TMP/hook-args")" "[a,b]|[]|" "the hook's arguments"
# Times and sizes: a bracketed value is an error that shows it as written.
run_tw cat --since '[1h]' '[x]'
expect_eq "$status" 2 "--since '[1h]'"
expect_contains "$TMP/err" "[1h]"

# verify: the folder and --public-keys.
if command -v openssl >/dev/null; then
  python3 "$ROOT/tests/tools/make_digest_folder.py" "$TMP/d" >/dev/null
  mv "$TMP/d/bucket" "$TMP/d/[bucket]"
  cp -r "$TMP/d/keys/pem" "$TMP/d/[pem]"
  cd "$TMP/d"
  run_tw verify '[bucket]' --public-keys '[pem]'
  expect_eq "$status" 0 "verify '[bucket]' --public-keys '[pem]'"
  expect_contains "$TMP/out" "all valid"
fi
