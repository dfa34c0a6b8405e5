#!/bin/sh
# po-update.sh - regenerate po/filet.pot and merge it into po/fr.po and
# po/en.po (for developers; tests use scripts/po-check.sh only).
#
# Extraction is the one of po-check.sh (--pot), so both always agree. New
# strings arrive untranslated, or fuzzy when msgmerge finds a close match:
# translate them, drop the fuzzy flag, then run sh scripts/po-check.sh.
# Strings no longer in the sources (or not used by them yet) become obsolete
# (#~) entries: review the diff before committing.
set -eu

cd "$(dirname "$0")/.."

sh scripts/po-check.sh --pot po/filet.pot
for lang in fr en; do
  msgmerge --quiet --update --backup=none "po/$lang.po" po/filet.pot
  stats=$(msgfmt --check --statistics -o /dev/null "po/$lang.po" 2>&1)
  echo "po-update: po/$lang.po: $stats"
done
