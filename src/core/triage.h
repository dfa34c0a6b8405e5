/*
 * triage.h - the documented triage rule: risk level x complexity x urgency
 * gives a suggested route for a referral. The coordinator decides; the rule
 * only suggests, and its reason is shown next to the suggestion. Pure: facts
 * in, advice out.
 *
 * THE RULE (first match wins; shown to coordinators):
 *   1. The assessed level is the top level of its instrument, or a critical
 *      item was answered yes, or there is an imminent threat
 *        -> urgent cell (convene within 24-72 h).
 *   2. The assessment says refer and at least one urgency factor is present
 *      (separation under way, release from custody, court date)
 *        -> urgent cell.
 *   3. The assessment says refer, or this is a repeat within 12 months, or
 *      there is potential escalation
 *        -> scheduled conference.
 *   4. Not referred, but at least one complexity factor (mental health,
 *      addiction, child maltreatment)
 *        -> clinical concertation.
 *   5. Assessed at a level above the lowest
 *        -> single-agency follow-up with advice.
 *   6. Otherwise (lowest level or not assessed, nothing else)
 *        -> not retained (the coordinator must still give a reason).
 *   Levels: level_rank is the 0-based rank of the assessed level among the
 *   level_count levels of its instrument; -1 (or level_count < 1) means not
 *   assessed. A rank at or above level_count counts as the top level. An
 *   instrument with a single level has no top level (rank 0 is its lowest).
 *   Any non-zero flag means yes.
 *
 * QUEUE ORDER (higher first):
 *   priority = 1 000 000 000 x (critical item or imminent threat)
 *            +    10 000 000 x level score
 *            +     1 000 000 x urgency points
 *            +               min(waiting minutes, 999 999)
 *   level score = rank x 99 / (level_count - 1), rounded down: 0 for the
 *   lowest level (or not assessed, or a one-level instrument) and 99 for
 *   the top level of any instrument; a higher level of the same instrument
 *   always scores higher (for instruments of up to 100 levels). Urgency
 *   points are 0-4 (separation, release from custody, court date,
 *   imminent threat).
 *   Each term is below the step of the term above it, so waiting time never
 *   outranks urgency, urgency never outranks the level, and nothing outranks
 *   a critical item or an imminent threat. The maximum, 1 994 999 999, fits
 *   a 32-bit long. Negative waiting counts as 0.
 *
 * TIME TARGETS: hours from referral to the meeting per route, set by the
 * territory; defaults urgent cell 72, conference 720 (30 days), clinical
 * concertation 720, single agency 0 and not retained 0 (0: no target).
 */
#ifndef FILET_TRIAGE_H
#define FILET_TRIAGE_H

typedef enum triage_route {
    TRIAGE_URGENT_CELL,
    TRIAGE_CONFERENCE,
    TRIAGE_CLINICAL_CONCERTATION,
    TRIAGE_SINGLE_AGENCY,
    TRIAGE_NOT_RETAINED,
} triage_route;

#define TRIAGE_ROUTE_COUNT 5

typedef struct triage_facts {
    int level_rank;  /* 0-based rank of the assessed level in its instrument (-1: not assessed) */
    int level_count; /* number of levels of that instrument */
    int refer;       /* the assessment says refer */
    int critical;    /* a critical item was answered yes */
    int repeat;      /* repeat within 12 months */
    int escalation;  /* potential escalation */
    /* complexity */
    int mental_health, addiction, child_maltreatment;
    /* urgency */
    int separation, release_from_custody, court_date, imminent_threat;
} triage_facts;

typedef struct triage_advice {
    triage_route route;
    const char *reason;    /* English msgid of the rule that fired; static, translate with i18n_get */
    int urgency_points;    /* 0-4: separation, release, court date, imminent threat */
    int complexity_points; /* 0-3: mental health, addiction, child maltreatment */
} triage_advice;

/* "urgent_cell", "conference", "clinical_concertation", "single_agency",
 * "not_retained"; NULL for a value outside the enum. */
const char *triage_route_id(triage_route r);
/* 0 and *out (out may be NULL) for one of the ids above, else -1. */
int triage_route_parse(const char *id, triage_route *out);

/* Applies the rule. f NULL counts as no facts at all (not retained);
 * out NULL does nothing. */
void triage_suggest(const triage_facts *f, triage_advice *out);

/* Queue priority as documented above; 0 for f NULL. */
long triage_priority(const triage_facts *f, long waiting_minutes);

/* The five default targets in hours, indexed by triage_route. */
void triage_default_targets(long out[TRIAGE_ROUTE_COUNT]);
/* Target hours for route r: territory_targets[r], or the default when
 * territory_targets is NULL or the entry is negative. -1 for an invalid r. */
long triage_target_hours(triage_route r, const long territory_targets[TRIAGE_ROUTE_COUNT]);

#endif
