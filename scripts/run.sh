#!/bin/sh
# run.sh - the demo: a local database with demo data in var/, served on
# loopback. PORT=8090 ./dev run to change the port. Delete var/ to start over.
set -eu
cd "$(dirname "$0")/.."
port=${PORT:-8080}
mkdir -p var
chmod 700 var
[ -f var/filet.key ] || build/filet keygen --out var/filet.key
if [ ! -f var/filet.db ]; then
  build/filet init --db var/filet.db
  build/filet demo --db var/filet.db
  echo "(Only their hashes are kept: note the passwords now. rm -r var/ to start over.)"
fi
echo
echo "filet: open http://127.0.0.1:$port/ in your browser (Ctrl-C stops filet)"
echo
exec build/filet serve --db var/filet.db --key var/filet.key --listen "127.0.0.1:$port" --demo
