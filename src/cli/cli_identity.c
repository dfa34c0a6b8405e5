/*
 * cli_identity.c - scripted administration: territories, agencies, users
 * (add, disable, enable, reset-mfa, passwd, list), verification of the
 * audit trail, and key rotation (key add, rekey, key drop-old).
 *
 * Every change is recorded in the audit trail in the same write
 * transaction as the change itself, with no user and source "cli".
 * Passwords are read from stdin (never argv) and wiped after use; second-
 * factor secrets are stored encrypted (aad "users.totp:<user id>") and
 * shown once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "core/person.h"
#include "core/policy.h"
#include "lib/arena.h"
#include "lib/email.h"
#include "sec/audit.h"
#include "sec/fieldcrypt.h"
#include "sec/keyfile.h"
#include "sec/password.h"
#include "sec/pwpolicy.h"
#include "sec/totp.h"
#include "store/rekey.h"
#include "store/store.h"

#define REKEY_BATCH 200        /* rows per write transaction during rekey */
#define PASSWORD_MAX_BYTES 1024 /* 128 code points of UTF-8 fit with room */
#define TEXT_MAX_BYTES 200     /* names and display names */
#define USERNAME_MIN 3
#define USERNAME_MAX 64
#define TOTP_ISSUER "filet"
#define DEFAULT_TIMEZONE "America/Montreal"

/* The vocabularies of API.md, for error messages (core/policy.c decides). */
#define ROLES_TEXT "admin, coordinator, representative, practitioner, auditor"
#define SECTORS_TEXT                                                                               \
    "police, shelter, child_protection, health, mental_health, addiction, justice, probation, " \
    "victim_support, perpetrator_programme, legal_aid, social_services, housing, immigration, "  \
    "education, other"

/* What a command holds open: the database, one connection, the keys. */
typedef struct cli_ctx {
    store *s;
    store_conn *c;
    keyring kr;
    int have_keys;
} cli_ctx;

/* ------------------------------------------------------------ helpers */

/* A usage error of command cmd: the message as cli_fail prints it, exit
 * status 2. */
static int usage_fail(const cli_opts *o, const char *cmd, const char *what)
{
    cli_fail(o, "%s %s (see filet %s --help)", cmd, what, cmd);
    return 2;
}

/* Rolls back what was not committed, releases everything, wipes the keys. */
static void ctx_close(cli_ctx *x)
{
    if (x->c) {
        store_write_rollback(x->c);
        store_release(x->s, x->c);
    }
    store_close(x->s);
    if (x->have_keys)
        keyring_wipe(&x->kr);
    memset(x, 0, sizeof(*x));
}

/* Loads the key file (--key, or key = FILE in the configuration). 0, or
 * the exit status after a message. */
static int ctx_keys(const cli_opts *o, cli_ctx *x)
{
    char err[512];
    if (sodium_init() < 0)
        return cli_fail(o, "libsodium failed to initialise");
    if (!o->cfg.key_path[0])
        return cli_fail(o, "this command needs the key file (--key FILE, or key = FILE in the config)");
    if (keyring_load(o->cfg.key_path, &x->kr, err, sizeof(err)) != 0)
        return cli_fail(o, "%s", err);
    x->have_keys = 1;
    return 0;
}

/* Opens an existing database whose schema is exactly this filet's and
 * acquires a connection. 0, or the exit status after a message. */
static int ctx_db(const cli_opts *o, cli_ctx *x)
{
    char err[512];
    int cur = 0, latest = 0;
    if (store_open(o->cfg.db_path, 0, 1, &x->s, err, sizeof(err)) != STORE_OK)
        return cli_fail(o, "%s", err);
    if (store_schema_version(x->s, &cur, &latest) != STORE_OK)
        return cli_fail(o, "cannot read %s (not a filet database?)", o->cfg.db_path);
    if (cur < latest)
        return cli_fail(o, "database %s has schema %d, this filet needs %d: run filet init --db %s",
                        o->cfg.db_path, cur, latest, o->cfg.db_path);
    if (cur > latest)
        return cli_fail(o, "database %s is newer than this filet (schema %d > %d)", o->cfg.db_path,
                        cur, latest);
    x->c = store_acquire(x->s);
    if (!x->c)
        return cli_fail(o, "the database is busy, try again");
    return 0;
}

static int ctx_write_begin(const cli_opts *o, cli_ctx *x)
{
    int rc = store_write_begin(x->c);
    return rc == STORE_OK ? 0 : cli_fail(o, "%s", cli_store_msg(rc));
}

/* Records a change made from the command line (no user, source "cli"). */
static int audit_cli(cli_ctx *x, const char *action, const char *type, const char *id,
                     const char *fields)
{
    audit_event e = {.user_id = NULL, .agency_id = NULL, .source = "cli", .action = action,
                     .object_type = type, .object_id = id, .fields = fields};
    return audit_append(x->c, &x->kr, &e);
}

/* 1 if s is 1..max bytes of well-formed UTF-8 without control characters
 * (C0, DEL, C1). */
static int text_ok(const char *s, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = p[i];
        size_t need;
        unsigned long cp;
        if (b < 0x80) {
            if (b < 0x20 || b == 0x7f)
                return 0;
            i++;
            continue;
        } else if (b >= 0xc2 && b <= 0xdf) {
            need = 1;
            cp = b & 0x1f;
        } else if (b >= 0xe0 && b <= 0xef) {
            need = 2;
            cp = b & 0x0f;
        } else if (b >= 0xf0 && b <= 0xf4) {
            need = 3;
            cp = b & 0x07;
        } else {
            return 0;
        }
        if (n - i - 1 < need)
            return 0;
        for (size_t k = 1; k <= need; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        /* Overlong forms, surrogates, beyond U+10FFFF, C1 controls. */
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
            return 0;
        i += need + 1;
    }
    return 1;
}

/* Lowercases in into out (at least USERNAME_MAX + 1 bytes): 3 to 64 of
 * a-z 0-9 . _ -. 0 ok, -1 not a valid username. */
static int username_norm(const char *in, char *out)
{
    size_t n = strlen(in);
    if (n < USERNAME_MIN || n > USERNAME_MAX)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char ch = in[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
              ch == '-'))
            return -1;
        out[i] = ch;
    }
    out[n] = '\0';
    return 0;
}

static int username_arg(const cli_opts *o, char *out)
{
    if (username_norm(o->username, out) != 0)
        return cli_fail(o, "the username must be %d to %d characters: letters a-z, digits, '.', '_' or '-'",
                        USERNAME_MIN, USERNAME_MAX);
    return 0;
}

/* An IANA zone name such as America/Montreal or UTC. */
static int timezone_ok(const char *tz)
{
    size_t n = strlen(tz);
    if (n == 0 || n > 63 || tz[0] == '/' || tz[0] == '-' || strstr(tz, ".."))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = tz[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '/' || ch == '_' || ch == '-' || ch == '+'))
            return 0;
    }
    return 1;
}

/* Reads the first line of stdin into line, without its trailing \n and \r,
 * byte by byte (no stdio buffer keeps a copy). On a terminal, prompts on
 * stderr with echo off. 0 ok, -1 nothing read, -2 longer than line. */
