/*
 * actions.h - storage of the safety net: the actions of a situation (who
 * does what, for whom, by when) and their follow-up notes. Titles, blocked
 * reasons and notes arrive encrypted; the store never sees plaintext.
 * Variable-length text comes from the caller's arena.
 */
#ifndef FILET_STORE_ACTIONS_H
#define FILET_STORE_ACTIONS_H

#include "lib/arena.h"
#include "store/store.h"

typedef struct store_action {
    char id[STORE_ID_LEN + 1];
    char situation_id[STORE_ID_LEN + 1];
    const char *title_enc;
    char phase[32];
    char protects_person_id[STORE_ID_LEN + 1];
    char owner_agency_id[STORE_ID_LEN + 1];
    const char *owner_user_id;      /* NULL: the agency as a whole */
    const char *due_on;             /* YYYY-MM-DD or NULL */
    char status[16];
    const char *blocked_reason_enc; /* NULL unless blocked */
    char created_by[STORE_ID_LEN + 1];
    const char *created_at, *updated_at;
    long long version;
    /* joined, when read */
    const char *owner_agency_name;
    char territory_id[STORE_ID_LEN + 1]; /* the situation's */
    int participates;                    /* store_actions_mine_each: the agency takes part (live) */
} store_action;

typedef struct store_action_note {
    char id[STORE_ID_LEN + 1];
    char action_id[STORE_ID_LEN + 1];
    char author[STORE_ID_LEN + 1];
    const char *author_name; /* the user's display name */
    const char *at;
    const char *text_enc;
} store_action_note;

int store_action_add(store_conn *c, const store_action *x);
int store_action_get(store_conn *c, arena *a, const char *id, store_action *out);
/* The actions of a situation: by protected person, then phase (in the
 * order of the vocabulary), then due date. */
int store_actions_each(store_conn *c, arena *a, const char *situation_id,
                       int (*fn)(void *ctx, const store_action *x), void *ctx);
/* The actions owned by agency_id in the situations the caller may see
 * (the rule of store_situations_visible_each), overdue on `today` first,
 * then open ones by due date, then done and cancelled ones. */
int store_actions_mine_each(store_conn *c, arena *a, const char *agency_id, const char *territory_id,
                            int coordinator, const char *user_id, const char *today,
                            int (*fn)(void *ctx, const store_action *x), void *ctx);
/* Sets the status (and the blocked reason, NULL to clear it) if version
 * matches: STORE_CONFLICT otherwise. */
int store_action_update(store_conn *c, const char *id, long long version, const char *status,
                        const char *blocked_reason_enc);
int store_action_note_add(store_conn *c, const char *id, const char *action_id, const char *author,
                          const char *text_enc);
/* Every note of the actions of a situation, oldest first. */
int store_action_notes_each(store_conn *c, arena *a, const char *situation_id,
                            int (*fn)(void *ctx, const store_action_note *n), void *ctx);

#endif
