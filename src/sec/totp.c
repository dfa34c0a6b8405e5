/*
 * totp.c - RFC 6238 TOTP over liboath; see totp.h. ASVS 2.8.1.
 *
 * liboath computes the codes (oath_totp_generate with an explicit time, so
 * tests can pass one); the window, replay rule and comparison are done here
 * so that every candidate step is always computed and compared in constant
 * time, whichever matches. Base32 is done here too: liboath's encoder pads
 * and allocates, and we want the fixed unpadded 32-character form.
 */
#include "totp.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#define TOTP_DIGITS 6
#define TOTP_STEP 30
#define TOTP_WINDOW 1 /* steps either side of now */

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* ------------------------------------------------------------------ init */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_status = -1;

static void init_libs(void)
{
    if (sodium_init() < 0)
        return;
    if (oath_init() != OATH_OK)
        return;
    init_status = 0;
}

/* Initialises libsodium and liboath exactly once, from any thread. */
static int totp_init(void)
{
    if (pthread_once(&init_once, init_libs) != 0)
        return -1;
    return init_status;
}

/* ---------------------------------------------------------------- secret */

int totp_secret_new(unsigned char secret[TOTP_SECRET_BYTES])
{
    if (!secret || totp_init() != 0)
        return -1;
    randombytes_buf(secret, TOTP_SECRET_BYTES);
    return 0;
}

int totp_secret_b32(const unsigned char secret[TOTP_SECRET_BYTES], char out[TOTP_B32_LEN + 1])
{
    _Static_assert(TOTP_SECRET_BYTES * 8 == TOTP_B32_LEN * 5, "secret must be a whole number of base32 groups");
    size_t o = 0;
    uint_fast32_t acc = 0;
    int bits = 0;

    if (!secret || !out)
        return -1;
    for (size_t i = 0; i < TOTP_SECRET_BYTES; i++) {
        acc = ((acc << 8) | secret[i]) & 0xfffu;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out[o++] = b32_alphabet[(acc >> bits) & 31u];
        }
    }
    out[o] = '\0';
    sodium_memzero(&acc, sizeof acc);
    return 0;
}

/* Value of a base32 character (either case), or -1. */
static int b32_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

int totp_secret_from_b32(const char *b32, unsigned char secret[TOTP_SECRET_BYTES])
{
    uint_fast32_t acc = 0;
    int bits = 0, rc = -1;
    size_t o = 0;

    if (!secret)
        return -1;
    if (!b32 || strnlen(b32, TOTP_B32_LEN + 1) != TOTP_B32_LEN)
        goto out;
    for (size_t i = 0; i < TOTP_B32_LEN; i++) {
        int v = b32_value((unsigned char)b32[i]);
        if (v < 0)
            goto out;
        acc = ((acc << 5) | (uint_fast32_t)v) & 0xfffu;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            secret[o++] = (unsigned char)(acc >> bits);
        }
    }
    rc = 0; /* 160 bits exactly: no leftover bits to check */
out:
    if (rc != 0)
        sodium_memzero(secret, TOTP_SECRET_BYTES);
    sodium_memzero(&acc, sizeof acc);
    return rc;
}

/* ------------------------------------------------------------------- URI */

/* Appends s percent-encoded (all but RFC 3986 unreserved) at out[*o]. */
static int uri_escape(const char *s, char *out, size_t outlen, size_t *o)
{
    static const char hex[] = "0123456789ABCDEF";

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~';
        size_t need = plain ? 1 : 3;
        if (outlen - *o <= need) /* keep room for the NUL */
            return -1;
        if (plain) {
            out[(*o)++] = (char)*p;
        } else {
            out[(*o)++] = '%';
            out[(*o)++] = hex[*p >> 4];
            out[(*o)++] = hex[*p & 15];
        }
    }
    return 0;
}

/* Appends the literal s at out[*o]. */
static int uri_put(const char *s, char *out, size_t outlen, size_t *o)
{
    size_t n = strlen(s);
    if (outlen - *o <= n)
        return -1;
    memcpy(out + *o, s, n);
    *o += n;
    return 0;
}

