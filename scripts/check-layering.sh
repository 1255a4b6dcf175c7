#!/usr/bin/env bash
# check-layering.sh: the include direction of the pipeline (docs/architecture.md).
# Each folder of src/ (and each public header of include/trailwatch/) belongs
# to a stage with a rank; a file may include headers of its own stage or of a
# lower rank, never of a higher one, so that the data path reads
# input -> event -> pattern -> metric -> alarm -> output in the tree and a
# lower stage can be reused (by verify, by merge) without the higher ones.
set -euo pipefail
cd "$(dirname "$0")/.."

# stage rank: lower stages know nothing of higher ones.
declare -A rank=(
  [util]=0 [input]=1 [event]=2 [pattern]=3 [sigma]=4 [ruleset]=5 [metric]=6 [alarm]=7
  [state]=8 [partial]=8 [output]=9 [report]=10 [hooks]=10 [verify]=10 [pipeline]=11
  [commands]=12 [cli]=13
)
# public headers: the stage each belongs to.
declare -A header_stage=(
  [status.h]=util [time.h]=util [escape.h]=util [input.h]=input [byte_source.h]=input
  [record.h]=event [pattern.h]=pattern [sigma.h]=sigma [rules.h]=ruleset [alarm.h]=alarm
  [verify.h]=verify [pipeline.h]=pipeline
)

stage_of() {  # PATH -> stage of a src/ file or a public header, or "" if unknown
  case "$1" in
    src/main.cpp) echo cli ;;
    src/*/*) local d=${1#src/}; echo "${d%%/*}" ;;
    include/trailwatch/*|trailwatch/*) echo "${header_stage[${1##*/}]:-}" ;;
  esac
}

status=0
while IFS= read -r f; do
  from=$(stage_of "$f")
  [ -n "$from" ] || continue
  from_rank=${rank[$from]:-}
  if [ -z "$from_rank" ]; then
    echo "layering: $f: folder '$from' has no rank (add it to scripts/check-layering.sh)"
    status=1
    continue
  fi
  while IFS= read -r inc; do
    to=$(stage_of "$inc")
    [ -z "$to" ] && [[ "$inc" == trailwatch/* ]] && [ "$inc" != trailwatch/version.h ] && {
      echo "layering: $f includes $inc, a public header with no stage"
      status=1
      continue
    }
    [ -n "$to" ] || continue
    to_rank=${rank[$to]:-}
    [ -n "$to_rank" ] || continue
    if [ "$to_rank" -gt "$from_rank" ]; then
      echo "layering: $f ($from) includes $inc ($to): a lower stage must not include a higher one"
      status=1
    fi
  done < <(sed -n 's@^#include "\([^"]*\)".*@\1@p' "$f" | sed '/^trailwatch\//!s@^\([a-z_]*/[a-z_]*\.h\)$@src/\1@')
done < <(git ls-files 'src/*.cpp' 'src/*.h' 'include/trailwatch/*.h')
exit $status
