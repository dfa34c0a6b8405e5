/*
 * tz.c - local times for people; see tz.h.
 *
 * The C library converts to a named zone only through the TZ environment
 * variable, which is process-wide: conversions are serialised by a mutex
 * (nothing else in filet uses local time; logs are UTC). An unknown zone
 * name falls back to UTC, as the C library does.
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

/* Local broken-down time of an RFC 3339 UTC time in zone. */
static int to_local(const char *rfc3339, const char *zone, struct tm *local)
{
    struct tm utc;
    memset(&utc, 0, sizeof(utc));
    if (!rfc3339 || strlen(rfc3339) != 20 || !strptime(rfc3339, "%Y-%m-%dT%H:%M:%SZ", &utc))
        return -1;
    time_t t = timegm(&utc);
    pthread_mutex_lock(&tz_mu);
    const char *cur = getenv("TZ");
    if (!cur || strcmp(cur, zone && *zone ? zone : "UTC") != 0) {
        setenv("TZ", zone && *zone ? zone : "UTC", 1);
        tzset();
    }
    localtime_r(&t, local);
    pthread_mutex_unlock(&tz_mu);
    return 0;
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
