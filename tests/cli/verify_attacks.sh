#!/usr/bin/env bash
# verify under attack: someone who can write to the bucket (but cannot sign)
# deletes or hides the digests, strips signatures, fakes a chain restart, puts
# log files where verify did not look, or leaves the end of the range unsigned.
# Each attack (tests/tools/verify_attacks.py) must be a problem (exit 1), named.
source "$(dirname "$0")/common.sh"
command -v openssl >/dev/null || skip "openssl is not installed"
gen=$ROOT/tests/tools/make_digest_folder.py
attacks=$ROOT/tests/tools/verify_attacks.py

python3 "$gen" "$TMP/ok" >/dev/null
pub=$TMP/ok/keys/public-keys.json

# attack KIND [SRC]: a fresh attacked copy of SRC (default: the valid folder) in $TMP/KIND.
attack() { python3 "$attacks" "${2:-$TMP/ok}" "$TMP/$1" "$1"; }
# kinds: the sorted kinds of the findings in $TMP/out (jsonl), notes left out, one line.
kinds() {
  python3 -c 'import json,sys; print(" ".join(sorted(json.loads(l)["kind"] for l in open(sys.argv[1])
                if json.loads(l)["kind"] != "log_unverified")))' "$TMP/out"
}
# judged FOLDER: present log files the text report accounts for (valid, modified,
# not covered, unverified, unreadable), summed over its summary lines.
judged() {
  python3 - "$TMP/out" <<'PY'
import re, sys
n = 0
for line in open(sys.argv[1]):
    m = re.search(r"log files: (\d+) valid, (\d+) modified, \d+ deleted, (\d+) not covered, (\d+) unverified"
                  r"(?:, (\d+) unreadable)?", line)
    if m:
        n += sum(int(g or 0) for g in m.groups())
print(n)
PY
}
# read_by_cat FOLDER: how many files `trailwatch cat` reads there.
read_by_cat() {
  "$TW" cat "$1" 2>&1 >/dev/null | sed -n 's/^trailwatch: \([0-9]*\) inputs read.*/\1/p'
}

# --- 9. No digest at all is a problem; nothing to verify is an error. ---
for kind in no-digests hide-digests; do
  attack $kind
  run_tw verify "$TMP/$kind/bucket" --format jsonl
  expect_eq "$status" 1 "$kind: exit status"
  expect_eq "$(kinds)" "digest_none digest_none" "$kind: findings"
  expect_contains "$TMP/out" '"region":"eu-west-1"'
  run_tw verify "$TMP/$kind/bucket" --public-keys "$pub"
  expect_eq "$status" 1 "$kind with keys: exit status"
  expect_contains "$TMP/out" "digest_none 111122223333 us-east-1 -: 13 log files and no digest of this account and region"
  expect_not_contains "$TMP/out" "no problem found"
done
# One unsigned digest per region, planted where the real ones were deleted: with
# keys it vouches for nothing, so the account/region still has no digest.
attack forged-cover
run_tw verify "$TMP/forged-cover/bucket" --public-keys "$pub" --format jsonl
expect_eq "$status" 1 "forged-cover: exit status"
expect_eq "$(kinds)" "digest_none digest_none" "forged-cover: findings"
expect_contains "$TMP/out" "log files and no digest of this account and region that can be verified"
attack rename-digests
run_tw verify "$TMP/rename-digests/bucket" --format jsonl
expect_eq "$status" 1 "rename-digests: exit status"
expect_contains "$TMP/out" '"kind":"digest_moved"'
mkdir -p "$TMP/empty" "$TMP/other/sub"
run_tw verify "$TMP/empty"
expect_eq "$status" 2 "empty folder: exit status"
expect_contains "$TMP/err" "nothing to verify: no CloudTrail digest or log file"
expect_eq "$(cat "$TMP/out")" "" "empty folder: nothing on stdout"
echo "notes" >"$TMP/other/sub/README.txt"
run_tw verify "$TMP/other"
expect_eq "$status" 2 "folder of other files: exit status"
expect_contains "$TMP/err" "nothing to verify: no CloudTrail digest or log file in $TMP/other (1 other file)"
run_tw verify "$TMP/ok/bucket" --start 2027-01-01T00:00:00Z
expect_eq "$status" 2 "nothing in --start..--end: exit status"
expect_contains "$TMP/err" "nothing to verify from 2027-01-01T00:00:00Z"

