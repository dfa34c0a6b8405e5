/*
 * main.c - filet: secure coordination for multi-agency domestic-violence
 * safety networks. Dispatches to the subcommands in src/cli/.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} commands[] = {
    {"serve", cmd_serve, "serve the web application and the JSON API"},
    {"init", cmd_init, "create or upgrade a database"},
    {"keygen", cmd_keygen, "create a master key file"},
    {"demo", cmd_demo, "load the demo territory, agencies and users"},
    {"territory", cmd_territory, "add a territory"},
    {"agency", cmd_agency, "add a partner agency"},
    {"user", cmd_user, "add, disable, enable, list users; reset passwords, second factors and e-mail addresses"},
    {"audit", cmd_audit, "verify the audit trail"},
    {"key", cmd_key, "key rotation: add a new key, drop the old ones"},
    {"rekey", cmd_rekey, "key rotation: re-encrypt and re-seal under the new key"},
    {"backup", cmd_backup, "copy the live database to a file"},
    {"restore", cmd_restore, "check a backup and put it in place"},
    {"retention", cmd_retention, "delete closed situations past their retention period"},
    {"instrument", cmd_instrument, "check an instrument definition, list the instruments"},
    {"alerts", cmd_alerts, "compute and store the alerts due now (for cron)"},
    {"digest", cmd_digest, "send the daily e-mail digest of alerts (for cron)"},
    {"routes", cmd_routes, "list the HTTP routes"},
    {"version", cmd_version, "print the version"},
};

static void usage(FILE *f)
{
    fputs("Usage: filet COMMAND [OPTIONS]\n\nCommands:\n", f);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].help);
    fputs("\nfilet COMMAND --help describes each command.\n", f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(1, argv + 1);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "filet: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
