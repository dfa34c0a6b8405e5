/*
 * situations.h - storage of situations, persons, participation, assessments,
 * history and alerts. Personal values arrive here already encrypted (the
 * *_enc fields); the store never sees plaintext. Text columns of variable
 * length are returned allocated from the caller's arena.
 */
#ifndef FILET_STORE_SITUATIONS_H
#define FILET_STORE_SITUATIONS_H

#include "lib/arena.h"
#include "store/store.h"

typedef struct store_situation {
    char id[STORE_ID_LEN + 1];
    char territory_id[STORE_ID_LEN + 1];
    char referring_agency_id[STORE_ID_LEN + 1];
    char referring_user_id[STORE_ID_LEN + 1];
    char status[16];
    const char *summary_enc;
    char consent_status[16];
    const char *consent_scope_enc;      /* NULL when none */
    const char *consent_conditions_enc;
    const char *consent_excluded_sectors; /* comma-separated sector ids */
    char legal_basis[24];
    const char *justification_enc;
    int perpetrator_unknown;
    const char *repeat_of;              /* NULL when not a repeat */
    int incidents_12m;                  /* -1 when unknown */
    int mental_health, addiction, child_maltreatment;
    int separation, release_from_custody, court_date, imminent_threat;
    const char *triage_route;           /* NULL until triaged */
    const char *triage_reason_enc;
    const char *triaged_at;
    const char *created_at;
    const char *updated_at;
    long long version;
} store_situation;

typedef struct store_sperson {
    char person_id[STORE_ID_LEN + 1];
    const char *ref;
    char role[16];
    int unborn, child_of_perpetrator, stepchild;
    const char *due_date_enc, *safe_address_enc, *safe_phone_enc;
    const char *visible_to;             /* comma-separated agency ids */
    const char *given_enc, *family_enc, *birth_enc; /* from persons */
} store_sperson;

typedef struct store_assessment {
    char id[STORE_ID_LEN + 1];
    char situation_id[STORE_ID_LEN + 1];
    const char *instrument_id;
    int instrument_version;
    const char *answers;                /* JSON */
    int score;
    const char *computed_level, *level, *judgement_level, *judgement_reason_enc;
    int lowered, refer, incidents_12m;
    const char *criteria;               /* comma-separated */
    const char *approved_by, *approved_at;
    char assessed_by[STORE_ID_LEN + 1];
    char agency_id[STORE_ID_LEN + 1];
    const char *created_at;
    long long version;
} store_assessment;

/* Facts the access policy needs about one situation and one actor. */
typedef struct store_situation_access {
    char territory_id[STORE_ID_LEN + 1];
    char status[16];
    char referring_agency_id[STORE_ID_LEN + 1];
    int participates; /* the agency has a participation that has not ended */
    int excluded;     /* the user is excluded from it by name */
} store_situation_access;

typedef struct store_territory_settings {
    int escalation_threshold;
    long target_hours[5]; /* urgent_cell, conference, clinical_concertation, single_agency, not_retained */
    int retention_months; /* closed situations are purged this long after closure */
    int meeting_quorum;   /* agencies present a meeting needs when it sets no quorum of its own */
    long long adult_women; /* adult female population, for the indicators; 0 when not set */
} store_territory_settings;

int store_territory_settings_get(store_conn *c, const char *territory_id, store_territory_settings *out);
/* Sets the threshold, the urgent/conference/clinical targets (hours), the
 * retention period, the meetings' default quorum and the adult female
 * population (0: not set). */
int store_territory_settings_set(store_conn *c, const char *territory_id, const store_territory_settings *in);

int store_person_add(store_conn *c, const char *id, const char *given_enc, const char *family_enc,
                     const char *birth_enc, const char *match_hash, const char *match_key_id);
/* The person already known under this match hash, if any. */
int store_person_by_match(store_conn *c, const char *match_hash, char id[STORE_ID_LEN + 1]);

