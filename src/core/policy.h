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
    OBJ_INSTRUMENT,  /* reference data: instruments, legal bases, suggested actions */
    OBJ_SITUATION,   /* a situation and everything in it (need to know) */
    OBJ_REFERRAL,    /* making a new referral */
    OBJ_TRIAGE,      /* the territory's triage queue and alerts */
    OBJ_REGISTER,    /* the territory's disclosure register */
    OBJ_ACTION,      /* an action of a situation's safety net */
    OBJ_MEETING,     /* a cell meeting: invitations, agenda, minutes */
    OBJ_ATTENDANCE,  /* an agency's presence at a meeting (with the undertaking) */
    OBJ_RESEARCH,    /* what an invited agency brings to a meeting about a situation */
    OBJ_INDICATORS,  /* a territory's indicators (counts only), its reports and CSV */
    OBJ_EVALUATION,  /* an attendee's own questionnaire after a meeting */
    OBJ_EVALUATION_RESULTS, /* a territory's evaluation results (counts only) */
} policy_object;
#define OBJ_LAST OBJ_EVALUATION_RESULTS

typedef struct policy_target {
    policy_object type;
    const char *owner_user_id; /* OBJ_SELF: whose it is */
    const char *territory_id;  /* where the object lives, when it has a place */
    int participates;          /* OBJ_SITUATION: the actor's agency takes part (live participation) */
    int excluded;              /* OBJ_SITUATION: the actor is excluded from it by name */
    const char *owner_agency_id; /* OBJ_ACTION: the agency that owns the action */
    int invited;               /* OBJ_MEETING, OBJ_ATTENDANCE: the actor's agency is invited */
    const char *agency_id;     /* OBJ_ATTENDANCE: the agency whose presence is recorded */
    int attended;              /* OBJ_EVALUATION: the actor is named on the meeting's attendance */
} policy_target;

/* 1 if actor may do verb to target, else 0.
 * OBJ_ACTION carries its situation's facts (territory_id, participates,
 * excluded) and the owner agency: whoever sees the situation reads its
 * actions, its participants and coordinator create them, and only the
 * owner agency's users (while it takes part) and the coordinator update
 * one.
 * OBJ_RESEARCH carries the meeting's territory, whether the actor's agency
 * is invited and the situation's participates/excluded facts: invited
 * agencies taking part in the situation (and the coordinator) bring and
 * read research.
 * OBJ_INDICATORS and OBJ_EVALUATION_RESULTS: the territory's coordinators
 * and auditors read and export them; an admin any territory, or all
 * (territory_id NULL); nobody writes them.
 * OBJ_EVALUATION: cell users list their pending questionnaires; an
 * attendee (attended) answers one. */
int policy_check(const actor *a, policy_verb verb, const policy_target *t);

/* 1 if the actor reads the free comments of territory_id's practitioner
 * evaluations (without their authors): its coordinators and auditors,
 * never an admin, and never for all territories at once (NULL). */
int policy_reads_evaluation_comments(const actor *a, const char *territory_id);

/* 1 if the actor coordinates the cell of territory_id (sees all its
 * situations and every value in them, decides on them). */
int policy_coordinates(const actor *a, const char *territory_id);

/* Facts about one piece of information of a situation the actor may see. */
typedef struct policy_item {
    int coordinator;              /* the actor coordinates the situation's territory */
    const char *visible_to;       /* agency ids, comma-separated; "" or NULL = all participants */
    const char *shared_by_agency; /* the agency that brought it */
    const char *basis;            /* consent, safety_exception, duty_to_report, court_order */
    const char *excluded_sectors; /* the victim's consent conditions: "not to police" -> "police" */
} policy_item;

/* 1 if the actor may read the value of an item (or a contact field) of a
 * situation they may see: named in visible_to (or it is open to all
 * participants), or its coordinator, or the agency that shared it; and,
 * for what was shared under the victim's consent, not of a sector her
 * consent excludes (another basis recorded for it lifts that). */
int policy_item_visible(const actor *a, const policy_item *it);

/* Contact fields (safe address and phone) with no visible_to of their own
 * default to the referring agency - never a perpetrator programme or
 * probation, whose default is the coordinator alone. */
int policy_default_contact_agency(const char *referring_sector);

/* 1 if role is one of the five roles. */
int policy_role_valid(const char *role);
/* 1 if sector is one of the agency sectors of API.md. */
int policy_sector_valid(const char *sector);

#endif
