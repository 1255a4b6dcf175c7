#!/usr/bin/env bash
# scan's output for people and for pipes, with hostile log values: hooks
# (no shell anywhere), escapes in text, CSV formula injection, exit codes,
# and what a terminal gets (progress, color, summary) versus a pipe.
source "$(dirname "$0")/common.sh"
command -v python3 >/dev/null || skip "python3 is needed to read the JSON and CSV"

work=$TMP/work   # the hooks' working folder: nothing may appear in it
mkdir -p "$work" "$TMP/logs" "$TMP/hooks"
cd "$work"

# A brute force by a hostile user: its userName tries shell injection, and its
# userAgent tries to retitle the terminal, clear it, and use a C1 CSI. The
# JSON escapes decode to the real control characters.
evil_user='$(touch pwned1)`touch pwned2`\";touch pwned3;\"\n=HYPERLINK(\"http://x\")'
evil_agent='\u001b]0;owned\u0007\u001b[2J\u009b31mred\r'
for i in 1 2 3 4 5 7 8 9; do  # a burst at 08:0x, another at 10:0x below
  printf '{"eventTime":"2026-11-20T08:0%s:00Z","eventName":"ConsoleLogin","errorMessage":"Failed authentication","userIdentity":{"type":"IAMUser","userName":"%s"},"userAgent":"%s","sourceIPAddress":"@SUM(1+1)","eventID":"e%s"}\n' \
    "$i" "$evil_user" "$evil_agent" "$i"
done >"$TMP/logs/burst.jsonl"
for i in 1 2 3 4; do
  printf '{"eventTime":"2026-11-20T10:0%s:00Z","eventName":"ConsoleLogin","errorMessage":"Failed authentication","userIdentity":{"type":"IAMUser","userName":"%s"},"userAgent":"%s","sourceIPAddress":"@SUM(1+1)","eventID":"f%s"}\n' \
    "$i" "$evil_user" "$evil_agent" "$i"
done >>"$TMP/logs/burst.jsonl"

# Rules: the failed-login alarm, keyed by userAgent (so that the hostile value
# is printed as a dimension), with a hostile alarm name of its own.
cat >"$TMP/rules.tf" <<'EOF'
resource "aws_cloudwatch_log_metric_filter" "failed" {
  name           = "FailedLogins"
  log_group_name = "trail"
  pattern        = "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }"
  metric_transformation {
    name       = "FailedLogins"
    namespace  = "Test"
    value      = "1"
    dimensions = { UserAgent = "$.userAgent" }
  }
}
resource "aws_cloudwatch_metric_alarm" "failed" {
  alarm_name          = "-Brute $(touch pwned4) \"force\""
  namespace           = "Test"
  metric_name         = "FailedLogins"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 3
  comparison_operator = "GreaterThanThreshold"
  tags                = { Severity = "high" }
}
EOF

no_pwned() { [ -z "$(find "$TMP" -name 'pwned*')" ] || fail "a hostile value reached a shell: $(find "$TMP" -name 'pwned*')"; }
no_controls() {  # no byte a terminal would interpret: C0 (but newline), DEL, C1 as UTF-8
  ! LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$1" || { od -c "$1" | head >&2; fail "$1 holds control characters"; }
}

# 1. Text: every log value escaped, made visible, never interpreted.
run_tw scan --rules "$TMP/rules.tf" "$TMP/logs"
expect_eq "$status" 1 "hits: exit 1"
# The 08:0x burst, brought back twice by the evaluation range (README), and 10:0x.
expect_eq "$(wc -l <"$TMP/out")" 4 "four hit lines"
no_controls "$TMP/out"
no_controls "$TMP/err"
expect_contains "$TMP/out" 'dimensions=UserAgent:\x1b]0;owned\x07\x1b[2J\u{9b}31mred\r '
expect_contains "$TMP/out" '\n=HYPERLINK('
# The alarm name and the principal hold blanks and quotes: each is one quoted field.
expect_contains "$TMP/out" 'ALARM "-Brute $(touch pwned4) \"force\"" Sum=5 > 3'
expect_contains "$TMP/out" ' principals="$(touch pwned1)`touch pwned2`\";touch pwned3;\"\n=HYPERLINK(\"http://x\")"(8) ips="@SUM(1+1)"(8) events=8'
no_pwned

