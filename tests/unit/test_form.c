/*
 * test_form.c - unit tests for src/lib/form.c: UTF-8 validation, urlencoded
 * forms, URL path segments and strict JSON bodies. Table-driven: each row
 * names the input and the exact expected outcome.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "lib/form.h"

#define BYTES(s) s, sizeof(s) - 1

/* ---------------------------------------------------------------- UTF-8 */

struct utf8_case {
    const char *name;
    const char *s;
    size_t len;
    int valid;
};

static const struct utf8_case utf8_cases[] = {
    {"empty", BYTES(""), 1},
    {"ascii", BYTES("hello, world"), 1},
    {"2-byte e-acute", BYTES("\xC3\xA9"), 1},
    {"2-byte lowest U+0080", BYTES("\xC2\x80"), 1},
    {"2-byte highest U+07FF", BYTES("\xDF\xBF"), 1},
    {"3-byte euro", BYTES("\xE2\x82\xAC"), 1},
    {"3-byte lowest U+0800", BYTES("\xE0\xA0\x80"), 1},
    {"3-byte U+D7FF before surrogates", BYTES("\xED\x9F\xBF"), 1},
    {"3-byte U+E000 after surrogates", BYTES("\xEE\x80\x80"), 1},
    {"3-byte U+FFFF", BYTES("\xEF\xBF\xBF"), 1},
    {"4-byte emoji", BYTES("\xF0\x9F\x98\x80"), 1},
    {"4-byte lowest U+10000", BYTES("\xF0\x90\x80\x80"), 1},
    {"4-byte highest U+10FFFF", BYTES("\xF4\x8F\xBF\xBF"), 1},
    {"mixed", BYTES("a\xC3\xA9" "b\xE2\x82\xAC" "c\xF0\x9F\x98\x80" "d"), 1},
    {"NUL", BYTES("a\0b"), 0},
    {"NUL alone", BYTES("\0"), 0},
    {"overlong slash C0 AF", BYTES("\xC0\xAF"), 0},
    {"overlong C1 BF", BYTES("\xC1\xBF"), 0},
    {"overlong NUL C0 80", BYTES("\xC0\x80"), 0},
    {"overlong slash E0 80 AF", BYTES("\xE0\x80\xAF"), 0},
    {"overlong E0 9F BF", BYTES("\xE0\x9F\xBF"), 0},
    {"overlong F0 80 80 AF", BYTES("\xF0\x80\x80\xAF"), 0},
    {"overlong F0 8F BF BF", BYTES("\xF0\x8F\xBF\xBF"), 0},
    {"surrogate ED A0 80", BYTES("\xED\xA0\x80"), 0},
    {"surrogate ED BF BF", BYTES("\xED\xBF\xBF"), 0},
    {"surrogate pair encoded", BYTES("\xED\xA0\xBD\xED\xB8\x80"), 0},
    {"above max F4 90 80 80", BYTES("\xF4\x90\x80\x80"), 0},
    {"F5 lead", BYTES("\xF5\x80\x80\x80"), 0},
    {"FF byte", BYTES("\xFF"), 0},
    {"FE byte", BYTES("\xFE"), 0},
    {"stray continuation", BYTES("\x80"), 0},
    {"stray continuation after ascii", BYTES("a\xBF"), 0},
    {"truncated 2-byte", BYTES("\xC3"), 0},
    {"truncated 3-byte", BYTES("\xE2\x82"), 0},
    {"truncated 4-byte", BYTES("\xF0\x9F\x98"), 0},
    {"truncated then ascii", BYTES("\xE2\x82" "a"), 0},
    {"bad second continuation", BYTES("\xE2\x82\x41"), 0},
    {"bad third continuation", BYTES("\xF0\x9F\x98\x41"), 0},
    {"2-byte lead then lead", BYTES("\xC3\xC3\xA9"), 0},
};

static void test_utf8_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
        const struct utf8_case *c = &utf8_cases[i];
        int got = utf8_valid(c->s, c->len);
        if (got != c->valid)
            fail_msg("utf8 case '%s': got %d, want %d", c->name, got, c->valid);
    }
}

