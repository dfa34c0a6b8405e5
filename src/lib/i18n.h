/*
 * i18n.h - message catalogues (gettext .mo files) and language negotiation.
 *
 * Catalogues are compiled from po/<lang>.po by msgfmt and read by our own
 * small .mo reader, so the language is a per-request argument (no global
 * setlocale, no locales to install). Languages: "fr" (fr-CA, the default)
 * and "en". msgids are English.
 */
#ifndef FILET_I18N_H
#define FILET_I18N_H

#include <stddef.h>

typedef struct i18n i18n;

#define I18N_DEFAULT_LANG "fr"

/* Loads <locale_dir>/<lang>/LC_MESSAGES/filet.mo for each lang of langs
 * (NULL-terminated). A missing file is an error (-1, reason in err). */
int i18n_load(const char *locale_dir, const char *const *langs, i18n **out,
              char *err, size_t errlen);
void i18n_free(i18n *c);
/* Translation of msgid in lang, or msgid itself when absent. Never NULL.
 * The pointer lives as long as the catalogue. */
const char *i18n_get(const i18n *c, const char *lang, const char *msgid);
/* Plural form n of msgid/msgid_plural (rules: fr n>1, en n!=1). */
const char *i18n_nget(const i18n *c, const char *lang, const char *msgid,
                      const char *msgid_plural, unsigned long n);
/* Supported language id, or NULL. Accepts "fr", "fr-CA", "fr_CA", "en",
 * "en-GB"... (case-insensitive) and returns the canonical "fr" or "en". */
const char *i18n_lang_canonical(const char *tag);
/* Best supported language for an Accept-Language header (q-values honoured,
 * q=0 excluded), or I18N_DEFAULT_LANG. header may be NULL. */
const char *i18n_negotiate(const char *accept_language);

/* For tests and fuzzing: builds a one-language catalogue (lang: "fr" or
 * "en", any tag i18n_lang_canonical accepts) from the bytes of a .mo file,
 * which are copied. Untrusted input is fine: -1 and a reason in err. */
int i18n_parse_mo(const unsigned char *data, size_t len, const char *lang,
                  i18n **out, char *err, size_t errlen);

/* Marks a string for extraction by xgettext without translating it. */
#define N_(s) (s)

#endif
