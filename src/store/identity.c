/*
 * identity.c - users' credentials, sessions, sign-in throttling, the audit
 * trail's rows and drafts. All statements bind their parameters.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/id.h"
#include "store/sqlutil.h"
#include "store/store.h"

#define USER_COLS "id, username, display_name, agency_id, role, lang, password_hash, active, " \
                  "COALESCE(totp_secret_enc, ''), totp_confirmed, totp_last_step, COALESCE(email, '')"

static void user_row(sqlite3_stmt *st, store_user *u)
{
    sql_col(st, 0, u->id, sizeof(u->id));
    sql_col(st, 1, u->username, sizeof(u->username));
    sql_col(st, 2, u->display_name, sizeof(u->display_name));
    sql_col(st, 3, u->agency_id, sizeof(u->agency_id));
    sql_col(st, 4, u->role, sizeof(u->role));
    sql_col(st, 5, u->lang, sizeof(u->lang));
    sql_col(st, 6, u->password_hash, sizeof(u->password_hash));
    u->active = sqlite3_column_int(st, 7);
    sql_col(st, 8, u->totp_secret_enc, sizeof(u->totp_secret_enc));
    u->totp_confirmed = sqlite3_column_int(st, 9);
    u->totp_last_step = sqlite3_column_int64(st, 10);
    sql_col(st, 11, u->email, sizeof(u->email));
}

static int user_one(store_conn *c, const char *sql, const char *arg, store_user *out)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, sql, &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, arg);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        user_row(st, out);
        rc = STORE_OK;
    } else {
        rc = s == SQLITE_DONE ? STORE_NOTFOUND : sql_rc(c->db, s, "user");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_user_by_username(store_conn *c, const char *username, store_user *out)
{
    return user_one(c, "SELECT " USER_COLS " FROM users WHERE username = ?", username, out);
}

int store_user_by_id(store_conn *c, const char *id, store_user *out)
{
    return user_one(c, "SELECT " USER_COLS " FROM users WHERE id = ?", id, out);
}

int store_users_each(store_conn *c, int (*fn)(void *ctx, const store_user *u), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT " USER_COLS " FROM users ORDER BY username", &st);
    if (rc)
        return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_user u;
        user_row(st, &u);
        if (fn(ctx, &u))
            break;
    }
    rc = (s == SQLITE_ROW || s == SQLITE_DONE) ? STORE_OK : sql_rc(c->db, s, "users_each");
    sqlite3_finalize(st);
    return rc;
}

static void now_text(char *out, size_t n)
{
    time_rfc3339(clock_now(), out, n);
}

int store_user_set_password(store_conn *c, const char *id, const char *hash)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "UPDATE users SET password_hash = ?, updated_at = ?, version = version + 1 "
                            "WHERE id = ?", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 3, hash, now, id);
    return sql_exec_changed(c, st, "user_set_password");
}

int store_user_set_lang(store_conn *c, const char *id, const char *lang)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "UPDATE users SET lang = ?, version = version + 1 WHERE id = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, lang, id);
    return sql_exec_changed(c, st, "user_set_lang");
}

int store_user_set_email(store_conn *c, const char *id, const char *email)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "UPDATE users SET email = ?, version = version + 1 WHERE id = ?", &st);
    if (rc)
        return rc;
    sql_bind_text_or_null(st, 1, email && *email ? email : NULL);
    sql_bind_texts(st, 2, 1, id);
    return sql_exec_changed(c, st, "user_set_email");
}

int store_user_set_active(store_conn *c, const char *id, int active)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "UPDATE users SET active = ?, updated_at = ?, version = version + 1 "
                            "WHERE id = ?", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sqlite3_bind_int(st, 1, active ? 1 : 0);
    sql_bind_texts(st, 2, 2, now, id);
    return sql_exec_changed(c, st, "user_set_active");
}

int store_user_set_totp(store_conn *c, const char *id, const char *secret_enc)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "UPDATE users SET totp_secret_enc = ?, totp_confirmed = 0, "
                            "totp_last_step = 0, updated_at = ?, version = version + 1 WHERE id = ?", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 3, secret_enc, now, id);
    return sql_exec_changed(c, st, "user_set_totp");
}

int store_user_use_totp_step(store_conn *c, const char *id, long long step, int confirm)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "UPDATE users SET totp_last_step = ?, "
                            "totp_confirmed = MAX(totp_confirmed, ?) "
                            "WHERE id = ? AND totp_last_step < ?", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, step);
    sqlite3_bind_int(st, 2, confirm ? 1 : 0);
    sql_bind_texts(st, 3, 1, id);
    sqlite3_bind_int64(st, 4, step);
    rc = sql_exec_changed(c, st, "user_use_totp_step");
    return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
}

/* --- sessions --- */

