/*
 * cli_common.h - what the subcommands share: the common options (--config,
 * --db, --key, --json, --help) and JSON output on stdout.
 */
#ifndef FILET_CLI_COMMON_H
#define FILET_CLI_COMMON_H

#include <jansson.h>

#include "web/app.h"

typedef struct cli_opts {
    config cfg;
    int json;
    int help;
    int force;
    const char *to;   /* backup --to, keygen --out */
    const char *from; /* restore --from */
    const char *port;
    /* territory, agency and user administration (cli_identity.c) */
    const char *name;         /* --name */
    const char *timezone;     /* --timezone */
    const char *sector;       /* --sector */
    const char *territory;    /* --territory ID */
    const char *agency;       /* --agency ID */
    const char *username;     /* --username */
    const char *role;         /* --role */
    const char *display_name; /* --display-name */
    const char *lang;         /* --lang */
    const char *email;        /* --email (user add, user set-email) */
    int dry_run;              /* --dry-run (digest run) */
    int db_given;             /* --db was on the command line */
    int bad;          /* an unknown option or missing value was seen */
} cli_opts;

/* Parses argv (argv[0] is the subcommand). Reads --config first, then the
 * other flags over it. Prints its own error and sets o->bad on failure. */
void cli_parse(int argc, char **argv, cli_opts *o);
/* A STORE_* error code in words, for messages. */
const char *cli_store_msg(int rc);
/* Prints obj as one line of JSON on stdout and releases it. */
void cli_print_json(json_t *obj);
/* Prints "filet: <msg>" on stderr, or {"error": msg} on stdout with --json. */
int cli_fail(const cli_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
