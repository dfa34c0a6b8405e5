/*
 * retention.c - see retention.h. Every statement is constant and binds the
 * situation id as ?1.
 */
#include "store/retention.h"

#include <sqlite3.h>

#include "store/sqlutil.h"

/* The ids of rows belonging to ?1 that audit rows may name. */
#define OWNED_IDS                                                                                  \
    "SELECT id FROM information WHERE situation_id = ?1 "                                          \
    "UNION SELECT id FROM assessments WHERE situation_id = ?1 "                                    \
    "UNION SELECT id FROM actions WHERE situation_id = ?1 "                                        \
    "UNION SELECT n.id FROM action_notes n JOIN actions a ON a.id = n.action_id "                  \
    "WHERE a.situation_id = ?1 "                                                                   \
    "UNION SELECT id FROM alerts WHERE situation_id = ?1 "                                         \
    "UNION SELECT person_id FROM situation_persons WHERE situation_id = ?1 AND person_id NOT IN "  \
    "(SELECT person_id FROM situation_persons WHERE situation_id <> ?1)"

/* Persons only this situation refers to. */
#define OWN_PERSONS                                                                                \
    "SELECT person_id FROM situation_persons WHERE situation_id = ?1 AND person_id NOT IN "        \
    "(SELECT person_id FROM situation_persons WHERE situation_id <> ?1)"

typedef struct step {
    const char *count;
    const char *del;
} step;

const char *const retention_table_names[RETENTION_TABLES] = {
    "audit_log", "drafts", "action_notes", "actions", "minutes", "agenda", "alerts",
    "exclusions", "information", "participations", "assessments", "relationships",
    "situation_events", "situation_persons", "persons", "situations_repeat_of", "situations",
};

/* The same order as retention_table_names. persons' delete runs after
 * situation_persons' and removes the persons no situation refers to. */
static const step steps[RETENTION_TABLES] = {
    {"SELECT count(*) FROM audit_log WHERE object_id <> 'tombstone' AND (instr(object_id, ?1) > 0 "
     "OR instr(fields, ?1) > 0 OR object_id IN (" OWNED_IDS "))",
     "UPDATE audit_log SET object_id = 'tombstone', fields = '' WHERE object_id <> 'tombstone' AND "
     "(instr(object_id, ?1) > 0 OR instr(fields, ?1) > 0 OR object_id IN (" OWNED_IDS "))"},
    {"SELECT count(*) FROM drafts WHERE instr(form_key, ?1) > 0",
     "DELETE FROM drafts WHERE instr(form_key, ?1) > 0"},
    {"SELECT count(*) FROM action_notes WHERE action_id IN (SELECT id FROM actions WHERE situation_id = ?1)",
     "DELETE FROM action_notes WHERE action_id IN (SELECT id FROM actions WHERE situation_id = ?1)"},
    {"SELECT count(*) FROM actions WHERE situation_id = ?1", "DELETE FROM actions WHERE situation_id = ?1"},
    {"SELECT count(*) FROM minutes WHERE situation_id = ?1", "DELETE FROM minutes WHERE situation_id = ?1"},
    {"SELECT count(*) FROM agenda WHERE situation_id = ?1", "DELETE FROM agenda WHERE situation_id = ?1"},
    {"SELECT count(*) FROM alerts WHERE situation_id = ?1 OR instr(dedupe, ?1) > 0",
     "DELETE FROM alerts WHERE situation_id = ?1 OR instr(dedupe, ?1) > 0"},
    {"SELECT count(*) FROM exclusions WHERE situation_id = ?1",
     "DELETE FROM exclusions WHERE situation_id = ?1"},
    {"SELECT count(*) FROM information WHERE situation_id = ?1",
     "DELETE FROM information WHERE situation_id = ?1"},
    {"SELECT count(*) FROM participations WHERE situation_id = ?1",
     "DELETE FROM participations WHERE situation_id = ?1"},
    {"SELECT count(*) FROM assessments WHERE situation_id = ?1",
     "DELETE FROM assessments WHERE situation_id = ?1"},
    {"SELECT count(*) FROM relationships WHERE situation_id = ?1",
     "DELETE FROM relationships WHERE situation_id = ?1"},
    {"SELECT count(*) FROM situation_events WHERE situation_id = ?1",
     "DELETE FROM situation_events WHERE situation_id = ?1"},
    {"SELECT count(*) FROM situation_persons WHERE situation_id = ?1",
     "DELETE FROM situation_persons WHERE situation_id = ?1"},
    {"SELECT count(*) FROM (" OWN_PERSONS ")",
     "DELETE FROM persons WHERE ?1 IS NOT NULL "
     "AND id NOT IN (SELECT person_id FROM situation_persons) "
     "AND id NOT IN (SELECT from_person FROM relationships) "
     "AND id NOT IN (SELECT to_person FROM relationships) "
     "AND id NOT IN (SELECT protects_person_id FROM actions)"},
    {"SELECT count(*) FROM situations WHERE repeat_of = ?1",
     "UPDATE situations SET repeat_of = NULL WHERE repeat_of = ?1"},
    {"SELECT count(*) FROM situations WHERE id = ?1", "DELETE FROM situations WHERE id = ?1"},
};