# --- 10. A digest that cannot be verified is a problem; so is a chain restart. ---
attack unsign-middle
run_tw verify "$TMP/unsign-middle/bucket" --public-keys "$pub" --format jsonl
expect_eq "$status" 1 "unsign-middle: exit status"
expect_eq "$(kinds)" "signature_missing" "unsign-middle: findings"
expect_contains "$TMP/out" "_20261120T040031Z.json.gz\",\"expected\":null"
attack fake-restart
run_tw verify "$TMP/fake-restart/bucket" --public-keys "$pub"
expect_eq "$status" 1 "fake-restart: exit status"
expect_contains "$TMP/out" "chain_restart 111122223333 us-east-1 $TMP/fake-restart/bucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20261120T050031Z.json.gz: a new digest chain of trail management-events starts here although older digests exist: no digest covers 2026-11-20T03:00:31Z to 2026-11-20T04:00:31Z (1 hour)"
expect_contains "$TMP/out" "signature_missing 111122223333 us-east-1 $TMP/fake-restart/bucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20261120T030031Z.json.gz"
run_tw verify "$TMP/fake-restart/bucket" --format jsonl
expect_eq "$status" 1 "fake-restart without keys: exit status"
expect_eq "$(kinds)" "chain_restart" "fake-restart without keys: findings"

# A real restart (logging off for two hours): a problem until acknowledged, exactly.
python3 "$gen" "$TMP/rs" --restart 3:2 --keys-from "$TMP/ok/private" >/dev/null
span=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["restart"])' "$TMP/rs/expect.json")
expect_eq "$span" "2026-11-20T03:00:31Z/2026-11-20T05:00:31Z" "restart span"
run_tw verify "$TMP/rs/bucket" --public-keys "$TMP/rs/keys/public-keys.json"
expect_eq "$status" 1 "restart: exit status"
expect_contains "$TMP/out" "no digest covers 2026-11-20T03:00:31Z to 2026-11-20T05:00:31Z (2 hours)"
expect_contains "$TMP/out" "--accept-restart $span"
run_tw verify "$TMP/rs/bucket" --public-keys "$TMP/rs/keys/public-keys.json" --accept-restart "$span"
expect_eq "$status" 0 "accepted restart: exit status"
expect_contains "$TMP/out" "all valid: 10 digests, 22 log files"
run_tw verify "$TMP/rs/bucket" --public-keys "$TMP/rs/keys/public-keys.json" \
  --accept-restart 2026-11-20T00:00:00Z/2026-11-20T06:00:00Z --accept-restart 2025-01-01T00:00:00Z/2025-01-02T00:00:00Z
expect_eq "$status" 0 "restart inside a wider accepted span: exit status"
run_tw verify "$TMP/rs/bucket" --public-keys "$TMP/rs/keys/public-keys.json" \
  --accept-restart 2026-11-20T03:00:31Z/2026-11-20T04:00:31Z
expect_eq "$status" 1 "restart wider than the accepted span: exit status"
attack widen-restart "$TMP/rs"
run_tw verify "$TMP/widen-restart/bucket" --public-keys "$TMP/rs/keys/public-keys.json" --accept-restart "$span"
expect_eq "$status" 1 "accepted restart widened by deleting the digest before it: exit status"
expect_contains "$TMP/out" "no digest covers 2026-11-20T02:00:31Z to 2026-11-20T05:00:31Z (3 hours)"
for bad in 2026-11-20 2026-11-20T05:00:00Z/2026-11-20T03:00:00Z x/y; do
  run_tw verify "$TMP/rs/bucket" --accept-restart "$bad"
  expect_eq "$status" 2 "--accept-restart $bad: exit status"
  expect_contains "$TMP/err" "--accept-restart"
done

# --- 11. Every file a reader reads is judged; account and region from path and name. ---
attack misplaced
run_tw verify "$TMP/misplaced/bucket" --public-keys "$pub" --format jsonl
expect_eq "$status" 1 "misplaced: exit status"
expect_eq "$(kinds)" "log_misplaced log_misplaced" "misplaced: findings"
expect_contains "$TMP/out" "999988887777_CloudTrail_us-east-1_20261120T0130Z_EVIL.json.gz"
expect_contains "$TMP/out" "its name says account 111122223333 region us-east-1, its folder account 111122223333 region eu-west-1"
attack hidden-places
run_tw verify "$TMP/hidden-places/bucket" --public-keys "$pub" --format jsonl
expect_eq "$status" 1 "hidden-places: exit status"
expect_eq "$(kinds)" "$(echo log_not_covered{,,,,,})" "hidden-places: findings"
for f in AWSLogs/111122223333/evil.json downloads/111122223333_CloudTrail_us-east-1_20261120T0130Z_EVIL.json.gz \
         AWSLogs/111122223333/cloudtrail/us-east-1/2026/11/20/111122223333_CloudTrail_us-east-1_20261120T0130Z_EVIL.json.gz \
         AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/evil.ndjson \
         AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2026/11/20/evil.jsonl \
         AWSLogs/111122223333/cloudtrail-digest/us-east-1/2026/11/20/evil.json.gz; do
  expect_contains "$TMP/out" "\"file\":\"$TMP/hidden-places/bucket/$f\""