static int read_line_secret(const char *prompt, char *line, size_t n)
{
    struct termios old, quiet;
    int restore = 0, got = 0, too_long = 0;
    size_t len = 0;
    char ch = 0;
    if (isatty(STDIN_FILENO)) {
        fputs(prompt, stderr);
        fflush(stderr);
        if (tcgetattr(STDIN_FILENO, &old) == 0) {
            quiet = old;
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            quiet.c_lflag |= ECHONL;
            restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }
    for (;;) {
        ssize_t r = read(STDIN_FILENO, &ch, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got = 1;
        if (ch == '\n')
            break;
        if (len + 1 < n)
            line[len++] = ch;
        else
            too_long = 1;
    }
    sodium_memzero(&ch, sizeof(ch));
    if (restore)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    while (len > 0 && line[len - 1] == '\r')
        len--;
    line[len] = '\0';
    if (too_long) {
        sodium_memzero(line, n);
        return -2;
    }
    return got && len > 0 ? 0 : -1;
}

/* Reads the new password of username from stdin (twice on a terminal) and
 * checks it against the policy. 0, or the exit status after a message; pw
 * is wiped on failure. */
static int read_new_password(const cli_opts *o, const char *username, char *pw, size_t n)
{
    char path[1100], err[256], again[PASSWORD_MAX_BYTES];
    pwpolicy *p = NULL;
    int rc = 1, r;
    snprintf(path, sizeof(path), "%s/data/common-passwords.txt", o->cfg.share_dir);
    if (pwpolicy_load(path, &p, err, sizeof(err)) != 0)
        return cli_fail(o, "cannot load the list of common passwords: %s", err);
    r = read_line_secret("New password: ", pw, n);
    if (r == -2) {
        cli_fail(o, "the password is too long: at most %d characters", PWPOLICY_MAX_CHARS);
        goto out;
    }
    if (r != 0) {
        cli_fail(o, "no password on stdin: give it as the first line of standard input");
        goto out;
    }
    if (isatty(STDIN_FILENO)) {
        if (read_line_secret("Repeat it: ", again, sizeof(again)) != 0 || strcmp(again, pw) != 0) {
            cli_fail(o, "the two passwords differ");
            goto out;
        }
    }
    switch (pwpolicy_check(p, pw, username)) {
    case PW_OK: rc = 0; break;
    case PW_TOO_SHORT:
        cli_fail(o, "the password is too short: it needs at least %d characters", PWPOLICY_MIN_CHARS);
        break;
    case PW_TOO_LONG:
        cli_fail(o, "the password is too long: at most %d characters", PWPOLICY_MAX_CHARS);
        break;
    case PW_COMMON:
        cli_fail(o, "the password is on the list of common or breached passwords: choose another");
        break;
    case PW_BAD_UTF8: cli_fail(o, "the password is not valid UTF-8 text"); break;
    case PW_CONTAINS_USERNAME: cli_fail(o, "the password must not be the username"); break;
    default: cli_fail(o, "the password was refused"); break;
    }
out:
    sodium_memzero(again, sizeof(again));
    if (rc)
        sodium_memzero(pw, n);
    pwpolicy_free(p);
    return rc;
}

/* A new second-factor secret for user id: its base32 text in b32 and its
 * encryption (from a) in *enc. 0 or -1. */
static int new_totp(const keyring *kr, const char *id, arena *a, char b32[TOTP_B32_LEN + 1],
                    char **enc)
{
    unsigned char secret[TOTP_SECRET_BYTES];
    char aad[64];
    int rc = -1;
    snprintf(aad, sizeof(aad), "users.totp:%s", id);
    if (totp_secret_new(secret) == 0 && totp_secret_b32(secret, b32) == 0 &&
        fieldcrypt_encrypt(kr, aad, b32, TOTP_B32_LEN, a, enc) == 0)
        rc = 0;
    sodium_memzero(secret, sizeof(secret));
    return rc;
}

/* Prints a second factor shown once: JSON or text. */
static void print_totp(const cli_opts *o, const char *what, const char *username, const char *id,
                       const char *b32, const char *uri)
{
    if (o->json) {
        cli_print_json(json_pack("{s:s,s:s,s:s}", "id", id, "totp_secret", b32, "otpauth_uri", uri));
        return;
    }
    printf("%s %s (id %s).\n\n"
           "Second factor - give these to %s privately; they are shown this once only\n"
           "and filet keeps the secret encrypted:\n\n"
           "  secret: %s\n  URI:    %s\n\n"
           "Add the secret to an authenticator app (or make a QR code of the URI); the\n"
           "first sign-in with a code from it confirms it.\n",
           what, username, id, username, b32, uri);
}

/* Runs the subcommand of a group (filet user add ...): argv[0] is the
 * group, argv[1] the subcommand, which sees "group sub" as its name. */
typedef struct subcmd {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} subcmd;

static int dispatch(const char *group, const subcmd *subs, size_t n, int argc, char **argv)
{
    char name[64];
    FILE *f = stderr;
    if (argc >= 2 && strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-h") != 0 &&
        strcmp(argv[1], "help") != 0) {
        for (size_t i = 0; i < n; i++) {
            if (strcmp(argv[1], subs[i].name) == 0) {
                snprintf(name, sizeof(name), "%s %s", group, subs[i].name);
                argv[1] = name;
                return subs[i].fn(argc - 1, argv + 1);
            }
        }
        fprintf(stderr, "filet: unknown command '%s %s'\n\n", group, argv[1]);
    } else if (argc >= 2) {
        f = stdout;
    }
    fprintf(f, "Usage: filet %s SUBCOMMAND [OPTIONS]\n\nSubcommands:\n", group);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %-10s %s\n", subs[i].name, subs[i].help);
    fprintf(f, "\nfilet %s SUBCOMMAND --help describes each.\n", group);
    return f == stdout ? 0 : 2;
}

/* --------------------------------------------------------- territory */

static int territory_add(int argc, char **argv)
{
    cli_opts o;
    cli_ctx x;
    char id[STORE_ID_LEN + 1];
    int rc = 1, src;
    memset(&x, 0, sizeof(x));
    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet territory add --db PATH --key FILE --name NAME [--timezone TZ] [--json]\n\n"
             "Creates a territory: the area one safety network covers. NAME is unique\n"
             "(1 to 200 characters); TZ is an IANA zone, default " DEFAULT_TIMEZONE ".\n"
             "The key file seals the audit record of the change (--key, or key = FILE in\n"
             "the config). With --json prints {\"id\": ID}.");
        return 0;
    }
    if (o.bad)
        return 2;
    if (!o.name)
        return usage_fail(&o, argv[0], "needs --name NAME");
    const char *tz = o.timezone ? o.timezone : DEFAULT_TIMEZONE;
    if (!text_ok(o.name, TEXT_MAX_BYTES))
        return cli_fail(&o, "the name must be 1 to %d bytes of text without control characters",
                        TEXT_MAX_BYTES);
    if (!timezone_ok(tz))
        return cli_fail(&o, "'%s' is not a time zone name (like America/Montreal or UTC)", tz);
    if ((rc = ctx_keys(&o, &x)) || (rc = ctx_db(&o, &x)) || (rc = ctx_write_begin(&o, &x)))
        goto out;
    rc = 1;
    src = store_territory_add(x.c, o.name, tz, id);
    if (src == STORE_CONFLICT) {
        cli_fail(&o, "a territory named '%s' already exists", o.name);
        goto out;
    }
    if (src == STORE_OK)
        src = audit_cli(&x, "create", "territory", id, "name,timezone");
    if (src == STORE_OK)
        src = store_write_commit(x.c);
    if (src != STORE_OK) {
        cli_fail(&o, "could not add the territory: %s", cli_store_msg(src));
        goto out;
    }
    if (o.json)
        cli_print_json(json_pack("{s:s}", "id", id));
    else
        printf("territory '%s' created (id %s)\n", o.name, id);
    rc = 0;
out:
    ctx_close(&x);
    return rc;
}

