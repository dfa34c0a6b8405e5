/*
 * store.c - SQLite implementation of store.h: connection pool, pragmas,
 * migrations, transactions, backup and restore, and the first tables.
 *
 * Every statement binds its parameters; no SQL is built from strings.
 * Caveat: the pool is a fixed array guarded by a mutex; a request that finds
 * it empty waits up to 5 s on a condition variable, then gets STORE_BUSY.
 */
#include "store.h"
#include "store/sqlutil.h"

#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/id.h"
#include "lib/log.h"

/* "FILT": marks a database file as filet's (PRAGMA application_id). */
#define FILET_APP_ID 0x46494c54

struct embedded_file {
    const char *name;
    const char *data;
    size_t len;
};
extern const struct embedded_file store_migrations[];
extern const size_t store_migrations_count;


struct store {
    char *path;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int pool_size;
    store_conn *conns;
    int *free_idx; /* stack of free connection indexes */
    int nfree;
};

static int conn_open(const char *path, int create, sqlite3 **out, char *err, size_t errlen)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, flags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return STORE_ERR;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_extended_result_codes(db, 1);
    const char *pragmas = "PRAGMA journal_mode=WAL;"
                          "PRAGMA foreign_keys=ON;"
                          "PRAGMA synchronous=NORMAL;"
                          "PRAGMA secure_delete=ON;"
                          "PRAGMA trusted_schema=OFF;";
    char *msg = NULL;
    if (sqlite3_exec(db, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "cannot configure %s: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_close(db);
        return STORE_ERR;
    }
    /* Defence in depth: no ATTACH of other files, no extension loading. */
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    *out = db;
    return STORE_OK;
}

int store_open(const char *path, int create, int pool_size, store **out, char *err, size_t errlen)
{
    int rc = STORE_ERR;
    if (!create && access(path, F_OK) != 0) {
        snprintf(err, errlen, "database %s does not exist (run filet init)", path);
        return STORE_NOTFOUND;
    }
    if (pool_size < 1)
        pool_size = 1;
    store *s = calloc(1, sizeof(*s));
    if (!s)
        goto oom;
    s->path = strdup(path);
    s->conns = calloc((size_t)pool_size, sizeof(*s->conns));
    s->free_idx = calloc((size_t)pool_size, sizeof(int));
    if (!s->path || !s->conns || !s->free_idx)
        goto oom;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->pool_size = pool_size;
    /* New database files are private to the service account. */
    mode_t old = umask(077);
    for (int i = 0; i < pool_size; i++) {
        rc = conn_open(path, create, &s->conns[i].db, err, errlen);
        if (rc != STORE_OK) {
            umask(old);
            s->pool_size = i;
            store_close(s);
            return rc;
        }
        s->free_idx[s->nfree++] = i;
    }
    umask(old);
    *out = s;
    return STORE_OK;
oom:
    snprintf(err, errlen, "out of memory");
    if (s) {
        free(s->path);
        free(s->conns);
        free(s->free_idx);
        free(s);
    }
    return STORE_ERR;
}

void store_close(store *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->pool_size; i++)
        sqlite3_close(s->conns[i].db);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s->conns);
    free(s->free_idx);
    free(s->path);
    free(s);
}

const char *store_path(const store *s)
{
    return s->path;
}

store_conn *store_acquire(store *s)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&s->mu);
    while (s->nfree == 0) {
        if (pthread_cond_timedwait(&s->cv, &s->mu, &until) == ETIMEDOUT) {
            pthread_mutex_unlock(&s->mu);
            log_warn("event=store_pool_exhausted");
            return NULL;
        }
    }
    store_conn *c = &s->conns[s->free_idx[--s->nfree]];
    pthread_mutex_unlock(&s->mu);
    return c;
}

void store_release(store *s, store_conn *c)
{
    if (!c)
        return;
    if (c->in_txn) {
        /* A handler that forgot to end its transaction must not leak it. */
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        c->in_txn = 0;
    }
    pthread_mutex_lock(&s->mu);
    s->free_idx[s->nfree++] = (int)(c - s->conns);
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

int sql_rc(sqlite3 *db, int rc, const char *what)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return STORE_OK;
    case SQLITE_CONSTRAINT:
        return STORE_CONFLICT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        log_warn("event=store_busy what=\"%.60s\"", what);
        return STORE_BUSY;
    default:
        log_error("event=store_error what=\"%.60s\" rc=%d msg=\"%s\"", what, rc, sqlite3_errmsg(db));
        return STORE_ERR;
    }
}

