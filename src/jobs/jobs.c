/*
 * jobs.c - the alerts run and the daily e-mail digest; see jobs.h.
 */
#include "jobs/jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alertkind.h"
#include "core/digest.h"
#include "jobs/alertlist.h"
#include "lib/email.h"
#include "lib/id.h"
#include "lib/log.h"
#include "lib/smtp.h"
#include "sec/audit.h"
#include "store/alerts.h"
#include "store/digests.h"

static void today_now(char today[11], char now[32])
{
    time_rfc3339(clock_now(), now, 32);
    memcpy(today, now, 10);
    today[10] = '\0';
}

int job_alerts_run(store_conn *c, const keyring *kr, const char *source, int *added)
{
    char today[11], now[32];
    today_now(today, now);
    *added = 0;
    int rc = store_write_begin(c);
    if (rc == STORE_OK)
        rc = store_alerts_run(c, today, now, added);
    if (rc == STORE_OK && *added > 0) {
        audit_event e = {.source = source, .action = "create", .object_type = "alert", .object_id = "",
                         .fields = "kind,situation_id"};
        rc = audit_append(c, kr, &e);
    }
    if (rc == STORE_OK)
        rc = store_write_commit(c);
    else
        store_write_rollback(c);
    return rc;
}

/* --- settings --- */

static int read_password(const char *path, char *out, size_t n, char *err, size_t errlen)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "cannot read smtp_password_file %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode) || (st.st_mode & 077)) {
        close(fd);
        snprintf(err, errlen, "smtp_password_file %s must be a file only its owner may read (chmod 600)", path);
        return -1;
    }
    ssize_t got = read(fd, out, n - 1);
    close(fd);
    if (got < 0) {
        snprintf(err, errlen, "cannot read smtp_password_file %s: %s", path, strerror(errno));
        return -1;
    }
    out[got] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
    if (!*out) {
        snprintf(err, errlen, "smtp_password_file %s is empty", path);
        return -1;
    }
    return 0;
}

int digest_settings_check(const digest_settings *ds, char *password, size_t pwlen, char *err, size_t errlen)
{
    password[0] = '\0';
    if (!ds->smtp_url || !*ds->smtp_url) {
        snprintf(err, errlen, "no mail server is configured: set smtp_url (smtp:// or smtps://), smtp_from and "
                              "public_url in the config file (--config FILE)");
        return -1;
    }
    if (!smtp_url_valid(ds->smtp_url)) {
        snprintf(err, errlen, "smtp_url must start with smtp:// or smtps://");
        return -1;
    }
    if (!ds->smtp_from || !email_valid(ds->smtp_from)) {
        snprintf(err, errlen, "set smtp_from, the sender's e-mail address, in the config file");
        return -1;
    }
    if (!ds->public_url || !*ds->public_url) {
        snprintf(err, errlen, "set public_url (such as https://filet.example.org) in the config file: the "
                              "digest links to its alerts page");
        return -1;
    }
    if (ds->smtp_password_file && *ds->smtp_password_file &&
        read_password(ds->smtp_password_file, password, pwlen, err, errlen) != 0)
        return -1;
    return 0;
}

/* --- the digest --- */

typedef struct candidate {
    char id[STORE_ID_LEN + 1];
    char username[128];
    char agency_id[STORE_ID_LEN + 1];
    char role[32];
    char lang[8];
    char email[256];
} candidate;

typedef struct cand_list {
    candidate *v;
    size_t n, cap;
    int oom;
} cand_list;

static int cand_cb(void *ctx, const store_user *u)
{
    cand_list *l = ctx;
    if (!u->active || !u->email[0])
        return 0; /* disabled users never; no address, no digest */
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        candidate *v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            return l->oom = 1;
        l->v = v;
        l->cap = cap;
    }
    candidate *k = &l->v[l->n++];
    memset(k, 0, sizeof(*k));
    snprintf(k->id, sizeof(k->id), "%s", u->id);
    snprintf(k->username, sizeof(k->username), "%s", u->username);
    snprintf(k->agency_id, sizeof(k->agency_id), "%s", u->agency_id);
    snprintf(k->role, sizeof(k->role), "%s", u->role);
    snprintf(k->lang, sizeof(k->lang), "%s", u->lang);
    snprintf(k->email, sizeof(k->email), "%s", u->email);
    return 0;
}

#define MAX_KINDS 32

typedef struct counter {
    digest_count c[MAX_KINDS];
    char names[MAX_KINDS][32];
    size_t n;
} counter;

