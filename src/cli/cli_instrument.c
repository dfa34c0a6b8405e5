/*
 * cli_instrument.c - filet instrument check FILE and filet instrument list:
 * validating a definition before a territory loads it, and listing the
 * instruments a server would load from <share_dir>/instruments.
 *
 * check prints errors as "FILE:LINE: reason" (no "filet:" prefix, so
 * editors jump to the line) and exits 1; usage errors exit 2.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "core/instrument.h"

/* The options of cli_parse that take a value as the next argument: their
 * values are not the FILE of check. */
static const char *const value_options[] = {
    "--config", "--db",       "--key",      "--listen", "--to",    "--out",
    "--from",   "--threads",  "--share-dir", "--name",  "--timezone", "--sector",
    "--territory", "--agency", "--username", "--role",  "--display-name", "--lang",
    NULL,
};

static int takes_value(const char *arg)
{
    for (size_t i = 0; value_options[i]; i++)
        if (strcmp(arg, value_options[i]) == 0)
            return 1;
    return 0;
}

/* The levels as "standard 0, medium 10, high 14" into out. */
static void levels_text(const instrument *ins, char *out, size_t outlen)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < ins->nlevels && n < outlen; i++) {
        int w = snprintf(out + n, outlen - n, "%s%s %d", i ? ", " : "", ins->levels[i].id,
                         ins->levels[i].min);
        if (w < 0)
            break;
        n += (size_t)w;
    }
}

/* {"id", "version", "items", "critical_items", "method", "levels": [{"id",
 * "min"}], "refer_level", "critical_level"}; NULL on out of memory. */
static json_t *summary_json(const instrument *ins)
{
    json_t *levels = json_array(), *o;
    for (size_t i = 0; levels && i < ins->nlevels; i++)
        if (json_array_append_new(levels, json_pack("{s:s, s:i}", "id", ins->levels[i].id, "min",
                                                    ins->levels[i].min)) != 0) {
            json_decref(levels);
            return NULL;
        }
    if (!levels)
        return NULL;
    o = json_pack("{s:s, s:i, s:i, s:i, s:s, s:o, s:s, s:s}", "id", ins->id, "version", ins->version,
                  "items", (int)ins->nitems, "critical_items", (int)ins->ncritical, "method",
                  instrument_method_name(ins->method), "levels", levels, "refer_level",
                  ins->levels[ins->refer_rank].id, "critical_level", ins->levels[ins->critical_rank].id);
    return o;
}

/* --------------------------------------------------------------- check */

static int instrument_check(int argc, char **argv)
{
    char *rest[64];
    int nrest = 0;
    const char *file = NULL;
    int extra = 0;
    cli_opts o;
    char err[1024], levels[512];
    instrument *ins = NULL;

    /* Take FILE out of argv; cli_parse refuses positional arguments. */
    if (argc > (int)(sizeof(rest) / sizeof(rest[0])) - 1) {
        fprintf(stderr, "filet %s: too many arguments\n", argv[0]);
        return 2;
    }
    rest[nrest++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0 && i + 1 < argc) {
            extra += file != NULL;
            file = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            rest[nrest++] = argv[i];
            if (takes_value(a) && i + 1 < argc)
                rest[nrest++] = argv[++i];
        } else {
            extra += file != NULL;
            file = a;
        }
    }
    rest[nrest] = NULL;
    cli_parse(nrest, rest, &o);
    if (o.help) {
        puts("Usage: filet instrument check FILE [--json]\n\n"
             "Validates an instrument definition (instruments/README.md) and prints its\n"
             "id, version, item count, scoring method and levels with their thresholds.\n"
             "On an error prints FILE:LINE: reason and exits 1. With --json prints\n"
             "{\"ok\": true, \"id\", \"version\", \"items\", \"critical_items\", \"method\",\n"
             "\"levels\": [{\"id\", \"min\"}], \"refer_level\", \"critical_level\"}, or\n"
             "{\"ok\": false, \"error\": \"FILE:LINE: reason\"}.");
        return 0;
    }
    if (o.bad)
        return 2;
    if (!file || extra) {
        cli_fail(&o, "%s needs exactly one FILE (see filet %s --help)", argv[0], argv[0]);
        return 2;
    }
    if (instrument_load_file(file, &ins, err, sizeof(err)) != 0) {
        if (o.json)
            cli_print_json(json_pack("{s:b, s:s}", "ok", 0, "error", err));
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    if (o.json) {
        json_t *j = summary_json(ins);
        if (!j || json_object_set_new(j, "ok", json_true()) != 0) {
            json_decref(j);
            instrument_free(ins);
            return cli_fail(&o, "out of memory");
        }
        cli_print_json(j);
    } else {
        levels_text(ins, levels, sizeof(levels));
        printf("%s: ok\n"
               "id: %s\n"
               "version: %d\n"
               "items: %zu (%zu critical)\n"
               "method: %s\n"
               "levels: %s\n"
               "refer_level: %s\n"
               "critical_level: %s\n",
               file, ins->id, ins->version, ins->nitems, ins->ncritical,
               instrument_method_name(ins->method), levels, ins->levels[ins->refer_rank].id,
               ins->levels[ins->critical_rank].id);
    }
    instrument_free(ins);
    return 0;
}

