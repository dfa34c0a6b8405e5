/*
 * smtp.c - one message through SMTP with libcurl; see smtp.h.
 */
#include "lib/smtp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int smtp_url_valid(const char *url)
{
    if (!url)
        return 0;
    const char *host = strncmp(url, "smtp://", 7) == 0 ? url + 7 : strncmp(url, "smtps://", 8) == 0 ? url + 8 : NULL;
    if (!host || !*host || *host == '/' || *host == ':')
        return 0;
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return 0;
    return 1;
}

typedef struct upload {
    const char *p;
    size_t left;
} upload;

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *ctx)
{
    upload *u = ctx;
    size_t n = size * nmemb < u->left ? size * nmemb : u->left;
    memcpy(dst, u->p, n);
    u->p += n;
    u->left -= n;
    return n;
}

int smtp_send(const smtp_settings *s, const char *from, const char *to, const char *msg, size_t len, char *err,
              size_t errlen)
{
    char curl_err[CURL_ERROR_SIZE] = "";
    if (!smtp_url_valid(s->url)) {
        snprintf(err, errlen, "smtp_url must start with smtp:// or smtps:// and name a host");
        return -1;
    }
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK) {
        snprintf(err, errlen, "libcurl could not start: %s", curl_easy_strerror(curl_init_rc));
        return -1;
    }
    int has_password = s->password && *s->password;
    int plain = strncmp(s->url, "smtp://", 7) == 0;
    CURL *h = curl_easy_init();
    struct curl_slist *rcpt = NULL;
    char addr_from[300], addr_to[300];
    upload u = {msg, len};
    int rc = -1;
    if (!h) {
        snprintf(err, errlen, "libcurl could not start");
        return -1;
    }
    if ((size_t)snprintf(addr_from, sizeof(addr_from), "<%s>", from) >= sizeof(addr_from) ||
        (size_t)snprintf(addr_to, sizeof(addr_to), "<%s>", to) >= sizeof(addr_to)) {
        snprintf(err, errlen, "address too long");
        goto out;
    }
    if (!(rcpt = curl_slist_append(NULL, addr_to))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    curl_easy_setopt(h, CURLOPT_URL, s->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, s->timeout_seconds > 0 ? s->timeout_seconds : 30L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    /* A password is never sent in clear: over smtp:// STARTTLS is then
     * required, not merely tried. */
    if (plain)
        curl_easy_setopt(h, CURLOPT_USE_SSL, has_password ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
    if (s->user && *s->user)
        curl_easy_setopt(h, CURLOPT_USERNAME, s->user);
    if (has_password)
        curl_easy_setopt(h, CURLOPT_PASSWORD, s->password);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, addr_from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(h, CURLOPT_READDATA, &u);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    CURLcode cc = curl_easy_perform(h);
    if (cc == CURLE_OK) {
        rc = 0;
    } else if (cc == CURLE_USE_SSL_FAILED) {
        snprintf(err, errlen, "the mail server does not offer STARTTLS: the password is not sent in clear "
                              "(use smtps:// or a server with STARTTLS)");
    } else {
        snprintf(err, errlen, "sending failed: %s", curl_err[0] ? curl_err : curl_easy_strerror(cc));
    }
out:
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    return rc;
}
