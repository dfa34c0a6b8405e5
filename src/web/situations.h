/*
 * situations.h - referrals, situations, assessments and triage: API and
 * the shared pieces the pages use.
 */
#ifndef FILET_SITUATIONS_H
#define FILET_SITUATIONS_H

#include "web/http.h"

/* Validates a referral body (the API's JSON, or the page's form turned
 * into the same JSON) and creates the situation. On a rule refusal answers
 * itself (422 with the list of problems) unless errors is given: then the
 * problems are appended there (page) and -2 is returned. On success writes
 * the new id and the answer fields into *out (a new JSON object). */
int referral_create(req *r, json_t *body, json_t *errors, json_t **out);

int api_referrals(req *r);
int api_situations(req *r);
int api_situation(req *r);
int api_triage(req *r);
int api_triage_queue(req *r);
int api_alerts(req *r);
int api_alert_resolve(req *r);
/* The caller's alerts, as GET /api/v1/alerts lists them ([{id, kind,
 * situation_id, since}]); NULL on a store failure. Not audited: the
 * caller audits its read. */
json_t *alerts_of(req *r);
int api_situation_review(req *r);
int api_situation_close(req *r);
int api_instruments(req *r);
int api_instrument(req *r);
int api_assessments(req *r);
int api_assessment_approve(req *r);
/* Scores and stores an assessment; see referral_create for the errors rule. */
int assessment_create(req *r, const char *sid, json_t *body, json_t *errors, json_t **out);
/* The coordinator's queue of referrals, highest priority first. */
json_t *triage_queue(req *r);

/* 1 if the caller may do verb to situation id (the one policy, with the
 * facts from the store: territory, participation, exclusion). */
struct store_situation_access;
int situation_allowed(req *r, const char *id, policy_verb verb, struct store_situation_access *acc);
/* The gate of every situation route: 1 when the caller may do verb; else
 * answers - 404 (as for a missing id) when the situation is not visible to
 * them, 403 when it is but the verb is not theirs (a participant who is not
 * the coordinator) - and returns 0. */
int situation_gate(req *r, const char *id, policy_verb verb, struct store_situation_access *acc);
/* Answers 404 exactly as for a missing id; records the refusal; an excluded
 * user's attempt also alerts the coordinator. Returns 0. */
int situation_not_visible(req *r, const char *id);

/* The situation as the caller may see it (fields filtered), or NULL when it
 * is not visible (the caller answers 404) - the read is audited. */
json_t *situation_view(req *r, const char *id, int *status);

/* 1 if the caller may do verb to situation id under the policy (the
 * same facts the API handlers use), else 0; answers nothing. */
int situation_can(req *r, const char *id, policy_verb verb);

#endif
