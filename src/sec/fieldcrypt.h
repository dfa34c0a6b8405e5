/*
 * fieldcrypt.h - encryption at rest of sensitive fields (safe addresses,
 * phone numbers, notes) with XChaCha20-Poly1305-IETF, and keyed hashes for
 * matching people without storing plaintext. ASVS 6.1.1, 6.1.3, 6.2.1,
 * 6.2.2, 6.2.5 (approved AEAD, random 192-bit nonces), 6.4.1 (key ids and
 * rotation through the keyring, see keyfile.h).
 *
 * Stored text: "enc1:" KEYID ":" base64url-no-padding(nonce(24) || ct || tag)
 * The key is keyring_subkey(kr, i, KEY_PURPOSE_FIELD) of the key named by
 * KEYID. The AAD is a caller-given context naming the value's place, e.g.
 * "persons.safe_address:<row id>", so a ciphertext copied to another row or
 * column fails to decrypt. It must be non-empty and stable for the row.
 *
 * Caveats: ciphertext length reveals plaintext length (pad beforehand if
 * that matters). Decrypted plaintext lives in the caller's arena, which is
 * not wiped when freed - keep such arenas short-lived (one request).
 */
#ifndef FILET_FIELDCRYPT_H
#define FILET_FIELDCRYPT_H

#include <stddef.h>

#include "lib/arena.h"
#include "sec/keyfile.h"

#define FIELDCRYPT_PREFIX "enc1:"
/* Largest plaintext accepted (a field, not a file). */
#define FIELDCRYPT_MAX_PLAIN (16u * 1024u * 1024u)

/* Encrypts plaintext (len bytes) with the current key (index 0); result
 * allocated from arena a (NUL-terminated). 0 ok, -1 error. */
int fieldcrypt_encrypt(const keyring *kr, const char *aad, const char *plain, size_t len, arena *a,
                       char **out);
/* Decrypts; -1 on unknown key id, bad format, or tampering (auth failure).
 * Result NUL-terminated (it may also hold NULs inside), from a, *len set. */
int fieldcrypt_decrypt(const keyring *kr, const char *aad, const char *stored, arena *a,
                       char **plain, size_t *len);
/* 1 if stored is encrypted under a key other than the current one (needs
 * rekey: decrypt, then encrypt again), 0 if under the current key, -1 if
 * stored is not an encrypted value at all (so `if (needs_rekey(...))` goes on
 * to decrypt, which then fails loudly rather than skipping the value). */
int fieldcrypt_needs_rekey(const keyring *kr, const char *stored);
/* Keyed hash for matching without plaintext: HMAC-SHA-256 of normalised
 * under the KEY_PURPOSE_MATCH sub-key of key index i, as 64 hex chars + NUL.
 * Hashes change with the key: during a rotation compute one per key. */
int fieldcrypt_match_hash(const keyring *kr, size_t i, const char *normalised, char out[65]);

#endif