done
attack forged-insight
run_tw verify "$TMP/forged-insight/bucket" --public-keys "$pub" --format jsonl
expect_eq "$status" 0 "forged-insight: exit status (Insights files are unverified notes)"
expect_contains "$TMP/out" "_CloudTrail-Insight_us-east-1_20261120T0130Z_EVIL.json.gz\",\"expected\":null,\"actual\":null,\"digest\":null,\"message\":\"an Insights log file"
# A digest CloudTrail cannot have written yet (named for 2099) proves nothing.
attack future-digest
run_tw verify "$TMP/future-digest/bucket" --public-keys "$pub"
expect_eq "$status" 1 "future-digest: exit status"
expect_contains "$TMP/out" "_20991231T230031Z.json.gz: modified: its name says it ends at 2099-12-31T23:00:31Z, in the future"
# A symlinked folder (a local copy can hold one) of forged log files, and a FIFO
# where a listed log file was: judged (not covered; an error), never waited on.
cp -r "$TMP/ok" "$TMP/links"
mkdir -p "$TMP/elsewhere"
cp "$TMP/hidden-places/bucket/downloads/111122223333_CloudTrail_us-east-1_20261120T0130Z_EVIL.json.gz" "$TMP/elsewhere/"
ln -s "$TMP/elsewhere" "$TMP/links/bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/21"
run_tw verify "$TMP/links/bucket" --format jsonl
expect_eq "$status" 1 "symlinked folder of forged log files: exit status"
expect_eq "$(kinds)" "log_not_covered" "symlinked folder: findings"
listed=$(find "$TMP/links/bucket" -path '*CloudTrail/eu-west-1/*' -name '*.json.gz' | sort | head -1)
rm "$listed" && mkfifo "$listed"
run_tw verify "$TMP/links/bucket" --format jsonl
expect_eq "$status" 2 "a FIFO where a listed log file was: exit status"
expect_contains "$TMP/out" '"kind":"log_unreadable"'
# verify judges exactly the files `cat` (and so `scan`) reads, in every folder above.
for dir in ok no-digests hide-digests forged-cover rename-digests unsign-middle fake-restart rs misplaced hidden-places \
           forged-insight future-digest; do
  run_tw verify "$TMP/$dir/bucket"
  expect_eq "$(judged)" "$(read_by_cat "$TMP/$dir/bucket")" "$dir: files judged by verify = files read by cat"
done

# --- 12. With --public-keys and --end, nothing unverified up to --end passes. ---
run_tw verify "$TMP/ok/bucket" --public-keys "$pub" --end 2026-11-20T04:00:00Z
expect_eq "$status" 0 "valid folder, --end inside the signed digests: exit status"
expect_contains "$TMP/out" "all valid"
cp -r "$TMP/ok" "$TMP/nosig"
rm "$TMP/nosig/bucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20261120T050031Z.json.gz.sig"
run_tw verify "$TMP/nosig/bucket" --public-keys "$pub" --end 2026-11-20T04:30:00Z
expect_eq "$status" 1 "newest digest without its .sig, --end in its hour: exit status"
expect_contains "$TMP/out" "signature_missing 111122223333 us-east-1 $TMP/nosig/bucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20261120T050031Z.json.gz"
run_tw verify "$TMP/nosig/bucket" --public-keys "$pub" --end 2026-11-20T03:30:00Z
expect_eq "$status" 0 "newest digest without its .sig, --end before its hour: exit status"
run_tw verify "$TMP/nosig/bucket" --public-keys "$pub"
expect_eq "$status" 0 "newest digest without its .sig, no --end: exit status (unverified, not a problem)"
expect_contains "$TMP/out" "no problem found"
attack delete-head
run_tw verify "$TMP/delete-head/bucket" --public-keys "$pub" --end 2026-11-20T04:30:00Z --format jsonl
expect_eq "$status" 1 "deleted head, --end within an hour of the newest left: exit status"
expect_contains "$TMP/out" "no digest of trail management-events after 2026-11-20T04:00:31Z up to --end 2026-11-20T04:30:00Z"
for a in forged-backfill forged-trail forged-insight; do
  [[ -d $TMP/$a ]] || attack $a
  run_tw verify "$TMP/$a/bucket" --public-keys "$pub" --end 2026-11-20T03:00:00Z
  expect_eq "$status" 1 "$a with --end: exit status"
done
run_tw verify "$TMP/ok/bucket" --public-keys "$pub" --start 2026-11-19T22:00:00Z --end 2026-11-20T03:00:00Z
expect_eq "$status" 1 "--start before the first digest: exit status"
expect_contains "$TMP/out" "no digest of trail management-events from --start 2026-11-19T22:00:00Z to 2026-11-20T00:00:31Z"
echo "verify_attacks: ok"
