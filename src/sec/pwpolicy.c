/*
 * pwpolicy.c - password policy (ASVS 2.1); see pwpolicy.h.
 *
 * The list is read into one buffer, split into NUL-terminated entries in
 * place, lowercased, sorted with strcmp (bytewise, like LC_ALL=C sort) and
 * deduplicated; look-ups are bsearch. 30,000 entries take about 300 KB.
 */
#include "pwpolicy.h"

#include <errno.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/form.h"

#define LIST_MAX_BYTES (64u * 1024u * 1024u) /* refuse absurd files */
#define PW_MAX_BYTES (PWPOLICY_MAX_CHARS * 4) /* 4 bytes per code point at most */

struct pwpolicy {
    char *blob;          /* the file, lines NUL-terminated in place */
    const char **entries; /* sorted, distinct */
    size_t n;
};

/* ---------------------------------------------------------------- helpers */

static void set_err(char *err, size_t errlen, const char *msg, const char *path)
{
    if (err && errlen > 0)
        snprintf(err, errlen, "%s: %s", path ? path : "(null)", msg);
}

static unsigned char ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* 1 if a and b are equal ignoring ASCII case (not locale-dependent). */
static int ascii_case_equal(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    for (; *x && *y; x++, y++)
        if (ascii_lower(*x) != ascii_lower(*y))
            return 0;
    return *x == *y;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Reads the whole file into a NUL-terminated malloc'd buffer. */
static int read_file(const char *path, char **out, size_t *outlen, char *err, size_t errlen)
{
    FILE *f = NULL;
    char *data = NULL, *tmp;
    size_t len = 0, cap = 0;
    int rc = -1;

    f = fopen(path, "rb");
    if (!f) {
        set_err(err, errlen, strerror(errno), path);
        goto out;
    }
    for (;;) {
        size_t got;
        if (cap - len < 4096) {
            size_t ncap = cap ? cap * 2 : 256u * 1024u;
            if (ncap > LIST_MAX_BYTES + 4096u) {
                set_err(err, errlen, "file too large", path);
                goto out;
            }
            tmp = realloc(data, ncap);
            if (!tmp) {
                set_err(err, errlen, "out of memory", path);
                goto out;
            }
            data = tmp;
            cap = ncap;
        }
        got = fread(data + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                set_err(err, errlen, "read error", path);
                goto out;
            }
            break;
        }
    }
    data[len] = '\0';
    *out = data;
    *outlen = len;
    data = NULL;
    rc = 0;
out:
    free(data);
    if (f)
        fclose(f);
    return rc;
}

/* ------------------------------------------------------------------- load */

int pwpolicy_load(const char *path, pwpolicy **out, char *err, size_t errlen)
{
    pwpolicy *p = NULL;
    size_t len = 0, lines = 0, n = 0;
    int rc = -1;

    if (err && errlen > 0)
        err[0] = '\0';
    if (!out) {
        set_err(err, errlen, "no output pointer", path);
        return -1;
    }
    *out = NULL;
    if (!path) {
        set_err(err, errlen, "no path", path);
        return -1;
    }
    p = calloc(1, sizeof *p);
    if (!p) {
        set_err(err, errlen, "out of memory", path);
        goto out;
    }
    if (read_file(path, &p->blob, &len, err, errlen) != 0)
        goto out;
    /* utf8_valid also refuses NUL bytes, which would cut entries short. */
    if (!utf8_valid(p->blob, len)) {
        set_err(err, errlen, "not valid UTF-8 text (or contains NUL)", path);
        goto out;
    }
    for (size_t i = 0; i < len; i++)
        if (p->blob[i] == '\n')
            lines++;
    lines++; /* a last line without newline */
    if (lines > SIZE_MAX / sizeof *p->entries) {
        set_err(err, errlen, "too many lines", path);
        goto out;
    }
    p->entries = malloc(lines * sizeof *p->entries);
    if (!p->entries) {
        set_err(err, errlen, "out of memory", path);
        goto out;
    }
    /* Split in place, dropping CRs and blank lines, lowercasing ASCII. */
    for (char *s = p->blob, *end = p->blob + len; s < end;) {
        char *nl = memchr(s, '\n', (size_t)(end - s));
        char *e = nl ? nl : end;
        if (e > s && e[-1] == '\r')
            e--;
        *e = '\0';
        if (e > s) {
            for (char *c = s; c < e; c++)
                *c = (char)ascii_lower((unsigned char)*c);
            p->entries[n++] = s;
        }
        s = nl ? nl + 1 : end;
    }
    if (n == 0) {
        set_err(err, errlen, "no entries", path);
        goto out;
    }
    qsort(p->entries, n, sizeof *p->entries, cmp_entry);
    p->n = 1;
    for (size_t i = 1; i < n; i++)
        if (strcmp(p->entries[i], p->entries[p->n - 1]) != 0)
            p->entries[p->n++] = p->entries[i];
    *out = p;
    p = NULL;
    rc = 0;
out:
    pwpolicy_free(p);
    return rc;
}

void pwpolicy_free(pwpolicy *p)
{
    if (!p)
        return;
    free(p->entries);
    free(p->blob);
    free(p);
}

size_t pwpolicy_count(const pwpolicy *p)
{
    return p ? p->n : 0;
}

/* ------------------------------------------------------------------ check */

/* Number of code points in valid UTF-8: the bytes that are not 10xxxxxx. */
static size_t utf8_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0u) != 0x80u)
            count++;
    return count;
}

int pwpolicy_check(const pwpolicy *p, const char *password, const char *username)
{
    char low[PW_MAX_BYTES + 1];
    const char *key = low;
    size_t len, chars;
    int rc;

    if (!password)
        return PW_TOO_SHORT;
    len = strlen(password);
    if (!utf8_valid(password, len))
        return PW_BAD_UTF8;
    /* ASVS 2.1.1, 2.1.2: length in code points, so that a passphrase in
     * any script counts the same as one in ASCII. */
    chars = utf8_count(password, len);
    if (chars < PWPOLICY_MIN_CHARS)
        return PW_TOO_SHORT;
    if (chars > PWPOLICY_MAX_CHARS)
        return PW_TOO_LONG;
    if (username && *username && ascii_case_equal(password, username))
        return PW_CONTAINS_USERNAME;
    if (!p)
        return PW_COMMON; /* fail closed: no list, no new passwords */

    /* ASVS 2.1.7: refuse passwords on the common/breached list, ignoring
     * case. len <= PW_MAX_BYTES since chars <= 128 and valid UTF-8. */
    for (size_t i = 0; i < len; i++)
        low[i] = (char)ascii_lower((unsigned char)password[i]);
    low[len] = '\0';
    rc = bsearch(&key, p->entries, p->n, sizeof *p->entries, cmp_entry) ? PW_COMMON : PW_OK;
    sodium_memzero(low, sizeof low);
    return rc;
}
