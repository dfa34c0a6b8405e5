/*
 * test_digest.c - unit tests for src/core/digest.c: the digest's subject,
 * body and whole message - counts by kind and the link only, in the
 * recipient's language (a fake translator here), RFC 2047 subject, base64
 * body in 76-character lines, CRLF headers, no header injection.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"

static const char *fake_fr(void *ctx, const char *msgid)
{
    (void)ctx;
    if (strcmp(msgid, "filet: alerts for you ({1})") == 0)
        return "filet : alertes pour vous ({1})";
    if (strcmp(msgid, "{1}: {2}") == 0)
        return "{1} : {2}";
    if (strcmp(msgid, "Overdue actions") == 0)
        return "Actions en retard";
    if (strcmp(msgid, "Perpetrator releases within 14 days") == 0)
        return "Libérations d’agresseurs d’ici 14 jours";
    return msgid;
}

static const digest_count counts[] = {{"perpetrator_release", 1}, {"action_overdue", 3}, {"review_due", 0}};

static digest_in input(digest_tr_fn tr)
{
    digest_in in = {.from = "filet@csvc.example.org", .to = "karine@csvc.example.org",
                    .date = "Fri, 04 Dec 2026 16:40:00 +0000", .message_id = "<abc.2026-12-04@filet>",
                    .link = "https://filet.example.org/alerts", .counts = counts, .ncounts = 3, .tr = tr};
    return in;
}

static int b64val(char c)
{
    const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = strchr(t, c);
    return c && p ? (int)(p - t) : -1;
}

/* Decodes base64 text, skipping CR and LF. */
static void unbase64(const char *s, size_t n, buf *out)
{
    unsigned v = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int x = b64val(s[i]);
        if (x < 0)
            continue;
        v = v << 6 | (unsigned)x;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf_putc(out, (char)((v >> bits) & 0xff));
        }
    }
}

static void test_subject_and_body(void **state)
{
    buf s, b;
    (void)state;
    buf_init(&s);
    buf_init(&b);
    digest_in in = input(fake_fr);
    assert_int_equal(digest_total(counts, 3), 4);
    assert_int_equal(digest_subject(&in, &s), 0);
    assert_string_equal(buf_cstr(&s), "filet : alertes pour vous (4)");
    assert_int_equal(digest_body(&in, &b), 0);
    const char *body = buf_cstr(&b);
    assert_non_null(strstr(body, "- Libérations d’agresseurs d’ici 14 jours : 1\n"));
    assert_non_null(strstr(body, "- Actions en retard : 3\n"));
    assert_null(strstr(body, "Reviews due"));   /* a zero count is left out */
    assert_null(strstr(body, "Révisions"));
    assert_non_null(strstr(body, "\nhttps://filet.example.org/alerts\n"));
    /* release first: the order given */
    assert_true(strstr(body, "Libérations") < strstr(body, "Actions en retard"));
    buf_free(&s);
    buf_free(&b);
    /* Without a translation: English. */
    buf_init(&s);
    in = input(NULL);
    assert_int_equal(digest_subject(&in, &s), 0);
    assert_string_equal(buf_cstr(&s), "filet: alerts for you (4)");
    buf_free(&s);
}

static void test_message(void **state)
{
    buf m, body, subj;
    (void)state;
    buf_init(&m);
    buf_init(&body);
    buf_init(&subj);
    digest_in in = input(fake_fr);
    assert_int_equal(digest_message(&in, &m), 0);
    const char *msg = buf_cstr(&m);
    const char *sep = strstr(msg, "\r\n\r\n");
    assert_non_null(sep);
    assert_non_null(strstr(msg, "From: filet@csvc.example.org\r\n"));
    assert_non_null(strstr(msg, "To: karine@csvc.example.org\r\n"));
    assert_non_null(strstr(msg, "Message-ID: <abc.2026-12-04@filet>\r\n"));
    assert_non_null(strstr(msg, "Content-Transfer-Encoding: base64\r\n"));
    /* Every line ends in CRLF and is at most 78 characters. */
    for (const char *p = msg; *p;) {
        const char *e = strstr(p, "\r\n");
        assert_non_null(e);
        assert_true(e - p <= 78);
        assert_null(memchr(p, '\n', (size_t)(e - p)));
        p = e + 2;
    }
    /* The subject decodes to the French text. */
    const char *sh = strstr(msg, "Subject: =?UTF-8?B?");
    assert_non_null(sh);
    for (const char *w = sh; w < sep && (w = strstr(w, "=?UTF-8?B?")) && w < sep;) {
        const char *end = strstr(w + 10, "?=");
        unbase64(w + 10, (size_t)(end - (w + 10)), &subj);
        w = end + 2;
    }
    assert_string_equal(buf_cstr(&subj), "filet : alertes pour vous (4)");
    unbase64(sep + 4, strlen(sep + 4), &body);
    assert_non_null(strstr(buf_cstr(&body), "- Actions en retard : 3\n"));
    assert_non_null(strstr(buf_cstr(&body), "https://filet.example.org/alerts"));
    buf_free(&m);
    buf_free(&body);
    buf_free(&subj);
}

static void test_long_subject_splits_on_characters(void **state)
{
    buf m, subj;
    (void)state;
    static const digest_count many[] = {{"action_overdue", 123456789}};
    buf_init(&m);
    buf_init(&subj);
    digest_in in = input(NULL);
    in.counts = many;
    in.ncounts = 1;
    assert_int_equal(digest_message(&in, &m), 0);
    const char *msg = buf_cstr(&m), *sep = strstr(msg, "\r\n\r\n");
    for (const char *w = msg; (w = strstr(w, "=?UTF-8?B?")) && w < sep;) {
        const char *end = strstr(w + 10, "?=");
        assert_true(end - w + 2 <= 75); /* RFC 2047 */
        unbase64(w + 10, (size_t)(end - (w + 10)), &subj);
        w = end + 2;
    }
    assert_string_equal(buf_cstr(&subj), "filet: alerts for you (123456789)");
    buf_free(&m);
    buf_free(&subj);
}

static void test_refuses_header_injection(void **state)
{
    buf m;
    (void)state;
    buf_init(&m);
    digest_in in = input(NULL);
    in.to = "karine@csvc.example.org\r\nBcc: spy@example.org";
    assert_int_equal(digest_message(&in, &m), -1);
    in = input(NULL);
    in.from = "a@b.org\n";
    assert_int_equal(digest_message(&in, &m), -1);
    assert_int_equal((int)m.len, 0);
    buf_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subject_and_body),
        cmocka_unit_test(test_message),
        cmocka_unit_test(test_long_subject_splits_on_characters),
        cmocka_unit_test(test_refuses_header_injection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
