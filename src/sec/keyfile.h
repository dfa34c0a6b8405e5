/*
 * keyfile.h - the deployment's master key, kept in a file outside the
 * database (mode 0600). Sub-keys for each purpose (field encryption, audit
 * chain, person matching) are derived from it with crypto_kdf.
 */
#ifndef FILET_KEYFILE_H
#define FILET_KEYFILE_H

#include <stddef.h>

#define KEYFILE_KEY_BYTES 32

/* Creates path (must not exist) holding a new random key, mode 0600. */
int keyfile_generate(const char *path, char *err, size_t errlen);
/* Reads the key; refuses a file readable or writable by group or others,
 * or not owned by the current user, or malformed. */
int keyfile_load(const char *path, unsigned char key[KEYFILE_KEY_BYTES], char *err, size_t errlen);

#endif