static int count_cb(void *ctx, const alert_item *al)
{
    counter *k = ctx;
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->names[i], al->kind) == 0) {
            k->c[i].n++;
            return 0;
        }
    if (k->n < MAX_KINDS) {
        snprintf(k->names[k->n], sizeof(k->names[0]), "%s", al->kind);
        k->c[k->n].kind = k->names[k->n];
        k->c[k->n].n = 1;
        k->n++;
    }
    return 0;
}

/* The most pressing kinds first (alertkind.c), like the alerts page. */
static void sort_counts(counter *k)
{
    for (size_t i = 1; i < k->n; i++)
        for (size_t j = i; j > 0 && alert_kind_rank(k->names[j]) < alert_kind_rank(k->names[j - 1]); j--) {
            char t[32];
            int tn = k->c[j].n;
            memcpy(t, k->names[j], sizeof(t));
            memcpy(k->names[j], k->names[j - 1], sizeof(t));
            memcpy(k->names[j - 1], t, sizeof(t));
            k->c[j].n = k->c[j - 1].n;
            k->c[j - 1].n = tn;
        }
    for (size_t i = 0; i < k->n; i++)
        k->c[i].kind = k->names[i];
}

typedef struct tr_ctx {
    const i18n *cat;
    const char *lang;
} tr_ctx;

static const char *tr_cb(void *ctx, const char *msgid)
{
    tr_ctx *t = ctx;
    return t->cat ? i18n_get(t->cat, t->lang, msgid) : msgid;
}

/* Counts the alerts the user is told about (read transaction of its own). */
static int user_counts(store_conn *c, arena *a, const candidate *k, const char *today, const char *now,
                       counter *out)
{
    store_agency ag;
    memset(out, 0, sizeof(*out));
    int rc = store_agency_by_id(c, k->agency_id, &ag);
    if (rc != STORE_OK)
        return rc;
    actor who = {.user_id = k->id, .agency_id = k->agency_id, .territory_id = ag.territory_id, .role = k->role,
                 .sector = ag.sector};
    rc = alerts_for_actor(c, a, &who, today, now, count_cb, out);
    sort_counts(out);
    return rc;
}

/* Reserves the day's digest (and audits it) in one write transaction:
 * STORE_CONFLICT when already sent. */
static int reserve(store_conn *c, const keyring *kr, const char *source, const candidate *k, const char *today,
                   const char *now, int total)
{
    int sent = 0, rc = store_write_begin(c);
    if (rc == STORE_OK)
        rc = store_digest_sent(c, k->id, today, &sent);
    if (rc == STORE_OK && sent)
        rc = STORE_CONFLICT;
    if (rc == STORE_OK)
        rc = store_digest_record(c, k->id, today, now, total);
    if (rc == STORE_OK) {
        audit_event e = {.source = source, .action = "send", .object_type = "digest", .object_id = k->id,
                         .fields = "alert_counts"};
        rc = audit_append(c, kr, &e);
    }
    if (rc == STORE_OK)
        rc = store_write_commit(c);
    else
        store_write_rollback(c);
    return rc;
}

static void unreserve(store_conn *c, const keyring *kr, const char *source, const candidate *k, const char *today)
{
    int rc = store_write_begin(c);
    if (rc == STORE_OK)
        rc = store_digest_forget(c, k->id, today);
    if (rc == STORE_OK) {
        audit_event e = {.source = source, .action = "send_failed", .object_type = "digest", .object_id = k->id,
                         .fields = ""};
        rc = audit_append(c, kr, &e);
    }
    if (rc == STORE_OK)
        rc = store_write_commit(c);
    else
        store_write_rollback(c);
    if (rc != STORE_OK)
        log_warn("event=digest_unreserve_failed user=%s day=%s", k->id, today);
}

