/*
 * digests.h - the daily e-mail digests sent: one row per user and day, so
 * that `filet digest run` (and the scheduler) send at most one a day.
 */
#ifndef FILET_STORE_DIGESTS_H
#define FILET_STORE_DIGESTS_H

#include "store/store.h"

/* *sent = 1 when user_id already had the digest of day (YYYY-MM-DD). */
int store_digest_sent(store_conn *c, const char *user_id, const char *day, int *sent);
/* Records the digest of day sent at sent_at (RFC 3339) with its number of
 * alerts; STORE_CONFLICT if that day's is recorded already. */
int store_digest_record(store_conn *c, const char *user_id, const char *day, const char *sent_at, int alerts);

/* Forgets the day's record (a send that failed: the next run retries). */
int store_digest_forget(store_conn *c, const char *user_id, const char *day);

#endif
