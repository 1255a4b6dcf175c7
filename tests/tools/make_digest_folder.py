#!/usr/bin/env python3
"""make_digest_folder.py: writes a small CloudTrail bucket download with log
file integrity validation on, for the `trailwatch verify` tests.

    make_digest_folder.py OUTDIR [--tamper KIND] [--hours N] [--logs-per-hour N]
                                 [--records-per-log N] [--keys-from DIR] [--restart H:GAP]

OUTDIR/bucket/     the download: AWSLogs/111122223333/CloudTrail/<region>/... log
                   files and CloudTrail-Digest/<region>/... digest files for a
                   multi-region trail (home us-east-1) in us-east-1 and
                   eu-west-1, hourly digests chained and signed as CloudTrail
                   does (one hour with no log file has a digest with
                   "logFiles": []), one backfill digest, and a <digest>.sig
                   sidecar (hex x-amz-meta-signature) for each chain's newest.
OUTDIR/keys/       the public keys: public-keys.json (as printed by `aws
                   cloudtrail list-public-keys`; us-east-1's Value is PKCS#1
                   DER, eu-west-1's is X.509 SubjectPublicKeyInfo), pem/<fp>.pem
                   and der/<fp>.der (both encodings again, crossed over).
OUTDIR/wrong-keys/ other RSA keys filed under the right fingerprints.
OUTDIR/private/    the private keys (one per region, as CloudTrail uses).
OUTDIR/expect.json what `trailwatch verify` must report: {"tamper": KIND,
                   "public_keys": "keys/public-keys.json", "findings":
                   [{"kind": ..., "file": path relative to OUTDIR/bucket}],
                   "digests": N, "logs": N}.

--restart H:GAP: logging of us-east-1 stops after its hour H-1 and starts again GAP
hours later: digest H is a starting digest (previousDigest* null), the last digest
before the restart keeps a .sig sidecar (as a user who saved it would), and
expect.json gets "restart": "<end of the last digest>/<start of the new chain>".

--tamper KIND, applied after everything is written (nothing else changes):
  delete-log      a log file is deleted                      -> log_missing
  modify-log      one byte of a log file's JSON changes, re-gzipped -> log_modified
  append-member   a second gzip member is appended to a log  -> log_trailing_data
  inject-log      a log file that no digest lists is added   -> log_not_covered
  delete-digest   a digest in the middle of a chain is deleted -> digest_missing
  modify-digest   one hashValue in a digest changes, re-gzipped -> digest_modified
  move-digest     a digest is moved one folder up            -> digest_moved
  wrong-key       expect.json names wrong-keys/: every signature fails -> signature_invalid

The digest format follows the AWS CloudTrail User Guide ("CloudTrail digest
file structure"); the signing recipe is the one in src/verify/verify.cpp. Keys
and signatures come from the `openssl` command: no Python crypto library.
Output is deterministic except for the keys and signatures.
"""
import argparse
import base64
import gzip
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone

ACCOUNT = "111122223333"
BUCKET = "trailwatch-test-bucket"
TRAIL = "management-events"
HOME = "us-east-1"
# region -> (first digest start, digests, hour index with no log file)
REGIONS = {"us-east-1": (datetime(2026, 11, 20, 0, 0, 31, tzinfo=timezone.utc), 5, 2),
           "eu-west-1": (datetime(2026, 11, 20, 0, 2, 47, tzinfo=timezone.utc), 4, 3)}
KINDS = ["delete-log", "modify-log", "append-member", "inject-log", "delete-digest", "modify-digest",
         "move-digest", "wrong-key"]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL).stdout


def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


