/*
 * cli_alerts.c - `filet alerts run`: computes the alerts due now and
 * stores each once (dedupe keys), for cron; running it twice adds nothing.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "lib/id.h"
#include "sec/audit.h"
#include "sec/keyfile.h"
#include "store/alerts.h"
#include "store/store.h"

static int alerts_run(int argc, char **argv)
{
    cli_opts o;
    char err[512], now[32], today[11];
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
    if (keyring_load(o.cfg.key_path, &kr, err, sizeof(err)) != 0)
        return cli_fail(&o, "%s", err);
    store *s = NULL;
    int cur = 0, latest = 0, added = 0;
    if (store_open(o.cfg.db_path, 0, 1, &s, err, sizeof(err)) != STORE_OK) {
        keyring_wipe(&kr);
        return cli_fail(&o, "%s", err);
    }
    if (store_schema_version(s, &cur, &latest) != STORE_OK || cur != latest) {
        store_close(s);
        keyring_wipe(&kr);
        return cli_fail(&o, "database %s is not at this filet's schema: run filet init --db %s", o.cfg.db_path,
                        o.cfg.db_path);
    }
    store_conn *c = store_acquire(s);
    time_rfc3339(clock_now(), now, sizeof(now));
    memcpy(today, now, 10);
    today[10] = '\0';
    int rc = !c ? STORE_BUSY : store_write_begin(c);
    if (rc == STORE_OK)
        rc = store_alerts_run(c, today, now, &added);
    if (rc == STORE_OK && added > 0) {
        audit_event e = {.source = "cli", .action = "create", .object_type = "alert", .object_id = "",
                         .fields = "kind,situation_id"};
        rc = audit_append(c, &kr, &e);
    }
    if (rc == STORE_OK)
        rc = store_write_commit(c);
    else if (c)
        store_write_rollback(c);
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
