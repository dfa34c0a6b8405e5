/*
 * password.h - Argon2id password hashing (libsodium crypto_pwhash_str).
 */
#ifndef FILET_PASSWORD_H
#define FILET_PASSWORD_H

#include <stddef.h>

#define PASSWORD_HASH_MAX 128 /* crypto_pwhash_STRBYTES */

/* Hashes pw with Argon2id at (at least) the INTERACTIVE limits. 0 or -1. */
int password_hash(const char *pw, char out[PASSWORD_HASH_MAX]);
/* 1 if pw matches hash, 0 otherwise (constant-time in libsodium). */
int password_verify(const char *hash, const char *pw);
/* 1 if hash was made with weaker limits than the current ones (ASVS 2.4.1). */
int password_needs_rehash(const char *hash);
/* Writes a random password of n-1 characters (letters and digits, no
 * look-alikes) and a NUL; for demo users and first-run set-up. */
void password_random(char *out, size_t n);

#endif
