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

const char *vocab_sector(const char *id)
{
    return lookup(sectors, sizeof(sectors) / sizeof(sectors[0]), id);
}