int sql_prepare(store_conn *c, const char *sql, sqlite3_stmt **st)
{
    return sql_rc(c->db, sqlite3_prepare_v2(c->db, sql, -1, st, NULL), sql);
}

void sql_bind_texts(sqlite3_stmt *st, int first, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        sqlite3_bind_text(st, first + i, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
    va_end(ap);
}

void sql_bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s && *s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

int sql_exec_done(store_conn *c, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    rc = sql_rc(c->db, rc == SQLITE_DONE ? SQLITE_OK : rc, what);
    sqlite3_finalize(st);
    return rc;
}

int sql_exec_changed(store_conn *c, sqlite3_stmt *st, const char *what)
{
    int rc = sql_exec_done(c, st, what);
    if (rc == STORE_OK && sqlite3_changes(c->db) == 0)
        return STORE_NOTFOUND;
    return rc;
}

const char *sql_col_a(arena *a, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? arena_strdup(a, (const char *)t) : NULL;
}

int sql_each_done(store_conn *c, sqlite3_stmt *st, int s, const char *what)
{
    int rc = (s == SQLITE_ROW || s == SQLITE_DONE) ? STORE_OK : sql_rc(c->db, s, what);
    sqlite3_finalize(st);
    return rc;
}

void sql_col(sqlite3_stmt *st, int col, char *dst, size_t n)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(dst, n, "%s", t ? (const char *)t : "");
}

static int exec_simple(store_conn *c, const char *sql)
{
    return sql_rc(c->db, sqlite3_exec(c->db, sql, NULL, NULL, NULL), sql);
}

int store_read_begin(store_conn *c)
{
    /* One deferred transaction: every read of the request sees one snapshot. */
    int rc = exec_simple(c, "BEGIN");
    if (rc == STORE_OK)
        c->in_txn = 1;
    return rc;
}

void store_read_end(store_conn *c)
{
    if (c->in_txn) {
        exec_simple(c, "COMMIT");
        c->in_txn = 0;
    }
}

int store_write_begin(store_conn *c)
{
    if (c->in_txn)
        store_read_end(c);
    int rc = exec_simple(c, "BEGIN IMMEDIATE");
    if (rc == STORE_OK)
        c->in_txn = 1;
    return rc;
}

int store_write_commit(store_conn *c)
{
    int rc = exec_simple(c, "COMMIT");
    if (rc != STORE_OK)
        exec_simple(c, "ROLLBACK");
    c->in_txn = 0;
    return rc;
}

void store_write_rollback(store_conn *c)
{
    if (c->in_txn)
        exec_simple(c, "ROLLBACK");
    c->in_txn = 0;
}

static int pragma_int(sqlite3 *db, const char *sql, int *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        *out = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    } else if (rc == SQLITE_OK) {
        rc = SQLITE_ERROR;
    }
    sqlite3_finalize(st);
    return sql_rc(db, rc, sql);
}

int store_schema_version(store *s, int *current, int *latest)
{
    *latest = (int)store_migrations_count;
    return pragma_int(s->conns[0].db, "PRAGMA user_version", current);
}

/* A file is filet's if it carries our application_id, or if it is empty
 * (a brand-new database that init is about to fill). */
static int check_is_filet(sqlite3 *db, char *err, size_t errlen)
{
    int app = 0, ntables = 0;
    if (pragma_int(db, "PRAGMA application_id", &app) != STORE_OK ||
        pragma_int(db, "SELECT count(*) FROM sqlite_schema", &ntables) != STORE_OK) {
        snprintf(err, errlen, "cannot read the database header (not an SQLite database?)");
        return STORE_NOTFILET;
    }
    if (app != FILET_APP_ID && !(app == 0 && ntables == 0)) {
        snprintf(err, errlen, "not a filet database");
        return STORE_NOTFILET;
    }
    return STORE_OK;
}

