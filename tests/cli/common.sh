# common.sh: sourced by every end-to-end test. Usage: test.sh TRAILWATCH REPO_ROOT
# Gives: $TW (the binary), $ROOT (the repo), $TMP (a fresh folder, removed at
# exit), $SHARED (../shared next to the repo, if present), and helpers.
set -euo pipefail
TW=$(realpath "$1")
ROOT=$(realpath "$2")
SHARED=${TRAILWATCH_SHARED:-$ROOT/../shared}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skipped: $*"; exit 0; }

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() { [ "$1" == "$2" ] || fail "$3: expected '$2', got '$1'"; }

# expect_contains FILE TEXT: FILE holds TEXT (fixed string)
expect_contains() { grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "$1 lacks: $2"; }; }
expect_not_contains() { ! grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "$1 has: $2"; }; }

# run_tw ARGS...: runs trailwatch with stdout in $TMP/out, stderr in $TMP/err, status in $status
run_tw() {
  set +e
  "$TW" "$@" >"$TMP/out" 2>"$TMP/err"
  status=$?
  set -e
}

# gz FILE: gzip FILE in place (FILE.gz), deterministic
gz() { gzip -n -f "$1"; }

# record TIME NAME: one CloudTrail-looking record on one line
record() {
  printf '{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","userName":"alice"},"eventTime":"%s","eventSource":"ec2.amazonaws.com","eventName":"%s","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","eventID":"%s-%s"}' "$1" "$2" "$2" "$1"
}
