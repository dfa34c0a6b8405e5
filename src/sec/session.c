/*
 * session.c - sign-in sessions; see session.h.
 */
#include "sec/session.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "lib/id.h"

void session_token_hash(const char *token, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

static void random_b64(char *out, size_t outlen)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(out, outlen, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
}

int session_create(store_conn *c, const char *user_id, const char *kind, const char *stage,
                   const char *source, const char *user_agent, const session_limits *lim,
                   time_t now, char token[SESSION_TOKEN_LEN + 1], store_session *out)
{
    memset(out, 0, sizeof(*out));
    random_b64(token, SESSION_TOKEN_LEN + 1);
    id_new(out->id);
    session_token_hash(token, out->token_hash);
    snprintf(out->user_id, sizeof(out->user_id), "%s", user_id);
    random_b64(out->csrf, sizeof(out->csrf));
    snprintf(out->kind, sizeof(out->kind), "%s", kind);
    snprintf(out->stage, sizeof(out->stage), "%s", stage);
    out->created_at = now;
    out->last_seen = now;
    out->expires_at = now + lim->absolute;
    snprintf(out->source, sizeof(out->source), "%s", source ? source : "");
    snprintf(out->user_agent, sizeof(out->user_agent), "%s", user_agent ? user_agent : "");
    return store_session_add(c, out);
}

int session_lookup(store_conn *c, const char *token, const session_limits *lim, time_t now,
                   store_session *out)
{
    char hash[65];
    if (!token || strlen(token) != SESSION_TOKEN_LEN)
        return STORE_NOTFOUND;
    session_token_hash(token, hash);
    int rc = store_session_by_hash(c, hash, out);
    if (rc != STORE_OK)
        return rc;
    if (now >= out->expires_at || now >= out->last_seen + lim->idle)
        return STORE_NOTFOUND;
    return STORE_OK;
}