class Key:
    """An RSA-2048 key pair made by `openssl genpkey`."""

    def __init__(self, path, reuse_dir=None):
        if reuse_dir:  # keys of an earlier run: RSA key generation is the slow part
            shutil.copyfile(os.path.join(reuse_dir, os.path.basename(path)), path)
        else:
            openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path)
        self.path = path
        self.spki_der = openssl("pkey", "-in", path, "-pubout", "-outform", "DER")
        self.spki_pem = openssl("pkey", "-in", path, "-pubout")
        self.pkcs1_der = openssl("rsa", "-in", path, "-RSAPublicKey_out", "-outform", "DER")
        self.pkcs1_pem = openssl("rsa", "-in", path, "-RSAPublicKey_out")
        # How AWS derives fingerprints is not documented; ours is MD5 of the PKCS#1 DER.
        self.fingerprint = hashlib.md5(self.pkcs1_der).hexdigest()

    def sign(self, message):
        """SHA256withRSA (RSASSA-PKCS1-v1_5 with SHA-256), as hex."""
        return openssl("dgst", "-sha256", "-sign", self.path, data=message).hex()


def record(rng, region, when, i):
    names = ["DescribeInstances", "GetObject", "AssumeRole", "ListBuckets", "PutObject", "ConsoleLogin"]
    return {
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDA" + "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", k=17)),
                         "arn": f"arn:aws:iam::{ACCOUNT}:user/alice", "accountId": ACCOUNT, "userName": "alice"},
        "eventTime": iso(when),
        "eventSource": "ec2.amazonaws.com",
        "eventName": names[i % len(names)],
        "awsRegion": region,
        "sourceIPAddress": f"203.0.113.{rng.randrange(1, 255)}",
        "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.debian.12",
        "requestParameters": {"maxResults": rng.randrange(5, 1000)},
        "responseElements": None,
        "requestID": "%08x-%04x-%04x-%04x-%012x" % tuple(rng.getrandbits(b) for b in (32, 16, 16, 16, 48)),
        "eventID": "%08x-%04x-%04x-%04x-%012x" % tuple(rng.getrandbits(b) for b in (32, 16, 16, 16, 48)),
        "readOnly": True,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }


def log_key(region, stamp, rng):
    unique = "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", k=16))
    return (f"AWSLogs/{ACCOUNT}/CloudTrail/{region}/{stamp:%Y/%m/%d}/"
            f"{ACCOUNT}_CloudTrail_{region}_{stamp:%Y%m%dT%H%MZ}_{unique}.json.gz")


def digest_key(region, end, backfill=False):
    suffix = "_backfill" if backfill else ""
    return (f"AWSLogs/{ACCOUNT}/CloudTrail-Digest/{region}/{end:%Y/%m/%d}/"
            f"{ACCOUNT}_CloudTrail-Digest_{region}_{TRAIL}_{HOME}_{end:%Y%m%dT%H%M%SZ}{suffix}.json.gz")


def make_log(bucket_dir, region, stamp, rng, records_per_log):
    key = log_key(region, stamp, rng)
    recs = [record(rng, region, stamp - timedelta(minutes=3, seconds=17 * i), i) for i in range(records_per_log)]
    content = json.dumps({"Records": recs}, separators=(",", ":")).encode()
    write(os.path.join(bucket_dir, key), gz(content))
    times = [r["eventTime"] for r in recs]
    return {"s3Bucket": BUCKET, "s3Object": key, "hashValue": hashlib.sha256(content).hexdigest(),
            "hashAlgorithm": "SHA-256", "newestEventTime": max(times), "oldestEventTime": min(times)}


