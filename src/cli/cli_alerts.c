/*
 * cli_alerts.c - `filet alerts run`: computes the alerts due now and
 * stores each once (dedupe keys), for cron; running it twice adds nothing.
 * `filet digest run`: the daily e-mail digest of alerts (counts and a
 * link, no personal data), at most one per user and day. Both call the
 * jobs the scheduler of `serve` runs (src/jobs/jobs.c).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "jobs/jobs.h"
#include "lib/i18n.h"
#include "sec/keyfile.h"
#include "store/store.h"

/* Opens the database at this binary's schema; 0 or an exit status. */
static int open_db(cli_opts *o, keyring *kr, store **s)
{
    char err[512];
    int cur = 0, latest = 0;
    if (keyring_load(o->cfg.key_path, kr, err, sizeof(err)) != 0)
        return cli_fail(o, "%s", err);
    if (store_open(o->cfg.db_path, 0, 1, s, err, sizeof(err)) != STORE_OK) {
        keyring_wipe(kr);
        return cli_fail(o, "%s", err);
    }
    if (store_schema_version(*s, &cur, &latest) != STORE_OK || cur != latest) {
        store_close(*s);
        keyring_wipe(kr);
        return cli_fail(o, "database %s is not at this filet's schema: run filet init --db %s", o->cfg.db_path,
                        o->cfg.db_path);
    }
    return 0;
}

static int alerts_run(int argc, char **argv)
{
    cli_opts o;
    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet alerts run --db PATH --key FILE [--json]\n\n"
             "Computes the alerts due now (action overdue, protective order expiring\n"
             "or perpetrator released within 14 days, review date reached, urgent\n"
             "referral on no meeting within the territory's target) and stores each\n"
             "one once: running it again adds nothing. With --json prints\n"
             "{\"added\": N}. For cron.");
        return 0;
    }
    if (o.bad)
        return 2;
    keyring kr;
    store *s = NULL;
    int added = 0, rc = open_db(&o, &kr, &s);
    if (rc)
        return rc;
    store_conn *c = store_acquire(s);
    rc = c ? job_alerts_run(c, &kr, "cli", &added) : STORE_BUSY;
    if (c)
        store_release(s, c);
    store_close(s);
    keyring_wipe(&kr);
    if (rc != STORE_OK)
        return cli_fail(&o, "could not store the alerts (database busy or damaged)");
    if (o.json)
        cli_print_json(json_pack("{s:i}", "added", added));
    else
        printf("%d new alert%s stored\n", added, added == 1 ? "" : "s");
    return 0;
}

int cmd_alerts(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "run") == 0)
        return alerts_run(argc - 1, argv + 1);
    FILE *f = (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) ? stdout : stderr;
    fputs("Usage: filet alerts run --db PATH --key FILE [--json]\n\n"
          "  run   compute the alerts due now and store the new ones (idempotent)\n", f);
    return f == stdout ? 0 : 2;
}

static int digest_run(int argc, char **argv)
{
    static const char *const langs[] = {"fr", "en", NULL};
    cli_opts o;
    char err[512], password[512];
    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet digest run --config FILE [--db PATH] [--key FILE] [--dry-run] [--json]\n\n"
             "Sends today's e-mail digest of alerts to every active user with an e-mail\n"
             "address and at least one alert: how many alerts of each kind, and a link\n"
             "to public_url/alerts - never personal data - in the user's language.\n"
             "At most one per user and day: running it again sends nothing new. A send\n"
             "that fails is retried by the next run. --dry-run sends and records\n"
             "nothing and lists what would go. For cron (or scheduler = on in serve).\n\n"
             "The config file gives smtp_url (smtp://host:587 or smtps://host:465),\n"
             "smtp_from, public_url, and optionally smtp_user and smtp_password_file\n"
             "(chmod 600; over smtp:// a password requires STARTTLS).\n"
             "With --json prints {\"day\", \"sent\", \"would_send\", \"already_sent\",\n"
             "\"no_alerts\", \"failed\", \"digests\": [...]}.");
        return 0;
    }
    if (o.bad)
        return 2;
    digest_settings ds = {.smtp_url = o.cfg.smtp_url, .smtp_from = o.cfg.smtp_from, .smtp_user = o.cfg.smtp_user,
                          .smtp_password_file = o.cfg.smtp_password_file, .public_url = o.cfg.public_url};
    password[0] = '\0';
    if (!o.dry_run && digest_settings_check(&ds, password, sizeof(password), err, sizeof(err)) != 0)
        return cli_fail(&o, "%s", err);
    i18n *cat = NULL;
    if (i18n_load(o.cfg.locale_dir, langs, &cat, err, sizeof(err)) != 0) {
        sodium_memzero(password, sizeof(password));
        return cli_fail(&o, "%s", err);
    }
    keyring kr;
    store *s = NULL;
    json_t *report = NULL;
    int rc = open_db(&o, &kr, &s);
    if (rc) {
        sodium_memzero(password, sizeof(password));
        i18n_free(cat);
        return rc;
    }
    rc = job_digest_run(s, &kr, cat, &ds, password, "cli", o.dry_run, &report, err, sizeof(err));
    sodium_memzero(password, sizeof(password));
    store_close(s);
    keyring_wipe(&kr);
    i18n_free(cat);
    if (rc != 0)
        return cli_fail(&o, "%s", err);
    int failed = (int)json_integer_value(json_object_get(report, "failed"));
    if (o.json) {
        cli_print_json(report);
    } else {
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(report, "digests"), i, d) {
            const char *status = json_string_value(json_object_get(d, "status"));
            printf("%-12s %-20s %s", status, json_string_value(json_object_get(d, "username")),
                   json_string_value(json_object_get(d, "to")));
            if (json_object_get(d, "alerts"))
                printf(" (%d alerts)", (int)json_integer_value(json_object_get(d, "alerts")));
            if (json_object_get(d, "error"))
                printf(": %s", json_string_value(json_object_get(d, "error")));
            putchar('\n');
        }
        printf("%s: %d sent, %d would be sent, %d already sent today, %d without alerts, %d failed\n",
               o.dry_run ? "dry run" : "digest", (int)json_integer_value(json_object_get(report, "sent")),
               (int)json_integer_value(json_object_get(report, "would_send")),
               (int)json_integer_value(json_object_get(report, "already_sent")),
               (int)json_integer_value(json_object_get(report, "no_alerts")), failed);
        json_decref(report);
    }
    return failed ? 1 : 0;
}

int cmd_digest(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "run") == 0)
        return digest_run(argc - 1, argv + 1);
    FILE *f = (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) ? stdout : stderr;
    fputs("Usage: filet digest run --config FILE [--dry-run] [--json]\n\n"
          "  run   send today's e-mail digest of alerts (at most one per user and day)\n", f);
    return f == stdout ? 0 : 2;
}
