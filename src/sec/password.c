/*
 * password.c - Argon2id password hashing; see password.h.
 * ASVS 2.4.1: passwords stored with an approved one-way key derivation.
 */
#include "password.h"

#include <sodium.h>
#include <string.h>

#define OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

int password_hash(const char *pw, char out[PASSWORD_HASH_MAX])
{
    _Static_assert(PASSWORD_HASH_MAX >= crypto_pwhash_STRBYTES, "hash buffer too small");
    if (sodium_init() < 0)
        return -1;
    return crypto_pwhash_str(out, pw, strlen(pw), OPS, MEM) == 0 ? 0 : -1;
}

int password_verify(const char *hash, const char *pw)
{
    return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

int password_needs_rehash(const char *hash)
{
    return crypto_pwhash_str_needs_rehash(hash, OPS, MEM) != 0;
}

void password_random(char *out, size_t n)
{
    static const char set[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    if (n == 0)
        return;
    for (size_t i = 0; i + 1 < n; i++)
        out[i] = set[randombytes_uniform(sizeof(set) - 1)];
    out[n - 1] = '\0';
}
