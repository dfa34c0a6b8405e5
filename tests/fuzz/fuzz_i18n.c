/*
 * fuzz_i18n.c - libFuzzer target for the .mo reader and Accept-Language
 * negotiation (src/lib/i18n.c).
 *
 * The input is parsed as a .mo file in both languages' catalogues (and a
 * few lookups are made on whatever loads), then, as a NUL-terminated
 * string, given to i18n_negotiate and i18n_lang_canonical. Seeds are in
 * tests/fuzz/corpus/i18n/: small msgfmt output and Accept-Language values.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    /* A broken invariant must be seen by the fuzzer. */
    if (!ok)
        __builtin_trap();
}

static void lookups(const i18n *c, const char *lang, const char *probe)
{
    static const char *const msgids[] = { "", "a", "Sign in", "%d situation",
                                          "zzzz" };

    for (size_t i = 0; i < sizeof(msgids) / sizeof(msgids[0]); i++) {
        const char *s = i18n_get(c, lang, msgids[i]);

        check(s != NULL);
        (void)strlen(s);
        for (unsigned long n = 0; n < 3; n++) {
            s = i18n_nget(c, lang, msgids[i], "plural", n);
            check(s != NULL);
            (void)strlen(s);
        }
    }
    /* The empty msgid (header) is never translated. */
    check(strcmp(i18n_get(c, lang, ""), "") == 0);
    (void)strlen(i18n_get(c, lang, probe));
    (void)strlen(i18n_nget(c, lang, probe, probe, 2));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const langs[] = { "fr", "en" };
    char *str;
    const char *lang;

    /* As a .mo file. */
    for (size_t i = 0; i < 2; i++) {
        i18n *c = NULL;
        char err[128];

        if (i18n_parse_mo(data, size, langs[i], &c, err, sizeof(err)) == 0) {
            check(c != NULL);
            lookups(c, langs[i], "Home");
            i18n_free(c);
        } else {
            check(c == NULL);
        }
    }

    /* As an Accept-Language header / language tag. */
    str = malloc(size + 1);
    if (!str)
        return 0;
    if (size)
        memcpy(str, data, size);
    str[size] = '\0';
    lang = i18n_negotiate(str);
    check(strcmp(lang, "fr") == 0 || strcmp(lang, "en") == 0);
    lang = i18n_lang_canonical(str);
    check(lang == NULL || strcmp(lang, "fr") == 0 || strcmp(lang, "en") == 0);
    free(str);
    return 0;
}
