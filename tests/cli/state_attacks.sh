#!/usr/bin/env bash
# scan --state under attack and accident (issue 13, items 1-5 and 16): someone
# who can write to the log bucket, and a careless cron setup (moved folders,
# touched files, copies, partial syncs, stopped delivery). Each section is an
# attack that worked before: it names what the old code did.
source "$(dirname "$0")/common.sh"

seed=$ROOT/tests/data/seed-monitoring.tf
acct=111122223333
# The seed rules: FailedConsoleLoginAlarm (Sum > 3 in 5 minutes) and
# RootAccountUsageAlarm (Sum > 0 in one minute).

# day FOLDER [PREFIX]: the S3 folder of 2026-11-20 (PREFIX: an org trail's o-id/)
day() { echo "$1/AWSLogs/${2:-}$acct/CloudTrail/us-east-1/2026/11/20"; }
# s3 STAMP UNIQUE: a CloudTrail log file name delivered at STAMP
s3() { echo "${acct}_CloudTrail_us-east-1_${1}_$2.json.gz"; }
# flogin TIME ID [IP]: a failed console login; root TIME ID: a root API call
flogin() {
  printf '{"eventVersion":"1.09","eventTime":"%s","eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn","errorMessage":"Failed authentication","userIdentity":{"type":"IAMUser","userName":"bob"},"sourceIPAddress":"%s","eventID":"%s","recipientAccountId":"%s"}' "$1" "${3:-203.0.113.66}" "$2" "$acct"
}
root() {
  printf '{"eventVersion":"1.09","eventTime":"%s","eventName":"ListBuckets","eventType":"AwsApiCall","userIdentity":{"type":"Root","arn":"arn:aws:iam::%s:root"},"sourceIPAddress":"203.0.113.10","eventID":"%s","recipientAccountId":"%s"}' "$1" "$acct" "$2" "$acct"
}
# s3file PATH RECORD...: a gzipped {"Records":[...]} delivery file
s3file() {
  local path=$1
  shift
  mkdir -p "$(dirname "$path")"
  { printf '{"Records":['; (IFS=,; printf '%s' "$*"); printf ']}'; } | gzip -n >"$path"
}
# st STATE NOW ARGS...: scan --state with the seed rules, as cron at time NOW
st() {
  local state=$1 now=$2
  shift 2
  run_tw scan --rules "$seed" --format jsonl --state "$TMP/$state" --now "$now" "$@"
}
# alarms: "ALARM START" per hit printed
alarms() { python3 -c 'import json,sys; [print(json.loads(l)["alarm"], json.loads(l)["start"]) for l in open(sys.argv[1])]' "$TMP/out"; }

# 1. A record dated 2099 used to become the newest record, the state's
#    timeline then started in 2099, and every later real record was "older
#    than the timeline": nothing was reported again (exit 0). Now the horizon
#    comes from the clock; the future record is named, and still matched.
L=$TMP/l1
s3file "$(day "$L")/$(s3 20261120T1005Z a1)" "$(root 2026-11-20T10:00:10Z r1)"
st s1 2026-11-20T10:30:00Z "$L"
expect_eq "$status" 1 "future: first run"
expect_eq "$(alarms)" "RootAccountUsageAlarm 2026-11-20T10:01:00Z" "future: first hit"
s3file "$(day "$L")/$(s3 20261120T1105Z a2)" "$(root 2099-12-31T00:00:00Z r2)"
st s1 2026-11-20T11:30:00Z "$L"
expect_eq "$status" 1 "future: the future record is still matched"
expect_eq "$(alarms)" "RootAccountUsageAlarm 2099-12-31T00:01:00Z" "future: its hit"
expect_contains "$TMP/err" "future-dated: 1 record"
expect_contains "$TMP/err" "$(s3 20261120T1105Z a2): 1 record"
# Reported, then not kept: a forged flood of them cannot grow the state forever.
grep -q '^\["m",68372640,' "$TMP/s1" && fail "future: the 2099 minute is kept in the state"
grep -q '^\["reported",.*,4102358' "$TMP/s1" && fail "future: the 2099 hit is kept in the state"
s3file "$(day "$L")/$(s3 20261120T1205Z a3)" "$(root 2026-11-20T12:00:10Z r3)"
st s1 2026-11-20T12:30:00Z "$L"
expect_eq "$status" 1 "future: a real record after the future one still alarms"
expect_eq "$(alarms)" "RootAccountUsageAlarm 2026-11-20T12:01:00Z" "future: the real hit"
expect_not_contains "$TMP/err" "older than the state's timeline"