def write_chain(bucket_dir, key, region, spans, backfill=False, restart=None):
    """Writes one chain of digests (spans: [(start, end, logFiles)], oldest first);
    the digest at index `restart` starts a new chain."""
    previous = None  # (key, uncompressed bytes, signature hex)
    written = []
    for index, (start, end, logs) in enumerate(spans):
        if index == restart:  # the old chain's last signature is S3 metadata: a sidecar keeps it
            write(os.path.join(bucket_dir, previous[0] + ".sig"), (previous[2] + "\n").encode())
            previous = None
        dkey = digest_key(region, end, backfill)
        times = [t for entry in logs for t in (entry["newestEventTime"], entry["oldestEventTime"])]
        body = {
            "awsAccountId": ACCOUNT,
            "digestStartTime": iso(start),
            "digestEndTime": iso(end),
            "digestS3Bucket": BUCKET,
            "digestS3Object": dkey,
            "digestPublicKeyFingerprint": key.fingerprint,
            "digestSignatureAlgorithm": "SHA256withRSA",
            "newestEventTime": max(times) if times else None,
            "oldestEventTime": min(times) if times else None,
            "previousDigestS3Bucket": BUCKET if previous else None,
            "previousDigestS3Object": previous[0] if previous else None,
            "previousDigestHashValue": hashlib.sha256(previous[1]).hexdigest() if previous else None,
            "previousDigestHashAlgorithm": "SHA-256" if previous else None,
            "previousDigestSignature": previous[2] if previous else None,
            "logFiles": logs,
        }
        data = json.dumps(body, separators=(",", ":")).encode()
        to_sign = "\n".join([iso(end), f"{BUCKET}/{dkey}", hashlib.sha256(data).hexdigest(),
                             previous[2] if previous else "null"]).encode()
        signature = key.sign(to_sign)
        write(os.path.join(bucket_dir, dkey), gz(data))
        previous = (dkey, data, signature)
        written.append(dkey)
    # The newest digest's own signature is S3 metadata: saved as a sidecar.
    write(os.path.join(bucket_dir, previous[0] + ".sig"), (previous[2] + "\n").encode())
    return written


def write_keys(out, keys, wrong):
    entries = []
    for region, key in keys.items():
        der = key.pkcs1_der if region == "us-east-1" else key.spki_der
        entries.append({"Value": base64.b64encode(der).decode(), "ValidityStartTime": "2026-01-01T00:00:00+00:00",
                        "ValidityEndTime": "2027-01-01T00:00:00+00:00", "Fingerprint": key.fingerprint})
        write(os.path.join(out, "keys", "pem", key.fingerprint + ".pem"),
              key.spki_pem if region == "us-east-1" else key.pkcs1_pem)
        write(os.path.join(out, "keys", "der", key.fingerprint + ".der"),
              key.spki_der if region == "us-east-1" else key.pkcs1_der)
        write(os.path.join(out, "wrong-keys", key.fingerprint + ".pem"), wrong.spki_pem)
    write(os.path.join(out, "keys", "public-keys.json"), json.dumps({"PublicKeyList": entries}, indent=4).encode())


