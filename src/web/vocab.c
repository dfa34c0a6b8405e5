/*
 * vocab.c - labels of the vocabulary ids; see vocab.h.
 */
#include "web/vocab.h"

#include <string.h>

#include "lib/i18n.h"

typedef struct pair {
    const char *id, *label;
} pair;

static const pair roles[] = {
    {"admin", N_("Administrator")},       {"coordinator", N_("Coordinator")},
    {"representative", N_("Agency representative")}, {"practitioner", N_("Practitioner")},
    {"auditor", N_("Auditor")},
};

/* The persons of a situation. */
static const pair person_roles[] = {
    {"victim", N_("Victim")},   {"perpetrator", N_("Person who uses violence")}, {"child", N_("Child")},
    {"relative", N_("Relative")}, {"new_partner", N_("New partner")},
};

static const pair sectors[] = {
    {"police", N_("Police")},
    {"shelter", N_("Shelter")},
    {"child_protection", N_("Child protection")},
    {"health", N_("Health and social services")},
    {"mental_health", N_("Mental health")},
    {"addiction", N_("Addiction services")},
    {"justice", N_("Prosecution and courts")},
    {"probation", N_("Probation and corrections")},
    {"victim_support", N_("Victim support")},
    {"perpetrator_programme", N_("Perpetrator programme")},
    {"legal_aid", N_("Legal aid")},
    {"social_services", N_("Social services")},
    {"housing", N_("Housing")},
    {"immigration", N_("Immigration")},
    {"education", N_("Education")},
    {"other", N_("Other")},
};

static const char *lookup(const pair *p, size_t n, const char *id)
{
    for (size_t i = 0; id && i < n; i++)
        if (strcmp(p[i].id, id) == 0)
            return p[i].label;
    return id ? id : "";
}

const char *vocab_role(const char *id)
{
    return lookup(roles, sizeof(roles) / sizeof(roles[0]), id);
}

const char *vocab_person_role(const char *id)
{
    return lookup(person_roles, sizeof(person_roles) / sizeof(person_roles[0]), id);
}

const char *vocab_sector(const char *id)
{
    return lookup(sectors, sizeof(sectors) / sizeof(sectors[0]), id);
}

static const pair categories[] = {
    {"incident_history", N_("Incident history")},
    {"criminal_record", N_("Criminal record")},
    {"protective_order", N_("Protective order or release conditions")},
    {"child_protection", N_("Child protection")},
    {"health", N_("Health")},
    {"mental_health", N_("Mental health")},
    {"addiction", N_("Addiction")},
    {"housing", N_("Housing")},
    {"weapons_access", N_("Access to weapons")},
    {"other", N_("Other")},
};

static const pair bases[] = {
    {"consent", N_("Consent of the victim")},
    {"safety_exception", N_("Safety exception")},
    {"duty_to_report", N_("Duty to report")},
    {"court_order", N_("Court order")},
    {"referrer", N_("Referring agency")},
    {"none", N_("None: not shared")},
};

static const pair close_reasons[] = {
    {"risk_reduced", N_("Risk reduced")},
    {"relocated", N_("Victim relocated in a safe place")},
    {"unreachable", N_("Victim cannot be reached")},
    {"moved_out_of_territory", N_("Moved out of the territory: transferred")},
    {"other", N_("Other")},
};

static const pair relationships[] = {
    {"partner", N_("Partner")},
    {"ex_partner", N_("Former partner")},
    {"parent", N_("Parent")},
    {"step_parent", N_("Step-parent")},
    {"new_partner", N_("New partner")},
    {"relative", N_("Relative")},
};

const char *vocab_category(const char *id)
{
    return lookup(categories, sizeof(categories) / sizeof(categories[0]), id);
}

const char *vocab_basis(const char *id)
{
    return lookup(bases, sizeof(bases) / sizeof(bases[0]), id);
}

const char *vocab_close_reason(const char *id)
{
    return lookup(close_reasons, sizeof(close_reasons) / sizeof(close_reasons[0]), id);
}

const char *vocab_relationship(const char *id)
{
    return lookup(relationships, sizeof(relationships) / sizeof(relationships[0]), id);
}

/* --- meeting kinds (meeting_pages.c) --- */

static const pair meeting_kinds[] = {
    {"urgent", N_("Urgent cell meeting")},
    {"scheduled", N_("Scheduled conference")},
    {"clinical", N_("Clinical concertation")},
};

const char *vocab_meeting_kind(const char *id)
{
    return lookup(meeting_kinds, sizeof(meeting_kinds) / sizeof(meeting_kinds[0]), id);
}

/* The safety net (actions.c): the phases of an action and its statuses. */
static const pair phases[] = {
    {"first_contact_safety", N_("First contact and immediate safety")},
    {"risk_assessment_safety_plan", N_("Risk assessment and safety plan")},
    {"protective_orders", N_("Protective orders")},
    {"child_protection", N_("Child protection")},
    {"perpetrator_monitoring", N_("Monitoring of the person who uses violence")},
    {"relocation", N_("Relocation")},
    {"long_term_recovery", N_("Long-term recovery")},
};

static const pair action_statuses[] = {
    {"planned", N_("Planned")},       {"in_progress", N_("In progress")}, {"done", N_("Done")},
    {"cancelled", N_("Cancelled")},   {"blocked", N_("Blocked")},
};

const char *vocab_phase(const char *id)
{
    return lookup(phases, sizeof(phases) / sizeof(phases[0]), id);
}

const char *vocab_action_status(const char *id)
{
    return lookup(action_statuses, sizeof(action_statuses) / sizeof(action_statuses[0]), id);
}