int cmd_territory(int argc, char **argv)
{
    static const subcmd subs[] = {{"add", territory_add, "create a territory"}};
    return dispatch("territory", subs, sizeof(subs) / sizeof(subs[0]), argc, argv);
}

/* ------------------------------------------------------------ agency */

static int agency_add(int argc, char **argv)
{
    cli_opts o;
    cli_ctx x;
    store_territory t;
    char id[STORE_ID_LEN + 1];
    int rc = 1, src;
    memset(&x, 0, sizeof(x));
    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet agency add --db PATH --key FILE --name NAME --sector SECTOR\n"
             "                        --territory ID [--json]\n\n"
             "Creates a partner agency in territory ID (filet territory add prints it).\n"
             "NAME is unique within the territory. SECTOR is one of:\n  " SECTORS_TEXT ".\n"
             "The key file seals the audit record of the change. With --json prints\n"
             "{\"id\": ID}.");
        return 0;
    }
    if (o.bad)
        return 2;
    if (!o.name || !o.sector || !o.territory)
        return usage_fail(&o, argv[0], "needs --name NAME, --sector SECTOR and --territory ID");
    if (!text_ok(o.name, TEXT_MAX_BYTES))
        return cli_fail(&o, "the name must be 1 to %d bytes of text without control characters",
                        TEXT_MAX_BYTES);
    if (!policy_sector_valid(o.sector))
        return cli_fail(&o, "unknown sector '%s': use one of " SECTORS_TEXT, o.sector);
    if ((rc = ctx_keys(&o, &x)) || (rc = ctx_db(&o, &x)) || (rc = ctx_write_begin(&o, &x)))
        goto out;
    rc = 1;
    src = store_territory_by_id(x.c, o.territory, &t);
    if (src == STORE_NOTFOUND) {
        cli_fail(&o, "no territory with id '%s'", o.territory);
        goto out;
    }
    if (src == STORE_OK) {
        src = store_agency_add(x.c, o.territory, o.name, o.sector, id);
        if (src == STORE_CONFLICT) {
            cli_fail(&o, "an agency named '%s' already exists in that territory", o.name);
            goto out;
        }
    }
    if (src == STORE_OK)
        src = audit_cli(&x, "create", "agency", id, "name,sector,territory_id");
    if (src == STORE_OK)
        src = store_write_commit(x.c);
    if (src != STORE_OK) {
        cli_fail(&o, "could not add the agency: %s", cli_store_msg(src));
        goto out;
    }
    if (o.json)
        cli_print_json(json_pack("{s:s}", "id", id));
    else
        printf("agency '%s' created (id %s)\n", o.name, id);
    rc = 0;
out:
    ctx_close(&x);
    return rc;
}

int cmd_agency(int argc, char **argv)
{
    static const subcmd subs[] = {{"add", agency_add, "create a partner agency"}};
    return dispatch("agency", subs, sizeof(subs) / sizeof(subs[0]), argc, argv);
}

/* -------------------------------------------------------------- user */

static int user_add(int argc, char **argv)
{
    cli_opts o;
    cli_ctx x;
    store_user u, existing;
    store_agency ag;
    char uname[USERNAME_MAX + 1], pw[PASSWORD_MAX_BYTES], id[STORE_ID_LEN + 1];
    char b32[TOTP_B32_LEN + 1], uri[512];
    char *enc = NULL;
    arena *a = NULL;
    int rc = 1, src;
    memset(&x, 0, sizeof(x));
    memset(&u, 0, sizeof(u));
    memset(pw, 0, sizeof(pw));
    memset(b32, 0, sizeof(b32));
    memset(uri, 0, sizeof(uri));
    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet user add --db PATH --key FILE --username U --agency ID --role ROLE\n"
             "                      [--display-name NAME] [--lang fr|en] [--email ADDRESS]\n"
             "                      [--json] < password\n\n"
             "Creates a user of agency ID. The password is the first line of standard\n"
             "input (never an argument): at least 12 characters, not a common or breached\n"
             "password. U is 3 to 64 of a-z 0-9 . _ - (lowercased). ROLE is one of\n"
             "  " ROLES_TEXT ".\n"
             "Also makes the user's second-factor (TOTP) secret, kept encrypted with the\n"
             "key file, and prints it this once only; the first sign-in with a code\n"
             "confirms it. --email gives the address of the daily digest of alerts.\n"
             "With --json prints\n"
             "{\"id\": ID, \"totp_secret\": BASE32, \"otpauth_uri\": \"otpauth://...\"}.");
        return 0;
    }
    if (o.bad)
        return 2;
    if (!o.username || !o.agency || !o.role)
        return usage_fail(&o, argv[0], "needs --username U, --agency ID and --role ROLE");
    if ((rc = username_arg(&o, uname)))
        return rc;
    if (!policy_role_valid(o.role))
        return cli_fail(&o, "unknown role '%s': use one of " ROLES_TEXT, o.role);
    const char *lang = o.lang ? o.lang : "fr";
    if (strcmp(lang, "fr") != 0 && strcmp(lang, "en") != 0)
        return cli_fail(&o, "--lang is fr or en");
    if (o.email && *o.email && !email_valid(o.email))
        return cli_fail(&o, "--email is not a valid e-mail address (such as name@example.org)");
    const char *display = o.display_name ? o.display_name : uname;
    if (!text_ok(display, TEXT_MAX_BYTES))
        return cli_fail(&o, "the display name must be 1 to %d bytes of text without control characters",
                        TEXT_MAX_BYTES);
    if ((rc = ctx_keys(&o, &x)) || (rc = ctx_db(&o, &x)))
        goto out;
    rc = 1;
    /* Refuse early, before asking for a password; checked again below. */
    src = store_agency_by_id(x.c, o.agency, &ag);
    if (src == STORE_NOTFOUND) {
        cli_fail(&o, "no agency with id '%s'", o.agency);
        goto out;
    }
    if (src == STORE_OK && (src = store_user_by_username(x.c, uname, &existing)) == STORE_OK) {
        cli_fail(&o, "username already taken: %s", uname);
        goto out;
    }
    if (src != STORE_NOTFOUND) {
        cli_fail(&o, "%s", cli_store_msg(src));
        goto out;
    }
    if (read_new_password(&o, uname, pw, sizeof(pw)) != 0)
        goto out;
    snprintf(u.username, sizeof(u.username), "%s", uname);
    snprintf(u.display_name, sizeof(u.display_name), "%s", display);
    snprintf(u.agency_id, sizeof(u.agency_id), "%s", o.agency);
    snprintf(u.role, sizeof(u.role), "%s", o.role);
    snprintf(u.lang, sizeof(u.lang), "%s", lang);
    snprintf(u.email, sizeof(u.email), "%s", o.email ? o.email : "");
    u.active = 1;
    if (password_hash(pw, u.password_hash) != 0) {
        cli_fail(&o, "could not hash the password");
        goto out;
    }
    sodium_memzero(pw, sizeof(pw));
    a = arena_new(0);
    if (!a || ctx_write_begin(&o, &x) != 0)
        goto out;
    src = store_agency_by_id(x.c, o.agency, &ag);
    if (src == STORE_NOTFOUND) {
        cli_fail(&o, "no agency with id '%s'", o.agency);
        goto out;
    }
    if (src == STORE_OK) {
        src = store_user_add(x.c, &u, id);
        if (src == STORE_CONFLICT) {
            cli_fail(&o, "username already taken: %s", uname);
            goto out;
        }
    }
    /* The id is made by store_user_add and the secret's AAD names it: the
     * secret is set in the same transaction, unconfirmed. */
    if (src == STORE_OK && new_totp(&x.kr, id, a, b32, &enc) != 0) {
        cli_fail(&o, "could not make the second-factor secret");
        goto out;
    }
    if (src == STORE_OK)
        src = store_user_set_totp(x.c, id, enc);
    if (src == STORE_OK)
        src = audit_cli(&x, "create", "user", id,
                        u.email[0] ? "username,display_name,agency_id,role,lang,email,password,totp"
                                   : "username,display_name,agency_id,role,lang,password,totp");
    if (src == STORE_OK)
        src = store_write_commit(x.c);
    if (src != STORE_OK) {
        cli_fail(&o, "could not add the user: %s", cli_store_msg(src));
        goto out;
    }
    if (totp_uri(TOTP_ISSUER, uname, b32, uri, sizeof(uri)) != 0) {
        cli_fail(&o, "user %s created, but its second-factor URI could not be made: "
                     "run filet user reset-mfa", uname);
        goto out;
    }
    print_totp(&o, "user created:", uname, id, b32, uri);
    rc = 0;
