/*
 * cli_common.c - option parsing and output shared by the subcommands.
 */
#include "cli/cli_common.h"

#include "store/store.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_NAME = 256,
    OPT_TIMEZONE,
    OPT_SECTOR,
    OPT_TERRITORY,
    OPT_AGENCY,
    OPT_USERNAME,
    OPT_ROLE,
    OPT_DISPLAY_NAME,
    OPT_LANG,
    OPT_EMAIL,
    OPT_DRY_RUN,
};

void cli_parse(int argc, char **argv, cli_opts *o)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'}, {"db", required_argument, NULL, 'd'},
        {"key", required_argument, NULL, 'k'},    {"listen", required_argument, NULL, 'l'},
        {"json", no_argument, NULL, 'j'},         {"help", no_argument, NULL, 'h'},
        {"demo", no_argument, NULL, 'D'},         {"force", no_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},     {"out", required_argument, NULL, 't'},
        {"from", required_argument, NULL, 'F'},   {"threads", required_argument, NULL, 'T'},
        {"share-dir", required_argument, NULL, 's'},
        /* Options without a short letter take values from 256 up. */
        {"name", required_argument, NULL, OPT_NAME},
        {"timezone", required_argument, NULL, OPT_TIMEZONE},
        {"sector", required_argument, NULL, OPT_SECTOR},
        {"territory", required_argument, NULL, OPT_TERRITORY},
        {"agency", required_argument, NULL, OPT_AGENCY},
        {"username", required_argument, NULL, OPT_USERNAME},
        {"role", required_argument, NULL, OPT_ROLE},
        {"display-name", required_argument, NULL, OPT_DISPLAY_NAME},
        {"lang", required_argument, NULL, OPT_LANG},
        {"email", required_argument, NULL, OPT_EMAIL},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {NULL, 0, NULL, 0},
    };
    char err[512];
    memset(o, 0, sizeof(*o));
    config_defaults(&o->cfg);
    /* First pass: only --config, so that flags override the file. */
    for (int i = 1; i < argc; i++) {
        const char *path = NULL;
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            path = argv[i + 1];
        else if (strncmp(argv[i], "--config=", 9) == 0)
            path = argv[i] + 9;
        if (path && config_load_file(&o->cfg, path, err, sizeof(err)) != 0) {
            fprintf(stderr, "filet: %s\n", err);
            o->bad = 1;
            return;
        }
    }
    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'c': break;
        case 'd':
            snprintf(o->cfg.db_path, sizeof(o->cfg.db_path), "%s", optarg);
            o->db_given = 1;
            break;
        case 'k': snprintf(o->cfg.key_path, sizeof(o->cfg.key_path), "%s", optarg); break;
        case 'l': snprintf(o->cfg.listen, sizeof(o->cfg.listen), "%s", optarg); break;
        case 's': snprintf(o->cfg.share_dir, sizeof(o->cfg.share_dir), "%s", optarg); break;
        case 'j': o->json = 1; break;
        case 'h': o->help = 1; break;
        case 'D': o->cfg.demo = 1; break;
        case 'f': o->force = 1; break;
        case 't': o->to = optarg; break;
        case 'F': o->from = optarg; break;
        case OPT_NAME: o->name = optarg; break;
        case OPT_TIMEZONE: o->timezone = optarg; break;
        case OPT_SECTOR: o->sector = optarg; break;
        case OPT_TERRITORY: o->territory = optarg; break;
        case OPT_AGENCY: o->agency = optarg; break;
        case OPT_USERNAME: o->username = optarg; break;
        case OPT_ROLE: o->role = optarg; break;
        case OPT_DISPLAY_NAME: o->display_name = optarg; break;
        case OPT_LANG: o->lang = optarg; break;
        case OPT_EMAIL: o->email = optarg; break;
        case OPT_DRY_RUN: o->dry_run = 1; break;
        case 'T': {
            char *end = NULL;
            long t = strtol(optarg, &end, 10);
            if (!end || *end || t < 1 || t > 64) {
                fprintf(stderr, "filet %s: --threads takes a number from 1 to 64\n", argv[0]);
                o->bad = 1;
            } else {
                o->cfg.threads = (int)t;
            }
            break;
        }
        case ':':
            fprintf(stderr, "filet %s: option %s needs a value\n", argv[0], argv[optind - 1]);
            o->bad = 1;
            break;
        default:
            fprintf(stderr, "filet %s: unknown option %s (see filet %s --help)\n", argv[0],
                    argv[optind - 1], argv[0]);
            o->bad = 1;
            break;
        }
    }
    if (optind < argc) {
        /* Never echo it: it may be a password typed in the wrong place. */
        fprintf(stderr, "filet %s: unexpected argument at position %d (passwords are read from standard input)\n",
                argv[0], optind);
        o->bad = 1;
    }
}

void cli_print_json(json_t *obj)
{
    char *s = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
        free(s);
    }
    json_decref(obj);
}

int cli_fail(const cli_opts *o, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (o->json)
        cli_print_json(json_pack("{s:s}", "error", msg));
    fprintf(stderr, "filet: %s\n", msg);
    return 1;
}

const char *cli_store_msg(int rc)
{
    switch (rc) {
    case STORE_BUSY: return "the database is busy, try again";
    case STORE_NOTFOUND: return "not found";
    case STORE_CONFLICT: return "conflicting change";
    default: return "database error";
    }
}
