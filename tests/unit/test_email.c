/*
 * test_email.c - unit tests for src/lib/email.c: the shape of the digest's
 * address, which goes into a To: header as is (no header injection).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lib/email.h"

static void test_valid(void **state)
{
    static const char *const ok[] = {
        "a@b.org", "karine.coordo@csvc.qc.ca", "x+digest@example.org", "o'neil@example.ie",
        "a_b-c@sub-domain.example.com", "A@EXAMPLE.ORG", "1@2.ca",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (!email_valid(ok[i]))
            fail_msg("refused %s", ok[i]);
}

static void test_invalid(void **state)
{
    static const char *const bad[] = {
        NULL, "", "a", "@b.org", "a@", "a@b", "a@@b.org", "a@b@c.org", "a b@c.org", "a@b .org",
        "\"a\"@b.org", "<a@b.org>", "a@b.org,c@d.org", "a@b.org;c@d.org", "a@b.org\r\nBcc: x@y.org",
        "a@b.org\n", ".a@b.org", "a.@b.org", "a..b@c.org", "a@-b.org", "a@b-.org", "a@b..org", "a@.b.org",
        "a@b.org.", "a@b_c.org", "a@[127.0.0.1]", "é@b.org", "a@exämple.org", "a\t@b.org",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (email_valid(bad[i]))
            fail_msg("accepted %s", bad[i] ? bad[i] : "(null)");
}

static void test_lengths(void **state)
{
    char s[400];
    (void)state;
    memset(s, 'a', 64);
    memcpy(s + 64, "@b.org", 7);
    assert_true(email_valid(s)); /* local part of 64 */
    memset(s, 'a', 65);
    memcpy(s + 65, "@b.org", 7);
    assert_false(email_valid(s)); /* 65 */
    /* a label of 64 characters */
    memcpy(s, "a@", 2);
    memset(s + 2, 'b', 64);
    memcpy(s + 66, ".org", 5);
    assert_false(email_valid(s));
    /* 255 characters in all, labels of 63 */
    size_t n = 0;
    s[n++] = 'a';
    s[n++] = '@';
    while (n < 250) {
        memset(s + n, 'c', 63);
        n += 63;
        s[n++] = '.';
    }
    memcpy(s + n, "org", 4);
    assert_true(strlen(s) > 254);
    assert_false(email_valid(s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
