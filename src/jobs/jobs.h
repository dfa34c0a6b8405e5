/*
 * jobs.h - the periodic work, in one place for the command line (`filet
 * alerts run`, `filet digest run`, from cron) and the scheduler thread of
 * `serve`: computing and storing the alerts, and the daily e-mail digest.
 */
#ifndef FILET_JOBS_H
#define FILET_JOBS_H

#include <jansson.h>
#include <stddef.h>

#include "lib/i18n.h"
#include "sec/keyfile.h"
#include "store/store.h"

/* Computes the alerts due now and stores the new ones (dedupe keys), with
 * one audit row when any was added; *added gets how many. Opens and
 * commits its own write transaction on c. source: "cli", "scheduler". */
int job_alerts_run(store_conn *c, const keyring *kr, const char *source, int *added);

typedef struct digest_settings {
    const char *smtp_url;           /* "" = no mail server */
    const char *smtp_from;
    const char *smtp_user;
    const char *smtp_password_file; /* "" = no password */
    const char *public_url;         /* the link is public_url + "/alerts" */
} digest_settings;

/* 0 when the settings let digests be sent; -1 and a message saying what
 * to set otherwise (no smtp_url, no smtp_from, no public_url, a password
 * file that cannot be read or that others may read). *password gets the
 * password (first line of the file; "" when none), to wipe after use. */
int digest_settings_check(const digest_settings *ds, char *password, size_t pwlen, char *err, size_t errlen);

/* Sends today's digest (UTC day) to every active user with an e-mail
 * address and at least one alert (the alerts GET /api/v1/alerts lists for
 * them) who has not had it yet: at most one per user and day, recorded in
 * digests_sent before sending (a failed send is forgotten, so the next run
 * retries) and audited. The message holds only counts by kind and a link,
 * in the user's language. dry_run sends and records nothing. *report gets
 * {day, dry_run, sent, would_send, already_sent, no_alerts, failed, digests: [{username,
 * to, alerts, counts: {kind: n}, status: sent|would_send|already_sent|failed,
 * error?}]}. password: from digest_settings_check (ignored when dry_run).
 * 0, or -1 with err (the database could not be read). */
int job_digest_run(store *s, const keyring *kr, const i18n *cat, const digest_settings *ds, const char *password,
                   const char *source, int dry_run, json_t **report, char *err, size_t errlen);

#endif
