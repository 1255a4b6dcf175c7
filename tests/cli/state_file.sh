#!/usr/bin/env bash
# The --state file itself under attack and accident (issue 13, item 7):
# planted symlinks, empty, truncated and damaged files, pruning, a full disk.
source "$(dirname "$0")/common.sh"

seed=$ROOT/tests/data/seed-monitoring.tf
logs=$TMP/logs
mkdir -p "$logs"
root() {
  printf '{"eventTime":"%s","eventName":"ListBuckets","eventType":"AwsApiCall","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root"},"sourceIPAddress":"203.0.113.10","eventID":"%s","recipientAccountId":"111122223333"}\n' "$1" "$2"
}
root 2026-11-20T10:00:10Z r1 >"$logs/a.jsonl"
now=2026-11-20T12:00:00Z
state=$TMP/st/state
mkdir -p "$TMP/st"
st() { run_tw scan --rules "$seed" --format jsonl --state "$state" --now "$now" "$@" "$logs"; }

# A planted STATE.tmp symlink was written through (as root: any file).
echo "precious" >"$TMP/victim"
ln -s "$TMP/victim" "$state.tmp"
st
expect_eq "$status" 1 "planted tmp: the run works"
expect_eq "$(cat "$TMP/victim")" "precious" "planted tmp: the victim is untouched"
[ -L "$state.tmp" ] || fail "planted tmp: the symlink itself is left alone"
expect_eq "$(find "$TMP/st" -name 'state.tmp.*' | wc -l)" 0 "no temporary file left"
rm -f "$state" "$state.tmp" "$state.lock"
# A planted STATE.lock symlink: refused, and nothing is created at its target.
ln -s "$TMP/created-by-trailwatch" "$state.lock"
st
expect_eq "$status" 2 "planted lock: refused"
expect_contains "$TMP/err" "state.lock"
expect_contains "$TMP/err" "symbolic link"
[ ! -e "$TMP/created-by-trailwatch" ] || fail "planted lock: a file was created through the symlink"
rm "$state.lock"

# A good state: a first run, then nothing new.
st
expect_eq "$status" 1 "first run"
cp "$state" "$TMP/good"
head -1 "$state" | grep -q '^\["trailwatch-state",2\]$' || fail "header line: $(head -1 "$state")"
tail -1 "$state" | grep -qE '^\["end",[0-9]+,"[0-9a-f]{64}"\]$' || fail "trailer line: $(tail -1 "$state")"

# Empty, truncated, damaged: refused (exit 2, the file named), never taken as
# a first run (which would report every old hit again).
refused() {  # refused WHAT TEXT
  st
  expect_eq "$status" 2 "$1: exit"
  expect_eq "$(cat "$TMP/out")" "" "$1: nothing reported"
  expect_contains "$TMP/err" "$state"
  expect_contains "$TMP/err" "$2"
  cp "$TMP/good" "$state"
}
: >"$state"
refused "empty state" "empty"
head -c $(($(stat -c %s "$TMP/good") / 2)) "$TMP/good" >"$state"
refused "truncated state" "truncated"
head -n -1 "$TMP/good" >"$state"
refused "state without its trailer" "truncated"
sed 's/"r1"/"r2"/' "$TMP/good" >"$state"
cmp -s "$state" "$TMP/good" && fail "the damage did not change the state"
refused "damaged state" "checksum"
printf '["trailwatch-state",1]\n["rules","x"]\n' >"$state"
refused "older format" "format 1"
st
expect_eq "$status" 0 "the good state still works"

# Pruning: a month later, the entries of files older than the 14 days the
# state keeps are gone, and those files are not read again.
touch -d 2026-11-20T10:05:00Z "$logs/a.jsonl"
rm "$state"
st
grep -q '^\["file"' "$state" || fail "no file entry"
grep -q '^\["seen"' "$state" || fail "no remembered record"
now=2026-12-20T12:00:00Z
st
expect_eq "$status" 0 "a month later"
expect_contains "$TMP/err" "1 older than the state's 14 days"
grep -q '^\["file"' "$state" && fail "file entry not pruned"
grep -q '^\["seen"' "$state" && fail "remembered record not pruned"
grep -q '^\["reported"' "$state" && fail "reported episode not pruned"
now=2026-11-20T12:00:00Z

# Leftover temporary files of killed runs are removed by the next run.
touch "$state.tmp.AbC123" "$state.tmp.zzzzzz"
st
[ ! -e "$state.tmp.AbC123" ] && [ ! -e "$state.tmp.zzzzzz" ] || fail "leftover temporary files"

# A full disk: the state cannot be saved. The run says so (exit 2), the old
# state is intact, no temporary file is left, and the next run reports again.
if mkdir -p "$TMP/tiny" && mount -t tmpfs -o size=64k tmpfs "$TMP/tiny" 2>/dev/null; then
  state=$TMP/tiny/state
  st
  expect_eq "$status" 1 "tiny: first run"
  cp "$state" "$TMP/tiny.good"
  root 2026-11-20T11:00:10Z r2 >"$logs/b.jsonl"
  head -c 61000 /dev/zero >"$TMP/tiny/filler" 2>/dev/null || true
  st
  expect_eq "$status" 2 "full disk: exit"
  expect_contains "$TMP/err" "No space left on device"
  cmp -s "$state" "$TMP/tiny.good" || fail "full disk: the old state changed"
  expect_eq "$(find "$TMP/tiny" -name 'state.tmp.*' | wc -l)" 0 "full disk: temporary file left"
  rm "$TMP/tiny/filler"
  st
  expect_eq "$status" 1 "full disk: the hit comes again"
  umount "$TMP/tiny"
  rm "$logs/b.jsonl"
  state=$TMP/st/state
else
  echo "note: tmpfs full-disk case not tested (needs root)"
fi
# ulimit -f: writes past the limit fail (EFBIG) instead of killing the run.
rm -f "$state"
for i in $(seq 1 300); do root "2026-11-20T0$((i % 10)):$(printf %02d $((i % 60))):00Z" "u$i"; done >"$logs/many.jsonl"
set +e
(ulimit -f 8; "$TW" scan --rules "$seed" --format jsonl --state "$state" --now "$now" "$logs" >/dev/null 2>"$TMP/err")
status=$?
set -e
expect_eq "$status" 2 "ulimit -f: exit"
expect_contains "$TMP/err" "File too large"
[ ! -e "$state" ] || fail "ulimit -f: a state was written"
echo "state_file: ok"