/* ---------------------------------------------------------------- list */

static int instrument_list(int argc, char **argv)
{
    cli_opts o;
    char dir[1100], err[1024], levels[512];
    instrument_set *set = NULL;
    json_t *arr = NULL;
    int rc = 1;

    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet instrument list [--share-dir DIR] [--lang fr|en] [--json]\n\n"
             "Lists the latest version of each instrument in DIR/instruments (DIR: the\n"
             "share_dir of the configuration), the definitions the server loads. Titles\n"
             "are in French unless --lang en. With --json prints {\"instruments\": [{\"id\",\n"
             "\"version\", \"title\": {\"fr\", \"en\"}, \"items\", \"critical_items\",\n"
             "\"method\", \"levels\": [{\"id\", \"min\"}], \"refer_level\", \"critical_level\"}]}.");
        return 0;
    }
    if (o.bad)
        return 2;
    snprintf(dir, sizeof(dir), "%s/instruments", o.cfg.share_dir);
    if (instrument_set_load_dir(dir, &set, err, sizeof(err)) != 0)
        return cli_fail(&o, "%s", err);
    if (o.json && !(arr = json_array())) {
        cli_fail(&o, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < instrument_set_count(set); i++) {
        const instrument *ins = instrument_set_latest(set, i);
        if (o.json) {
            json_t *j = summary_json(ins);
            if (!j || json_object_set_new(j, "title", json_pack("{s:s, s:s}", "fr", ins->title.fr, "en",
                                                                ins->title.en)) != 0 ||
                json_array_append_new(arr, j) != 0) {
                cli_fail(&o, "out of memory");
                goto out;
            }
        } else {
            levels_text(ins, levels, sizeof(levels));
            printf("%s v%d: %s\n  %zu items (%zu critical), %s; levels %s; refer from %s\n", ins->id,
                   ins->version, instrument_text_get(&ins->title, o.lang ? o.lang : "fr"), ins->nitems,
                   ins->ncritical, instrument_method_name(ins->method), levels,
                   ins->levels[ins->refer_rank].id);
        }
    }
    if (o.json) {
        cli_print_json(json_pack("{s:o}", "instruments", arr));
        arr = NULL;
    }
    rc = 0;
out:
    json_decref(arr);
    instrument_set_free(set);
    return rc;
}

/* ------------------------------------------------------------ dispatch */

int cmd_instrument(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
        const char *help;
    } subs[] = {
        {"check", instrument_check, "validate an instrument definition file"},
        {"list", instrument_list, "list the instruments the server loads"},
    };
    char name[64];
    FILE *f = stderr;
    if (argc >= 2 && strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-h") != 0 &&
        strcmp(argv[1], "help") != 0) {
        for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
            if (strcmp(argv[1], subs[i].name) == 0) {
                snprintf(name, sizeof(name), "instrument %s", subs[i].name);
                argv[1] = name;
                return subs[i].fn(argc - 1, argv + 1);
            }
        }
        fprintf(stderr, "filet: unknown command 'instrument %s'\n\n", argv[1]);
    } else if (argc >= 2) {
        f = stdout;
    }
    fputs("Usage: filet instrument SUBCOMMAND [OPTIONS]\n\nSubcommands:\n", f);
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
        fprintf(f, "  %-10s %s\n", subs[i].name, subs[i].help);
    fputs("\nfilet instrument SUBCOMMAND --help describes each.\n", f);
    return f == stdout ? 0 : 2;
}
