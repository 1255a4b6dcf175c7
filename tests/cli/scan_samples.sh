#!/usr/bin/env bash
# `trailwatch scan samples/` with the built-in pack prints exactly the hits
# listed in samples/README.md ("Expected hits"): no more, no fewer; every
# alarm of the pack fires at least once; and wall-clock windows do not see the
# burst that straddles a 5-minute boundary (scenario 10).
source "$(dirname "$0")/common.sh"
readme=$ROOT/samples/README.md
awk '/^## Expected hits/ { on = 1 } on && /^```$/ { n++; next } on && n == 1 { print $1, $2, $3 }' "$readme" >"$TMP/expected"
[ -s "$TMP/expected" ] || fail "no expected hits in $readme"

run_tw scan -j2 "$ROOT/samples"
expect_eq "$status" 1 "exit status (hits)"
awk '{ print $1, $2, $4 }' "$TMP/out" >"$TMP/actual"
diff -u "$TMP/expected" "$TMP/actual" >&2 || fail "scan samples/ differs from samples/README.md"

# Every alarm of the pack fires.
"$TW" rules list --format jsonl | python3 -c 'import json,sys; print("\n".join(json.loads(l)["alarm"] for l in sys.stdin))' | sort >"$TMP/alarms"
awk '{ print $4 }' "$TMP/out" | sort -u >"$TMP/fired"
comm -23 "$TMP/alarms" "$TMP/fired" >"$TMP/silent"
[ ! -s "$TMP/silent" ] || { cat "$TMP/silent" >&2; fail "alarms that never fire on samples/"; }

# Scenario 10: carol's 4 failures around 10:00 alarm with sliding windows only.
grep -q '^2026-11-20T10:0[0-9]:00Z .* FailedConsoleLoginBurst ' "$TMP/out" || fail "sliding: no hit for scenario 10"
run_tw scan --window wallclock "$ROOT/samples"
if grep -q '^2026-11-20T10:0[0-9]:00Z .* FailedConsoleLoginBurst ' "$TMP/out"; then
  fail "wall-clock windows should not see scenario 10"
fi
