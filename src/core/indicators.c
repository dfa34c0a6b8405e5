/*
 * indicators.c - percentiles, rates and the suppression of small counts;
 * see indicators.h.
 */
#include "core/indicators.h"

#include <stdio.h>
#include <stdlib.h>

int ind_small(long n)
{
    return n >= 1 && n < IND_MIN_SHOWN;
}

void ind_suppress(ind_table *t)
{
    size_t nsupp = 0;
    if (!t)
        return;
    t->total = 0;
    for (size_t i = 0; i < t->ncells; i++) {
        t->total += t->cells[i].n;
        t->cells[i].suppressed = ind_small(t->cells[i].n);
        nsupp += t->cells[i].suppressed;
    }
    t->total_suppressed = t->has_total && ind_small(t->total);
    if (!t->has_total || t->total_suppressed || nsupp != 1)
        return;
    /* One hidden cell = total - the others: hide a second one, the
     * smallest non-zero left, or else the total. */
    size_t pick = t->ncells;
    for (size_t i = 0; i < t->ncells; i++)
        if (!t->cells[i].suppressed && t->cells[i].n > 0 && (pick == t->ncells || t->cells[i].n < t->cells[pick].n))
            pick = i;
    if (pick < t->ncells)
        t->cells[pick].suppressed = 1;
    else
        t->total_suppressed = 1;
}

size_t ind_suppressed_count(const ind_table *t)
{
    size_t n = 0;
    for (size_t i = 0; t && i < t->ncells; i++)
        n += t->cells[i].suppressed != 0;
    return n;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

int ind_percentile(long *v, size_t n, int p, long *out)
{
    if (!v || n == 0 || p < 1 || p > 100 || !out)
        return -1;
    qsort(v, n, sizeof(*v), cmp_long);
    size_t rank = ((size_t)p * n + 99) / 100; /* ceil(p * n / 100) */
    if (rank < 1)
        rank = 1;
    *out = v[rank - 1];
    return 0;
}

void ind_durations_summarise(long *minutes, size_t n, ind_durations *out)
{
    out->n = n;
    out->has_values = n > 0;
    out->median = out->p90 = 0;
    out->suppressed = ind_small((long)n);
    if (n) {
        ind_percentile(minutes, n, 50, &out->median);
        ind_percentile(minutes, n, 90, &out->p90);
    }
}

long ind_percent_tenths(long num, int num_suppressed, long den, int den_suppressed)
{
    if (den <= 0 || num < 0 || num_suppressed || den_suppressed)
        return -1;
    return (long)((num * 2000LL + den) / (2LL * den));
}

long ind_per_10000_tenths(long count, int count_suppressed, long long population, long days)
{
    if (population <= 0 || count < 0 || count_suppressed || days < 0)
        return -1;
    long double v = (long double)count * 100000.0L / (long double)population;
    if (days > 0)
        v = v * 365.0L / (long double)days;
    return (long)(v + 0.5L);
}

const char *ind_format_count(long n, int suppressed, char *out, size_t outlen)
{
    if (suppressed)
        snprintf(out, outlen, "%s", IND_SUPPRESSED_TEXT);
    else
        snprintf(out, outlen, "%ld", n);
    return out;
}

const char *ind_format_tenths(long tenths, char sep, char *out, size_t outlen)
{
    long a = tenths < 0 ? -tenths : tenths;
    snprintf(out, outlen, "%s%ld%c%ld", tenths < 0 ? "-" : "", a / 10, sep, a % 10);
    return out;
}
