/*
 * indicators.h - pure aggregation for a territory's indicators (issue 7):
 * percentiles, rates and the suppression of small counts. No I/O, no SQL:
 * the store counts (store/indicators.c), this decides what is published.
 *
 * SMALL COUNTS. In exported figures (page, CSV, report) any count from 1
 * to IND_MIN_SHOWN - 1 is shown as "<5", so that no one can be
 * re-identified from a figure; 0 is shown as 0. When a table's cells
 * partition a total that is shown, one suppressed cell could be recovered
 * by subtraction, so a second cell is suppressed too (secondary
 * suppression: the smallest non-zero cell left; the total itself when
 * there is none). A figure derived from a suppressed count (a
 * percentage, a rate, a median of fewer than five durations) is suppressed
 * as well.
 *
 * PERCENTILES. Nearest-rank: the p-th percentile of n sorted values is the
 * value of rank ceil(p * n / 100) (1-based); none for n == 0. So the
 * median of 2 values is the smaller, and the 90th percentile of 10 values
 * is the 9th.
 */
#ifndef FILET_CORE_INDICATORS_H
#define FILET_CORE_INDICATORS_H

#include <stddef.h>

#define IND_MIN_SHOWN 5
#define IND_SUPPRESSED_TEXT "<5"

/* 1 if n must be suppressed on its own (1..IND_MIN_SHOWN-1). */
int ind_small(long n);

typedef struct ind_cell {
    const char *key;
    long n;
    int suppressed; /* set by ind_suppress */
} ind_cell;

typedef struct ind_table {
    const char *id;
    ind_cell *cells;
    size_t ncells;
    int has_total;        /* the cells partition a total that is published */
    long total;           /* set by ind_suppress when has_total: the sum of the cells */
    int total_suppressed; /* set by ind_suppress */
} ind_table;

/* Computes the total and marks the suppressed cells: primary (small
 * counts), then secondary (see above). Idempotent. */
void ind_suppress(ind_table *t);
/* Number of suppressed cells (the total not counted). */
size_t ind_suppressed_count(const ind_table *t);

/* Sorts v (n values) in place and writes its p-th percentile (1..100,
 * nearest rank) to *out. 0, or -1 when n == 0 or p is out of range. */
int ind_percentile(long *v, size_t n, int p, long *out);

/* Durations (minutes) of one measure: count, median and 90th percentile;
 * suppressed when n is small (the median of 1-4 values names a case). */
typedef struct ind_durations {
    size_t n;
    int has_values;  /* n > 0 */
    long median, p90;
    int suppressed;
} ind_durations;
void ind_durations_summarise(long *minutes, size_t n, ind_durations *out);

/* num / den in tenths of a percent, rounded half up (333 for 1/3); -1 when
 * den is 0 or either count is suppressed. */
long ind_percent_tenths(long num, int num_suppressed, long den, int den_suppressed);

/* Rate per 10,000 of population, in tenths, rounded half up; annualised
 * over days when days > 0 (a period of days scaled to 365 days). -1 when
 * population or days is not positive, or count is suppressed. */
long ind_per_10000_tenths(long count, int count_suppressed, long long population, long days);

/* A published count: "<5" when suppressed, else the number. */
const char *ind_format_count(long n, int suppressed, char *out, size_t outlen);
/* Tenths as text with one decimal ("33.3", "0.5"); sep is the decimal
 * separator ('.' or ','). */
const char *ind_format_tenths(long tenths, char sep, char *out, size_t outlen);

#endif
