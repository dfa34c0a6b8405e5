/*
 * test_dates.c - unit tests for src/core/dates.c: strict YYYY-MM-DD parsing
 * (leap years, malformed input), day numbers, whole months, the 12-month
 * repeat window with end-of-month clamping, "not in the future" and age.
 * Table-driven; a brute-force check ties the window to the month count.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/dates.h"

/* ---------------------------------------------------------------- parse */

struct parse_case {
    const char *s;
    int ok, y, m, d;
};

static const struct parse_case parse_cases[] = {
    {"2024-02-29", 1, 2024, 2, 29}, /* leap */
    {"2023-02-29", 0, 0, 0, 0},     /* common year */
    {"1900-02-29", 0, 0, 0, 0},     /* century, not /400 */
    {"2000-02-29", 1, 2000, 2, 29}, /* /400 */
    {"2100-02-29", 0, 0, 0, 0},
    {"2023-02-28", 1, 2023, 2, 28},
    {"1900-01-01", 1, 1900, 1, 1},  /* range bounds */
    {"2100-12-31", 1, 2100, 12, 31},
    {"1899-12-31", 0, 0, 0, 0},
    {"2101-01-01", 0, 0, 0, 0},
    {"2025-04-30", 1, 2025, 4, 30},
    {"2025-04-31", 0, 0, 0, 0},
    {"2025-12-31", 1, 2025, 12, 31},
    {"2025-01-32", 0, 0, 0, 0},
    {"2025-01-00", 0, 0, 0, 0},
    {"2025-00-10", 0, 0, 0, 0},
    {"2024-13-01", 0, 0, 0, 0},
    {"2024-1-01", 0, 0, 0, 0},
    {"2024-01-1", 0, 0, 0, 0},
    {"24-01-01", 0, 0, 0, 0},
    {"02024-01-01", 0, 0, 0, 0},
    {"2024-01-01 ", 0, 0, 0, 0},
    {"2024-01-01T00:00", 0, 0, 0, 0},
    {"2024-01-01x", 0, 0, 0, 0},
    {" 2024-01-01", 0, 0, 0, 0},
    {"2024/01/01", 0, 0, 0, 0},
    {"2024-01/01", 0, 0, 0, 0},
    {"20240101", 0, 0, 0, 0},
    {"2024--1-01", 0, 0, 0, 0},
    {"+024-01-01", 0, 0, 0, 0},
    {"2024-0a-01", 0, 0, 0, 0},
    {"2024-01-0\xC2", 0, 0, 0, 0},
    {"", 0, 0, 0, 0},
    {"2024", 0, 0, 0, 0},
    {"2024-01-", 0, 0, 0, 0},
};

static void test_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const struct parse_case *c = &parse_cases[i];
        int y = -7, m = -7, d = -7;
        int rc = date_parse(c->s, &y, &m, &d);
        if (c->ok) {
            if (rc != 0 || y != c->y || m != c->m || d != c->d)
                fail_msg("\"%s\": rc %d, %d-%d-%d", c->s, rc, y, m, d);
        } else if (rc != -1 || y != -7 || m != -7 || d != -7) {
            fail_msg("\"%s\" accepted or outputs touched (rc %d)", c->s, rc);
        }
    }
    assert_int_equal(date_parse(NULL, NULL, NULL, NULL), -1);
    assert_int_equal(date_parse("2024-02-29", NULL, NULL, NULL), 0);
    /* an embedded NUL ends the string: "2024-01-0" is short */
    assert_int_equal(date_parse("2024-01-0\0" "1", NULL, NULL, NULL), -1);
}

/* Every day of every month 1900-2100 against a simple leap-year count. */
static void test_parse_every_day(void **state)
{
    (void)state;
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    char s[40];
    long accepted = 0;
    for (int y = DATE_YEAR_MIN; y <= DATE_YEAR_MAX; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= 31; d++) {
                int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
                int want = d <= dim[m - 1] + (m == 2 && leap);
                snprintf(s, sizeof(s), "%04d-%02d-%02d", y, m, d);
                int got = date_parse(s, NULL, NULL, NULL) == 0;
                if (got != want)
                    fail_msg("%s: got %d want %d", s, got, want);
                accepted += got;
            }
    /* 201 years of 365 days + the leap days of 1904..2096 less 1900, 2100 */
    assert_int_equal(accepted, 201L * 365 + 49);
}

/* ----------------------------------------------------------------- days */

