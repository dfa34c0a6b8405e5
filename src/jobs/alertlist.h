/*
 * alertlist.h - the alerts one user is told about, as GET /api/v1/alerts,
 * the /alerts page and the e-mail digest all list them: one rule, here.
 *
 * Coordinators of a territory get its stored alerts (known_elsewhere,
 * repeat, lowering_to_approve, excluded_attempt) and every computed one
 * (action_overdue, protective_order_expiring, perpetrator_release,
 * review_due, urgent_waiting); anyone else gets the computed alerts about
 * what their agency owns or shared, of the situations the policy lets them
 * see. No personal data: ids, kinds, dates - and a perpetrator's release
 * date only to whoever may read its item (policy_item_visible).
 */
#ifndef FILET_JOBS_ALERTLIST_H
#define FILET_JOBS_ALERTLIST_H

#include "core/policy.h"
#include "lib/arena.h"
#include "store/store.h"

typedef struct alert_item {
    const char *id;           /* stable id: the dedupe key, or "release:<item id>" */
    const char *kind;
    const char *situation_id;
    const char *since;        /* a date or time; NULL when the caller may not know it */
} alert_item;

/* Calls fn for each alert of who at today (YYYY-MM-DD) / now (RFC 3339);
 * fn returns non-zero to stop. Strings live in arena a. The caller holds a
 * read (or write) transaction on c. */
int alerts_for_actor(store_conn *c, arena *a, const actor *who, const char *today, const char *now,
                     int (*fn)(void *ctx, const alert_item *al), void *ctx);

#endif
