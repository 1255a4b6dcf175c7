#!/usr/bin/env bash
# The evidence of a hit (issue 13, item 8): at most 50 records per minute and
# series are kept, but every distinct actor (principal, source IP, eventName,
# error) gets a place before repeats fill the rest, and the hit says how many
# records were left out. The attack: 60 failed root logins from a decoy IP,
# then the one that succeeded, from another IP, in the same minute; the cap
# used to keep the 50 earliest and drop the one that mattered. (The decoys
# also raise FailedConsoleLoginAlarm.)
source "$(dirname "$0")/common.sh"

seed=$ROOT/tests/data/seed-monitoring.tf
logs=$TMP/logs
mkdir -p "$logs"
login() {  # login SECOND ID IP [ERROR]
  local err=""
  [ -z "${4:-}" ] || err=",\"errorMessage\":\"$4\""
  printf '{"eventTime":"2026-11-20T10:00:%02dZ","eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root"},"sourceIPAddress":"%s","eventID":"%s","recipientAccountId":"111122223333"%s}\n' "$1" "$3" "$2" "$err"
}
for i in $(seq 0 59); do
  login $((i < 58 ? i : 58)) "decoy-$(printf %02d "$i")" 198.51.100.7 "Failed authentication" >"$logs/$(printf %02d "$i").jsonl"
done
login 59 the-real-one 203.0.113.99 >"$logs/60.jsonl"

for j in 1 3; do
  run_tw scan --rules "$seed" --format jsonl -j "$j" "$logs"
  expect_eq "$status" 1 "-j$j: hit"
  cp "$TMP/out" "$TMP/j$j.jsonl"
done
cmp -s "$TMP/j1.jsonl" "$TMP/j3.jsonl" || fail "evidence differs between -j1 and -j3"
python3 - "$TMP/j1.jsonl" <<'EOF' || fail "evidence"
import json, sys
hits = {h["alarm"]: h for h in map(json.loads, open(sys.argv[1]))}
assert sorted(hits) == ["FailedConsoleLoginAlarm", "RootAccountUsageAlarm"], sorted(hits)
h = hits["RootAccountUsageAlarm"]
assert "the-real-one" in h["events"], "the successful login is not in the evidence"
assert len(h["events"]) == 50, len(h["events"])
assert h["events_omitted"] == 11, h["events_omitted"]
assert h["source_ips"]["203.0.113.99"] == 1, h["source_ips"]
EOF
run_tw scan --rules "$seed" "$logs"
expect_contains "$TMP/out" "ips=198.51.100.7(49),203.0.113.99(1) events=50 omitted=11"
run_tw scan --rules "$seed" --format csv "$logs"
expect_contains "$TMP/out" '"50","11"'

# The same through --state, split across two runs: the state keeps what a
# single run keeps, and the success (in the second run) still shows.
mkdir -p "$TMP/half"
mv "$logs"/3*.jsonl "$logs"/4*.jsonl "$logs"/5*.jsonl "$logs"/60.jsonl "$TMP/half/"
run_tw scan --rules "$seed" --format jsonl --state "$TMP/state" --now 2026-11-20T10:30:00Z "$logs"
expect_eq "$status" 1 "state, first half"
mv "$TMP/half"/* "$logs/"
run_tw scan --rules "$seed" --format jsonl --state "$TMP/state" --now 2026-11-20T10:30:00Z "$logs"
expect_eq "$status" 0 "state, second half: the same incident, not reported again"
expect_eq "$(grep -c '^\["e",' "$TMP/state")" 100 "state: evidence kept (50 per series)"
grep -q '"the-real-one"' "$TMP/state" || fail "state: the successful login is not in the evidence"
run_tw scan --rules "$seed" --format jsonl --with-events "$logs"
python3 -c '
import json, sys
for h in map(json.loads, open(sys.argv[1])):
    assert [r["eventID"] for r in h["records"]] == h["events"]
' "$TMP/out" || fail "--with-events: records and events differ"
echo "scan_evidence: ok"
