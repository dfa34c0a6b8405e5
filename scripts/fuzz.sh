#!/bin/sh
# fuzz.sh SECONDS - builds every tests/fuzz/fuzz_*.c with clang-14 libFuzzer +
# ASan + UBSan and runs each for SECONDS on a scratch copy of its corpus
# (tests/fuzz/corpus/<name>/), so runs never write into the repository.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
out=build-fuzz
mkdir -p $out
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE -Isrc"
libs="$(pkg-config --libs jansson libsodium)"
lib_src="src/lib/arena.c src/lib/buf.c src/lib/form.c src/lib/tmpl.c src/lib/i18n.c src/web/route.c src/core/person.c src/core/dates.c src/core/datafile.c src/core/instrument.c src/core/evaluation.c"
rc=0
for f in tests/fuzz/fuzz_*.c; do
  name=$(basename "$f" .c); name=${name#fuzz_}
  bin=$out/fuzz_$name
  clang-14 $cflags "$f" $lib_src $libs -o "$bin"
  work=$(mktemp -d)
  [ -d tests/fuzz/corpus/$name ] && cp -r tests/fuzz/corpus/$name/. "$work/"
  echo "fuzz: $name for ${secs}s"
  if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
       -artifact_prefix="$out/crash-$name-" "$work" >"$out/$name.log" 2>&1; then
    echo "fuzz: $name FAILED (see $out/$name.log and $out/crash-$name-*)"
    tail -30 "$out/$name.log"
    rc=1
  fi
  rm -rf "$work"
done
exit $rc