static void test_utf8_length_bound(void **state)
{
    (void)state;
    /* Only the first n bytes count: a truncated prefix is invalid, and bytes
     * after n are never read. */
    assert_false(utf8_valid("\xC3\xA9", 1));
    assert_true(utf8_valid("ab\xFF", 2));
    assert_true(utf8_valid(NULL, 0));
    assert_false(utf8_valid(NULL, 1));
}

/* ---------------------------------------------------------- urlencoded */

#define MAXF 6

struct form_case {
    const char *name;
    const char *body;
    int rc;
    size_t n;
    const char *kv[MAXF * 2]; /* name, value, ... */
};

static const struct form_case form_cases[] = {
    {"empty body", "", 0, 0, {NULL}},
    {"single", "a=1", 0, 1, {"a", "1"}},
    {"two", "a=1&b=2", 0, 2, {"a", "1", "b", "2"}},
    {"plus is space", "q=hello+world", 0, 1, {"q", "hello world"}},
    {"plus in name", "a+b=c", 0, 1, {"a b", "c"}},
    {"%20 is space", "q=hello%20world", 0, 1, {"q", "hello world"}},
    {"%2B is plus", "q=1%2B1", 0, 1, {"q", "1+1"}},
    {"uppercase hex", "q=%2F%3D%26", 0, 1, {"q", "/=&"}},
    {"lowercase hex", "q=%2f%3d%26", 0, 1, {"q", "/=&"}},
    {"encoded name", "%61%62=c", 0, 1, {"ab", "c"}},
    {"accent", "n=%C3%A9t%C3%A9", 0, 1, {"n", "\xC3\xA9t\xC3\xA9"}},
    {"raw utf-8", "n=\xC3\xA9", 0, 1, {"n", "\xC3\xA9"}},
    {"no equals", "flag", 0, 1, {"flag", ""}},
    {"no equals then pair", "flag&a=1", 0, 2, {"flag", "", "a", "1"}},
    {"empty value", "a=", 0, 1, {"a", ""}},
    {"empty name", "=v", 0, 1, {"", "v"}},
    {"second equals is value", "a=b=c", 0, 1, {"a", "b=c"}},
    {"empty pairs skipped", "a=1&&b=2", 0, 2, {"a", "1", "b", "2"}},
    {"leading and trailing &", "&a=1&", 0, 1, {"a", "1"}},
    {"only ampersands", "&&&", 0, 0, {NULL}},
    {"repeated names kept", "a=1&a=2", 0, 2, {"a", "1", "a", "2"}},
    {"lone percent", "%", -1, 0, {NULL}},
    {"percent at end of value", "a=1%", -1, 0, {NULL}},
    {"one hex digit", "a=%4", -1, 0, {NULL}},
    {"bad hex %G1", "a=%G1", -1, 0, {NULL}},
    {"bad hex second digit", "a=%1G", -1, 0, {NULL}},
    {"bad escape in name", "%zz=1", -1, 0, {NULL}},
    {"invalid utf-8 %FF", "a=%FF", -1, 0, {NULL}},
    {"invalid utf-8 in name", "%FF=1", -1, 0, {NULL}},
    {"overlong via escapes", "a=%C0%AF", -1, 0, {NULL}},
    {"surrogate via escapes", "a=%ED%A0%80", -1, 0, {NULL}},
    {"truncated via escapes", "a=%C3", -1, 0, {NULL}},
    {"raw invalid utf-8", "a=\xFF", -1, 0, {NULL}},
    {"NUL via %00", "a=%00", -1, 0, {NULL}},
    {"NUL via %00 in name", "a%00=1", -1, 0, {NULL}},
    {"bad pair after good", "a=1&b=%", -1, 0, {NULL}},
};

