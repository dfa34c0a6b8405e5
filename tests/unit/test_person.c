/*
 * test_person.c - unit tests for src/core/person.c: spellings of the same
 * person give the same normalised string, different people (or birth
 * dates) do not; diacritics across Latin-1, Extended-A/B and Vietnamese;
 * decomposed input; invalid UTF-8; buffer overflow; roles.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/person.h"

static const char *norm(const char *given, const char *family, const char *date, char *buf,
                        size_t len)
{
    if (person_normalise(given, family, date, buf, len) != 0)
        return NULL;
    return buf;
}

/* -------------------------------------------------------------- exact */

struct norm_case {
    const char *given, *family, *date;
    const char *want; /* NULL: -1 expected */
};

static const struct norm_case norm_cases[] = {
    {"Marie-Ève", "Tremblay", "1985-03-14", "marieeve|tremblay|1985-03-14"},
    {"marie eve", "TREMBLAY", "1985-03-14", "marieeve|tremblay|1985-03-14"},
    {"Marie Ève ", " Tremblay", "1985-03-14", "marieeve|tremblay|1985-03-14"},
    {"MARIE-ÈVE", "Tremblay", NULL, "marieeve|tremblay|"},
    {"Marie-Ève", "Tremblay", "", "marieeve|tremblay|"},
    /* decomposed e + combining grave equals precomposed */
    {"Marie-E\xCC\x80ve", "Tremblay", NULL, "marieeve|tremblay|"},
    /* apostrophes, periods, typographic forms */
    {"Jean-François", "O'Neil", NULL, "jeanfrancois|oneil|"},
    {"jean françois", "O\xE2\x80\x99Neil", NULL, "jeanfrancois|oneil|"},  /* U+2019 */
    {"J.-F.", "d\xCA\xBC" "Arcy", NULL, "jf|darcy|"},                       /* U+02BC */
    {"Anne\xC2\xA0Marie", "Saint\xE2\x80\x91Pierre", NULL, "annemarie|saintpierre|"}, /* NBSP, U+2011 */
    {"Zoë", "Lefèvre\xE2\x80\x8B", NULL, "zoe|lefevre|"},                  /* zero-width space */
    /* ligatures and special letters */
    {"Œdipe", "Cœur", NULL, "oedipe|coeur|"},
    {"Æsa", "Læstadius", NULL, "aesa|laestadius|"},
    {"Jürgen", "Straße", NULL, "jurgen|strasse|"},
    {"JÜRGEN", "STRASSE", NULL, "jurgen|strasse|"},
    {"Søren", "Kierkegaard", NULL, "soren|kierkegaard|"},
    {"Łukasz", "Wałęsa", NULL, "lukasz|walesa|"},
    {"Małgorzata", "Żółć-Ślęk", NULL, "malgorzata|zolcslek|"},
    {"José", "Muñoz Núñez", NULL, "jose|munoznunez|"},
    {"João", "Gonçalves", NULL, "joao|goncalves|"},
    {"Ştefan", "Țărână", NULL, "stefan|tarana|"},      /* cedilla and comma-below */
    {"Ștefan", "Ţăranã", NULL, "stefan|tarana|"},
    {"İbrahim", "Yıldız Öztürk", NULL, "ibrahim|yildizozturk|"},
    {"Ğül", "Şahin", NULL, "gul|sahin|"},
    {"Nguyễn", "Thị Minh Khai", NULL, "nguyen|thiminhkhai|"},
    {"Đặng", "Phương", NULL, "dang|phuong|"},
    {"Ơn", "Ưu", NULL, "on|uu|"},
    {"Þóra", "Guðmundsdóttir", NULL, "thora|gudmundsdottir|"},
    {"Ǆemal", "ǅuro", NULL, "dzemal|dzuro|"},
    {"ﬁona", "Ｓｍｉｔｈ１", NULL, "fiona|smith1|"},        /* ligature, fullwidth */
    /* non-Latin scripts: kept, basic capitals lowercased */
    {"Иван", "ИВАНОВ", NULL, "иван|иванов|"},
    {"Ёлка", "Ђорђе", NULL, "ёлка|ђорђе|"},
    {"ΑΛΕΞΗΣ", "Παπαδόπουλος", NULL, "αλεξησ|παπαδόπουλος|"},
    {"محمد", "علي", NULL, "محمد|علي|"},
    {"太郎", "山田", NULL, "太郎|山田|"},
    {"ジョン・スミス", "", NULL, "ジョンスミス||"},
    /* Latin without a base letter kept as is */
    {"Ə", "ə", NULL, "Ə|ə|"},
    /* ASCII punctuation and the separator dropped */
    {"a|b", "c", NULL, "ab|c|"},
    {"Ann\t,;/", "Lee(2)", NULL, "ann|lee2|"},
    /* one name may be empty, not both */
    {"", "Tremblay", NULL, "|tremblay|"},
    {NULL, "Tremblay", "2001-01-01", "|tremblay|2001-01-01"},
    {"Cher", NULL, NULL, "cher||"},
    {"", "", "1985-03-14", NULL},
    {NULL, NULL, NULL, NULL},
    {"- '.", " ’ ", NULL, NULL},
    {"\xCC\x81", "\xE2\x80\x99", NULL, NULL},
    /* invalid birth dates */
    {"Marie", "Tremblay", "1985-3-14", NULL},
    {"Marie", "Tremblay", "1985-02-29", NULL},
    {"Marie", "Tremblay", "14/03/1985", NULL},
};