# 2. Hooks: run once per hit without a shell. The hit arrives as JSON on
#    stdin, byte for byte; the alarm and severity in the environment; quoted
#    arguments stay one argument.
cat >"$TMP/hook.sh" <<'EOF'
#!/usr/bin/env bash
n=$(ls "$HOOK_OUT" | grep -c '^hit' || true)
cat >"$HOOK_OUT/hit$n.json"
printf '%s' "$TRAILWATCH_ALARM" >"$HOOK_OUT/alarm$n"
printf '%s' "$TRAILWATCH_SEVERITY" >"$HOOK_OUT/severity$n"
printf '%s|' "$@" >"$HOOK_OUT/args$n"
echo "hook output goes to stderr"
EOF
chmod +x "$TMP/hook.sh"
export HOOK_OUT=$TMP/hooks
run_tw scan --rules "$TMP/rules.tf" --format jsonl --on-alarm "$TMP/hook.sh 'one arg' \"two \\\"q\\\"\" \$HOME" "$TMP/logs"
expect_eq "$status" 1 "hooks: exit 1"
expect_eq "$(ls "$HOOK_OUT" | grep -c '^hit')" 4 "one hook run per hit"
expect_not_contains "$TMP/out" "hook output"  # stdout carries only results
expect_contains "$TMP/err" "hook output goes to stderr"
expect_eq "$(cat "$HOOK_OUT/args0")" 'one arg|two "q"|$HOME|' "hook arguments, not expanded"
expect_eq "$(cat "$HOOK_OUT/alarm0")" '-Brute $(touch pwned4) "force"' "TRAILWATCH_ALARM"
expect_eq "$(cat "$HOOK_OUT/severity0")" high "TRAILWATCH_SEVERITY"
python3 - "$HOOK_OUT/hit0.json" "$TMP/out" <<'EOF' || fail "hook input"
import json, sys
hit = json.loads(open(sys.argv[1]).read())
first = json.loads(open(sys.argv[2]).readline())
assert hit == first, "the hook gets the hit printed on stdout"
user = '$(touch pwned1)`touch pwned2`";touch pwned3;"\n=HYPERLINK("http://x")'
assert hit["principals"] == {user: 8}, hit["principals"]
assert hit["dimensions"]["UserAgent"] == '\x1b]0;owned\x07\x1b[2J\x9b31mred\r', hit["dimensions"]
EOF
no_pwned

# A failing hook is reported and does not stop the scan: every hit is still
# printed and every hook still runs; the exit code says something failed.
run_tw scan --rules "$TMP/rules.tf" --on-alarm false "$TMP/logs"
expect_eq "$status" 2 "failing hook: exit 2"
expect_eq "$(wc -l <"$TMP/out")" 4 "failing hook: all hits printed"
expect_eq "$(grep -c 'hook false: exited with status 1' "$TMP/err")" 4 "each failure reported"
expect_contains "$TMP/err" "4 of 4 hooks failed"
run_tw scan --rules "$TMP/rules.tf" --on-alarm "$TMP/no-such-hook" "$TMP/logs"
expect_eq "$status" 2 "missing hook: exit 2"
expect_contains "$TMP/err" "no-such-hook: cannot run: No such file or directory"
run_tw scan --rules "$TMP/rules.tf" --on-alarm 'sleep 30' --hook-timeout 1 "$TMP/logs"
expect_eq "$status" 2 "slow hook: exit 2"
expect_contains "$TMP/err" "hook sleep: killed after 1000 ms without finishing"
run_tw scan --rules "$TMP/rules.tf" --on-alarm "'unbalanced" "$TMP/logs"
expect_eq "$status" 2 "bad hook command"
expect_contains "$TMP/err" "--on-alarm: unbalanced ' quote"
no_pwned

# 3. CSV: RFC 4180, every text cell terminal-safe, and no cell a spreadsheet
#    would run as a formula (= + - @, OWASP).
run_tw scan --rules "$TMP/rules.tf" --format csv "$TMP/logs"
expect_eq "$status" 1 "csv: exit 1"
no_controls "$TMP/out"
python3 - "$TMP/out" <<'EOF' || fail "csv"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[0][:3] == ["start", "end", "alarm"], rows[0]
assert len(rows) == 5, f"{len(rows)} rows"
for row in rows[1:]:
    assert len(row) == len(rows[0]), row
    for cell in row:
        assert not cell or cell[0] not in "=+-@\t\r", f"formula cell: {cell!r}"
    cells = dict(zip(rows[0], row))
    assert cells["alarm"] == "'-Brute $(touch pwned4) \"force\"", cells["alarm"]
    # Lists in a cell quote their items as text does (the IP holds parentheses).
    assert cells["source_ips"] in ('"@SUM(1+1)"(8)', '"@SUM(1+1)"(4)'), cells["source_ips"]
    assert cells["principals"].startswith('"$(touch pwned1)'), cells["principals"]
    assert "\\n=HYPERLINK" in cells["principals"], cells["principals"]
    assert cells["severity"] == "high" and cells["value"] in ("4", "5") and cells["comparison"] == ">"
EOF

