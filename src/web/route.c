/*
 * route.c - route table matcher; see route.h.
 *
 * The path is split and percent-decoded once, up front, so every route is
 * compared against the same canonical segments and no handler ever sees an
 * encoded '/', a NUL, invalid UTF-8, or a "." / ".." segment (path traversal
 * is refused here, before any handler or file lookup; ASVS 12.3.1).
 * Patterns are parsed on every call: tables are short and static.
 */
#include "web/route.h"

#include <string.h>

#include "lib/form.h"

#define ROUTE_MAX_PATH 2048

typedef struct segment {
    const char *s; /* decoded, NUL-terminated */
    size_t len;
} segment;

/* Splits and decodes path (already checked: starts with '/', bounded) into
 * *segs. *trailing is set when the path ends in '/' after a segment. */
static int split_path(arena *a, const char *path, size_t plen, segment **segs, size_t *nseg,
                      int *trailing)
{
    const char *p = path + 1, *end = path + plen;
    size_t max = 0, k = 0;
    segment *v;

    *segs = NULL;
    *nseg = 0;
    *trailing = 0;
    if (p == end)
        return ROUTE_OK; /* "/" */
    for (const char *q = path; q < end; q++)
        if (*q == '/')
            max++;
    v = arena_alloc(a, max * sizeof(*v));
    if (!v)
        return ROUTE_BAD_PATH;
    for (;;) {
        const char *q = memchr(p, '/', (size_t)(end - p));
        size_t len;
        char *d;

        if (!q)
            q = end;
        len = (size_t)(q - p);
        if (len == 0) {
            if (q == end) {
                *trailing = 1;
                break;
            }
            return ROUTE_BAD_PATH; /* "//" */
        }
        if (url_decode_segment(a, p, len, &d) < 0)
            return ROUTE_BAD_PATH;
        /* Checked after decoding so "%2e%2E" is refused as well. */
        if (strcmp(d, ".") == 0 || strcmp(d, "..") == 0)
            return ROUTE_BAD_PATH;
        v[k].s = d;
        v[k].len = strlen(d);
        k++;
        if (q == end)
            break;
        p = q + 1;
    }
    *segs = v;
    *nseg = k;
    return ROUTE_OK;
}

/* Joins segs[0..n) with '/' for a {*} parameter. */
static const char *join_rest(arena *a, const segment *segs, size_t n)
{
    size_t total = 0, off = 0;
    char *d;

    for (size_t i = 0; i < n; i++)
        total += segs[i].len + 1;
    d = arena_alloc(a, total);
    if (!d)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (i)
            d[off++] = '/';
        memcpy(d + off, segs[i].s, segs[i].len);
        off += segs[i].len;
    }
    d[off] = '\0';
    return d;
}

/* 1 if pattern matches segs, else 0; -1 on out-of-memory. When m is given
 * the parameters are stored there (from arena a). A pattern with too many
 * parameters, or with {*} not last, never matches. */
static int pattern_match(const char *pattern, const segment *segs, size_t nseg, arena *a,
                         route_match *m)
{
    const char *p;
    size_t i = 0, np = 0;

    if (!pattern || pattern[0] != '/')
        return 0;
    p = pattern + 1;
    if (*p == '\0')
        return nseg == 0;
    for (;;) {
        const char *q = strchr(p, '/');
        size_t len;

        if (!q)
            q = p + strlen(p);
        len = (size_t)(q - p);
        if (len == 3 && memcmp(p, "{*}", 3) == 0) {
            if (*q != '\0' || i >= nseg || np >= ROUTE_MAX_PARAMS)
                return 0;
            if (m) {
                const char *rest = join_rest(a, segs + i, nseg - i);
                if (!rest)
                    return -1;
                m->params[np] = rest;
            }
            np++;
            i = nseg;
            break;
        }
        if (len >= 2 && p[0] == '{' && p[len - 1] == '}') {
            if (i >= nseg || np >= ROUTE_MAX_PARAMS)
                return 0;
            if (m)
                m->params[np] = segs[i].s;
            np++;
            i++;
        } else {
            if (i >= nseg || segs[i].len != len || memcmp(segs[i].s, p, len) != 0)
                return 0;
            i++;
        }
        if (*q == '\0')
            break;
        p = q + 1;
    }
    if (i != nseg)
        return 0;
    if (m)
        m->nparams = np;
    return 1;
}