static void test_days(void **state)
{
    (void)state;
    assert_int_equal(date_days(1970, 1, 1), 0);
    assert_int_equal(date_days(1970, 1, 2), 1);
    assert_int_equal(date_days(1969, 12, 31), -1);
    assert_int_equal(date_days(2000, 1, 1), 10957);
    assert_int_equal(date_days(2000, 3, 1) - date_days(2000, 2, 28), 2);
    assert_int_equal(date_days(1900, 3, 1) - date_days(1900, 2, 28), 1);
    assert_int_equal(date_days(1900, 1, 1), -25567);
    assert_int_equal(date_days(2100, 12, 31), 47846);
    assert_int_equal(date_days(2025, 1, 1) - date_days(2024, 1, 1), 366);
    /* consecutive days across the whole range are consecutive numbers */
    long prev = date_days(1899, 12, 31);
    for (int y = DATE_YEAR_MIN; y <= DATE_YEAR_MAX; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= 31; d++) {
                char s[40];
                snprintf(s, sizeof(s), "%04d-%02d-%02d", y, m, d);
                if (date_parse(s, NULL, NULL, NULL) != 0)
                    continue;
                long n = date_days(y, m, d);
                if (n != prev + 1)
                    fail_msg("%s: %ld after %ld", s, n, prev);
                prev = n;
            }
}

/* --------------------------------------------------------------- months */

struct months_case {
    const char *from, *to;
    int months;
};

static const struct months_case months_cases[] = {
    {"2024-01-15", "2024-01-15", 0},
    {"2024-01-15", "2024-02-14", 0},
    {"2024-01-15", "2024-02-15", 1},
    {"2024-01-15", "2024-12-15", 11}, /* 11 months */
    {"2024-01-15", "2025-01-14", 11},
    {"2024-01-15", "2025-01-15", 12}, /* 12 months exactly */
    {"2024-01-15", "2025-01-16", 12}, /* 12 months and a day */
    {"2024-01-15", "2025-02-15", 13},
    {"2025-01-31", "2025-02-27", 0},  /* end of month: 31 Jan + 1 = 28 Feb */
    {"2025-01-31", "2025-02-28", 1},
    {"2024-01-31", "2024-02-28", 0},  /* leap year: 31 Jan + 1 = 29 Feb */
    {"2024-01-31", "2024-02-29", 1},
    {"2025-01-31", "2025-04-29", 2},
    {"2025-01-31", "2025-04-30", 3},  /* clamped to 30 April */
    {"2025-03-31", "2025-04-30", 1},
    {"2024-02-29", "2025-02-27", 11},
    {"2024-02-29", "2025-02-28", 12}, /* leap day + 12 = 28 Feb */
    {"2024-02-29", "2028-02-28", 47},
    {"2024-02-29", "2028-02-29", 48},
    {"1900-01-01", "2100-12-31", 2411},
    {"2025-01-02", "2025-01-01", -1}, /* backwards */
    {"2025-01-01", "2025-13-01", -1},
    {NULL, "2025-01-01", -1},
};

static void test_months_between(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(months_cases) / sizeof(months_cases[0]); i++) {
        const struct months_case *c = &months_cases[i];
        int got = date_months_between(c->from, c->to);
        if (got != c->months)
            fail_msg("%s -> %s: %d, want %d", c->from ? c->from : "(null)", c->to, got, c->months);
    }
}

struct window_case {
    const char *earlier, *later;
    int months, within;
};

static const struct window_case window_cases[] = {
    /* the 12-month repeat window */
    {"2024-03-10", "2025-02-10", 12, 1}, /* 11 months: repeat */
    {"2024-03-10", "2025-03-09", 12, 1}, /* last day inside */
    {"2024-03-10", "2025-03-10", 12, 0}, /* 12 months exactly: outside */
    {"2024-03-10", "2025-04-10", 12, 0}, /* 13 months: no repeat */
    {"2024-03-10", "2024-03-10", 12, 1}, /* same day */
    {"2024-03-10", "2024-03-09", 12, 0}, /* before: not a repeat */
    /* end-of-month clamping */
    {"2025-01-31", "2026-01-30", 12, 1},
    {"2025-01-31", "2026-01-31", 12, 0},
    {"2025-01-31", "2025-02-27", 1, 1},
    {"2025-01-31", "2025-02-28", 1, 0}, /* 31 Jan + 1 month = 28 Feb */
    {"2024-01-31", "2024-02-28", 1, 1}, /* leap: 29 Feb is the bound */
    {"2024-01-31", "2024-02-29", 1, 0},
    {"2024-02-29", "2025-02-27", 12, 1},
    {"2024-02-29", "2025-02-28", 12, 0},
    {"2023-12-31", "2024-02-28", 2, 1},
    {"2023-12-31", "2024-02-29", 2, 0}, /* 31 Dec + 2 = 29 Feb 2024 */
    /* zero, huge and invalid */
    {"2024-03-10", "2024-03-10", 0, 0},
    {"1900-01-01", "2100-12-31", 2411, 0},
    {"1900-01-01", "2100-12-31", 2412, 1},
    {"1900-01-01", "2100-12-31", 2147483647, 1},
    {"2024-03-10", "2024-03-10", -1, -1},
    {"2024-02-30", "2024-03-10", 12, -1},
    {"2024-03-10", "2024-3-10", 12, -1},
    {"2024-03-10", NULL, 12, -1},
};

