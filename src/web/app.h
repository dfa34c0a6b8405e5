/*
 * app.h - the running server's shared, read-only-after-start state, and its
 * configuration. Built by cli/serve and handed to every request.
 */
#ifndef FILET_APP_H
#define FILET_APP_H

#include <jansson.h>
#include <stddef.h>

#include "core/evaluation.h"
#include "core/instrument.h"
#include "lib/i18n.h"
#include "lib/tmpl.h"
#include "sec/keyfile.h"
#include "sec/pwpolicy.h"
#include "sec/session.h"
#include "store/store.h"

typedef struct config {
    char db_path[1024];
    char key_path[1024];
    char listen[256];    /* "127.0.0.1:8080", "[::1]:8080" */
    char share_dir[1024]; /* holds web/templates and web/static */
    char locale_dir[1024];
    char hosts[512];     /* extra accepted Host values, comma-separated */
    int demo;            /* "DEMO - no real data": loopback only; no second factor */
    long session_idle;   /* seconds; capped at SESSION_IDLE_MAX */
    long session_absolute; /* seconds; capped at SESSION_ABSOLUTE_MAX */
    int threads;
    int conn_timeout;    /* seconds */
    size_t body_limit;   /* bytes */
    /* the daily e-mail digest of alerts (jobs/digest.c) */
    char smtp_url[512];           /* smtp://host:587 or smtps://host:465; "" = no mail */
    char smtp_from[256];          /* the sender address */
    char smtp_user[256];
    char smtp_password_file[1024]; /* first line = the password; not readable by others */
    char public_url[512];         /* https://filet.example.org: the link in the digest */
    /* the scheduler inside serve: alerts run + digest run every N minutes */
    int scheduler;                /* 0 off (default), 1 on */
    long scheduler_minutes;       /* 5 to 1440, default 60 */
} config;

/* Sets the defaults (loopback, 1 MiB bodies, 30 s timeouts...). */
void config_defaults(config *c);
/* Reads "key = value" lines (# comments) from path into c. -1 with a
 * message naming the line on error. */
int config_load_file(config *c, const char *path, char *err, size_t errlen);

typedef struct static_file static_file;

typedef struct app {
    config cfg;
    store *db;
    tmpl_set *tmpl;
    i18n *cat;
    keyring *keys;       /* current keyring; read it with app_keys() (SIGHUP swaps it) */
    keyring *old_keys[16]; /* keyrings replaced by a reload, freed at exit */
    size_t nold_keys;
    pwpolicy *pw;
    session_limits limits;
    char dummy_hash[128]; /* verified for unknown users: same timing (ASVS 2.2.1) */
    json_t *openapi;     /* web/openapi.json */
    instrument_set *instruments; /* the instruments directory */
    evaluation_form *evaluation; /* data/evaluation.json: the practitioners' questionnaire */
    json_t *assets;      /* {"app_css": "/static/app.css?v=…", …} */
    static_file *statics;
    size_t nstatics;
    char allowed_hosts[16][300];
    size_t nallowed_hosts;
} app;

/* The keyring in force. `filet serve` reloads the key file on SIGHUP and
 * swaps the pointer; a keyring once published is never changed or freed
 * while serving, so a request may keep using the one it read. */
static inline const keyring *app_keys(const app *a)
{
    return __atomic_load_n(&a->keys, __ATOMIC_ACQUIRE);
}

#endif