def tamper(kind, bucket_dir, logs, digests, rng):
    """Applies KIND; returns the findings verify must report (kind, key)."""
    path = lambda key: os.path.join(bucket_dir, key)  # noqa: E731
    if kind == "delete-log":
        key = logs["us-east-1"][1][0]
        os.remove(path(key))
        return [("log_missing", key)]
    if kind == "modify-log":
        key = logs["us-east-1"][0][1]
        with gzip.open(path(key)) as f:
            content = bytearray(f.read())
        at = content.index(b"alice")
        content[at] = ord("b")  # alice -> blice, still valid JSON
        write(path(key), gz(bytes(content)))
        return [("log_modified", key)]
    if kind == "append-member":
        key = logs["eu-west-1"][0][0]
        forged = {"Records": [record(rng, "eu-west-1", datetime(2026, 11, 20, 0, 30, tzinfo=timezone.utc), 3)]}
        with open(path(key), "ab") as f:
            f.write(gz(json.dumps(forged, separators=(",", ":")).encode()))
        return [("log_trailing_data", key)]
    if kind == "inject-log":
        stamp = datetime(2026, 11, 20, 1, 35, tzinfo=timezone.utc)
        entry = make_log(bucket_dir, "us-east-1", stamp, rng, 2)
        return [("log_not_covered", entry["s3Object"])]
    if kind == "delete-digest":
        key = digests["us-east-1"][1]
        os.remove(path(key))
        return [("digest_missing", key)]
    if kind == "modify-digest":
        key = digests["us-east-1"][1]
        with gzip.open(path(key)) as f:
            body = json.loads(f.read())
        body["logFiles"][0]["hashValue"] = hashlib.sha256(b"forged").hexdigest()
        write(path(key), gz(json.dumps(body, separators=(",", ":")).encode()))
        return [("digest_modified", key)]
    if kind == "move-digest":
        key = digests["eu-west-1"][1]
        moved = os.path.dirname(os.path.dirname(key)) + "/" + os.path.basename(key)
        os.rename(path(key), path(moved))
        return [("digest_moved", moved)]
    if kind == "wrong-key":
        return [("signature_invalid", key) for region in sorted(digests) for key in digests[region]]
    raise SystemExit(f"unknown tamper kind {kind}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--tamper", choices=KINDS)
    ap.add_argument("--hours", type=int, default=0, help="digests per region (default: 5 and 4)")
    ap.add_argument("--logs-per-hour", type=int, default=3)
    ap.add_argument("--records-per-log", type=int, default=3)
    ap.add_argument("--keys-from", metavar="DIR", help="reuse the private keys in DIR (an earlier OUTDIR/private)")
    ap.add_argument("--restart", metavar="H:GAP", help="us-east-1's chain restarts at hour H after GAP hours off")
    args = ap.parse_args()
    restart_at, restart_gap = (int(x) for x in args.restart.split(":")) if args.restart else (None, 0)

    out = args.outdir
    for sub in ("bucket", "keys", "wrong-keys", "private"):
        shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
    bucket_dir = os.path.join(out, "bucket")
    os.makedirs(os.path.join(out, "private"), exist_ok=True)
    keys = {region: Key(os.path.join(out, "private", region + ".pem"), args.keys_from) for region in REGIONS}
    wrong = Key(os.path.join(out, "private", "wrong.pem"), args.keys_from)
    write_keys(out, keys, wrong)

    rng = random.Random(20261120)
    logs, digests, restart_span = {}, {}, None
    for region, (first, count, empty_hour) in REGIONS.items():
        count = args.hours or count
        spans, logs[region] = [], []
        restart = restart_at if region == "us-east-1" else None
        for h in range(count):
            start = first + timedelta(hours=h + (restart_gap if restart is not None and h >= restart else 0))
            end = start + timedelta(hours=1)
            if h == restart:
                restart_span = f"{iso(spans[-1][1])}/{iso(start)}"
            entries = []
            if h != empty_hour:
                for i in range(args.logs_per_hour):
                    stamp = (start + timedelta(minutes=10 + 15 * i)).replace(second=0)
                    entries.append(make_log(bucket_dir, region, stamp, rng, args.records_per_log))
            logs[region].append([e["s3Object"] for e in entries])
            spans.append((start, end, entries))
        digests[region] = write_chain(bucket_dir, keys[region], region, spans, restart=restart)
    # A backfill digest: a log file of us-east-1's first hour that a processing
    # delay kept out of the hourly digest. Its own chain, its own sidecar.
    start = REGIONS["us-east-1"][0]
    late = make_log(bucket_dir, "us-east-1", (start + timedelta(minutes=50)).replace(second=0), rng, 2)
    backfill = write_chain(bucket_dir, keys["us-east-1"], "us-east-1",
                           [(start, start + timedelta(hours=1), [late])], backfill=True)

    findings = []
    if args.tamper:
        all_digests = {r: list(d) for r, d in digests.items()}
        all_digests["us-east-1"] = all_digests["us-east-1"] + backfill
        findings = tamper(args.tamper, bucket_dir, logs, digests if args.tamper != "wrong-key" else all_digests, rng)
    expect = {
        "tamper": args.tamper,
        "public_keys": "wrong-keys" if args.tamper == "wrong-key" else "keys/public-keys.json",
        "findings": [{"kind": k, "file": f} for k, f in findings],
        "digests": sum(len(d) for d in digests.values()) + len(backfill),
        "logs": sum(len(h) for r in logs.values() for h in r) + 1,
    }
    if restart_span:
        expect["restart"] = restart_span
    write(os.path.join(out, "expect.json"), (json.dumps(expect, indent=2) + "\n").encode())
    print(f"{out}: {expect['digests']} digests, {expect['logs']} log files" +
          (f", tampered: {args.tamper}" if args.tamper else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
