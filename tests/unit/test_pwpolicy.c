/*
 * test_pwpolicy.c - unit tests for src/sec/pwpolicy.c and the format of
 * data/common-passwords.txt: length in code points (ASVS 2.1.1, 2.1.2),
 * the common-password list (ASVS 2.1.7), username, UTF-8, and loading.
 * Run from the repository root (the list is opened by relative path).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sec/pwpolicy.h"

#define LIST "data/common-passwords.txt"

/* Entries of the shipped list with 12+ characters (found with
 * `awk 'length >= 12' data/common-passwords.txt`). */
#define COMMON_LONG "qwerty123456"
#define COMMON_LONG_UPPER "QWERTY123456"
#define COMMON_LONG_2 "1qaz2wsx3edc"

static int setup(void **state)
{
    pwpolicy *p = NULL;
    char err[256];

    if (pwpolicy_load(LIST, &p, err, sizeof err) != 0) {
        fprintf(stderr, "load: %s\n", err);
        return -1;
    }
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    pwpolicy_free(*state);
    return 0;
}

/* Repeats the UTF-8 character ch n times into a new string. */
static char *repeat(const char *ch, size_t n)
{
    size_t k = strlen(ch);
    char *s = malloc(k * n + 1);

    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * k, ch, k);
    s[k * n] = '\0';
    return s;
}

/* ------------------------------------------------------------------ list */

static void test_list_loaded(void **state)
{
    assert_true(pwpolicy_count(*state) >= 10000);
}

/* The shipped file is as data/README.md says: lowercase, sorted bytewise,
 * distinct, no blank lines, so the loaded count equals the line count. */
static void test_list_format(void **state)
{
    FILE *f = fopen(LIST, "rb");
    char prev[512] = "", line[512];
    size_t lines = 0;

    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        assert_true(n > 1 && line[n - 1] == '\n'); /* no blank or overlong line */
        line[n - 1] = '\0';
        assert_null(strchr(line, '\r'));
        for (const char *c = line; *c; c++)
            assert_false(*c >= 'A' && *c <= 'Z');
        if (lines > 0)
            assert_true(strcmp(prev, line) < 0);
        memcpy(prev, line, n);
        lines++;
    }
    fclose(f);
    assert_int_equal(lines, pwpolicy_count(*state));
}

static void test_common_refused(void **state)
{
    assert_int_equal(pwpolicy_check(*state, COMMON_LONG, NULL), PW_COMMON);
    assert_int_equal(pwpolicy_check(*state, COMMON_LONG_UPPER, NULL), PW_COMMON);
    assert_int_equal(pwpolicy_check(*state, "QwErTy123456", NULL), PW_COMMON);
    assert_int_equal(pwpolicy_check(*state, COMMON_LONG_2, NULL), PW_COMMON);
    assert_int_equal(pwpolicy_check(*state, "PASSWORD1234", NULL), PW_COMMON);
    /* a near miss is not on the list */
    assert_int_equal(pwpolicy_check(*state, COMMON_LONG "7", NULL), PW_OK);
}

static void test_strong_ok(void **state)
{
    assert_int_equal(pwpolicy_check(*state, "correct horse battery staple", NULL), PW_OK);
    assert_int_equal(pwpolicy_check(*state, "lantern-orchid-velvet-42", "alice"), PW_OK);
    /* no composition rules: all lowercase letters is fine */
    assert_int_equal(pwpolicy_check(*state, "mauvegiraffesdancing", NULL), PW_OK);
}

/* ---------------------------------------------------------------- length */

static void test_too_short(void **state)
{
    assert_int_equal(pwpolicy_check(*state, "short", NULL), PW_TOO_SHORT);
    assert_int_equal(pwpolicy_check(*state, "", NULL), PW_TOO_SHORT);
    assert_int_equal(pwpolicy_check(*state, NULL, NULL), PW_TOO_SHORT);
    assert_int_equal(pwpolicy_check(*state, "zq8#Lm2!vR4", NULL), PW_TOO_SHORT); /* 11 */
    assert_int_equal(pwpolicy_check(*state, "zq8#Lm2!vR4x", NULL), PW_OK);       /* 12 */
}

/* 11 vs 12 code points with 2-byte characters: 22 and 24 bytes. */
static void test_code_points_not_bytes(void **state)
{
    char *e11 = repeat("\xc3\xa9", 11); /* é */
    char *e12 = repeat("\xc3\xa9", 12);

    assert_int_equal(pwpolicy_check(*state, e11, NULL), PW_TOO_SHORT);
    assert_int_equal(pwpolicy_check(*state, "éééééééééééé", NULL), PW_OK);
    assert_int_equal(pwpolicy_check(*state, e12, NULL), PW_OK);
    /* six 4-byte characters are 24 bytes but only 6 code points */
    free(e11);
    free(e12);
    e11 = repeat("\xf0\x9f\x94\x91", 6); /* U+1F511 key */
    assert_int_equal(pwpolicy_check(*state, e11, NULL), PW_TOO_SHORT);
    free(e11);
}

static void test_too_long(void **state)
{
    char *a128 = repeat("a", 128), *a129 = repeat("a", 129);
    /* 4-byte characters: 128 of them is 512 bytes, the most we accept */
    char *k128 = repeat("\xf0\x9f\x94\x91", 128), *k129 = repeat("\xf0\x9f\x94\x91", 129);
    char *e129 = repeat("\xc3\xa9", 129);

    assert_int_equal(pwpolicy_check(*state, a128, NULL), PW_OK);
    assert_int_equal(pwpolicy_check(*state, a129, NULL), PW_TOO_LONG);
    assert_int_equal(pwpolicy_check(*state, k128, NULL), PW_OK);
    assert_int_equal(pwpolicy_check(*state, k129, NULL), PW_TOO_LONG);
    assert_int_equal(pwpolicy_check(*state, e129, NULL), PW_TOO_LONG);
    free(a128);
    free(a129);
    free(k128);
    free(k129);
    free(e129);
}

