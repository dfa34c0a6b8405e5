/*
 * digest.h - the daily e-mail digest of alerts, as text: pure (no clock,
 * no I/O). It holds NO personal data: only how many alerts of each kind
 * the recipient has and a link to the alerts page, in their language.
 *
 * The message is RFC 5322 with CRLF line ends: the headers (Subject
 * encoded per RFC 2047), then a text/plain UTF-8 body in base64 (so no
 * line is too long and no SMTP server needs 8BITMIME).
 */
#ifndef FILET_DIGEST_H
#define FILET_DIGEST_H

#include <stddef.h>

#include "lib/buf.h"

/* Translates an English msgid into the recipient's language. */
typedef const char *(*digest_tr_fn)(void *ctx, const char *msgid);

typedef struct digest_count {
    const char *kind; /* an alert kind (core/alertkind.h) */
    int n;            /* > 0 */
} digest_count;

typedef struct digest_in {
    const char *from, *to;   /* bare addresses, already valid (lib/email.h) */
    const char *date;        /* RFC 5322 date-time, e.g. "Fri, 04 Dec 2026 16:40:00 +0000" */
    const char *message_id;  /* "<...@...>" */
    const char *link;        /* public_url + "/alerts" */
    const digest_count *counts;
    size_t ncounts;
    digest_tr_fn tr;
    void *tr_ctx;
} digest_in;

/* The subject line, the body text (LF line ends, UTF-8), and the whole
 * message, appended to out; 0, or -1 when out ran out of memory or a
 * header value holds a CR or LF. */
int digest_subject(const digest_in *in, buf *out);
int digest_body(const digest_in *in, buf *out);
int digest_message(const digest_in *in, buf *out);

/* Total of the counts. */
int digest_total(const digest_count *counts, size_t n);

#endif
