#!/usr/bin/env bash
# scan --state (cron): a folder that grows over time, as `aws s3 sync` leaves
# it, scanned after each sync. Checks the split-folder equivalence, a run
# killed with SIGKILL, late records, grown files, the lock, and refusals.
source "$(dirname "$0")/common.sh"
command -v python3 >/dev/null || skip "python3 is needed to stage the folders"

samples=$ROOT/samples
logs=$TMP/logs
state=$TMP/state

# stage CUT: copies into $logs the sample files delivered before CUT (the
# YYYYMMDDTHHMM stamp of the S3 file name; "all" for every file). Files
# already there are left alone, as a sync would.
stage() {
  python3 - "$samples" "$logs" "$1" <<'EOF'
import os, re, shutil, sys
src, dst, cut = sys.argv[1:]
for d, _, files in os.walk(os.path.join(src, "AWSLogs")):
    for f in files:
        m = re.search(r"_(\d{8}T\d{4})Z_", f)
        if m and (cut == "all" or m.group(1) < cut):
            out = os.path.join(dst, os.path.relpath(os.path.join(d, f), src))
            if not os.path.exists(out):
                os.makedirs(os.path.dirname(out), exist_ok=True)
                shutil.copy2(os.path.join(d, f), out)
EOF
}

# keys FILE: the identity of each JSON hit (alarm, start, dimensions), sorted
keys() { python3 -c '
import json, sys
for line in open(sys.argv[1]):
    h = json.loads(line)
    print(h["alarm"], h["start"], json.dumps(h["dimensions"], sort_keys=True))' "$1" | sort; }

# The samples are of 2026-11-20; the state's 14 days are counted back from --now.
now=2026-11-21T00:00:00Z
scan_state() { run_tw scan --format jsonl --state "$state" --now "$now" "$@" "$logs"; }

run_tw scan --format jsonl "$samples"
expect_eq "$status" 1 "whole folder: hits"
keys "$TMP/out" >"$TMP/whole"
expect_eq "$(wc -l <"$TMP/whole")" 103 "hits of one run on the whole folder"

# 1. First half, then the whole folder with the same state: exactly the hits
#    of one run on the whole folder, none twice. The first half is the files
#    delivered before 12:00, as a sync at noon would leave the folder.
stage 20261120T1200
scan_state
expect_eq "$status" 1 "first half: hits"
keys "$TMP/out" >"$TMP/run1"
expect_contains "$TMP/err" "0 files read before and skipped, 263 new"
stage all
scan_state
expect_eq "$status" 1 "second run: new hits"
keys "$TMP/out" >"$TMP/run2"
expect_contains "$TMP/err" "263 files read before and skipped, 278 new"
expect_eq "$(sort "$TMP/run1" "$TMP/run2")" "$(cat "$TMP/whole")" "first half + whole == whole"
expect_eq "$(sort "$TMP/run1" "$TMP/run2" | uniq -d)" "" "no hit reported twice"
# Nothing new: nothing printed, exit 0, nothing read.
scan_state
expect_eq "$status" 0 "third run: no new hit"
expect_eq "$(cat "$TMP/out")" "" "third run prints nothing"
expect_contains "$TMP/err" "541 files read before and skipped, 0 new"

# 2. A sync every 30 minutes (49 runs): every incident of the whole run is
#    reported exactly once. A late file can move an episode's start earlier
#    than the run that first reported it could know (README, "Late records"),
#    so incidents are matched by alarm, dimensions and time.
rm -rf "$logs" "$state"
mkdir -p "$logs"
: >"$TMP/incremental"
for hour in $(seq -w 0 23); do
  for minute in 00 30; do
    stage "20261120T$hour$minute"
    scan_state -q
    [ "$status" -le 1 ] || { cat "$TMP/err" >&2; fail "run at $hour:$minute: exit $status"; }
    cat "$TMP/out" >>"$TMP/incremental"
  done
done
stage all
scan_state -q
cat "$TMP/out" >>"$TMP/incremental"
run_tw scan --format jsonl "$samples"
python3 - "$TMP/out" "$TMP/incremental" <<'EOF' || fail "incremental runs differ from one run"
import json, sys
def load(path):
    return [json.loads(line) for line in open(path)]
whole, runs = load(sys.argv[1]), load(sys.argv[2])
assert len(whole) == len(runs), f"{len(runs)} hits reported, one run has {len(whole)}"
# A late record can only move an episode's start earlier: each reported hit
# starts inside exactly one episode of the whole run, and each episode of the
# whole run is reported exactly once.
for w in whole:
    same = [r for r in runs if (r["alarm"], r["dimensions"]) == (w["alarm"], w["dimensions"])
            and w["start"] <= r["start"] <= (w["end"] or "9999")]
    assert len(same) == 1, f"{w['alarm']} {w['start']}: reported {len(same)} times"
EOF

# 3. SIGKILL at any moment of the second run (reading, printing, running the
#    hook, writing the state): the state left behind is the old one or the
#    new one, never a broken one, and the next run reports every remaining hit
#    exactly once. The hook sleeps to widen the window of each moment.
rm -rf "$logs" "$state"
stage 20261120T1200
scan_state
cp "$state" "$TMP/state.half"
stage all
kill_at() {  # kill_at DELAY [ARGS]: SIGKILL the second run after DELAY seconds
  local delay=$1
  shift
  cp "$TMP/state.half" "$state"
  (set +e; timeout -s KILL "$delay" "$TW" scan --format jsonl --state "$state" --now "$now" "$@" "$logs" >"$TMP/killed" 2>/dev/null
   echo $? >"$TMP/killed_status") 2>/dev/null
  killed_status=$(cat "$TMP/killed_status")
  # `timeout` kills its own process group too and returns at once, while the
  # killed run may still be exiting (an ASan build unmaps its shadow memory
  # first) and holds the lock; the next cron run starts once it is gone.
  if command -v flock >/dev/null; then flock "$state.lock" true; fi
  # The state is the old one or the complete new one, never anything else.
  cmp -s "$state" "$TMP/state.half" && committed=0 || committed=1
  scan_state
  [ "$status" -le 1 ] || { cat "$TMP/err" >&2; fail "after a kill at ${delay}s: exit $status"; }
  if [ "$committed" -eq 0 ]; then
    # Killed before the state was saved: the next run reports all it owes.
    expect_eq "$killed_status" 137 "a run that saved nothing was killed"
    keys "$TMP/out" >"$TMP/after"
    expect_eq "$(cat "$TMP/after")" "$(cat "$TMP/run2")" "hits after a kill at ${delay}s"
    kills=$((kills + 1))
  else
    # Saved (the run finished, or was killed just after): nothing is owed.
    expect_eq "$(cat "$TMP/out")" "" "after a run that saved its state (killed at ${delay}s)"
    finished=$((finished + 1))
  fi
}
kills=0 finished=0
# Without a hook the run takes tens of milliseconds: these land while reading,
# evaluating, printing and writing the state, or after the end.
for delay in 0.002 0.005 0.01 0.02 0.03 0.04 0.05 0.06 0.07 0.08 0.1 0.12 0.15 0.2 0.5; do kill_at "$delay"; done
# With a slow hook (after printing, before saving): killed among the hooks.
for delay in 0.3 0.8; do kill_at "$delay" --on-alarm 'sleep 0.05'; done
echo "SIGKILL: $kills runs killed before saving, $finished saved their state"
[ "$kills" -gt 0 ] || fail "no run was killed"
# A kill mid-write can leave a state.tmp.XXXXXX; the next run removed it.
expect_eq "$(find "$TMP" -maxdepth 1 -name 'state.tmp.*' | wc -l)" 0 "temporary files left by killed runs"

# 4. Late records (README): a file delivered late, for a window already
#    evaluated. A record inside an incident already reported adds nothing; a
#    record that makes a new incident in the past is reported with its own
#    time; a record older than the 14 days the state keeps (before now) is
#    counted but cannot raise an alarm, and the run says so.
seed=$ROOT/tests/data/seed-monitoring.tf
late=$TMP/late
mkdir -p "$late"
login() { printf '{"eventTime":"%s","eventName":"ConsoleLogin","errorMessage":"Failed authentication","userIdentity":{"type":"IAMUser","userName":"bob"},"sourceIPAddress":"203.0.113.66","eventID":"%s"}\n' "$1" "$2"; }
root() { printf '{"eventTime":"%s","eventName":"ListBuckets","eventType":"AwsApiCall","userIdentity":{"type":"Root","arn":"arn:aws:iam::123456789012:root"},"sourceIPAddress":"203.0.113.10","eventID":"%s"}\n' "$1" "$2"; }
for i in 1 2 3 4 5; do login "2026-11-20T08:0$i:00Z" "a$i"; done >"$late/1.jsonl"
late_scan() { run_tw scan --rules "$seed" --format jsonl --state "$TMP/late.state" --now "$now" "$late"; }
late_scan
expect_eq "$status" 1 "late: first run"
expect_eq "$(keys "$TMP/out")" 'FailedConsoleLoginAlarm 2026-11-20T08:05:00Z {}' "late: the burst"
{ login 2026-11-20T08:03:30Z b1; root 2026-11-20T07:00:10Z b2; } >"$late/2.jsonl"
late_scan
expect_eq "$status" 1 "late: second run"
expect_eq "$(keys "$TMP/out")" 'RootAccountUsageAlarm 2026-11-20T07:01:00Z {}' "late: only the new incident"
root 2026-11-01T07:00:00Z c1 >"$late/3.jsonl"
late_scan
expect_eq "$status" 0 "late: beyond the retained timeline"
expect_eq "$(cat "$TMP/out")" "" "late: nothing beyond the retained timeline"
expect_contains "$TMP/err" "records from 2026-11-01T07:00:00Z on are older than the state's timeline"

# 5. A file that grew since it was read (not a CloudTrail delivery file,
#    which never changes: see state_attacks.sh) is read again, and its records
#    already counted are not counted twice.
login 2026-11-20T08:09:00Z a6 >>"$late/1.jsonl"
late_scan
expect_eq "$status" 0 "grown file: exit"
expect_contains "$TMP/err" "5 duplicate records dropped (5 counted by an earlier run)"
expect_not_contains "$TMP/err" "log_changed"

# 6. One run at a time: a second run exits at once with a clear message.
if command -v flock >/dev/null; then
  flock "$state.lock" -c "touch '$TMP/locked'; while [ ! -e '$TMP/release' ]; do sleep 0.1; done" &
  holder=$!
  for _ in $(seq 100); do [ -e "$TMP/locked" ] && break; sleep 0.1; done
  scan_state
  expect_eq "$status" 2 "locked state: exit"
  expect_contains "$TMP/err" "another trailwatch run is using the state"
  touch "$TMP/release"
  wait "$holder"
fi

# 7. Refusals: stdin (nothing names what was read), other rules, a broken state.
run_tw scan --state "$state" - <"$late/2.jsonl"
expect_eq "$status" 2 "state with stdin"
expect_contains "$TMP/err" "--state cannot be used with standard input"
run_tw scan --rules "$seed" --state "$state" "$logs"
expect_eq "$status" 2 "state with other rules"
expect_contains "$TMP/err" "written with other metric filters"
printf 'not a state\n' >"$TMP/broken.state"
run_tw scan --state "$TMP/broken.state" "$logs"
expect_eq "$status" 2 "broken state"
expect_contains "$TMP/err" "broken.state:1: not a trailwatch state file"
echo "scan_state: ok"