static void test_form_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(form_cases) / sizeof(form_cases[0]); i++) {
        const struct form_case *c = &form_cases[i];
        arena *a = arena_new(0);
        form f = {(form_field *)1, 99};
        assert_non_null(a);
        int rc = form_parse(a, c->body, strlen(c->body), &f);
        if (rc != c->rc)
            fail_msg("form case '%s': rc %d, want %d", c->name, rc, c->rc);
        if (rc < 0) {
            if (f.n != 0 || f.fields != NULL)
                fail_msg("form case '%s': output not cleared on error", c->name);
        } else {
            if (f.n != c->n)
                fail_msg("form case '%s': n %zu, want %zu", c->name, f.n, c->n);
            for (size_t k = 0; k < f.n; k++) {
                const char *wn = c->kv[2 * k], *wv = c->kv[2 * k + 1];
                if (strcmp(f.fields[k].name, wn) != 0)
                    fail_msg("form case '%s': field %zu name '%s', want '%s'", c->name, k,
                             f.fields[k].name, wn);
                if (strcmp(f.fields[k].value, wv) != 0)
                    fail_msg("form case '%s': field %zu value '%s', want '%s'", c->name, k,
                             f.fields[k].value, wv);
                if (f.fields[k].value_len != strlen(wv))
                    fail_msg("form case '%s': field %zu value_len %zu, want %zu", c->name,
                             k, f.fields[k].value_len, strlen(wv));
            }
        }
        arena_free(a);
    }
}

static void test_form_get(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    form f;
    assert_non_null(a);
    assert_int_equal(form_parse(a, BYTES("a=1&b=two+words&a=2&c"), &f), 0);
    assert_string_equal(form_get(&f, "a"), "1"); /* first wins */
    assert_string_equal(form_get(&f, "b"), "two words");
    assert_string_equal(form_get(&f, "c"), "");
    assert_null(form_get(&f, "d"));
    assert_null(form_get(&f, "A"));
    assert_null(form_get(&f, NULL));
    assert_null(form_get(NULL, "a"));
    arena_free(a);
}

static void test_form_length_bound(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    form f;
    assert_non_null(a);
    /* Only len bytes are parsed: "a=1&b" of "a=1&b=2". */
    assert_int_equal(form_parse(a, "a=1&b=2", 5, &f), 0);
    assert_int_equal(f.n, 2);
    assert_string_equal(f.fields[1].name, "b");
    assert_string_equal(f.fields[1].value, "");
    /* A raw NUL byte inside the body is refused. */
    assert_int_equal(form_parse(a, "a=\0b", 4, &f), -1);
    assert_int_equal(form_parse(a, NULL, 0, &f), 0);
    assert_int_equal(f.n, 0);
    arena_free(a);
}

/* Builds "f0=x&f1=x&...": count fields, optionally with empty pairs in
 * between, which must not count. */
static char *many_fields(size_t count, int with_empty)
{
    size_t cap = count * 16 + 1, off = 0;
    char *s = test_malloc(cap);
    for (size_t i = 0; i < count; i++) {
        int w = snprintf(s + off, cap - off, "%sf%zu=x%s", i ? "&" : "", i,
                         with_empty ? "&" : "");
        assert_true(w > 0 && (size_t)w < cap - off);
        off += (size_t)w;
    }
    s[off] = '\0';
    return s;
}

static void test_form_field_limit(void **state)
{
    (void)state;
    static const struct {
        size_t count;
        int with_empty;
        int rc;
    } rows[] = {
        {999, 0, 0}, {1000, 0, 0}, {1000, 1, 0}, {1001, 0, -1}, {1001, 1, -1}, {5000, 0, -1},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        arena *a = arena_new(0);
        char *body = many_fields(rows[i].count, rows[i].with_empty);
        form f;
        assert_non_null(a);
        int rc = form_parse(a, body, strlen(body), &f);
        if (rc != rows[i].rc)
            fail_msg("%zu fields (empty pairs %d): rc %d, want %d", rows[i].count,
                     rows[i].with_empty, rc, rows[i].rc);
        if (rc == 0) {
            assert_int_equal(f.n, rows[i].count);
            assert_string_equal(f.fields[f.n - 1].value, "x");
        }
        test_free(body);
        arena_free(a);
    }
}

/* ------------------------------------------------------ path segments */

struct seg_case {
    const char *in;
    int rc;
    const char *out;
};

