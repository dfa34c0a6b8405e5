/*
 * keyfile.h - the deployment's master keys, kept in a file outside the
 * database (mode 0600, owned by the user running filet). Sub-keys for each
 * purpose (field encryption, audit chain, person matching, sessions) are
 * derived from a master key with crypto_kdf, never used directly.
 *
 * The file is a KEYRING so keys can be rotated (ASVS 6.2.1, 6.4.1, 6.4.2):
 *
 *   # comment lines and blank lines are ignored
 *   <64 hex chars>      first key: current - encrypts and seals
 *   <64 hex chars>      older keys: only decrypt and verify
 *
 * At most KEYRING_MAX keys. Rotation: keyfile_add_new (new key first, old
 * keys kept), restart filet, re-encrypt every value whose
 * fieldcrypt_needs_rekey says so, then keyfile_drop_old and restart again.
 * Both rewrites are atomic (temp file 0600 in the same directory, fsync,
 * rename, fsync of the directory) and serialised with flock on the
 * directory, so a crash or a second admin never leaves a half-written file.
 *
 * Caveat: the raw file is read into ordinary (not locked) memory, wiped
 * right after parsing; a keyring in a caller's struct should be wiped with
 * keyring_wipe when no longer needed.
 */
#ifndef FILET_KEYFILE_H
#define FILET_KEYFILE_H

#include <stddef.h>

#define KEYFILE_KEY_BYTES 32
#define KEYRING_MAX 8
#define KEY_ID_LEN 8 /* hex chars */

/* Sub-key purposes for keyring_subkey (crypto_kdf subkey id + context). */
#define KEY_PURPOSE_FIELD 1   /* context "filetfld": field encryption */
#define KEY_PURPOSE_AUDIT 2   /* context "filetaud": audit chain seals */
#define KEY_PURPOSE_MATCH 3   /* context "filetmch": keyed match hashes */
#define KEY_PURPOSE_SESSION 4 /* context "filetses": session tokens */

typedef struct keyring {
    size_t n;
    unsigned char key[KEYRING_MAX][KEYFILE_KEY_BYTES];
    /* id = first 8 hex chars of BLAKE2b-256("filet key id" || key): a public
     * name for the key, stored next to what it encrypted. */
    char id[KEYRING_MAX][KEY_ID_LEN + 1];
} keyring;

/* Creates path (must not exist) holding a new random key, mode 0600. */
int keyfile_generate(const char *path, char *err, size_t errlen);
/* Reads the current (first) key; refuses a file readable or writable by
 * group or others, or not owned by the current user, or malformed. */
int keyfile_load(const char *path, unsigned char key[KEYFILE_KEY_BYTES], char *err, size_t errlen);

/* Reads every key, with the same checks as keyfile_load. Rejects a file
 * with no key, more than KEYRING_MAX keys, a line that is neither blank, a
 * comment nor exactly 64 hex chars, or the same key (or key id) twice.
 * On error kr is wiped. */
int keyring_load(const char *path, keyring *kr, char *err, size_t errlen);
/* Zeroes every key (sodium_memzero) and the count. */
void keyring_wipe(keyring *kr);
/* Index of the key with this id, or -1. */
int keyring_find(const keyring *kr, const char *id);
/* Derives the 32-byte sub-key for purpose (KEY_PURPOSE_*) from key i with
 * crypto_kdf_derive_from_key. -1 on a bad index or purpose (out is zeroed).
 * The caller wipes out with sodium_memzero after use. */
int keyring_subkey(const keyring *kr, size_t i, int purpose, unsigned char out[32]);

/* Rotation step 1: prepends a NEW random key to the existing key file
 * (which must pass keyring_load's checks and hold fewer than KEYRING_MAX
 * keys); the old lines, comments included, follow unchanged. Atomic. */
int keyfile_add_new(const char *path, char *err, size_t errlen);
/* Rotation's last step: removes every key but the first (comments and blank
 * lines are kept). Atomic. Only run it once nothing is encrypted or sealed
 * under the old keys any more: data under a dropped key is unreadable. */
int keyfile_drop_old(const char *path, char *err, size_t errlen);

#endif
