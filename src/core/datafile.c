/*
 * datafile.c - the shared machinery of filet's JSON data files; see
 * datafile.h. Only datafile_read touches the file system.
 */
#include "core/datafile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void datafile_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------ locating a JSON path */

static size_t skip_ws(const char *t, size_t len, size_t p)
{
    while (p < len && (t[p] == ' ' || t[p] == '\t' || t[p] == '\n' || t[p] == '\r'))
        p++;
    return p;
}

/* t[p] is '"': returns the index just past the closing quote. */
static size_t skip_string(const char *t, size_t len, size_t p)
{
    p++;
    while (p < len && t[p] != '"') {
        if (t[p] == '\\')
            p++;
        p++;
    }
    return p < len ? p + 1 : len;
}

/* Skips the value starting at t[p], iteratively (no recursion on nesting). */
static size_t skip_value(const char *t, size_t len, size_t p)
{
    size_t depth = 0;
    if (p >= len)
        return len;
    if (t[p] == '"')
        return skip_string(t, len, p);
    if (t[p] != '{' && t[p] != '[') {
        while (p < len && !strchr(",]} \t\r\n", t[p]))
            p++;
        return p;
    }
    while (p < len) {
        char ch = t[p];
        if (ch == '"') {
            p = skip_string(t, len, p);
            continue;
        }
        if (ch == '{' || ch == '[')
            depth++;
        else if ((ch == '}' || ch == ']') && --depth == 0)
            return p + 1;
        p++;
    }
    return len;
}

static int line_at(const char *t, size_t len, size_t p)
{
    int line = 1;
    for (size_t i = 0; i < p && i < len; i++)
        if (t[i] == '\n' && line < INT32_MAX)
            line++;
    return line;
}

/* Finds the step's member (key) or element (index) in the object or array
 * starting at t[p]. Returns 0 and *at (the position of the key for a
 * member, of the value for an element) and *val (the value), or -1. */
static int locate_step(const char *t, size_t len, size_t p, const json_loc_step *s, size_t *at, size_t *val)
{
    size_t i = 0;
    if (p >= len || (s->key ? t[p] != '{' : t[p] != '['))
        return -1;
    p++;
    for (;;) {
        p = skip_ws(t, len, p);
        if (p >= len || t[p] == '}' || t[p] == ']')
            return -1;
        if (s->key) {
            size_t ks, ke, klen = strlen(s->key);
            if (t[p] != '"')
                return -1;
            ks = p;
            ke = skip_string(t, len, p);
            p = skip_ws(t, len, ke);
            if (p >= len || t[p] != ':')
                return -1;
            p = skip_ws(t, len, p + 1);
            if (ke - ks == klen + 2 && memcmp(t + ks + 1, s->key, klen) == 0) {
                *at = ks;
                *val = p;
                return 0;
            }
        } else if (i++ == s->index) {
            *at = *val = p;
            return 0;
        }
        p = skip_ws(t, len, skip_value(t, len, p));
        if (p < len && t[p] == ',')
            p++;
    }
}

/* The line of path[0..n) in the valid JSON text t, or of the deepest part
 * of it that was found (1 for none). */
static int locate_line(const char *t, size_t len, const json_loc_step *path, size_t n)
{
    size_t p = skip_ws(t, len, 0), best = 0;
    for (size_t i = 0; i < n; i++) {
        size_t at = 0, val = 0;
        if (locate_step(t, len, p, &path[i], &at, &val) != 0)
            break;
        best = at;
        p = val;
    }
    return line_at(t, len, best);
}

int json_locate_line(const char *text, size_t len, const json_loc_step *path, size_t n)
{
    return text ? locate_line(text, len, path, n) : 1;
}

/* ------------------------------------------------------------ reading */

int datafile_read(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t n = 0;
    int rc = -1;

    *text = NULL;
    if (!f) {
        datafile_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    data = malloc(DATAFILE_FILE_MAX + 1);
    if (!data) {
        datafile_err(err, errlen, "%s: out of memory", path);
        goto out;
    }
    n = fread(data, 1, DATAFILE_FILE_MAX + 1, f);
    if (ferror(f)) {
        datafile_err(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        goto out;
    }
    if (n > DATAFILE_FILE_MAX) {
        datafile_err(err, errlen, "%s: larger than %u bytes", path, DATAFILE_FILE_MAX);
        goto out;
    }
    *text = data;
    *len = n;
    data = NULL;
    rc = 0;
out:
    free(data);
    fclose(f);
    return rc;
}

/* ------------------------------------------------------------ parsing */

void datafile_init(datafile_ctx *c, const char *text, size_t len, const char *filename, char *err,
                   size_t errlen)
{
    memset(c, 0, sizeof(*c));
    c->text = text;
    c->len = len;
    c->file = filename ? filename : "<input>";
    c->err = err;
    c->errlen = errlen;
}

json_t *datafile_json(datafile_ctx *c)
{
    json_error_t jerr;
    json_t *doc;
    if (!c->text) {
        datafile_err(c->err, c->errlen, "%s:1: no text", c->file);
        return NULL;
    }
    doc = json_loadb(c->text, c->len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        datafile_err(c->err, c->errlen, "%s:%d: %s", c->file, jerr.line > 0 ? jerr.line : 1, jerr.text);
    return doc;
}

int datafile_fail(datafile_ctx *c, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    datafile_err(c->err, c->errlen, "%s:%d: %s", c->file, json_locate_line(c->text, c->len, c->path, c->depth),
                 msg);
    return -1;
}

void datafile_at_key(datafile_ctx *c, size_t d, const char *key)
{
    if (d < DATAFILE_PATH_MAX) {
        c->path[d].key = key;
        c->path[d].index = 0;
        c->depth = d + 1;
    }
}

void datafile_at_index(datafile_ctx *c, size_t d, size_t index)
{
    if (d < DATAFILE_PATH_MAX) {
        c->path[d].key = NULL;
        c->path[d].index = index;
        c->depth = d + 1;
    }
}

int datafile_id_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > DATAFILE_ID_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                 (i > 0 && (ch == '-' || ch == '_'));
        if (!ok)
            return 0;
    }
    return 1;
}

int datafile_check_keys(datafile_ctx *c, json_t *obj, size_t d, const char *const *allowed, const char *what)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], key) != 0)
            i++;
        if (!allowed[i]) {
            datafile_at_key(c, d, key);
            return datafile_fail(c, "%s: unknown field \"%s\"", what, key);
        }
    }
    return 0;
}