#define SESSION_COLS "id, token_hash, user_id, csrf, kind, stage, created_at, last_seen, " \
                     "expires_at, source, user_agent"

static void session_row(sqlite3_stmt *st, store_session *s)
{
    sql_col(st, 0, s->id, sizeof(s->id));
    sql_col(st, 1, s->token_hash, sizeof(s->token_hash));
    sql_col(st, 2, s->user_id, sizeof(s->user_id));
    sql_col(st, 3, s->csrf, sizeof(s->csrf));
    sql_col(st, 4, s->kind, sizeof(s->kind));
    sql_col(st, 5, s->stage, sizeof(s->stage));
    s->created_at = sqlite3_column_int64(st, 6);
    s->last_seen = sqlite3_column_int64(st, 7);
    s->expires_at = sqlite3_column_int64(st, 8);
    sql_col(st, 9, s->source, sizeof(s->source));
    sql_col(st, 10, s->user_agent, sizeof(s->user_agent));
}

int store_session_add(store_conn *c, const store_session *s)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "INSERT INTO sessions(" SESSION_COLS ") VALUES (?,?,?,?,?,?,?,?,?,?,?)", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 6, s->id, s->token_hash, s->user_id, s->csrf, s->kind, s->stage);
    sqlite3_bind_int64(st, 7, s->created_at);
    sqlite3_bind_int64(st, 8, s->last_seen);
    sqlite3_bind_int64(st, 9, s->expires_at);
    sql_bind_texts(st, 10, 2, s->source, s->user_agent);
    return sql_exec_done(c, st, "session_add");
}

int store_session_by_hash(store_conn *c, const char *token_hash, store_session *out)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT " SESSION_COLS " FROM sessions WHERE token_hash = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, token_hash);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        session_row(st, out);
        rc = STORE_OK;
    } else {
        rc = s == SQLITE_DONE ? STORE_NOTFOUND : sql_rc(c->db, s, "session_by_hash");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_session_touch(store_conn *c, const char *id, long long now)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "UPDATE sessions SET last_seen = ? WHERE id = ?", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, now);
    sql_bind_texts(st, 2, 1, id);
    return sql_exec_changed(c, st, "session_touch");
}

int store_session_set_stage(store_conn *c, const char *id, const char *stage)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "UPDATE sessions SET stage = ? WHERE id = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, stage, id);
    return sql_exec_changed(c, st, "session_set_stage");
}

int store_session_delete(store_conn *c, const char *id, const char *user_id)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "DELETE FROM sessions WHERE id = ? AND user_id = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, id, user_id);
    return sql_exec_changed(c, st, "session_delete");
}

int store_session_delete_user(store_conn *c, const char *user_id)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "DELETE FROM sessions WHERE user_id = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, user_id);
    return sql_exec_done(c, st, "session_delete_user");
}

int store_sessions_of_user_each(store_conn *c, const char *user_id,
                                int (*fn)(void *ctx, const store_session *s), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT " SESSION_COLS " FROM sessions WHERE user_id = ? "
                            "ORDER BY last_seen DESC", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, user_id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_session ss;
        session_row(st, &ss);
        if (fn(ctx, &ss))
            break;
    }
    rc = (s == SQLITE_ROW || s == SQLITE_DONE) ? STORE_OK : sql_rc(c->db, s, "sessions_each");
    sqlite3_finalize(st);
    return rc;
}

