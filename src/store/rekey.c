/*
 * rekey.c - encrypted values still under an old key, and their in-place
 * replacement; see rekey.h. All statements bind their parameters.
 */
#include "store/rekey.h"

#include <sqlite3.h>

#include "store/sqlutil.h"

static const char *col_text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? (const char *)t : "";
}

int store_rekey_users_each(store_conn *c, const char *keep_prefix, long limit,
                           int (*fn)(void *ctx, const char *id, const char *enc), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT id, totp_secret_enc FROM users "
                            "WHERE totp_secret_enc IS NOT NULL AND totp_secret_enc <> '' "
                            "AND substr(totp_secret_enc, 1, length(?1)) <> ?1 "
                            "ORDER BY id LIMIT ?2", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, keep_prefix);
    sqlite3_bind_int64(st, 2, limit > 0 ? limit : 1);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, col_text(st, 0), col_text(st, 1)))
            break;
    rc = (s == SQLITE_ROW || s == SQLITE_DONE) ? STORE_OK : sql_rc(c->db, s, "rekey_users_each");
    sqlite3_finalize(st);
    return rc;
}

int store_rekey_user_totp(store_conn *c, const char *id, const char *enc)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "UPDATE users SET totp_secret_enc = ? WHERE id = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, enc, id);
    return sql_exec_changed(c, st, "rekey_user_totp");
}

int store_rekey_drafts_each(store_conn *c, const char *keep_prefix, long limit,
                            int (*fn)(void *ctx, const char *user_id, const char *form_key,
                                      const char *body),
                            void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT user_id, form_key, body FROM drafts "
                            "WHERE body <> '' AND substr(body, 1, length(?1)) <> ?1 "
                            "ORDER BY user_id, form_key LIMIT ?2", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, keep_prefix);
    sqlite3_bind_int64(st, 2, limit > 0 ? limit : 1);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, col_text(st, 0), col_text(st, 1), col_text(st, 2)))
            break;
    rc = (s == SQLITE_ROW || s == SQLITE_DONE) ? STORE_OK : sql_rc(c->db, s, "rekey_drafts_each");
    sqlite3_finalize(st);
    return rc;
}

int store_rekey_draft_body(store_conn *c, const char *user_id, const char *form_key, const char *body)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "UPDATE drafts SET body = ? WHERE user_id = ? AND form_key = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 3, body, user_id, form_key);
    return sql_exec_changed(c, st, "rekey_draft_body");
}
