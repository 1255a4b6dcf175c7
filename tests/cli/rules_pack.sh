#!/usr/bin/env bash
# The built-in rule pack: loads without errors, every metric filter passes its
# examples (rules test), the copy on disk and the embedded copy agree.
source "$(dirname "$0")/common.sh"
run_tw rules test
expect_eq "$status" 0 "rules test (built-in)"
expect_contains "$TMP/out" " 0 failed"
run_tw rules test "$ROOT/rules"
expect_eq "$status" 0 "rules test (rules/ on disk)"
run_tw rules check "$ROOT/rules"
expect_eq "$status" 0 "rules check rules/"
"$TW" rules list --format jsonl >"$TMP/builtin"
"$TW" rules list --format jsonl "$ROOT/rules" | sed 's|"source":"[^"]*"||' >"$TMP/disk"
sed 's|"source":"[^"]*"||' "$TMP/builtin" >"$TMP/builtin.nosrc"
cmp -s "$TMP/builtin.nosrc" "$TMP/disk" || fail "the embedded pack differs from rules/ (rebuild?)"
python3 - "$TMP/builtin" <<'PY'
import json, sys
alarms = [json.loads(l) for l in open(sys.argv[1])]
assert len(alarms) >= 40, len(alarms)
for a in alarms:
    assert a["severity"] in ("low", "medium", "high", "critical"), a
    assert a["mitre_attack"].startswith("T"), a
    assert len(a["description"]) > 30, a
PY
# A failing example makes rules test fail: copy the pack, break one example.
cp -r "$ROOT/rules" "$TMP/rules"
f=$(ls "$TMP/rules/examples/"*.jsonl | head -1)
sed -i '0,/"expect": *"match"/s//"expect": "nomatch"/' "$f"
run_tw rules test "$TMP/rules"
expect_eq "$status" 1 "rules test with a wrong example"
grep -q '^FAIL ' "$TMP/out" || fail "no FAIL line"
