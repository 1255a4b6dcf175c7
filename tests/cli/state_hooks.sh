#!/usr/bin/env bash
# scan --state with --on-alarm (issue 13, items 6 and 13): a hit is marked
# reported only once its output was written and its hook succeeded, so a
# failed page is retried by the next run (at least once); a hook that times
# out is killed with its whole process group; a full disk on stdout is exit 2
# and the hooks still run.
source "$(dirname "$0")/common.sh"

seed=$ROOT/tests/data/seed-monitoring.tf
logs=$TMP/logs
mkdir -p "$logs"
root() {
  printf '{"eventTime":"%s","eventName":"ListBuckets","eventType":"AwsApiCall","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root"},"sourceIPAddress":"203.0.113.10","eventID":"%s","recipientAccountId":"111122223333"}\n' "$1" "$2"
}
root 2026-11-20T10:00:10Z r1 >"$logs/a.jsonl"
root 2026-11-20T11:00:10Z r2 >"$logs/b.jsonl"
now=2026-11-20T12:00:00Z
st() { run_tw scan --rules "$seed" --format jsonl --state "$TMP/state" --now "$now" "$@" "$logs"; }
starts() { python3 -c 'import json,sys; [print(json.loads(l)["start"]) for l in open(sys.argv[1])]' "$1"; }

# 6a. The first hit's hook fails, the second's succeeds. The failed one used
#     to be marked reported anyway: never paged. Now the next run prints it
#     and runs its hook again, and only it.
cat >"$TMP/hook.sh" <<EOF
#!/bin/sh
# fails for the 10:00 incident until $TMP/fixed exists
cat >>"$TMP/paged"
echo >>"$TMP/paged"
[ "\$TRAILWATCH_START" != 2026-11-20T10:01:00Z ] || [ -e "$TMP/fixed" ]
EOF
chmod +x "$TMP/hook.sh"
st --on-alarm "$TMP/hook.sh"
expect_eq "$status" 2 "failed hook: exit"
expect_contains "$TMP/err" "exited with status 1"
expect_eq "$(starts "$TMP/out")" $'2026-11-20T10:01:00Z\n2026-11-20T11:01:00Z' "failed hook: both printed"
touch "$TMP/fixed"
: >"$TMP/paged"
st --on-alarm "$TMP/hook.sh"
expect_eq "$status" 1 "retry: the failed hit is new again"
expect_eq "$(starts "$TMP/out")" "2026-11-20T10:01:00Z" "retry: only the failed hit"
expect_eq "$(grep -c "\"alarm\"" "$TMP/paged")" 1 "retry: one page"
st --on-alarm "$TMP/hook.sh"
expect_eq "$status" 0 "after the retry: nothing owed"
expect_eq "$(cat "$TMP/out")" "" "after the retry: nothing printed"

# 6b. A hook that times out is killed with its process group: a child it
#     started does not outlive it (before, only the hook itself was killed).
rm -f "$TMP/state"
st --hook-timeout 1 --on-alarm "sh -c 'sleep 300 & echo \$! >>$TMP/children; wait'"
expect_eq "$status" 2 "timeout: exit"
expect_contains "$TMP/err" "killed after 1000 ms"
sleep 0.2
alive=0
while read -r pid; do  # a zombie (killed, not yet reaped by init) is not running
  state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
  if [ -n "$state" ] && [ "${state#Z}" == "$state" ]; then alive=$((alive + 1)); kill "$pid"; fi
done <"$TMP/children"
expect_eq "$alive" 0 "timeout: children of a killed hook still running"
expect_eq "$(wc -l <"$TMP/children")" 2 "timeout: one hook per hit"
st
expect_eq "$status" 1 "timeout: both hits retried"
expect_eq "$(starts "$TMP/out" | wc -l)" 2 "timeout: both hits printed again"

# 13. stdout on a full disk: exit 2, the hooks still run, and the hits whose
#     output was lost are printed again by the next run (before: exit 1 and
#     no hook at all).
rm -f "$TMP/state" "$TMP/paged"
set +e
"$TW" scan --rules "$seed" --format jsonl --state "$TMP/state" --now "$now" --on-alarm "$TMP/hook.sh" "$logs" \
  >/dev/full 2>"$TMP/err"
status=$?
set -e
expect_eq "$status" 2 "full disk: exit"
expect_contains "$TMP/err" "error writing to stdout"
expect_eq "$(grep -c "\"alarm\"" "$TMP/paged")" 2 "full disk: hooks ran"
st
expect_eq "$status" 1 "full disk: the lost hits come again"
expect_eq "$(starts "$TMP/out" | wc -l)" 2 "full disk: both printed again"
echo "state_hooks: ok"
