/*
 * test_totp.c - unit tests for src/sec/totp.c: RFC 6238 Appendix B vectors
 * (SHA1, 6-digit truncation), the ±1 step window, replay refusal, malformed
 * codes, base32 and the otpauth:// URI. ASVS 2.8.1.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "sec/totp.h"

/* RFC 6238 Appendix B: the SHA1 seed is the ASCII string below (20 bytes). */
static const unsigned char rfc_secret[TOTP_SECRET_BYTES + 1] = "12345678901234567890";

/* ------------------------------------------------------------ RFC vectors */

struct vector {
    time_t t;
    const char *code; /* last 6 digits of the RFC's 8-digit value */
};

static const struct vector vectors[] = {
    {59, "287082"},          /* 94287082 */
    {1111111109, "081804"},  /* 07081804 */
    {1111111111, "050471"},  /* 14050471 */
    {1234567890, "005924"},  /* 89005924 */
    {2000000000, "279037"},  /* 69279037 */
    {20000000000, "353130"}, /* 65353130 */
};

static void test_rfc6238_vectors(void **state)
{
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        char out[7];
        long long last = 0;
        assert_int_equal(totp_code_at(rfc_secret, vectors[i].t, out), 0);
        assert_string_equal(out, vectors[i].code);
        assert_int_equal(totp_verify(rfc_secret, vectors[i].code, vectors[i].t, &last), 0);
        assert_true(last == (long long)(vectors[i].t / 30));
    }
}

static void test_code_at_negative_time(void **state)
{
    char out[7];
    assert_int_equal(totp_code_at(rfc_secret, -1, out), -1);
}

/* ---------------------------------------------------------------- window */

static const time_t T = 1111111111;

static void code_at(time_t t, char out[7])
{
    assert_int_equal(totp_code_at(rfc_secret, t, out), 0);
}

static void test_window(void **state)
{
    char prev[7], next[7], before[7], after[7], now[7];
    long long last;

    code_at(T, now);
    code_at(T - 30, prev);
    code_at(T + 30, next);
    code_at(T - 60, before);
    code_at(T + 60, after);
    /* The test means nothing if two steps happen to share a code. */
    assert_string_not_equal(before, prev);
    assert_string_not_equal(before, now);
    assert_string_not_equal(before, next);
    assert_string_not_equal(after, prev);
    assert_string_not_equal(after, now);
    assert_string_not_equal(after, next);

    last = 0;
    assert_int_equal(totp_verify(rfc_secret, prev, T, &last), 0);
    assert_true(last == T / 30 - 1);
    last = 0;
    assert_int_equal(totp_verify(rfc_secret, next, T, &last), 0);
    assert_true(last == T / 30 + 1);
    last = 0;
    assert_int_equal(totp_verify(rfc_secret, before, T, &last), -1);
    assert_int_equal(totp_verify(rfc_secret, after, T, &last), -1);
    assert_true(last == 0); /* untouched on failure */
}

static void test_wrong_code(void **state)
{
    char now[7], wrong[7];
    long long last = 0;

    code_at(T, now);
    memcpy(wrong, now, sizeof wrong);
    wrong[5] = (char)(wrong[5] == '9' ? '0' : wrong[5] + 1);
    assert_int_equal(totp_verify(rfc_secret, wrong, T, &last), -1);
    assert_true(last == 0);
}

/* ---------------------------------------------------------------- replay */

static void test_replay_same_code(void **state)
{
    char now[7];
    long long last = 0;

    code_at(T, now);
    assert_int_equal(totp_verify(rfc_secret, now, T, &last), 0);
    assert_int_equal(totp_verify(rfc_secret, now, T, &last), -1);
    /* still refused a few seconds later, within the same step */
    assert_int_equal(totp_verify(rfc_secret, now, T + 5, &last), -1);
}

static void test_replay_older_step(void **state)
{
    char prev[7], now[7];
    long long last = 0;

    code_at(T - 30, prev);
    code_at(T, now);
    assert_int_equal(totp_verify(rfc_secret, now, T, &last), 0);
    assert_int_equal(totp_verify(rfc_secret, prev, T, &last), -1);
    assert_true(last == T / 30);
}

