#!/bin/sh
# bench.sh - how much filet costs over a bare libmicrohttpd server.
#
#   make bench          (builds build/filet first)
#   sh scripts/bench.sh [BUILD_DIR]
#
# Serves, on 127.0.0.1 only:
#   (a) bare     tests/bench/bare.c: libmicrohttpd alone, in filet's MHD mode
#                (internal polling thread + epoll, pool of 4), answering with
#                a copy of filet's home page (same bytes, same size);
#   (b) home     filet's home page (template rendering, i18n, headers);
#   (c) healthz  filet's /healthz (a database ping).
# filet runs with a fresh temporary database (demo data), a fresh key and its
# default 4 threads. Each target gets `wrk -t2 -c32 -d10s --latency` after a
# 1 s warm-up. Prints requests/s, p50, p99 and the home/bare ratio.
# Exits non-zero if a server does not start or any answer is not 2xx/3xx.
# BENCH_DURATION (default 10s) changes the measured duration.
set -eu

cd "$(dirname "$0")/.."
BUILD=${1:-${BUILD:-build}}
BIN=$BUILD/filet
DURATION=${BENCH_DURATION:-10s}
HOST=127.0.0.1

die() { echo "bench: $*" >&2; exit 1; }

for tool in wrk curl cc pkg-config timeout; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (apt-get install $tool)"
done
[ -x "$BIN" ] || die "$BIN is missing: run make all first"
pkg-config --exists libmicrohttpd || die "libmicrohttpd development files are missing"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/filet-bench.XXXXXX")
FILET_PID=
BARE_PID=

# Stops one server: SIGTERM, up to 5 s, then SIGKILL.
stop_pid() {
    [ -n "$1" ] || return 0
    kill "$1" 2>/dev/null || return 0
    i=0
    while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -9 "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
cleanup() {
    stop_pid "$BARE_PID"
    stop_pid "$FILET_PID"
    BARE_PID=
    FILET_PID=
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Whether a child is still running (a dead, unreaped one is a zombie).
alive() {
    kill -0 "$1" 2>/dev/null || return 1
    [ ! -r "/proc/$1/stat" ] || ! sed 's/.*) //' "/proc/$1/stat" | grep -q '^Z'
}

# wait_port LOG PID NAME: the port from "listening on http://127.0.0.1:PORT"
# in LOG, within 15 s; fails if the process dies first.
wait_port() {
    i=0
    while [ $i -lt 150 ]; do
        port=$(sed -n "s|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p" "$1" | head -n 1)
        if [ -n "$port" ]; then
            echo "$port"
            return 0
        fi
        alive "$2" || { echo "bench: $3 exited at start:" >&2; cat "$1" >&2; return 1; }
        sleep 0.1
        i=$((i + 1))
    done
    echo "bench: $3 did not start within 15 s:" >&2
    cat "$1" >&2
    return 1
}

# The bare baseline.
mkdir -p "$BUILD/bench"
BARE=$BUILD/bench/bare
# shellcheck disable=SC2046
cc -std=c11 -O2 -Wall -Wextra -o "$BARE" tests/bench/bare.c \
    $(pkg-config --cflags --libs libmicrohttpd) -lpthread || die "cannot build $BARE"

# filet with a fresh database, demo data and key.
setup() { "$BIN" "$@" >/dev/null 2>>"$TMP/setup.log" || { cat "$TMP/setup.log" >&2; die "filet $1 failed"; }; }
setup keygen --out "$TMP/key" --json
setup init --db "$TMP/filet.db" --json
setup demo --db "$TMP/filet.db" --json
"$BIN" serve --db "$TMP/filet.db" --key "$TMP/key" --listen "$HOST:0" --demo \
    >"$TMP/filet.out" 2>"$TMP/filet.log" &
FILET_PID=$!
FILET_PORT=$(wait_port "$TMP/filet.log" "$FILET_PID" filet) || exit 1

# The page the bare server will serve: exactly what filet answers to wrk
# (no Accept-Language, no cookie: the French home page).
curl -sS -f --max-time 5 -o "$TMP/home.html" "http://$HOST:$FILET_PORT/" || die "cannot fetch filet's home page"
curl -sS -f --max-time 5 -o /dev/null "http://$HOST:$FILET_PORT/healthz" || die "filet's /healthz is not ok"
PAGE_BYTES=$(wc -c <"$TMP/home.html" | tr -d ' ')
[ "$PAGE_BYTES" -gt 0 ] || die "filet's home page is empty"

"$BARE" "$TMP/home.html" 0 >/dev/null 2>"$TMP/bare.log" &
BARE_PID=$!
BARE_PORT=$(wait_port "$TMP/bare.log" "$BARE_PID" bare) || exit 1
curl -sS -f --max-time 5 -o "$TMP/bare.html" "http://$HOST:$BARE_PORT/" || die "cannot fetch the bare page"
cmp -s "$TMP/home.html" "$TMP/bare.html" || die "the bare page differs from filet's home page"

FAILED=0
# run NAME URL: warm-up, then the measured wrk run into $TMP/NAME.txt.
run() {
    timeout 10 wrk -t2 -c32 -d1s "$2" >/dev/null 2>&1 || true
    if ! timeout 60 wrk -t2 -c32 -d"$DURATION" --latency "$2" >"$TMP/$1.txt" 2>&1; then
        echo "bench: wrk failed on $1 ($2):" >&2
        cat "$TMP/$1.txt" >&2
        FAILED=1
        return 0
    fi
    if grep -q 'Non-2xx or 3xx responses' "$TMP/$1.txt"; then
        echo "bench: $1 ($2) gave non-2xx/3xx answers:" >&2
        cat "$TMP/$1.txt" >&2
        FAILED=1
    fi
    if grep -q 'Socket errors' "$TMP/$1.txt"; then
        echo "bench: warning: $1: $(grep 'Socket errors' "$TMP/$1.txt" | sed 's/^ *//')" >&2
    fi
}
rps() { awk '/^Requests\/sec:/ { print $2 }' "$TMP/$1.txt"; }
pct() { awk -v p="$2%" '$1 == p { print $2; exit }' "$TMP/$1.txt"; }

echo "bench: $(nproc) CPUs; page $PAGE_BYTES bytes; wrk -t2 -c32 -d$DURATION on $HOST (servers and wrk share the machine)"
run bare "http://$HOST:$BARE_PORT/"
run home "http://$HOST:$FILET_PORT/"
run healthz "http://$HOST:$FILET_PORT/healthz"

printf '\n%-22s %12s %10s %10s\n' target 'requests/s' p50 p99
for t in bare home healthz; do
    case $t in
        bare) label="(a) bare MHD" ;;
        home) label="(b) filet /" ;;
        healthz) label="(c) filet /healthz" ;;
    esac
    printf '%-22s %12s %10s %10s\n' "$label" "$(rps $t)" "$(pct $t 50)" "$(pct $t 99)"
done
RATIO=$(awk -v b="$(rps home)" -v a="$(rps bare)" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "n/a" }')
printf '\nfilet home / bare MHD requests/s: %s\n' "$RATIO"

[ "$FAILED" -eq 0 ] || die "some requests failed (see above)"