int totp_uri(const char *issuer, const char *account, const char *b32, char *out, size_t outlen)
{
    size_t o = 0;
    int rc = -1;

    if (!out || outlen == 0)
        return -1;
    out[0] = '\0';
    if (!issuer || !*issuer || !account || !*account || !b32)
        goto out;
    if (strnlen(b32, TOTP_B32_LEN + 1) != TOTP_B32_LEN || strspn(b32, b32_alphabet) != TOTP_B32_LEN)
        goto out;
    if (uri_put("otpauth://totp/", out, outlen, &o) != 0 || uri_escape(issuer, out, outlen, &o) != 0 ||
        uri_put(":", out, outlen, &o) != 0 || uri_escape(account, out, outlen, &o) != 0 ||
        uri_put("?secret=", out, outlen, &o) != 0 || uri_put(b32, out, outlen, &o) != 0 ||
        uri_put("&issuer=", out, outlen, &o) != 0 || uri_escape(issuer, out, outlen, &o) != 0 ||
        uri_put("&algorithm=SHA1&digits=6&period=30", out, outlen, &o) != 0)
        goto out;
    rc = 0;
out:
    if (rc != 0)
        sodium_memzero(out, outlen); /* may hold part of the secret */
    else
        out[o] = '\0';
    return rc;
}

/* ----------------------------------------------------------------- codes */

/* Code for time step 'step' into out[7]. 0 or -1. */
static int code_for_step(const unsigned char secret[TOTP_SECRET_BYTES], long long step, char out[TOTP_DIGITS + 1])
{
    if (step < 0 || step > (long long)(INT64_MAX / TOTP_STEP) || totp_init() != 0)
        return -1;
    if (oath_totp_generate((const char *)secret, TOTP_SECRET_BYTES, (time_t)(step * TOTP_STEP), TOTP_STEP,
                           OATH_TOTP_DEFAULT_START_TIME, TOTP_DIGITS, out) != OATH_OK)
        return -1;
    return strlen(out) == TOTP_DIGITS ? 0 : -1;
}

int totp_code_at(const unsigned char secret[TOTP_SECRET_BYTES], time_t t, char out[7])
{
    if (!secret || !out || t < 0)
        return -1;
    if (code_for_step(secret, (long long)(t / TOTP_STEP), out) != 0) {
        sodium_memzero(out, TOTP_DIGITS + 1);
        return -1;
    }
    return 0;
}

/* 1 if code is exactly TOTP_DIGITS ASCII digits. */
static int code_well_formed(const char *code)
{
    for (int i = 0; i < TOTP_DIGITS; i++)
        if (code[i] < '0' || code[i] > '9')
            return 0;
    return code[TOTP_DIGITS] == '\0';
}

int totp_verify(const unsigned char secret[TOTP_SECRET_BYTES], const char *code, time_t now, long long *last_step)
{
    char cand[TOTP_DIGITS + 1];
    long long now_step, matched = -1;
    int rc = -1;

    if (!secret || !code || !last_step || now < 0)
        return -1;
    if (!code_well_formed(code))
        return -1;
    now_step = (long long)(now / TOTP_STEP);
    /* ASVS 2.8.1: every step of the window is computed and compared, so
     * the time taken does not tell which (if any) matched. */
    for (long long s = now_step - TOTP_WINDOW; s <= now_step + TOTP_WINDOW; s++) {
        if (s < 0)
            continue;
        if (code_for_step(secret, s, cand) != 0)
            goto out;
        if (sodium_memcmp(cand, code, TOTP_DIGITS) == 0 && s > *last_step)
            matched = s; /* the latest fresh step wins */
    }
    /* ASVS 2.8.4: a step at or before the last accepted one is a replay. */
    if (matched < 0)
        goto out;
    *last_step = matched;
    rc = 0;
out:
    sodium_memzero(cand, sizeof cand);
    return rc;
}
