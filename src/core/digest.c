/*
 * digest.c - the daily e-mail digest of alerts as text; see digest.h.
 */
#include "core/digest.h"

#include <stdio.h>
#include <string.h>

#include "core/alertkind.h"
#include "lib/i18n.h"

static const char *tr(const digest_in *in, const char *msgid)
{
    const char *s = in->tr ? in->tr(in->tr_ctx, msgid) : NULL;
    return s ? s : msgid;
}

/* Appends fmt with {1} and {2} replaced by a1 and a2. */
static void subst(buf *out, const char *fmt, const char *a1, const char *a2)
{
    for (const char *p = fmt; *p; p++) {
        if (p[0] == '{' && (p[1] == '1' || p[1] == '2') && p[2] == '}') {
            buf_puts(out, p[1] == '1' ? (a1 ? a1 : "") : (a2 ? a2 : ""));
            p += 2;
        } else {
            buf_putc(out, *p);
        }
    }
}

int digest_total(const digest_count *counts, size_t n)
{
    int t = 0;
    for (size_t i = 0; i < n; i++)
        t += counts[i].n > 0 ? counts[i].n : 0;
    return t;
}

int digest_subject(const digest_in *in, buf *out)
{
    char n[16];
    snprintf(n, sizeof(n), "%d", digest_total(in->counts, in->ncounts));
    subst(out, tr(in, N_("filet: alerts for you ({1})")), n, NULL);
    return out->oom ? -1 : 0;
}

int digest_body(const digest_in *in, buf *out)
{
    char n[16];
    buf_puts(out, tr(in, N_("Hello,")));
    buf_puts(out, "\n\n");
    buf_puts(out, tr(in, N_("Your alerts in filet:")));
    buf_putc(out, '\n');
    for (size_t i = 0; i < in->ncounts; i++) {
        if (in->counts[i].n <= 0)
            continue;
        snprintf(n, sizeof(n), "%d", in->counts[i].n);
        buf_puts(out, "- ");
        subst(out, tr(in, N_("{1}: {2}")), tr(in, alert_kind_label(in->counts[i].kind)), n);
        buf_putc(out, '\n');
    }
    buf_putc(out, '\n');
    buf_puts(out, tr(in, N_("See them in filet (sign-in required):")));
    buf_putc(out, '\n');
    buf_puts(out, in->link ? in->link : "");
    buf_puts(out, "\n\n-- \n");
    buf_puts(out, tr(in, N_("This message holds no personal data: only counts and a link. To stop receiving it, ask "
                            "your filet administrator to remove your address.")));
    buf_putc(out, '\n');
    return out->oom ? -1 : 0;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64(buf *out, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        buf_putc(out, b64[(v >> 18) & 63]);
        buf_putc(out, b64[(v >> 12) & 63]);
        buf_putc(out, i + 1 < n ? b64[(v >> 6) & 63] : '=');
        buf_putc(out, i + 2 < n ? b64[v & 63] : '=');
    }
}

/* RFC 2047 encoded words of at most 39 bytes of UTF-8 each (never
 * splitting a character), folded onto continuation lines. */
static void encoded_words(buf *out, const char *s)
{
    size_t n = strlen(s), i = 0;
    while (i < n) {
        size_t take = n - i < 39 ? n - i : 39;
        while (take > 0 && i + take < n && ((unsigned char)s[i + take] & 0xC0) == 0x80)
            take--;
        if (i)
            buf_puts(out, "\r\n ");
        buf_puts(out, "=?UTF-8?B?");
        base64(out, (const unsigned char *)s + i, take);
        buf_puts(out, "?=");
        i += take;
    }
}

static int header_ok(const char *s)
{
    return s && !strpbrk(s, "\r\n");
}

int digest_message(const digest_in *in, buf *out)
{
    buf subject, body;
    if (!header_ok(in->from) || !header_ok(in->to) || !header_ok(in->date) || !header_ok(in->message_id))
        return -1;
    buf_init(&subject);
    buf_init(&body);
    int rc = digest_subject(in, &subject) == 0 && digest_body(in, &body) == 0 ? 0 : -1;
    if (rc == 0 && !header_ok(buf_cstr(&subject)))
        rc = -1;
    if (rc == 0) {
        buf_printf(out, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nMessage-ID: %s\r\nSubject: ", in->date, in->from, in->to,
                   in->message_id);
        encoded_words(out, buf_cstr(&subject));
        buf_puts(out, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                      "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n");
        const unsigned char *p = (const unsigned char *)buf_cstr(&body);
        size_t len = body.len;
        /* 57 bytes make one 76-character line. */
        for (size_t i = 0; i < len; i += 57) {
            base64(out, p + i, len - i < 57 ? len - i : 57);
            buf_puts(out, "\r\n");
        }
        rc = out->oom ? -1 : 0;
    }
    buf_free(&subject);
    buf_free(&body);
    return rc;
}