int store_migrate(store *s, int *version, char *err, size_t errlen)
{
    sqlite3 *db = s->conns[0].db;
    int cur = 0, rc = check_is_filet(db, err, errlen);
    if (rc != STORE_OK)
        return rc;
    if ((rc = pragma_int(db, "PRAGMA user_version", &cur)) != STORE_OK) {
        snprintf(err, errlen, "cannot read the schema version");
        return rc;
    }
    int latest = (int)store_migrations_count;
    if (cur > latest) {
        snprintf(err, errlen, "database schema %d is newer than this filet (knows %d): upgrade filet",
                 cur, latest);
        return STORE_TOONEW;
    }
    for (int v = cur; v < latest; v++) {
        const struct embedded_file *m = &store_migrations[v];
        char *msg = NULL;
        char set_version[64];
        snprintf(set_version, sizeof(set_version), "PRAGMA user_version=%d", v + 1);
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, m->data, NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, "PRAGMA application_id=1179208788", NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, set_version, NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
            snprintf(err, errlen, "migration %s failed: %s", m->name, msg ? msg : "?");
            sqlite3_free(msg);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return STORE_ERR;
        }
        log_info("event=migration_applied name=%s version=%d", m->name, v + 1);
    }
    *version = latest;
    return STORE_OK;
}

int store_ping(store_conn *c)
{
    int one = 0;
    return pragma_int(c->db, "SELECT 1", &one);
}

/* --- backup and restore --- */

static int copy_db(sqlite3 *from, sqlite3 *to, char *err, size_t errlen)
{
    sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
    if (!b) {
        snprintf(err, errlen, "backup failed: %s", sqlite3_errmsg(to));
        return STORE_ERR;
    }
    int rc;
    /* All pages in one step: one read snapshot, hence a consistent copy. */
    while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
        sqlite3_sleep(50);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "backup failed: %s", sqlite3_errstr(rc));
        return STORE_ERR;
    }
    return STORE_OK;
}

int store_backup(const char *db_path, const char *to_path, char *err, size_t errlen)
{
    sqlite3 *src = NULL, *dst = NULL;
    int rc = STORE_ERR;
    if (access(to_path, F_OK) == 0) {
        snprintf(err, errlen, "%s already exists: choose a new file name", to_path);
        return STORE_CONFLICT;
    }
    if ((rc = conn_open(db_path, 0, &src, err, errlen)) != STORE_OK)
        goto out;
    if ((rc = check_is_filet(src, err, errlen)) != STORE_OK)
        goto out;
    mode_t old = umask(077);
    rc = sqlite3_open_v2(to_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) == SQLITE_OK
             ? STORE_OK
             : STORE_ERR;
    umask(old);
    if (rc != STORE_OK) {
        snprintf(err, errlen, "cannot create %s", to_path);
        goto out;
    }
    rc = copy_db(src, dst, err, errlen);
    /* The copy is a single self-contained file, not WAL. */
    if (rc == STORE_OK)
        sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
out:
    sqlite3_close(src);
    sqlite3_close(dst);
    return rc;
}

int store_restore(const char *from_path, const char *db_path, int force, char *err, size_t errlen)
{
    sqlite3 *src = NULL, *dst = NULL;
    int rc = STORE_ERR, v = 0;
    if (!force && access(db_path, F_OK) == 0) {
        snprintf(err, errlen, "%s exists: stop filet and pass --force to replace it", db_path);
        return STORE_CONFLICT;
    }
    if (sqlite3_open_v2(from_path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s", from_path);
        goto out;
    }
    char *integrity = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(src, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        integrity = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    int ok = integrity && strcmp(integrity, "ok") == 0;
    free(integrity);
    if (!ok) {
        snprintf(err, errlen, "%s is damaged or not an SQLite database", from_path);
        goto out;
    }
    if ((rc = check_is_filet(src, err, errlen)) != STORE_OK)
        goto out;
    if ((rc = pragma_int(src, "PRAGMA user_version", &v)) != STORE_OK)
        goto out;
    if (v > (int)store_migrations_count) {
        snprintf(err, errlen, "backup schema %d is newer than this filet (knows %d)", v,
                 (int)store_migrations_count);
        rc = STORE_TOONEW;
        goto out;
    }
    if ((rc = conn_open(db_path, 1, &dst, err, errlen)) != STORE_OK)
        goto out;
    rc = copy_db(src, dst, err, errlen);
out:
    sqlite3_close(src);
    sqlite3_close(dst);
    return rc;
}

/* --- territories, agencies, users --- */

static void now_text(char *out, size_t n)
{
    time_rfc3339(clock_now(), out, n);
}




int store_territory_add(store_conn *c, const char *name, const char *timezone, char *id_out)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "INSERT INTO territories(id, name, timezone, created_at) VALUES (?,?,?,?)", &st);
    if (rc)
        return rc;
    id_new(id_out);
    now_text(now, sizeof(now));
    sqlite3_bind_text(st, 1, id_out, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, timezone ? timezone : "America/Montreal", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
    return sql_exec_done(c, st, "territory_add");
}

int store_agency_add(store_conn *c, const char *territory_id, const char *name,
                     const char *sector, char *id_out)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "INSERT INTO agencies(id, territory_id, name, sector, created_at) "
                        "VALUES (?,?,?,?,?)", &st);
    if (rc)
        return rc;
    id_new(id_out);
    now_text(now, sizeof(now));
    sqlite3_bind_text(st, 1, id_out, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, territory_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, sector, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_TRANSIENT);
    return sql_exec_done(c, st, "agency_add");
}

