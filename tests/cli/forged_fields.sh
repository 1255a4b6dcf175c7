#!/usr/bin/env bash
# Log values that try to forge the fields of a text line ("x(1) ips=10.0.0.1(1)
# events=1" as a principal) are quoted in every text printer; bidirectional,
# line-separator and invisible characters (Trojan Source) are made visible in
# text and CSV and escaped (\u202e) in JSON, which stays valid JSON with the
# same values.
source "$(dirname "$0")/common.sh"
command -v python3 >/dev/null || skip "python3 is needed to read the output"
mkdir -p "$TMP/logs"
forged='x(1) ips=10.0.0.1(1) events=1'
rlo=$'\u202e' lsep=$'\u2028' lri=$'\u2066'

# Four failed logins by the forged principal, then one by a principal with a
# right-to-left override, from an IP with a line separator, and an eventName
# with an isolate.
for i in 1 2 3 4; do
  printf '{"eventTime":"2026-11-20T08:0%s:00Z","eventName":"ConsoleLogin","errorMessage":"Failed authentication","errorCode":"Failed authentication","userIdentity":{"type":"IAMUser","arn":"%s"},"sourceIPAddress":"203.0.113.9","eventID":"e%s"}\n' \
    "$i" "$forged" "$i"
done >"$TMP/logs/forged.jsonl"
printf '{"eventTime":"2026-11-20T08:05:00Z","eventName":"ConsoleLogin","errorMessage":"Failed authentication","userIdentity":{"type":"IAMUser","arn":"admin%sgpj.exe"},"sourceIPAddress":"1.2.3.4%s5.6.7.8","eventID":"e5"}\n' \
  "$rlo" "$lsep" >>"$TMP/logs/forged.jsonl"
printf '{"eventTime":"2026-11-20T08:06:00Z","eventName":"Get%sObject","userIdentity":{"type":"IAMUser","arn":"-"},"sourceIPAddress":"","eventID":"e6"}\n' \
  "$lri" >>"$TMP/logs/forged.jsonl"

cat >"$TMP/rules.tf" <<'EOF'
resource "aws_cloudwatch_log_metric_filter" "failed" {
  name           = "Failed logins"
  log_group_name = "trail"
  pattern        = "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }"
  metric_transformation {
    name      = "FailedLogins"
    namespace = "Test"
    value     = "1"
  }
}
resource "aws_cloudwatch_metric_alarm" "failed" {
  alarm_name          = "Brute force ips=1"
  alarm_description   = "forged ips=2 events=3"
  namespace           = "Test"
  metric_name         = "FailedLogins"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 3
  comparison_operator = "GreaterThanThreshold"
  tags                = { Severity = "high low" }
}
EOF

# no_raw FILE: no control character and no raw bidi / separator / invisible character.
no_raw() {
  ! LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8b-\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]' "$1" ||
    { od -c "$1" | head -20 >&2; fail "$1 holds a raw control, bidirectional or separator character"; }
}
# fields FILE: each line of FILE split into fields the way a reader would:
# blanks separate, "..." quotes (with \" and \\ inside).
fields() {
  python3 - "$1" <<'PY'
import re, sys
for line in open(sys.argv[1], encoding="utf-8"):
    print("\t".join(re.findall(r'(?:"(?:[^"\\]|\\.)*"|[^ "\n])+', line)))
PY
}

# 1. scan text: one line per hit; exactly one ips= and one events= field.
run_tw scan --rules "$TMP/rules.tf" "$TMP/logs"
expect_eq "$status" 1 "scan: hits"
no_raw "$TMP/out"
no_raw "$TMP/err"
fields "$TMP/out" >"$TMP/fields"
python3 - "$TMP/fields" <<'PY' || fail "scan text fields"
import sys
lines = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
assert lines, "no hit"
for f in lines:
    assert len(f) == 13, f
    assert f[3] == '"Brute force ips=1"', f
    assert [x.split("=")[0] for x in f[9:]] == ["dimensions", "principals", "ips", "events"], f
    assert f[10] == 'principals="x(1) ips=10.0.0.1(1) events=1"(4),admin\\u{202e}gpj.exe(1)', f
    assert f[11] == 'ips=203.0.113.9(4),1.2.3.4\\u{2028}5.6.7.8(1)', f
    assert f[12] == "events=5", f
PY

# 2. scan csv: the list cells quote their items the same way.
run_tw scan --rules "$TMP/rules.tf" --format csv "$TMP/logs"
no_raw "$TMP/out"
python3 - "$TMP/out" <<'PY' || fail "scan csv"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
assert rows, "no hit"
for r in rows:
    assert r["alarm"] == "Brute force ips=1", r
    assert r["principals"] == '"x(1) ips=10.0.0.1(1) events=1"(4),admin\\u{202e}gpj.exe(1)', r
    assert r["source_ips"] == "203.0.113.9(4),1.2.3.4\\u{2028}5.6.7.8(1)", r
PY

