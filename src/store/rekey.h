/*
 * rekey.h - the store's side of key rotation (`filet rekey`): find the
 * encrypted values that are not under the current key, and replace them
 * with their re-encryption without touching anything else in the row.
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

#include "store/store.h"

/* Calls fn for at most limit users (limit > 0) whose totp_secret_enc is set
 * and does not start with keep_prefix, in id order; fn returns non-zero to
 * stop. The strings are valid during the call only. */
int store_rekey_users_each(store_conn *c, const char *keep_prefix, long limit,
                           int (*fn)(void *ctx, const char *id, const char *enc), void *ctx);
/* Replaces users.totp_secret_enc only: confirmation and the replay guard
 * are kept (store_user_set_totp would reset them). */
int store_rekey_user_totp(store_conn *c, const char *id, const char *enc);

/* The same for drafts.body, in (user_id, form_key) order. */
int store_rekey_drafts_each(store_conn *c, const char *keep_prefix, long limit,
                            int (*fn)(void *ctx, const char *user_id, const char *form_key,
                                      const char *body),
                            void *ctx);
/* Replaces drafts.body only (updated_at is kept: the content is the same). */
int store_rekey_draft_body(store_conn *c, const char *user_id, const char *form_key, const char *body);

#endif