int store_user_add(store_conn *c, const store_user *u, char *id_out)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "INSERT INTO users(id, username, display_name, agency_id, role, lang, "
                        "password_hash, active, created_at, totp_secret_enc, email) VALUES (?,?,?,?,?,?,?,?,?,?,?)", &st);
    if (rc)
        return rc;
    id_new(id_out);
    now_text(now, sizeof(now));
    sqlite3_bind_text(st, 1, id_out, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, u->username, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, u->display_name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, u->agency_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, u->role, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, u->lang[0] ? u->lang : "fr", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, u->password_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 8, u->active);
    sqlite3_bind_text(st, 9, now, -1, SQLITE_TRANSIENT);
    sql_bind_text_or_null(st, 10, u->totp_secret_enc);
    sql_bind_text_or_null(st, 11, u->email[0] ? u->email : NULL);
    return sql_exec_done(c, st, "user_add");
}


int store_agencies_each(store_conn *c, int (*fn)(void *ctx, const store_agency *a), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT id, territory_id, name, sector FROM agencies ORDER BY name", &st);
    if (rc)
        return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_agency a;
        sql_col(st, 0, a.id, sizeof(a.id));
        sql_col(st, 1, a.territory_id, sizeof(a.territory_id));
        sql_col(st, 2, a.name, sizeof(a.name));
        sql_col(st, 3, a.sector, sizeof(a.sector));
        if (fn(ctx, &a))
            break;
    }
    rc = (s == SQLITE_ROW || s == SQLITE_DONE) ? STORE_OK : sql_rc(c->db, s, "agencies_each");
    sqlite3_finalize(st);
    return rc;
}

static int territory_row(sqlite3_stmt *st, store_territory *t)
{
    sql_col(st, 0, t->id, sizeof(t->id));
    sql_col(st, 1, t->name, sizeof(t->name));
    sql_col(st, 2, t->timezone, sizeof(t->timezone));
    return 0;
}

int store_territories_each(store_conn *c, int (*fn)(void *ctx, const store_territory *t), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT id, name, timezone FROM territories ORDER BY name", &st);
    if (rc)
        return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_territory t;
        territory_row(st, &t);
        if (fn(ctx, &t))
            break;
    }
    rc = (s == SQLITE_ROW || s == SQLITE_DONE) ? STORE_OK : sql_rc(c->db, s, "territories_each");
    sqlite3_finalize(st);
    return rc;
}

int store_territory_by_id(store_conn *c, const char *id, store_territory *out)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT id, name, timezone FROM territories WHERE id = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, id);
    int s = sqlite3_step(st);
    rc = s == SQLITE_ROW ? (territory_row(st, out), STORE_OK)
                         : s == SQLITE_DONE ? STORE_NOTFOUND : sql_rc(c->db, s, "territory_by_id");
    sqlite3_finalize(st);
    return rc;
}

int store_agency_by_id(store_conn *c, const char *id, store_agency *out)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT id, territory_id, name, sector FROM agencies WHERE id = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        sql_col(st, 0, out->id, sizeof(out->id));
        sql_col(st, 1, out->territory_id, sizeof(out->territory_id));
        sql_col(st, 2, out->name, sizeof(out->name));
        sql_col(st, 3, out->sector, sizeof(out->sector));
        rc = STORE_OK;
    } else {
        rc = s == SQLITE_DONE ? STORE_NOTFOUND : sql_rc(c->db, s, "agency_by_id");
    }
    sqlite3_finalize(st);
    return rc;
}