# 1b. The record of a reported incident that is still in ALARM (missing data
#     "ignore") used to run to the newest record: a record dated 2099 made it
#     last until 2099, and every later incident of that alarm overlapped it
#     and was never reported.
cat >"$TMP/ignore.tf" <<'EOF'
resource "aws_cloudwatch_log_metric_filter" "root" {
  name           = "Root"
  pattern        = "{ $.userIdentity.type = \"Root\" }"
  log_group_name = "trail"
  metric_transformation {
    name          = "RootCount"
    namespace     = "Test"
    value         = "1"
    default_value = 0
  }
}
resource "aws_cloudwatch_metric_alarm" "root" {
  alarm_name          = "RootIgnoreMissing"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "RootCount"
  namespace           = "Test"
  period              = 60
  statistic           = "Sum"
  threshold           = 0
  treat_missing_data  = "ignore"
}
EOF
quiet() {  # quiet TIME ID: a record of someone else (emits the default 0)
  printf '{"eventTime":"%s","eventName":"DescribeInstances","userIdentity":{"type":"IAMUser","userName":"alice"},"eventID":"%s","recipientAccountId":"%s"}' "$1" "$2" "$acct"
}
L=$TMP/l1b
ign() { run_tw scan --rules "$TMP/ignore.tf" --format jsonl --state "$TMP/s1b" --now "$1" "$L"; }
s3file "$(day "$L")/$(s3 20261120T1005Z i1)" "$(root 2026-11-20T10:00:10Z i1)"
ign 2026-11-20T10:30:00Z
expect_eq "$(alarms)" "RootIgnoreMissing 2026-11-20T10:01:00Z" "ignore: first incident"
s3file "$(day "$L")/$(s3 20261120T1040Z i2)" "$(quiet 2099-12-31T00:00:00Z i2)"
ign 2026-11-20T11:00:00Z
expect_eq "$status" 0 "ignore: the future record alone"
s3file "$(day "$L")/$(s3 20261120T1215Z i3)" "$(quiet 2026-11-20T12:00:10Z i3)" "$(root 2026-11-20T12:10:10Z i4)"
ign 2026-11-20T12:30:00Z
expect_eq "$status" 1 "ignore: a later incident"
expect_eq "$(alarms)" "RootIgnoreMissing 2026-11-20T12:11:00Z" "ignore: the later incident is reported"

# 2. Files were identified by their absolute path: moving the folder, a
#    symlink to it, a copy or a bind mount made every file new, its records
#    were counted again and a false alarm fired (Sum=6 > 3 from 3 events).
L=$TMP/l2
s3file "$(day "$L")/$(s3 20261120T0805Z b1)" "$(flogin 2026-11-20T08:01:00Z f1)" "$(flogin 2026-11-20T08:02:00Z f2)"
s3file "$(day "$L")/$(s3 20261120T0810Z b2)" "$(flogin 2026-11-20T08:03:00Z f3)"
st s2 2026-11-20T09:00:00Z "$L"
expect_eq "$status" 0 "identity: 3 failed logins are no alarm"
expect_contains "$TMP/err" "0 files read before and skipped, 2 new"
same_files() {  # same_files WHAT PATH: a run on PATH reads nothing and reports nothing
  st s2 2026-11-20T09:00:00Z "$2"
  expect_eq "$status" 0 "identity: $1: exit"
  expect_eq "$(cat "$TMP/out")" "" "identity: $1: no hit"
  expect_contains "$TMP/err" "2 files read before and skipped, 0 new"
}
mv "$L" "$TMP/l2moved"
same_files "moved folder" "$TMP/l2moved"
ln -s l2moved "$TMP/l2link"
same_files "symlink" "$TMP/l2link/"
cp -r "$TMP/l2moved" "$TMP/l2copy"  # new inodes and times, same bytes
same_files "copy" "$TMP/l2copy"
mkdir "$TMP/l2mount"
if mount --bind "$TMP/l2moved" "$TMP/l2mount" 2>/dev/null; then
  same_files "bind mount" "$TMP/l2mount"
  umount "$TMP/l2mount"
else
  echo "note: bind mount not tested (needs root)"
fi
# The original and a copy in one first run: the copy is not read again.
st s2b 2026-11-20T09:00:00Z "$TMP/l2moved" "$TMP/l2copy"
expect_eq "$status" 0 "identity: original and copy in one run"
expect_contains "$TMP/err" "2 with the content of another file"

