/*
 * test_indicators.c - unit tests for src/core/indicators.c: nearest-rank
 * percentiles (n = 0, 1, 2, 10 and unsorted input), the suppression of
 * small counts (primary, secondary, the total, tables without a total),
 * derived figures from suppressed counts, rates per 10,000 and the text of
 * published figures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/indicators.h"

static void test_small(void **state)
{
    (void)state;
    assert_false(ind_small(0));
    for (long n = 1; n <= 4; n++)
        assert_true(ind_small(n));
    assert_false(ind_small(5));
    assert_false(ind_small(120));
}

static void test_percentile_edges(void **state)
{
    (void)state;
    long out = 42, v1[] = {7}, v2[] = {30, 10};
    assert_int_equal(ind_percentile(NULL, 0, 50, &out), -1);
    assert_int_equal(out, 42);
    long none[1] = {0};
    assert_int_equal(ind_percentile(none, 0, 50, &out), -1);
    assert_int_equal(ind_percentile(v1, 1, 50, &out), 0);
    assert_int_equal(out, 7);
    assert_int_equal(ind_percentile(v1, 1, 90, &out), 0);
    assert_int_equal(out, 7);
    /* n = 2: the median is the smaller (rank ceil(1) = 1), P90 the larger (rank ceil(1.8) = 2). */
    assert_int_equal(ind_percentile(v2, 2, 50, &out), 0);
    assert_int_equal(out, 10);
    assert_int_equal(ind_percentile(v2, 2, 90, &out), 0);
    assert_int_equal(out, 30);
    assert_int_equal(ind_percentile(v2, 2, 0, &out), -1);
    assert_int_equal(ind_percentile(v2, 2, 101, &out), -1);
}

