/*
 * tz.c - local times for people; see tz.h.
 *
 * The C library converts to a named zone only through the TZ environment
 * variable, which is process-wide: conversions are serialised by a mutex
 * (nothing else in filet uses local time; logs are UTC). An unknown zone
 * name falls back to UTC, as the C library does.
 *
 * From local to UTC, mktime's guesses around daylight-saving changes are
 * not used: the offsets in force a day before and a day after are each
 * tried, and a candidate counts only if it reads back as the time typed.
 */
#include "lib/tz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t tz_mu = PTHREAD_MUTEX_INITIALIZER;

static const char *const months_fr[] = {"janv.", "févr.", "mars", "avr.", "mai", "juin",
                                        "juill.", "août", "sept.", "oct.", "nov.", "déc."};
static const char *const months_en[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Sets TZ to zone; the caller holds tz_mu. */
static void use_zone(const char *zone)
{
    const char *cur = getenv("TZ");
    if (!cur || strcmp(cur, zone && *zone ? zone : "UTC") != 0) {
        setenv("TZ", zone && *zone ? zone : "UTC", 1);
        tzset();
    }
}

/* Local broken-down time of an RFC 3339 UTC time in zone. */
static int to_local(const char *rfc3339, const char *zone, struct tm *local)
{
    struct tm utc;
    memset(&utc, 0, sizeof(utc));
    if (!rfc3339 || strlen(rfc3339) != 20 || !strptime(rfc3339, "%Y-%m-%dT%H:%M:%SZ", &utc))
        return -1;
    time_t t = timegm(&utc);
    pthread_mutex_lock(&tz_mu);
    use_zone(zone);
    localtime_r(&t, local);
    pthread_mutex_unlock(&tz_mu);
    return 0;
}

/* n digits at s as a number, or -1. */
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

int tz_from_local(const char *local, const char *zone, char out[21])
{
    size_t n = local ? strlen(local) : 0;
    if ((n != 16 && n != 19) || local[4] != '-' || local[7] != '-' || local[10] != 'T' || local[13] != ':' ||
        (n == 19 && local[16] != ':'))
        return TZ_INVALID;
    struct tm want;
    memset(&want, 0, sizeof(want));
    want.tm_year = digits(local, 4) - 1900;
    want.tm_mon = digits(local + 5, 2) - 1;
    want.tm_mday = digits(local + 8, 2);
    want.tm_hour = digits(local + 11, 2);
    want.tm_min = digits(local + 14, 2);
    want.tm_sec = n == 19 ? digits(local + 17, 2) : 0;
    if (want.tm_year < 0 || want.tm_mon < 0 || want.tm_mon > 11 || want.tm_mday < 1 || want.tm_hour < 0 ||
        want.tm_hour > 23 || want.tm_min < 0 || want.tm_min > 59 || want.tm_sec < 0 || want.tm_sec > 59)
        return TZ_INVALID;
    /* The wall-clock time read as if it were UTC; a day that does not
     * exist (31 April) comes back as another. */
    struct tm probe = want;
    time_t naive = timegm(&probe);
    if (probe.tm_mday != want.tm_mday || probe.tm_mon != want.tm_mon)
        return TZ_INVALID;
    time_t found = 0;
    int any = 0;
    pthread_mutex_lock(&tz_mu);
    use_zone(zone);
    for (int side = -1; side <= 1; side += 2) {
        struct tm around, back;
        time_t at = naive + side * 86400;
        localtime_r(&at, &around);
        time_t t = naive - around.tm_gmtoff;
        localtime_r(&t, &back);
        if (back.tm_year == want.tm_year && back.tm_mon == want.tm_mon && back.tm_mday == want.tm_mday &&
            back.tm_hour == want.tm_hour && back.tm_min == want.tm_min && back.tm_sec == want.tm_sec &&
            (!any || t < found)) {
            found = t;
            any = 1;
        }
    }
    pthread_mutex_unlock(&tz_mu);
    if (!any)
        return TZ_GAP;
    struct tm utc;
    gmtime_r(&found, &utc);
    return strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &utc) == 20 ? TZ_OK : TZ_INVALID;
}

int tz_format(const char *rfc3339, const char *zone, const char *lang, char *out, size_t outlen)
{
    struct tm local;
    if (to_local(rfc3339, zone, &local) != 0)
        return -1;
    if (lang && strcmp(lang, "fr") == 0)
        snprintf(out, outlen, "%d %s %d, %d h %02d", local.tm_mday, months_fr[local.tm_mon], local.tm_year + 1900,
                 local.tm_hour, local.tm_min);
    else
        snprintf(out, outlen, "%s %d, %d, %02d:%02d", months_en[local.tm_mon], local.tm_mday, local.tm_year + 1900,
                 local.tm_hour, local.tm_min);
    return 0;
}

int tz_local_date(const char *rfc3339, const char *zone, char out[11])
{
    struct tm local;
    if (to_local(rfc3339, zone, &local) != 0)
        return -1;
    /* strftime bounds the output itself (the year of a parsed time has 4 digits). */
    return strftime(out, 11, "%Y-%m-%d", &local) == 10 ? 0 : -1;
}
