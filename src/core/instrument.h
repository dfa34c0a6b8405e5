/*
 * instrument.h - risk-assessment instruments as data, and the scoring rule.
 *
 * An instrument is a versioned JSON definition (instruments/README.md and
 * instruments/schema.json describe the format): items answered "yes", "no"
 * or "unknown", an optional grouping in sections, a scoring method ("count"
 * of yes, or "weighted" sum of the weights of the yes items), levels with
 * ascending thresholds, the level from which a situation is referred, and
 * critical items that alone raise the level. Every text has fr and en.
 *
 * Pure: instrument_parse works on text it is given; only the loader
 * (instrument_load_file, instrument_set_load_dir) reads files. A parsed
 * instrument is read-only and may be shared by threads; its strings live as
 * long as it does.
 *
 * Errors are "FILE:LINE: reason" (core/datafile.h): the line jansson
 * reports for a syntax error, else the line of the offending value in the
 * text (an item's or level's "id", an unknown key, a bad weight), or 1 when
 * it has none.
 */
#ifndef FILET_INSTRUMENT_H
#define FILET_INSTRUMENT_H

#include <jansson.h>
#include <stddef.h>

#include "core/datafile.h"

#define INSTRUMENT_MAX_ITEMS 500
#define INSTRUMENT_MAX_SECTIONS 64
#define INSTRUMENT_MAX_LEVELS 16
#define INSTRUMENT_MAX_CRITICAL 32 /* critical items per instrument */
#define INSTRUMENT_MAX_WEIGHT 100
#define INSTRUMENT_MAX_MIN 1000000 /* largest level threshold */
#define INSTRUMENT_MAX_VERSION 1000000

typedef enum answer {
    ANSWER_NONE = 0, /* not answered */
    ANSWER_YES,
    ANSWER_NO,
    ANSWER_UNKNOWN,
} answer;

typedef enum instrument_method {
    INSTRUMENT_COUNT,    /* +1 per yes */
    INSTRUMENT_WEIGHTED, /* +weight per yes */
} instrument_method;

/* A text in both languages; neither is NULL or empty. */
typedef datafile_text instrument_text;

typedef struct instrument_section {
    const char *id;
    instrument_text title;
} instrument_section;

typedef struct instrument_item {
    const char *id;
    const char *section; /* a section id, or NULL */
    instrument_text text;
    int weight;          /* 0..100; always 1 with the count method */
    int critical;        /* a yes alone raises the level to critical_level */
} instrument_item;

typedef struct instrument_level {
    const char *id;
    instrument_text label;
    int min;             /* lowest score at this level; levels[0].min == 0 */
} instrument_level;

/* A parsed definition. Read-only: every pointer is owned by the instrument
 * and valid until instrument_free. Levels are in ascending order of min,
 * so a level's index is its rank (0 the lowest). */
typedef struct instrument {
    const char *id;
    int version;                 /* >= 1 */
    instrument_text title;
    instrument_text about;       /* what it is, and what it is not */
    const char *kind;            /* "checklist" */
    const instrument_section *sections;
    size_t nsections;            /* may be 0 */
    const instrument_item *items;
    size_t nitems;               /* >= 1 */
    instrument_method method;
    const instrument_level *levels;
    size_t nlevels;              /* >= 1 */
    size_t refer_rank;           /* index of scoring.refer_level */
    size_t critical_rank;        /* index of scoring.critical_level (default: top) */
    size_t ncritical;            /* items with critical set */
    json_t *doc;                 /* private: the document the strings live in */
} instrument;

/* Parses and validates a definition from text[0..len). filename names it in
 * messages (NULL: "<input>"). Returns 0 and a new instrument in *out (free
 * it with instrument_free), or -1 with "FILE:LINE: reason" in err and *out
 * NULL. Refused: bad JSON or duplicate keys; unknown fields anywhere; a
 * missing fr or en text; a bad or duplicate id; an item in an unknown
 * section; a weight outside 0..100 (or other than 1 with "count"); no
 * items; levels not strictly ascending from 0; refer_level or
 * critical_level not a level; more than INSTRUMENT_MAX_* of anything. */
int instrument_parse(const char *text, size_t len, const char *filename, instrument **out,
                     char *err, size_t errlen);
/* Reads path (at most DATAFILE_FILE_MAX bytes, core/datafile.h) and parses
 * it; messages name the file as given. */
int instrument_load_file(const char *path, instrument **out, char *err, size_t errlen);
void instrument_free(instrument *ins);

/* Index of the item with this id, or -1. */
int instrument_item_index(const instrument *ins, const char *id);
/* 0-based rank of the level with this id (0 the lowest), or -1. */
int instrument_level_rank(const instrument *ins, const char *level);
/* "count" or "weighted". */
const char *instrument_method_name(instrument_method m);
/* The text in lang: "fr..." (fr, fr-CA) gives fr, anything else en. */
const char *instrument_text_get(const instrument_text *t, const char *lang);

/* The definition for the API (GET /api/v1/instruments/{id}). lang NULL:
 * every text as {"fr": …, "en": …}, the same format instrument_parse
 * reads (a round trip gives an equal instrument); lang "fr" or "en" (as in
 * instrument_text_get): every text as a plain string. Items carry
 * "weight" and "critical" always, "section" when they have one; "scoring"
 * carries "critical_level" always. New reference, NULL on out of memory. */
json_t *instrument_to_json(const instrument *ins, const char *lang);

/* ------------------------------------------------------------- answers */

