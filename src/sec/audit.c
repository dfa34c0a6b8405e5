/*
 * audit.c - the hash-chained audit trail; see audit.h.
 *
 * seal = BLAKE2b-256(key = audit sub-key of key key_id,
 *                    prev_hash 0x1f at 0x1f user 0x1f agency 0x1f source
 *                    0x1f action 0x1f ref_digest)
 * ref_digest = BLAKE2b-256(object_type 0x1f object_id 0x1f fields): the
 * personal references, which retention may later replace by "tombstone"
 * while the stored digest keeps the chain verifiable.
 */
#include "sec/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "lib/id.h"

static void ref_digest(const char *type, const char *id, const char *fields, char out[65])
{
    crypto_generichash_state st;
    unsigned char h[32];
    crypto_generichash_init(&st, NULL, 0, sizeof(h));
    crypto_generichash_update(&st, (const unsigned char *)type, strlen(type));
    crypto_generichash_update(&st, (const unsigned char *)"\x1f", 1);
    crypto_generichash_update(&st, (const unsigned char *)id, strlen(id));
    crypto_generichash_update(&st, (const unsigned char *)"\x1f", 1);
    crypto_generichash_update(&st, (const unsigned char *)fields, strlen(fields));
    crypto_generichash_final(&st, h, sizeof(h));
    sodium_bin2hex(out, 65, h, sizeof(h));
}

static int seal(const keyring *kr, int ki, const char *prev, const store_audit_row *r, char out[65])
{
    unsigned char key[32], h[32];
    if (ki < 0 || keyring_subkey(kr, (size_t)ki, KEY_PURPOSE_AUDIT, key) != 0)
        return -1;
    const char *parts[] = {prev, r->at, r->user_id, r->agency_id, r->source, r->action, r->ref_digest};
    crypto_generichash_state st;
    crypto_generichash_init(&st, key, sizeof(key), sizeof(h));
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        if (i)
            crypto_generichash_update(&st, (const unsigned char *)"\x1f", 1);
        crypto_generichash_update(&st, (const unsigned char *)parts[i], strlen(parts[i]));
    }
    crypto_generichash_final(&st, h, sizeof(h));
    sodium_memzero(key, sizeof(key));
    sodium_bin2hex(out, 65, h, sizeof(h));
    return 0;
}

int audit_append(store_conn *c, const keyring *kr, const audit_event *e)
{
    store_audit_row r;
    char prev[65];
    memset(&r, 0, sizeof(r));
    time_rfc3339(clock_now(), r.at, sizeof(r.at));
    snprintf(r.user_id, sizeof(r.user_id), "%s", e->user_id ? e->user_id : "");
    snprintf(r.agency_id, sizeof(r.agency_id), "%s", e->agency_id ? e->agency_id : "");
    snprintf(r.source, sizeof(r.source), "%s", e->source ? e->source : "");
    snprintf(r.action, sizeof(r.action), "%s", e->action);
    snprintf(r.object_type, sizeof(r.object_type), "%s", e->object_type ? e->object_type : "");
    snprintf(r.object_id, sizeof(r.object_id), "%s", e->object_id ? e->object_id : "");
    snprintf(r.fields, sizeof(r.fields), "%s", e->fields ? e->fields : "");
    ref_digest(r.object_type, r.object_id, r.fields, r.ref_digest);
    snprintf(r.key_id, sizeof(r.key_id), "%s", kr->id[0]);
    int rc = store_audit_last_hash(c, prev);
    if (rc != STORE_OK)
        return rc;
    if (seal(kr, 0, prev, &r, r.hash) != 0)
        return STORE_ERR;
    return store_audit_insert(c, &r);
}

typedef struct verify_ctx {
    const keyring *kr;
    audit_verify_result *res;
    char prev[65];
} verify_ctx;

static int verify_row(void *ctx, const store_audit_row *r)
{
    verify_ctx *v = ctx;
    char digest[65], expect[65];
    v->res->rows++;
    if (strcmp(r->object_id, "tombstone") != 0) {
        ref_digest(r->object_type, r->object_id, r->fields, digest);
        if (sodium_memcmp(digest, r->ref_digest, 64) != 0) {
            snprintf(v->res->reason, sizeof(v->res->reason), "object or fields changed");
            goto bad;
        }
    }
    int ki = keyring_find(v->kr, r->key_id);
    if (ki < 0) {
        snprintf(v->res->reason, sizeof(v->res->reason), "sealed with key %s, not in the key file", r->key_id);
        goto bad;
    }
    if (seal(v->kr, ki, v->prev, r, expect) != 0 || strlen(r->hash) != 64 ||
        sodium_memcmp(expect, r->hash, 64) != 0) {
        snprintf(v->res->reason, sizeof(v->res->reason), "seal does not match");
        goto bad;
    }
    memcpy(v->prev, r->hash, 65);
    return 0;
bad:
    v->res->first_bad_seq = r->seq;
    return 1;
}

int audit_verify(store_conn *c, const keyring *kr, audit_verify_result *res)
{
    verify_ctx v = {.kr = kr, .res = res};
    memset(res, 0, sizeof(*res));
    return store_audit_each(c, NULL, 0, verify_row, &v);
}

typedef struct reseal_ctx {
    const keyring *kr;
    store_conn *c;
    char prev_old[65]; /* the row's previous hash as stored */
    char prev_new[65];
    long long last_seq, count;
    long left;
    int failed;
} reseal_ctx;

static int reseal_row(void *ctx, const store_audit_row *r)
{
    reseal_ctx *x = ctx;
    char h[65];
    store_audit_row nr = *r;
    snprintf(nr.key_id, sizeof(nr.key_id), "%s", x->kr->id[0]);
    if (seal(x->kr, 0, x->prev_new, &nr, h) != 0 || store_audit_reseal(x->c, r->seq, nr.key_id, h) != STORE_OK) {
        x->failed = 1;
        return 1;
    }
    memcpy(x->prev_old, r->hash, 65);
    memcpy(x->prev_new, h, 65);
    x->last_seq = r->seq;
    x->count++;
    return --x->left <= 0;
}

int audit_reseal(store_conn *c, const keyring *kr, long batch, long long *resealed)
{
    audit_verify_result vr;
    int rc = audit_verify(c, kr, &vr);
    if (rc != STORE_OK)
        return rc;
    if (vr.first_bad_seq)
        return STORE_CONFLICT;
    reseal_ctx x = {.kr = kr, .c = c};
    for (;;) {
        store_audit_filter f = {.after_seq = x.last_seq, .limit = batch};
        long long before = x.count;
        x.left = batch;
        if ((rc = store_write_begin(c)) != STORE_OK)
            return rc;
        store_audit_rekey_flag(c, 1);
        rc = store_audit_each(c, &f, 0, reseal_row, &x);
        store_audit_rekey_flag(c, 0);
        if (rc != STORE_OK || x.failed) {
            store_write_rollback(c);
            return rc ? rc : STORE_ERR;
        }
        if ((rc = store_write_commit(c)) != STORE_OK)
            return rc;
        if (x.count - before < batch)
            break;
    }
    *resealed = x.count;
    return STORE_OK;
}
