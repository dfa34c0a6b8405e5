/*
 * auth.h - who is asking, and whether they may come in: sessions from the
 * cookie or a bearer token, the gate every route passes (sign-in required,
 * second-factor enrolment, CSRF), sign-in and sign-out, and the audit
 * helpers handlers use.
 */
#ifndef FILET_AUTH_H
#define FILET_AUTH_H

#include "sec/audit.h"
#include "web/http.h"

#define AUTH_COOKIE "__Host-filet"

/* Reads the session (cookie or bearer) into r; anonymous if none is live. */
void auth_resolve(req *r);
/* 0 to go on to the handler; 1 when the gate answered itself (401, the
 * sign-in page, the enrolment page, or 403 for a failed CSRF check). */
int auth_gate(req *r, unsigned route_flags);

/* An audit event about r's actor. */
void auth_event(req *r, audit_event *e, const char *action, const char *object_type,
                const char *object_id, const char *fields);
/* Appends one audit row in its own short write transaction (reads, refusals). */
int auth_audit(req *r, const char *action, const char *object_type, const char *object_id,
               const char *fields);
/* Records an access_refused row and answers 403 (or 404 when not_found,
 * for objects whose very existence is confidential). */
int auth_refuse(req *r, const char *object_type, const char *object_id, int not_found);
/* policy_check for r's actor; on refusal answers as auth_refuse and
 * returns 0; 1 when allowed. */
int auth_allow(req *r, policy_verb verb, const policy_target *t, int not_found);

/* Routes */
int page_login(req *r);
int page_logout(req *r);
int api_login(req *r);
int api_logout(req *r);
int api_me(req *r);
int page_session_refresh(req *r);

#endif
