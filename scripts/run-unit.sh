#!/bin/sh
# run-unit.sh BUILD - runs every cmocka program under BUILD/tests from the
# repository root; exits non-zero if any fails.
set -u
cd "$(dirname "$0")/.."
rc=0
for t in "$1"/tests/test_*; do
  [ -x "$t" ] || continue
  echo "--- $t"
  "$t" || rc=1
done
exit $rc