# 4. Exit codes: 0 no hit, 1 hits, 2 errors; --exit-zero turns 1 into 0 only.
run_tw scan --rules "$TMP/rules.tf" --exit-zero "$TMP/logs"
expect_eq "$status" 0 "--exit-zero with hits"
expect_eq "$(wc -l <"$TMP/out")" 4 "--exit-zero still prints the hits"
mkdir -p "$TMP/quiet"
printf '{"eventTime":"2026-11-20T08:00:00Z","eventName":"DescribeInstances"}\n' >"$TMP/quiet/a.jsonl"
run_tw scan --rules "$TMP/rules.tf" "$TMP/quiet"
expect_eq "$status" 0 "no hit: exit 0"
printf 'not gzip' >"$TMP/logs/broken.json.gz"
run_tw scan --rules "$TMP/rules.tf" "$TMP/logs"
expect_eq "$status" 2 "hits and a damaged file: exit 2"
expect_eq "$(wc -l <"$TMP/out")" 4 "the damaged file does not stop the others"
run_tw scan --rules "$TMP/rules.tf" --exit-zero "$TMP/logs"
expect_eq "$status" 2 "--exit-zero does not hide errors"
rm "$TMP/logs/broken.json.gz"

# 5. A pipe gets no progress, no color, no summary; -v logs go to stderr only.
run_tw scan --rules "$TMP/rules.tf" -vv "$TMP/logs"
expect_not_contains "$TMP/err" $'\r'
expect_not_contains "$TMP/out" $'\e['
expect_contains "$TMP/err" "burst.jsonl: 12 records read"
expect_contains "$TMP/err" "1 metric filters, 1 alarms"
expect_eq "$(wc -l <"$TMP/out")" 4 "-vv: stdout carries only results"
run_tw scan --rules "$TMP/rules.tf" --color always "$TMP/logs"
expect_contains "$TMP/out" $'ALARM \e[31m"-Brute'  # high: red, our own text only
run_tw scan --rules "$TMP/rules.tf" --color always --format jsonl "$TMP/logs"
expect_not_contains "$TMP/out" $'\e['  # never in JSON

# 6. A terminal (script(1) gives the run a pseudo-terminal): progress line,
#    colors by severity, the summary; NO_COLOR and --quiet honoured.
# 6. Invalid UTF-8 in a field: the record still counts (bytes replaced by '?',
#    reported), and every JSON line printed is valid UTF-8 JSON.
mkdir -p "$TMP/utf8"
for i in 1 2 3 4 5; do
  printf '{"eventTime":"2026-11-20T12:0%s:00Z","eventName":"ConsoleLogin","errorMessage":"Failed authentication","userAgent":"bad\xff\xc3(","eventID":"u%s"}\n' "$i" "$i"
done >"$TMP/utf8/u.jsonl"
run_tw scan --rules "$TMP/rules.tf" --format jsonl "$TMP/utf8"
expect_eq "$status" 1 "invalid UTF-8: the hit is found"
expect_contains "$TMP/err" "u.jsonl: byte"
expect_contains "$TMP/err" "invalid UTF-8 replaced by '?'"
python3 - "$TMP/out" <<'EOF' || fail "invalid UTF-8: output"
import json, sys
lines = open(sys.argv[1], "rb").read().decode("utf-8").splitlines()  # strict: raises on a raw byte
assert lines, "no hit"
for line in lines:
    hit = json.loads(line)
    assert hit["dimensions"]["UserAgent"] == "bad??(", hit["dimensions"]
EOF

if script -qec true /dev/null >/dev/null 2>&1; then
  on_tty() { script -qec "$*" /dev/null </dev/null >"$TMP/tty" 2>&1 || true; }
  on_tty "'$TW' scan --rules '$TMP/rules.tf' '$TMP/logs'"
  expect_contains "$TMP/tty" $'\r'               # the progress line, redrawn then erased
  expect_contains "$TMP/tty" "1/1 files"        # (drawn once the first file is done)
  expect_contains "$TMP/tty" $'ALARM \e[31m"-Brute'
  expect_contains "$TMP/tty" "METRIC FILTER"      # the summary
  expect_contains "$TMP/tty" "FailedLogins"
  no_pwned
  on_tty "NO_COLOR=1 '$TW' scan --rules '$TMP/rules.tf' '$TMP/logs'"
  expect_not_contains "$TMP/tty" $'\e[31m'
  expect_contains "$TMP/tty" 'ALARM "-Brute'
  on_tty "'$TW' scan --quiet --rules '$TMP/rules.tf' '$TMP/logs'"
  expect_not_contains "$TMP/tty" "files"          # no progress
  expect_not_contains "$TMP/tty" "METRIC FILTER"  # no summary
else
  echo "skipped the terminal checks: script(1) cannot allocate a pseudo-terminal here"
fi
echo "scan_output: ok"
