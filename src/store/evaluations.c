/*
 * evaluations.c - SQL for the practitioners' evaluations; see
 * evaluations.h. Every statement binds its parameters.
 */
#include "store/evaluations.h"

#include <sqlite3.h>

#include "store/sqlutil.h"

int store_attendance_has(store_conn *c, const char *meeting_id, const char *agency_id, int *present)
{
    sqlite3_stmt *st;
    *present = 0;
    int rc = sql_prepare(c, "SELECT 1 FROM attendance WHERE meeting_id = ? AND agency_id = ? "
                            "AND undertaking_accepted = 1", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, meeting_id, agency_id);
    int s = sqlite3_step(st);
    *present = s == SQLITE_ROW;
    rc = (s == SQLITE_ROW || s == SQLITE_DONE) ? STORE_OK : sql_rc(c->db, s, "attendance_has");
    sqlite3_finalize(st);
    return rc;
}

int store_evaluations_pending_each(store_conn *c, const char *user_id, const char *agency_id, const char *now,
                                   const char *since, int (*fn)(void *ctx, const store_meeting *m), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT m.id, m.territory_id, m.kind, m.starts_at FROM meetings m "
                            "JOIN attendance a ON a.meeting_id = m.id AND a.agency_id = ?2 "
                            "AND a.undertaking_accepted = 1 "
                            "WHERE m.starts_at <= ?3 AND m.starts_at > ?4 AND NOT EXISTS "
                            "(SELECT 1 FROM evaluation_done d WHERE d.meeting_id = m.id AND d.user_id = ?1) "
                            "ORDER BY m.starts_at DESC, m.id", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 4, user_id, agency_id, now, since);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_meeting m = {0};
        sql_col(st, 0, m.id, sizeof(m.id));
        sql_col(st, 1, m.territory_id, sizeof(m.territory_id));
        sql_col(st, 2, m.kind, sizeof(m.kind));
        sql_col(st, 3, m.starts_at, sizeof(m.starts_at));
        if (fn(ctx, &m))
            break;
    }
    return sql_each_done(c, st, s, "evaluations_pending");
}

int store_evaluation_done(store_conn *c, const char *meeting_id, const char *user_id, int *done)
{
    sqlite3_stmt *st;
    *done = 0;
    int rc = sql_prepare(c, "SELECT 1 FROM evaluation_done WHERE meeting_id = ? AND user_id = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, meeting_id, user_id);
    int s = sqlite3_step(st);
    *done = s == SQLITE_ROW;
    rc = (s == SQLITE_ROW || s == SQLITE_DONE) ? STORE_OK : sql_rc(c->db, s, "evaluation_done");
    sqlite3_finalize(st);
    return rc;
}

int store_evaluation_add(store_conn *c, const char *meeting_id, const char *user_id, const store_evaluation *e)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "INSERT INTO evaluation_done (meeting_id, user_id) VALUES (?, ?)", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, meeting_id, user_id);
    if ((rc = sql_exec_done(c, st, "evaluation_done_add")) != STORE_OK)
        return rc;
    rc = sql_prepare(c, "INSERT INTO evaluation_responses (id, territory_id, month, form_id, form_version, "
                        "comment_enc) VALUES (?, ?, ?, ?, ?, ?)", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 4, e->id, e->territory_id, e->month, e->form_id);
    sqlite3_bind_int(st, 5, e->form_version);
    sql_bind_text_or_null(st, 6, e->comment_enc);
    if ((rc = sql_exec_done(c, st, "evaluation_response_add")) != STORE_OK)
        return rc;
    for (size_t i = 0; i < e->n; i++) {
        rc = sql_prepare(c, "INSERT INTO evaluation_answers (response_id, statement, value) VALUES (?, ?, ?)", &st);
        if (rc)
            return rc;
        sql_bind_texts(st, 1, 2, e->id, e->statements[i]);
        sqlite3_bind_int(st, 3, e->values[i]);
        if ((rc = sql_exec_done(c, st, "evaluation_answer_add")) != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

/* ?1 territory (NULL: all), ?2 from, ?3 to. */
#define PERIOD "(?1 IS NULL OR r.territory_id = ?1) AND r.month >= ?2 AND r.month <= ?3"

static int prepare_period(store_conn *c, const char *sql, const char *territory_id, const char *from,
                          const char *to, sqlite3_stmt **st)
{
    int rc = sql_prepare(c, sql, st);
    if (rc)
        return rc;
    sql_bind_text_or_null(*st, 1, territory_id);
    sql_bind_texts(*st, 2, 2, from, to);
    return STORE_OK;
}

int store_evaluation_responses_count(store_conn *c, const char *territory_id, const char *from, const char *to,
                                     long *n)
{
    sqlite3_stmt *st;
    *n = 0;
    int rc = prepare_period(c, "SELECT count(*) FROM evaluation_responses r WHERE " PERIOD, territory_id, from, to,
                            &st);
    if (rc)
        return rc;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        *n = (long)sqlite3_column_int64(st, 0);
    rc = s == SQLITE_ROW ? STORE_OK : sql_rc(c->db, s, "evaluation_responses_count");
    sqlite3_finalize(st);
    return rc;
}

int store_evaluation_counts_each(store_conn *c, const char *territory_id, const char *from, const char *to,
                                 int (*fn)(void *ctx, const char *statement, int value, long count), void *ctx)
{
    sqlite3_stmt *st;
    int rc = prepare_period(c, "SELECT a.statement, a.value, count(*) FROM evaluation_answers a "
                               "JOIN evaluation_responses r ON r.id = a.response_id WHERE " PERIOD
                               " GROUP BY a.statement, a.value ORDER BY a.statement, a.value",
                            territory_id, from, to, &st);
    if (rc)
        return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        char statement[80];
        sql_col(st, 0, statement, sizeof(statement));
        if (fn(ctx, statement, sqlite3_column_int(st, 1), (long)sqlite3_column_int64(st, 2)))
            break;
    }
    return sql_each_done(c, st, s, "evaluation_counts");
}

int store_evaluation_comments_each(store_conn *c, arena *a, const char *territory_id, const char *from,
                                   const char *to, int (*fn)(void *ctx, const char *id, const char *comment_enc),
                                   void *ctx)
{
    sqlite3_stmt *st;
    int rc = prepare_period(c, "SELECT r.id, r.comment_enc FROM evaluation_responses r WHERE " PERIOD
                               " AND r.comment_enc IS NOT NULL AND r.comment_enc <> '' ORDER BY r.id",
                            territory_id, from, to, &st);
    if (rc)
        return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        char id[STORE_ID_LEN + 1];
        sql_col(st, 0, id, sizeof(id));
        if (fn(ctx, id, sql_col_a(a, st, 1)))
            break;
    }
    return sql_each_done(c, st, s, "evaluation_comments");
}
