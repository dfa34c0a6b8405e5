/*
 * actions.c - SQL for the safety net; see actions.h. Every statement binds
 * its parameters.
 */
#include "store/actions.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "lib/id.h"
#include "store/sqlutil.h"

int store_action_add(store_conn *c, const store_action *x)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "INSERT INTO actions(id, situation_id, title_enc, phase, protects_person_id, "
                            "owner_agency_id, owner_user_id, due_on, status, created_by, created_at, updated_at) "
                            "VALUES (?,?,?,?,?,?,?,?,'planned',?,?,?)", &st);
    if (rc)
        return rc;
    time_rfc3339(clock_now(), now, sizeof(now));
    sql_bind_texts(st, 1, 6, x->id, x->situation_id, x->title_enc, x->phase, x->protects_person_id,
                   x->owner_agency_id);
    sql_bind_text_or_null(st, 7, x->owner_user_id);
    sql_bind_text_or_null(st, 8, x->due_on);
    sql_bind_texts(st, 9, 3, x->created_by, now, now);
    return sql_exec_done(c, st, "action_add");
}

/* Columns 0..15 of an action row, then the situation's territory. */
#define ACTION_COLS "x.id, x.situation_id, x.title_enc, x.phase, x.protects_person_id, x.owner_agency_id, " \
                    "x.owner_user_id, x.due_on, x.status, x.blocked_reason_enc, x.created_by, x.created_at, " \
                    "x.updated_at, x.version, a.name, s.territory_id"
#define ACTION_FROM " FROM actions x JOIN agencies a ON a.id = x.owner_agency_id " \
                    "JOIN situations s ON s.id = x.situation_id "

static void action_row(arena *a, sqlite3_stmt *st, store_action *x)
{
    memset(x, 0, sizeof(*x));
    sql_col(st, 0, x->id, sizeof(x->id));
    sql_col(st, 1, x->situation_id, sizeof(x->situation_id));
    x->title_enc = sql_col_a(a, st, 2);
    sql_col(st, 3, x->phase, sizeof(x->phase));
    sql_col(st, 4, x->protects_person_id, sizeof(x->protects_person_id));
    sql_col(st, 5, x->owner_agency_id, sizeof(x->owner_agency_id));
    x->owner_user_id = sql_col_a(a, st, 6);
    x->due_on = sql_col_a(a, st, 7);
    sql_col(st, 8, x->status, sizeof(x->status));
    x->blocked_reason_enc = sql_col_a(a, st, 9);
    sql_col(st, 10, x->created_by, sizeof(x->created_by));
    x->created_at = sql_col_a(a, st, 11);
    x->updated_at = sql_col_a(a, st, 12);
    x->version = sqlite3_column_int64(st, 13);
    x->owner_agency_name = sql_col_a(a, st, 14);
    sql_col(st, 15, x->territory_id, sizeof(x->territory_id));
}

int store_action_get(store_conn *c, arena *a, const char *id, store_action *out)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT " ACTION_COLS ACTION_FROM "WHERE x.id = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        action_row(a, st, out);
        rc = STORE_OK;
    } else {
        rc = s == SQLITE_DONE ? STORE_NOTFOUND : sql_rc(c->db, s, "action_get");
    }
    sqlite3_finalize(st);
    return rc;
}

/* The phases in the order of the work (API.md vocabulary). */
#define PHASE_ORDER "CASE x.phase WHEN 'first_contact_safety' THEN 1 WHEN 'risk_assessment_safety_plan' THEN 2 " \
                    "WHEN 'protective_orders' THEN 3 WHEN 'child_protection' THEN 4 " \
                    "WHEN 'perpetrator_monitoring' THEN 5 WHEN 'relocation' THEN 6 ELSE 7 END"

int store_actions_each(store_conn *c, arena *a, const char *situation_id,
                       int (*fn)(void *ctx, const store_action *x), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT " ACTION_COLS ACTION_FROM "WHERE x.situation_id = ? "
                            "ORDER BY x.protects_person_id, " PHASE_ORDER ", x.due_on IS NULL, x.due_on, "
                            "x.created_at, x.id", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, situation_id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_action x;
        action_row(a, st, &x);
        x.participates = 1;
        if (fn(ctx, &x))
            break;
    }
    return sql_each_done(c, st, s, "actions_each");
}

