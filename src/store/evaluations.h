/*
 * evaluations.h - storage of the practitioners' evaluations after cell
 * meetings (migration 0014): who has answered which meeting, only to refuse
 * a second answer, and the anonymous answers - no user, no meeting, no
 * time on them, only the territory and the month of the meeting. The
 * comment arrives encrypted.
 */
#ifndef FILET_STORE_EVALUATIONS_H
#define FILET_STORE_EVALUATIONS_H

#include "lib/arena.h"
#include "store/meetings.h"
#include "store/store.h"

/* 1 in *present when agency_id is recorded present (attendance, with the
 * undertaking) at the meeting. */
int store_attendance_has(store_conn *c, const char *meeting_id, const char *agency_id, int *present);

/* The meetings user_id may still evaluate, latest first: its agency_id is
 * recorded present, the meeting started at or before now and after since
 * (now less the answering window), and the user has not answered it. fn
 * gets id, territory_id, kind and starts_at (the other fields are empty). */
int store_evaluations_pending_each(store_conn *c, const char *user_id, const char *agency_id, const char *now,
                                   const char *since, int (*fn)(void *ctx, const store_meeting *m), void *ctx);

/* 1 in *done when user_id has answered the meeting's questionnaire. */
int store_evaluation_done(store_conn *c, const char *meeting_id, const char *user_id, int *done);

typedef struct store_evaluation {
    const char *territory_id;
    const char *month;        /* YYYY-MM of the meeting */
    const char *form_id;
    int form_version;
    const char *id;           /* random (id_new), also the comment's AAD */
    const char *comment_enc;  /* NULL: none */
    const char *const *statements; /* the statements answered ... */
    const int *values;        /* ... and their values 1..5 */
    size_t n;
} store_evaluation;

/* In the caller's write transaction: records that user_id answered
 * meeting_id (STORE_CONFLICT when they already have), and the answers,
 * apart and without either. */
int store_evaluation_add(store_conn *c, const char *meeting_id, const char *user_id, const store_evaluation *e);

/* The answers of territory_id (NULL: every territory) for the meetings of
 * months from..to (YYYY-MM, both included): the number of questionnaires,
 * then per statement and value the number of answers. */
int store_evaluation_responses_count(store_conn *c, const char *territory_id, const char *from, const char *to,
                                     long *n);
int store_evaluation_counts_each(store_conn *c, const char *territory_id, const char *from, const char *to,
                                 int (*fn)(void *ctx, const char *statement, int value, long count), void *ctx);
/* The comments of the same questionnaires, in the order of their random
 * ids (which says nothing of who or when): fn gets the id and the
 * encrypted comment. */
int store_evaluation_comments_each(store_conn *c, arena *a, const char *territory_id, const char *from,
                                   const char *to, int (*fn)(void *ctx, const char *id, const char *comment_enc),
                                   void *ctx);

#endif