static int method_ok(const char *route_method, const char *method)
{
    if (!route_method)
        return 0;
    if (strcmp(route_method, method) == 0)
        return 1;
    return strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0;
}

/* Adds name to list[0..*k) unless already there. */
static void allow_add(const char **list, size_t *k, const char *name)
{
    for (size_t i = 0; i < *k; i++)
        if (strcmp(list[i], name) == 0)
            return;
    list[(*k)++] = name;
}

/* Builds the Allow header value for the routes whose pattern matches. */
static const char *build_allow(const route *routes, size_t n, const segment *segs,
                               size_t nseg, arena *a)
{
    const char **list;
    size_t k = 0, total = 1, off = 0;
    char *d;

    if (n > (size_t)-1 / (2 * sizeof(*list)))
        return NULL;
    list = arena_alloc(a, 2 * n * sizeof(*list));
    if (!list)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!routes[i].method || pattern_match(routes[i].pattern, segs, nseg, NULL, NULL) != 1)
            continue;
        allow_add(list, &k, routes[i].method);
        if (strcmp(routes[i].method, "GET") == 0)
            allow_add(list, &k, "HEAD");
    }
    for (size_t i = 0; i < k; i++)
        total += strlen(list[i]) + 2;
    d = arena_alloc(a, total);
    if (!d)
        return NULL;
    for (size_t i = 0; i < k; i++) {
        size_t len = strlen(list[i]);
        if (i) {
            memcpy(d + off, ", ", 2);
            off += 2;
        }
        memcpy(d + off, list[i], len);
        off += len;
    }
    d[off] = '\0';
    return d;
}

int route_match_path(const route *routes, size_t n, const char *method, const char *path,
                     arena *a, route_match *m, const char **allow)
{
    segment *segs = NULL;
    size_t nseg = 0, plen;
    int trailing = 0, path_matched = 0, rc;

    if (allow)
        *allow = NULL;
    if (!m)
        return ROUTE_BAD_PATH;
    memset(m, 0, sizeof(*m));
    m->index = -1;
    if (!method || !path || !a || (!routes && n))
        return ROUTE_BAD_PATH;
    plen = strnlen(path, ROUTE_MAX_PATH + 1);
    if (plen > ROUTE_MAX_PATH || path[0] != '/')
        return ROUTE_BAD_PATH;
    rc = split_path(a, path, plen, &segs, &nseg, &trailing);
    if (rc != ROUTE_OK)
        return rc;
    if (trailing)
        return ROUTE_NOT_FOUND; /* "/x/" is not "/x" */

    for (size_t i = 0; i < n; i++) {
        int r = pattern_match(routes[i].pattern, segs, nseg, NULL, NULL);
        if (r != 1)
            continue;
        if (!method_ok(routes[i].method, method)) {
            path_matched = 1;
            continue;
        }
        if (pattern_match(routes[i].pattern, segs, nseg, a, m) != 1) {
            memset(m, 0, sizeof(*m));
            m->index = -1;
            return ROUTE_BAD_PATH; /* out of memory */
        }
        m->index = (int)i;
        return ROUTE_OK;
    }
    if (!path_matched)
        return ROUTE_NOT_FOUND;
    if (allow) {
        *allow = build_allow(routes, n, segs, nseg, a);
        if (!*allow)
            return ROUTE_BAD_PATH; /* out of memory */
    }
    return ROUTE_METHOD_NOT_ALLOWED;
}
