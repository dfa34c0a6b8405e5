/*
 * tz.h - showing times to people: an RFC 3339 UTC time, in a territory's
 * time zone (the system's tz database, package tzdata), in French or
 * English, without system locales.
 */
#ifndef FILET_TZ_H
#define FILET_TZ_H

#include <stddef.h>

/* Formats "YYYY-MM-DDTHH:MM:SSZ" as local time in zone (e.g.
 * "America/Montreal") for lang: fr "23 nov. 2026, 12 h 05", en
 * "Nov 23, 2026, 12:05". 0, or -1 when the input is not such a time. */
int tz_format(const char *rfc3339, const char *zone, const char *lang, char *out, size_t outlen);

/* The local date "YYYY-MM-DD" (11 bytes) of an RFC 3339 UTC time in zone;
 * out unchanged and -1 when the input is not such a time. */
int tz_local_date(const char *rfc3339, const char *zone, char out[11]);

/* tz_from_local's answers. */
#define TZ_OK 0
#define TZ_INVALID (-1) /* not a date and time "YYYY-MM-DDTHH:MM[:SS]" */
#define TZ_GAP (-2)     /* a time that does not exist in zone: the clocks jump over it */

/* The UTC time "YYYY-MM-DDTHH:MM:SSZ" (21 bytes) of a wall-clock time in
 * zone, as people type it ("YYYY-MM-DDTHH:MM" or with ":SS"). A time
 * skipped when daylight saving time starts is TZ_GAP (out unchanged); a
 * time that happens twice when it ends is its first occurrence (still on
 * daylight saving time). */
int tz_from_local(const char *local, const char *zone, char out[21]);

#endif
