/*
 * meetings.c - SQL for cell meetings; see meetings.h.
 */
#include "store/meetings.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "lib/id.h"
#include "store/sqlutil.h"

static void now_text(char *out, size_t n)
{
    time_rfc3339(clock_now(), out, n);
}

/* A yes/no query of two texts into *out (0 on error: fail closed). */
static int exists2(store_conn *c, const char *sql, const char *a1, const char *a2, int *out, const char *what)
{
    sqlite3_stmt *st;
    *out = 0;
    int rc = sql_prepare(c, sql, &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, a1 ? a1 : "", a2 ? a2 : "");
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    rc = s == SQLITE_ROW ? STORE_OK : sql_rc(c->db, s, what);
    sqlite3_finalize(st);
    return rc;
}

int store_meeting_add(store_conn *c, const store_meeting *m)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "INSERT INTO meetings(id, territory_id, kind, starts_at, place_enc, quorum, created_by, "
                            "created_at) VALUES (?,?,?,?,?,?,?,?)", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 4, m->id, m->territory_id, m->kind, m->starts_at);
    sql_bind_text_or_null(st, 5, m->place_enc);
    sqlite3_bind_int(st, 6, m->quorum);
    sql_bind_texts(st, 7, 2, m->created_by, now);
    return sql_exec_done(c, st, "meeting_add");
}

#define MEETING_COLS "m.id, m.territory_id, m.kind, m.starts_at, m.place_enc, m.quorum, m.created_by, " \
                     "m.created_at, m.version"

static void meeting_row(arena *a, sqlite3_stmt *st, store_meeting *m)
{
    memset(m, 0, sizeof(*m));
    sql_col(st, 0, m->id, sizeof(m->id));
    sql_col(st, 1, m->territory_id, sizeof(m->territory_id));
    sql_col(st, 2, m->kind, sizeof(m->kind));
    sql_col(st, 3, m->starts_at, sizeof(m->starts_at));
    m->place_enc = sql_col_a(a, st, 4);
    m->quorum = sqlite3_column_int(st, 5);
    sql_col(st, 6, m->created_by, sizeof(m->created_by));
    m->created_at = sql_col_a(a, st, 7);
    m->version = sqlite3_column_int64(st, 8);
}

int store_meeting_get(store_conn *c, arena *a, const char *id, store_meeting *out)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT " MEETING_COLS " FROM meetings m WHERE m.id = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        meeting_row(a, st, out);
        rc = STORE_OK;
    } else {
        rc = s == SQLITE_DONE ? STORE_NOTFOUND : sql_rc(c->db, s, "meeting_get");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_meetings_visible_each(store_conn *c, arena *a, const char *territory_id, const char *agency_id,
                                int (*fn)(void *ctx, const store_meeting *m), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT " MEETING_COLS " FROM meetings m WHERE (?1 IS NOT NULL AND m.territory_id = ?1) "
                            "OR EXISTS (SELECT 1 FROM meeting_agencies i WHERE i.meeting_id = m.id "
                            "AND i.agency_id = ?2) ORDER BY m.starts_at, m.id LIMIT 1000", &st);
    if (rc)
        return rc;
    sql_bind_text_or_null(st, 1, territory_id);
    sql_bind_texts(st, 2, 1, agency_id ? agency_id : "");
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_meeting m;
        meeting_row(a, st, &m);
        if (fn(ctx, &m))
            break;
    }
    return sql_each_done(c, st, s, "meetings_visible_each");
}

int store_meeting_invite(store_conn *c, const char *meeting_id, const char *agency_id, const char *by)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "INSERT INTO meeting_agencies(meeting_id, agency_id, invited_by, invited_at) "
                            "VALUES (?,?,?,?)", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 4, meeting_id, agency_id, by, now);
    return sql_exec_done(c, st, "meeting_invite");
}

int store_meeting_invited(store_conn *c, const char *meeting_id, const char *agency_id, int *invited)
{
    return exists2(c, "SELECT EXISTS (SELECT 1 FROM meeting_agencies WHERE meeting_id = ? AND agency_id = ?)",
                   meeting_id, agency_id, invited, "meeting_invited");
}

int store_meeting_invited_each(store_conn *c, arena *a, const char *meeting_id,
                               int (*fn)(void *ctx, const char *agency_id, const char *name, const char *sector),
                               void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT i.agency_id, a.name, a.sector FROM meeting_agencies i "
                            "JOIN agencies a ON a.id = i.agency_id WHERE i.meeting_id = ? "
                            "ORDER BY i.invited_at, a.name", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, meeting_id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, sql_col_a(a, st, 0), sql_col_a(a, st, 1), sql_col_a(a, st, 2)))
            break;
    return sql_each_done(c, st, s, "meeting_invited_each");
}

