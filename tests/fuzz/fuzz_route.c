/*
 * fuzz_route.c - libFuzzer target for route_match_path. The input is
 * "METHOD path" (split at the first space) matched against a fixed table
 * shaped like the application's. Checks that parameters never contain "."
 * or ".." segments, empty segments or NUL, and that 405 carries Allow.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const route table[] = {
    {"GET", "/", NULL, 0},
    {"GET", "/healthz", NULL, 0},
    {"GET", "/static/{*}", NULL, 0},
    {"GET", "/api/v1/situations", NULL, 0},
    {"POST", "/api/v1/situations", NULL, 0},
    {"GET", "/api/v1/situations/{id}", NULL, 0},
    {"PUT", "/api/v1/situations/{id}", NULL, 0},
    {"DELETE", "/api/v1/situations/{id}", NULL, 0},
    {"GET", "/api/v1/meetings/{id}/calendar.ics", NULL, 0},
    {"POST", "/api/v1/situations/{sid}/notes/{nid}", NULL, 0},
    {"POST", "/login", NULL, 0},
};

static void check(int cond)
{
    if (!cond)
        __builtin_trap();
}

/* No "", "." or ".." between '/' separators. */
static int clean_rest(const char *p)
{
    for (;;) {
        const char *q = strchr(p, '/');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        if (!q)
            return 1;
        p = q + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sp = memchr(data, ' ', size);
    size_t mlen = sp ? (size_t)(sp - data) : 0;
    char *buf;
    arena *a;
    route_match m;
    const char *allow = NULL;
    int rc;

    if (!sp)
        return 0;
    /* One copy: "METHOD\0path\0"; NULs inside the input cut the strings. */
    buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    buf[mlen] = '\0';
    a = arena_new(4096);
    if (!a) {
        free(buf);
        return 0;
    }
    rc = route_match_path(table, sizeof(table) / sizeof(table[0]), buf, buf + mlen + 1, a,
                          &m, &allow);
    check(rc == ROUTE_OK || rc == ROUTE_NOT_FOUND || rc == ROUTE_METHOD_NOT_ALLOWED ||
          rc == ROUTE_BAD_PATH);
    if (rc == ROUTE_OK) {
        check(m.index >= 0 && (size_t)m.index < sizeof(table) / sizeof(table[0]));
        check(m.nparams <= ROUTE_MAX_PARAMS);
        for (size_t i = 0; i < m.nparams; i++) {
            check(m.params[i] != NULL && m.params[i][0] != '\0');
            check(clean_rest(m.params[i]));
            if (m.index != 2)
                check(strchr(m.params[i], '/') == NULL);
        }
    } else {
        check(m.index == -1 && m.nparams == 0);
    }
    check((rc == ROUTE_METHOD_NOT_ALLOWED) == (allow != NULL));
    if (allow)
        check(allow[0] != '\0');
    arena_free(a);
    free(buf);
    return 0;
}