static void test_newer_step_after_older(void **state)
{
    char prev[7], now[7];
    long long last = 0;

    code_at(T - 30, prev);
    code_at(T, now);
    assert_int_equal(totp_verify(rfc_secret, prev, T, &last), 0);
    assert_int_equal(totp_verify(rfc_secret, now, T, &last), 0);
    assert_true(last == T / 30);
}

/* ------------------------------------------------------------- malformed */

static void test_malformed(void **state)
{
    static const char *const bad[] = {"12345", "1234567", "12a456", "", " 28708", "287082 ", "+87082", "２87082"};
    long long last = 0;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(totp_verify(rfc_secret, bad[i], 59, &last), -1);
    assert_int_equal(totp_verify(rfc_secret, NULL, 59, &last), -1);
    assert_int_equal(totp_verify(rfc_secret, "287082", 59, NULL), -1);
    assert_int_equal(totp_verify(rfc_secret, "287082", -1, &last), -1);
    assert_true(last == 0);
    /* and the good one still works after all that */
    assert_int_equal(totp_verify(rfc_secret, "287082", 59, &last), 0);
}

/* ---------------------------------------------------------------- base32 */

static void test_b32_rfc_secret(void **state)
{
    char b32[TOTP_B32_LEN + 1];
    unsigned char back[TOTP_SECRET_BYTES];

    assert_int_equal(totp_secret_b32(rfc_secret, b32), 0);
    assert_string_equal(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    assert_int_equal(totp_secret_from_b32(b32, back), 0);
    assert_memory_equal(back, rfc_secret, TOTP_SECRET_BYTES);
    /* lowercase accepted */
    assert_int_equal(totp_secret_from_b32("gezdgnbvgy3tqojqgezdgnbvgy3tqojq", back), 0);
    assert_memory_equal(back, rfc_secret, TOTP_SECRET_BYTES);
}

static void test_b32_round_trip_random(void **state)
{
    for (int i = 0; i < 64; i++) {
        unsigned char s[TOTP_SECRET_BYTES], back[TOTP_SECRET_BYTES];
        char b32[TOTP_B32_LEN + 1];

        assert_int_equal(totp_secret_new(s), 0);
        assert_int_equal(totp_secret_b32(s, b32), 0);
        assert_int_equal((int)strlen(b32), TOTP_B32_LEN);
        assert_int_equal((int)strspn(b32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), TOTP_B32_LEN);
        assert_int_equal(totp_secret_from_b32(b32, back), 0);
        assert_memory_equal(s, back, TOTP_SECRET_BYTES);
    }
}

static void test_b32_edge_bytes(void **state)
{
    unsigned char zero[TOTP_SECRET_BYTES], ones[TOTP_SECRET_BYTES], back[TOTP_SECRET_BYTES];
    char b32[TOTP_B32_LEN + 1];

    memset(zero, 0, sizeof zero);
    memset(ones, 0xff, sizeof ones);
    assert_int_equal(totp_secret_b32(zero, b32), 0);
    assert_string_equal(b32, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_int_equal(totp_secret_b32(ones, b32), 0);
    assert_string_equal(b32, "77777777777777777777777777777777");
    assert_int_equal(totp_secret_from_b32(b32, back), 0);
    assert_memory_equal(back, ones, TOTP_SECRET_BYTES);
}

static void test_b32_malformed(void **state)
{
    static const char *const bad[] = {
        "",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ",   /* 31 */
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQA", /* 33 */
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1",  /* 1 is not base32 */
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ=",
        "GEZDGNBV GY3TQOJQGEZDGNBVGY3TQOJ",
    };
    unsigned char back[TOTP_SECRET_BYTES];

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(totp_secret_from_b32(bad[i], back), -1);
    assert_int_equal(totp_secret_from_b32(NULL, back), -1);
}

static void test_secret_new_differs(void **state)
{
    unsigned char a[TOTP_SECRET_BYTES], b[TOTP_SECRET_BYTES];

    assert_int_equal(totp_secret_new(a), 0);
    assert_int_equal(totp_secret_new(b), 0);
    assert_memory_not_equal(a, b, TOTP_SECRET_BYTES);
}

/* ------------------------------------------------------------------- URI */

static void test_uri_plain(void **state)
{
    char out[256];

    assert_int_equal(totp_uri("filet", "alice", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", out, sizeof out), 0);
    assert_string_equal(out, "otpauth://totp/filet:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                             "&issuer=filet&algorithm=SHA1&digits=6&period=30");
}

static void test_uri_escaping(void **state)
{
    char out[256];

    /* space, @, é (U+00E9 = C3 A9), and the separators : ? & # / */
    assert_int_equal(totp_uri("filet", "Zo\xc3\xa9 Martin@agency.example", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
                              out, sizeof out),
                     0);
    assert_string_equal(out, "otpauth://totp/filet:Zo%C3%A9%20Martin%40agency.example"
                             "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                             "&issuer=filet&algorithm=SHA1&digits=6&period=30");
    assert_int_equal(totp_uri("filet", "a:b?c&d#e/f", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", out, sizeof out), 0);
    assert_non_null(strstr(out, "filet:a%3Ab%3Fc%26d%23e%2Ff?secret="));
}

static void test_uri_errors(void **state)
{
    const char *b32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    const char *want = "otpauth://totp/filet:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                       "&issuer=filet&algorithm=SHA1&digits=6&period=30";
    size_t n = strlen(want);
    char out[256];

    /* exact fit works, one byte less does not */
    assert_int_equal(totp_uri("filet", "alice", b32, out, n + 1), 0);
    assert_string_equal(out, want);
    assert_int_equal(totp_uri("filet", "alice", b32, out, n), -1);
    assert_string_equal(out, "");
    assert_int_equal(totp_uri("filet", "alice", "gezdgnbvgy3tqojqgezdgnbvgy3tqojq", out, sizeof out), -1);
    assert_int_equal(totp_uri("filet", "alice", "GEZDGNBV", out, sizeof out), -1);
    assert_int_equal(totp_uri("filet", "", b32, out, sizeof out), -1);
    assert_int_equal(totp_uri(NULL, "alice", b32, out, sizeof out), -1);
    assert_int_equal(totp_uri("filet", NULL, b32, out, sizeof out), -1);
    assert_int_equal(totp_uri("filet", "alice", NULL, out, sizeof out), -1);
    assert_int_equal(totp_uri("filet", "alice", b32, NULL, 10), -1);
    assert_int_equal(totp_uri("filet", "alice", b32, out, 0), -1);
}

/* A fresh secret, its URI and its codes agree end to end. */
static void test_enrol_flow(void **state)
{
    unsigned char s[TOTP_SECRET_BYTES], back[TOTP_SECRET_BYTES];
    char b32[TOTP_B32_LEN + 1], uri[256], code[7];
    const char *p;
    long long last = 0;
    time_t now = 1700000000;

    assert_int_equal(totp_secret_new(s), 0);
    assert_int_equal(totp_secret_b32(s, b32), 0);
    assert_int_equal(totp_uri("filet", "bob", b32, uri, sizeof uri), 0);
    p = strstr(uri, "secret=");
    assert_non_null(p);
    assert_int_equal(strncmp(p + 7, b32, TOTP_B32_LEN), 0);
    assert_int_equal(totp_secret_from_b32(b32, back), 0);
    assert_int_equal(totp_code_at(back, now, code), 0);
    assert_int_equal(totp_verify(s, code, now + 20, &last), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc6238_vectors),
        cmocka_unit_test(test_code_at_negative_time),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_wrong_code),
        cmocka_unit_test(test_replay_same_code),
        cmocka_unit_test(test_replay_older_step),
        cmocka_unit_test(test_newer_step_after_older),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_b32_rfc_secret),
        cmocka_unit_test(test_b32_round_trip_random),
        cmocka_unit_test(test_b32_edge_bytes),
        cmocka_unit_test(test_b32_malformed),
        cmocka_unit_test(test_secret_new_differs),
        cmocka_unit_test(test_uri_plain),
        cmocka_unit_test(test_uri_escaping),
        cmocka_unit_test(test_uri_errors),
        cmocka_unit_test(test_enrol_flow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
