/*
 * alertkind.c - the kinds of alert and their labels; see alertkind.h.
 */
#include "core/alertkind.h"

#include <string.h>

#include "lib/i18n.h"

static const struct {
    const char *kind, *label, *help;
} kinds[] = {
    {"urgent_waiting", N_("Urgent referrals not on a meeting within the target"),
     N_("Triaged to the urgent cell, and on no meeting within the territory's target.")},
    {"excluded_attempt", N_("Attempts by excluded users"),
     N_("A user excluded from the situation tried to open it.")},
    {"perpetrator_release", N_("Perpetrator releases within 14 days"),
     N_("A release date recorded on an information item is near.")},
    {"protective_order_expiring", N_("Protective orders ending within 14 days"),
     N_("The end date of a protective order or bail condition is near.")},
    {"action_overdue", N_("Overdue actions"), N_("An action of the safety net is past its due date.")},
    {"review_due", N_("Reviews due"), N_("The situation's review date is reached.")},
    {"lowering_to_approve", N_("Lowered levels to approve"),
     N_("An assessment lowered the level by professional judgement: the coordinator approves it.")},
    {"repeat", N_("Repeat referrals"), N_("A new referral for the same people within 12 months of an earlier one.")},
    {"known_elsewhere", N_("Known in another territory"),
     N_("A person of this situation was just referred in another territory.")},
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

const char *const alert_kinds[] = {"urgent_waiting",    "excluded_attempt", "perpetrator_release",
                                   "protective_order_expiring", "action_overdue", "review_due",
                                   "lowering_to_approve", "repeat", "known_elsewhere", NULL};

size_t alert_kind_rank(const char *kind)
{
    for (size_t i = 0; kind && i < NKINDS; i++)
        if (strcmp(kind, kinds[i].kind) == 0)
            return i;
    return NKINDS;
}

const char *alert_kind_label(const char *kind)
{
    size_t i = alert_kind_rank(kind);
    return i < NKINDS ? kinds[i].label : (kind ? kind : "");
}

const char *alert_kind_help(const char *kind)
{
    size_t i = alert_kind_rank(kind);
    return i < NKINDS ? kinds[i].help : "";
}