static void test_percentile_ten(void **state)
{
    (void)state;
    /* 10 values, unsorted: median rank 5 (value 50), P90 rank 9 (90), P100 the largest. */
    long v[] = {100, 20, 90, 10, 60, 30, 80, 50, 40, 70}, out = 0;
    assert_int_equal(ind_percentile(v, 10, 50, &out), 0);
    assert_int_equal(out, 50);
    assert_int_equal(ind_percentile(v, 10, 90, &out), 0);
    assert_int_equal(out, 90);
    assert_int_equal(ind_percentile(v, 10, 100, &out), 0);
    assert_int_equal(out, 100);
    assert_int_equal(ind_percentile(v, 10, 1, &out), 0);
    assert_int_equal(out, 10);
    /* 11 values: P90 rank ceil(9.9) = 10. */
    long w[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    assert_int_equal(ind_percentile(w, 11, 90, &out), 0);
    assert_int_equal(out, 10);
    assert_int_equal(ind_percentile(w, 11, 50, &out), 0);
    assert_int_equal(out, 6);
}

static void test_durations(void **state)
{
    (void)state;
    ind_durations d;
    long v[] = {60, 120, 180};
    ind_durations_summarise(v, 3, &d);
    assert_int_equal(d.n, 3);
    assert_int_equal(d.median, 120);
    assert_int_equal(d.p90, 180);
    assert_true(d.suppressed);
    long w[] = {5, 1, 4, 2, 3};
    ind_durations_summarise(w, 5, &d);
    assert_false(d.suppressed);
    assert_int_equal(d.median, 3);
    assert_int_equal(d.p90, 5);
    ind_durations_summarise(NULL, 0, &d);
    assert_false(d.has_values);
    assert_false(d.suppressed);
}

static void test_primary(void **state)
{
    (void)state;
    ind_cell c[] = {{"a", 0, 0}, {"b", 1, 0}, {"c", 4, 0}, {"d", 5, 0}, {"e", 30, 0}};
    ind_table t = {"t", c, 5, 0, 0, 0};
    ind_suppress(&t);
    assert_false(c[0].suppressed); /* 0 is shown */
    assert_true(c[1].suppressed);
    assert_true(c[2].suppressed);
    assert_false(c[3].suppressed);
    assert_false(c[4].suppressed);
    assert_int_equal(t.total, 40);
    assert_false(t.total_suppressed);
    assert_int_equal(ind_suppressed_count(&t), 2);
}

static void test_secondary(void **state)
{
    (void)state;
    /* One small cell with a published total: the next smallest non-zero goes too. */
    ind_cell c[] = {{"a", 12, 0}, {"b", 0, 0}, {"c", 3, 0}, {"d", 7, 0}, {"e", 9, 0}};
    ind_table t = {"t", c, 5, 1, 0, 0};
    ind_suppress(&t);
    assert_int_equal(t.total, 31);
    assert_false(t.total_suppressed);
    assert_true(c[2].suppressed);
    assert_true(c[3].suppressed); /* 7, the smallest non-zero left */
    assert_false(c[0].suppressed);
    assert_false(c[1].suppressed); /* a zero hides nothing */
    assert_false(c[4].suppressed);
    /* Two small cells already: nothing more. */
    ind_cell c2[] = {{"a", 2, 0}, {"b", 1, 0}, {"c", 20, 0}};
    ind_table t2 = {"t", c2, 3, 1, 0, 0};
    ind_suppress(&t2);
    assert_int_equal(ind_suppressed_count(&t2), 2);
    assert_false(c2[2].suppressed);
    /* Without a total, no secondary suppression. */
    ind_cell c3[] = {{"a", 2, 0}, {"b", 20, 0}};
    ind_table t3 = {"t", c3, 2, 0, 0, 0};
    ind_suppress(&t3);
    assert_int_equal(ind_suppressed_count(&t3), 1);
    /* The only non-zero cell is small: the total is small too. */
    ind_cell c4[] = {{"a", 3, 0}, {"b", 0, 0}};
    ind_table t4 = {"t", c4, 2, 1, 0, 0};
    ind_suppress(&t4);
    assert_true(t4.total_suppressed);
    assert_true(c4[0].suppressed);
    assert_false(c4[1].suppressed);
}

static void test_secondary_total(void **state)
{
    (void)state;
    /* One small cell, every other cell zero but the total large enough?
     * Impossible; but one small cell and no other non-zero candidate once
     * the others are zero is the total case: 3 + 0 = 3 is small. With a
     * large single cell left, that cell is hidden, not the total. */
    ind_cell c[] = {{"a", 2, 0}, {"b", 40, 0}};
    ind_table t = {"t", c, 2, 1, 0, 0};
    ind_suppress(&t);
    assert_true(c[0].suppressed);
    assert_true(c[1].suppressed);
    assert_false(t.total_suppressed);
    assert_int_equal(t.total, 42);
    /* Idempotent. */
    ind_suppress(&t);
    assert_int_equal(ind_suppressed_count(&t), 2);
    /* Empty table. */
    ind_table e = {"e", NULL, 0, 1, 0, 0};
    ind_suppress(&e);
    assert_int_equal(e.total, 0);
    assert_false(e.total_suppressed);
}

static void test_derived(void **state)
{
    (void)state;
    assert_int_equal(ind_percent_tenths(1, 0, 3, 0), 333);
    assert_int_equal(ind_percent_tenths(2, 0, 3, 0), 667);
    assert_int_equal(ind_percent_tenths(5, 0, 5, 0), 1000);
    assert_int_equal(ind_percent_tenths(0, 0, 8, 0), 0);
    assert_int_equal(ind_percent_tenths(1, 0, 0, 0), -1);
    assert_int_equal(ind_percent_tenths(3, 1, 10, 0), -1); /* from a suppressed count */
    assert_int_equal(ind_percent_tenths(6, 0, 10, 1), -1);
    /* Per 10,000: 6 referrals for 12,000 women = 5.0; over 73 days annualised x5 = 25.0. */
    assert_int_equal(ind_per_10000_tenths(6, 0, 12000, 0), 50);
    assert_int_equal(ind_per_10000_tenths(6, 0, 12000, 73), 250);
    assert_int_equal(ind_per_10000_tenths(6, 0, 0, 365), -1);
    assert_int_equal(ind_per_10000_tenths(3, 1, 12000, 365), -1);
}

static void test_format(void **state)
{
    (void)state;
    char b[16];
    assert_string_equal(ind_format_count(3, 1, b, sizeof(b)), "<5");
    assert_string_equal(ind_format_count(12, 0, b, sizeof(b)), "12");
    assert_string_equal(ind_format_count(0, 0, b, sizeof(b)), "0");
    assert_string_equal(ind_format_tenths(333, '.', b, sizeof(b)), "33.3");
    assert_string_equal(ind_format_tenths(5, ',', b, sizeof(b)), "0,5");
    assert_string_equal(ind_format_tenths(1000, '.', b, sizeof(b)), "100.0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small),
        cmocka_unit_test(test_percentile_edges),
        cmocka_unit_test(test_percentile_ten),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_primary),
        cmocka_unit_test(test_secondary),
        cmocka_unit_test(test_secondary_total),
        cmocka_unit_test(test_derived),
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