static void test_norm_table(void **state)
{
    (void)state;
    char buf[256];
    for (size_t i = 0; i < sizeof(norm_cases) / sizeof(norm_cases[0]); i++) {
        const struct norm_case *c = &norm_cases[i];
        memset(buf, 'X', sizeof(buf));
        int rc = person_normalise(c->given, c->family, c->date, buf, sizeof(buf));
        if (c->want) {
            if (rc != 0 || strcmp(buf, c->want) != 0)
                fail_msg("row %zu (%s|%s): rc %d, \"%s\", want \"%s\"", i,
                         c->given ? c->given : "(null)", c->family ? c->family : "(null)", rc,
                         rc == 0 ? buf : "", c->want);
        } else if (rc != -1 || buf[0] != '\0') {
            fail_msg("row %zu (%s|%s): accepted", i, c->given ? c->given : "(null)",
                     c->family ? c->family : "(null)");
        }
    }
}

/* ------------------------------------------------- equivalence classes */

static void test_equivalent_and_not(void **state)
{
    (void)state;
    char a[128], b[128];
    /* same person */
    assert_string_equal(norm("Marie-Ève", "Tremblay", "1985-03-14", a, sizeof(a)),
                        norm("marie eve", "TREMBLAY", "1985-03-14", b, sizeof(b)));
    assert_string_equal(norm("Marie Ève  ", "Tremblay", "1985-03-14", a, sizeof(a)),
                        norm("MARIE-EVE", "tremblay", "1985-03-14", b, sizeof(b)));
    /* different birth date, different family name, different given name */
    assert_string_not_equal(norm("Marie-Ève", "Tremblay", "1985-03-14", a, sizeof(a)),
                            norm("Marie-Ève", "Tremblay", "1985-03-15", b, sizeof(b)));
    assert_string_not_equal(norm("Marie-Ève", "Tremblay", "1985-03-14", a, sizeof(a)),
                            norm("Marie-Ève", "Tremblay-Roy", "1985-03-14", b, sizeof(b)));
    assert_string_not_equal(norm("Marie-Ève", "Tremblay", "1985-03-14", a, sizeof(a)),
                            norm("Marie", "Tremblay", "1985-03-14", b, sizeof(b)));
    /* documented non-matches: swapped fields, moved words, missing date */
    assert_string_not_equal(norm("Tremblay", "Marie", NULL, a, sizeof(a)),
                            norm("Marie", "Tremblay", NULL, b, sizeof(b)));
    assert_string_not_equal(norm("Marie Ève", "Tremblay", NULL, a, sizeof(a)),
                            norm("Marie", "Ève Tremblay", NULL, b, sizeof(b)));
    assert_string_not_equal(norm("Marie", "Tremblay", NULL, a, sizeof(a)),
                            norm("Marie", "Tremblay", "1985-03-14", b, sizeof(b)));
    assert_string_not_equal(norm("Mohammed", "Ali", NULL, a, sizeof(a)),
                            norm("Muhammad", "Ali", NULL, b, sizeof(b)));
}