static const struct seg_case seg_cases[] = {
    {"abc", 0, "abc"},
    {"", 0, ""},
    {"a+b", 0, "a+b"}, /* no '+' handling in paths */
    {"a%20b", 0, "a b"},
    {"%C3%A9", 0, "\xC3\xA9"},
    {"%c3%a9", 0, "\xC3\xA9"},
    {"%2e%2E", 0, ".."}, /* decoding only; the router refuses it */
    {"100%25", 0, "100%"},
    {"%2F", -1, NULL},
    {"%2f", -1, NULL},
    {"a%2Fb", -1, NULL},
    {"a/b", -1, NULL},
    {"%", -1, NULL},
    {"%4", -1, NULL},
    {"%G1", -1, NULL},
    {"%00", -1, NULL},
    {"%FF", -1, NULL},
    {"%C0%AF", -1, NULL},
    {"%ED%A0%80", -1, NULL},
    {"\xC3", -1, NULL},
};

static void test_url_decode_segment_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(seg_cases) / sizeof(seg_cases[0]); i++) {
        const struct seg_case *c = &seg_cases[i];
        arena *a = arena_new(0);
        char *out = (char *)1;
        assert_non_null(a);
        int rc = url_decode_segment(a, c->in, strlen(c->in), &out);
        if (rc != c->rc)
            fail_msg("segment '%s': rc %d, want %d", c->in, rc, c->rc);
        if (rc == 0 && strcmp(out, c->out) != 0)
            fail_msg("segment '%s': got '%s', want '%s'", c->in, out, c->out);
        if (rc < 0 && out != NULL)
            fail_msg("segment '%s': out not cleared on error", c->in);
        arena_free(a);
    }
}

static void test_url_decode_segment_length_bound(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    char *out;
    assert_non_null(a);
    assert_int_equal(url_decode_segment(a, "ab/cd", 2, &out), 0);
    assert_string_equal(out, "ab");
    /* "%2" of "%20": the escape is cut by n. */
    assert_int_equal(url_decode_segment(a, "%20", 2, &out), -1);
    arena_free(a);
}

/* ---------------------------------------------------------------- JSON */

struct json_case {
    const char *name;
    const char *body;
    size_t len; /* 0: strlen(body) */
    int rc;
    const char *err; /* expected error prefix */
};

static const struct json_case json_cases[] = {
    {"empty object", "{}", 0, 0, NULL},
    {"referral",
     "{\"summary\":\"r\xC3\xA9sum\xC3\xA9\",\"persons\":[{\"ref\":\"v1\",\"role\":\"victim\"}],"
     "\"consent\":{\"status\":\"given\"}}",
     0, 0, NULL},
    {"whitespace around", " \n{\"a\":1}\n ", 0, 0, NULL},
    {"escaped unicode", "{\"a\":\"\\u00e9\\ud83d\\ude00\"}", 0, 0, NULL},
    {"empty body", "", 0, -1, "empty body"},
    {"only whitespace", "   ", 0, -1, "syntax error at line"},
    {"top-level array", "[1,2]", 0, -1, "not a JSON object"},
    {"top-level array of objects", "[{}]", 0, -1, "not a JSON object"},
    {"top-level string", "\"x\"", 0, -1, NULL},
    {"top-level number", "1", 0, -1, NULL},
    {"top-level null", "null", 0, -1, NULL},
    {"duplicate key", "{\"a\":1,\"a\":2}", 0, -1, "duplicate key"},
    {"nested duplicate key", "{\"o\":{\"k\":1,\"k\":1}}", 0, -1, "duplicate key"},
    {"escaped NUL in value", "{\"a\":\"x\\u0000y\"}", 0, -1, "NUL character"},
    {"escaped NUL in key", "{\"a\\u0000\":1}", 0, -1, "NUL character"},
    {"raw NUL byte", "{\"a\":\"\0\"}", 9, -1, "NUL byte"},
    {"invalid utf-8 FF", "{\"a\":\"\xFF\"}", 0, -1, "invalid UTF-8"},
    {"overlong in string", "{\"a\":\"\xC0\xAF\"}", 0, -1, "invalid UTF-8"},
    {"surrogate in string", "{\"a\":\"\xED\xA0\x80\"}", 0, -1, "invalid UTF-8"},
    {"lone escaped surrogate", "{\"a\":\"\\ud800\"}", 0, -1, "syntax error"},
    {"trailing garbage", "{} x", 0, -1, "syntax error at line 1 column"},
    {"two objects", "{}{}", 0, -1, "syntax error"},
    {"trailing comma", "{\"a\":1,}", 0, -1, "syntax error"},
    {"unterminated", "{\"a\":", 0, -1, "syntax error"},
    {"single quotes", "{'a':1}", 0, -1, "syntax error"},
    {"huge integer", "{\"a\":123456789012345678901234567890}", 0, -1, "number out of range"},
    {"syntax error position", "{\n  \"a\" 1}", 0, -1, "syntax error at line 2 column"},
};