static void test_within_months(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(window_cases) / sizeof(window_cases[0]); i++) {
        const struct window_case *c = &window_cases[i];
        int got = date_within_months(c->earlier, c->later, c->months);
        if (got != c->within)
            fail_msg("%s, %s, %d months: %d, want %d", c->earlier,
                     c->later ? c->later : "(null)", c->months, got, c->within);
    }
}

/* The window agrees with the month count, for every pair of days of
 * 2023-2025 starting on a month's last days or the middle. */
static void test_window_matches_months(void **state)
{
    (void)state;
    static const char *const starts[] = {"2023-01-31", "2023-02-28", "2023-03-30", "2023-03-31",
                                         "2023-08-15", "2024-01-29", "2024-01-30", "2024-01-31",
                                         "2024-02-29", "2024-12-31"};
    char later[40];
    for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
        for (int y = 2023; y <= 2026; y++)
            for (int m = 1; m <= 12; m++)
                for (int d = 1; d <= 31; d++) {
                    snprintf(later, sizeof(later), "%04d-%02d-%02d", y, m, d);
                    if (date_parse(later, NULL, NULL, NULL) != 0)
                        continue;
                    int mb = date_months_between(starts[i], later);
                    for (int n = 0; n <= 14; n++) {
                        int w = date_within_months(starts[i], later, n);
                        int want = mb < 0 ? 0 : mb < n;
                        if (w != want)
                            fail_msg("%s %s %d: within %d, months %d", starts[i], later, n, w, mb);
                    }
                }
    }
}

/* ------------------------------------------------------- future and age */

static void test_not_future(void **state)
{
    (void)state;
    assert_int_equal(date_not_future("2025-06-01", "2025-06-01"), 1);
    assert_int_equal(date_not_future("2025-05-31", "2025-06-01"), 1);
    assert_int_equal(date_not_future("1900-01-01", "2025-06-01"), 1);
    assert_int_equal(date_not_future("2025-06-02", "2025-06-01"), 0);
    assert_int_equal(date_not_future("2026-01-01", "2025-12-31"), 0);
    assert_int_equal(date_not_future("2025-06-31", "2025-07-01"), -1);
    assert_int_equal(date_not_future("2025-06-01", ""), -1);
    assert_int_equal(date_not_future(NULL, "2025-06-01"), -1);
}

struct age_case {
    const char *birth, *today;
    int age;
};

static const struct age_case age_cases[] = {
    {"2000-05-10", "2025-05-10", 25}, /* birthday */
    {"2000-05-10", "2025-05-09", 24}, /* the day before */
    {"2000-05-10", "2025-12-31", 25},
    {"2025-05-10", "2025-05-10", 0},
    {"2007-06-01", "2025-05-31", 17}, /* not yet 18 */
    {"2007-06-01", "2025-06-01", 18},
    {"2004-02-29", "2025-02-27", 20},
    {"2004-02-29", "2025-02-28", 21}, /* leap birthday: 28 Feb in common years */
    {"2004-02-29", "2024-02-28", 19},
    {"2004-02-29", "2024-02-29", 20},
    {"1900-01-01", "2100-12-31", 200},
    {"2025-05-11", "2025-05-10", -1}, /* born after today */
    {"2000-02-30", "2025-05-10", -1},
    {"2000-05-10", "2025/05/10", -1},
};

static void test_age(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(age_cases) / sizeof(age_cases[0]); i++) {
        const struct age_case *c = &age_cases[i];
        int got = age_years(c->birth, c->today);
        if (got != c->age)
            fail_msg("born %s, on %s: %d, want %d", c->birth, c->today, got, c->age);
    }
}

static void test_midnight_utc(void **state)
{
    time_t t = 1;
    assert_int_equal(date_midnight_utc("1970-01-01", &t), 1);
    assert_int_equal((long long)t, 0);
    assert_int_equal(date_midnight_utc("2026-12-04", &t), 1);
    assert_int_equal((long long)t, 1796342400LL);
    assert_int_equal(date_midnight_utc("2024-02-29", &t), 1);
    assert_int_equal((long long)t, 1709164800LL);
    assert_int_equal(date_midnight_utc("2025-02-29", &t), 0);
    assert_int_equal(date_midnight_utc("2026-12-4", &t), 0);
    assert_int_equal(date_midnight_utc(NULL, &t), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_parse_every_day),
        cmocka_unit_test(test_days),
        cmocka_unit_test(test_months_between),
        cmocka_unit_test(test_within_months),
        cmocka_unit_test(test_window_matches_months),
        cmocka_unit_test(test_not_future),
        cmocka_unit_test(test_age),
        cmocka_unit_test(test_midnight_utc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
