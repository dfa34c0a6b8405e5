/*
 * form.c - request body decoders; see form.h.
 *
 * Everything decoded here is untrusted input, so the decoders are strict and
 * refuse rather than repair: a bad percent escape, invalid UTF-8 or a NUL byte
 * makes the whole body invalid (ASVS 5.1.4: input is validated against an
 * allow list of what is well-formed). Decoded data lives in the request arena;
 * nothing here calls malloc except jansson for JSON values.
 *
 * Caveats: form_parse keeps fields in body order and does not merge repeated
 * names (form_get returns the first). JSON numbers are parsed by jansson: a
 * number that does not fit json_int_t / double is refused.
 */
#include "form.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define FORM_MAX_FIELDS 1000
#define JSON_BODY_MAX_DEPTH 32

/* ------------------------------------------------------------------ UTF-8 */

int utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    if (!s)
        return n == 0;
    while (i < n) {
        unsigned char c = s[i];
        unsigned char lo = 0x80, hi = 0xBF;
        size_t need;

        if (c == 0x00)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        /* Lead byte: C0/C1 would only start overlong 2-byte forms and
         * F5..FF would encode beyond U+10FFFF (RFC 3629 section 4). */
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0)
                lo = 0xA0; /* overlong */
            else if (c == 0xED)
                hi = 0x9F; /* UTF-16 surrogates D800..DFFF */
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0)
                lo = 0x90; /* overlong */
            else if (c == 0xF4)
                hi = 0x8F; /* above U+10FFFF */
        } else {
            return 0; /* stray continuation byte, C0, C1, F5..FF */
        }
        if (n - i - 1 < need)
            return 0; /* truncated */
        if (s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (size_t k = 2; k <= need; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
        i += need + 1;
    }
    return 1;
}

/* ------------------------------------------------------- percent decoding */

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..n) into a new NUL-terminated arena string. plus_is_space
 * selects urlencoded form semantics. -1 on a malformed escape, on a result
 * that is not valid UTF-8 or holds a NUL, or on out-of-memory. */
static int pct_decode(arena *a, const char *s, size_t n, int plus_is_space, char **out,
                      size_t *outlen)
{
    char *d;
    size_t i = 0, j = 0;

    *out = NULL;
    if (n == SIZE_MAX)
        return -1;
    d = arena_alloc(a, n + 1);
    if (!d)
        return -1;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            int hi, lo;
            if (n - i < 3)
                return -1;
            hi = hex_value((unsigned char)s[i + 1]);
            lo = hex_value((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            d[j++] = (char)(hi << 4 | lo);
            i += 3;
        } else if (c == '+' && plus_is_space) {
            d[j++] = ' ';
            i++;
        } else {
            d[j++] = (char)c;
            i++;
        }
    }
    d[j] = '\0';
    if (!utf8_valid(d, j))
        return -1;
    *out = d;
    if (outlen)
        *outlen = j;
    return 0;
}

int url_decode_segment(arena *a, const char *s, size_t n, char **out)
{
    char *d = NULL;
    size_t len = 0;

    if (!out)
        return -1;
    *out = NULL;
    if (!a || (!s && n))
        return -1;
    if (pct_decode(a, s ? s : "", n, 0, &d, &len) < 0)
        return -1;
    /* An encoded '/' must not turn one segment into two (path traversal). */
    if (memchr(d, '/', len))
        return -1;
    *out = d;
    return 0;
}

/* ---------------------------------------------------------- urlencoded */

