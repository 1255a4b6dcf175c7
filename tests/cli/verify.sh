#!/usr/bin/env bash
# verify: a bucket download made by tests/tools/make_digest_folder.py (signed
# with keys made by `openssl`) is all valid; then each kind of tampering, on a
# fresh copy, is reported as exactly that finding (kind and file), exit 1.
source "$(dirname "$0")/common.sh"
command -v openssl >/dev/null || skip "openssl is not installed"
"$TW" verify --help >/dev/null 2>&1 || skip "trailwatch verify is not in the CLI yet"
gen=$ROOT/tests/tools/make_digest_folder.py

python3 "$gen" "$TMP/ok" >/dev/null
run_tw verify "$TMP/ok/bucket"
expect_eq "$status" 0 "exit status, valid folder"
expect_contains "$TMP/out" "all valid: 10 digests, 22 log files (10 signatures not checked)"
expect_contains "$TMP/out" "111122223333 us-east-1: 6 digests (1 backfill); log files: 13 valid, 0 modified, 0 deleted, 0 not covered, 0 unverified"

# Every form of public key: list-public-keys JSON, PEM files, DER files.
for keys in keys/public-keys.json keys/pem keys/der; do
  run_tw verify "$TMP/ok/bucket" --public-keys "$TMP/ok/$keys" -j 1
  expect_eq "$status" 0 "exit status with $keys"
  expect_contains "$TMP/out" "all valid: 10 digests, 22 log files"
  expect_contains "$TMP/out" "signatures: 6 verified, 0 failed, 0 not checked"
  expect_contains "$TMP/out" "signatures: 4 verified, 0 failed, 0 not checked"
done
run_tw verify "$TMP/ok/bucket" --public-keys "$TMP/ok/keys/public-keys.json" --format jsonl
expect_eq "$status" 0 "exit status, jsonl"
expect_eq "$(cat "$TMP/out")" "" "no finding, no JSON line"
expect_contains "$TMP/err" "all valid"
# The account folder instead of the bucket root.
run_tw verify "$TMP/ok/bucket/AWSLogs/111122223333/"
expect_eq "$status" 0 "exit status, account folder"

# Each tampering on a fresh folder: exactly the findings expect.json names.
for kind in delete-log modify-log append-member inject-log delete-digest modify-digest move-digest wrong-key; do
  dir=$TMP/$kind
  python3 "$gen" "$dir" --tamper "$kind" --keys-from "$TMP/ok/private" >/dev/null
  keys=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["public_keys"])' "$dir/expect.json")
  run_tw verify "$dir/bucket" --public-keys "$dir/$keys" --format jsonl -j 2
  expect_eq "$status" 1 "exit status after $kind"
  python3 - "$dir" "$TMP/out" <<'PY' || fail "$kind: wrong findings"
import json, os, sys
root, out = sys.argv[1], sys.argv[2]
expect = json.load(open(os.path.join(root, "expect.json")))
want = sorted((f["kind"], f["file"]) for f in expect["findings"])
got = []
for line in open(out):
    f = json.loads(line)
    assert set(f) == {"kind", "account", "region", "file", "expected", "actual", "digest", "message"}, f
    got.append((f["kind"], os.path.relpath(f["file"], os.path.join(root, "bucket"))))
if sorted(got) != want:
    print("expected:", want, "\ngot:", sorted(got), file=sys.stderr)
    sys.exit(1)
PY
done

# The text report names the problem on one line, path included.
run_tw verify "$TMP/modify-log/bucket"
expect_eq "$status" 1 "exit status, text"
file=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["findings"][0]["file"])' "$TMP/modify-log/expect.json")
expect_contains "$TMP/out" "log_modified 111122223333 us-east-1 $TMP/modify-log/bucket/$file: modified"
expect_contains "$TMP/out" "1 problem found"

# Errors: exit 2.
run_tw verify "$TMP/ok/bucket" --public-keys "$TMP/nonexistent"
expect_eq "$status" 2 "exit status, missing key file"
expect_contains "$TMP/err" "--public-keys"
run_tw verify "$TMP/nonexistent"
expect_eq "$status" 2 "exit status, missing folder"
digest=$(find "$TMP/ok/bucket" -name '*T030031Z.json.gz' | head -1)
printf 'not gzip' >"$digest"
run_tw verify "$TMP/ok/bucket"
expect_eq "$status" 2 "exit status, corrupt digest"
expect_contains "$TMP/out" "digest_invalid"
echo "verify: ok"
