#!/usr/bin/env bash
# lint.sh: house rules ninja's misc/ci.py checks, plus ours (style.md 2.6):
# newline at end of file, no CRLF, no trailing whitespace, C++ files under
# 600 lines that open with a comment saying their role, no "../" includes.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
complain() { echo "lint: $*"; status=1; }
while IFS= read -r f; do
  [ -s "$f" ] || continue
  case "$f" in samples/AWSLogs/*|tests/fuzz/corpus/*|tests/data/*|*.gz|*.zip|LICENSE|bench/package-lock.json) continue ;; esac
  [ "$(tail -c1 "$f" | od -An -c | tr -d ' ')" == '\n' ] || complain "$f: no newline at end of file"
  grep -q $'\r' "$f" && complain "$f: CRLF line endings"
  grep -nE '[[:blank:]]+$' "$f" | head -3 | sed "s|^|lint: $f:|;s|$| (trailing whitespace)|" | grep . && status=1
  case "$f" in
    *.cpp|*.h)
      lines=$(wc -l <"$f")
      [ "$lines" -le 600 ] || [[ "$f" == tests/* ]] || complain "$f: $lines lines (limit 600)"
      head -1 "$f" | grep -q '^//' || complain "$f: must open with a comment saying its role"
      grep -n '#include "\.\./' "$f" && complain "$f: includes with ../"
      ;;
  esac
done < <(git ls-files)
exit $status
