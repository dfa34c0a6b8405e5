/*
 * store.h - the storage interface. SQLite today; every SQL statement of the
 * program lives under src/store/ so a PostgreSQL backend can follow without
 * touching the layers above.
 *
 * Concurrency: a store owns a small pool of connections. A request acquires
 * one, reads inside a single read transaction (store_read_begin/end) and
 * writes in short write transactions (store_write_begin/commit). Connections
 * are never shared between threads at the same time.
 *
 * Errors: functions return 0 on success or a negative STORE_E* code.
 */
#ifndef FILET_STORE_H
#define FILET_STORE_H

#include <stddef.h>

enum {
    STORE_OK = 0,
    STORE_ERR = -1,      /* unexpected database error (logged) */
    STORE_NOTFOUND = -2,
    STORE_CONFLICT = -3, /* unique constraint or stale version */
    STORE_BUSY = -4,     /* pool exhausted or database locked past busy_timeout */
    STORE_TOONEW = -5,   /* database schema newer than this binary */
    STORE_NOTFILET = -6, /* not a filet database */
};

typedef struct store store;
typedef struct store_conn store_conn;

/* Opens (creating if create != 0) the database at path with a pool of
 * pool_size connections: WAL, foreign keys, busy_timeout. Does not migrate. */
int store_open(const char *path, int create, int pool_size, store **out,
               char *err, size_t errlen);
void store_close(store *s);
const char *store_path(const store *s);

/* Schema: the version in the file and the newest this binary knows. */
int store_schema_version(store *s, int *current, int *latest);
/* Applies pending migrations, each in its own transaction. STORE_TOONEW if
 * the file is newer than the binary, STORE_NOTFILET if it is someone else's. */
int store_migrate(store *s, int *version, char *err, size_t errlen);

store_conn *store_acquire(store *s);
void store_release(store *s, store_conn *c);

int store_read_begin(store_conn *c);
void store_read_end(store_conn *c);
int store_write_begin(store_conn *c);
int store_write_commit(store_conn *c);
void store_write_rollback(store_conn *c);

/* A cheap query proving the database answers (for /healthz). */
int store_ping(store_conn *c);

/* Online, consistent copy of the live database into to_path (SQLite backup
 * API); safe while serve runs. Refuses to overwrite an existing file. */
int store_backup(const char *db_path, const char *to_path, char *err, size_t errlen);
/* Checks from_path (integrity, filet database, schema not newer than the
 * binary) and copies it to db_path; refuses to overwrite unless force. */
int store_restore(const char *from_path, const char *db_path, int force,
                  char *err, size_t errlen);

/* --- territories, agencies, users (ids are opaque random strings) --- */

#define STORE_ID_LEN 26 /* 128-bit random, base32, NUL not counted */

typedef struct store_territory {
    char id[STORE_ID_LEN + 1];
    char name[256];
    char timezone[64];
} store_territory;

typedef struct store_agency {
    char id[STORE_ID_LEN + 1];
    char territory_id[STORE_ID_LEN + 1];
    char name[256];
    char sector[32];
} store_agency;

typedef struct store_user {
    char id[STORE_ID_LEN + 1];
    char username[128];
    char display_name[256];
    char agency_id[STORE_ID_LEN + 1];
    char role[32];
    char lang[8];
    char password_hash[256];
    int active;
    char totp_secret_enc[256]; /* fieldcrypt text, or "" */
    int totp_confirmed;
    long long totp_last_step;
    char email[256];           /* for the daily digest of alerts; "" = none */
} store_user;

int store_territory_add(store_conn *c, const char *name, const char *timezone, char *id_out);
int store_agency_add(store_conn *c, const char *territory_id, const char *name,
                     const char *sector, char *id_out);
int store_user_add(store_conn *c, const store_user *u, char *id_out);
int store_user_by_username(store_conn *c, const char *username, store_user *out);

/* Calls fn for every agency (name order); fn returns non-zero to stop. */
int store_agencies_each(store_conn *c, int (*fn)(void *ctx, const store_agency *a), void *ctx);
int store_territories_each(store_conn *c, int (*fn)(void *ctx, const store_territory *t), void *ctx);
int store_territory_by_id(store_conn *c, const char *id, store_territory *out);
int store_agency_by_id(store_conn *c, const char *id, store_agency *out);

