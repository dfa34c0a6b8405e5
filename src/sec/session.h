/*
 * session.h - sign-in sessions. A session is a 256-bit random token given
 * to the client (cookie or bearer) and stored only as its BLAKE2b hash.
 * ASVS 3.2.1/3.2.2 (new random token at sign-in), 3.3.1-3.3.2 (timeouts).
 */
#ifndef FILET_SESSION_H
#define FILET_SESSION_H

#include <time.h>

#include "store/store.h"

#define SESSION_TOKEN_LEN 43 /* base64url of 32 bytes, no padding */
#define SESSION_IDLE_MAX (30 * 60)
#define SESSION_ABSOLUTE_MAX (12 * 60 * 60)

typedef struct session_limits {
    long idle;     /* seconds, at most SESSION_IDLE_MAX */
    long absolute; /* seconds, at most SESSION_ABSOLUTE_MAX */
} session_limits;

void session_token_hash(const char *token, char out[65]);
/* Creates a session for user_id; writes the token (to give the client once)
 * and the stored row. Call inside a write transaction. */
int session_create(store_conn *c, const char *user_id, const char *kind, const char *stage,
                   const char *source, const char *user_agent, const session_limits *lim,
                   time_t now, char token[SESSION_TOKEN_LEN + 1], store_session *out);
/* Finds the live session of token: STORE_NOTFOUND when unknown, idle past
 * lim->idle or past its absolute expiry. */
int session_lookup(store_conn *c, const char *token, const session_limits *lim, time_t now,
                   store_session *out);

#endif
