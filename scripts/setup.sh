#!/bin/sh
# setup.sh [run|test] - installs what filet needs on Debian 12 and is quiet
# when everything is there already. Debian packages come from apt (as root,
# or through sudo); npm packages are pinned in package-lock.json.
set -eu
cd "$(dirname "$0")/.."
what=${1:-test}

run_pkgs="make gcc libc6-dev pkg-config libmicrohttpd-dev libsqlite3-dev libsodium-dev
  liboath-dev libjansson-dev libcmark-dev libqrencode-dev libcurl4-openssl-dev gettext
  ca-certificates sqlite3 tzdata"
test_pkgs="$run_pkgs libcmocka-dev clang-14 libclang-rt-14-dev llvm-14 cppcheck wrk chromium curl
  procps"
[ "$what" = run ] && pkgs=$run_pkgs || pkgs=$test_pkgs

missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node may come from Debian (nodejs, npm) or elsewhere; only add what is absent.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""
  elif command -v sudo >/dev/null 2>&1; then sudo=sudo
  else echo "setup: these Debian packages are missing and I am not root:$missing" >&2; exit 1
  fi
  echo "setup: installing Debian packages:$missing"
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing >/dev/null
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
fi