/* -------------------------------------------------------- username, UTF-8 */

static void test_username(void **state)
{
    assert_int_equal(pwpolicy_check(*state, "dana.whitfield", "dana.whitfield"), PW_CONTAINS_USERNAME);
    assert_int_equal(pwpolicy_check(*state, "Dana.Whitfield", "dana.WHITFIELD"), PW_CONTAINS_USERNAME);
    assert_int_equal(pwpolicy_check(*state, "dana.whitfield!", "dana.whitfield"), PW_OK);
    assert_int_equal(pwpolicy_check(*state, "dana.whitfield", ""), PW_OK);
    /* too short wins over equal to a short username */
    assert_int_equal(pwpolicy_check(*state, "dana", "dana"), PW_TOO_SHORT);
}

static void test_bad_utf8(void **state)
{
    assert_int_equal(pwpolicy_check(*state, "abcdefghijkl\xff", NULL), PW_BAD_UTF8);
    assert_int_equal(pwpolicy_check(*state, "abcdefghijkl\xc0\xaf", NULL), PW_BAD_UTF8); /* overlong */
    assert_int_equal(pwpolicy_check(*state, "abcdefghijkl\xed\xa0\x80", NULL), PW_BAD_UTF8); /* surrogate */
    assert_int_equal(pwpolicy_check(*state, "abcdefghijkl\xc3", NULL), PW_BAD_UTF8); /* truncated */
    assert_int_equal(pwpolicy_check(*state, "\x80\x80", NULL), PW_BAD_UTF8);
}

static void test_null_policy_fails_closed(void **state)
{
    assert_int_equal(pwpolicy_check(NULL, "correct horse battery staple", NULL), PW_COMMON);
    assert_int_equal(pwpolicy_check(NULL, "short", NULL), PW_TOO_SHORT);
    assert_int_equal(pwpolicy_count(NULL), 0);
}

/* ---------------------------------------------------------------- loading */

/* Writes n bytes to a new temporary file; the caller unlinks it. */
static void write_tmp(char path[64], const char *data, size_t n)
{
    int fd;

    snprintf(path, 64, "/tmp/filet-pwpolicy-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
}

static void test_load_missing(void **state)
{
    pwpolicy *p = (pwpolicy *)1;
    char err[256] = "";

    assert_int_equal(pwpolicy_load("data/does-not-exist.txt", &p, err, sizeof err), -1);
    assert_null(p);
    assert_true(strlen(err) > 0);
    assert_int_equal(pwpolicy_load(NULL, &p, err, sizeof err), -1);
    assert_int_equal(pwpolicy_load(LIST, NULL, err, sizeof err), -1);
    /* err may be omitted */
    assert_int_equal(pwpolicy_load("data/does-not-exist.txt", &p, NULL, 0), -1);
}

/* Unsorted, mixed case, duplicated, CRLF, blank lines, no final newline. */
static void test_load_normalises(void **state)
{
    static const char data[] = "Zebra-Crossing\r\n\nalpha-bravo-charlie\nZEBRA-crossing\n\r\nmiddle-of-the-road";
    char path[64], err[256];
    pwpolicy *p = NULL;

    write_tmp(path, data, sizeof data - 1);
    assert_int_equal(pwpolicy_load(path, &p, err, sizeof err), 0);
    unlink(path);
    assert_int_equal(pwpolicy_count(p), 3);
    assert_int_equal(pwpolicy_check(p, "zebra-crossing", NULL), PW_COMMON);
    assert_int_equal(pwpolicy_check(p, "Alpha-Bravo-Charlie", NULL), PW_COMMON);
    assert_int_equal(pwpolicy_check(p, "middle-of-the-road", NULL), PW_COMMON);
    assert_int_equal(pwpolicy_check(p, "middle-of-the-roa", NULL), PW_OK);
    assert_int_equal(pwpolicy_check(p, COMMON_LONG, NULL), PW_OK);
    pwpolicy_free(p);
}

static void test_load_bad_files(void **state)
{
    static const char nul[] = "abc\0def\n";
    static const char latin1[] = "caf\xe9-au-lait-noir\n";
    static const char blank[] = "\n\r\n\n";
    char path[64], err[256];
    pwpolicy *p = NULL;

    write_tmp(path, nul, sizeof nul - 1);
    assert_int_equal(pwpolicy_load(path, &p, err, sizeof err), -1);
    unlink(path);
    write_tmp(path, latin1, sizeof latin1 - 1);
    assert_int_equal(pwpolicy_load(path, &p, err, sizeof err), -1);
    unlink(path);
    write_tmp(path, blank, sizeof blank - 1);
    assert_int_equal(pwpolicy_load(path, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "no entries"));
    unlink(path);
    write_tmp(path, "", 0);
    assert_int_equal(pwpolicy_load(path, &p, err, sizeof err), -1);
    unlink(path);
    assert_null(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_loaded),
        cmocka_unit_test(test_list_format),
        cmocka_unit_test(test_common_refused),
        cmocka_unit_test(test_strong_ok),
        cmocka_unit_test(test_too_short),
        cmocka_unit_test(test_code_points_not_bytes),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_username),
        cmocka_unit_test(test_bad_utf8),
        cmocka_unit_test(test_null_policy_fails_closed),
        cmocka_unit_test(test_load_missing),
        cmocka_unit_test(test_load_normalises),
        cmocka_unit_test(test_load_bad_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
