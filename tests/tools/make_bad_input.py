#!/usr/bin/env python3
"""make_bad_input.py: writes tests/data/bad-input/, one file per kind of broken
CloudTrail input we know (checked in; rerun only to add a kind). What trailwatch
must say about each is in tests/data/bad-input/EXPECTED.tsv, checked by
tests/cli/bad_input_corpus.sh."""
import gzip
import json
import os
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "data", "bad-input")
os.makedirs(out, exist_ok=True)


def rec(t, name, **extra):
    r = {"eventVersion": "1.09", "userIdentity": {"type": "IAMUser", "userName": "alice"}, "eventTime": t,
         "eventSource": "signin.amazonaws.com", "eventName": name, "awsRegion": "us-east-1",
         "sourceIPAddress": "203.0.113.7", "eventID": f"{name}-{t}"}
    r.update(extra)
    return json.dumps(r, separators=(",", ":"))


def doc(*records):
    return '{"Records":[' + ",".join(records) + "]}"


A, B, C = rec("2026-11-20T10:00:01Z", "Good1"), rec("2026-11-20T10:00:02Z", "Good2"), rec("2026-11-20T10:00:03Z", "Good3")


def gz(data):
    return gzip.compress(data.encode() if isinstance(data, str) else data, mtime=0)


files = {
    "empty.json": b"",
    "whitespace-only.json": "  \n\t\n",
    "not-json.json": "this is a log line, not JSON\n",
    "truncated-document.json": doc(A, B, C)[:len(doc(A, B)) - 30],
    "missing-event-time.json": doc(A, json.dumps({"eventVersion": "1.09", "eventName": "NoTime"}), B),
    "bad-event-time.json": doc(A, rec("yesterday", "BadTime"), rec("2026-13-45T99:00:00Z", "BadTime2"), B),
    "event-time-number.json": doc(A, rec(1763632801, "NumberTime"), B),
    "records-not-array.json": '{"Records":{"eventTime":"2026-11-20T10:00:01Z"}}',
    "records-null.json": '{"Records":null}',
    "record-not-object.json": doc("1", '"text"', "null", A),
    "missing-commas.json": '{"Records":[' + A + B + "," + C + "]}",
    "trailing-garbage.json": doc(A, B) + " garbage after the document",
    "unterminated-string.json": '{"Records":[' + A + ',{"eventTime":"2026-11-20T10:00:0',
    "lone-brace.json": "{",
    "deep-nesting.json": doc(A, '{"eventTime":"2026-11-20T10:00:04Z","requestParameters":' + "[" * 2000 + "]" * 2000 + "}", B),
    "raw-control-char.jsonl": A + "\n" + rec("2026-11-20T10:00:05Z", "Ctl").replace("alice", "al\x01ice") + "\n" + B + "\n",
    "nul-byte.jsonl": A + "\n" + rec("2026-11-20T10:00:05Z", "Nul")[:40] + "\x00" + "\n" + B + "\n",
    "truncated-last-line.jsonl": A + "\n" + B + "\n" + C[:50],
    "blank-and-crlf-lines.jsonl": A + "\r\n\r\n\n" + B + "\r\n",
    "invalid-utf8.jsonl": (A + "\n").encode() + rec("2026-11-20T10:00:06Z", "BadUtf8").encode().replace(b"alice", b"al\xff\xc3ice") + b"\n",
    "bom.json": "\ufeff" + doc(A, B),
    "pretty-printed-array.json": json.dumps([json.loads(A), json.loads(B)], indent=2),
    "cloudwatch-export-truncated.jsonl": "2026-11-20T10:00:01.000Z " + A + "\n2026-11-20T10:00:02.000Z " + B[:60] + "\n",
    "eventbridge-no-detail.json": json.dumps({"version": "0", "detail-type": "AWS API Call via CloudTrail",
                                              "source": "aws.signin", "time": "2026-11-20T10:00:01Z"}) + "\n",
    "not-cloudtrail.json": '{"name":"package.json","version":"1.0.0"}',
    "corrupt.json.gz": None,
    "truncated.json.gz": gz(doc(A, B, C))[:45],
    "gzip-then-garbage.json.gz": gz(doc(A, B)) + b"not gzip at all",
    "two-gzip-members.json.gz": gz(doc(A) + "\n") + gz(doc(B) + "\n"),
    "gzip-of-nothing.json.gz": gz(b""),
    "double-gzip.json.gz": gz(gz(doc(A))),
}
corrupt = bytearray(gz(doc(A, B, C)))
for i in range(20, 40):
    corrupt[i] ^= 0x5A
files["corrupt.json.gz"] = bytes(corrupt)

for name, data in files.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)
print(f"{len(files)} files in {out}")
