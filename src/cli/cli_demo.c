/*
 * cli_demo.c - filet demo: a fictional territory with the partners of the
 * seeds' "Marina" and "Jeanne" case tables, and one user per kind of person
 * who uses filet. Passwords are random and printed once; only their hashes
 * are stored.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "sec/password.h"
#include "store/store.h"

static const struct {
    const char *key, *name, *sector;
} demo_agencies[] = {
    {"csvc", "Carrefour sécurité — coordination (démo)", "victim_support"},
    {"police", "Service de police municipal (démo)", "police"},
    {"shelter", "Maison d’hébergement La Traversée (démo)", "shelter"},
    {"dpj", "Direction de la protection de la jeunesse (démo)", "child_protection"},
    {"ciusss", "CIUSSS — services sociaux et santé (démo)", "health"},
    {"cavac", "CAVAC — aide aux victimes (démo)", "victim_support"},
    {"dpcp", "Poursuites criminelles et pénales (démo)", "justice"},
    {"probation", "Services correctionnels — probation (démo)", "probation"},
    {"programme", "Programme pour conjoints aux comportements violents (démo)", "perpetrator_programme"},
    {"legal", "Aide juridique (démo)", "legal_aid"},
    {"mental", "Clinique de santé mentale (démo)", "mental_health"},
    {"immigration", "Services d’immigration (démo)", "immigration"},
    {"social", "Services sociaux municipaux (démo)", "social_services"},
};

static const struct {
    const char *username, *display, *agency_key, *role;
} demo_users[] = {
    {"admin", "Administratrice (démo)", "csvc", "admin"},
    {"coordo", "Karine, coordonnatrice (démo)", "csvc", "coordinator"},
    {"police", "Sgt. Tremblay, police (démo)", "police", "representative"},
    {"refuge", "Julie, maison d’hébergement (démo)", "shelter", "practitioner"},
    {"dpj", "Marc, DPJ (démo)", "dpj", "representative"},
    {"cavac", "Sophie, CAVAC (démo)", "cavac", "practitioner"},
    {"programme", "Luc, programme pour conjoints (démo)", "programme", "practitioner"},
    {"audit", "Responsable de la vie privée (démo)", "csvc", "auditor"},
};

#define NAG (sizeof(demo_agencies) / sizeof(demo_agencies[0]))
#define NUS (sizeof(demo_users) / sizeof(demo_users[0]))

int cmd_demo(int argc, char **argv)
{
    cli_opts o;
    char err[512], territory[STORE_ID_LEN + 1], agency_ids[NAG][STORE_ID_LEN + 1];
    char passwords[NUS][17];
    store *s = NULL;
    store_conn *c = NULL;
    int v = 0, rc = 1;
    cli_parse(argc, argv, &o);
    if (o.help) {
        puts("Usage: filet demo --db PATH [--json]\n\n"
             "Loads a fictional demo territory, its partner agencies and one user per\n"
             "role into a new database (created if needed). Prints each user's random\n"
             "password once. Never use a demo database for real information.");
        return 0;
    }
    if (o.bad)
        return 2;
    if (sodium_init() < 0)
        return cli_fail(&o, "libsodium failed to initialise");
    if (store_open(o.cfg.db_path, 1, 1, &s, err, sizeof(err)) != STORE_OK ||
        store_migrate(s, &v, err, sizeof(err)) != STORE_OK) {
        cli_fail(&o, "%s", err);
        goto out;
    }
    c = store_acquire(s);
    if (!c || store_write_begin(c) != STORE_OK) {
        cli_fail(&o, "database busy");
        goto out;
    }
    if (store_territory_add(c, "Mauricie (démo)", "America/Montreal", territory) != STORE_OK) {
        store_write_rollback(c);
        cli_fail(&o, "demo data is already loaded in %s", o.cfg.db_path);
        goto out;
    }
    for (size_t i = 0; i < NAG; i++)
        if (store_agency_add(c, territory, demo_agencies[i].name, demo_agencies[i].sector,
                             agency_ids[i]) != STORE_OK)
            goto fail;
    for (size_t i = 0; i < NUS; i++) {
        store_user u;
        char id[STORE_ID_LEN + 1];
        memset(&u, 0, sizeof(u));
        snprintf(u.username, sizeof(u.username), "%s", demo_users[i].username);
        snprintf(u.display_name, sizeof(u.display_name), "%s", demo_users[i].display);
        snprintf(u.role, sizeof(u.role), "%s", demo_users[i].role);
        snprintf(u.lang, sizeof(u.lang), "fr");
        u.active = 1;
        for (size_t k = 0; k < NAG; k++)
            if (strcmp(demo_agencies[k].key, demo_users[i].agency_key) == 0)
                memcpy(u.agency_id, agency_ids[k], sizeof(u.agency_id));
        password_random(passwords[i], sizeof(passwords[i]));
        if (password_hash(passwords[i], u.password_hash) != 0 || store_user_add(c, &u, id) != STORE_OK)
            goto fail;
    }
    if (store_write_commit(c) != STORE_OK)
        goto fail_nocommit;
    if (o.json) {
        json_t *users = json_array();
        for (size_t i = 0; i < NUS; i++)
            json_array_append_new(users, json_pack("{s:s,s:s,s:s}", "username", demo_users[i].username,
                                                   "role", demo_users[i].role, "password", passwords[i]));
        cli_print_json(json_pack("{s:s,s:o}", "territory", territory, "users", users));
    } else {
        printf("Demo data loaded in %s. Passwords are shown this once only:\n\n", o.cfg.db_path);
        printf("  %-10s %-15s %s\n", "username", "role", "password");
        for (size_t i = 0; i < NUS; i++)
            printf("  %-10s %-15s %s\n", demo_users[i].username, demo_users[i].role, passwords[i]);
        printf("\n");
    }
    rc = 0;
    goto out;
fail:
    store_write_rollback(c);
fail_nocommit:
    cli_fail(&o, "could not load the demo data");
out:
    sodium_memzero(passwords, sizeof(passwords));
    if (c)
        store_release(s, c);
    store_close(s);
    return rc;
}