int store_sessions_purge_expired(store_conn *c, long long now, long long idle_seconds)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "DELETE FROM sessions WHERE expires_at <= ? OR last_seen + ? <= ?", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, idle_seconds);
    sqlite3_bind_int64(st, 3, now);
    return sql_exec_done(c, st, "sessions_purge");
}

/* --- throttling --- */

int store_throttle_get(store_conn *c, const char *key, long *failures, long long *blocked_until)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT failures, blocked_until FROM throttle WHERE key = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, key);
    int s = sqlite3_step(st);
    *failures = 0;
    *blocked_until = 0;
    if (s == SQLITE_ROW) {
        *failures = (long)sqlite3_column_int64(st, 0);
        *blocked_until = sqlite3_column_int64(st, 1);
        rc = STORE_OK;
    } else {
        rc = s == SQLITE_DONE ? STORE_OK : sql_rc(c->db, s, "throttle_get");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_throttle_set(store_conn *c, const char *key, long failures, long long now,
                       long long blocked_until)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "INSERT INTO throttle(key, failures, last_failure, blocked_until) "
                            "VALUES (?,?,?,?) ON CONFLICT(key) DO UPDATE SET "
                            "failures = excluded.failures, last_failure = excluded.last_failure, "
                            "blocked_until = excluded.blocked_until", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, key);
    sqlite3_bind_int64(st, 2, failures);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int64(st, 4, blocked_until);
    return sql_exec_done(c, st, "throttle_set");
}

int store_throttle_clear(store_conn *c, const char *key)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "DELETE FROM throttle WHERE key = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, key);
    return sql_exec_done(c, st, "throttle_clear");
}

/* --- audit rows --- */

#define AUDIT_COLS "seq, at, COALESCE(user_id,''), COALESCE(agency_id,''), source, action, " \
                   "object_type, object_id, fields, ref_digest, key_id, hash"

static void audit_row(sqlite3_stmt *st, store_audit_row *r)
{
    r->seq = sqlite3_column_int64(st, 0);
    sql_col(st, 1, r->at, sizeof(r->at));
    sql_col(st, 2, r->user_id, sizeof(r->user_id));
    sql_col(st, 3, r->agency_id, sizeof(r->agency_id));
    sql_col(st, 4, r->source, sizeof(r->source));
    sql_col(st, 5, r->action, sizeof(r->action));
    sql_col(st, 6, r->object_type, sizeof(r->object_type));
    sql_col(st, 7, r->object_id, sizeof(r->object_id));
    sql_col(st, 8, r->fields, sizeof(r->fields));
    sql_col(st, 9, r->ref_digest, sizeof(r->ref_digest));
    sql_col(st, 10, r->key_id, sizeof(r->key_id));
    sql_col(st, 11, r->hash, sizeof(r->hash));
}

int store_audit_last_hash(store_conn *c, char hash[65])
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1", &st);
    if (rc)
        return rc;
    int s = sqlite3_step(st);
    hash[0] = '\0';
    if (s == SQLITE_ROW)
        sql_col(st, 0, hash, 65);
    rc = (s == SQLITE_ROW || s == SQLITE_DONE) ? STORE_OK : sql_rc(c->db, s, "audit_last");
    sqlite3_finalize(st);
    return rc;
}

int store_audit_insert(store_conn *c, store_audit_row *r)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "INSERT INTO audit_log(at, user_id, agency_id, source, action, object_type, "
                            "object_id, fields, ref_digest, key_id, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, r->at);
    sql_bind_text_or_null(st, 2, r->user_id);
    sql_bind_text_or_null(st, 3, r->agency_id);
    sql_bind_texts(st, 4, 8, r->source, r->action, r->object_type, r->object_id, r->fields,
                   r->ref_digest, r->key_id, r->hash);
    rc = sql_exec_done(c, st, "audit_insert");
    if (rc == STORE_OK)
        r->seq = sqlite3_last_insert_rowid(c->db);
    return rc;
}