/* Builds and sends one digest; 0, or -1 with err. */
static int send_one(const i18n *cat, const digest_settings *ds, const char *password, const candidate *k,
                    const char *today, const counter *cnt, char *err, size_t errlen)
{
    char date[64], link[600], mid[128], rnd[ID_LEN + 1];
    struct tm tm;
    time_t t = clock_now();
    gmtime_r(&t, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
    snprintf(link, sizeof(link), "%s/alerts", ds->public_url);
    id_new(rnd);
    const char *domain = strchr(ds->smtp_from, '@');
    snprintf(mid, sizeof(mid), "<digest.%s.%s%s>", today, rnd, domain ? domain : "@filet.invalid");
    tr_ctx tc = {.cat = cat, .lang = k->lang};
    digest_in in = {.from = ds->smtp_from, .to = k->email, .date = date, .message_id = mid, .link = link,
                    .counts = cnt->c, .ncounts = cnt->n, .tr = tr_cb, .tr_ctx = &tc};
    buf m;
    buf_init(&m);
    int rc = digest_message(&in, &m);
    if (rc != 0) {
        snprintf(err, errlen, "could not build the message");
    } else {
        smtp_settings ss = {.url = ds->smtp_url, .user = ds->smtp_user, .password = password, .timeout_seconds = 30};
        rc = smtp_send(&ss, ds->smtp_from, k->email, buf_cstr(&m), m.len, err, errlen);
    }
    buf_free(&m);
    return rc;
}

int job_digest_run(store *s, const keyring *kr, const i18n *cat, const digest_settings *ds, const char *password,
                   const char *source, int dry_run, json_t **report, char *err, size_t errlen)
{
    char today[11], now[32];
    cand_list l = {0};
    int sent = 0, would = 0, already = 0, none = 0, failed = 0, rc;
    today_now(today, now);
    *report = NULL;
    store_conn *c = store_acquire(s);
    arena *a = arena_new(0);
    json_t *list = json_array();
    if (!c || !a || !list) {
        snprintf(err, errlen, "database busy or out of memory");
        rc = -1;
        goto out;
    }
    rc = store_read_begin(c);
    if (rc == STORE_OK) {
        rc = store_users_each(c, cand_cb, &l);
        store_read_end(c);
    }
    if (rc != STORE_OK || l.oom) {
        snprintf(err, errlen, "could not read the users");
        rc = -1;
        goto out;
    }
    for (size_t i = 0; i < l.n; i++) {
        const candidate *k = &l.v[i];
        counter cnt;
        int was_sent = 0;
        rc = store_read_begin(c);
        if (rc == STORE_OK) {
            rc = store_digest_sent(c, k->id, today, &was_sent);
            if (rc == STORE_OK && !was_sent)
                rc = user_counts(c, a, k, today, now, &cnt);
            store_read_end(c);
        }
        if (rc != STORE_OK) {
            snprintf(err, errlen, "could not read the alerts");
            rc = -1;
            goto out;
        }
        if (was_sent) {
            already++;
            json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "username", k->username, "to", k->email,
                                                  "status", "already_sent"));
            continue;
        }
        int total = digest_total(cnt.c, cnt.n);
        if (total == 0) {
            none++;
            continue;
        }
        json_t *counts = json_object();
        for (size_t j = 0; j < cnt.n; j++)
            json_object_set_new(counts, cnt.c[j].kind, json_integer(cnt.c[j].n));
        json_t *row = json_pack("{s:s,s:s,s:i,s:o}", "username", k->username, "to", k->email, "alerts", total,
                                "counts", counts);
        json_array_append_new(list, row);
        if (dry_run) {
            json_object_set_new(row, "status", json_string("would_send"));
            would++;
            continue;
        }
        int r = reserve(c, kr, source, k, today, now, total);
        if (r == STORE_CONFLICT) {
            already++;
            json_object_set_new(row, "status", json_string("already_sent"));
            continue;
        }
        if (r != STORE_OK) {
            snprintf(err, errlen, "could not record the digest (database busy or damaged)");
            rc = -1;
            goto out;
        }
        char why[512];
        if (send_one(cat, ds, password, k, today, &cnt, why, sizeof(why)) != 0) {
            unreserve(c, kr, source, k, today);
            failed++;
            json_object_set_new(row, "status", json_string("failed"));
            json_object_set_new(row, "error", json_string(why));
            log_warn("event=digest_failed user=%s reason=\"%s\"", k->id, why);
            continue;
        }
        sent++;
        json_object_set_new(row, "status", json_string("sent"));
        log_info("event=digest_sent user=%s alerts=%d", k->id, total);
    }
    *report = json_pack("{s:s,s:b,s:i,s:i,s:i,s:i,s:i,s:O}", "day", today, "dry_run", dry_run, "sent", sent,
                        "would_send", would, "already_sent", already, "no_alerts", none, "failed", failed,
                        "digests", list);
    rc = *report ? 0 : -1;
    if (rc)
        snprintf(err, errlen, "out of memory");
out:
    json_decref(list);
    free(l.v);
    arena_free(a);
    if (c)
        store_release(s, c);
    return rc;
}