out:
    sodium_memzero(pw, sizeof(pw));
    sodium_memzero(b32, sizeof(b32));
    sodium_memzero(uri, sizeof(uri));
    sodium_memzero(u.password_hash, sizeof(u.password_hash));
    arena_free(a);
    ctx_close(&x);
    return rc;
}

/* The common frame of the commands that change one existing user: parse,
 * help, --username, keys, database, write transaction, the user. */
typedef struct user_cmd {
    cli_opts o;
    cli_ctx x;
    store_user u;
    char uname[USERNAME_MAX + 1];
} user_cmd;

/* Ends a change to uc's user begun with src (its store result so far):
 * the audit row naming fields, the commit; on failure says "could not
 * <what>: reason". 0, or -1. */
static int user_cmd_commit(user_cmd *uc, int src, const char *fields, const char *what)
{
    if (src == STORE_OK)
        src = audit_cli(&uc->x, "update", "user", uc->u.id, fields);
    if (src == STORE_OK)
        src = store_write_commit(uc->x.c);
    if (src != STORE_OK) {
        cli_fail(&uc->o, "could not %s: %s", what, cli_store_msg(src));
        return -1;
    }
    return 0;
}

/* -1: print help (exit 0); otherwise 0 to go on, or an exit status. */
static int user_cmd_start(user_cmd *uc, int argc, char **argv, int write)
{
    memset(uc, 0, sizeof(*uc));
    cli_parse(argc, argv, &uc->o);
    if (uc->o.help)
        return -1;
    if (uc->o.bad)
        return 2;
    if (!uc->o.username)
        return usage_fail(&uc->o, argv[0], "needs --username U");
    int rc = username_arg(&uc->o, uc->uname);
    if (rc || (rc = ctx_keys(&uc->o, &uc->x)) || (rc = ctx_db(&uc->o, &uc->x)))
        return rc;
    if (write && (rc = ctx_write_begin(&uc->o, &uc->x)))
        return rc;
    int src = store_user_by_username(uc->x.c, uc->uname, &uc->u);
    if (src == STORE_NOTFOUND)
        return cli_fail(&uc->o, "no user named '%s'", uc->uname);
    if (src != STORE_OK)
        return cli_fail(&uc->o, "%s", cli_store_msg(src));
    return 0;
}

static void user_cmd_end(user_cmd *uc)
{
    sodium_memzero(uc->u.password_hash, sizeof(uc->u.password_hash));
    sodium_memzero(uc->u.totp_secret_enc, sizeof(uc->u.totp_secret_enc));
    ctx_close(&uc->x);
}

static int user_set_active(int argc, char **argv, int active)
{
    user_cmd uc;
    int rc = user_cmd_start(&uc, argc, argv, 1);
    if (rc == -1) {
        if (active)
            puts("Usage: filet user enable --db PATH --key FILE --username U [--json]\n\n"
                 "Lets a disabled user sign in again. With --json prints {\"ok\": true}.");
        else
            puts("Usage: filet user disable --db PATH --key FILE --username U [--json]\n\n"
                 "Stops the user from signing in and ends all their sessions (browser\n"
                 "and API) at once. Nothing they wrote is removed. With --json prints\n"
                 "{\"ok\": true}.");
        return 0;
    }
    if (rc)
        goto out;
    rc = 1;
    int src = store_user_set_active(uc.x.c, uc.u.id, active);
    if (src == STORE_OK && !active)
        src = store_session_delete_user(uc.x.c, uc.u.id);
    if (user_cmd_commit(&uc, src, "active", "change the user") != 0)
        goto out;
    if (uc.o.json)
        cli_print_json(json_pack("{s:b}", "ok", 1));
    else if (active)
        printf("user %s enabled\n", uc.uname);
    else
        printf("user %s disabled; their sessions are ended\n", uc.uname);
    rc = 0;
out:
    user_cmd_end(&uc);
    return rc;
}

static int user_set_email(int argc, char **argv)
{
    user_cmd uc;
    /* `set-email USER EMAIL [options]` is `set-email --username USER
     * --email EMAIL [options]`. */
    char *args[64];
    if (argc >= 3 && argc + 3 <= (int)(sizeof(args) / sizeof(args[0])) && argv[1][0] != '-' &&
        (argv[2][0] != '-' || argv[2][1] == '\0')) {
        static char opt_user[] = "--username", opt_email[] = "--email";
        args[0] = argv[0];
        args[1] = opt_user;
        args[2] = argv[1];
        args[3] = opt_email;
        args[4] = argv[2];
        for (int i = 3; i < argc; i++)
            args[i + 2] = argv[i];
        argc += 2;
        args[argc] = NULL;
        argv = args;
    }
    int rc = user_cmd_start(&uc, argc, argv, 1);
    if (rc == -1) {
        puts("Usage: filet user set-email USER ADDRESS --db PATH --key FILE [--json]\n"
             "   or: filet user set-email --db PATH --key FILE --username U --email ADDRESS [--json]\n\n"
             "Sets the address the daily digest of alerts goes to (--email \"\" removes\n"
             "it: no digest). The digest holds only counts and a link. With --json\n"
             "prints {\"ok\": true}.");
        return 0;
    }
    if (rc)
        goto out;
    rc = 1;
    if (!uc.o.email) {
        rc = usage_fail(&uc.o, argv[0], "needs --email ADDRESS (\"\" to remove it)");
        goto out;
    }
    if (*uc.o.email && !email_valid(uc.o.email)) {
        cli_fail(&uc.o, "--email is not a valid e-mail address (such as name@example.org)");
        goto out;
    }
    int src = store_user_set_email(uc.x.c, uc.u.id, uc.o.email);
    if (user_cmd_commit(&uc, src, "email", "change the user") != 0)
        goto out;
    if (uc.o.json)
        cli_print_json(json_pack("{s:b}", "ok", 1));
    else if (*uc.o.email)
        printf("user %s: digest address set\n", uc.uname);
    else
        printf("user %s: digest address removed\n", uc.uname);
    rc = 0;
out:
    user_cmd_end(&uc);
    return rc;
}

static int user_disable(int argc, char **argv)
{
    return user_set_active(argc, argv, 0);
}

static int user_enable(int argc, char **argv)
{
    return user_set_active(argc, argv, 1);
}

