#!/bin/bash
# test.sh - every suite, in order: lint, build, C unit tests, catalogue
# check, black-box HTTP tests against the real binary, browser tests, the C
# and HTTP suites again under AddressSanitizer + UBSan, and a short fuzzing
# smoke run. Ends with one line "N passed, N failed" counting the tests of
# all suites (a stage without its own count, like lint, counts as one).
set -u
cd "$(dirname "$0")/.."
mkdir -p build/test-logs
passed=0; failed=0; failed_stages=""
jobs=$(nproc 2>/dev/null || echo 2)

# count LOG: adds the counts a stage's log reports (cmocka, node TAP).
count() {
  local p f
  p=$(grep -hoE '^\[  PASSED  \] [0-9]+' "$1" | awk '{s+=$4} END {print s+0}')
  f=$(grep -hoE '^\[  FAILED  \] [0-9]+' "$1" | awk '{s+=$4} END {print s+0}')
  p=$((p + $(grep -hE '^# pass [0-9]+' "$1" | awk '{s+=$3} END {print s+0}')))
  f=$((f + $(grep -hE '^# fail [0-9]+' "$1" | awk '{s+=$3} END {print s+0}')))
  echo "$p $f"
}

stage() {
  local name=$1; shift
  local log=build/test-logs/$name.log
  echo "=== $name"
  local start=$SECONDS
  "$@" >"$log" 2>&1
  local rc=$?
  read -r p f < <(count "$log")
  if [ "$p" = 0 ] && [ "$f" = 0 ]; then
    if [ $rc = 0 ]; then p=1; else f=1; fi
  elif [ $rc != 0 ] && [ "$f" = 0 ]; then
    f=1   # the runner failed without naming a test (crash, sanitizer report)
  fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ $rc = 0 ]; then
    echo "    ok: $p passed ($((SECONDS - start)) s)"
  else
    failed_stages="$failed_stages $name"
    echo "    FAILED ($((SECONDS - start)) s): last lines of $log"
    tail -40 "$log" | sed 's/^/    | /'
  fi
}

stage lint        make -s lint
stage build       make -s -j"$jobs" all
stage unit        make -s -j"$jobs" unit
stage po-check    make -s po-check
stage http        make -s http
stage browser     make -s browser
stage asan-build  make -s -j"$jobs" asan
stage asan-unit   make -s -j"$jobs" BUILD=build-asan SANITIZE=1 unit
stage asan-http   make -s BUILD=build-asan SANITIZE=1 http
stage fuzz-smoke  make -s fuzz-smoke

echo
[ -n "$failed_stages" ] && echo "failed stages:$failed_stages"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ -z "$failed_stages" ]
