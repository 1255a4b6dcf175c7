#!/usr/bin/env bash
# run-tests.sh: the whole test suite, as CI runs it.
#   1. gcc, RelWithDebInfo, warnings as errors: build, then every test (ctest)
#   2. clang, ASan + UBSan: build, then every test again, plus a short run of
#      each libFuzzer target (tests/fuzz)
#   3. clang, ThreadSanitizer: build the binary, then every end-to-end test
#      (each command runs with -j workers); any race report fails the suite
#   4. static checks: cppcheck and clang-tidy on src/, zero findings
#   5. lint: whitespace, file size, role comments
# Build folders: build-ci/, build-asan/, build-tsan/ (kept, so re-runs are incremental).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

echo "== gcc build (warnings are errors)"
cmake -S . -B build-ci -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRAILWATCH_WERROR=ON \
  -DCMAKE_CXX_COMPILER=g++ >/dev/null
cmake --build build-ci -j "$jobs"
ctest --test-dir build-ci --output-on-failure -j "$jobs"

echo "== clang build with AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
  -DTRAILWATCH_SANITIZE=ON -DTRAILWATCH_FUZZ=ON -DTRAILWATCH_WERROR=ON -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== clang build with ThreadSanitizer: end-to-end tests"
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRAILWATCH_TSAN=ON \
  -DTRAILWATCH_WERROR=ON -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build-tsan -j "$jobs" --target trailwatch
tsan_logs=$(mktemp -d)
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$tsan_logs/tsan" \
  ctest --test-dir build-tsan -R '^cli\.' --output-on-failure -j "$jobs"
if compgen -G "$tsan_logs/tsan*" >/dev/null; then
  cat "$tsan_logs"/tsan* >&2
  echo "ThreadSanitizer reported the races above" >&2
  exit 1
fi
rm -rf "$tsan_logs"

echo "== static checks: cppcheck, clang-tidy"
scripts/static-checks.sh build-asan

echo "== lint"
scripts/lint.sh
echo "== all tests passed"