static int user_reset_mfa(int argc, char **argv)
{
    user_cmd uc;
    char b32[TOTP_B32_LEN + 1], uri[512];
    char *enc = NULL;
    arena *a = NULL;
    memset(b32, 0, sizeof(b32));
    memset(uri, 0, sizeof(uri));
    int rc = user_cmd_start(&uc, argc, argv, 1);
    if (rc == -1) {
        puts("Usage: filet user reset-mfa --db PATH --key FILE --username U [--json]\n\n"
             "Replaces the user's second-factor (TOTP) secret, for a lost or replaced\n"
             "phone, and ends all their sessions. The new secret is printed this once\n"
             "only and confirmed by the next sign-in with a code. With --json prints\n"
             "{\"id\": ID, \"totp_secret\": BASE32, \"otpauth_uri\": \"otpauth://...\"}.");
        return 0;
    }
    if (rc)
        goto out;
    rc = 1;
    a = arena_new(0);
    if (!a || new_totp(&uc.x.kr, uc.u.id, a, b32, &enc) != 0 ||
        totp_uri(TOTP_ISSUER, uc.uname, b32, uri, sizeof(uri)) != 0) {
        cli_fail(&uc.o, "could not make the second-factor secret");
        goto out;
    }
    int src = store_user_set_totp(uc.x.c, uc.u.id, enc);
    if (src == STORE_OK)
        src = store_session_delete_user(uc.x.c, uc.u.id);
    if (user_cmd_commit(&uc, src, "totp", "reset the second factor") != 0)
        goto out;
    print_totp(&uc.o, "new second factor for", uc.uname, uc.u.id, b32, uri);
    rc = 0;
out:
    sodium_memzero(b32, sizeof(b32));
    sodium_memzero(uri, sizeof(uri));
    arena_free(a);
    user_cmd_end(&uc);
    return rc;
}

static int user_passwd(int argc, char **argv)
{
    user_cmd uc;
    char pw[PASSWORD_MAX_BYTES], hash[PASSWORD_HASH_MAX];
    memset(pw, 0, sizeof(pw));
    memset(hash, 0, sizeof(hash));
    /* No write transaction while waiting for the password on stdin. */
    int rc = user_cmd_start(&uc, argc, argv, 0);
    if (rc == -1) {
        puts("Usage: filet user passwd --db PATH --key FILE --username U [--json] < password\n\n"
             "Sets the user's password to the first line of standard input (never an\n"
             "argument): at least 12 characters, not a common or breached password.\n"
             "Ends all the user's sessions. With --json prints {\"ok\": true}.");
        return 0;
    }
    if (rc)
        goto out;
    rc = 1;
    if (read_new_password(&uc.o, uc.uname, pw, sizeof(pw)) != 0)
        goto out;
    if (password_hash(pw, hash) != 0) {
        cli_fail(&uc.o, "could not hash the password");
        goto out;
    }
    sodium_memzero(pw, sizeof(pw));
    if (ctx_write_begin(&uc.o, &uc.x) != 0)
        goto out;
    int src = store_user_set_password(uc.x.c, uc.u.id, hash);
    if (src == STORE_OK)
        src = store_session_delete_user(uc.x.c, uc.u.id);
    if (user_cmd_commit(&uc, src, "password", "change the password") != 0)
        goto out;
    if (uc.o.json)
        cli_print_json(json_pack("{s:b}", "ok", 1));
    else
        printf("password of %s changed; their sessions are ended\n", uc.uname);
    rc = 0;
out:
    sodium_memzero(pw, sizeof(pw));
    sodium_memzero(hash, sizeof(hash));
    user_cmd_end(&uc);
    return rc;
}

static int list_user(void *ctx, const store_user *u)
{
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b}", "id", u->id, "username", u->username,
                          "display_name", u->display_name, "agency_id", u->agency_id, "role",
                          u->role, "active", u->active, "totp_confirmed", u->totp_confirmed);
    if (!o)
        return 1;
    if (u->email[0]) /* present only when set */
        json_object_set_new(o, "email", json_string(u->email));
    return json_array_append_new(ctx, o) != 0;
}

static int user_list(int argc, char **argv)
{
    cli_opts o;
    cli_ctx x;
    json_t *users = NULL;
    int rc = 1;
    memset(&x, 0, sizeof(x));
    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet user list --db PATH [--json]\n\n"
             "Lists the users (never their password hashes or second-factor secrets).\n"
             "With --json prints {\"users\": [{\"id\", \"username\", \"display_name\",\n"
             "\"agency_id\", \"role\", \"active\", \"totp_confirmed\"} and \"email\" when set, ...]}.");
        return 0;
    }
    if (o.bad)
        return 2;
    if ((rc = ctx_db(&o, &x)))
        goto out;
    rc = 1;
    users = json_array();
    int src = users ? store_read_begin(x.c) : STORE_ERR;
    if (src == STORE_OK) {
        src = store_users_each(x.c, list_user, users);
        store_read_end(x.c);
    }
    if (src != STORE_OK) {
        cli_fail(&o, "could not list the users: %s", cli_store_msg(src));
        goto out;
    }
    if (o.json) {
        cli_print_json(json_pack("{s:O}", "users", users));
    } else {
        size_t i;
        json_t *u;
        printf("%-20s %-15s %-8s %-8s %s\n", "username", "role", "active", "2FA", "display name");
        json_array_foreach(users, i, u) {
            printf("%-20s %-15s %-8s %-8s %s\n", json_string_value(json_object_get(u, "username")),
                   json_string_value(json_object_get(u, "role")),
                   json_is_true(json_object_get(u, "active")) ? "yes" : "no",
                   json_is_true(json_object_get(u, "totp_confirmed")) ? "yes" : "pending",
                   json_string_value(json_object_get(u, "display_name")));
        }
    }
    rc = 0;
out:
    json_decref(users);
    ctx_close(&x);
    return rc;
}

int cmd_user(int argc, char **argv)
{
    static const subcmd subs[] = {
        {"add", user_add, "create a user (password on stdin)"},
        {"disable", user_disable, "stop a user signing in and end their sessions"},
        {"enable", user_enable, "let a disabled user sign in again"},
        {"reset-mfa", user_reset_mfa, "give a user a new second-factor secret"},
        {"passwd", user_passwd, "set a user's password (on stdin)"},
        {"set-email", user_set_email, "set or remove the address of a user's daily digest"},
        {"list", user_list, "list the users"},
    };
    return dispatch("user", subs, sizeof(subs) / sizeof(subs[0]), argc, argv);
}

/* ------------------------------------------------------------- audit */

static int audit_verify_cmd(int argc, char **argv)
{
    cli_opts o;
    cli_ctx x;
    audit_verify_result vr;
    int rc = 1;
    memset(&x, 0, sizeof(x));
    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet audit verify --db PATH --key FILE [--json]\n\n"
             "Walks the whole audit trail and checks every row's seal (a keyed hash over\n"
             "the row and the one before it): an edited, inserted or deleted row breaks\n"
             "the chain there. Removing only the newest rows cannot be detected this way.\n"
             "Exit 0 when intact, 1 when broken. With --json prints {\"ok\": true,\n"
             "\"rows\": N} or {\"ok\": false, \"rows\": N, \"first_bad_row\": SEQ, \"reason\": ...}.");
        return 0;
    }
    if (o.bad)
        return 2;
    if ((rc = ctx_keys(&o, &x)) || (rc = ctx_db(&o, &x)))
        goto out;
    rc = 1;
    int src = store_read_begin(x.c);
    if (src == STORE_OK) {
        src = audit_verify(x.c, &x.kr, &vr);
        store_read_end(x.c);
    }
    if (src != STORE_OK) {
        cli_fail(&o, "could not read the audit trail: %s", cli_store_msg(src));
        goto out;
    }
    if (!vr.first_bad_seq) {
        if (o.json)
            cli_print_json(json_pack("{s:b,s:I}", "ok", 1, "rows", (json_int_t)vr.rows));
        else
            printf("audit trail intact: %lld rows\n", vr.rows);
        rc = 0;
        goto out;
    }
    if (o.json)
        cli_print_json(json_pack("{s:b,s:I,s:I,s:s}", "ok", 0, "rows", (json_int_t)vr.rows, "first_bad_row",
                                 (json_int_t)vr.first_bad_seq, "reason", vr.reason));
    fprintf(stderr, "filet: audit trail broken at row %lld: %s\n", vr.first_bad_seq, vr.reason);