/* t at c->path as a text. what names its container in "unknown field"
 * messages, label the text itself in the others. */
static int text_at(datafile_ctx *c, json_t *t, const char *what, const char *label, datafile_text *out)
{
    static const char *const langs[] = {"fr", "en", NULL};
    size_t base = c->depth;
    if (!json_is_object(t))
        return datafile_fail(c, "%s must be an object {\"fr\": …, \"en\": …}", label);
    if (datafile_check_keys(c, t, base, langs, what) != 0)
        return -1;
    for (size_t i = 0; langs[i]; i++) {
        json_t *s = json_object_get(t, langs[i]);
        const char *v = json_string_value(s);
        c->depth = base;
        if (!s)
            return datafile_fail(c, "%s has no %s text", label, langs[i]);
        datafile_at_key(c, base, langs[i]);
        if (!v || !*v)
            return datafile_fail(c, "%s.%s must be a non-empty string", label, langs[i]);
        if (i == 0)
            out->fr = v;
        else
            out->en = v;
    }
    return 0;
}

int datafile_text_value(datafile_ctx *c, json_t *t, const char *what, datafile_text *out)
{
    return text_at(c, t, what, what, out);
}

int datafile_text_member(datafile_ctx *c, json_t *obj, size_t d, const char *key, const char *what,
                         datafile_text *out)
{
    char label[160];
    json_t *t = json_object_get(obj, key);
    datafile_at_key(c, d, key);
    if (!t)
        return datafile_fail(c, "%s: missing \"%s\"", what, key);
    snprintf(label, sizeof(label), "%s: \"%s\"", what, key);
    return text_at(c, t, what, label, out);
}

int datafile_id(datafile_ctx *c, json_t *obj, size_t d, const char *key, int required, const char *what,
                const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    datafile_at_key(c, d, key);
    if (!v) {
        if (!required)
            return 0;
        c->depth = d; /* the enclosing object */
        return datafile_fail(c, "%s: missing \"%s\"", what, key);
    }
    if (!json_is_string(v))
        return datafile_fail(c, "%s: \"%s\" must be a string", what, key);
    if (!datafile_id_valid(json_string_value(v)))
        return datafile_fail(c, "%s: bad %s '%.64s' (lowercase letters, digits, - and _, at most %d)",
                             what, key, json_string_value(v), DATAFILE_ID_MAX);
    *out = json_string_value(v);
    return 0;
}

int datafile_int(datafile_ctx *c, json_t *obj, size_t d, const char *key, const char *what, long long lo,
                 long long hi, int *out)
{
    json_t *v = json_object_get(obj, key);
    datafile_at_key(c, d, key);
    if (!v) {
        c->depth = d;
        return datafile_fail(c, "%s: missing \"%s\"", what, key);
    }
    if (!json_is_integer(v))
        return datafile_fail(c, "%s: \"%s\" must be an integer", what, key);
    if (json_integer_value(v) < lo || json_integer_value(v) > hi)
        return datafile_fail(c, "%s: %s %lld is outside %lld..%lld", what, key,
                             (long long)json_integer_value(v), lo, hi);
    *out = (int)json_integer_value(v);
    return 0;
}

int datafile_array(datafile_ctx *c, json_t *obj, size_t d, const char *key, size_t max, int may_be_empty,
                   json_t **out)
{
    json_t *a = json_object_get(obj, key);
    datafile_at_key(c, d, key);
    if (!json_is_array(a))
        return datafile_fail(c, "\"%s\" must be an array", key);
    if (json_array_size(a) == 0 && !may_be_empty)
        return datafile_fail(c, "\"%s\" is empty", key);
    if (json_array_size(a) > max)
        return datafile_fail(c, "\"%s\" has %zu entries (at most %zu)", key, json_array_size(a), max);
    *out = a;
    return 0;
}
