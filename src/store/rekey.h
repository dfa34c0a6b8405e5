/*
 * rekey.h - the store's side of key rotation (`filet rekey`): find the
 * encrypted values that are not under the current key, and replace them
 * with their re-encryption without touching anything else in the row; and
 * the same for the persons' keyed match hashes.
 *
 * Every encrypted column is one entry of a registry (rekey.c), numbered
 * 0 .. store_rekey_column_count() - 1. An entry names the column
 * ("persons.given_name_enc"), the object type its audit rows use
 * ("person"), the AAD prefix of its values ("persons.given") and the
 * columns that key its rows (one or two): the AAD of a value is
 * "<prefix>:<k1>", or "<prefix>:<k1>:<k2>" when the row has two keys
 * (sec/fieldcrypt.h). A new encrypted column is one more registry entry.
 *
 * keep_prefix is the stored-text header of the current key,
 * FIELDCRYPT_PREFIX KEYID ":" (see sec/fieldcrypt.h): rows whose value
 * starts with it are skipped, every other non-empty value is returned (even
 * one that is not encrypted at all, so the caller fails loudly on it).
 * Call these inside one write transaction per batch, and stop when a call
 * returns fewer than limit rows.
 */
#ifndef FILET_REKEY_H
#define FILET_REKEY_H

#include <stddef.h>

#include "store/store.h"

/* The number of encrypted columns in the registry. */
size_t store_rekey_column_count(void);
/* "table.column" of entry i (i < count), e.g. "drafts.body". */
const char *store_rekey_column_name(size_t i);
/* The AAD prefix of entry i, e.g. "drafts". */
const char *store_rekey_column_aad(size_t i);
/* The audit object type of entry i, e.g. "draft". */
const char *store_rekey_column_object(size_t i);

/* Calls fn for at most limit rows (limit > 0) of entry i whose value is set
 * and does not start with keep_prefix, in key order; fn returns non-zero to
 * stop. k2 is NULL for one-key entries. The strings are valid during the
 * call only. STORE_NOTFOUND for an i out of range. */
int store_rekey_column_each(store_conn *c, size_t i, const char *keep_prefix, long limit,
                            int (*fn)(void *ctx, const char *k1, const char *k2, const char *enc),
                            void *ctx);
/* Replaces the value of entry i in the row (k1[, k2]) and nothing else in
 * it (no updated_at, version or confirmation changes: the content is the
 * same). STORE_NOTFOUND when no such row. */
int store_rekey_column_set(store_conn *c, size_t i, const char *k1, const char *k2, const char *enc);

/* Calls fn for at most limit persons (limit > 0) with a match_hash whose
 * match_key_id is not keep_key_id, in id order, with their encrypted name
 * and birth date (NULL when not set); fn returns non-zero to stop. */
int store_rekey_persons_each(store_conn *c, const char *keep_key_id, long limit,
                             int (*fn)(void *ctx, const char *id, const char *given_enc,
                                       const char *family_enc, const char *birth_enc),
                             void *ctx);
/* Sets persons.match_hash and match_key_id of person id (both NULL or ""
 * clear them). */
int store_rekey_person_match(store_conn *c, const char *id, const char *hash, const char *key_id);

#endif
