/*
 * sharing.h - storage for need-to-know sharing: information items (and
 * recorded decisions not to share), the disclosure register, exclusions of
 * named users, the agencies taking part. Values arrive encrypted.
 */
#ifndef FILET_STORE_SHARING_H
#define FILET_STORE_SHARING_H

#include "lib/arena.h"
#include "store/store.h"

typedef struct store_info {
    char id[STORE_ID_LEN + 1];
    char situation_id[STORE_ID_LEN + 1];
    char category[24];
    int shared;                 /* 0: a recorded decision not to share */
    const char *content_enc, *reason_enc, *justification_enc;
    char basis[24];
    const char *visible_to;     /* comma-separated agency ids; "" = all participants */
    int sensitive;
    const char *expires_on;     /* YYYY-MM-DD or NULL */
    const char *release_on;     /* a perpetrator's release date, YYYY-MM-DD or NULL */
    char agency_id[STORE_ID_LEN + 1];
    char user_id[STORE_ID_LEN + 1];
    const char *created_at;
    long long version;
    char meeting_id[STORE_ID_LEN + 1]; /* research for that meeting; "" for none */
    /* joined, for the register */
    const char *agency_name;
    const char *consent_excluded_sectors; /* the situation's consent conditions */
} store_info;

int store_info_add(store_conn *c, const store_info *x);
/* One item by id (STORE_NOTFOUND when none). */
int store_info_get(store_conn *c, arena *a, const char *id, store_info *x);
int store_info_each(store_conn *c, arena *a, const char *situation_id,
                    int (*fn)(void *ctx, const store_info *x), void *ctx);
/* The research of a meeting about one situation (items marked with the
 * meeting), oldest first. */
int store_research_each(store_conn *c, arena *a, const char *meeting_id, const char *situation_id,
                        int (*fn)(void *ctx, const store_info *x), void *ctx);
/* The register: every item (shared or not) of the situations of a
 * territory, or of one situation when situation_id is not NULL; newest
 * first; from/to limit created_at (dates, to exclusive; NULL open). */
int store_register_each(store_conn *c, arena *a, const char *territory_id, const char *situation_id,
                        const char *from, const char *to, int (*fn)(void *ctx, const store_info *x), void *ctx);

int store_exclusion_add(store_conn *c, const char *situation_id, const char *user_id, const char *reason_enc,
                        const char *by);
int store_exclusion_exists(store_conn *c, const char *situation_id, const char *user_id, int *excluded);

typedef struct store_participant {
    char agency_id[STORE_ID_LEN + 1];
    const char *agency_name;
    char sector[32];
    char basis[24];
    const char *justification_enc;
    const char *added_at;
    const char *ends_on;
} store_participant;

int store_participants_each(store_conn *c, arena *a, const char *situation_id,
                            int (*fn)(void *ctx, const store_participant *p), void *ctx);
/* Sets the end date of a participation (NULL: no end). */
int store_participation_end(store_conn *c, const char *situation_id, const char *agency_id, const char *ends_on);
/* The agency ids allowed to read a person's contact fields. */
int store_contact_visible_set(store_conn *c, const char *situation_id, const char *person_id, const char *visible_to);

#endif
