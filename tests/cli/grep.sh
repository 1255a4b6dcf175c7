#!/usr/bin/env bash
# grep over samples/: counts agree with an independent evaluation in Python,
# -e patterns are ORed, -c/-l/--format text work, exit codes follow grep.
source "$(dirname "$0")/common.sh"
failed='{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'
root='{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'

"$TW" cat -q "$ROOT/samples" >"$TMP/all.jsonl"
read -r want_failed want_root want_either < <(python3 - "$TMP/all.jsonl" <<'PY'
import json, sys
f = r = e = 0
for line in open(sys.argv[1], encoding="utf-8"):
    x = json.loads(line)
    ui = x.get("userIdentity") or {}
    a = x.get("eventName") == "ConsoleLogin" and x.get("errorMessage") == "Failed authentication"
    b = ui.get("type") == "Root" and "invokedBy" not in ui and "eventType" in x and x["eventType"] != "AwsServiceEvent"
    f += a; r += b; e += a or b
print(f, r, e)
PY
)
[ "$want_failed" -gt 0 ] && [ "$want_root" -gt 0 ] || fail "the samples lack failed logins or root use"

run_tw grep -j2 "$failed" "$ROOT/samples"
expect_eq "$status" 0 "exit status with matches"
expect_eq "$(wc -l <"$TMP/out")" "$want_failed" "failed logins"
expect_contains "$TMP/err" "$want_failed matching records"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/out" || fail "output is not JSON lines"
cp "$TMP/out" "$TMP/j2"
run_tw grep -j1 "$failed" "$ROOT/samples"
cmp -s "$TMP/out" "$TMP/j2" || fail "-j1 and -j2 differ"

run_tw grep -c "$root" "$ROOT/samples"
expect_eq "$(cat "$TMP/out")" "$want_root" "root usage count"

run_tw grep -c -e "$failed" -e "$root" "$ROOT/samples"
expect_eq "$(cat "$TMP/out")" "$want_either" "-e patterns are ORed"

run_tw grep -l "$root" "$ROOT/samples"
[ "$(wc -l <"$TMP/out")" -ge 1 ] || fail "-l printed no file"
while read -r f; do
  "$TW" grep -q -c "$root" "$f" | grep -qv '^0$' || fail "-l listed $f without a match"
done <"$TMP/out"

run_tw grep --format text "$failed" "$ROOT/samples"
grep -qE '^2026-11-20T03:11:05Z us-east-1 ConsoleLogin [^ ]+ 203\.0\.113\.66 -$' "$TMP/out" ||
  { cat "$TMP/out" >&2; fail "text line for bob's first failed login"; }

run_tw grep '{ $.eventName = NoSuchEvent }' "$ROOT/samples"
expect_eq "$status" 1 "exit status without matches"
expect_eq "$(wc -c <"$TMP/out")" 0 "no output without matches"

run_tw grep '{ $.eventName = ConsoleLogin ' "$ROOT/samples"
expect_eq "$status" 2 "exit status for a bad pattern"
expect_contains "$TMP/err" "must end with '}'"
expect_contains "$TMP/err" "^"

# A match in a damaged input still prints, and the exit status says error.
{ record 2026-11-20T10:00:01Z StopLogging; echo; echo '{"eventTime":"bad"}'; } >"$TMP/mixed.jsonl"
run_tw grep '{ $.eventName = StopLogging }' "$TMP/mixed.jsonl"
expect_eq "$status" 2 "errors win over matches"
expect_eq "$(wc -l <"$TMP/out")" 1 "the good match is printed"