static void test_json_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++) {
        const struct json_case *c = &json_cases[i];
        size_t len = c->len ? c->len : strlen(c->body);
        json_t *out = (json_t *)1;
        char err[128] = "sentinel";
        int rc = json_body_parse(c->body, len, &out, err, sizeof(err));
        if (rc != c->rc)
            fail_msg("json case '%s': rc %d, want %d (err '%s')", c->name, rc, c->rc, err);
        if (rc == 0) {
            if (!json_is_object(out))
                fail_msg("json case '%s': not an object", c->name);
            json_decref(out);
        } else {
            if (out != NULL)
                fail_msg("json case '%s': out not cleared on error", c->name);
            if (err[0] == '\0' || strcmp(err, "sentinel") == 0)
                fail_msg("json case '%s': no error text", c->name);
            if (c->err && strncmp(err, c->err, strlen(c->err)) != 0)
                fail_msg("json case '%s': err '%s', want prefix '%s'", c->name, err, c->err);
        }
    }
}

static void test_json_not_object_message(void **state)
{
    (void)state;
    /* jansson parses a top-level array by default; we refuse it ourselves. */
    json_t *out;
    char err[64];
    assert_int_equal(json_body_parse(BYTES("[]"), &out, err, sizeof(err)), -1);
    assert_string_equal(err, "not a JSON object");
    assert_null(out);
}

/* {"a":{"a":...{}...}} with depth nested containers; with use_array the
 * innermost one is an array. */
static char *nested(int depth, int use_array)
{
    size_t cap = (size_t)depth * 8 + 16, off = 0;
    char *s = test_malloc(cap);
    for (int i = 0; i < depth; i++) {
        if (i > 0) {
            memcpy(s + off, "\"a\":", 4);
            off += 4;
        }
        s[off++] = (use_array && i == depth - 1) ? '[' : '{';
    }
    for (int i = depth - 1; i >= 0; i--)
        s[off++] = (use_array && i == depth - 1) ? ']' : '}';
    s[off] = '\0';
    return s;
}

static void test_json_depth(void **state)
{
    (void)state;
    static const struct {
        int depth;
        int use_array;
        int rc;
    } rows[] = {
        {1, 0, 0},  {2, 0, 0},  {31, 0, 0},  {32, 0, 0},  {33, 0, -1},
        {100, 0, -1}, {32, 1, 0}, {33, 1, -1}, {3000, 0, -1},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *body = nested(rows[i].depth, rows[i].use_array);
        json_t *out = NULL;
        char err[128] = "";
        int rc = json_body_parse(body, strlen(body), &out, err, sizeof(err));
        if (rc != rows[i].rc)
            fail_msg("depth %d (array %d): rc %d, want %d (err '%s', body %.80s)",
                     rows[i].depth, rows[i].use_array, rc, rows[i].rc, err, body);
        if (rc < 0 && strcmp(err, "nesting too deep") != 0)
            fail_msg("depth %d: err '%s'", rows[i].depth, err);
        json_decref(out);
        test_free(body);
    }
}