out:
    ctx_close(&x);
    return rc;
}

int cmd_audit(int argc, char **argv)
{
    static const subcmd subs[] = {{"verify", audit_verify_cmd, "check the audit trail's hash chain"}};
    return dispatch("audit", subs, sizeof(subs) / sizeof(subs[0]), argc, argv);
}

/* ------------------------------------------------------ key rotation */

/* One batch of rows copied out of a SELECT, up to four strings each: a
 * registry column's (k1, k2 or NULL, value), or a person's (id, given,
 * family, birth) encrypted values (NULL when not set). */
typedef struct rekey_item {
    char *s[4];
} rekey_item;

typedef struct rekey_batch {
    rekey_item items[REKEY_BATCH];
    size_t n;
    int oom;
} rekey_batch;

static int rekey_take(rekey_batch *b, const char *s0, const char *s1, const char *s2, const char *s3)
{
    const char *in[4] = {s0, s1, s2, s3};
    rekey_item *it = &b->items[b->n];
    for (int k = 0; k < 4; k++) {
        it->s[k] = in[k] ? strdup(in[k]) : NULL;
        if (in[k] && !it->s[k]) {
            for (int j = 0; j < k; j++)
                free(it->s[j]);
            memset(it, 0, sizeof(*it));
            b->oom = 1;
            return 1;
        }
    }
    b->n++;
    return b->n >= REKEY_BATCH;
}

static int rekey_column_row(void *ctx, const char *k1, const char *k2, const char *enc)
{
    return rekey_take(ctx, k1, k2, enc, NULL);
}

static int rekey_person_row(void *ctx, const char *id, const char *given, const char *family,
                            const char *birth)
{
    return rekey_take(ctx, id, given, family, birth);
}

static void rekey_clear(rekey_batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        for (int k = 0; k < 4; k++)
            free(b->items[i].s[k]);
    memset(b->items, 0, b->n * sizeof(b->items[0]));
    b->n = 0;
    b->oom = 0;
}

/* The column part of a registry name ("body" of "drafts.body"), for the
 * audit row's fields. */
static const char *column_field(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot ? dot + 1 : name;
}

/* Records the batch (when it holds rows) and commits it. */
static int rekey_commit(const cli_opts *o, cli_ctx *x, const rekey_batch *b, const char *object,
                        const char *field)
{
    int src = STORE_OK;
    if (b->n > 0)
        src = audit_cli(x, "rekey", object, "", field);
    if (src == STORE_OK)
        src = store_write_commit(x->c);
    if (src != STORE_OK)
        return cli_fail(o, "could not commit a re-encrypted batch: %s", cli_store_msg(src));
    return 0;
}

/* Re-encrypts under the current key every value of registry column col
 * that is under another key: batches of REKEY_BATCH rows, one write
 * transaction and one audit row each. Adds to *count. 0, or the exit
 * status after a message (earlier batches stay committed: running rekey
 * again goes on where it stopped). */
static int rekey_column(const cli_opts *o, cli_ctx *x, rekey_batch *b, size_t col, const char *keep,
                        long long *count)
{
    const char *name = store_rekey_column_name(col), *prefix = store_rekey_column_aad(col);
    arena *a = NULL;
    int rc = 1, src;
    for (;;) {
        a = arena_new(0);
        if (!a) {
            cli_fail(o, "out of memory");
            goto out;
        }
        if (ctx_write_begin(o, x) != 0)
            goto out;
        src = store_rekey_column_each(x->c, col, keep, REKEY_BATCH, rekey_column_row, b);
        if (src != STORE_OK || b->oom) {
            cli_fail(o, "could not read the values of %s to re-encrypt: %s", name,
                     b->oom ? "out of memory" : cli_store_msg(src));
            goto out;
        }
        for (size_t i = 0; i < b->n; i++) {
            char **k = b->items[i].s;
            char *aad = k[1] ? arena_printf(a, "%s:%s:%s", prefix, k[0], k[1])
                             : arena_printf(a, "%s:%s", prefix, k[0]);
            char *plain = NULL, *enc = NULL;
            size_t len = 0;
            if (!aad || fieldcrypt_decrypt(&x->kr, aad, k[2], a, &plain, &len) != 0) {
                cli_fail(o, "%s of row %s%s%s cannot be decrypted with the keys of %s (an unknown key, "
                            "or damaged): nothing more was re-encrypted",
                         name, k[0], k[1] ? " / " : "", k[1] ? k[1] : "", o->cfg.key_path);
                goto out;
            }
            int erc = fieldcrypt_encrypt(&x->kr, aad, plain, len, a, &enc);
            sodium_memzero(plain, len);
            if (erc != 0) {
                cli_fail(o, "could not encrypt under the new key");
                goto out;
            }
            src = store_rekey_column_set(x->c, col, k[0], k[1], enc);
            if (src != STORE_OK) {
                cli_fail(o, "could not store a re-encrypted value of %s: %s", name, cli_store_msg(src));
                goto out;
            }
        }
        if (rekey_commit(o, x, b, store_rekey_column_object(col), column_field(name)) != 0)
            goto out;
        *count += (long long)b->n;
        int last = b->n < REKEY_BATCH;
        rekey_clear(b);
        arena_free(a);
        a = NULL;
        if (last)
            break;
    }
    rc = 0;
out:
    store_write_rollback(x->c);
    rekey_clear(b);
    arena_free(a);
    return rc;
}

/* Decrypts a person's value (NULL or "" stays NULL). 0, -1 on failure. */
static int person_value(cli_ctx *x, arena *a, const char *kind, const char *id, const char *enc,
                        char **plain, size_t *len)
{
    *plain = NULL;
    *len = 0;
    if (!enc || !*enc)
        return 0;
    char *aad = arena_printf(a, "%s:%s", kind, id);
    return aad && fieldcrypt_decrypt(&x->kr, aad, enc, a, plain, len) == 0 ? 0 : -1;
}

/* Re-computes under the current key the match hash of every person whose
 * hash is under another key: decrypts the name and birth date, normalises
 * them (core/person.h) and hashes them as the referral did. Batches as
 * rekey_column; adds to *count. A person whose values no longer normalise
 * can never be matched again: the hash is cleared, with a warning. */
