/*
 * policy.h - the one access policy. Every handler asks policy_check before
 * it reads or writes anything; nothing else decides access. Pure: it takes
 * facts (who is asking, what about) and answers, so every rule is tested
 * without a server or a database. Deny by default.
 */
#ifndef FILET_POLICY_H
#define FILET_POLICY_H

typedef struct actor {
    const char *user_id;      /* NULL: not signed in */
    const char *agency_id;
    const char *territory_id;
    const char *role;         /* admin, coordinator, representative, practitioner, auditor */
    const char *sector;       /* the agency's sector */
} actor;

typedef enum policy_verb {
    VERB_READ,
    VERB_LIST,
    VERB_CREATE,
    VERB_UPDATE,
    VERB_DELETE,
    VERB_EXPORT,
    VERB_DECIDE, /* a coordinator's decision: triage, approve a lowered level, ... */
} policy_verb;

typedef enum policy_object {
    OBJ_SELF,        /* the actor's own account, sessions, drafts */
    OBJ_TERRITORY,
    OBJ_AGENCY,
    OBJ_USER,        /* other users' accounts */
    OBJ_AUDIT,       /* the audit trail */
    OBJ_INSTRUMENT,
    OBJ_SITUATION,   /* a situation and everything in it (need to know) */
    OBJ_REFERRAL,    /* making a new referral */
    OBJ_TRIAGE,      /* the territory's triage queue and alerts */
} policy_object;

typedef struct policy_target {
    policy_object type;
    const char *owner_user_id; /* OBJ_SELF: whose it is */
    const char *territory_id;  /* where the object lives, when it has a place */
    int participates;          /* OBJ_SITUATION: the actor's agency takes part (live participation) */
} policy_target;

/* 1 if actor may do verb to target, else 0. */
int policy_check(const actor *a, policy_verb verb, const policy_target *t);

/* 1 if role is one of the five roles. */
int policy_role_valid(const char *role);
/* 1 if sector is one of the agency sectors of API.md. */
int policy_sector_valid(const char *sector);

#endif
