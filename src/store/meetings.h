/*
 * meetings.h - storage of cell meetings: the meeting, the agencies
 * invited, the agenda, attendance (with the confidentiality undertaking)
 * and minutes. The place and the minutes arrive encrypted.
 */
#ifndef FILET_STORE_MEETINGS_H
#define FILET_STORE_MEETINGS_H

#include "lib/arena.h"
#include "store/store.h"

typedef struct store_meeting {
    char id[STORE_ID_LEN + 1];
    char territory_id[STORE_ID_LEN + 1];
    char kind[16];              /* urgent, scheduled, clinical */
    char starts_at[32];         /* RFC 3339 UTC */
    const char *place_enc;      /* NULL when none */
    int quorum;                 /* agencies present needed */
    char created_by[STORE_ID_LEN + 1];
    const char *created_at;
    long long version;
} store_meeting;

int store_meeting_add(store_conn *c, const store_meeting *m);
int store_meeting_get(store_conn *c, arena *a, const char *id, store_meeting *out);
/* Meetings the caller may see: those of territory_id (a coordinator's;
 * NULL for none) and those agency_id is invited to; soonest first. */
int store_meetings_visible_each(store_conn *c, arena *a, const char *territory_id, const char *agency_id,
                                int (*fn)(void *ctx, const store_meeting *m), void *ctx);

/* STORE_CONFLICT when the agency is already invited. */
int store_meeting_invite(store_conn *c, const char *meeting_id, const char *agency_id, const char *by);
int store_meeting_invited(store_conn *c, const char *meeting_id, const char *agency_id, int *invited);
int store_meeting_invited_each(store_conn *c, arena *a, const char *meeting_id,
                               int (*fn)(void *ctx, const char *agency_id, const char *name, const char *sector),
                               void *ctx);

/* Appends a situation to the agenda (STORE_CONFLICT when already on it). */
int store_agenda_add(store_conn *c, const char *meeting_id, const char *situation_id, const char *by,
                     int *position);
int store_agenda_has(store_conn *c, const char *meeting_id, const char *situation_id, int *on);
/* The agenda in order: situations triaged to the urgent cell first, then
 * by position. */
int store_agenda_each(store_conn *c, const char *meeting_id,
                      int (*fn)(void *ctx, const char *situation_id, int position, int urgent), void *ctx);

/* Records (or renews) an agency's presence by user_id. */
int store_attendance_record(store_conn *c, const char *meeting_id, const char *agency_id, const char *user_id);
int store_attendance_each(store_conn *c, arena *a, const char *meeting_id,
                          int (*fn)(void *ctx, const char *agency_id, const char *user_id, const char *at),
                          void *ctx);
/* Distinct agencies present with the undertaking accepted. */
int store_attendance_present(store_conn *c, const char *meeting_id, int *present);

typedef struct store_minutes {
    const char *text_enc, *decisions_enc;
    char author[STORE_ID_LEN + 1];
    const char *updated_at;
    long long version;
} store_minutes;

/* STORE_NOTFOUND when there are no minutes yet. */
int store_minutes_get(store_conn *c, arena *a, const char *meeting_id, const char *situation_id,
                      store_minutes *out);
/* version 0: creates (STORE_CONFLICT if they exist); else replaces them if
 * version is the current one (STORE_CONFLICT otherwise). */
int store_minutes_put(store_conn *c, const char *meeting_id, const char *situation_id, const char *text_enc,
                      const char *decisions_enc, const char *author, long long version);

#endif
