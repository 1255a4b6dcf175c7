#!/usr/bin/env bash
# bench_sigma.sh CORPUS [BUILD_DIR]: PatternSet throughput (records/s on one core, walk + match,
# the corpus decompressed in memory first) with no rule, SigmaHQ's 57 CloudTrail rules, and those
# plus suzaku's ~740, then the same with the 100 CloudWatch patterns of patterns/pack100.txt in the
# set, and with 1000 and 10000 generated rules for event names the corpus does not have: the time
# per record does not grow with rules that cannot match the record.
# The Sigma rules are read from ../shared/data/sigma (or $TRAILWATCH_SHARED/data/sigma).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
corpus=${1:?usage: bench_sigma.sh CORPUS [BUILD_DIR]}
build=${2:-$here/../build}
shared=${TRAILWATCH_SHARED:-$here/../../shared}
sigma=$shared/data/sigma
[ -d "$sigma" ] || { echo "bench_sigma: no $sigma (set TRAILWATCH_SHARED)" >&2; exit 2; }
cmake --build "$build" --target sigma_bench >&2
hq=$sigma/sigmahq/rules/cloud/aws/cloudtrail
suzaku=$sigma/suzaku/suzaku/aws/cloudtrail
runs=${RUNS:-3}
"$build/sigma_bench" "$corpus" --runs "$runs" none= "SigmaHQ=$hq" "SigmaHQ+suzaku=$hq,$suzaku" \
  "1000 rules for absent event names=synthetic:1000" "10000 rules for absent event names=synthetic:10000" \
  "SigmaHQ+suzaku+10000 absent=$hq,$suzaku,synthetic:10000"
echo
"$build/sigma_bench" "$corpus" --runs "$runs" --cw "$here/patterns/pack100.txt" none= "SigmaHQ=$hq" \
  "SigmaHQ+suzaku=$hq,$suzaku"
