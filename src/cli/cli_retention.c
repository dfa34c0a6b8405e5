/*
 * cli_retention.c - filet retention run: deletes what is personal about
 * situations closed longer ago than their territory's retention period
 * (territories.retention_months, default 60), keeping anonymous counts.
 *
 * Each situation goes in its own write transaction, with one "purge" audit
 * row (object "tombstone", the number of rows in fields); audit rows that
 * named it are tombstoned. The file is then rebuilt (VACUUM) and the
 * write-ahead log emptied, so no deleted content stays in free pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "lib/id.h"
#include "sec/audit.h"
#include "sec/keyfile.h"
#include "store/retention.h"
#include "store/store.h"

typedef struct due_item {
    char sid[STORE_ID_LEN + 1];
    char closed_at[32];
} due_item;

typedef struct due_list {
    due_item *items;
    size_t n, cap;
    int oom;
} due_list;

static int due_take(void *ctx, const char *sid, const char *closed_at)
{
    due_list *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        due_item *p = realloc(l->items, cap * sizeof(*p));
        if (!p) {
            l->oom = 1;
            return 1;
        }
        l->items = p;
        l->cap = cap;
    }
    snprintf(l->items[l->n].sid, sizeof(l->items[l->n].sid), "%s", sid ? sid : "");
    snprintf(l->items[l->n].closed_at, sizeof(l->items[l->n].closed_at), "%s", closed_at ? closed_at : "");
    l->n++;
    return 0;
}

/* Purges one situation in one write transaction, with its audit row. */
static int purge_one(store_conn *c, const keyring *kr, const char *sid, long long total)
{
    char fields[64];
    snprintf(fields, sizeof(fields), "rows=%lld", total);
    audit_event e = {.user_id = NULL, .agency_id = NULL, .source = "cli", .action = "purge",
                     .object_type = "situation", .object_id = "tombstone", .fields = fields};
    int rc = store_write_begin(c);
    if (rc != STORE_OK)
        return rc;
    rc = store_retention_purge(c, sid);
    if (rc == STORE_OK)
        rc = audit_append(c, kr, &e);
    if (rc == STORE_OK)
        rc = store_write_commit(c);
    if (rc != STORE_OK)
        store_write_rollback(c);
    return rc;
}

