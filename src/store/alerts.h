/*
 * alerts.h - the computed alerts: action overdue, protective order
 * expiring, perpetrator released within 14 days, review date reached, urgent referral not on a meeting within
 * the territory's target. One query computes them (for the API, which
 * filters them per caller, and for `filet alerts run`, which stores them
 * once each under a dedupe key). No personal data: ids, kinds, dates.
 */
#ifndef FILET_STORE_ALERTS_H
#define FILET_STORE_ALERTS_H

#include "store/store.h"

typedef struct store_computed_alert {
    char kind[32];
    char key[128];                        /* stable: the dedupe key */
    char situation_id[STORE_ID_LEN + 1];
    char agency_id[STORE_ID_LEN + 1];     /* also told: owner or sharing agency; "" = coordinators only */
    char since[32];
    char territory_id[STORE_ID_LEN + 1];
} store_computed_alert;

/* Every alert due at today (YYYY-MM-DD) / now (RFC 3339 UTC), of one
 * territory, or of all when territory_id is NULL. */
int store_alerts_computed_each(store_conn *c, const char *territory_id, const char *today, const char *now,
                               int (*fn)(void *ctx, const store_computed_alert *al), void *ctx);

/* Stores the computed alerts not yet stored (dedupe keys): *added gets how
 * many were new. The caller holds the write transaction. */
int store_alerts_run(store_conn *c, const char *today, const char *now, int *added);

/* Sets the situation's review date (NULL clears it) if version matches and
 * it is not closed (STORE_CONFLICT otherwise). */
int store_situation_review_set(store_conn *c, const char *id, long long version, const char *review_on);
/* The review date, NULL when none. */
int store_situation_review_get(store_conn *c, const char *id, char out[11]);

#endif