int store_situation_add(store_conn *c, const store_situation *s);
int store_situation_get(store_conn *c, arena *a, const char *id, store_situation *out);
int store_situation_person_add(store_conn *c, const char *situation_id, const store_sperson *p);
int store_situation_persons_each(store_conn *c, arena *a, const char *situation_id,
                                 int (*fn)(void *ctx, const store_sperson *p), void *ctx);
int store_situation_access_get(store_conn *c, const char *situation_id, const char *agency_id,
                               const char *user_id, const char *today, store_situation_access *out);
/* Situations the caller may see: all of the territory when coordinator,
 * else those in which the agency takes part (same rule as the policy). */
int store_situations_visible_each(store_conn *c, arena *a, const char *territory_id, int coordinator,
                                  const char *agency_id, const char *user_id, const char *today,
                                  int (*fn)(void *ctx, const store_situation *s), void *ctx);
/* Triage: sets the route, reason and status 'triaged' if version matches
 * (STORE_CONFLICT otherwise). */
int store_situation_triage(store_conn *c, const char *id, long long version, const char *route,
                           const char *reason_enc, const char *user_id);
int store_situation_touch_version(store_conn *c, const char *id);
/* Closes the situation if version matches (STORE_CONFLICT otherwise, or if
 * already closed) and ends every participation but the referrer's the day
 * before today: only the referrer and the coordinators keep access. */
int store_situation_close(store_conn *c, const char *id, long long version, const char *reason,
                          const char *notes_enc, const char *transfer_enc, const char *yesterday);
/* The closure record, NULL fields when open. */
int store_situation_closure(store_conn *c, arena *a, const char *id, const char **reason,
                            const char **closed_at, const char **notes_enc, const char **transfer_enc);

int store_relationship_add(store_conn *c, const char *situation_id, const char *from_person,
                           const char *to_person, const char *kind);
int store_relationships_each(store_conn *c, const char *situation_id,
                             int (*fn)(void *ctx, const char *from, const char *to, const char *kind), void *ctx);

int store_participation_add(store_conn *c, const char *situation_id, const char *agency_id,
                            const char *basis, const char *justification_enc, const char *added_by);

int store_assessment_add(store_conn *c, const store_assessment *a);
int store_assessments_each(store_conn *c, arena *a, const char *situation_id,
                           int (*fn)(void *ctx, const store_assessment *x), void *ctx);
int store_assessment_approve(store_conn *c, const char *id, const char *situation_id, const char *user_id);

int store_situation_event_add(store_conn *c, const char *situation_id, const char *user_id,
                              const char *agency_id, const char *kind, const char *detail);
int store_situation_events_each(store_conn *c, arena *a, const char *situation_id,
                                int (*fn)(void *ctx, const char *at, const char *user_id,
                                          const char *kind, const char *detail), void *ctx);

/* Earlier situations with this victim (hash) as victim and this perpetrator
 * (hash) as perpetrator: fn gets the id, created_at and closed_at (or NULL). */
int store_repeat_candidates_each(store_conn *c, const char *victim_hash, const char *perp_hash,
                                 int (*fn)(void *ctx, const char *id, const char *created_at,
                                           const char *closed_at), void *ctx);
/* Situations not closed where a person with this hash appears, other than
 * except_id: fn gets the id and territory. */
int store_active_with_person_each(store_conn *c, const char *match_hash, const char *except_id,
                                  int (*fn)(void *ctx, const char *id, const char *territory_id), void *ctx);

int store_alert_add(store_conn *c, const char *territory_id, const char *kind,
                    const char *situation_id, const char *dedupe);
/* Marks the open stored alert id of territory_id dealt with (now);
 * STORE_NOTFOUND when there is no such open alert. */
int store_alert_resolve(store_conn *c, const char *territory_id, const char *id);
/* Marks the open alert with this dedupe key dealt with, if there is one. */
int store_alert_resolve_dedupe(store_conn *c, const char *dedupe);
typedef struct store_alert {
    char id[STORE_ID_LEN + 1];
    char kind[32];
    char situation_id[STORE_ID_LEN + 1];
    char created_at[32];
} store_alert;
int store_alerts_open_each(store_conn *c, const char *territory_id,
                           int (*fn)(void *ctx, const store_alert *al), void *ctx);

#endif
