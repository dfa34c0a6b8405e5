/*
 * sharing.c - SQL for need-to-know sharing; see sharing.h.
 */
#include "store/sharing.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "lib/id.h"
#include "store/sqlutil.h"

int store_info_add(store_conn *c, const store_info *x)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "INSERT INTO information(id, situation_id, category, shared, content_enc, reason_enc, "
                            "basis, justification_enc, visible_to, sensitive, expires_on, agency_id, user_id, "
                            "created_at, release_on, meeting_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &st);
    if (rc)
        return rc;
    time_rfc3339(clock_now(), now, sizeof(now));
    sql_bind_texts(st, 1, 3, x->id, x->situation_id, x->category);
    sqlite3_bind_int(st, 4, x->shared ? 1 : 0);
    sql_bind_text_or_null(st, 5, x->content_enc);
    sql_bind_text_or_null(st, 6, x->reason_enc);
    sql_bind_texts(st, 7, 1, x->basis);
    sql_bind_text_or_null(st, 8, x->justification_enc);
    sql_bind_texts(st, 9, 1, x->visible_to ? x->visible_to : "");
    sqlite3_bind_int(st, 10, x->sensitive ? 1 : 0);
    sql_bind_text_or_null(st, 11, x->expires_on);
    sql_bind_texts(st, 12, 3, x->agency_id, x->user_id, now);
    sql_bind_text_or_null(st, 15, x->release_on);
    sql_bind_text_or_null(st, 16, x->meeting_id[0] ? x->meeting_id : NULL);
    return sql_exec_done(c, st, "info_add");
}

#define INFO_COLS "i.id, i.situation_id, i.category, i.shared, i.content_enc, i.reason_enc, i.basis, " \
                  "i.justification_enc, i.visible_to, i.sensitive, i.expires_on, i.agency_id, i.user_id, " \
                  "i.created_at, i.version, a.name, " \
                  "(SELECT s2.consent_excluded_sectors FROM situations s2 WHERE s2.id = i.situation_id), " \
                  "i.release_on, i.meeting_id"

static void info_row(arena *a, sqlite3_stmt *st, store_info *x)
{
    memset(x, 0, sizeof(*x));
    sql_col(st, 0, x->id, sizeof(x->id));
    sql_col(st, 1, x->situation_id, sizeof(x->situation_id));
    sql_col(st, 2, x->category, sizeof(x->category));
    x->shared = sqlite3_column_int(st, 3);
    x->content_enc = sql_col_a(a, st, 4);
    x->reason_enc = sql_col_a(a, st, 5);
    sql_col(st, 6, x->basis, sizeof(x->basis));
    x->justification_enc = sql_col_a(a, st, 7);
    x->visible_to = sql_col_a(a, st, 8);
    x->sensitive = sqlite3_column_int(st, 9);
    x->expires_on = sql_col_a(a, st, 10);
    sql_col(st, 11, x->agency_id, sizeof(x->agency_id));
    sql_col(st, 12, x->user_id, sizeof(x->user_id));
    x->created_at = sql_col_a(a, st, 13);
    x->version = sqlite3_column_int64(st, 14);
    x->agency_name = sql_col_a(a, st, 15);
    x->consent_excluded_sectors = sql_col_a(a, st, 16);
    x->release_on = sql_col_a(a, st, 17);
    sql_col(st, 18, x->meeting_id, sizeof(x->meeting_id));
}

int store_info_get(store_conn *c, arena *a, const char *id, store_info *x)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT " INFO_COLS " FROM information i JOIN agencies a ON a.id = i.agency_id "
                            "WHERE i.id = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        info_row(a, st, x);
        rc = STORE_OK;
    } else {
        rc = s == SQLITE_DONE ? STORE_NOTFOUND : sql_rc(c->db, s, "info_get");
    }
    sqlite3_finalize(st);
    return rc;
}

/* Steps st (bound, selecting INFO_COLS), handing each row to fn until it
 * asks to stop; finalises st. */
static int info_rows(store_conn *c, arena *a, sqlite3_stmt *st, const char *what,
                     int (*fn)(void *ctx, const store_info *x), void *ctx)
{
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_info x;
        info_row(a, st, &x);
        if (fn(ctx, &x))
            break;
    }
    return sql_each_done(c, st, s, what);
}

