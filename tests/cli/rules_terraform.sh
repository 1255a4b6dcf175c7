#!/usr/bin/env bash
# Terraform as teams write it (tests/data/terraform: a local module called
# twice, for_each, count, dynamic blocks, tfvars, references) and the same
# configuration as `terraform show -json` (tests/data/terraform-show/plan.json)
# raise the same hits on a small log folder; -var changes what loads.
source "$(dirname "$0")/common.sh"
tree=$ROOT/tests/data/terraform
plan=$ROOT/tests/data/terraform-show/plan.json
logs=$TMP/logs/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20
mkdir -p "$logs"
event() {  # TIME NAME REGION EXTRA_JSON
  printf '{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","userName":"mallory","arn":"arn:aws:iam::123456789012:user/mallory"},"eventTime":"%s","eventSource":"x.amazonaws.com","eventName":"%s","awsRegion":"%s","sourceIPAddress":"198.51.100.9","eventID":"%s-%s"%s}\n' \
    "$1" "$2" "$3" "$2" "$1" "$4"
}
{
  for m in 01 02 03 04; do
    event "2026-11-20T10:$m:00Z" ConsoleLogin us-east-1 ',"errorMessage":"Failed authentication"'
  done
  event 2026-11-20T10:20:00Z CreateVpc eu-west-1 ''
  event 2026-11-20T10:30:00Z RunInstances sa-east-1 ''
  event 2026-11-20T10:31:00Z RunInstances us-east-1 ''  # a region not watched
  printf '{"eventVersion":"1.09","userIdentity":{"type":"Root","arn":"arn:aws:iam::123456789012:root"},"eventTime":"2026-11-20T10:40:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","eventID":"root-1","eventType":"AwsConsoleSignIn"}\n'
} >"$logs/123456789012_CloudTrail_us-east-1_20261120T1000Z_t1.jsonl"

run_tw rules check "$tree"
expect_eq "$status" 0 "rules check of the tree"
expect_contains "$TMP/err" "9 files: 6 metric filters, 6 alarms, 7 other blocks skipped, 0 errors"

run_tw scan --rules "$tree" "$TMP/logs"
expect_eq "$status" 1 "exit status with hits (tree)"
cp "$TMP/out" "$TMP/from-tree"
# The brute force per source IP (3 in 5 min, 1 of 2 periods, so it stays
# until both windows are past), the VPC change per region and caller, the
# watched region, and root; not RunInstances in us-east-1.
mallory="principals=arn:aws:iam::123456789012:user/mallory"
logins="ALARM prod-secops-identity-console-login-failures Sum=4 >= 3 period=300s 1/2 dimensions=SourceIPAddress:198.51.100.9 $mallory(4) ips=198.51.100.9(4) events=4"
expect_eq "$(cat "$TMP/from-tree")" "\
2026-11-20T10:04:00Z 2026-11-20T10:08:00Z $logins
2026-11-20T10:09:00Z 2026-11-20T10:13:00Z $logins
2026-11-20T10:14:00Z 2026-11-20T10:18:00Z $logins
2026-11-20T10:19:00Z 2026-11-20T10:23:00Z $logins
2026-11-20T10:21:00Z 2026-11-20T10:24:00Z ALARM prod-secops-network-vpc-changes Sum=1 >= 1 period=60s 1/1 dimensions=AwsRegion:eu-west-1,UserIdentityArn:arn:aws:iam::123456789012:user/mallory $mallory(1) ips=198.51.100.9(1) events=1
2026-11-20T10:31:00Z - ALARM prod-secops-run-instances-sa-east-1 Sum=1 >= 1 period=300s 1/1 dimensions=- $mallory(1) ips=198.51.100.9(1) events=1
2026-11-20T10:41:00Z - ALARM prod-secops-identity-root-usage Sum=1 >= 1 period=300s 1/1 dimensions=- principals=arn:aws:iam::123456789012:root(1) ips=203.0.113.10(1) events=1" "hits from the tree"

run_tw scan --rules "$plan" "$TMP/logs"
expect_eq "$status" 1 "exit status with hits (plan JSON)"
expect_eq "$(cat "$TMP/out")" "$(cat "$TMP/from-tree")" "the plan JSON's hits"

# Each file of the built-in pack loads alone, with the pack's defaults.
run_tw rules check "$ROOT/rules/cis.tf"
expect_eq "$status" 0 "rules/cis.tf alone"
expect_contains "$TMP/err" "1 files: 15 metric filters, 15 alarms"

# A remote module is an error, never skipped without a word.
mkdir -p "$TMP/remote"
printf 'module "alarms" {\n  source = "terraform-aws-modules/cloudwatch/aws//modules/log-metric-filter"\n}\n' \
  >"$TMP/remote/main.tf"
run_tw rules check "$TMP/remote"
expect_eq "$status" 2 "rules check of a remote module"
expect_contains "$TMP/err" "main.tf:2:12: module \"alarms\": source \"terraform-aws-modules/cloudwatch/aws//modules/log-metric-filter\" is not a local path"