/* Every Latin-1 and Extended-A letter folds to ASCII lowercase letters,
 * and capital and small forms agree where Unicode pairs them. */
static void test_latin_range(void **state)
{
    (void)state;
    char in[8], out[32];
    for (unsigned cp = 0xC0; cp <= 0x17F; cp++) {
        in[0] = (char)(0xC0 | (cp >> 6));
        in[1] = (char)(0x80 | (cp & 0x3F));
        in[2] = '\0';
        int rc = person_normalise(in, "x", NULL, out, sizeof(out));
        if (cp == 0xD7 || cp == 0xF7) { /* multiplication, division: dropped */
            assert_int_equal(rc, 0);
            assert_string_equal(out, "|x|");
            continue;
        }
        if (rc != 0)
            fail_msg("U+%04X refused", cp);
        const char *bar = strchr(out, '|');
        size_t n = (size_t)(bar - out);
        if (n < 1 || n > 2)
            fail_msg("U+%04X -> \"%s\"", cp, out);
        for (size_t i = 0; i < n; i++)
            if (out[i] < 'a' || out[i] > 'z')
                fail_msg("U+%04X -> \"%s\" not ASCII lowercase", cp, out);
    }
    /* Extended-A is in capital/small pairs from U+0100 to U+0137 */
    for (unsigned cp = 0x100; cp <= 0x137; cp += 2) {
        char up[8] = {(char)(0xC0 | (cp >> 6)), (char)(0x80 | (cp & 0x3F)), 0};
        char lo[8] = {(char)(0xC0 | ((cp + 1) >> 6)), (char)(0x80 | ((cp + 1) & 0x3F)), 0};
        char o1[16], o2[16];
        assert_int_equal(person_normalise(up, "x", NULL, o1, sizeof(o1)), 0);
        assert_int_equal(person_normalise(lo, "x", NULL, o2, sizeof(o2)), 0);
        if (strcmp(o1, o2) != 0)
            fail_msg("U+%04X \"%s\" vs U+%04X \"%s\"", cp, o1, cp + 1, o2);
    }
    /* a few named ones */
    char buf[64];
    assert_string_equal(norm("àáâãäåāăą", "x", NULL, buf, sizeof(buf)), "aaaaaaaaa|x|");
    assert_string_equal(norm("çćĉċč", "x", NULL, buf, sizeof(buf)), "ccccc|x|");
    assert_string_equal(norm("èéêëēĕėęě", "x", NULL, buf, sizeof(buf)), "eeeeeeeee|x|");
    assert_string_equal(norm("ñńņňŉ", "x", NULL, buf, sizeof(buf)), "nnnnn|x|");
    assert_string_equal(norm("ÿýŷŸ", "x", NULL, buf, sizeof(buf)), "yyyy|x|");
    assert_string_equal(norm("ĳĲſ", "x", NULL, buf, sizeof(buf)), "ijijs|x|");
}

/* ------------------------------------------------------ invalid input */

