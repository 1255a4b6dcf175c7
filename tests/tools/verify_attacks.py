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
  no-digests       delete every CloudTrail-Digest/ folder (digests and .sig sidecars)
  hide-digests     rename CloudTrail-Digest/ to .CloudTrail-Digest/ (hidden: no reader looks there)
  rename-digests   rename CloudTrail-Digest/ to CloudTrail-Digest-old/
  unsign-middle    drop every .sig; set the newest digest's previousDigestSignature to null; rewrite the
                   digest before it without its first log file (deleted) and recompute the newest
                   digest's previousDigestHashValue: nothing signed covers that hour any more
  fake-restart     drop every .sig; delete the digest before the newest with its log files; make the
                   newest a starting digest (previousDigest* null), as if logging had been restarted
  widen-restart    (on a folder made with --restart) delete the last digest before the restart, its
                   .sig and its log files: the gap grows past what --accept-restart acknowledged
  misplaced        a us-east-1 log file copied into eu-west-1's folder; a log file named for another
                   account in this account's folder
  hidden-places    log files readers read where CloudTrail never writes them: outside CloudTrail/,
                   under other case spellings, under CloudTrail-Insight/ (Insights name and other)
  forged-insight   an Insights log file (a name CloudTrail writes under CloudTrail-Insight/)
  future-digest    a digest after the newest, named for 2099, linked to it with the newest's .sig
                   as its previousDigestSignature, listing a log file named for 2099
  forged-cover     delete CloudTrail-Digest/ and plant one unsigned digest per region (no log files)
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
        f.write(gzip.compress(data, mtime=0) if key.endswith(".gz") else data)


def hourly_digests(region):
    keys = sorted(os.path.relpath(p, B) for p in glob.glob(f"{B}/{A}/CloudTrail-Digest/{region}/**/*.json.gz",
                                                            recursive=True))
    return [k for k in keys if not k.endswith("_backfill.json.gz")]


def new_log(name, folder=f"{A}/CloudTrail/us-east-1/2026/11/20"):
    key = f"{folder}/{name}"
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
elif kind in ("no-digests", "hide-digests", "rename-digests"):
    for path in glob.glob(f"{B}/AWSLogs/*/CloudTrail-Digest"):
        if kind == "no-digests":
            shutil.rmtree(path)
        else:
            os.rename(path, os.path.join(os.path.dirname(path), ".CloudTrail-Digest" if kind == "hide-digests"
                                         else "CloudTrail-Digest-old"))
elif kind in ("unsign-middle", "fake-restart"):
    for sig in glob.glob(f"{B}/**/*.sig", recursive=True):
        os.remove(sig)
    chain = hourly_digests("us-east-1")
    head, before = chain[-1], chain[-2]
    body = json.loads(read(head))
    victim = json.loads(read(before))
    if kind == "unsign-middle":
        gone = victim["logFiles"].pop(0)["s3Object"]
        os.remove(os.path.join(B, gone))
        write(before, json.dumps(victim).encode())
        body["previousDigestSignature"] = None
        body["previousDigestHashValue"] = hashlib.sha256(read(before)).hexdigest()
    else:
        for entry in victim["logFiles"]:
            os.remove(os.path.join(B, entry["s3Object"]))
        os.remove(os.path.join(B, before))
        for field in ("S3Bucket", "S3Object", "HashValue", "HashAlgorithm", "Signature"):
            body["previousDigest" + field] = None
    write(head, json.dumps(body).encode())
elif kind == "widen-restart":
    chain = hourly_digests("us-east-1")
    restart = next(k for k in chain if json.loads(read(k))["previousDigestS3Object"] is None and k != chain[0])
    last = chain[chain.index(restart) - 1]
    for entry in json.loads(read(last))["logFiles"]:
        os.remove(os.path.join(B, entry["s3Object"]))
    os.remove(os.path.join(B, last))
    os.remove(os.path.join(B, last + ".sig"))
elif kind == "misplaced":
    first = json.loads(read(hourly_digests("us-east-1")[0]))["logFiles"][0]["s3Object"]
    moved = first.replace("/CloudTrail/us-east-1/", "/CloudTrail/eu-west-1/")
    os.makedirs(os.path.dirname(os.path.join(B, moved)), exist_ok=True)
    shutil.copyfile(os.path.join(B, first), os.path.join(B, moved))
    new_log("999988887777_CloudTrail_us-east-1_20261120T0130Z_EVIL.json.gz")
elif kind == "hidden-places":
    new_log("evil.json", f"{A}")
    new_log(evil, "downloads")
    new_log(evil, f"{A}/cloudtrail/us-east-1/2026/11/20")
    new_log("evil.ndjson", f"{A}/CloudTrail/us-east-1/2026/11/20")
    new_log("evil.jsonl", f"{A}/CloudTrail-Insight/us-east-1/2026/11/20")
    new_log("evil.json.gz", f"{A}/cloudtrail-digest/us-east-1/2026/11/20")
elif kind == "forged-insight":
    new_log("111122223333_CloudTrail-Insight_us-east-1_20261120T0130Z_EVIL.json.gz",
            f"{A}/CloudTrail-Insight/us-east-1/2026/11/20")
elif kind == "future-digest":
    head = hourly_digests("us-east-1")[-1]
    with open(os.path.join(B, head + ".sig")) as f:
        signature = f.read().strip()
    forged_digest(f"{A}/CloudTrail-Digest/us-east-1/2099/12/31/111122223333_CloudTrail-Digest_us-east-1_"
                  "management-events_us-east-1_20991231T230031Z.json.gz", "2099-12-31T22:00:31Z",
                  "2099-12-31T23:00:31Z",
                  [new_log("111122223333_CloudTrail_us-east-1_20991231T2230Z_EVIL.json.gz",
                           f"{A}/CloudTrail/us-east-1/2099/12/31")],
                  {"previousDigestS3Bucket": "trailwatch-test-bucket", "previousDigestS3Object": head,
                   "previousDigestHashValue": hashlib.sha256(read(head)).hexdigest(),
                   "previousDigestHashAlgorithm": "SHA-256", "previousDigestSignature": signature})
elif kind == "forged-cover":
    shutil.rmtree(f"{B}/{A}/CloudTrail-Digest")
    for region in ("us-east-1", "eu-west-1"):
        forged_digest(f"{A}/CloudTrail-Digest/{region}/2026/11/20/111122223333_CloudTrail-Digest_{region}_"
                      f"management-events_us-east-1_20261120T000031Z.json.gz", "2026-11-19T23:00:31Z",
                      "2026-11-20T00:00:31Z", [])
else:
    sys.exit(f"unknown attack {kind}")
