/*
 * id.h - opaque random identifiers and current time strings.
 */
#ifndef FILET_ID_H
#define FILET_ID_H

#include <stddef.h>
#include <time.h>

#define ID_LEN 26 /* 128 random bits in lowercase base32 (RFC 4648 alphabet) */

/* Writes a new random id and a NUL into out (at least ID_LEN + 1 bytes). */
void id_new(char *out);
/* 1 if s looks like an id produced by id_new. */
int id_valid(const char *s);
/* RFC 3339 UTC "YYYY-MM-DDTHH:MM:SSZ" of t into out (at least 21 bytes). */
void time_rfc3339(time_t t, char *out, size_t outlen);
/* Current time (one place, so a controllable clock can be added for tests). */
time_t clock_now(void);
/* 1 when the test clock is in use (FILET_TEST_CLOCK_FILE). */
int clock_is_fake(void);

#endif