static int rekey_hashes(const cli_opts *o, cli_ctx *x, rekey_batch *b, long long *count)
{
    static const char *const kinds[3] = {"persons.given", "persons.family", "persons.birth"};
    arena *a = NULL;
    int rc = 1, src;
    for (;;) {
        a = arena_new(0);
        if (!a) {
            cli_fail(o, "out of memory");
            goto out;
        }
        if (ctx_write_begin(o, x) != 0)
            goto out;
        src = store_rekey_persons_each(x->c, x->kr.id[0], REKEY_BATCH, rekey_person_row, b);
        if (src != STORE_OK || b->oom) {
            cli_fail(o, "could not read the match hashes to re-compute: %s",
                     b->oom ? "out of memory" : cli_store_msg(src));
            goto out;
        }
        for (size_t i = 0; i < b->n; i++) {
            char **s = b->items[i].s;
            char *plain[3] = {NULL, NULL, NULL}, *norm = NULL;
            size_t len[3] = {0, 0, 0}, nlen = 3;
            char hash[65];
            int bad = 0, ok = 0;
            for (int k = 0; k < 3 && !bad; k++) {
                bad = person_value(x, a, kinds[k], s[0], s[k + 1], &plain[k], &len[k]) != 0;
                nlen += len[k];
            }
            if (!bad) {
                norm = arena_alloc(a, nlen);
                ok = norm && person_normalise(plain[0], plain[1], plain[2], norm, nlen) == 0 &&
                     fieldcrypt_match_hash(&x->kr, 0, norm, hash) == 0;
            }
            for (int k = 0; k < 3; k++)
                if (plain[k])
                    sodium_memzero(plain[k], len[k]);
            if (norm)
                sodium_memzero(norm, nlen);
            if (bad) {
                cli_fail(o, "the name or birth date of person %s cannot be decrypted with the keys of %s "
                            "(an unknown key, or damaged): no more match hashes were re-computed",
                         s[0], o->cfg.key_path);
                goto out;
            }
            if (!ok)
                fprintf(stderr, "filet: warning: the name and birth date of person %s no longer "
                                "normalise: match hash cleared\n", s[0]);
            src = store_rekey_person_match(x->c, s[0], ok ? hash : NULL, x->kr.id[0]);
            sodium_memzero(hash, sizeof(hash));
            if (src != STORE_OK) {
                cli_fail(o, "could not store a re-computed match hash: %s", cli_store_msg(src));
                goto out;
            }
        }
        if (rekey_commit(o, x, b, "person", "match_hash") != 0)
            goto out;
        *count += (long long)b->n;
        int last = b->n < REKEY_BATCH;
        rekey_clear(b);
        arena_free(a);
        a = NULL;
        if (last)
            break;
    }
    rc = 0;
out:
    store_write_rollback(x->c);
    rekey_clear(b);
    arena_free(a);
    return rc;
}

/* Every registry column, then the match hashes. 0, or the exit status
 * after a message. */
static int rekey_all(const cli_opts *o, cli_ctx *x, const char *keep, long long *reenc, long long *rehashed)
{
    rekey_batch *b = calloc(1, sizeof(*b));
    int rc = 0;
    if (!b)
        return cli_fail(o, "out of memory");
    for (size_t i = 0; rc == 0 && i < store_rekey_column_count(); i++)
        rc = rekey_column(o, x, b, i, keep, reenc);
    if (rc == 0)
        rc = rekey_hashes(o, x, b, rehashed);
    free(b);
    return rc;
}

/* The stored-text header of values under the current key. */
static void current_prefix(const keyring *kr, char *out, size_t n)
{
    snprintf(out, n, "%s%s:", FIELDCRYPT_PREFIX, kr->id[0]);
}

/* filet rekey --list-columns: the registry, one "table.column" a line (or
 * {"columns": [...]} with --json). */
static int rekey_list_columns(const cli_opts *o)
{
    json_t *list = o->json ? json_array() : NULL;
    if (o->json && !list)
        return cli_fail(o, "out of memory");
    for (size_t i = 0; i < store_rekey_column_count(); i++) {
        if (list)
            json_array_append_new(list, json_string(store_rekey_column_name(i)));
        else
            puts(store_rekey_column_name(i));
    }
    if (list)
        cli_print_json(json_pack("{s:o}", "columns", list));
    return 0;
}

int cmd_rekey(int argc, char **argv)
{
    cli_opts o;
    cli_ctx x;
    audit_verify_result vr;
    char keep[32];
    long long reenc = 0, rehashed = 0, resealed = 0;
    int rc = 1, src, list = 0, n = 0;
    memset(&x, 0, sizeof(x));
    /* --list-columns is rekey's own flag: take it out before the common
     * parser sees it. */
    char **args = calloc((size_t)argc + 1, sizeof(*args));
    if (!args) {
        fputs("filet: out of memory\n", stderr);
        return 1;
    }
    for (int i = 0; i < argc; i++) {
        if (i > 0 && strcmp(argv[i], "--list-columns") == 0)
            list = 1;
        else
            args[n++] = argv[i];
    }
    cli_parse(n, args, &o);
    free(args);
    if (o.help) {
        puts("Usage: filet rekey --db PATH --key FILE [--json]\n"
             "       filet rekey --list-columns [--json]\n\n"
             "Re-encrypts every encrypted value that is not under the current (first) key\n"
             "of FILE - every column of the registry (--list-columns prints it: second-\n"
             "factor secrets, drafts, persons' names and birth dates, situations' summaries,\n"
             "consents and reasons, addresses and phones, judgement reasons) - in batches\n"
             "of 200 rows, then re-computes under that key the persons' match hashes (so\n"
             "repeats and people known elsewhere are still recognised), then re-seals the\n"
             "whole audit trail under it. Refuses a broken audit trail (see filet audit\n"
             "verify). Safe while filet serves, and safe to run again after an\n"
             "interruption. With --json prints\n"
             "{\"ok\": true, \"reencrypted\": N, \"rehashed\": H, \"resealed\": M}.\n\n"
             "Key rotation takes three steps; back up the key file before each:\n\n"
             "  1. filet key add --key FILE\n"
             "       puts a new current key first in FILE; the old keys stay, to read\n"
             "       what they encrypted. Then send SIGHUP to filet serve (kill -HUP PID;\n"
             "       or restart it) so that it encrypts and seals with the new key.\n"
             "  2. filet rekey --db PATH --key FILE\n"
             "       moves everything stored under the old keys to the new key.\n"
             "  3. filet key drop-old --key FILE --db PATH\n"
             "       removes the old keys once nothing in the database needs them, then\n"
             "       SIGHUP filet serve again. No step stops the service.");
        return 0;
    }
    if (o.bad)
        return 2;
    if (list)
        return rekey_list_columns(&o);
    if ((rc = ctx_keys(&o, &x)) || (rc = ctx_db(&o, &x)))
        goto out;
    rc = 1;
    /* Refuse before changing anything: the trail must be intact to reseal. */
    src = store_read_begin(x.c);
    if (src == STORE_OK) {
        src = audit_verify(x.c, &x.kr, &vr);
        store_read_end(x.c);
    }
    if (src != STORE_OK) {
        cli_fail(&o, "could not read the audit trail: %s", cli_store_msg(src));
        goto out;
    }
    if (vr.first_bad_seq) {
        cli_fail(&o, "the audit trail is broken at row %lld (%s): nothing was re-encrypted; "
                     "see filet audit verify", vr.first_bad_seq, vr.reason);
        goto out;
    }
    current_prefix(&x.kr, keep, sizeof(keep));
    if (rekey_all(&o, &x, keep, &reenc, &rehashed) != 0)
        goto out;
    src = audit_reseal(x.c, &x.kr, REKEY_BATCH, &resealed);
    if (src == STORE_CONFLICT) {
        cli_fail(&o, "%lld values re-encrypted, but the audit trail broke before it could be "
                     "re-sealed: see filet audit verify", reenc);
        goto out;
    }
    if (src != STORE_OK) {
        cli_fail(&o, "%lld values re-encrypted, but re-sealing the audit trail failed (%s): "
                     "run filet rekey again", reenc, cli_store_msg(src));
        goto out;
    }
    if (o.json)
        cli_print_json(json_pack("{s:b,s:I,s:I,s:I}", "ok", 1, "reencrypted", (json_int_t)reenc,
                                 "rehashed", (json_int_t)rehashed, "resealed", (json_int_t)resealed));
    else
        printf("%lld values re-encrypted, %lld match hashes re-computed and %lld audit rows re-sealed\n"
               "under key %s.\n"
               "When no filet still runs with the old keys: filet key drop-old --key %s --db %s\n",
               reenc, rehashed, resealed, x.kr.id[0], o.cfg.key_path, o.cfg.db_path);
    rc = 0;
out:
    ctx_close(&x);
    return rc;
}

