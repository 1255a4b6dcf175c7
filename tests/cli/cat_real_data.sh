#!/usr/bin/env bash
# Every record of the real public CloudTrail data in ../shared/data/real is
# read and accounted for (counts from each folder's SOURCE.md).
source "$(dirname "$0")/common.sh"
real=$SHARED/data/real
[ -d "$real" ] || skip "no $real (the shared data folder is not next to the repo)"

# check FOLDER READ EMITTED STATUS
check() {
  run_tw cat -j2 "$1"
  expect_eq "$status" "$4" "exit status for $1"
  expect_contains "$TMP/err" "$2 records read = $3 emitted"
  expect_eq "$(wc -l <"$TMP/out")" "$3" "records emitted from $1"
}
check "$real/invictus-aws-dataset" 2900 2900 0
check "$real/flaws-umccr-sample" 185 185 0
check "$real/loki-lambda-promtail" 2 2 0
check "$real/cloudtrail-watcher-samples" 37 37 0
check "$real/stratus-red-team-detonations" 310 310 0
# Panther fixtures: 17 records without eventTime and 2 with "..."/"redacted".
check "$real/panther-analysis-fixtures" 491 472 2
expect_contains "$TMP/err" "19 rejected (2 invalid eventTime, 17 missing eventTime)"

# The zips: extracted, then read (one file in stratus-2022 lacks commas between records).
python3 - "$real" "$TMP/zips" <<'PY'
import sys, zipfile
real, out = sys.argv[1], sys.argv[2]
zipfile.ZipFile(f"{real}/stratus-2022-cloudtrail2sightings/cloudtrail.zip").extractall(f"{out}/stratus")
zipfile.ZipFile(f"{real}/otrf-security-datasets/ec2_proxy_s3_exfiltration.zip").extractall(f"{out}/otrf")
PY
check "$TMP/zips/stratus" 15 15 2
expect_contains "$TMP/err" "aws.execution.ec2-user-data.json"
check "$TMP/zips/otrf" 103 0 2   # Logstash replaced eventTime with @timestamp
expect_contains "$TMP/err" "103 rejected (103 missing eventTime)"

# Same bytes whatever the number of workers.
"$TW" cat -q -j1 "$real" >"$TMP/j1" 2>/dev/null || true
"$TW" cat -q -j2 "$real" >"$TMP/j2" 2>/dev/null || true
cmp -s "$TMP/j1" "$TMP/j2" || fail "-j1 and -j2 differ on the real data"