static void test_invalid_utf8(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\x80",                 /* stray continuation */
        "abc\xBF",
        "\xC3",                 /* truncated */
        "\xC3\x28",             /* bad continuation */
        "\xE2\x80",             /* truncated 3-byte */
        "\xF0\x9F\x98",         /* truncated 4-byte */
        "\xC0\xAF",             /* overlong '/' */
        "\xC1\xBF",
        "\xE0\x80\xAF",         /* overlong 3-byte */
        "\xF0\x80\x80\xAF",     /* overlong 4-byte */
        "\xED\xA0\x80",         /* surrogate U+D800 */
        "\xED\xBF\xBF",         /* surrogate U+DFFF */
        "\xF4\x90\x80\x80",     /* U+110000 */
        "\xF5\x80\x80\x80",
        "\xFE",
        "\xFF",
    };
    char out[64];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(out, 'X', sizeof(out));
        if (person_normalise(bad[i], "Tremblay", NULL, out, sizeof(out)) != -1 || out[0] != '\0')
            fail_msg("given #%zu accepted", i);
        if (person_normalise("Marie", bad[i], NULL, out, sizeof(out)) != -1 || out[0] != '\0')
            fail_msg("family #%zu accepted", i);
    }
    /* the boundaries that are valid */
    assert_int_equal(person_normalise("\xED\x9F\xBF", "x", NULL, out, sizeof(out)), 0);
    assert_int_equal(person_normalise("\xF4\x8F\xBF\xBF", "x", NULL, out, sizeof(out)), 0);
    assert_string_equal(out, "\xF4\x8F\xBF\xBF|x|");
    assert_int_equal(person_normalise("\xF0\x9F\x98\x80", "x", NULL, out, sizeof(out)), 0);
}

static void test_overflow(void **state)
{
    (void)state;
    const char *want = "marieeve|tremblay|1985-03-14"; /* 28 bytes */
    char out[64];
    size_t need = strlen(want) + 1;
    for (size_t len = 1; len < need; len++) {
        memset(out, 'X', sizeof(out));
        if (person_normalise("Marie-Ève", "Tremblay", "1985-03-14", out, len) != -1 ||
            out[0] != '\0')
            fail_msg("outlen %zu accepted", len);
        for (size_t i = len; i < sizeof(out); i++)
            if (out[i] != 'X')
                fail_msg("outlen %zu: byte %zu written", len, i);
    }
    memset(out, 'X', sizeof(out));
    assert_int_equal(person_normalise("Marie-Ève", "Tremblay", "1985-03-14", out, need), 0);
    assert_string_equal(out, want);
    assert_int_equal(out[need], 'X');
    assert_int_equal(person_normalise("Marie", "Tremblay", NULL, NULL, 64), -1);
    assert_int_equal(person_normalise("Marie", "Tremblay", NULL, out, 0), -1);

    /* the documented bound always suffices: a long multi-byte name */
    char big[1024];
    size_t n = 0;
    while (n + 3 < sizeof(big)) {
        memcpy(big + n, "ﬃ", 3);
        n += 3;
    }
    big[n] = '\0';
    char res[2048];
    size_t bound = strlen(big) + strlen("Straße") + strlen("2000-01-01") + 3;
    assert_int_equal(person_normalise(big, "Straße", "2000-01-01", res, bound), 0);
    assert_int_equal(strlen(res), n + 1 + 7 + 1 + 10); /* "strasse" */
}

static void test_roles(void **state)
{
    (void)state;
    assert_true(person_role_valid("victim"));
    assert_true(person_role_valid("child"));
    assert_true(person_role_valid("perpetrator"));
    assert_true(person_role_valid("relative"));
    assert_true(person_role_valid("new_partner"));
    assert_false(person_role_valid("Victim"));
    assert_false(person_role_valid("new partner"));
    assert_false(person_role_valid("victim "));
    assert_false(person_role_valid(""));
    assert_false(person_role_valid("coordinator"));
    assert_false(person_role_valid(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_norm_table),
        cmocka_unit_test(test_equivalent_and_not),
        cmocka_unit_test(test_latin_range),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_roles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