# 3. One event delivered twice (an organization trail and an account trail,
#    overlapping syncs) was counted twice: Sum=6 > 3 from 3 failed logins.
L=$TMP/l3
s3file "$(day "$L")/$(s3 20261120T0805Z c1)" "$(flogin 2026-11-20T08:01:00Z d1)" "$(flogin 2026-11-20T08:02:00Z d2)" \
  "$(flogin 2026-11-20T08:03:00Z d3)"
s3file "$(day "$L" o-abc123/)/$(s3 20261120T0806Z c2)" "$(root 2026-11-20T07:00:00Z other)" \
  "$(flogin 2026-11-20T08:03:00Z d3)" "$(flogin 2026-11-20T08:01:00Z d1)" "$(flogin 2026-11-20T08:02:00Z d2)"
st s3 2026-11-20T09:00:00Z "$L"
expect_eq "$status" 1 "duplicates in one run: the root call alarms"
expect_eq "$(alarms)" "RootAccountUsageAlarm 2026-11-20T07:01:00Z" "duplicates in one run: no login alarm"
expect_contains "$TMP/err" "3 duplicate records dropped"
# Across runs: the account trail first, the organization trail later.
rm -rf "$L"
s3file "$(day "$L")/$(s3 20261120T0805Z c1)" "$(flogin 2026-11-20T08:01:00Z d1)" "$(flogin 2026-11-20T08:02:00Z d2)" \
  "$(flogin 2026-11-20T08:03:00Z d3)"
st s3b 2026-11-20T09:00:00Z "$L"
expect_eq "$status" 0 "duplicates across runs: first run"
s3file "$(day "$L" o-abc123/)/$(s3 20261120T0806Z c2)" "$(flogin 2026-11-20T08:03:00Z d3)" \
  "$(flogin 2026-11-20T08:01:00Z d1)" "$(flogin 2026-11-20T08:02:00Z d2)"
st s3b 2026-11-20T09:00:00Z "$L"
expect_eq "$status" 0 "duplicates across runs: the copy adds nothing"
expect_eq "$(cat "$TMP/out")" "" "duplicates across runs: no hit"
expect_contains "$TMP/err" "3 duplicate records dropped (3 counted by an earlier run)"
# A fourth, genuinely new failed login still alarms (Sum=4).
s3file "$(day "$L")/$(s3 20261120T0807Z c3)" "$(flogin 2026-11-20T08:04:00Z d4)"
st s3b 2026-11-20T09:00:00Z "$L"
expect_eq "$status" 1 "duplicates across runs: a new record still counts"
expect_contains "$TMP/out" '"value":4,'
# Output is the same bytes for any -j, with copies that are identical (dropped)
# and copies that differ (another IP: counted, and named as a conflict).
L=$TMP/l3j
for i in $(seq 10 29); do
  ip=198.51.100.$i
  [ $((i % 2)) -eq 1 ] && ip=203.0.113.66
  s3file "$(day "$L")/$(s3 20261120T08${i}Z j$i)" "$(flogin "2026-11-20T08:$i:00Z" "e$i")" \
    "$(flogin "2026-11-20T08:$((i + 1)):00Z" "e$((i + 1))" "$ip")"
done
for j in 1 2 3 4; do
  run_tw scan --rules "$seed" --format jsonl -j "$j" "$L"
  expect_eq "$status" 2 "-j$j: conflicts"
  cp "$TMP/out" "$TMP/j$j.out"
  grep -E 'duplicate|record_conflict' "$TMP/err" >"$TMP/j$j.err"
done
for j in 2 3 4; do
  cmp -s "$TMP/j1.out" "$TMP/j$j.out" || fail "-j$j output differs from -j1"
  cmp -s "$TMP/j1.err" "$TMP/j$j.err" || fail "-j$j messages differ from -j1"
done
expect_contains "$TMP/j1.err" "9 duplicate records dropped"
expect_eq "$(grep -c record_conflict "$TMP/j1.err")" 10 "-j: conflicts named"

# 3b. Self-attack on the de-duplication: a planted copy of a real event's
#     eventID with harmless content (one failed login), read first, must not
#     make the real record (a root call) a "duplicate". Only identical copies are dropped; a conflicting one is
#     counted and named (record_conflict, exit 2).
L=$TMP/l3c
s3file "$(day "$L")/$(s3 20261120T0800Z a0)" \
  "$(flogin 2026-11-20T07:59:00Z evil-1)"