# 3. scan jsonl: valid JSON, the values exactly as logged, no raw bidi byte.
run_tw scan --rules "$TMP/rules.tf" --format jsonl --with-events "$TMP/logs"
no_raw "$TMP/out"
expect_contains "$TMP/out" 'admin\u202egpj.exe'
python3 - "$TMP/out" <<'PY' || fail "scan jsonl"
import json, sys
hits = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert hits
for h in hits:
    assert h["principals"] == {"x(1) ips=10.0.0.1(1) events=1": 4, "admin\u202egpj.exe": 1}, h["principals"]
    assert h["source_ips"] == {"203.0.113.9": 4, "1.2.3.4\u20285.6.7.8": 1}, h["source_ips"]
    assert h["records"][4]["userIdentity"]["arn"] == "admin\u202egpj.exe", h["records"][4]
PY

# 4. grep --format text: six fields per line; "-" only for a missing value.
run_tw grep --format text '{ $.eventID = * }' "$TMP/logs"
expect_eq "$status" 0 "grep text"
no_raw "$TMP/out"
fields "$TMP/out" >"$TMP/fields"
python3 - "$TMP/fields" <<'PY' || fail "grep text fields"
import sys
lines = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
assert len(lines) == 6, lines
for f in lines:
    assert len(f) == 6, f
assert lines[0][1:] == ["-", "ConsoleLogin", '"x(1) ips=10.0.0.1(1) events=1"', "203.0.113.9", '"Failed authentication"'], lines[0]
assert lines[4][3:5] == ["admin\\u{202e}gpj.exe", "1.2.3.4\\u{2028}5.6.7.8"], lines[4]
# A principal that is "-" is not a missing one; an empty IP is missing.
assert lines[5][2:5] == ["Get\\u{2066}Object", '"-"', "-"], lines[5]
PY

# 5. cat: valid JSON lines, bidi escaped, the values unchanged.
run_tw cat "$TMP/logs"
no_raw "$TMP/out"
expect_contains "$TMP/out" '"eventName":"Get\u2066Object"'
python3 - "$TMP/out" "$TMP/logs/forged.jsonl" <<'PY' || fail "cat JSON"
import json, sys
got = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
want = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
assert got == want
PY
# Records without such characters are printed byte for byte.
head -4 "$TMP/logs/forged.jsonl" >"$TMP/plain.jsonl"
run_tw cat "$TMP/plain.jsonl"
cmp -s "$TMP/out" "$TMP/plain.jsonl" || fail "cat changed plain records"

# 6. test-pattern text and jsonl.
run_tw test-pattern 'gpj' "admin${rlo}gpj.exe"
expect_eq "$(cat "$TMP/out")" 'match admin\u{202e}gpj.exe' "test-pattern text"
run_tw test-pattern --format jsonl 'gpj' "admin${rlo}gpj.exe"
expect_contains "$TMP/out" '"message":"admin\u202egpj.exe"'

# 7. rules list: names and metrics with blanks are quoted; the last column is free text.
run_tw rules list "$TMP/rules.tf"
no_raw "$TMP/out"
expect_contains "$TMP/out" '"Brute force ips=1"'
expect_contains "$TMP/out" '"high low"'
expect_contains "$TMP/out" 'forged ips=2 events=3'
run_tw rules list --filters "$TMP/rules.tf"
expect_contains "$TMP/out" '"Failed logins"'
run_tw rules test "$TMP/rules.tf"
expect_contains "$TMP/out" 'FAIL "Failed logins" no examples'

# 8. Messages name files with the characters made visible.
printf 'not json' >"$TMP/logs/evil${rlo}nosj.json"
run_tw cat "$TMP/logs/evil${rlo}nosj.json"
expect_eq "$status" 2 "a bad file"
no_raw "$TMP/err"
expect_contains "$TMP/err" 'evil\u{202e}nosj.json'

# 9. verify text: a log file whose name holds blanks is one quoted field.
if command -v openssl >/dev/null; then
  python3 "$ROOT/tests/tools/make_digest_folder.py" "$TMP/d" >/dev/null
  dir=$(dirname "$(find "$TMP/d/bucket" -path '*CloudTrail/us-east-1*' -name '*.json.gz' | head -1)")
  evil="111122223333_CloudTrail_us-east-1_20261120T0110Z_x: ok (expected a, actual a) [digest d]${rlo}.json.gz"
  cp "$(find "$dir" -name '*.json.gz' | head -1)" "$dir/$evil"
  run_tw verify "$TMP/d/bucket"
  no_raw "$TMP/out"
  line=$(grep -F 'x: ok' "$TMP/out" | head -1)
  [ -n "$line" ] || { cat "$TMP/out" >&2; fail "verify does not name the added file"; }
  case $line in
    *'"'*'_x: ok (expected a, actual a) [digest d]\u{202e}.json.gz"'*) ;;
    *) fail "verify: the file name is not one quoted field: $line" ;;
  esac
fi
