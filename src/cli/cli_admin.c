/*
 * cli_admin.c - init, keygen, backup, restore, version, serve.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "sec/keyfile.h"
#include "store/store.h"
#include "web/http.h"
#include "web/server.h"

int cmd_version(int argc, char **argv)
{
    cli_opts o;
    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet version [--json]\n\nPrints the version of this filet and the newest database schema it knows.");
        return 0;
    }
    extern const size_t store_migrations_count;
    if (o.json)
        cli_print_json(json_pack("{s:s,s:i}", "version", FILET_VERSION, "schema_version",
                                 (int)store_migrations_count));
    else
        printf("filet %s (database schema %d)\n", FILET_VERSION, (int)store_migrations_count);
    return o.bad;
}

int cmd_init(int argc, char **argv)
{
    cli_opts o;
    char err[512];
    store *s = NULL;
    int v = 0;
    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet init --db PATH [--config FILE] [--json]\n\n"
             "Creates the database at PATH, or upgrades an existing one to the newest\n"
             "schema this filet knows. Refuses a database newer than this filet.\n"
             "With --json prints {\"db\": PATH, \"schema_version\": N}.");
        return 0;
    }
    if (o.bad)
        return 2;
    if (store_open(o.cfg.db_path, 1, 1, &s, err, sizeof(err)) != STORE_OK ||
        store_migrate(s, &v, err, sizeof(err)) != STORE_OK) {
        store_close(s);
        return cli_fail(&o, "%s", err);
    }
    store_close(s);
    if (o.json)
        cli_print_json(json_pack("{s:s,s:i}", "db", o.cfg.db_path, "schema_version", v));
    else
        printf("database %s ready (schema version %d)\n", o.cfg.db_path, v);
    return 0;
}

int cmd_keygen(int argc, char **argv)
{
    cli_opts o;
    char err[512];
    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet keygen --out FILE [--json]\n\n"
             "Creates FILE (which must not exist) holding a new random master key,\n"
             "readable by its owner only (mode 0600). filet encrypts sensitive fields\n"
             "and seals the audit trail with keys derived from it: keep it outside the\n"
             "database and back it up separately - without it the data cannot be read.");
        return 0;
    }
    if (o.bad)
        return 2;
    const char *out = o.to ? o.to : (o.cfg.key_path[0] ? o.cfg.key_path : NULL);
    if (!out)
        return cli_fail(&o, "keygen needs --out FILE");
    if (keyfile_generate(out, err, sizeof(err)) != 0)
        return cli_fail(&o, "%s", err);
    if (o.json)
        cli_print_json(json_pack("{s:s}", "key_file", out));
    else
        printf("key written to %s (mode 0600)\n", out);
    return 0;
}

int cmd_backup(int argc, char **argv)
{
    cli_opts o;
    char err[512];
    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet backup --db PATH --to FILE [--json]\n\n"
             "Writes a consistent copy of the database to FILE (a new file) while filet\n"
             "may be serving. The copy holds sensitive fields encrypted: back up the key\n"
             "file too, separately (see the README).");
        return 0;
    }
    if (o.bad)
        return 2;
    if (!o.to)
        return cli_fail(&o, "backup needs --to FILE");
    if (store_backup(o.cfg.db_path, o.to, err, sizeof(err)) != STORE_OK)
        return cli_fail(&o, "%s", err);
    if (o.json)
        cli_print_json(json_pack("{s:b}", "ok", 1));
    else
        printf("backup written to %s\n", o.to);
    return 0;
}

int cmd_restore(int argc, char **argv)
{
    cli_opts o;
    char err[512];
    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet restore --from FILE --db PATH [--force] [--json]\n\n"
             "Checks FILE (integrity, a filet database, schema not newer than this filet)\n"
             "and copies it to PATH. Refuses to replace an existing PATH unless --force;\n"
             "stop filet serve before replacing its database.");
        return 0;
    }
    if (o.bad)
        return 2;
    if (!o.from)
        return cli_fail(&o, "restore needs --from FILE");
    if (store_restore(o.from, o.cfg.db_path, o.force, err, sizeof(err)) != STORE_OK)
        return cli_fail(&o, "%s", err);
    if (o.json)
        cli_print_json(json_pack("{s:b}", "ok", 1));
    else
        printf("%s restored to %s\n", o.from, o.cfg.db_path);
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    cli_opts o;
    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet serve --db PATH --key FILE [--listen HOST:PORT] [--config FILE]\n"
             "                   [--threads N] [--share-dir DIR] [--demo]\n\n"
             "Serves filet over HTTP until SIGINT or SIGTERM, then finishes the requests\n"
             "in flight and exits 0. SIGHUP reloads the key file (key rotation).\n"
             "Applies pending database migrations at start.\n\n"
             "  --listen HOST:PORT  default 127.0.0.1:8080 (loopback only); port 0 picks a\n"
             "                      free port. Put a TLS reverse proxy in front for others.\n"
             "  --key FILE          master key file (filet keygen); refused if others can read it\n"
             "  --demo              show a DEMO banner on every page; loopback addresses only\n"
             "  --config FILE       key = value lines: db, key, listen, hosts, threads,\n"
             "                      timeout, body_limit, share_dir, locale_dir; scheduler\n"
             "                      (on|off, default off) and scheduler_minutes (5-1440,\n"
             "                      default 60) run `alerts run` and `digest run` inside\n"
             "                      serve; smtp_url, smtp_from, smtp_user,\n"
             "                      smtp_password_file, public_url for the digest");
        return 0;
    }
    if (o.bad)
        return 2;
    if (!o.cfg.key_path[0])
        return cli_fail(&o, "serve needs a key file (--key FILE, or key = FILE in the config)");
    return server_run(&o.cfg);
}

int cmd_routes(int argc, char **argv)
{
    cli_opts o;
    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet routes [--json]\n\n"
             "Lists the HTTP routes this filet serves: method, path pattern, and whether\n"
             "a signed-in user is needed. Every route also passes the access policy.");
        return 0;
    }
    if (o.bad)
        return 2;
    json_t *list = json_array();
    for (size_t i = 0; i < app_routes_count; i++) {
        const route *rt = &app_routes[i];
        int pub = (rt->flags & ROUTE_PUBLIC) != 0;
        if (o.json)
            json_array_append_new(list, json_pack("{s:s,s:s,s:b}", "method", rt->method, "path", rt->pattern,
                                                  "public", pub));
        else
            printf("%-7s %-45s %s\n", rt->method, rt->pattern, pub ? "public" : "signed in");
    }
    if (o.json)
        cli_print_json(json_pack("{s:o}", "routes", list));
    else
        json_decref(list);
    return 0;
}
