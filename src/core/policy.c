/*
 * policy.c - the access policy; see policy.h.
 *
 * Rules (issue 3, identity): an admin manages territories, agencies and
 * users but sees no situation content; an auditor reads the audit trail;
 * every signed-in user reads the agency list and instruments and manages
 * their own account. Anything not granted here is refused (ASVS 4.1.3,
 * least privilege; ASVS 4.1.5, fail closed).
 *
 * Situations (need to know): coordinators see and decide on every situation
 * of their territory; the agencies taking part in a situation see it and
 * contribute to it; nobody else learns that it exists (the web layer answers
 * 404). Admins and auditors see no situation content. Practitioners,
 * representatives and coordinators make referrals.
 *
 * Actions (the safety net): read and created by whoever sees the situation;
 * updated by the owner agency (while it takes part) and the coordinator.
 *
 * Meetings: the coordinators of the territory convene them, invite
 * agencies, set the agenda and keep the minutes; the invited agencies see
 * the meeting (nobody else learns it exists). An agency's presence is
 * recorded by the coordinator or by a representative of that agency, when
 * it is invited.
 */
#include "core/policy.h"

#include <string.h>

static int is(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

int policy_role_valid(const char *role)
{
    static const char *const roles[] = {"admin", "coordinator", "representative", "practitioner", "auditor"};
    for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
        if (is(role, roles[i]))
            return 1;
    return 0;
}

int policy_sector_valid(const char *sector)
{
    static const char *const sectors[] = {
        "police", "shelter", "child_protection", "health", "mental_health", "addiction",
        "justice", "probation", "victim_support", "perpetrator_programme", "legal_aid",
        "social_services", "housing", "immigration", "education", "other"};
    for (size_t i = 0; i < sizeof(sectors) / sizeof(sectors[0]); i++)
        if (is(sector, sectors[i]))
            return 1;
    return 0;
}

/* Roles that work on situations. */
static int cell_role(const char *role)
{
    return is(role, "coordinator") || is(role, "representative") || is(role, "practitioner");
}

int policy_check(const actor *a, policy_verb verb, const policy_target *t)
{
    if (!a || !a->user_id || !a->role || !t)
        return 0;
    int admin = is(a->role, "admin");
    switch (t->type) {
    case OBJ_SELF:
        return is(a->user_id, t->owner_user_id);
    case OBJ_TERRITORY:
    case OBJ_AGENCY:
        if (verb == VERB_READ || verb == VERB_LIST)
            return 1;
        return admin && (verb == VERB_CREATE || verb == VERB_UPDATE);
    case OBJ_USER:
        return admin && verb != VERB_DELETE && verb != VERB_EXPORT;
    case OBJ_AUDIT:
        return is(a->role, "auditor") && (verb == VERB_READ || verb == VERB_LIST || verb == VERB_EXPORT);
    case OBJ_INSTRUMENT:
        return verb == VERB_READ || verb == VERB_LIST;
    case OBJ_REFERRAL:
        return verb == VERB_CREATE && cell_role(a->role);
    case OBJ_TRIAGE:
        return is(a->role, "coordinator") && is(a->territory_id, t->territory_id) &&
               (verb == VERB_READ || verb == VERB_LIST || verb == VERB_DECIDE);
    case OBJ_REGISTER:
        /* s. 59.1: the register is read by those accountable for it. */
        return (verb == VERB_READ || verb == VERB_LIST || verb == VERB_EXPORT) &&
               (is(a->role, "auditor") || (is(a->role, "coordinator") && is(a->territory_id, t->territory_id)));
    case OBJ_SITUATION: {
        /* An excluded user is a non-participant, whatever the role. */
        if (!cell_role(a->role) || t->excluded)
            return 0;
        int coordinator = is(a->role, "coordinator") && is(a->territory_id, t->territory_id);
        if (verb == VERB_DECIDE)
            return coordinator;
        if (verb == VERB_READ || verb == VERB_LIST || verb == VERB_UPDATE || verb == VERB_CREATE)
            return coordinator || t->participates;
        return 0;
    }
    case OBJ_ACTION: {
        if (!cell_role(a->role) || t->excluded)
            return 0;
        int coordinator = is(a->role, "coordinator") && is(a->territory_id, t->territory_id);
        if (verb == VERB_READ || verb == VERB_LIST || verb == VERB_CREATE)
            return coordinator || t->participates;
        if (verb == VERB_UPDATE)
            return coordinator || (t->participates && is(a->agency_id, t->owner_agency_id));
        return 0;
    }
    case OBJ_MEETING: {
        if (!cell_role(a->role))
            return 0;
        int coordinator = is(a->role, "coordinator") && is(a->territory_id, t->territory_id);
        if (verb == VERB_LIST)
            return 1; /* the list holds only what each may read */
        if (verb == VERB_READ)
            return coordinator || t->invited;
        if (verb == VERB_CREATE || verb == VERB_UPDATE || verb == VERB_DECIDE)
            return coordinator;
        return 0;
    }
    case OBJ_ATTENDANCE:
        if (verb != VERB_CREATE || !cell_role(a->role))
            return 0;
        if (is(a->role, "coordinator") && is(a->territory_id, t->territory_id))
            return 1;
        return is(a->role, "representative") && t->invited && is(a->agency_id, t->agency_id);
    case OBJ_RESEARCH: {
        if (!cell_role(a->role) || t->excluded)
            return 0;
        int coordinator = is(a->role, "coordinator") && is(a->territory_id, t->territory_id);
        if (verb == VERB_READ || verb == VERB_LIST || verb == VERB_CREATE)
            return coordinator || (t->invited && t->participates);
        return 0;
    }
    case OBJ_INDICATORS:
    case OBJ_EVALUATION_RESULTS:
        /* Counts only, never personal data: those accountable for the
         * cell's work read them (no one else needs to). */
        if (verb != VERB_READ && verb != VERB_LIST && verb != VERB_EXPORT)
            return 0;
        if (admin)
            return 1;
        return t->territory_id && (is(a->role, "coordinator") || is(a->role, "auditor")) &&
               is(a->territory_id, t->territory_id);
    case OBJ_EVALUATION:
        if (!cell_role(a->role))
            return 0;
        if (verb == VERB_LIST)
            return 1; /* each sees only their own pending questionnaires */
        return verb == VERB_CREATE && t->attended;
    }
    return 0;
}

/* 1 if id is one of the comma-separated ids of list. */
static int in_list(const char *list, const char *id)
{
    if (!list || !id || !*id)
        return 0;
    size_t n = strlen(id);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, id, n) == 0)
            return 1;
        p += len + (p[len] == ',');
    }
    return 0;
}

int policy_item_visible(const actor *a, const policy_item *it)
{
    if (!a || !a->user_id || !it)
        return 0;
    if (is(a->agency_id, it->shared_by_agency))
        return 1;
    /* Consent conditions bind (A-2.1 s. 59.1: within the consent given). */
    if (is(it->basis, "consent") && in_list(it->excluded_sectors, a->sector))
        return 0;
    if (it->coordinator)
        return 1;
    if (!it->visible_to || !*it->visible_to)
        return 1;
    return in_list(it->visible_to, a->agency_id);
}

int policy_reads_evaluation_comments(const actor *a, const char *territory_id)
{
    return a && a->user_id && territory_id && (is(a->role, "coordinator") || is(a->role, "auditor")) &&
           is(a->territory_id, territory_id);
}

int policy_coordinates(const actor *a, const char *territory_id)
{
    return a && a->user_id && is(a->role, "coordinator") && is(a->territory_id, territory_id);
}

int policy_default_contact_agency(const char *referring_sector)
{
    return !is(referring_sector, "perpetrator_programme") && !is(referring_sector, "probation");
}