int store_actions_mine_each(store_conn *c, arena *a, const char *agency_id, const char *territory_id,
                            int coordinator, const char *user_id, const char *today,
                            int (*fn)(void *ctx, const store_action *x), void *ctx)
{
    sqlite3_stmt *st;
    /* Visibility: the rule of store_situations_visible_each (and of the
     * policy, which the caller asks again for each row). */
    int rc = sql_prepare(c, "SELECT " ACTION_COLS ", EXISTS (SELECT 1 FROM participations p "
                            "WHERE p.situation_id = s.id AND p.agency_id = ?3 AND (p.ends_on IS NULL OR p.ends_on >= ?4)) "
                            "AS live" ACTION_FROM "WHERE x.owner_agency_id = ?3 "
                            "AND ((?1 = 1 AND s.territory_id = ?2) OR EXISTS (SELECT 1 FROM participations p "
                            "WHERE p.situation_id = s.id AND p.agency_id = ?3 AND (p.ends_on IS NULL OR p.ends_on >= ?4))) "
                            "AND NOT EXISTS (SELECT 1 FROM exclusions e WHERE e.situation_id = s.id AND e.user_id = ?5) "
                            "ORDER BY (x.due_on IS NOT NULL AND x.due_on < ?4 AND x.status NOT IN ('done','cancelled')) DESC, "
                            "x.status IN ('done','cancelled'), x.due_on IS NULL, x.due_on, x.created_at, x.id "
                            "LIMIT 5000", &st);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, coordinator ? 1 : 0);
    sql_bind_texts(st, 2, 4, territory_id ? territory_id : "", agency_id ? agency_id : "", today,
                   user_id ? user_id : "");
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_action x;
        action_row(a, st, &x);
        x.participates = sqlite3_column_int(st, 16);
        if (fn(ctx, &x))
            break;
    }
    return sql_each_done(c, st, s, "actions_mine_each");
}

int store_action_update(store_conn *c, const char *id, long long version, const char *status,
                        const char *blocked_reason_enc)
{
    sqlite3_stmt *st;
    char now[32];
    /* done_at: when it became done (kept while it stays done), for the
     * indicators' "done on time"; cleared when it leaves done. */
    int rc = sql_prepare(c, "UPDATE actions SET status = ?1, blocked_reason_enc = ?2, updated_at = ?3, "
                            "done_at = CASE WHEN ?1 = 'done' THEN COALESCE(done_at, ?3) END, "
                            "version = version + 1 WHERE id = ?4 AND version = ?5", &st);
    if (rc)
        return rc;
    time_rfc3339(clock_now(), now, sizeof(now));
    sql_bind_texts(st, 1, 1, status);
    sql_bind_text_or_null(st, 2, blocked_reason_enc);
    sql_bind_texts(st, 3, 2, now, id);
    sqlite3_bind_int64(st, 5, version);
    rc = sql_exec_changed(c, st, "action_update");
    return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
}

int store_action_note_add(store_conn *c, const char *id, const char *action_id, const char *author,
                          const char *text_enc)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "INSERT INTO action_notes(id, action_id, author, at, text_enc) VALUES (?,?,?,?,?)", &st);
    if (rc)
        return rc;
    time_rfc3339(clock_now(), now, sizeof(now));
    sql_bind_texts(st, 1, 5, id, action_id, author, now, text_enc);
    return sql_exec_done(c, st, "action_note_add");
}

int store_action_notes_each(store_conn *c, arena *a, const char *situation_id,
                            int (*fn)(void *ctx, const store_action_note *n), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT n.id, n.action_id, n.author, u.display_name, n.at, n.text_enc "
                            "FROM action_notes n JOIN actions x ON x.id = n.action_id "
                            "LEFT JOIN users u ON u.id = n.author WHERE x.situation_id = ? "
                            "ORDER BY n.at, n.rowid", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, situation_id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_action_note n;
        memset(&n, 0, sizeof(n));
        sql_col(st, 0, n.id, sizeof(n.id));
        sql_col(st, 1, n.action_id, sizeof(n.action_id));
        sql_col(st, 2, n.author, sizeof(n.author));
        n.author_name = sql_col_a(a, st, 3);
        n.at = sql_col_a(a, st, 4);
        n.text_enc = sql_col_a(a, st, 5);
        if (fn(ctx, &n))
            break;
    }
    return sql_each_done(c, st, s, "action_notes_each");
}