int store_info_each(store_conn *c, arena *a, const char *situation_id,
                    int (*fn)(void *ctx, const store_info *x), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT " INFO_COLS " FROM information i JOIN agencies a ON a.id = i.agency_id "
                            "WHERE i.situation_id = ? ORDER BY i.created_at, i.id", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, situation_id);
    return info_rows(c, a, st, "info_each", fn, ctx);
}

int store_research_each(store_conn *c, arena *a, const char *meeting_id, const char *situation_id,
                        int (*fn)(void *ctx, const store_info *x), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT " INFO_COLS " FROM information i JOIN agencies a ON a.id = i.agency_id "
                            "WHERE i.meeting_id = ? AND i.situation_id = ? ORDER BY i.created_at, i.rowid", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, meeting_id, situation_id);
    return info_rows(c, a, st, "research_each", fn, ctx);
}

int store_register_each(store_conn *c, arena *a, const char *territory_id, const char *situation_id,
                        const char *from, const char *to, int (*fn)(void *ctx, const store_info *x), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT " INFO_COLS " FROM information i JOIN agencies a ON a.id = i.agency_id "
                            "JOIN situations s ON s.id = i.situation_id WHERE s.territory_id = ?1 "
                            "AND (?2 IS NULL OR i.situation_id = ?2) AND (?3 IS NULL OR i.created_at >= ?3) "
                            "AND (?4 IS NULL OR i.created_at < ?4) ORDER BY i.created_at DESC, i.id LIMIT 10000", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, territory_id);
    sql_bind_text_or_null(st, 2, situation_id);
    sql_bind_text_or_null(st, 3, from);
    sql_bind_text_or_null(st, 4, to);
    return info_rows(c, a, st, "register_each", fn, ctx);
}

int store_exclusion_add(store_conn *c, const char *situation_id, const char *user_id, const char *reason_enc,
                        const char *by)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "INSERT INTO exclusions(situation_id, user_id, reason_enc, excluded_by, created_at) "
                            "VALUES (?,?,?,?,?)", &st);
    if (rc)
        return rc;
    time_rfc3339(clock_now(), now, sizeof(now));
    sql_bind_texts(st, 1, 5, situation_id, user_id, reason_enc, by, now);
    return sql_exec_done(c, st, "exclusion_add");
}

int store_exclusion_exists(store_conn *c, const char *situation_id, const char *user_id, int *excluded)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT EXISTS (SELECT 1 FROM exclusions WHERE situation_id = ? AND user_id = ?)", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, situation_id, user_id ? user_id : "");
    int s = sqlite3_step(st);
    *excluded = s == SQLITE_ROW ? sqlite3_column_int(st, 0) : 1; /* fail closed */
    rc = s == SQLITE_ROW ? STORE_OK : sql_rc(c->db, s, "exclusion_exists");
    sqlite3_finalize(st);
    return rc;
}

int store_participants_each(store_conn *c, arena *a, const char *situation_id,
                            int (*fn)(void *ctx, const store_participant *p), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT p.agency_id, a.name, a.sector, p.basis, p.justification_enc, p.added_at, "
                            "p.ends_on FROM participations p JOIN agencies a ON a.id = p.agency_id "
                            "WHERE p.situation_id = ? ORDER BY p.added_at, a.name", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, situation_id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_participant p;
        memset(&p, 0, sizeof(p));
        sql_col(st, 0, p.agency_id, sizeof(p.agency_id));
        p.agency_name = sql_col_a(a, st, 1);
        sql_col(st, 2, p.sector, sizeof(p.sector));
        sql_col(st, 3, p.basis, sizeof(p.basis));
        p.justification_enc = sql_col_a(a, st, 4);
        p.added_at = sql_col_a(a, st, 5);
        p.ends_on = sql_col_a(a, st, 6);
        if (fn(ctx, &p))
            break;
    }
    return sql_each_done(c, st, s, "participants_each");
}

int store_participation_end(store_conn *c, const char *situation_id, const char *agency_id, const char *ends_on)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "UPDATE participations SET ends_on = ? WHERE situation_id = ? AND agency_id = ?", &st);
    if (rc)
        return rc;
    sql_bind_text_or_null(st, 1, ends_on);
    sql_bind_texts(st, 2, 2, situation_id, agency_id);
    return sql_exec_changed(c, st, "participation_end");
}

int store_contact_visible_set(store_conn *c, const char *situation_id, const char *person_id, const char *visible_to)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "UPDATE situation_persons SET visible_to = ? WHERE situation_id = ? AND person_id = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 3, visible_to, situation_id, person_id);
    return sql_exec_changed(c, st, "contact_visible_set");
}
