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
} store_user;

int store_territory_add(store_conn *c, const char *name, const char *timezone, char *id_out);
int store_agency_add(store_conn *c, const char *territory_id, const char *name,
                     const char *sector, char *id_out);
int store_user_add(store_conn *c, const store_user *u, char *id_out);
int store_user_by_username(store_conn *c, const char *username, store_user *out);

/* Calls fn for every agency (name order); fn returns non-zero to stop. */
int store_agencies_each(store_conn *c, int (*fn)(void *ctx, const store_agency *a), void *ctx);

#endif
