/*
 * sqlutil.h - small helpers shared by the store's files (internal to
 * src/store; nothing above the store sees SQLite).
 */
#ifndef FILET_SQLUTIL_H
#define FILET_SQLUTIL_H

#include <sqlite3.h>
#include <stddef.h>

#include "lib/arena.h"
#include "store/store.h"

struct store_conn {
    sqlite3 *db;
    int in_txn;
};

/* Maps an SQLite result code to a STORE_* code, logging unexpected ones. */
int sql_rc(sqlite3 *db, int rc, const char *what);
int sql_prepare(store_conn *c, const char *sql, sqlite3_stmt **st);
/* Binds the NULL-terminated list of texts to parameters 1..n; a NULL text
 * is written SQL NULL only through sql_bind_text_or_null. */
void sql_bind_texts(sqlite3_stmt *st, int first, int n, ...);
void sql_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);
/* Steps a statement that returns no row and finalises it. */
int sql_exec_done(store_conn *c, sqlite3_stmt *st, const char *what);
/* Like sql_exec_done, but STORE_NOTFOUND when no row changed. */
int sql_exec_changed(store_conn *c, sqlite3_stmt *st, const char *what);
void sql_col(sqlite3_stmt *st, int col, char *dst, size_t n);
/* Column text copied into the arena, or NULL for SQL NULL. */
const char *sql_col_a(arena *a, sqlite3_stmt *st, int col);
/* Ends a row loop whose last step returned s: finalises, maps the code. */
int sql_each_done(store_conn *c, sqlite3_stmt *st, int s, const char *what);

#endif
