/*
 * fuzz_person.c - libFuzzer target for person_normalise and the date
 * helpers on arbitrary bytes. The input is split on '\n' into given name,
 * family name and birth date. Checks the promises besides memory safety:
 * a result is "given|family|date" with exactly two '|', no ASCII capital,
 * no ASCII sign but the date's '-', never longer than the documented
 * bound, valid UTF-8, and normalising it again changes nothing; a too small
 * buffer fails cleanly; a parsed date prints back to itself and the month
 * window agrees with the month count.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dates.h"
#include "core/person.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise is a crash, so libFuzzer records the input. */
static void check(int cond)
{
    if (!cond)
        __builtin_trap();
}

/* Strict UTF-8 check, independent of person.c's decoder. */
static int utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t k;
        unsigned long v;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1, v = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2, v = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3, v = c & 0x07;
        } else {
            return 0;
        }
        if (n - i <= k)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            v = (v << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 2 && v < 0x800) || (k == 3 && v < 0x10000) || v > 0x10FFFF ||
            (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

static void check_normalised(const char *g, const char *f, const char *d, const char *out)
{
    size_t len = strlen(out);
    size_t bound = strlen(g) + strlen(f) + strlen(d) + 2;
    check(len <= bound);
    check(utf8_ok((const unsigned char *)out, len));
    const char *bar1 = strchr(out, '|');
    check(bar1 != NULL);
    const char *bar2 = strchr(bar1 + 1, '|');
    check(bar2 != NULL && strchr(bar2 + 1, '|') == NULL);
    check(bar1 != out || bar2 != bar1 + 1); /* not both names empty */
    check(strcmp(bar2 + 1, d) == 0);
    for (const char *p = out; p < bar2; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x80)
            check(c == '|' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
    }

    /* idempotent: the normalised names normalise to themselves */
    size_t gl = (size_t)(bar1 - out), fl = (size_t)(bar2 - bar1 - 1);
    char *g2 = malloc(gl + 1), *f2 = malloc(fl + 1), *again = malloc(len + 1);
    if (g2 && f2 && again) {
        memcpy(g2, out, gl);
        g2[gl] = '\0';
        memcpy(f2, bar1 + 1, fl);
        f2[fl] = '\0';
        check(person_normalise(g2, f2, d, again, len + 1) == 0);
        check(strcmp(again, out) == 0);
        /* one byte short must fail and leave "" */
        check(person_normalise(g2, f2, d, again, len) == -1);
        check(again[0] == '\0');
    }
    free(g2);
    free(f2);
    free(again);
}

static void check_date(const char *s)
{
    int y, m, d;
    if (date_parse(s, &y, &m, &d) != 0)
        return;
    char back[64];
    snprintf(back, sizeof(back), "%04d-%02d-%02d", y, m, d);
    check(strcmp(back, s) == 0);
    check(y >= DATE_YEAR_MIN && y <= DATE_YEAR_MAX && m >= 1 && m <= 12 && d >= 1 && d <= 31);
    long days = date_days(y, m, d);
    check(days >= -25567 && days <= 47846);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';

    /* the whole input as one date, then split into three fields */
    check_date(buf);
    char *g = buf, *f = "", *d = "";
    char *nl = memchr(g, '\n', strlen(g));
    if (nl) {
        *nl = '\0';
        f = nl + 1;
        nl = strchr(f, '\n');
        if (nl) {
            *nl = '\0';
            d = nl + 1;
        }
    }
    check_date(d);

    size_t cap = strlen(g) + strlen(f) + strlen(d) + 3;
    char *out = malloc(cap);
    if (out) {
        if (person_normalise(g, f, d, out, cap) == 0)
            check_normalised(g, f, d, out);
        else
            check(out[0] == '\0');
        /* a buffer sized from the first byte: overflow must fail cleanly */
        size_t small = size ? (size_t)data[0] % cap + 1 : 1;
        if (person_normalise(g, f, d, out, small) != 0)
            check(out[0] == '\0');
        else
            check(strlen(out) < small);
    }
    free(out);

    /* date pairs: the month window agrees with the month count */
    int months = size ? data[size - 1] % 30 : 0;
    int both = date_parse(g, NULL, NULL, NULL) == 0 && date_parse(d, NULL, NULL, NULL) == 0;
    int mb = date_months_between(g, d);
    int w = date_within_months(g, d, months);
    int nf = date_not_future(g, d);
    int age = age_years(g, d);
    if (both) {
        check(w == (mb >= 0 && mb < months));
        check(nf == (mb >= 0));
    } else {
        check(mb == -1 && w == -1 && nf == -1);
    }
    check(age == (mb < 0 ? -1 : mb / 12));

    free(buf);
    return 0;
}
