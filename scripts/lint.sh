#!/bin/sh
# lint.sh - house rules (ENGINEERING.md): no banned string functions, no SQL
# outside src/store, and cppcheck over the sources.
set -u
cd "$(dirname "$0")/.."
rc=0
banned=$(grep -rnE '\b(sprintf|vsprintf|strcpy|strcat|atoi|atol|gets|strtok)[[:space:]]*\(' src tests/unit tests/fuzz 2>/dev/null)
if [ -n "$banned" ]; then
  echo "lint: banned functions (use snprintf, memcpy, strtol, strtok_r...):"
  echo "$banned"
  rc=1
fi
sql=$(grep -rlE '\bsqlite3_|\bPQexec' src | grep -v '^src/store/' || true)
if [ -n "$sql" ]; then
  echo "lint: SQL outside src/store/:"
  echo "$sql"
  rc=1
fi
if ! cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
     --inline-suppr --std=c11 -D_GNU_SOURCE -DFILET_VERSION='"lint"' -DFILET_SHAREDIR='"."' \
     -I src --suppress=missingIncludeSystem src 2>&1; then
  rc=1
fi
[ $rc = 0 ] && echo "lint: ok"
exit $rc