static int key_add(int argc, char **argv)
{
    cli_opts o;
    keyring kr;
    char err[512];
    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet key add --key FILE [--json]\n\n"
             "Key rotation, step 1: puts a new random key first in the key file FILE; it\n"
             "becomes the current key (encrypts and seals) and the old keys stay to read\n"
             "what they protect. Restart filet serve next, then run filet rekey (its\n"
             "--help describes the three steps). With --json prints\n"
             "{\"key_file\": FILE, \"key_id\": ID, \"keys\": N}.");
        return 0;
    }
    if (o.bad)
        return 2;
    if (sodium_init() < 0)
        return cli_fail(&o, "libsodium failed to initialise");
    if (!o.cfg.key_path[0])
        return usage_fail(&o, argv[0], "needs --key FILE (or key = FILE in the config)");
    if (keyfile_add_new(o.cfg.key_path, err, sizeof(err)) != 0 ||
        keyring_load(o.cfg.key_path, &kr, err, sizeof(err)) != 0)
        return cli_fail(&o, "%s", err);
    if (o.json)
        cli_print_json(json_pack("{s:s,s:s,s:i}", "key_file", o.cfg.key_path, "key_id", kr.id[0], "keys",
                                 (int)kr.n));
    else
        printf("new current key %s added to %s (%d keys).\n"
               "Next: send SIGHUP to filet serve, then filet rekey --db PATH --key %s\n",
               kr.id[0], o.cfg.key_path, (int)kr.n, o.cfg.key_path);
    keyring_wipe(&kr);
    return 0;
}

/* Counts the rows the check below is shown (it asks for one at most). */
static int count_column_row(void *ctx, const char *k1, const char *k2, const char *enc)
{
    (void)k1;
    (void)k2;
    (void)enc;
    (*(int *)ctx)++;
    return 1;
}

static int count_person_row(void *ctx, const char *id, const char *given, const char *family,
                            const char *birth)
{
    (void)id;
    (void)given;
    (void)family;
    (void)birth;
    (*(int *)ctx)++;
    return 1;
}

/* Before dropping the old keys: nothing in the database may still need
 * them. 0, or the exit status after a message. */
static int check_nothing_old(const cli_opts *o, const keyring *kr)
{
    cli_ctx x;
    keyring only;
    audit_verify_result vr;
    char keep[32];
    const char *first = "";
    int rc, src, old = 0, hashes = 0;
    memset(&x, 0, sizeof(x));
    memset(&only, 0, sizeof(only));
    memset(&vr, 0, sizeof(vr));
    if (!o->db_given && access(o->cfg.db_path, F_OK) != 0) {
        fprintf(stderr, "filet: warning: no database checked (give --db PATH to check that "
                        "nothing still needs the old keys)\n");
        return 0;
    }
    if ((rc = ctx_db(o, &x)))
        goto out;
    rc = 1;
    current_prefix(kr, keep, sizeof(keep));
    /* The keyring as it will be: the current key alone. */
    only = *kr;
    only.n = 1;
    src = store_read_begin(x.c);
    if (src == STORE_OK) {
        for (size_t i = 0; src == STORE_OK && !old && i < store_rekey_column_count(); i++) {
            src = store_rekey_column_each(x.c, i, keep, 1, count_column_row, &old);
            if (old)
                first = store_rekey_column_name(i);
        }
        if (src == STORE_OK)
            src = store_rekey_persons_each(x.c, kr->id[0], 1, count_person_row, &hashes);
        if (src == STORE_OK)
            src = audit_verify(x.c, &only, &vr);
        store_read_end(x.c);
    }
    if (src != STORE_OK) {
        cli_fail(o, "could not check %s: %s", o->cfg.db_path, cli_store_msg(src));
        goto out;
    }
    if (old) {
        cli_fail(o, "%s still holds values encrypted under an old key (%s, perhaps others): run "
                    "filet rekey first (or --force to drop the keys anyway and lose them)",
                 o->cfg.db_path, first);
        goto out;
    }
    if (hashes) {
        cli_fail(o, "%s still holds match hashes computed with an old key: run filet rekey first "
                    "(or --force, and the people referred so far are no longer recognised)",
                 o->cfg.db_path);
        goto out;
    }
    if (vr.first_bad_seq) {
        cli_fail(o, "the audit trail of %s does not verify with the current key alone (row %lld: %s): "
                    "run filet rekey first (or --force)", o->cfg.db_path, vr.first_bad_seq, vr.reason);
        goto out;
    }
    rc = 0;
out:
    keyring_wipe(&only);
    ctx_close(&x);
    return rc;
}

static int key_drop_old(int argc, char **argv)
{
    cli_opts o;
    keyring kr;
    char err[512];
    int rc;
    memset(&kr, 0, sizeof(kr));
    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet key drop-old --key FILE [--db PATH] [--force] [--json]\n\n"
             "Key rotation, step 3: removes every key but the current (first) one from\n"
             "FILE, after filet rekey. First checks the database (--db, or db in the\n"
             "config) that nothing is still encrypted, hashed or sealed under an old key,\n"
             "and refuses if something is; --force skips the check - whatever still needs\n"
             "a dropped key can then never be read. Restart filet serve afterwards. With\n"
             "--json prints {\"key_file\": FILE, \"key_id\": ID, \"dropped\": N}.");
        return 0;
    }
    if (o.bad)
        return 2;
    if (sodium_init() < 0)
        return cli_fail(&o, "libsodium failed to initialise");
    if (!o.cfg.key_path[0])
        return usage_fail(&o, argv[0], "needs --key FILE (or key = FILE in the config)");
    if (keyring_load(o.cfg.key_path, &kr, err, sizeof(err)) != 0)
        return cli_fail(&o, "%s", err);
    size_t dropped = kr.n - 1;
    if (dropped > 0 && !o.force && (rc = check_nothing_old(&o, &kr)))
        goto out;
    rc = 1;
    if (dropped > 0 && keyfile_drop_old(o.cfg.key_path, err, sizeof(err)) != 0) {
        cli_fail(&o, "%s", err);
        goto out;
    }
    if (o.json)
        cli_print_json(json_pack("{s:s,s:s,s:i}", "key_file", o.cfg.key_path, "key_id", kr.id[0],
                                 "dropped", (int)dropped));
    else if (dropped)
        printf("%d old key(s) removed from %s; %s is the only key. Restart filet serve.\n",
               (int)dropped, o.cfg.key_path, kr.id[0]);
    else
        printf("%s holds only the current key %s: nothing to drop\n", o.cfg.key_path, kr.id[0]);
    rc = 0;
out:
    keyring_wipe(&kr);
    return rc;
}

int cmd_key(int argc, char **argv)
{
    static const subcmd subs[] = {
        {"add", key_add, "rotation step 1: add a new current key to the key file"},
        {"drop-old", key_drop_old, "rotation step 3: remove the old keys"},
    };
    return dispatch("key", subs, sizeof(subs) / sizeof(subs[0]), argc, argv);
}
