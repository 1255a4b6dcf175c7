#!/usr/bin/env bash
# Output write errors: a full disk (/dev/full as stdout) loses output, so every
# command exits 2 with one clear message; a closed pipe (| head) still ends
# the run quietly with status 0.
source "$(dirname "$0")/common.sh"
[ -w /dev/full ] || skip "/dev/full is not available"
samples=$ROOT/samples

# full ARGS...: runs trailwatch with stdout on /dev/full; exit 2 and exactly
# one "error writing to stdout" line on stderr are required.
full() {
  set +e
  "$TW" "$@" >/dev/full 2>"$TMP/err" </dev/null
  status=$?
  set -e
  expect_eq "$status" 2 "exit status of '$*' with stdout on /dev/full"
  expect_eq "$(grep -c 'error writing to stdout: No space left on device' "$TMP/err")" 1 \
    "one write error message for '$*'"
}

full cat "$samples"
full cat -j1 "$samples"
full cat -q "$samples"
full grep '{ $.eventName = ConsoleLogin }' "$samples"
full grep --format text '{ $.eventName = ConsoleLogin }' "$samples"
full grep -c '{ $.eventName = ConsoleLogin }' "$samples"
full grep -l '{ $.eventName = ConsoleLogin }' "$samples"
full test-pattern 'ERROR' 'ERROR one' 'INFO two'
full test-pattern --format jsonl 'ERROR' 'ERROR one'
printf 'ERROR one\nINFO two\n' >"$TMP/messages"
set +e
"$TW" test-pattern 'ERROR' <"$TMP/messages" >/dev/full 2>"$TMP/err"
status=$?
set -e
expect_eq "$status" 2 "test-pattern from stdin with stdout on /dev/full"
full rules list
full rules list --filters
full rules list --format jsonl
full rules test
full scan "$samples"
full scan --format jsonl "$samples"
full scan --format csv "$samples"
full --help
full cat --help
full --version
if command -v openssl >/dev/null; then
  python3 "$ROOT/tests/tools/make_digest_folder.py" "$TMP/digests" >/dev/null
  full verify "$TMP/digests/bucket"
  python3 "$ROOT/tests/tools/make_digest_folder.py" "$TMP/tampered" --tamper delete-log \
    --keys-from "$TMP/digests/private" >/dev/null
  full verify --format jsonl "$TMP/tampered/bucket"
  full verify "$TMP/tampered/bucket"
fi

# stderr full as well: no message can be written, the exit status still
# says the run failed (fmt::print used to throw and abort here).
for args in "rules list" "cat $samples" "grep -c ConsoleLogin $samples" "test-pattern x x"; do
  set +e
  # shellcheck disable=SC2086
  "$TW" $args >/dev/full 2>/dev/full
  st=$?
  set -e
  expect_eq "$st" 2 "'$args' with stdout and stderr on /dev/full"
done
# stdout closed, or open read-only: also a write error.
set +e
"$TW" test-pattern x x >&- 2>"$TMP/err"
st=$?
set -e
expect_eq "$st" 2 "test-pattern with stdout closed"
expect_contains "$TMP/err" "error writing to stdout: Bad file descriptor"

# A closed pipe is not an error: the reader asked for no more.
set +e
"$TW" cat "$samples" 2>"$TMP/err" | head -c 1 >/dev/null
st=${PIPESTATUS[0]}
set -e
expect_eq "$st" 0 "status of cat after | head -c 1"
expect_not_contains "$TMP/err" "error writing"
