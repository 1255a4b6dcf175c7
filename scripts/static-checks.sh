#!/usr/bin/env bash
# static-checks.sh [BUILD_DIR]: cppcheck and clang-tidy on src/, zero findings.
#   cppcheck: warning, performance and portability checks (--error-exitcode).
#   clang-tidy: the checks agreed in .clang-tidy (bugprone, clang-analyzer
#   core/cplusplus/unix, performance), warnings are errors. It needs the
#   compile commands of a clang build (default build-asan/, which
#   run-tests.sh configures before calling this).
# A finding that is wrong is silenced where it is, with a comment saying why
# (// cppcheck-suppress ID, // NOLINT(check)), never here.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
[ -f "$build/compile_commands.json" ] || { echo "static-checks: no $build/compile_commands.json (configure a clang build first)" >&2; exit 2; }

echo "-- cppcheck $(cppcheck --version | awk '{print $2}')"
cppcheck --enable=warning,performance,portability --inline-suppr --quiet --error-exitcode=1 \
  --std=c++20 -I include -I src --suppress=missingIncludeSystem -j "$(nproc)" src/

echo "-- clang-tidy ($(clang-tidy --version | awk '/version/ {print $NF; exit}'))"
# run-clang-tidy exits non-zero on any finding (WarningsAsErrors in .clang-tidy).
mapfile -t sources < <(git ls-files 'src/*.cpp' 2>/dev/null || find src -name '*.cpp')
run-clang-tidy -p "$build" -j "$(nproc)" -quiet "${sources[@]/#/$PWD/}" >"$build/clang-tidy.log" 2>&1 || {
  sed 's/\x1b\[[0-9;]*m//g' "$build/clang-tidy.log" | grep -E -A3 '(error|warning):' | grep -v 'warnings generated' >&2
  echo "static-checks: clang-tidy found problems (full log: $build/clang-tidy.log)" >&2
  exit 1
}
echo "-- static checks: no findings"
