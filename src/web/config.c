/*
 * config.c - configuration defaults and the optional config file.
 * File format: "key = value" per line, '#' starts a comment. Keys: db, key,
 * listen, hosts, threads, timeout, body_limit, share_dir, locale_dir,
 * session_idle_minutes (1-30), session_absolute_hours (1-12); for the daily
 * digest of alerts smtp_url (smtp:// or smtps://), smtp_from, smtp_user,
 * smtp_password_file, public_url (http:// or https://); scheduler (on|off,
 * default off) and scheduler_minutes (5-1440, default 60).
 * Flags given on the command line are applied after the file and win.
 */
#include "web/app.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/email.h"
#include "lib/smtp.h"

static void exe_dir(char *out, size_t n)
{
    char path[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (len <= 0) {
        snprintf(out, n, ".");
        return;
    }
    path[len] = '\0';
    char *slash = strrchr(path, '/');
    if (slash)
        *slash = '\0';
    snprintf(out, n, "%s", path);
}

void config_defaults(config *c)
{
    char dir[PATH_MAX];
    memset(c, 0, sizeof(*c));
    snprintf(c->db_path, sizeof(c->db_path), "var/filet.db");
    snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8080");
    snprintf(c->share_dir, sizeof(c->share_dir), "%s", FILET_SHAREDIR);
    exe_dir(dir, sizeof(dir));
    /* The build puts the compiled catalogues beside the binary. */
    snprintf(c->locale_dir, sizeof(c->locale_dir), "%.1000s/locale", dir);
    c->threads = 4;
    c->conn_timeout = 30;
    c->body_limit = 1024 * 1024;
    c->session_idle = 30 * 60;
    c->session_absolute = 12 * 60 * 60;
    c->scheduler_minutes = 60;
}


static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int set_str(char *dst, size_t n, const char *v)
{
    return (size_t)snprintf(dst, n, "%s", v) < n ? 0 : -1;
}

/* http(s)://host..., no space or control character, no trailing slash
 * needed (one is dropped). */
static int set_public_url(char *dst, size_t n, const char *v)
{
    const char *host = strncmp(v, "https://", 8) == 0 ? v + 8 : strncmp(v, "http://", 7) == 0 ? v + 7 : NULL;
    if (!host || !*host || *host == '/')
        return -1;
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '"' || *p == '<' || *p == '>')
            return -1;
    if (set_str(dst, n, v) != 0)
        return -1;
    size_t len = strlen(dst);
    if (len && dst[len - 1] == '/')
        dst[len - 1] = '\0';
    return 0;
}

static int set_long(long *dst, const char *v, long lo, long hi)
{
    char *end = NULL;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || !end || *end || x < lo || x > hi)
        return -1;
    *dst = x;
    return 0;
}

int config_load_file(config *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read config file %s: %s", path, strerror(errno));
        return -1;
    }
    char line[2048];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof(line), f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(line);
        if (!*s)
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
            rc = -1;
            break;
        }
        *eq = '\0';
        char *k = trim(s), *v = trim(eq + 1);
        long x = 0;
        if (strcmp(k, "db") == 0)
            rc = set_str(c->db_path, sizeof(c->db_path), v);
        else if (strcmp(k, "key") == 0)
            rc = set_str(c->key_path, sizeof(c->key_path), v);
        else if (strcmp(k, "listen") == 0)
            rc = set_str(c->listen, sizeof(c->listen), v);
        else if (strcmp(k, "hosts") == 0)
            rc = set_str(c->hosts, sizeof(c->hosts), v);
        else if (strcmp(k, "share_dir") == 0)
            rc = set_str(c->share_dir, sizeof(c->share_dir), v);
        else if (strcmp(k, "locale_dir") == 0)
            rc = set_str(c->locale_dir, sizeof(c->locale_dir), v);
        else if (strcmp(k, "smtp_url") == 0)
            rc = smtp_url_valid(v) ? set_str(c->smtp_url, sizeof(c->smtp_url), v) : -1;
        else if (strcmp(k, "smtp_from") == 0)
            rc = email_valid(v) ? set_str(c->smtp_from, sizeof(c->smtp_from), v) : -1;
        else if (strcmp(k, "smtp_user") == 0)
            rc = set_str(c->smtp_user, sizeof(c->smtp_user), v);
        else if (strcmp(k, "smtp_password_file") == 0)
            rc = set_str(c->smtp_password_file, sizeof(c->smtp_password_file), v);
        else if (strcmp(k, "public_url") == 0)
            rc = set_public_url(c->public_url, sizeof(c->public_url), v);
        else if (strcmp(k, "scheduler") == 0) {
            rc = strcmp(v, "on") == 0 || strcmp(v, "off") == 0 ? 0 : -1;
            c->scheduler = strcmp(v, "on") == 0;
        } else if (strcmp(k, "scheduler_minutes") == 0 && (rc = set_long(&x, v, 5, 1440)) == 0)
            c->scheduler_minutes = x;
        else if (strcmp(k, "threads") == 0 && (rc = set_long(&x, v, 1, 64)) == 0)
            c->threads = (int)x;
        else if (strcmp(k, "timeout") == 0 && (rc = set_long(&x, v, 1, 600)) == 0)
            c->conn_timeout = (int)x;
        else if (strcmp(k, "body_limit") == 0 && (rc = set_long(&x, v, 1024, 64L << 20)) == 0)
            c->body_limit = (size_t)x;
        /* ASVS 3.3.1-3.3.2: timeouts may be shortened, never lengthened. */
        else if (strcmp(k, "session_idle_minutes") == 0 && (rc = set_long(&x, v, 1, 30)) == 0)
            c->session_idle = x * 60;
        else if (strcmp(k, "session_absolute_hours") == 0 && (rc = set_long(&x, v, 1, 12)) == 0)
            c->session_absolute = x * 3600;
        else if (rc == 0 && strcmp(k, "threads") && strcmp(k, "timeout") && strcmp(k, "body_limit") &&
                 strcmp(k, "session_idle_minutes") && strcmp(k, "session_absolute_hours") &&
                 strcmp(k, "scheduler_minutes")) {
            snprintf(err, errlen, "%s:%d: unknown setting '%s'", path, lineno, k);
            rc = -1;
            break;
        }
        if (rc != 0)
            snprintf(err, errlen, "%s:%d: bad value for '%s'", path, lineno, k);
    }
    fclose(f);
    return rc;
}
