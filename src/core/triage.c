/*
 * triage.c - the triage rule, queue priority and time targets; see triage.h
 * for the rule as shown to coordinators. Every reason is an English msgid
 * marked with N_() so xgettext extracts it; the web layer translates it.
 */
#include "core/triage.h"

#include <string.h>

#include "lib/i18n.h"

/* The reasons, one per rule of triage.h. */
static const char *const reason_top_level =
    N_("The assessed level is the highest of the instrument: convene the urgent cell.");
static const char *const reason_critical =
    N_("A critical risk factor or an imminent threat: convene the urgent cell.");
static const char *const reason_refer_urgent =
    N_("Referral recommended and an urgency factor (separation, release from custody, court date): convene the urgent cell.");
static const char *const reason_conference =
    N_("Referral recommended, a repeat within 12 months or a potential escalation: schedule for the next conference.");
static const char *const reason_clinical =
    N_("Not referred, but a complexity factor (mental health, addiction, child maltreatment): clinical concertation.");
static const char *const reason_single_agency =
    N_("Assessed above the lowest level: single-agency follow-up with advice.");
static const char *const reason_not_retained =
    N_("Lowest level or not assessed, and no other factor: not retained (give a reason).");

static const char *const route_ids[TRIAGE_ROUTE_COUNT] = {
    "urgent_cell", "conference", "clinical_concertation", "single_agency", "not_retained"};

static const long default_targets[TRIAGE_ROUTE_COUNT] = {72, 720, 720, 0, 0};

const char *triage_route_id(triage_route r)
{
    if ((int)r < 0 || (int)r >= TRIAGE_ROUTE_COUNT)
        return NULL;
    return route_ids[r];
}

int triage_route_parse(const char *id, triage_route *out)
{
    if (!id)
        return -1;
    for (int i = 0; i < TRIAGE_ROUTE_COUNT; i++) {
        if (strcmp(id, route_ids[i]) == 0) {
            if (out)
                *out = (triage_route)i;
            return 0;
        }
    }
    return -1;
}

/* 1 if the facts carry an assessed level. */
static int assessed(const triage_facts *f)
{
    return f->level_count >= 1 && f->level_rank >= 0;
}

/* The assessed rank, clamped to the instrument's levels. */
static int clamped_rank(const triage_facts *f)
{
    return f->level_rank >= f->level_count ? f->level_count - 1 : f->level_rank;
}

static int is_top_level(const triage_facts *f)
{
    return assessed(f) && f->level_count >= 2 && clamped_rank(f) == f->level_count - 1;
}

static int urgency_points(const triage_facts *f)
{
    return (f->separation != 0) + (f->release_from_custody != 0) + (f->court_date != 0) +
           (f->imminent_threat != 0);
}

static int complexity_points(const triage_facts *f)
{
    return (f->mental_health != 0) + (f->addiction != 0) + (f->child_maltreatment != 0);
}

void triage_suggest(const triage_facts *f, triage_advice *out)
{
    static const triage_facts none = {.level_rank = -1};
    if (!out)
        return;
    if (!f)
        f = &none;
    out->urgency_points = urgency_points(f);
    out->complexity_points = complexity_points(f);

    if (is_top_level(f)) {
        out->route = TRIAGE_URGENT_CELL;
        out->reason = reason_top_level;
    } else if (f->critical || f->imminent_threat) {
        out->route = TRIAGE_URGENT_CELL;
        out->reason = reason_critical;
    } else if (f->refer && out->urgency_points > 0) {
        out->route = TRIAGE_URGENT_CELL;
        out->reason = reason_refer_urgent;
    } else if (f->refer || f->repeat || f->escalation) {
        out->route = TRIAGE_CONFERENCE;
        out->reason = reason_conference;
    } else if (out->complexity_points > 0) {
        out->route = TRIAGE_CLINICAL_CONCERTATION;
        out->reason = reason_clinical;
    } else if (assessed(f) && clamped_rank(f) > 0) {
        out->route = TRIAGE_SINGLE_AGENCY;
        out->reason = reason_single_agency;
    } else {
        out->route = TRIAGE_NOT_RETAINED;
        out->reason = reason_not_retained;
    }
}

/* 0-99: the rank scaled so the top level of every instrument is 99. */
static long level_score(const triage_facts *f)
{
    if (!assessed(f) || f->level_count < 2)
        return 0;
    long long rank = clamped_rank(f);
    return (long)(rank * 99 / (f->level_count - 1));
}

long triage_priority(const triage_facts *f, long waiting_minutes)
{
    if (!f)
        return 0;
    long wait = waiting_minutes < 0 ? 0 : waiting_minutes > 999999L ? 999999L : waiting_minutes;
    long first = (f->critical || f->imminent_threat) ? 1 : 0;
    return first * 1000000000L + level_score(f) * 10000000L + urgency_points(f) * 1000000L + wait;
}

void triage_default_targets(long out[TRIAGE_ROUTE_COUNT])
{
    if (!out)
        return;
    for (int i = 0; i < TRIAGE_ROUTE_COUNT; i++)
        out[i] = default_targets[i];
}

long triage_target_hours(triage_route r, const long territory_targets[TRIAGE_ROUTE_COUNT])
{
    if ((int)r < 0 || (int)r >= TRIAGE_ROUTE_COUNT)
        return -1;
    if (territory_targets && territory_targets[r] >= 0)
        return territory_targets[r];
    return default_targets[r];
}