s3file "$(day "$L")/$(s3 20261120T0805Z a1)" "$(root 2026-11-20T08:01:00Z evil-1)"
st s3c 2026-11-20T09:00:00Z "$L"
expect_eq "$status" 2 "conflicting copy: exit"
expect_eq "$(alarms)" "RootAccountUsageAlarm 2026-11-20T08:02:00Z" "conflicting copy: the real record still alarms"
expect_contains "$TMP/err" "record_conflict"
expect_contains "$TMP/err" "evil-1"
# Across runs too.
rm -rf "$L"
s3file "$(day "$L")/$(s3 20261120T0800Z a0)" \
  "$(flogin 2026-11-20T07:59:00Z evil-2)"
st s3d 2026-11-20T09:00:00Z "$L"
expect_eq "$status" 0 "conflicting copy first: nothing"
s3file "$(day "$L")/$(s3 20261120T0805Z a1)" "$(root 2026-11-20T08:01:00Z evil-2)"
st s3d 2026-11-20T09:00:00Z "$L"
expect_eq "$(alarms)" "RootAccountUsageAlarm 2026-11-20T08:02:00Z" "conflicting copy across runs: still alarms"
expect_contains "$TMP/err" "record_conflict"

# The copy may even agree on time, eventName, principal, IP and error, and
# differ only where another filter looks (here requestParameters): still a
# conflict, never a duplicate that hides the real record's match.
cat >"$TMP/public.tf" <<'EOF'
resource "aws_cloudwatch_log_metric_filter" "puts" {
  name           = "BucketPolicyChanges"
  pattern        = "{ $.eventName = PutBucketPolicy }"
  log_group_name = "trail"
  metric_transformation {
    name      = "PolicyChanges"
    namespace = "Test"
    value     = "1"
  }
}
resource "aws_cloudwatch_log_metric_filter" "public" {
  name           = "PublicBucketPolicy"
  pattern        = "{ $.requestParameters.acl = \"public-read\" }"
  log_group_name = "trail"
  metric_transformation {
    name      = "PublicPolicies"
    namespace = "Test"
    value     = "1"
  }
}
resource "aws_cloudwatch_metric_alarm" "public" {
  alarm_name          = "PublicBucketPolicy"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "PublicPolicies"
  namespace           = "Test"
  period              = 60
  statistic           = "Sum"
  threshold           = 0
}
EOF
policy() {  # policy ID ACL
  printf '{"eventTime":"2026-11-20T08:01:00Z","eventName":"PutBucketPolicy","userIdentity":{"type":"IAMUser","userName":"mallory"},"sourceIPAddress":"198.51.100.9","requestParameters":{"acl":"%s"},"eventID":"%s","recipientAccountId":"%s"}' "$2" "$1" "$acct"
}
L=$TMP/l3e
s3file "$(day "$L")/$(s3 20261120T0800Z p0)" "$(policy evil-3 private)"
s3file "$(day "$L")/$(s3 20261120T0805Z p1)" "$(policy evil-3 public-read)"
run_tw scan --rules "$TMP/public.tf" --format jsonl "$L"
expect_eq "$(alarms)" "PublicBucketPolicy 2026-11-20T08:02:00Z" "a copy that differs elsewhere: the real match still alarms"
expect_contains "$TMP/err" "record_conflict"

# 4. A touched or re-copied file failed every later run ("changed since an
#    earlier run", exit 2 forever). Same content: silent. Other content: one
#    log_changed warning (a delivered CloudTrail file never changes), its new
#    records are evaluated, and later runs are quiet again.
L=$TMP/l4
f4=$(day "$L")/$(s3 20261120T0805Z g1)
s3file "$f4" "$(flogin 2026-11-20T08:01:00Z h1)"
st s4 2026-11-20T09:00:00Z "$L"
expect_eq "$status" 0 "touched: first run"
touch "$f4"
st s4 2026-11-20T09:00:00Z "$L"
expect_eq "$status" 0 "touched: exit"
expect_contains "$TMP/err" "1 files read before and skipped, 0 new"
expect_not_contains "$TMP/err" "changed"
cp "$f4" "$TMP/g1.copy" && rm "$f4" && cp "$TMP/g1.copy" "$f4"  # re-copied: new inode, same bytes
st s4 2026-11-20T09:00:00Z "$L"
expect_eq "$status" 0 "re-copied: exit"
expect_not_contains "$TMP/err" "changed"
s3file "$f4" "$(flogin 2026-11-20T08:01:00Z h1)" "$(root 2026-11-20T08:30:00Z h2)"
st s4 2026-11-20T09:00:00Z "$L"
expect_eq "$status" 2 "changed content: exit 2 once"
expect_contains "$TMP/err" "log_changed"
expect_contains "$TMP/err" "$(s3 20261120T0805Z g1)"
expect_eq "$(alarms)" "RootAccountUsageAlarm 2026-11-20T08:31:00Z" "changed content: its new record is evaluated"
st s4 2026-11-20T09:00:00Z "$L"
expect_eq "$status" 0 "changed content: the next run is quiet"
expect_not_contains "$TMP/err" "log_changed"
expect_eq "$(cat "$TMP/out")" "" "changed content: nothing twice"

