/*
 * scheduler.c - the scheduler thread of `serve`; see scheduler.h.
 */
#include "web/scheduler.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "jobs/jobs.h"
#include "lib/log.h"

struct scheduler {
    app *a;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
};

static void tick(app *a, int *told_no_mail)
{
    char err[512], password[512];
    int added = 0;
    store_conn *c = store_acquire(a->db);
    int rc = c ? job_alerts_run(c, app_keys(a), "scheduler", &added) : STORE_BUSY;
    store_release(a->db, c);
    if (rc != STORE_OK)
        log_warn("event=scheduler_alerts_failed rc=%d", rc);
    else
        log_info("event=scheduler_alerts added=%d", added);
    const config *cfg = &a->cfg;
    digest_settings ds = {.smtp_url = cfg->smtp_url, .smtp_from = cfg->smtp_from, .smtp_user = cfg->smtp_user,
                          .smtp_password_file = cfg->smtp_password_file, .public_url = cfg->public_url};
    if (digest_settings_check(&ds, password, sizeof(password), err, sizeof(err)) != 0) {
        if (!*told_no_mail)
            log_warn("event=scheduler_digest_skipped reason=\"%s\"", err);
        *told_no_mail = 1;
        return;
    }
    json_t *report = NULL;
    rc = job_digest_run(a->db, app_keys(a), a->cat, &ds, password, "scheduler", 0, &report, err, sizeof(err));
    sodium_memzero(password, sizeof(password));
    if (rc != 0)
        log_warn("event=scheduler_digest_failed reason=\"%s\"", err);
    else
        log_info("event=scheduler_digest sent=%d already_sent=%d failed=%d",
                 (int)json_integer_value(json_object_get(report, "sent")),
                 (int)json_integer_value(json_object_get(report, "already_sent")),
                 (int)json_integer_value(json_object_get(report, "failed")));
    json_decref(report);
}

static void *scheduler_main(void *arg)
{
    scheduler *s = arg;
    int told_no_mail = 0;
    log_info("event=scheduler_started minutes=%ld", s->a->cfg.scheduler_minutes);
    for (;;) {
        tick(s->a, &told_no_mail);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += (time_t)s->a->cfg.scheduler_minutes * 60;
        pthread_mutex_lock(&s->mu);
        while (!s->stop && pthread_cond_timedwait(&s->cv, &s->mu, &until) != ETIMEDOUT)
            ;
        int stop = s->stop;
        pthread_mutex_unlock(&s->mu);
        if (stop)
            break;
    }
    log_info("event=scheduler_stopped");
    return NULL;
}

scheduler *scheduler_start(app *a, char *err, size_t errlen)
{
    pthread_condattr_t ca;
    if (!a->cfg.scheduler)
        return NULL;
    scheduler *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->a = a;
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&s->th, NULL, scheduler_main, s) != 0) {
        snprintf(err, errlen, "cannot start the scheduler thread");
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return NULL;
    }
    return s;
}

void scheduler_stop(scheduler *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stop = 1;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->th, NULL);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