static int retention_run(int argc, char **argv, int dry_run)
{
    cli_opts o;
    keyring kr;
    int have_keys = 0, rc = 1, src;
    char err[512], now[32];
    store *s = NULL;
    store_conn *c = NULL;
    due_list due = {0};
    json_t *list = NULL;
    long long purged = 0;

    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet retention run --db PATH --key FILE [--dry-run] [--json]\n\n"
             "Finds the closed situations whose territory's retention period (in months,\n"
             "default 60) has passed since they were closed, and deletes everything\n"
             "personal about each: persons no other situation refers to, relationships,\n"
             "information, exclusions, participations, assessments, events, minutes,\n"
             "agenda entries, actions and their notes, alerts, drafts, and the situation\n"
             "itself. Anonymous counts (territory, month closed, reason, level, route)\n"
             "are kept; audit rows naming the situation are tombstoned and the trail\n"
             "still verifies. The file is then compacted so nothing deleted remains.\n"
             "--dry-run lists what would go (ids, closing dates, rows per table) and\n"
             "changes nothing. With --json prints {\"purged\": N, \"dry_run\": BOOL,\n"
             "\"situations\": [{\"id\", \"closed_at\", \"rows\": {TABLE: N}}]}.");
        return 0;
    }
    if (o.bad)
        return 2;
    if (sodium_init() < 0)
        return cli_fail(&o, "libsodium failed to initialise");
    if (!o.cfg.key_path[0])
        return cli_fail(&o, "this command needs the key file (--key FILE, or key = FILE in the config)");
    if (keyring_load(o.cfg.key_path, &kr, err, sizeof(err)) != 0)
        return cli_fail(&o, "%s", err);
    have_keys = 1;
    int cur = 0, latest = 0;
    if (store_open(o.cfg.db_path, 0, 1, &s, err, sizeof(err)) != STORE_OK) {
        cli_fail(&o, "%s", err);
        goto out;
    }
    if (store_schema_version(s, &cur, &latest) != STORE_OK || cur != latest) {
        cli_fail(&o, "database %s has schema %d, this filet needs %d (filet init --db PATH)", o.cfg.db_path,
                 cur, latest);
        goto out;
    }
    c = store_acquire(s);
    if (!c) {
        cli_fail(&o, "the database is busy, try again");
        goto out;
    }
    time_rfc3339(clock_now(), now, sizeof(now));
    if ((src = store_read_begin(c)) == STORE_OK) {
        src = store_retention_due(c, now, due_take, &due);
        store_read_end(c);
    }
    if (src != STORE_OK || due.oom) {
        cli_fail(&o, "could not list the situations: %s", due.oom ? "out of memory" : cli_store_msg(src));
        goto out;
    }
    list = json_array();
    for (size_t i = 0; i < due.n; i++) {
        long long counts[RETENTION_TABLES], total = 0;
        if ((src = store_read_begin(c)) == STORE_OK) {
            src = store_retention_counts(c, due.items[i].sid, counts);
            store_read_end(c);
        }
        if (src != STORE_OK) {
            cli_fail(&o, "could not count the rows of %s: %s", due.items[i].sid, cli_store_msg(src));
            goto out;
        }
        json_t *rows = json_object();
        for (int t = 0; t < RETENTION_TABLES; t++) {
            total += counts[t];
            json_object_set_new(rows, retention_table_names[t], json_integer(counts[t]));
        }
        if (!dry_run) {
            src = purge_one(c, &kr, due.items[i].sid, total);
            if (src != STORE_OK) {
                json_decref(rows);
                cli_fail(&o, "could not purge %s: %s", due.items[i].sid, cli_store_msg(src));
                goto out;
            }
            purged++;
        }
        if (o.json) {
            json_array_append_new(list, json_pack("{s:s,s:s,s:o}", "id", due.items[i].sid, "closed_at",
                                                  due.items[i].closed_at, "rows", rows));
        } else {
            printf("%s %s closed %s, %lld rows\n", dry_run ? "would purge" : "purged", due.items[i].sid,
                   due.items[i].closed_at, total);
            for (int t = 0; t < RETENTION_TABLES; t++)
                if (counts[t])
                    printf("  %-22s %lld\n", retention_table_names[t], counts[t]);
            json_decref(rows);
        }
    }
    if (!dry_run && purged > 0 && (src = store_retention_compact(c)) != STORE_OK) {
        cli_fail(&o, "purged, but could not compact the file: %s", cli_store_msg(src));
        goto out;
    }
    if (o.json) {
        cli_print_json(json_pack("{s:I,s:b,s:O}", "purged", (json_int_t)purged, "dry_run", dry_run,
                                 "situations", list));
    } else if (due.n == 0) {
        puts("nothing to purge");
    }
    rc = 0;
out:
    json_decref(list);
    free(due.items);
    if (c)
        store_release(s, c);
    store_close(s);
    if (have_keys)
        keyring_wipe(&kr);
    return rc;
}

int cmd_retention(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "run") == 0) {
        /* --dry-run is this command's own flag: take it out before the
         * common parser sees the rest. */
        int dry_run = 0, n = 0;
        char **args = calloc((size_t)argc + 1, sizeof(*args));
        if (!args)
            return 1;
        args[n++] = "retention run";
        for (int i = 2; i < argc; i++) {
            if (strcmp(argv[i], "--dry-run") == 0)
                dry_run = 1;
            else
                args[n++] = argv[i];
        }
        int rc = retention_run(n, args, dry_run);
        free(args);
        return rc;
    }
    FILE *f = stderr;
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
                      strcmp(argv[1], "help") == 0))
        f = stdout;
    else if (argc >= 2)
        fprintf(stderr, "filet: unknown command 'retention %s'\n\n", argv[1]);
    fputs("Usage: filet retention SUBCOMMAND [OPTIONS]\n\nSubcommands:\n"
          "  run        delete what is personal about situations past their retention period\n"
          "\nfilet retention SUBCOMMAND --help describes each.\n",
          f);
    return f == stdout ? 0 : 2;
}
