/*
 * dates.h - calendar helpers for the referral form and the 12-month repeat
 * window. Pure: no clock is read; "today" is always an argument.
 *
 * Dates are strict ISO 8601 calendar dates "YYYY-MM-DD": exactly ten
 * characters, zero-padded, a real date of the proleptic Gregorian calendar
 * (leap years: divisible by 4, except centuries not divisible by 400, so
 * 2000-02-29 exists and 1900-02-29 does not), years 1900 to 2100.
 *
 * Calendar months (the rule shown to coordinators):
 *   date + n months = same day of the month n months later, clamped to the
 *   last day of that month when it is shorter:
 *     2025-01-31 + 1 month   = 2025-02-28
 *     2024-02-29 + 12 months = 2025-02-28
 *     2025-01-31 + 12 months = 2026-01-31
 *   "later is within n months of earlier" means
 *     earlier <= later < earlier + n months
 *   so the window for 2025-01-31 and 12 months ends on 2026-01-30 inclusive;
 *   2026-01-31 is outside it.
 *   Whole months from a to b is the largest n with a + n months <= b, so it
 *   agrees with the window: within(a, b, n) == (months_between(a, b) < n).
 *   A birthday on 29 February falls on 28 February in common years.
 *
 * Functions taking strings return -1 when a date is not valid; those
 * answering yes/no return 1 or 0 otherwise, so test them with "== 1".
 */
#ifndef FILET_DATES_H
#define FILET_DATES_H

#include <time.h>

#define DATE_YEAR_MIN 1900
#define DATE_YEAR_MAX 2100

/* 0 and the parts of s (any of y, m, d may be NULL) when s is a strict
 * YYYY-MM-DD real date with a year in [DATE_YEAR_MIN, DATE_YEAR_MAX];
 * -1 otherwise (NULL, wrong length, signs, spaces, trailing characters,
 * month 13, 31 April, 29 February of a common year...). */
int date_parse(const char *s, int *y, int *m, int *d);

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (negative before 1970). The parts are not checked: pass a parsed date. */
long date_days(int y, int m, int d);

/* 1 if s is a date date_parse accepts, with *t its midnight UTC; else 0. */
int date_midnight_utc(const char *s, time_t *t);

/* Whole calendar months from `from` to `to` (see the rule above):
 * 2024-01-15 -> 2024-12-15 is 11, -> 2025-01-15 is 12, -> 2025-01-16 is 12,
 * -> 2025-01-14 is 11. -1 if a date is invalid or `to` is before `from`. */
int date_months_between(const char *from, const char *to);

/* 1 if earlier <= later < earlier + months calendar months, 0 if not
 * (including later before earlier, and months == 0); -1 if a date is
 * invalid or months is negative. The 12-month repeat window is
 * date_within_months(last_referral, new_incident, 12). */
int date_within_months(const char *earlier, const char *later, int months);

/* 1 if s is on or before today, 0 if s is after today, -1 if invalid. */
int date_not_future(const char *s, const char *today);

/* Age in whole years on `today` of someone born on `birth` (birthday
 * included: born 2000-05-10 is 25 on 2025-05-10, 24 on 2025-05-09); -1 if
 * a date is invalid or birth is after today. */
int age_years(const char *birth, const char *today);

#endif