int store_agenda_add(store_conn *c, const char *meeting_id, const char *situation_id, const char *by,
                     int *position)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "INSERT INTO agenda(meeting_id, situation_id, position, added_by, added_at) "
                            "VALUES (?1, ?2, (SELECT COALESCE(MAX(position), 0) + 1 FROM agenda "
                            "WHERE meeting_id = ?1), ?3, ?4) RETURNING position", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 4, meeting_id, situation_id, by, now);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *position = sqlite3_column_int(st, 0);
        s = sqlite3_step(st);
    }
    rc = s == SQLITE_DONE ? STORE_OK : sql_rc(c->db, s, "agenda_add");
    sqlite3_finalize(st);
    return rc;
}

int store_agenda_has(store_conn *c, const char *meeting_id, const char *situation_id, int *on)
{
    return exists2(c, "SELECT EXISTS (SELECT 1 FROM agenda WHERE meeting_id = ? AND situation_id = ?)",
                   meeting_id, situation_id, on, "agenda_has");
}

int store_agenda_each(store_conn *c, const char *meeting_id,
                      int (*fn)(void *ctx, const char *situation_id, int position, int urgent), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT g.situation_id, g.position, "
                            "COALESCE(s.triage_route = 'urgent_cell', 0) AS urgent FROM agenda g "
                            "JOIN situations s ON s.id = g.situation_id WHERE g.meeting_id = ? "
                            "ORDER BY urgent DESC, g.position", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, meeting_id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        char sid[STORE_ID_LEN + 1];
        sql_col(st, 0, sid, sizeof(sid));
        if (fn(ctx, sid, sqlite3_column_int(st, 1), sqlite3_column_int(st, 2)))
            break;
    }
    return sql_each_done(c, st, s, "agenda_each");
}

int store_attendance_record(store_conn *c, const char *meeting_id, const char *agency_id, const char *user_id)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "INSERT INTO attendance(meeting_id, agency_id, user_id, undertaking_accepted, at) "
                            "VALUES (?1, ?2, ?3, 1, ?4) ON CONFLICT(meeting_id, agency_id) "
                            "DO UPDATE SET user_id = ?3, undertaking_accepted = 1, at = ?4", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 4, meeting_id, agency_id, user_id, now);
    return sql_exec_done(c, st, "attendance_record");
}

int store_attendance_each(store_conn *c, arena *a, const char *meeting_id,
                          int (*fn)(void *ctx, const char *agency_id, const char *user_id, const char *at),
                          void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT agency_id, user_id, at FROM attendance WHERE meeting_id = ? "
                            "AND undertaking_accepted = 1 ORDER BY at, agency_id", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, meeting_id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, sql_col_a(a, st, 0), sql_col_a(a, st, 1), sql_col_a(a, st, 2)))
            break;
    return sql_each_done(c, st, s, "attendance_each");
}

int store_attendance_present(store_conn *c, const char *meeting_id, int *present)
{
    sqlite3_stmt *st;
    *present = 0;
    int rc = sql_prepare(c, "SELECT COUNT(DISTINCT agency_id) FROM attendance WHERE meeting_id = ? "
                            "AND undertaking_accepted = 1", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, meeting_id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        *present = sqlite3_column_int(st, 0);
    rc = s == SQLITE_ROW ? STORE_OK : sql_rc(c->db, s, "attendance_present");
    sqlite3_finalize(st);
    return rc;
}

int store_minutes_get(store_conn *c, arena *a, const char *meeting_id, const char *situation_id,
                      store_minutes *out)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT text_enc, decisions_enc, author, updated_at, version FROM minutes "
                            "WHERE meeting_id = ? AND situation_id = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, meeting_id, situation_id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        memset(out, 0, sizeof(*out));
        out->text_enc = sql_col_a(a, st, 0);
        out->decisions_enc = sql_col_a(a, st, 1);
        sql_col(st, 2, out->author, sizeof(out->author));
        out->updated_at = sql_col_a(a, st, 3);
        out->version = sqlite3_column_int64(st, 4);
        rc = STORE_OK;
    } else {
        rc = s == SQLITE_DONE ? STORE_NOTFOUND : sql_rc(c->db, s, "minutes_get");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_minutes_put(store_conn *c, const char *meeting_id, const char *situation_id, const char *text_enc,
                      const char *decisions_enc, const char *author, long long version)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = version == 0
                 ? sql_prepare(c, "INSERT INTO minutes(text_enc, decisions_enc, author, updated_at, meeting_id, "
                                  "situation_id) VALUES (?,?,?,?,?,?)", &st)
                 : sql_prepare(c, "UPDATE minutes SET text_enc = ?, decisions_enc = ?, author = ?, updated_at = ?, "
                                  "version = version + 1 WHERE meeting_id = ? AND situation_id = ? AND version = ?",
                               &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_text_or_null(st, 1, text_enc);
    sql_bind_text_or_null(st, 2, decisions_enc);
    sql_bind_texts(st, 3, 4, author, now, meeting_id, situation_id);
    if (version == 0)
        return sql_exec_done(c, st, "minutes_add");
    sqlite3_bind_int64(st, 7, version);
    rc = sql_exec_changed(c, st, "minutes_update");
    return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
}