int store_audit_each(store_conn *c, const store_audit_filter *f, int desc,
                     int (*fn)(void *ctx, const store_audit_row *r), void *ctx)
{
    sqlite3_stmt *st;
    /* Optional filters as "(? IS NULL OR col = ?)": one fixed statement. */
    const char *asc_sql = "SELECT " AUDIT_COLS " FROM audit_log WHERE seq > ? "
                          "AND (?2 IS NULL OR user_id = ?2) AND (?3 IS NULL OR object_type = ?3) "
                          "AND (?4 IS NULL OR object_id = ?4) AND (?5 IS NULL OR at >= ?5) "
                          "AND (?6 IS NULL OR at < ?6) ORDER BY seq ASC LIMIT ?7";
    const char *desc_sql = "SELECT " AUDIT_COLS " FROM audit_log WHERE seq > ? "
                           "AND (?2 IS NULL OR user_id = ?2) AND (?3 IS NULL OR object_type = ?3) "
                           "AND (?4 IS NULL OR object_id = ?4) AND (?5 IS NULL OR at >= ?5) "
                           "AND (?6 IS NULL OR at < ?6) ORDER BY seq DESC LIMIT ?7";
    int rc = sql_prepare(c, desc ? desc_sql : asc_sql, &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, f ? f->after_seq : 0);
    sql_bind_text_or_null(st, 2, f ? f->user_id : NULL);
    sql_bind_text_or_null(st, 3, f ? f->object_type : NULL);
    sql_bind_text_or_null(st, 4, f ? f->object_id : NULL);
    sql_bind_text_or_null(st, 5, f ? f->from : NULL);
    sql_bind_text_or_null(st, 6, f ? f->to : NULL);
    sqlite3_bind_int64(st, 7, f && f->limit > 0 ? f->limit : -1);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_audit_row r;
        audit_row(st, &r);
        if (fn(ctx, &r))
            break;
    }
    rc = (s == SQLITE_ROW || s == SQLITE_DONE) ? STORE_OK : sql_rc(c->db, s, "audit_each");
    sqlite3_finalize(st);
    return rc;
}

int store_audit_reseal(store_conn *c, long long seq, const char *key_id, const char *hash)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "UPDATE audit_log SET key_id = ?, hash = ? WHERE seq = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, key_id, hash);
    sqlite3_bind_int64(st, 3, seq);
    return sql_exec_changed(c, st, "audit_reseal");
}

int store_audit_rekey_flag(store_conn *c, int on)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "UPDATE audit_rekey SET active = ?", &st);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, on ? 1 : 0);
    return sql_exec_done(c, st, "audit_rekey_flag");
}

/* --- drafts --- */

int store_draft_put(store_conn *c, const char *user_id, const char *form_key, const char *body_enc)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "INSERT INTO drafts(user_id, form_key, body, updated_at) VALUES (?,?,?,?) "
                            "ON CONFLICT(user_id, form_key) DO UPDATE SET body = excluded.body, "
                            "updated_at = excluded.updated_at", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 4, user_id, form_key, body_enc, now);
    return sql_exec_done(c, st, "draft_put");
}

int store_draft_get(store_conn *c, const char *user_id, const char *form_key, char **body_enc)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT body FROM drafts WHERE user_id = ? AND form_key = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, user_id, form_key);
    int s = sqlite3_step(st);
    *body_enc = NULL;
    if (s == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        *body_enc = strdup(t ? (const char *)t : "");
        rc = *body_enc ? STORE_OK : STORE_ERR;
    } else {
        rc = s == SQLITE_DONE ? STORE_NOTFOUND : sql_rc(c->db, s, "draft_get");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_draft_delete(store_conn *c, const char *user_id, const char *form_key)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "DELETE FROM drafts WHERE user_id = ? AND form_key = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, user_id, form_key);
    return sql_exec_done(c, st, "draft_delete");
}
