/*
 * id.c - opaque random identifiers (libsodium randombytes) and time strings.
 */
#include "id.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

void id_new(char *out)
{
    unsigned char raw[17];
    randombytes_buf(raw, 16);
    raw[16] = 0;
    /* 130 bits of base32 from 128 random bits: the last char uses 3 zero bits. */
    unsigned acc = 0;
    int bits = 0;
    size_t o = 0, i = 0;
    while (o < ID_LEN) {
        if (bits < 5) {
            acc = (acc << 8) | (i < 17 ? raw[i] : 0);
            i++;
            bits += 8;
        }
        out[o++] = alphabet[(acc >> (bits - 5)) & 31];
        bits -= 5;
    }
    out[ID_LEN] = '\0';
    sodium_memzero(raw, sizeof(raw));
}

int id_valid(const char *s)
{
    if (!s || strlen(s) != ID_LEN)
        return 0;
    for (size_t i = 0; i < ID_LEN; i++)
        if (!strchr(alphabet, s[i]) || s[i] == '\0')
            return 0;
    return 1;
}

void time_rfc3339(time_t t, char *out, size_t outlen)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Tests move time forward (session expiry, sign-in locks, TOTP steps)
 * through a file holding an offset in seconds, named by the environment
 * variable FILET_TEST_CLOCK_FILE. serve logs a warning when it is set. */
time_t clock_now(void)
{
    static const char *path;
    static int checked;
    if (!checked) {
        path = getenv("FILET_TEST_CLOCK_FILE");
        checked = 1;
    }
    time_t now = time(NULL);
    if (path) {
        FILE *f = fopen(path, "r");
        long long off = 0;
        if (f) {
            if (fscanf(f, "%lld", &off) != 1)
                off = 0;
            fclose(f);
        }
        now += (time_t)off;
    }
    return now;
}

int clock_is_fake(void)
{
    return getenv("FILET_TEST_CLOCK_FILE") != NULL;
}
