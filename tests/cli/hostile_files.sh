#!/usr/bin/env bash
# Hostile files and folders (issue 8): a gzip bomb, 10,000 levels of nesting,
# a 64 MB string, thousands of tiny files, symlink loops, a FIFO and a device
# in a folder, a FIFO named on the command line, a file that grows or shrinks
# while it is read. Each has a defined behaviour: handled, or an error that
# names the file and is counted; never a crash, a hang or unbounded memory.
source "$(dirname "$0")/common.sh"

# run_peak CMD...: like run_tw, and sets $kb to CMD's peak RSS in KB.
run_peak() {
  set +e
  /usr/bin/time -o "$TMP/rss" -f '%M' "$@" >"$TMP/out" 2>"$TMP/err"
  status=$?
  set -e
  kb=$(tail -1 "$TMP/rss")
}
[ -x /usr/bin/time ] || skip "/usr/bin/time is not installed (Debian package 'time')"

# 1. Gzip bomb: 200 MB of blanks in a ~200 KB .gz, cut at --max-file-size.
python3 - "$TMP/bomb.json.gz" <<'PY'
import gzip, sys
with gzip.open(sys.argv[1], "wb", compresslevel=9) as f:
    f.write(b'{"Records":[')
    for _ in range(200):
        f.write(b" " * (1 << 20))
PY
{ record 2026-11-20T10:00:00Z AfterBomb; echo; } >"$TMP/after.jsonl"
run_peak "$TW" cat --max-file-size 16M "$TMP/bomb.json.gz" "$TMP/after.jsonl"
expect_eq "$status" 2 "bomb: exit status"
expect_contains "$TMP/err" "bomb.json.gz: decompressed size exceeds the limit of 16777216 bytes (--max-file-size)"
expect_contains "$TMP/out" '"eventName":"AfterBomb"'
[ "$kb" -lt 100000 ] || fail "bomb: peak RSS $kb KB with a 16 MB limit"

# 2. 10,000 levels of arrays and of objects: that record is rejected, its neighbours kept.
python3 - "$TMP" <<'PY'
import sys
d = sys.argv[1]
head = '{"eventTime":"2026-11-20T10:00:01Z","eventName":"Deep","requestParameters":'
ok = '{"eventTime":"2026-11-20T10:00:02Z","eventName":"Shallow"}'
open(f"{d}/deep.json", "w").write('{"Records":[' + ok + "," + head + "[" * 10000 + "]" * 10000 + "}]}")
open(f"{d}/deep.jsonl", "w").write(head + '{"a":' * 10000 + "1" + "}" * 10000 + "}\n" + ok + "\n")
PY
run_tw cat "$TMP/deep.json" "$TMP/deep.jsonl"
expect_eq "$status" 2 "deep: exit status"
expect_eq "$(grep -c '"eventName":"Shallow"' "$TMP/out")" 2 "deep: the shallow records"
expect_contains "$TMP/err" "deep.json: record 2 (byte"
expect_contains "$TMP/err" "deep.jsonl: line 1: invalid JSON: The JSON document was too deep"
expect_contains "$TMP/err" "4 records read = 2 emitted + 2 rejected"

# 3. A 64 MB userAgent: read, matched and printed whole.
python3 -c 'import json,sys; print(json.dumps({"eventTime":"2026-11-20T10:00:03Z","eventName":"Long","userAgent":"A"*(64<<20)}))' >"$TMP/long.jsonl"
run_tw grep '{ $.userAgent = "AAAA*" }' "$TMP/long.jsonl"
expect_eq "$status" 0 "long: exit status"
expect_eq "$(wc -c <"$TMP/out")" "$(wc -c <"$TMP/long.jsonl")" "long: the record printed whole"

# 4. Thousands of tiny files in one folder: all read, counted, in order.
mkdir -p "$TMP/tiny"
python3 - "$TMP/tiny" <<'PY'
import sys
for i in range(5000):
    with open(f"{sys.argv[1]}/{i:05d}.json", "w") as f:
        f.write('{"Records":[{"eventTime":"2026-11-20T10:00:04Z","eventName":"Tiny%d"}]}' % i)
PY
run_tw cat -j2 "$TMP/tiny"
expect_eq "$status" 0 "tiny: exit status"
expect_eq "$(wc -l <"$TMP/out")" 5000 "tiny: records"
expect_eq "$(head -1 "$TMP/out" | grep -c Tiny0\")$(tail -1 "$TMP/out" | grep -c Tiny4999\")" 11 "tiny: order"
expect_contains "$TMP/err" "5000 inputs read"

# 5. Symlink loops, a FIFO and a device inside a folder: named, counted, skipped; no hang.
mkdir -p "$TMP/tree/sub"
{ record 2026-11-20T10:00:05Z InTree; echo; } >"$TMP/tree/sub/a.jsonl"
ln -s .. "$TMP/tree/sub/up"
ln -s self "$TMP/tree/self"
mkfifo "$TMP/tree/pipe.json"
ln -s /dev/zero "$TMP/tree/zero.json"
set +e
timeout 30 "$TW" cat "$TMP/tree" >"$TMP/out" 2>"$TMP/err"
status=$?
set -e
expect_eq "$status" 2 "tree: exit status (loops are path errors)"
expect_eq "$(grep -c InTree "$TMP/out")" 1 "tree: the one record, once"
expect_contains "$TMP/err" "folder already visited (symlink loop or duplicate); skipped"
expect_contains "$TMP/err" "self: Too many levels of symbolic links"
expect_contains "$TMP/err" "2 special files (FIFO, socket, device)"

# 6. A FIFO or a device named on the command line is read as a stream.
mkfifo "$TMP/named.fifo"
{ record 2026-11-20T10:00:06Z ThroughFifo; echo; } >"$TMP/named.fifo" &
run_tw cat "$TMP/named.fifo"
wait
expect_eq "$status" 0 "named FIFO: exit status"
expect_contains "$TMP/out" '"eventName":"ThroughFifo"'
run_tw cat /dev/zero
expect_eq "$status" 2 "/dev/zero: exit status"
expect_contains "$TMP/err" "/dev/zero: byte 0: not JSON"

# 7. A file that grows while it is read: every record seen is whole and counted.
: >"$TMP/grow.jsonl"
( for i in $(seq 1 300); do record 2026-11-20T10:00:07Z "Grow$i" >>"$TMP/grow.jsonl"; echo >>"$TMP/grow.jsonl"; done ) &
writer=$!
for _ in 1 2 3; do
  run_tw cat "$TMP/grow.jsonl"
  [ "$status" -le 2 ] || fail "grow: exit status $status"
  python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/out" || fail "grow: a partial record was printed"
  n=$(wc -l <"$TMP/out")
  grep -q "records read = $n emitted + " "$TMP/err" || { cat "$TMP/err" >&2; fail "grow: counts"; }
done
wait "$writer"

# 8. A file cut short while it is read (truncate to a third, again and again).
for i in $(seq 1 2000); do record 2026-11-20T10:00:08Z "Shrink$i"; echo; done >"$TMP/shrink.jsonl"
( for _ in 1 2 3 4 5; do truncate -s 200000 "$TMP/shrink.jsonl"; sleep 0.01; done ) &
run_tw cat "$TMP/shrink.jsonl"
wait
[ "$status" -le 2 ] || fail "shrink: exit status $status"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/out" || fail "shrink: a partial record was printed"
n=$(wc -l <"$TMP/out")
grep -qE "records read = $n emitted \+ [0-9]+ rejected" "$TMP/err" || { cat "$TMP/err" >&2; fail "shrink: counts"; }
echo "hostile_files: ok"