int form_parse(arena *a, const char *body, size_t len, form *out)
{
    size_t count = 0, k = 0, i;
    form_field *fields = NULL;

    if (!out)
        return -1;
    out->fields = NULL;
    out->n = 0;
    if (!a || (!body && len))
        return -1;

    /* Pass 1: count the non-empty pairs, refusing too many. */
    for (i = 0; i < len;) {
        const char *amp = memchr(body + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - body) : len;
        if (end > i && ++count > FORM_MAX_FIELDS)
            return -1;
        i = end + 1;
    }
    if (count == 0)
        return 0;
    fields = arena_alloc(a, count * sizeof(*fields));
    if (!fields)
        return -1;

    /* Pass 2: decode. */
    for (i = 0; i < len;) {
        const char *amp = memchr(body + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - body) : len;
        if (end > i) {
            const char *pair = body + i;
            size_t plen = end - i;
            const char *eq = memchr(pair, '=', plen);
            size_t nlen = eq ? (size_t)(eq - pair) : plen;
            char *name, *value;
            size_t vlen = 0;

            if (pct_decode(a, pair, nlen, 1, &name, NULL) < 0)
                return -1;
            if (eq) {
                if (pct_decode(a, eq + 1, plen - nlen - 1, 1, &value, &vlen) < 0)
                    return -1;
            } else {
                if (pct_decode(a, "", 0, 1, &value, &vlen) < 0)
                    return -1;
            }
            fields[k].name = name;
            fields[k].value = value;
            fields[k].value_len = vlen;
            k++;
        }
        i = end + 1;
    }
    out->fields = fields;
    out->n = k;
    return 0;
}

const char *form_get(const form *f, const char *name)
{
    if (!f || !name)
        return NULL;
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->fields[i].name, name) == 0)
            return f->fields[i].value;
    return NULL;
}

/* ---------------------------------------------------------------- JSON */

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

/* 0 if no container below v (v itself at depth) is deeper than the limit.
 * Recursion is bounded: it stops at JSON_BODY_MAX_DEPTH + 1 levels. */
static int depth_ok(json_t *v, int depth)
{
    if (!json_is_object(v) && !json_is_array(v))
        return 0;
    if (depth > JSON_BODY_MAX_DEPTH)
        return -1;
    if (json_is_object(v)) {
        const char *key;
        json_t *child;
        json_object_foreach(v, key, child) {
            if (depth_ok(child, depth + 1) < 0)
                return -1;
        }
    } else {
        size_t idx;
        json_t *child;
        json_array_foreach(v, idx, child) {
            if (depth_ok(child, depth + 1) < 0)
                return -1;
        }
    }
    return 0;
}

int json_body_parse(const char *body, size_t len, json_t **out, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = NULL;
    int rc = -1;

    if (err && errlen)
        err[0] = '\0';
    if (!out) {
        set_err(err, errlen, "internal error");
        return -1;
    }
    *out = NULL;
    if (!body || len == 0) {
        set_err(err, errlen, "empty body");
        goto out;
    }
    /* Checked before jansson for a clear error; jansson also refuses both. */
    if (!utf8_valid(body, len)) {
        set_err(err, errlen, memchr(body, '\0', len) ? "NUL byte" : "invalid UTF-8");
        goto out;
    }
    root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        switch (json_error_code(&je)) {
        case json_error_duplicate_key:
            set_err(err, errlen, "duplicate key");
            break;
        case json_error_invalid_utf8:
            set_err(err, errlen, "invalid UTF-8");
            break;
        case json_error_null_character:
        case json_error_null_byte_in_key:
            set_err(err, errlen, "NUL character");
            break;
        case json_error_stack_overflow:
            set_err(err, errlen, "nesting too deep");
            break;
        case json_error_numeric_overflow:
            set_err(err, errlen, "number out of range");
            break;
        case json_error_out_of_memory:
            set_err(err, errlen, "out of memory");
            break;
        default:
            if (err && errlen)
                snprintf(err, errlen, "syntax error at line %d column %d", je.line,
                         je.column);
            break;
        }
        goto out;
    }
    if (!json_is_object(root)) {
        set_err(err, errlen, "not a JSON object");
        goto out;
    }
    if (depth_ok(root, 1) < 0) {
        set_err(err, errlen, "nesting too deep");
        goto out;
    }
    *out = root;
    root = NULL;
    rc = 0;
out:
    json_decref(root);
    return rc;
}

int json_body_check_keys(json_t *obj, const char *const *allowed, const char **unknown)
{
    const char *key;
    json_t *v;

    if (unknown)
        *unknown = NULL;
    if (!json_is_object(obj))
        return -1;
    json_object_foreach(obj, key, v) {
        int found = 0;
        for (size_t i = 0; allowed && allowed[i]; i++) {
            if (strcmp(allowed[i], key) == 0) {
                found = 1;
                break;
            }
        }
        if (!found) {
            if (unknown)
                *unknown = key;
            return -1;
        }
    }
    return 0;
}

const char *json_get_str(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}