/* "yes", "no", "unknown", or NULL for ANSWER_NONE and anything else. */
const char *answer_name(answer a);
/* ANSWER_YES/NO/UNKNOWN for those three words, else ANSWER_NONE. */
answer answer_from_name(const char *s);

/* Reads an API answers object {"item id": "yes"|"no"|"unknown", …} into
 * out[0..ins->nitems); items it does not mention are ANSWER_NONE. -1 with a
 * message (naming the item) when answers is not an object, names an item
 * the instrument does not have, or has any other value. */
int instrument_answers_from_json(const instrument *ins, const json_t *answers, answer *out,
                                 char *err, size_t errlen);
/* The answered items of answers[0..nitems) as such an object (unanswered
 * ones left out). New reference, NULL on out of memory. */
json_t *instrument_answers_to_json(const instrument *ins, const answer *answers);

/* ------------------------------------------------------------- scoring */

#define CRIT_VISIBLE_HIGH_RISK 1u
#define CRIT_PROFESSIONAL_JUDGEMENT 2u
#define CRIT_POTENTIAL_ESCALATION 4u
#define CRIT_REPEAT 8u
#define CRIT_CRITICAL_ITEM 16u
#define CRIT_COUNT 5

typedef struct assessment_input {
    const instrument *ins;
    int version;                 /* the version the answers were given to */
    const answer *answers;       /* ins->nitems entries */
    const char *judgement_level; /* professional judgement: NULL or a level id */
    int incidents_12m;           /* incidents or police call-outs in 12 months; -1 unknown */
    int escalation_threshold;    /* e.g. 3; 0 or less: escalation not assessed */
    int is_repeat;               /* new incident within 12 months of the last referral */
} assessment_input;

typedef struct assessment_result {
    int score;                   /* count or weighted sum of the yes */
    int yes, no, unknown, unanswered;
    const char *score_level;     /* the highest level whose min <= score */
    const char *computed_level;  /* score_level, raised by critical items */
    const char *level;           /* computed_level, raised by judgement */
    int lowered;                 /* judgement asked for a lower level */
    int refer;                   /* 1 iff criteria != 0 */
    unsigned criteria;           /* CRIT_* bits: why refer is 1 */
    size_t ncritical;            /* critical items answered yes */
    const char *critical_items[INSTRUMENT_MAX_CRITICAL]; /* their ids, in item order */
} assessment_result;

/*
 * Scores one assessment. The rule, in order:
 *
 *  1. Refused (-1 and a message, *out zeroed): in->version differs from
 *     ins->version ("version mismatch: assessment made with v1, instrument
 *     is v2"); judgement_level not NULL and not a level of the instrument;
 *     answers NULL or holding a value outside the answer enum.
 *  2. score = number of yes (count) or sum of their weights (weighted);
 *     "no", "unknown" and unanswered add nothing, but are counted.
 *  3. score_level = the highest level whose min <= score.
 *  4. Any critical item answered yes: CRIT_CRITICAL_ITEM, and
 *     computed_level = critical_level if that is higher than score_level;
 *     else computed_level = score_level.
 *  5. computed_level >= refer_level: CRIT_VISIBLE_HIGH_RISK (the instrument
 *     alone, without judgement, reaches the referral level).
 *  6. Judgement higher than computed_level: level = judgement, and when
 *     judgement >= refer_level, CRIT_PROFESSIONAL_JUDGEMENT. Judgement lower
 *     than computed_level: lowered = 1 and level = computed_level (a lower
 *     level needs a written reason and the coordinator's approval; the
 *     caller stores both). Otherwise level = computed_level.
 *  7. escalation_threshold > 0 and incidents_12m >= escalation_threshold:
 *     CRIT_POTENTIAL_ESCALATION.
 *  8. is_repeat: CRIT_REPEAT.
 *  9. refer = (criteria != 0). Hence level >= refer_level always refers, and
 *     escalation, repeat or a critical yes refer whatever the level.
 *
 * Level pointers point into the instrument. Returns 0.
 */
int assessment_score(const assessment_input *in, assessment_result *out, char *err, size_t errlen);

/* Fills names[0..max) with the API names of the bits of criteria, in the
 * order visible_high_risk, professional_judgement, potential_escalation,
 * repeat, critical_item; returns how many were written. */
size_t assessment_criteria_names(unsigned criteria, const char *names[], size_t max);

/* --------------------------------------------------------------- sets */

/* The instruments a server knows: every version of every id. Read-only once
 * loaded; may be shared by threads. */
typedef struct instrument_set instrument_set;

instrument_set *instrument_set_new(void);
/* Adds ins (the set takes ownership, also on failure). -1 with a message
 * if (id, version) is already in the set, or on out of memory. */
int instrument_set_add(instrument_set *set, instrument *ins, char *err, size_t errlen);
/* Loads every *.json of dir except schema.json (and dot files), in name
 * order: several versions of one id may be loaded (e.g.
 * dash-24-structure.v1.json, dash-24-structure.v2.json), but an (id,
 * version) only once. Any bad file fails the whole load with its
 * "FILE:LINE: reason". */
int instrument_set_load_dir(const char *dir, instrument_set **out, char *err, size_t errlen);
void instrument_set_free(instrument_set *set);
/* The instrument id at version, or its latest version when version is 0;
 * NULL if absent. */
const instrument *instrument_set_find(const instrument_set *set, const char *id, int version);
/* Listing: the number of distinct ids, and the latest version of the i-th
 * id in id order (NULL when i is out of range). */
size_t instrument_set_count(const instrument_set *set);
const instrument *instrument_set_latest(const instrument_set *set, size_t i);

#endif
