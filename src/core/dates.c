/*
 * dates.c - strict calendar dates and calendar-month windows; see dates.h
 * for the rules (strict YYYY-MM-DD, years 1900-2100, months clamped to the
 * end of the month, window earlier <= later < earlier + n months).
 */
#include "core/dates.h"

/* Beyond any span between two valid dates (201 years), so capping a month
 * count here changes no answer and keeps the arithmetic far from overflow. */
#define MONTHS_CAP 12000

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && is_leap(y))
        return 29;
    return dim[m - 1];
}

/* Value of n ASCII digits at s, or -1 if any is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int date_parse(const char *s, int *y, int *m, int *d)
{
    if (!s)
        return -1;
    /* Exactly ten characters: check each position before reading on, so a
     * short string is never read past its terminator. */
    for (int i = 0; i < 10; i++) {
        if (s[i] == '\0')
            return -1;
        if ((i == 4 || i == 7) != (s[i] == '-'))
            return -1;
    }
    if (s[10] != '\0')
        return -1;
    int yy = digits(s, 4), mm = digits(s + 5, 2), dd = digits(s + 8, 2);
    if (yy < DATE_YEAR_MIN || yy > DATE_YEAR_MAX || mm < 1 || mm > 12)
        return -1;
    if (dd < 1 || dd > days_in_month(yy, mm))
        return -1;
    if (y)
        *y = yy;
    if (m)
        *m = mm;
    if (d)
        *d = dd;
    return 0;
}

/* Days from civil (H. Hinnant's algorithm): eras of 400 years, March-based
 * years so the leap day is the last day of the year. */
long date_days(int y, int m, int d)
{
    long yy = (long)y - (m <= 2);
    long era = (yy >= 0 ? yy : yy - 399) / 400;
    long yoe = yy - era * 400;                                 /* [0, 399] */
    long mp = (m + 9) % 12;                                    /* March = 0 */
    long doy = (153 * mp + 2) / 5 + d - 1;                     /* [0, 365] */
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

/* Day number of y-m-d + n calendar months, the day clamped to month end.
 * y-m-d is a parsed date and 0 <= n <= MONTHS_CAP. */
static long add_months_days(int y, int m, int d, int n)
{
    long total = (long)y * 12 + (m - 1) + n;
    int ry = (int)(total / 12);
    int rm = (int)(total % 12) + 1;
    int dim = days_in_month(ry, rm);
    return date_days(ry, rm, d < dim ? d : dim);
}

/* Parses both dates; -1 if either is invalid. */
static int parse_pair(const char *a, int *ay, int *am, int *ad,
                      const char *b, int *by, int *bm, int *bd)
{
    if (date_parse(a, ay, am, ad) != 0 || date_parse(b, by, bm, bd) != 0)
        return -1;
    return 0;
}

int date_months_between(const char *from, const char *to)
{
    int fy, fm, fd, ty, tm, td;
    if (parse_pair(from, &fy, &fm, &fd, to, &ty, &tm, &td) != 0)
        return -1;
    long to_days = date_days(ty, tm, td);
    if (to_days < date_days(fy, fm, fd))
        return -1;
    /* Months between the two calendar months, less one when the clamped
     * anniversary in to's month falls after to. */
    int n = (ty - fy) * 12 + (tm - fm);
    if (add_months_days(fy, fm, fd, n) > to_days)
        n--;
    return n;
}

int date_within_months(const char *earlier, const char *later, int months)
{
    int ey, em, ed, ly, lm, ld;
    if (months < 0)
        return -1;
    if (parse_pair(earlier, &ey, &em, &ed, later, &ly, &lm, &ld) != 0)
        return -1;
    long l_days = date_days(ly, lm, ld);
    if (l_days < date_days(ey, em, ed))
        return 0;
    if (months > MONTHS_CAP)
        months = MONTHS_CAP;
    return l_days < add_months_days(ey, em, ed, months) ? 1 : 0;
}

int date_not_future(const char *s, const char *today)
{
    int sy, sm, sd, ty, tm, td;
    if (parse_pair(s, &sy, &sm, &sd, today, &ty, &tm, &td) != 0)
        return -1;
    return date_days(sy, sm, sd) <= date_days(ty, tm, td) ? 1 : 0;
}

int age_years(const char *birth, const char *today)
{
    int months = date_months_between(birth, today);
    if (months < 0)
        return -1;
    return months / 12;
}

int date_midnight_utc(const char *s, time_t *t)
{
    int y, m, d;
    if (date_parse(s, &y, &m, &d) != 0)
        return 0;
    *t = (time_t)date_days(y, m, d) * 86400;
    return 1;
}
