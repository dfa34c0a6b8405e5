#!/bin/sh
# po-check.sh - check that every translatable string has a translation.
#
#   sh scripts/po-check.sh              check po/fr.po and po/en.po
#   sh scripts/po-check.sh --pot FILE   only write the extracted template
#                                       (used by scripts/po-update.sh)
#
# Strings are extracted from src/**/*.c by xgettext (keywords _, N_, tr,
# i18n_get:3, i18n_nget:3,4) and from web/templates/*.html, where the tag is
# {{t "msgid" ...}} (the literal may use \" and \\ escapes, as in C). The
# check fails (exit 1, listing them) when a msgid is missing from po/fr.po or
# po/en.po, or is untranslated or fuzzy in po/fr.po (an empty msgstr in
# en.po is fine: the msgid is English already). Finally msgfmt --check is
# run on each catalogue. Run from anywhere; paths are relative to the
# repository root.
#
# Caveat: a {{t "..."}} tag split across lines is not seen.
set -eu

pot_only=
if [ $# -gt 0 ]; then
  if [ "$1" != "--pot" ] || [ $# -ne 2 ]; then
    echo "usage: $0 [--pot FILE]" >&2
    exit 2
  fi
  case $2 in
    /*) pot_only=$2 ;;
    *) pot_only=$(pwd)/$2 ;;
  esac
fi

cd "$(dirname "$0")/.."

tmp=$(mktemp -d "${TMPDIR:-/tmp}/po-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# Templates become C files of the same name and line count under $tmp, each
# line holding _("msgid"); per tag, so xgettext reports template locations.
files=$(find src -name '*.c' | LC_ALL=C sort)
for t in web/templates/*.html; do
  [ -f "$t" ] || continue
  mkdir -p "$tmp/$(dirname "$t")"
  awk '{
    line = $0; out = ""
    while (match(line, /[{][{][ \t]*t[ \t]*"([^"\\]|\\.)*"/)) {
      tag = substr(line, RSTART, RLENGTH)
      out = out "_(" substr(tag, index(tag, "\"")) ");"
      line = substr(line, RSTART + RLENGTH)
    }
    print out
  }' "$t" > "$tmp/$t"
  files="$files
$t"
done

# Search $tmp first so that web/templates/x.html is the converted copy.
echo "$files" | grep -v '^$' > "$tmp/files" || :
xgettext --language=C --from-code=UTF-8 --force-po --no-wrap --sort-by-file \
  --package-name=filet --msgid-bugs-address="filet maintainers" \
  --keyword=_ --keyword=N_ --keyword=tr --keyword=i18n_get:3 \
  --keyword=i18n_nget:3,4 \
  -D "$tmp" -D . --files-from="$tmp/files" -o "$tmp/filet.pot"

if [ -n "$pot_only" ]; then
  cp "$tmp/filet.pot" "$pot_only"
  exit 0
fi

# msgids of a PO file, one a line, in their escaped PO spelling; continued
# lines are joined and the header (empty msgid) is left out.
msgids() {
  [ -f "$1" ] || return 0
  awk '
    function flush() { if (inid && id != "") print id; inid = 0; id = "" }
    function body(line) { sub(/^"/, "", line); sub(/"[ \t]*$/, "", line); return line }
    /^msgid "/ { flush(); inid = 1; id = body(substr($0, 7)); next }
    /^"/ { if (inid) id = id body($0); next }
    { flush() }
    END { flush() }
  ' "$1"
}

n=$(msgids "$tmp/filet.pot" | wc -l | tr -d ' ')
fail=0

# report LABEL LIST: prints the msgids of file LIST under LABEL, if any.
report() {
  if [ -s "$2" ]; then
    echo "po-check: $1:" >&2
    sed 's/^/  "/; s/$/"/' "$2" >&2
    langfail=1
  fi
}

status=
for lang in fr en; do
  po=po/$lang.po
  if [ ! -f "$po" ]; then
    echo "po-check: $po is missing" >&2
    fail=1
    status="$status, $lang missing"
    continue
  fi
  langfail=0
  msgattrib --no-obsolete --no-wrap "$po" -o "$tmp/$lang.clean.po"
  # Missing: still untranslated after every present entry was filled in.
  msgen --no-wrap "$tmp/$lang.clean.po" -o "$tmp/$lang.filled.po"
  msgmerge --quiet --no-fuzzy-matching --no-wrap "$tmp/$lang.filled.po" \
    "$tmp/filet.pot" -o "$tmp/$lang.m1.po"
  msgattrib --untranslated --no-wrap "$tmp/$lang.m1.po" -o "$tmp/$lang.m1u.po"
  msgids "$tmp/$lang.m1u.po" > "$tmp/$lang.missing"
  report "missing from $po" "$tmp/$lang.missing"
  if [ "$lang" = fr ]; then
    msgmerge --quiet --no-fuzzy-matching --no-wrap "$tmp/$lang.clean.po" \
      "$tmp/filet.pot" -o "$tmp/$lang.m2.po"
    # Untranslated entries that are not missing are present but empty.
    msgattrib --untranslated --no-wrap "$tmp/$lang.m2.po" -o "$tmp/$lang.m2u.po"
    msgids "$tmp/$lang.m2u.po" | grep -vxF -f "$tmp/$lang.missing" \
      > "$tmp/$lang.empty" || :
    report "untranslated in $po" "$tmp/$lang.empty"
    msgattrib --only-fuzzy --no-wrap "$tmp/$lang.m2.po" -o "$tmp/$lang.m2f.po"
    msgids "$tmp/$lang.m2f.po" > "$tmp/$lang.fuzzy"
    report "fuzzy in $po" "$tmp/$lang.fuzzy"
  fi
  if ! msgfmt --check -o /dev/null "$po"; then
    echo "po-check: msgfmt --check failed on $po" >&2
    langfail=1
  fi
  if [ "$langfail" = 0 ]; then
    status="$status, $lang complete"
  else
    status="$status, $lang incomplete"
    fail=1
  fi
done

echo "po-check: $n strings$status"
exit "$fail"
