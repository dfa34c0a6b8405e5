/*
 * audit.h - the tamper-evident audit trail (ASVS 7.1-7.3, L3; UK DPA 2018
 * s.62 logging). Each row's hash is a BLAKE2b MAC, keyed with a sub-key of
 * the key file (outside the database), over the previous row's hash and
 * this row's fields; editing, inserting or deleting a row in the middle
 * breaks the chain, and `filet audit verify` finds the first broken row.
 * Caveat: removing the newest rows is not detectable from the chain alone.
 */
#ifndef FILET_AUDIT_H
#define FILET_AUDIT_H

#include "sec/keyfile.h"
#include "store/store.h"

typedef struct audit_event {
    const char *user_id;    /* who (NULL for an unknown user) */
    const char *agency_id;
    const char *source;     /* client address */
    const char *action;     /* read, create, update, delete, login_ok, login_failed, access_refused, export, ... */
    const char *object_type;
    const char *object_id;
    const char *fields;     /* changed field names, comma-separated; never values */
} audit_event;

/* Appends e to the chain. Call inside the write transaction of the change
 * it records, so that no change commits without its record. */
int audit_append(store_conn *c, const keyring *kr, const audit_event *e);

typedef struct audit_verify_result {
    long long rows;
    long long first_bad_seq; /* 0 when the chain is intact */
    char reason[128];
} audit_verify_result;

/* Walks the whole chain. Returns 0 when the walk could be done (look at
 * res->first_bad_seq), or a store error. */
int audit_verify(store_conn *c, const keyring *kr, audit_verify_result *res);

/* Re-seals every row under the current key (rotation); verifies first and
 * refuses a broken chain. Rows are re-sealed in transactions of batch rows. */
int audit_reseal(store_conn *c, const keyring *kr, long batch, long long *resealed);

#endif
