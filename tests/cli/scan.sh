#!/usr/bin/env bash
# scan with the seed config (tests/data/seed-monitoring.tf, the product brief's
# Terraform verbatim) on a hand-written folder: the exact hits, in text and
# JSON, sliding and wall-clock; the same output whatever the file order and -j.
source "$(dirname "$0")/common.sh"
seed=$ROOT/tests/data/seed-monitoring.tf
logs=$ROOT/tests/data/scan-seed

run_tw scan --rules "$seed" -j2 --summary "$logs"
expect_eq "$status" 1 "exit status with hits"
# The brute force (5 failures + 1 delivered late in another file) raises the
# alarm; with N = 1 the 3-window evaluation range brings it back twice while
# the burst is still its newest real datapoint (spec 8.4, README).
expect_eq "$(cat "$TMP/out")" "\
2026-11-20T08:04:00Z 2026-11-20T08:08:00Z ALARM FailedConsoleLoginAlarm Sum=6 > 3 period=300s 1/1 dimensions=- principals=bob(6) ips=203.0.113.66(6) events=6
2026-11-20T08:10:00Z 2026-11-20T08:13:00Z ALARM FailedConsoleLoginAlarm Sum=6 > 3 period=300s 1/1 dimensions=- principals=bob(6) ips=203.0.113.66(6) events=6
2026-11-20T08:15:00Z 2026-11-20T08:18:00Z ALARM FailedConsoleLoginAlarm Sum=6 > 3 period=300s 1/1 dimensions=- principals=bob(6) ips=203.0.113.66(6) events=6
2026-11-20T09:16:00Z 2026-11-20T09:19:00Z ALARM RootAccountUsageAlarm Sum=1 > 0 period=60s 1/1 dimensions=- principals=arn:aws:iam::123456789012:root(1) ips=203.0.113.10(1) events=1" "sliding hits"
# The --summary table: hits per alarm, matches per filter with an hourly
# timeline (08:00 and 09:00), and no color when stderr is not a terminal.
summary_row() { grep -E "^$1 +$2( |\$)" "$TMP/err" || { cat "$TMP/err" >&2; fail "no summary row '$1 $2'"; }; }
summary_row FailedConsoleLoginAlarm 3 >/dev/null
summary_row RootAccountUsageAlarm 1 >/dev/null
expect_eq "$(summary_row FailedConsoleLogin 6)" \
  "FailedConsoleLogin                                   6  █ " "timeline of FailedConsoleLogin"
summary_row RootAccountUsage 1 >/dev/null  # not the service call
summary_row SecurityGroupChanges 1 >/dev/null
expect_contains "$TMP/err" "PER HOUR 2026-11-20T08 .. 2026-11-20T09 (1 char = 1 h)"
expect_contains "$TMP/err" "(1 metric filters without matches)"
expect_not_contains "$TMP/err" $'\e['
run_tw scan --rules "$seed" "$logs"
expect_not_contains "$TMP/err" "PER HOUR"  # not a terminal: no summary unless asked
cp "$TMP/out" "$TMP/sliding"

run_tw scan --rules "$seed" --window wallclock "$logs"
expect_eq "$(head -1 "$TMP/out")" \
  "2026-11-20T08:05:00Z 2026-11-20T08:20:00Z ALARM FailedConsoleLoginAlarm Sum=6 > 3 period=300s 1/1 dimensions=- principals=bob(6) ips=203.0.113.66(6) events=6" \
  "wall-clock hit"

# Order invariance: the same files under other names (so walked in reverse
# order), one gzipped, and -j1.
mkdir -p "$TMP/shuffled"
i=9
while read -r f; do
  cp "$f" "$TMP/shuffled/$i-$(basename "$f")"
  i=$((i - 1))
done < <(find "$logs" -type f | sort)
gzip -n "$TMP/shuffled/"*.jsonl
run_tw scan --rules "$seed" -j1 "$TMP/shuffled"
cmp -s "$TMP/out" "$TMP/sliding" || { diff "$TMP/sliding" "$TMP/out" >&2; fail "output depends on file order or -j"; }

# JSON hits: the documented keys, events are the matching eventIDs.
run_tw scan --rules "$seed" --format jsonl --with-events "$logs"
python3 - "$TMP/out" <<'PY'
import json, sys
hits = [json.loads(l) for l in open(sys.argv[1])]
assert len(hits) == 4, len(hits)
h = hits[0]
for k in ["alarm", "state", "start", "end", "value", "threshold", "comparison", "statistic", "period",
          "evaluation_periods", "datapoints_to_alarm", "metric", "dimensions", "description", "tags", "events"]:
    assert k in h, k
assert h["state"] == "ALARM" and h["value"] == 6 and h["threshold"] == 3
assert h["metric"] == {"namespace": "SecurityMetrics", "name": "FailedConsoleLoginCount"}
assert sorted(h["events"]) == sorted(["fail-0", "fail-1", "fail-2", "fail-3", "fail-4", "fail-late"]), h["events"]
assert [r["eventID"] for r in h["records"]] == h["events"]
assert hits[3]["alarm"] == "RootAccountUsageAlarm" and hits[3]["events"] == ["root-1"]
PY

# No hits: exit 0. A bad rule: exit 2 with file:line:col.
run_tw scan --rules "$seed" --until 2026-11-20T08:00:00Z "$logs"
expect_eq "$status" 0 "exit status without hits"
printf 'resource "aws_cloudwatch_metric_alarm" "x" {\n  alarm_name = "X"\n  comparison_operator = "Above"\n}\n' >"$TMP/bad.tf"
run_tw rules check "$seed" "$TMP/bad.tf"
expect_eq "$status" 2 "rules check with an error"
expect_contains "$TMP/err" "bad.tf:3:25: comparison_operator \"Above\" is not one of"
run_tw rules check "$seed"
expect_eq "$status" 0 "rules check of the seed"
expect_contains "$TMP/err" "1 files: 4 metric filters, 2 alarms, 6 other blocks skipped, 0 errors"
