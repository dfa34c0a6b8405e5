/*
 * retention.h - the end of a closed situation's life: once its territory's
 * retention period (territories.retention_months) has passed since it was
 * closed, everything personal about it is deleted, anonymous counts are kept
 * in retained_stats, and audit rows naming it are tombstoned (the chain still
 * verifies: each row's seal covers a digest of the original reference).
 */
#ifndef FILET_RETENTION_H
#define FILET_RETENTION_H

#include "store/store.h"

/* The tables a purge touches, in deletion order; counts[] below follow it. */
#define RETENTION_TABLES 17
extern const char *const retention_table_names[RETENTION_TABLES];

/* Calls fn for every closed situation whose closed_at plus its territory's
 * retention period is before now (RFC 3339 UTC), oldest first; fn returns
 * non-zero to stop. */
int store_retention_due(store_conn *c, const char *now,
                        int (*fn)(void *ctx, const char *sid, const char *closed_at), void *ctx);
/* Rows a purge of sid would delete (or tombstone), per table. */
int store_retention_counts(store_conn *c, const char *sid, long long counts[RETENTION_TABLES]);
/* Inside a write transaction: counts the situation into retained_stats,
 * deletes every personal row about it (and the situation itself), and
 * tombstones the audit rows referring to it or its rows. */
int store_retention_purge(store_conn *c, const char *sid);
/* Outside any transaction: rebuilds the file and empties the write-ahead
 * log, so deleted content is not left in free pages. */
int store_retention_compact(store_conn *c);

#endif
