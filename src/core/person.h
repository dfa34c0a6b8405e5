/*
 * person.h - the normalised identity string used to tell that a person is
 * already known to the cell ("known elsewhere") without comparing
 * plaintext: this module produces "given|family|birth_date" in a canonical
 * form; the keyed hash of that string is computed elsewhere and is the only
 * thing stored and compared. Pure.
 *
 * NORMALISATION (version PERSON_NORM_VERSION; changing any rule below
 * changes every key, so existing keys must then be recomputed):
 *   - Input is UTF-8; invalid UTF-8 (overlong forms, surrogates, code
 *     points above U+10FFFF, truncated or stray bytes) is refused.
 *   - ASCII letters are lowercased; ASCII digits kept; every other ASCII
 *     character (space, hyphen, apostrophe, period, comma, '|', controls...)
 *     is dropped.
 *   - Latin letters with diacritics, U+00C0-U+024F and U+1E00-U+1EFF
 *     (French, Spanish, Portuguese, German, Polish, Romanian, Turkish,
 *     Vietnamese...), map to their base letters: e-acute -> e, c-cedilla ->
 *     c, n-tilde -> n, o-horn with a tone -> o; and ae -> ae, oe -> oe,
 *     sharp s -> ss, o-stroke -> o, l-stroke -> l, d-stroke and eth -> d,
 *     thorn -> th, dotless i and dotted capital I -> i, ij -> ij.
 *     Latin letters without a base letter (schwa, ezh...) are kept as is.
 *   - Combining marks (U+0300-U+036F and the other combining blocks) are
 *     dropped, so decomposed input ("e" + U+0301) equals precomposed.
 *   - Dropped too: Latin-1 signs U+0080-U+00BF (no-break space, soft hyphen,
 *     guillemets...), x and division signs, modifier apostrophes
 *     U+02B9-U+02BF, General Punctuation U+2000-U+206F (typographic spaces,
 *     hyphens and dashes, U+2018/U+2019 quotes, zero-width characters),
 *     ideographic space, katakana middle dots, variation selectors, BOM.
 *   - Latin ligatures U+FB00-U+FB06 are spelt out (fi -> fi); fullwidth
 *     ASCII letters and digits become ASCII (lowercased), other fullwidth
 *     signs are dropped.
 *   - Basic Greek (U+0391-U+03A9) and Cyrillic (U+0400-U+042F) capitals
 *     are lowercased. Everything else, other scripts included, is kept
 *     byte for byte.
 *   So "Marie-Ève Tremblay", "marie eve TREMBLAY", "Marie Ève  Tremblay",
 *   "MARIE-EVE" / "Tremblay" all give "marieeve|tremblay|<date>".
 *
 * NOT MATCHED (different strings, so different keys): nicknames and short
 * forms (Bob/Robert, Kathy/Catherine); transliterations and spelling
 * variants (Mohammed/Muhammad, Tchaikovsky/Chaikovsky, a name in Cyrillic
 * and in Latin letters); given and family names swapped, or a name moved
 * from one field to the other ("Marie Ève" + "Tremblay" differs from
 * "Marie" + "Ève Tremblay"); married, maiden or partial compound names
 * (García Márquez / García); typing errors; a birth date present on one
 * referral and absent (or different) on the other; accented Greek and
 * Cyrillic letters and case outside the basic ranges; Unicode equivalents
 * outside the Latin ranges (e.g. decomposed Hangul). The match is a hint
 * for the coordinator, never proof of identity either way.
 */
#ifndef FILET_PERSON_H
#define FILET_PERSON_H

#include <stddef.h>

#define PERSON_NORM_VERSION 1

/*
 * Writes "given|family|birth_date" normalised as above into out (NUL-
 * terminated). given, family may be NULL (empty); birth_date may be NULL
 * or "" (none), otherwise it must be a strict YYYY-MM-DD date (dates.h).
 * Normalisation never lengthens a name, so outlen >= strlen(given) +
 * strlen(family) + strlen(birth_date) + 3 always suffices.
 * 0 on success; -1 (and out set to "" when outlen > 0) on invalid UTF-8,
 * given and family both empty once normalised, an invalid birth date, or
 * an out buffer too small.
 */
int person_normalise(const char *given, const char *family, const char *birth_date,
                     char *out, size_t outlen);

/* 1 for victim, child, perpetrator, relative, new_partner; else 0. */
int person_role_valid(const char *role);

#endif
