#!/usr/bin/env bash
# verify: a bucket download made by tests/tools/make_digest_folder.py (signed
# with keys made by `openssl`) is all valid; then each kind of tampering, on a
# fresh copy, is reported as exactly that finding (kind and file), exit 1.
source "$(dirname "$0")/common.sh"
command -v openssl >/dev/null || skip "openssl is not installed"
gen=$ROOT/tests/tools/make_digest_folder.py

python3 "$gen" "$TMP/ok" >/dev/null
run_tw verify "$TMP/ok/bucket"
expect_eq "$status" 0 "exit status, valid folder"
expect_contains "$TMP/out" "no problem found: 10 digests, 22 log files valid; signatures not checked (no --public-keys)"
expect_not_contains "$TMP/out" "all valid"
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
    if f["kind"] == "log_unverified":  # notes, not findings
        continue
    assert set(f) == {"kind", "account", "region", "file", "expected", "actual", "digest", "message"}, f
    got.append((f["kind"], os.path.relpath(f["file"], os.path.join(root, "bucket"))))
if sorted(got) != want:
    print("expected:", want, "\ngot:", sorted(got), file=sys.stderr)
    sys.exit(1)
PY
done

# Attacks by someone who can write to the bucket but not sign (tests/tools/verify_attacks.py).
# A digest whose signature cannot be checked proves nothing: what only it lists
# is "unverified", and the report never says "all valid" then.
attacks=$ROOT/tests/tools/verify_attacks.py
pub=$TMP/ok/keys/public-keys.json
for attack in forged-backfill:1 forged-trail:1 append-head:1 head-nosig:3; do
  python3 "$attacks" "$TMP/ok" "$TMP/$attack" "${attack%%:*}"
  run_tw verify "$TMP/$attack/bucket" --public-keys "$pub"
  expect_eq "$status" 0 "${attack%%:*}: exit status (nothing proven wrong)"
  expect_contains "$TMP/out" ", ${attack##*:} unverified (listed in no digest that could be checked"
  expect_not_contains "$TMP/out" "all valid"
  expect_eq "$(grep -c '^log_unverified 111122223333 us-east-1 ' "$TMP/out")" "${attack##*:}" "${attack%%:*}: unverified lines"
  [[ $attack == head-nosig* ]] || expect_contains "$TMP/out" "_EVIL.json.gz: listed only in digests that cannot vouch for it"
done
# Files readers would read, with names CloudTrail never writes: each named.
python3 "$attacks" "$TMP/ok" "$TMP/odd" odd-names
run_tw verify "$TMP/odd/bucket" --public-keys "$pub" --format jsonl
expect_eq "$status" 1 "odd names: exit status"
expect_eq "$(grep -c '"kind":"log_not_covered"' "$TMP/out")" 3 "odd names: findings"
for name in evil.json.gz _nostamp_EVIL.json.gz _20991231T2359Z_EVIL.json.gz; do expect_contains "$TMP/out" "$name"; done
# A listed key that leaves the folder is never opened.
echo "secret outside the bucket" >"$TMP/secret.txt"
python3 "$attacks" "$TMP/ok" "$TMP/trav" traversal "$TMP/secret.txt"
run_tw verify "$TMP/trav/bucket" --public-keys "$pub"
expect_eq "$status" 1 "traversal: exit status"
expect_contains "$TMP/out" "lists a log file outside the bucket"
expect_not_contains "$TMP/out" "$(sha256sum "$TMP/secret.txt" | cut -c1-64)"
# The newest digest deleted with its log files: only --end can tell. Without
# keys a chain may end up to 90 minutes before --end; with keys (strict, see
# verify_attacks.sh) no time up to --end may be left unsigned.
python3 "$attacks" "$TMP/ok" "$TMP/dh" delete-head
run_tw verify "$TMP/dh/bucket" --end 2026-11-20T04:30:00Z
expect_eq "$status" 0 "deleted head, no keys, --end within an hour of the newest: nothing to say"
run_tw verify "$TMP/dh/bucket" --end 2026-11-20T06:00:00Z
expect_eq "$status" 1 "deleted head, no keys, later --end: exit status"
run_tw verify "$TMP/dh/bucket" --public-keys "$pub" --end 2026-11-20T06:00:00Z
expect_eq "$status" 1 "deleted head, later --end: exit status"
expect_contains "$TMP/out" "digest_gap 111122223333 us-east-1 -: no digest of trail management-events after 2026-11-20T04:00:31Z up to --end 2026-11-20T06:00:00Z"

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
expect_not_contains "$TMP/out" "digest_missing"  # it is there, only unreadable
echo "verify: ok"
