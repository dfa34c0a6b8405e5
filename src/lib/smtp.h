/*
 * smtp.h - sends one message through an SMTP server with libcurl.
 *
 * smtp://host[:port] speaks plain SMTP and upgrades with STARTTLS when the
 * server offers it; with a password, STARTTLS is REQUIRED (CURLUSESSL_ALL):
 * a password never crosses the network in clear. smtps://host[:port] is TLS
 * from the start. Certificates are verified. Only these two schemes.
 */
#ifndef FILET_SMTP_H
#define FILET_SMTP_H

#include <stddef.h>

typedef struct smtp_settings {
    const char *url;       /* smtp://... or smtps://... */
    const char *user;      /* NULL or "": no authentication */
    const char *password;  /* NULL or "": none */
    long timeout_seconds;  /* whole transfer; 0: 30 */
} smtp_settings;

/* 1 if url starts with smtp:// or smtps:// and names a host. */
int smtp_url_valid(const char *url);

/* Sends msg (a whole RFC 5322 message, CRLF line ends) from `from` to `to`
 * (bare addresses). 0, or -1 with the reason in err (never the password). */
int smtp_send(const smtp_settings *s, const char *from, const char *to, const char *msg, size_t len, char *err,
              size_t errlen);

#endif
