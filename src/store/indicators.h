/*
 * indicators.h - the counting SQL behind a territory's indicators (issue 7).
 *
 * Counts only: no statement here reads a name, an address or any
 * encrypted column; the only per-situation values that leave the store are
 * durations (minutes) and the triage route, which the percentiles need.
 * Aggregation, percentiles and the suppression of small counts are pure
 * rules in core/indicators.c.
 *
 * A period is [from, to_excl) as RFC 3339 prefixes ("2026-01-01",
 * "2027-01-01"), compared with the UTC times stored. territory_id NULL
 * counts every territory.
 */
#ifndef FILET_STORE_INDICATORS_H
#define FILET_STORE_INDICATORS_H

#include "store/store.h"

typedef struct store_ind_period {
    const char *territory_id; /* NULL: all territories */
    const char *from;         /* inclusive, "YYYY-MM-DD" */
    const char *to_excl;      /* exclusive, "YYYY-MM-DD" */
    const char *now;          /* RFC 3339 UTC: meetings started by then were held */
} store_ind_period;

/* Calls fn(ctx, table, key, n) for every counted cell of every table (see
 * store/indicators.c for the tables and their keys); fn returns non-zero
 * to stop. Cells with no row are not reported (the caller lists the keys). */
typedef int (*store_ind_count_fn)(void *ctx, const char *table, const char *key, long n);
int store_indicators_counts(store_conn *c, const store_ind_period *p, store_ind_count_fn fn, void *ctx);

/* One situation referred in the period: minutes from referral to triage
 * and to its first meeting held (-1 when none yet), and the territory's
 * target in hours for its route (0: no target). */
typedef struct store_ind_delay {
    long triage_minutes;
    long meeting_minutes;
    long target_hours;
} store_ind_delay;
int store_indicators_delays(store_conn *c, const store_ind_period *p,
                            int (*fn)(void *ctx, const store_ind_delay *d), void *ctx);

/* The adult female population of the territory, or the sum over all
 * territories when territory_id is NULL; 0 when it (or any one of them)
 * is not set. */
int store_indicators_adult_women(store_conn *c, const char *territory_id, long long *out);

#endif