static void test_json_nested_helper(void **state)
{
    (void)state;
    /* The depth test is only meaningful if nested() builds what it claims. */
    char *s = nested(3, 0);
    assert_string_equal(s, "{\"a\":{\"a\":{}}}");
    test_free(s);
    s = nested(3, 1);
    assert_string_equal(s, "{\"a\":{\"a\":[]}}");
    test_free(s);
}

static void test_json_null_err_buffer(void **state)
{
    (void)state;
    json_t *out = NULL;
    char err[8];
    /* No error buffer is fine; a short one is truncated, not overrun. */
    assert_int_equal(json_body_parse(BYTES("{"), &out, NULL, 0), -1);
    assert_int_equal(json_body_parse(BYTES("{\"a\":1,\"a\":1}"), &out, err, sizeof(err)), -1);
    assert_string_equal(err, "duplica");
    assert_int_equal(json_body_parse(BYTES("{}"), NULL, err, sizeof(err)), -1);
}

/* ----------------------------------------------------------- check_keys */

static void test_json_check_keys(void **state)
{
    (void)state;
    static const char *const allowed[] = {"summary", "persons", "consent", NULL};
    static const char *const none[] = {NULL};
    static const struct {
        const char *body;
        const char *const *allowed;
        int rc;
        const char *unknown;
    } rows[] = {
        {"{}", allowed, 0, NULL},
        {"{}", none, 0, NULL},
        {"{\"summary\":\"x\"}", allowed, 0, NULL},
        {"{\"summary\":\"x\",\"persons\":[],\"consent\":{}}", allowed, 0, NULL},
        {"{\"summary\":\"x\",\"admin\":true}", allowed, -1, "admin"},
        {"{\"Summary\":\"x\"}", allowed, -1, "Summary"},
        {"{\"summar\":\"x\"}", allowed, -1, "summar"},
        {"{\"summaryx\":\"x\"}", allowed, -1, "summaryx"},
        {"{\"a\":1}", none, -1, "a"},
        {"{\"a\":1}", NULL, -1, "a"},
        /* nested objects are not checked here, only the top level */
        {"{\"consent\":{\"extra\":1}}", allowed, 0, NULL},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        json_t *obj = NULL;
        char err[64];
        const char *unknown = "sentinel";
        assert_int_equal(json_body_parse(rows[i].body, strlen(rows[i].body), &obj, err,
                                         sizeof(err)),
                         0);
        int rc = json_body_check_keys(obj, rows[i].allowed, &unknown);
        if (rc != rows[i].rc)
            fail_msg("keys '%s': rc %d, want %d", rows[i].body, rc, rows[i].rc);
        if (rows[i].unknown) {
            if (!unknown || strcmp(unknown, rows[i].unknown) != 0)
                fail_msg("keys '%s': unknown '%s', want '%s'", rows[i].body,
                         unknown ? unknown : "(null)", rows[i].unknown);
        } else if (unknown != NULL) {
            fail_msg("keys '%s': unknown set on success", rows[i].body);
        }
        json_decref(obj);
    }
}

static void test_json_check_keys_not_object(void **state)
{
    (void)state;
    static const char *const allowed[] = {"a", NULL};
    json_t *arr = json_array();
    const char *unknown = "x";
    assert_non_null(arr);
    assert_int_equal(json_body_check_keys(arr, allowed, &unknown), -1);
    assert_null(unknown);
    assert_int_equal(json_body_check_keys(NULL, allowed, NULL), -1);
    json_decref(arr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_table),
        cmocka_unit_test(test_utf8_length_bound),
        cmocka_unit_test(test_form_table),
        cmocka_unit_test(test_form_get),
        cmocka_unit_test(test_form_length_bound),
        cmocka_unit_test(test_form_field_limit),
        cmocka_unit_test(test_url_decode_segment_table),
        cmocka_unit_test(test_url_decode_segment_length_bound),
        cmocka_unit_test(test_json_table),
        cmocka_unit_test(test_json_not_object_message),
        cmocka_unit_test(test_json_nested_helper),
        cmocka_unit_test(test_json_depth),
        cmocka_unit_test(test_json_null_err_buffer),
        cmocka_unit_test(test_json_check_keys),
        cmocka_unit_test(test_json_check_keys_not_object),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