/* --- identity (identity.c) --- */

int store_user_by_id(store_conn *c, const char *id, store_user *out);
int store_users_each(store_conn *c, int (*fn)(void *ctx, const store_user *u), void *ctx);
int store_user_set_password(store_conn *c, const char *id, const char *hash);
int store_user_set_active(store_conn *c, const char *id, int active);
int store_user_set_lang(store_conn *c, const char *id, const char *lang);
/* Sets (or, with NULL or "", clears) the user's e-mail address. */
int store_user_set_email(store_conn *c, const char *id, const char *email);
/* New (unconfirmed) second-factor secret; the replay guard restarts. */
int store_user_set_totp(store_conn *c, const char *id, const char *secret_enc);
/* Records step as used, only if it is newer than the last used step:
 * STORE_CONFLICT when the code was already used (replay, ASVS 2.8.4). */
int store_user_use_totp_step(store_conn *c, const char *id, long long step, int confirm);

typedef struct store_session {
    char id[STORE_ID_LEN + 1];
    char token_hash[65];
    char user_id[STORE_ID_LEN + 1];
    char csrf[64];
    char kind[8];  /* browser, api */
    char stage[8]; /* full, enrol */
    long long created_at, last_seen, expires_at;
    char source[64];
    char user_agent[128];
} store_session;

int store_session_add(store_conn *c, const store_session *s);
int store_session_by_hash(store_conn *c, const char *token_hash, store_session *out);
int store_session_touch(store_conn *c, const char *id, long long now);
int store_session_set_stage(store_conn *c, const char *id, const char *stage);
int store_session_delete(store_conn *c, const char *id, const char *user_id);
int store_session_delete_user(store_conn *c, const char *user_id);
int store_sessions_of_user_each(store_conn *c, const char *user_id,
                                int (*fn)(void *ctx, const store_session *s), void *ctx);
int store_sessions_purge_expired(store_conn *c, long long now, long long idle_seconds);

/* Sign-in throttling (ASVS 2.2.1). */
int store_throttle_get(store_conn *c, const char *key, long *failures, long long *blocked_until);
int store_throttle_set(store_conn *c, const char *key, long failures, long long now,
                       long long blocked_until);
int store_throttle_clear(store_conn *c, const char *key);

/* Audit trail rows (the chain itself is computed in sec/audit.c). */
typedef struct store_audit_row {
    long long seq;
    char at[32];
    char user_id[STORE_ID_LEN + 1];
    char agency_id[STORE_ID_LEN + 1];
    char source[64];
    char action[32];
    char object_type[32];
    char object_id[64];
    char fields[512];
    char ref_digest[65];
    char key_id[16];
    char hash[65];
} store_audit_row;

typedef struct store_audit_filter {
    const char *user_id;     /* NULL: any */
    const char *object_type; /* NULL: any */
    const char *object_id;
    const char *from;        /* RFC 3339 or date, inclusive; NULL: open */
    const char *to;          /* exclusive */
    long long after_seq;     /* rows with seq > after_seq */
    long limit;              /* 0: no limit */
} store_audit_filter;

/* Hash of the newest row ("" when the log is empty). */
int store_audit_last_hash(store_conn *c, char hash[65]);
/* Inserts r (seq assigned); call inside the write transaction of the change
 * it records: no change without its record. */
int store_audit_insert(store_conn *c, store_audit_row *r);
/* Rows in seq order (newest first if desc). */
int store_audit_each(store_conn *c, const store_audit_filter *f, int desc,
                     int (*fn)(void *ctx, const store_audit_row *r), void *ctx);
int store_audit_reseal(store_conn *c, long long seq, const char *key_id, const char *hash);
int store_audit_rekey_flag(store_conn *c, int on);

/* Drafts of forms, one per user and form key; body is stored encrypted. */
int store_draft_put(store_conn *c, const char *user_id, const char *form_key, const char *body_enc);
int store_draft_get(store_conn *c, const char *user_id, const char *form_key, char **body_enc);
int store_draft_delete(store_conn *c, const char *user_id, const char *form_key);

#endif