int store_retention_due(store_conn *c, const char *now,
                        int (*fn)(void *ctx, const char *sid, const char *closed_at), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c,
                         "SELECT s.id, s.closed_at FROM situations s JOIN territories t ON t.id = s.territory_id "
                         "WHERE s.status = 'closed' AND s.closed_at IS NOT NULL "
                         "AND datetime(s.closed_at, '+' || t.retention_months || ' months') < datetime(?1) "
                         "ORDER BY s.closed_at, s.id",
                         &st);
    if (rc != STORE_OK)
        return rc;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
    int step_rc;
    while ((step_rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1)))
            break;
    }
    rc = sql_rc(c->db, step_rc == SQLITE_ROW ? SQLITE_OK : step_rc, "retention due");
    sqlite3_finalize(st);
    return rc;
}

static int count_one(store_conn *c, const char *sql, const char *sid, long long *out)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, sql, &st);
    if (rc != STORE_OK)
        return rc;
    sqlite3_bind_text(st, 1, sid, -1, SQLITE_TRANSIENT);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    rc = sql_rc(c->db, s == SQLITE_ROW ? SQLITE_OK : s, "retention count");
    sqlite3_finalize(st);
    return rc;
}

int store_retention_counts(store_conn *c, const char *sid, long long counts[RETENTION_TABLES])
{
    for (int i = 0; i < RETENTION_TABLES; i++) {
        counts[i] = 0;
        int rc = count_one(c, steps[i].count, sid, &counts[i]);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

static int exec_sid(store_conn *c, const char *sql, const char *sid)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, sql, &st);
    if (rc != STORE_OK)
        return rc;
    sqlite3_bind_text(st, 1, sid, -1, SQLITE_TRANSIENT);
    return sql_exec_done(c, st, "retention purge");
}

int store_retention_purge(store_conn *c, const char *sid)
{
    /* The anonymous counts first, while the rows are still there. */
    int rc = exec_sid(c,
                      "INSERT INTO retained_stats(territory_id, closed_month, close_reason, last_level, route, count) "
                      "SELECT s.territory_id, substr(s.closed_at, 1, 7), ifnull(s.close_reason, ''), "
                      "ifnull((SELECT a.level FROM assessments a WHERE a.situation_id = s.id "
                      "ORDER BY a.created_at DESC, a.rowid DESC LIMIT 1), ''), ifnull(s.triage_route, ''), 1 "
                      "FROM situations s WHERE s.id = ?1 "
                      "ON CONFLICT(territory_id, closed_month, close_reason, last_level, route) "
                      "DO UPDATE SET count = count + 1",
                      sid);
    for (int i = 0; rc == STORE_OK && i < RETENTION_TABLES; i++)
        rc = exec_sid(c, steps[i].del, sid);
    return rc;
}

int store_retention_compact(store_conn *c)
{
    /* VACUUM works through a temporary attached database; the store
     * otherwise allows none (store.c), so only for this statement. */
    int old = sqlite3_limit(c->db, SQLITE_LIMIT_ATTACHED, 1);
    int rc = sql_rc(c->db, sqlite3_exec(c->db, "VACUUM", NULL, NULL, NULL), "vacuum");
    sqlite3_limit(c->db, SQLITE_LIMIT_ATTACHED, old);
    if (rc == STORE_OK)
        rc = sql_rc(c->db, sqlite3_exec(c->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
                    "checkpoint");
    return rc;
}
