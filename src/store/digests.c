/*
 * digests.c - SQL for the digests sent; see digests.h.
 */
#include "store/digests.h"

#include <sqlite3.h>

#include "store/sqlutil.h"

int store_digest_sent(store_conn *c, const char *user_id, const char *day, int *sent)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT count(*) FROM digests_sent WHERE user_id = ? AND day = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, user_id, day);
    int s = sqlite3_step(st);
    *sent = 0;
    if (s == SQLITE_ROW) {
        *sent = sqlite3_column_int(st, 0) > 0;
        rc = STORE_OK;
    } else {
        rc = sql_rc(c->db, s, "digest_sent");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_digest_record(store_conn *c, const char *user_id, const char *day, const char *sent_at, int alerts)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "INSERT INTO digests_sent(user_id, day, sent_at, alerts) VALUES (?,?,?,?)", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 3, user_id, day, sent_at);
    sqlite3_bind_int(st, 4, alerts);
    return sql_exec_done(c, st, "digest_record");
}

int store_digest_forget(store_conn *c, const char *user_id, const char *day)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "DELETE FROM digests_sent WHERE user_id = ? AND day = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, user_id, day);
    return sql_exec_done(c, st, "digest_forget");
}