# 5. A file read while partly written was stamped as read: its missing
#    records were never read (4 failed logins, no alarm). Now it is read again
#    when complete, and what the first read counted is not counted twice.
L=$TMP/l5
mkdir -p "$L"
for i in 1 2 3 4; do flogin "2026-11-20T08:0$i:00Z" "p$i"; echo; done >"$TMP/four.jsonl"
head -c 700 "$TMP/four.jsonl" >"$L/export.jsonl"  # two records and a half
st s5 2026-11-20T09:00:00Z "$L"
expect_eq "$status" 2 "partial: the cut record is an error"
expect_contains "$TMP/err" "truncated record"
cp "$TMP/four.jsonl" "$L/export.jsonl"
st s5 2026-11-20T09:00:00Z "$L"
expect_eq "$status" 1 "partial: complete file read again"
expect_eq "$(alarms)" "FailedConsoleLoginAlarm 2026-11-20T08:05:00Z" "partial: the burst"
expect_contains "$TMP/out" '"value":4,'
expect_contains "$TMP/err" "2 duplicate records dropped (2 counted by an earlier run)"
# The same with a gzip file cut in the middle.
L=$TMP/l5gz
f5=$(day "$L")/$(s3 20261120T0805Z k1)
s3file "$TMP/k1.gz" "$(flogin 2026-11-20T08:01:00Z q1)" "$(flogin 2026-11-20T08:02:00Z q2)" \
  "$(flogin 2026-11-20T08:03:00Z q3)" "$(flogin 2026-11-20T08:04:00Z q4)"
mkdir -p "$(dirname "$f5")"
head -c $(($(stat -c %s "$TMP/k1.gz") / 2)) "$TMP/k1.gz" >"$f5"
st s5gz 2026-11-20T09:00:00Z "$L"
expect_eq "$status" 2 "partial gzip: an error"
expect_contains "$TMP/err" "truncated gzip"
cp "$TMP/k1.gz" "$f5"
st s5gz 2026-11-20T09:00:00Z "$L"
expect_eq "$status" 1 "partial gzip: read again when complete"
expect_contains "$TMP/out" '"value":4,'
expect_not_contains "$TMP/err" "log_changed"

# 16. No new file is normal, but no file for longer than --stale-after
#     (default 2h) means delivery may have stopped: say so, judged by the
#     newest file's S3 delivery stamp (or its mtime when it has none).
st s1 2026-11-20T13:00:00Z "$TMP/l1"
expect_eq "$status" 0 "stale: no new file"
expect_not_contains "$TMP/err" "delivery may have stopped"
st s1 2026-11-20T14:30:00Z "$TMP/l1"
expect_eq "$status" 0 "stale: a warning, not an error"
expect_contains "$TMP/err" "no log file has arrived since 2026-11-20T12:05:00Z"
expect_contains "$TMP/err" "delivery may have stopped"
expect_contains "$TMP/err" "S3 delivery stamp"
st s1 2026-11-20T14:30:00Z --stale-after 4h "$TMP/l1"
expect_not_contains "$TMP/err" "delivery may have stopped"
# A file named as delivered in 2099 does not keep the warning quiet.
s3file "$(day "$TMP/l1")/$(s3 20991231T0000Z zz)" "$(flogin 2026-11-20T13:00:00Z z1)"
st s1 2026-11-20T15:00:00Z "$TMP/l1"
expect_contains "$TMP/err" "no log file has arrived since 2026-11-20T12:05:00Z"
# Without an S3 name, the file's mtime tells.
mkdir -p "$TMP/l16"
flogin 2026-11-20T08:00:00Z m1 >"$TMP/l16/export.jsonl"
touch -d 2026-11-20T08:10:00Z "$TMP/l16/export.jsonl"
st s16 2026-11-20T11:00:00Z "$TMP/l16"
expect_contains "$TMP/err" "no log file has arrived since 2026-11-20T08:10:00Z"
expect_contains "$TMP/err" "mtime"
echo "state_attacks: ok"
