#!/usr/bin/env python3
"""verify_attacks.py SRC DST KIND: copies a folder made by make_digest_folder.py
(with its .sig sidecars) to DST and attacks it the way someone who can write
to the bucket, but not sign, would. tests/cli/verify.sh checks what `trailwatch
verify` says about each.

  forged-backfill  inject a log file and an unsigned _backfill digest listing it
  forged-trail     the same with an hourly digest of a made-up trail
  head-nosig       drop the newest digest's .sig, rewrite it and one of its log files
  append-head      add a new newest digest after the real one (reusing the real .sig
                   as its previousDigestSignature) that lists an injected log file
  delete-head      delete the newest digest, its .sig and its log files
  odd-names        log files whose names CloudTrail never writes (readers read them)
  traversal        the newest digest (its .sig dropped) lists ../../<TARGET>
"""
import glob
import gzip
import hashlib
import json
import os
import shutil
import sys

src, dst, kind = sys.argv[1], sys.argv[2], sys.argv[3]
target = sys.argv[4] if len(sys.argv) > 4 else "/etc/hostname"
shutil.rmtree(dst, ignore_errors=True)
shutil.copytree(src, dst)
B = os.path.join(dst, "bucket")
A = "AWSLogs/111122223333"
DIGESTS = f"{A}/CloudTrail-Digest/us-east-1/2026/11/20"


def read(key):
    with gzip.open(os.path.join(B, key)) as f:
        return f.read()


def write(key, data):
    path = os.path.join(B, key)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(gzip.compress(data, mtime=0))


def hourly_digests(region):
    keys = sorted(os.path.relpath(p, B) for p in glob.glob(f"{B}/{A}/CloudTrail-Digest/{region}/**/*.json.gz",
                                                            recursive=True))
    return [k for k in keys if not k.endswith("_backfill.json.gz")]


def new_log(name):
    key = f"{A}/CloudTrail/us-east-1/2026/11/20/{name}"
    content = b'{"Records":[{"eventName":"DeleteTrail","eventTime":"2026-11-20T01:30:00Z"}]}'
    write(key, content)
    return key, hashlib.sha256(content).hexdigest()


def forged_digest(key, start, end, logs, previous=None):
    body = {"awsAccountId": "111122223333", "digestStartTime": start, "digestEndTime": end,
            "digestS3Bucket": "trailwatch-test-bucket", "digestS3Object": key,
            "digestPublicKeyFingerprint": "x", "digestSignatureAlgorithm": "SHA256withRSA",
            "previousDigestS3Bucket": None, "previousDigestS3Object": None, "previousDigestHashValue": None,
            "previousDigestHashAlgorithm": None, "previousDigestSignature": None,
            "logFiles": [{"s3Bucket": "trailwatch-test-bucket", "s3Object": k, "hashValue": h,
                          "hashAlgorithm": "SHA-256"} for k, h in logs]}
    body.update(previous or {})
    write(key, json.dumps(body).encode())


evil = "111122223333_CloudTrail_us-east-1_20261120T0130Z_EVIL.json.gz"
if kind == "forged-backfill":
    forged_digest(f"{DIGESTS}/111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_"
                  "20261120T020031Z_backfill.json.gz", "2026-11-20T01:00:31Z", "2026-11-20T02:00:31Z",
                  [new_log(evil)])
elif kind == "forged-trail":
    forged_digest(f"{DIGESTS}/111122223333_CloudTrail-Digest_us-east-1_other_us-east-1_20261120T020031Z.json.gz",
                  "2026-11-20T01:00:31Z", "2026-11-20T02:00:31Z", [new_log(evil)])
elif kind == "head-nosig":
    head = hourly_digests("us-east-1")[-1]
    os.remove(os.path.join(B, head + ".sig"))
    body = json.loads(read(head))
    entry = body["logFiles"][0]
    write(entry["s3Object"], b'{"Records":[]}')
    entry["hashValue"] = hashlib.sha256(b'{"Records":[]}').hexdigest()
    write(head, json.dumps(body).encode())
elif kind == "append-head":
    head = hourly_digests("us-east-1")[-1]
    with open(os.path.join(B, head + ".sig")) as f:
        signature = f.read().strip()
    forged_digest(f"{DIGESTS}/111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_"
                  "20261120T060031Z.json.gz", "2026-11-20T05:00:31Z", "2026-11-20T06:00:31Z",
                  [new_log("111122223333_CloudTrail_us-east-1_20261120T0510Z_EVIL.json.gz")],
                  {"previousDigestS3Bucket": "trailwatch-test-bucket", "previousDigestS3Object": head,
                   "previousDigestHashValue": hashlib.sha256(read(head)).hexdigest(),
                   "previousDigestHashAlgorithm": "SHA-256", "previousDigestSignature": signature})
elif kind == "delete-head":
    head = hourly_digests("us-east-1")[-1]
    for entry in json.loads(read(head))["logFiles"]:
        os.remove(os.path.join(B, entry["s3Object"]))
    os.remove(os.path.join(B, head))
    os.remove(os.path.join(B, head + ".sig"))
elif kind == "odd-names":
    new_log("evil.json.gz")
    new_log("111122223333_CloudTrail_us-east-1_nostamp_EVIL.json.gz")
    new_log("111122223333_CloudTrail_us-east-1_20991231T2359Z_EVIL.json.gz")
elif kind == "traversal":
    head = hourly_digests("us-east-1")[-1]
    os.remove(os.path.join(B, head + ".sig"))
    body = json.loads(read(head))
    body["logFiles"].append({"s3Bucket": "b", "s3Object": "../" * 12 + target.lstrip("/"), "hashValue": "00",
                             "hashAlgorithm": "SHA-256"})
    write(head, json.dumps(body).encode())
else:
    sys.exit(f"unknown attack {kind}")
