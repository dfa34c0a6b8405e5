/*
 * test_route.c - unit tests for src/web/route.c against a table shaped like
 * the real one. Each row gives method, path, and the exact expected status,
 * route index, parameters and Allow value.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "web/route.h"

enum {
    R_ROOT,
    R_HEALTH,
    R_STATIC,
    R_SIT_LIST,
    R_SIT_CREATE,
    R_SIT_GET,
    R_SIT_UPDATE,
    R_SIT_DELETE,
    R_CAL,
    R_NOTE,
    R_LOGIN_POST,
    R_HEAD_ONLY,
    R_COUNT
};

static const route table[] = {
    [R_ROOT] = {"GET", "/", NULL, 0},
    [R_HEALTH] = {"GET", "/healthz", NULL, 0},
    [R_STATIC] = {"GET", "/static/{*}", NULL, 0},
    [R_SIT_LIST] = {"GET", "/api/v1/situations", NULL, 0},
    [R_SIT_CREATE] = {"POST", "/api/v1/situations", NULL, 0},
    [R_SIT_GET] = {"GET", "/api/v1/situations/{id}", NULL, 0},
    [R_SIT_UPDATE] = {"PUT", "/api/v1/situations/{id}", NULL, 0},
    [R_SIT_DELETE] = {"DELETE", "/api/v1/situations/{id}", NULL, 0},
    [R_CAL] = {"GET", "/api/v1/meetings/{id}/calendar.ics", NULL, 0},
    [R_NOTE] = {"POST", "/api/v1/situations/{sid}/notes/{nid}", NULL, 0},
    [R_LOGIN_POST] = {"POST", "/login", NULL, 0},
    [R_HEAD_ONLY] = {"HEAD", "/probe", NULL, 0},
};

struct route_case {
    const char *method;
    const char *path;
    int rc;
    int index;
    size_t nparams;
    const char *params[ROUTE_MAX_PARAMS];
    const char *allow;
};

static const struct route_case cases[] = {
    /* exact */
    {"GET", "/", ROUTE_OK, R_ROOT, 0, {NULL}, NULL},
    {"GET", "/healthz", ROUTE_OK, R_HEALTH, 0, {NULL}, NULL},
    {"GET", "/api/v1/situations", ROUTE_OK, R_SIT_LIST, 0, {NULL}, NULL},
    {"POST", "/api/v1/situations", ROUTE_OK, R_SIT_CREATE, 0, {NULL}, NULL},
    {"POST", "/login", ROUTE_OK, R_LOGIN_POST, 0, {NULL}, NULL},
    {"GET", "/healthzz", ROUTE_NOT_FOUND, -1, 0, {NULL}, NULL},
    {"GET", "/health", ROUTE_NOT_FOUND, -1, 0, {NULL}, NULL},
    {"GET", "/HEALTHZ", ROUTE_NOT_FOUND, -1, 0, {NULL}, NULL},
    {"GET", "/nope", ROUTE_NOT_FOUND, -1, 0, {NULL}, NULL},
    {"GET", "/api/v1", ROUTE_NOT_FOUND, -1, 0, {NULL}, NULL},
    /* literal segments compare decoded */
    {"GET", "/%68ealthz", ROUTE_OK, R_HEALTH, 0, {NULL}, NULL},
    /* params */
    {"GET", "/api/v1/situations/42", ROUTE_OK, R_SIT_GET, 1, {"42"}, NULL},
    {"PUT", "/api/v1/situations/abc-def", ROUTE_OK, R_SIT_UPDATE, 1, {"abc-def"}, NULL},
    {"DELETE", "/api/v1/situations/7", ROUTE_OK, R_SIT_DELETE, 1, {"7"}, NULL},
    {"GET", "/api/v1/meetings/m1/calendar.ics", ROUTE_OK, R_CAL, 1, {"m1"}, NULL},
    {"POST", "/api/v1/situations/s1/notes/n2", ROUTE_OK, R_NOTE, 2, {"s1", "n2"}, NULL},
    {"GET", "/api/v1/meetings/m1/calendar.icsx", ROUTE_NOT_FOUND, -1, 0, {NULL}, NULL},
    {"GET", "/api/v1/meetings/m1", ROUTE_NOT_FOUND, -1, 0, {NULL}, NULL},
    {"GET", "/api/v1/situations/1/2", ROUTE_NOT_FOUND, -1, 0, {NULL}, NULL},
    {"GET", "/api/v1/situations/%C3%A9t%C3%A9", ROUTE_OK, R_SIT_GET, 1,
     {"\xC3\xA9t\xC3\xA9"}, NULL},
    {"GET", "/api/v1/situations/a%20b", ROUTE_OK, R_SIT_GET, 1, {"a b"}, NULL},
    {"GET", "/api/v1/situations/a+b", ROUTE_OK, R_SIT_GET, 1, {"a+b"}, NULL},
    {"GET", "/api/v1/situations/%7B%7D", ROUTE_OK, R_SIT_GET, 1, {"{}"}, NULL},
    /* {*} */
    {"GET", "/static/app.css", ROUTE_OK, R_STATIC, 1, {"app.css"}, NULL},
    {"GET", "/static/vendor/pico.min.css", ROUTE_OK, R_STATIC, 1, {"vendor/pico.min.css"},
     NULL},
    {"GET", "/static/a/b/c/d", ROUTE_OK, R_STATIC, 1, {"a/b/c/d"}, NULL},
    {"GET", "/static/%C3%A9.txt", ROUTE_OK, R_STATIC, 1, {"\xC3\xA9.txt"}, NULL},
    {"GET", "/static", ROUTE_NOT_FOUND, -1, 0, {NULL}, NULL},
    {"GET", "/static/", ROUTE_NOT_FOUND, -1, 0, {NULL}, NULL},
    {"GET", "/static/a/", ROUTE_NOT_FOUND, -1, 0, {NULL}, NULL},
    {"GET", "/static/../etc/passwd", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/static/a/%2e%2e/b", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/static/a%2Fb", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    /* trailing slash */
    {"GET", "/healthz/", ROUTE_NOT_FOUND, -1, 0, {NULL}, NULL},
    {"GET", "/api/v1/situations/", ROUTE_NOT_FOUND, -1, 0, {NULL}, NULL},
    {"POST", "/login/", ROUTE_NOT_FOUND, -1, 0, {NULL}, NULL},
    /* 405 with Allow */
    {"POST", "/healthz", ROUTE_METHOD_NOT_ALLOWED, -1, 0, {NULL}, "GET, HEAD"},
    {"DELETE", "/api/v1/situations", ROUTE_METHOD_NOT_ALLOWED, -1, 0, {NULL},
     "GET, HEAD, POST"},
    {"POST", "/api/v1/situations/1", ROUTE_METHOD_NOT_ALLOWED, -1, 0, {NULL},
     "GET, HEAD, PUT, DELETE"},
    {"GET", "/login", ROUTE_METHOD_NOT_ALLOWED, -1, 0, {NULL}, "POST"},
    {"HEAD", "/login", ROUTE_METHOD_NOT_ALLOWED, -1, 0, {NULL}, "POST"},
    {"get", "/healthz", ROUTE_METHOD_NOT_ALLOWED, -1, 0, {NULL}, "GET, HEAD"},
    {"GET", "/probe", ROUTE_METHOD_NOT_ALLOWED, -1, 0, {NULL}, "HEAD"},
    /* HEAD -> GET */
    {"HEAD", "/healthz", ROUTE_OK, R_HEALTH, 0, {NULL}, NULL},
    {"HEAD", "/", ROUTE_OK, R_ROOT, 0, {NULL}, NULL},
    {"HEAD", "/static/x.js", ROUTE_OK, R_STATIC, 1, {"x.js"}, NULL},
    {"HEAD", "/api/v1/situations/9", ROUTE_OK, R_SIT_GET, 1, {"9"}, NULL},
    {"HEAD", "/probe", ROUTE_OK, R_HEAD_ONLY, 0, {NULL}, NULL},
    /* bad paths */
    {"GET", "", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "healthz", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "*", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "//", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "//healthz", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/api//v1/situations", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/.", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/..", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/../healthz", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/api/v1/situations/..", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/api/v1/situations/.", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/api/v1/situations/%2E%2E", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/api/v1/situations/%2e", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/..%2Fhealthz", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/api/v1/situations/%2F", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/api/v1/situations/%", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/api/v1/situations/%4", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/api/v1/situations/%G1", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/api/v1/situations/%00", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/api/v1/situations/%FF", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/api/v1/situations/%C0%AF", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/api/v1/situations/\xFF", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    /* a bad segment is refused even where no route would match */
    {"GET", "/nowhere/%zz", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    {"GET", "/nowhere/../", ROUTE_BAD_PATH, -1, 0, {NULL}, NULL},
    /* "..." and ".x" are ordinary names */
    {"GET", "/api/v1/situations/...", ROUTE_OK, R_SIT_GET, 1, {"..."}, NULL},
    {"GET", "/static/.well-known", ROUTE_OK, R_STATIC, 1, {".well-known"}, NULL},
};

static void check(const route *routes, size_t n, const struct route_case *c)
{
    arena *a = arena_new(0);
    route_match m;
    const char *allow = "sentinel";
    assert_non_null(a);
    int rc = route_match_path(routes, n, c->method, c->path, a, &m, &allow);
    if (rc != c->rc)
        fail_msg("%s %s: rc %d, want %d", c->method, c->path, rc, c->rc);
    if (m.index != c->index)
        fail_msg("%s %s: index %d, want %d", c->method, c->path, m.index, c->index);
    if (m.nparams != c->nparams)
        fail_msg("%s %s: nparams %zu, want %zu", c->method, c->path, m.nparams, c->nparams);
    for (size_t i = 0; i < c->nparams; i++)
        if (!m.params[i] || strcmp(m.params[i], c->params[i]) != 0)
            fail_msg("%s %s: param %zu '%s', want '%s'", c->method, c->path, i,
                     m.params[i] ? m.params[i] : "(null)", c->params[i]);
    if (c->allow) {
        if (!allow || strcmp(allow, c->allow) != 0)
            fail_msg("%s %s: Allow '%s', want '%s'", c->method, c->path,
                     allow ? allow : "(null)", c->allow);
    } else if (allow != NULL) {
        fail_msg("%s %s: Allow set to '%s'", c->method, c->path, allow);
    }
    arena_free(a);
}

static void test_route_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check(table, R_COUNT, &cases[i]);
}

static void test_route_first_match_wins(void **state)
{
    (void)state;
    static const route overlap[] = {
        {"GET", "/a/{x}", NULL, 0},
        {"GET", "/a/b", NULL, 0},
        {"GET", "/{*}", NULL, 0},
    };
    static const struct route_case rows[] = {
        {"GET", "/a/b", ROUTE_OK, 0, 1, {"b"}, NULL},
        {"GET", "/a/c", ROUTE_OK, 0, 1, {"c"}, NULL},
        {"GET", "/a/b/c", ROUTE_OK, 2, 1, {"a/b/c"}, NULL},
        {"GET", "/z", ROUTE_OK, 2, 1, {"z"}, NULL},
        {"GET", "/", ROUTE_NOT_FOUND, -1, 0, {NULL}, NULL},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        check(overlap, 3, &rows[i]);
}

static void test_route_allow_dedup(void **state)
{
    (void)state;
    /* Several routes for one path and method: Allow names each once, and
     * HEAD given explicitly is not repeated. */
    static const route dup[] = {
        {"GET", "/x/{id}", NULL, 0},
        {"GET", "/x/{*}", NULL, 0},
        {"HEAD", "/x/{id}", NULL, 0},
        {"POST", "/x/{id}", NULL, 0},
        {"POST", "/x/y", NULL, 0},
    };
    static const struct route_case rows[] = {
        {"PATCH", "/x/y", ROUTE_METHOD_NOT_ALLOWED, -1, 0, {NULL}, "GET, HEAD, POST"},
        {"PATCH", "/x/y/z", ROUTE_METHOD_NOT_ALLOWED, -1, 0, {NULL}, "GET, HEAD"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        check(dup, 5, &rows[i]);
}

static void test_route_too_many_params(void **state)
{
    (void)state;
    /* A pattern with more parameters than ROUTE_MAX_PARAMS never matches;
     * exactly ROUTE_MAX_PARAMS does. */
    static const route many[] = {
        {"GET", "/{a}/{b}/{c}/{d}/{e}", NULL, 0},
        {"GET", "/{a}/{b}/{c}/{d}", NULL, 0},
    };
    static const struct route_case rows[] = {
        {"GET", "/1/2/3/4/5", ROUTE_NOT_FOUND, -1, 0, {NULL}, NULL},
        {"GET", "/1/2/3/4", ROUTE_OK, 1, 4, {"1", "2", "3", "4"}, NULL},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        check(many, 2, &rows[i]);
}

static void test_route_bad_star_patterns(void **state)
{
    (void)state;
    /* {*} must be the last pattern segment and counts as a parameter. */
    static const route bad[] = {
        {"GET", "/a/{*}/b", NULL, 0},
        {"GET", "/{a}/{b}/{c}/{d}/{*}", NULL, 0},
        {"GET", "/{*}", NULL, 0},
    };
    static const struct route_case rows[] = {
        {"GET", "/a/x/b", ROUTE_OK, 2, 1, {"a/x/b"}, NULL},
        {"GET", "/1/2/3/4/5", ROUTE_OK, 2, 1, {"1/2/3/4/5"}, NULL},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        check(bad, 3, &rows[i]);
}

static void test_route_length_limit(void **state)
{
    (void)state;
    /* "/static/" + 'a' * k: exactly 2048 bytes matches, 2049 is refused. */
    static const struct {
        size_t len;
        int rc;
    } rows[] = {{2047, ROUTE_OK}, {2048, ROUTE_OK}, {2049, ROUTE_BAD_PATH}, {10000, ROUTE_BAD_PATH}};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *path = test_malloc(rows[i].len + 1);
        arena *a = arena_new(0);
        route_match m;
        const char *allow;
        assert_non_null(a);
        memcpy(path, "/static/", 8);
        memset(path + 8, 'a', rows[i].len - 8);
        path[rows[i].len] = '\0';
        int rc = route_match_path(table, R_COUNT, "GET", path, a, &m, &allow);
        if (rc != rows[i].rc)
            fail_msg("path of %zu bytes: rc %d, want %d", rows[i].len, rc, rows[i].rc);
        if (rc == ROUTE_OK)
            assert_int_equal(strlen(m.params[0]), rows[i].len - 8);
        arena_free(a);
        test_free(path);
    }
}

static void test_route_many_segments(void **state)
{
    (void)state;
    /* "/static/a/a/.../a" with 1000 segments joins back to the same text. */
    char path[2048];
    size_t off = 0;
    arena *a = arena_new(0);
    route_match m;
    assert_non_null(a);
    memcpy(path, "/static", 7);
    off = 7;
    for (int i = 0; i < 1000; i++) {
        path[off++] = '/';
        path[off++] = 'a';
    }
    path[off] = '\0';
    assert_int_equal(route_match_path(table, R_COUNT, "GET", path, a, &m, NULL), ROUTE_OK);
    assert_int_equal(m.index, R_STATIC);
    assert_string_equal(m.params[0], path + 8);
    arena_free(a);
}

static void test_route_null_args(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    route_match m;
    const char *allow = "x";
    assert_non_null(a);
    assert_int_equal(route_match_path(table, R_COUNT, NULL, "/", a, &m, &allow), ROUTE_BAD_PATH);
    assert_null(allow);
    assert_int_equal(route_match_path(table, R_COUNT, "GET", NULL, a, &m, NULL), ROUTE_BAD_PATH);
    assert_int_equal(route_match_path(table, R_COUNT, "GET", "/", NULL, &m, NULL), ROUTE_BAD_PATH);
    assert_int_equal(route_match_path(table, R_COUNT, "GET", "/", a, NULL, NULL), ROUTE_BAD_PATH);
    assert_int_equal(route_match_path(NULL, 0, "GET", "/", a, &m, NULL), ROUTE_NOT_FOUND);
    /* 405 without an allow pointer is still 405 */
    assert_int_equal(route_match_path(table, R_COUNT, "POST", "/", a, &m, NULL),
                     ROUTE_METHOD_NOT_ALLOWED);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_table),
        cmocka_unit_test(test_route_first_match_wins),
        cmocka_unit_test(test_route_allow_dedup),
        cmocka_unit_test(test_route_too_many_params),
        cmocka_unit_test(test_route_bad_star_patterns),
        cmocka_unit_test(test_route_length_limit),
        cmocka_unit_test(test_route_many_segments),
        cmocka_unit_test(test_route_null_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
