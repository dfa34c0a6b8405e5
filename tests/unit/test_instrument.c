/*
 * test_instrument.c - unit tests for src/core/instrument.c: the two shipped
 * definitions (run from the repository root), every threshold edge, the
 * scoring rule (critical items, judgement, escalation, repeat, version),
 * every validation message with its line, answers from the API, the JSON
 * round trip and instrument sets loaded from directories.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/instrument.h"

#define HOMICIDE "instruments/filet-homicide-risk.json"
#define DASH "instruments/dash-24-structure.json"

static instrument *load(const char *path)
{
    char err[512] = "";
    instrument *ins = NULL;
    if (instrument_load_file(path, &ins, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    return ins;
}

static instrument *parse_ok(const char *text)
{
    char err[512] = "";
    instrument *ins = NULL;
    if (instrument_parse(text, strlen(text), "t.json", &ins, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    return ins;
}

/* Scores answers against ins with no judgement, escalation or repeat. */
static assessment_result score(const instrument *ins, const answer *ans)
{
    assessment_input in = {ins, ins->version, ans, NULL, -1, 3, 0};
    assessment_result r;
    char err[256] = "";
    if (assessment_score(&in, &r, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    return r;
}

/* Sets the items of ids (NULL-terminated) to a in ans. */
static void set_answers(const instrument *ins, answer *ans, answer a, const char *const *ids)
{
    for (size_t i = 0; ids[i]; i++) {
        int k = instrument_item_index(ins, ids[i]);
        if (k < 0)
            fail_msg("no item %s", ids[i]);
        ans[k] = a;
    }
}

/* ------------------------------------------------------ shipped files */

static void test_shipped_homicide(void **state)
{
    instrument *ins = load(HOMICIDE);
    (void)state;
    assert_string_equal(ins->id, "filet-homicide-risk");
    assert_int_equal(ins->version, 1);
    assert_string_equal(ins->kind, "checklist");
    assert_int_equal(ins->method, INSTRUMENT_WEIGHTED);
    assert_int_equal(ins->nitems, 21);
    assert_int_equal(ins->nsections, 5);
    assert_int_equal(ins->nlevels, 4);
    assert_string_equal(ins->levels[0].id, "moderate");
    assert_string_equal(ins->levels[1].id, "aggravated");
    assert_string_equal(ins->levels[2].id, "high");
    assert_string_equal(ins->levels[3].id, "imminent");
    assert_int_equal(ins->levels[0].min, 0);
    assert_int_equal(ins->levels[1].min, 5);
    assert_int_equal(ins->levels[2].min, 10);
    assert_int_equal(ins->levels[3].min, 16);
    assert_string_equal(ins->levels[ins->refer_rank].id, "high");
    assert_string_equal(ins->levels[ins->critical_rank].id, "imminent");
    /* The strongest single factors of the research are the critical ones. */
    {
        static const char *const crit[] = {"strangulation", "threats_to_kill", "firearm",
                                           "separation", "stalking", NULL};
        int total = 0;
        assert_int_equal(ins->ncritical, 5);
        for (size_t i = 0; crit[i]; i++) {
            int k = instrument_item_index(ins, crit[i]);
            assert_true(k >= 0);
            assert_true(ins->items[k].critical);
            assert_int_equal(ins->items[k].weight, 3);
        }
        for (size_t i = 0; i < ins->nitems; i++) {
            assert_non_null(ins->items[i].section);
            assert_true(ins->items[i].text.fr[0] && ins->items[i].text.en[0]);
            if (!ins->items[i].critical)
                assert_in_range(ins->items[i].weight, 1, 2);
            total += ins->items[i].weight;
        }
        assert_int_equal(total, 40);
    }
    assert_non_null(strstr(ins->about.en, "not a validated tool"));
    assert_non_null(strstr(ins->about.fr, "pas un outil validé"));
    instrument_free(ins);
}

static void test_shipped_dash(void **state)
{
    instrument *ins = load(DASH);
    (void)state;
    assert_string_equal(ins->id, "dash-24-structure");
    assert_int_equal(ins->version, 1);
    assert_int_equal(ins->method, INSTRUMENT_COUNT);
    assert_int_equal(ins->nitems, 24);
    assert_int_equal(ins->nsections, 0);
    assert_int_equal(ins->ncritical, 0);
    assert_int_equal(ins->nlevels, 3);
    assert_string_equal(ins->levels[0].id, "standard");
    assert_string_equal(ins->levels[1].id, "medium");
    assert_string_equal(ins->levels[2].id, "high");
    assert_int_equal(ins->levels[1].min, 10);
    assert_int_equal(ins->levels[2].min, 14);
    assert_int_equal(ins->refer_rank, 2);
    assert_int_equal(ins->critical_rank, 2); /* default: the top level */
    for (size_t i = 0; i < ins->nitems; i++)
        assert_int_equal(ins->items[i].weight, 1);
    assert_non_null(strstr(ins->about.en, "SafeLives"));
    assert_non_null(strstr(ins->about.en, "licensed"));
    assert_non_null(strstr(ins->about.fr, "libellé officiel"));
    instrument_free(ins);
}

/* ---------------------------------------------------------- thresholds */

struct dash_edge {
    int yes;
    const char *level;
    int refer;
};

static void test_dash_thresholds(void **state)
{
    static const struct dash_edge edges[] = {
        {0, "standard", 0}, {9, "standard", 0}, {10, "medium", 0}, {13, "medium", 0},
        {14, "high", 1},    {24, "high", 1},
    };
    instrument *ins = load(DASH);
    (void)state;
    for (size_t e = 0; e < sizeof(edges) / sizeof(edges[0]); e++) {
        answer ans[24];
        assessment_result r;
        for (int i = 0; i < 24; i++)
            ans[i] = i < edges[e].yes ? ANSWER_YES : ANSWER_NO;
        r = score(ins, ans);
        assert_int_equal(r.score, edges[e].yes);
        assert_int_equal(r.yes, edges[e].yes);
        assert_int_equal(r.no, 24 - edges[e].yes);
        if (strcmp(r.level, edges[e].level) != 0)
            fail_msg("%d yes: level %s, want %s", edges[e].yes, r.level, edges[e].level);
        assert_string_equal(r.computed_level, edges[e].level);
        assert_string_equal(r.score_level, edges[e].level);
        assert_int_equal(r.refer, edges[e].refer);
        assert_int_equal(r.criteria, edges[e].refer ? CRIT_VISIBLE_HIGH_RISK : 0u);
        assert_int_equal(r.lowered, 0);
    }
    instrument_free(ins);
}

struct homicide_edge {
    int score;
    const char *level;
    int refer;
    const char *yes[12];
};

static void test_homicide_thresholds(void **state)
{
    /* Non-critical items only: weights 1 (prior_violence, violence_others,
     * substance_misuse, financial, stepchildren, pregnancy_birth,
     * isolation) and 2 (the others). */
    static const struct homicide_edge edges[] = {
        {0, "moderate", 0, {NULL}},
        {4, "moderate", 0, {"prior_violence", "violence_others", "substance_misuse", "financial", NULL}},
        {5, "aggravated", 0,
         {"prior_violence", "violence_others", "substance_misuse", "financial", "stepchildren", NULL}},
        {9, "aggravated", 0, {"escalation", "weapon", "sexual_violence", "victim_fear", "isolation", NULL}},
        {10, "high", 1, {"escalation", "weapon", "sexual_violence", "victim_fear", "suicidal", NULL}},
        {15, "high", 1,
         {"escalation", "weapon", "sexual_violence", "victim_fear", "suicidal", "order_breach",
          "jealousy_control", "isolation", NULL}},
        {16, "imminent", 1,
         {"escalation", "weapon", "sexual_violence", "victim_fear", "suicidal", "order_breach",
          "jealousy_control", "child_violence", NULL}},
    };
    instrument *ins = load(HOMICIDE);
    (void)state;
    for (size_t e = 0; e < sizeof(edges) / sizeof(edges[0]); e++) {
        answer ans[32] = {ANSWER_NONE};
        assessment_result r;
        set_answers(ins, ans, ANSWER_YES, edges[e].yes);
        r = score(ins, ans);
        if (r.score != edges[e].score || strcmp(r.level, edges[e].level) != 0)
            fail_msg("edge %zu: score %d level %s, want %d %s", e, r.score, r.level, edges[e].score,
                     edges[e].level);
        assert_int_equal(r.refer, edges[e].refer);
        assert_int_equal(r.criteria, edges[e].refer ? CRIT_VISIBLE_HIGH_RISK : 0u);
        assert_int_equal(r.ncritical, 0);
    }
    {
        /* Every non-critical item: 25, and still no critical criterion. */
        answer ans[32] = {ANSWER_NONE};
        assessment_result r;
        for (size_t i = 0; i < ins->nitems; i++)
            ans[i] = ins->items[i].critical ? ANSWER_NO : ANSWER_YES;
        r = score(ins, ans);
        assert_int_equal(r.score, 25);
        assert_string_equal(r.level, "imminent");
        assert_int_equal(r.criteria, CRIT_VISIBLE_HIGH_RISK);
    }
    instrument_free(ins);
}

static void test_weights_and_counts(void **state)
{
    instrument *ins = load(HOMICIDE);
    answer ans[32] = {ANSWER_NONE};
    static const char *const yes[] = {"escalation", "prior_violence", NULL};
    static const char *const no[] = {"weapon", "suicidal", "isolation", NULL};
    static const char *const unk[] = {"sexual_violence", "financial", "victim_fear", "pregnancy_birth",
                                      NULL};
    assessment_result r;
    (void)state;
    set_answers(ins, ans, ANSWER_YES, yes);
    set_answers(ins, ans, ANSWER_NO, no);
    set_answers(ins, ans, ANSWER_UNKNOWN, unk);
    r = score(ins, ans);
    assert_int_equal(r.score, 3); /* 2 + 1: weights, not a count */
    assert_int_equal(r.yes, 2);
    assert_int_equal(r.no, 3);
    assert_int_equal(r.unknown, 4);
    assert_int_equal(r.unanswered, 21 - 9);
    assert_string_equal(r.level, "moderate");
    instrument_free(ins);
}

static void test_unknown_does_not_count(void **state)
{
    instrument *dash = load(DASH), *hom = load(HOMICIDE);
    answer ans[32];
    assessment_result r;
    (void)state;
    for (size_t i = 0; i < 32; i++)
        ans[i] = ANSWER_UNKNOWN;
    r = score(dash, ans);
    assert_int_equal(r.score, 0);
    assert_int_equal(r.unknown, 24);
    assert_int_equal(r.unanswered, 0);
    assert_string_equal(r.level, "standard");
    assert_int_equal(r.refer, 0);
    /* Unknown on every critical item raises nothing. */
    r = score(hom, ans);
    assert_int_equal(r.score, 0);
    assert_int_equal(r.ncritical, 0);
    assert_string_equal(r.level, "moderate");
    assert_int_equal(r.refer, 0);
    /* All unanswered. */
    for (size_t i = 0; i < 32; i++)
        ans[i] = ANSWER_NONE;
    r = score(dash, ans);
    assert_int_equal(r.unanswered, 24);
    assert_int_equal(r.yes + r.no + r.unknown, 0);
    instrument_free(dash);
    instrument_free(hom);
}

/* -------------------------------------------------- the scoring rule */

static void test_critical_item(void **state)
{
    instrument *ins = load(HOMICIDE);
    answer ans[32] = {ANSWER_NONE};
    static const char *const one[] = {"strangulation", NULL};
    static const char *const two[] = {"firearm", "separation", NULL};
    assessment_result r;
    (void)state;
    set_answers(ins, ans, ANSWER_YES, one);
    r = score(ins, ans);
    assert_int_equal(r.score, 3);
    assert_string_equal(r.score_level, "moderate");
    assert_string_equal(r.computed_level, "imminent");
    assert_string_equal(r.level, "imminent");
    assert_int_equal(r.refer, 1);
    assert_int_equal(r.criteria, CRIT_CRITICAL_ITEM | CRIT_VISIBLE_HIGH_RISK);
    assert_int_equal(r.ncritical, 1);
    assert_string_equal(r.critical_items[0], "strangulation");

    set_answers(ins, ans, ANSWER_YES, two);
    r = score(ins, ans);
    assert_int_equal(r.ncritical, 3);
    /* In item order. */
    assert_string_equal(r.critical_items[0], "strangulation");
    assert_string_equal(r.critical_items[1], "separation");
    assert_string_equal(r.critical_items[2], "firearm");
    instrument_free(ins);
}

/* An instrument whose critical level is below its referral level: a
 * critical yes still refers, through critical_item alone. */
static const char low_critical[] =
    "{\"id\": \"lc\", \"version\": 1, \"title\": {\"fr\": \"T\", \"en\": \"T\"},\n"
    " \"about\": {\"fr\": \"A\", \"en\": \"A\"}, \"kind\": \"checklist\",\n"
    " \"items\": [{\"id\": \"a\", \"text\": {\"fr\": \"A\", \"en\": \"A\"}, \"critical\": true},\n"
    "           {\"id\": \"b\", \"text\": {\"fr\": \"B\", \"en\": \"B\"}}],\n"
    " \"scoring\": {\"method\": \"count\", \"levels\": [\n"
    "   {\"id\": \"l0\", \"label\": {\"fr\": \"0\", \"en\": \"0\"}, \"min\": 0},\n"
    "   {\"id\": \"l1\", \"label\": {\"fr\": \"1\", \"en\": \"1\"}, \"min\": 1},\n"
    "   {\"id\": \"l2\", \"label\": {\"fr\": \"2\", \"en\": \"2\"}, \"min\": 2}],\n"
    "  \"refer_level\": \"l2\", \"critical_level\": \"l1\"}}\n";

static void test_critical_below_refer(void **state)
{
    instrument *ins = parse_ok(low_critical);
    answer ans[2] = {ANSWER_YES, ANSWER_NO};
    assessment_result r;
    (void)state;
    r = score(ins, ans);
    assert_string_equal(r.level, "l1");
    assert_int_equal(r.refer, 1);
    assert_int_equal(r.criteria, CRIT_CRITICAL_ITEM);
    /* A critical level lower than the score's level does not lower it. */
    ans[1] = ANSWER_YES;
    r = score(ins, ans);
    assert_string_equal(r.computed_level, "l2");
    assert_int_equal(r.criteria, CRIT_CRITICAL_ITEM | CRIT_VISIBLE_HIGH_RISK);
    instrument_free(ins);
}

static assessment_result score_with(const instrument *ins, int yes, const char *judgement, int incidents,
                                    int threshold, int repeat)
{
    answer ans[64];
    assessment_input in = {ins, ins->version, ans, judgement, incidents, threshold, repeat};
    assessment_result r;
    char err[256] = "";
    for (int i = 0; i < (int)ins->nitems; i++)
        ans[i] = i < yes ? ANSWER_YES : ANSWER_NO;
    if (assessment_score(&in, &r, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    return r;
}

static void test_judgement(void **state)
{
    instrument *ins = load(DASH);
    assessment_result r;
    (void)state;
    /* Raise to the referral level: referred on professional judgement. */
    r = score_with(ins, 5, "high", -1, 3, 0);
    assert_string_equal(r.computed_level, "standard");
    assert_string_equal(r.level, "high");
    assert_int_equal(r.lowered, 0);
    assert_int_equal(r.refer, 1);
    assert_int_equal(r.criteria, CRIT_PROFESSIONAL_JUDGEMENT);
    /* Raise below the referral level: the level changes, no referral. */
    r = score_with(ins, 5, "medium", -1, 3, 0);
    assert_string_equal(r.level, "medium");
    assert_int_equal(r.refer, 0);
    assert_int_equal(r.criteria, 0u);
    /* Same level: nothing. */
    r = score_with(ins, 10, "medium", -1, 3, 0);
    assert_string_equal(r.level, "medium");
    assert_int_equal(r.lowered, 0);
    assert_int_equal(r.criteria, 0u);
    /* Lower: flagged, the level stays until a coordinator approves. */
    r = score_with(ins, 14, "standard", -1, 3, 0);
    assert_int_equal(r.lowered, 1);
    assert_string_equal(r.level, "high");
    assert_string_equal(r.computed_level, "high");
    assert_int_equal(r.refer, 1);
    assert_int_equal(r.criteria, CRIT_VISIBLE_HIGH_RISK);
    r = score_with(ins, 12, "standard", -1, 3, 0);
    assert_int_equal(r.lowered, 1);
    assert_string_equal(r.level, "medium");
    assert_int_equal(r.refer, 0);
    instrument_free(ins);
}

static void test_judgement_over_critical(void **state)
{
    instrument *ins = load(HOMICIDE);
    answer ans[32] = {ANSWER_NONE};
    static const char *const crit[] = {"threats_to_kill", NULL};
    assessment_input in = {ins, 1, ans, "high", -1, 3, 0};
    assessment_result r;
    char err[128];
    (void)state;
    set_answers(ins, ans, ANSWER_YES, crit);
    assert_int_equal(assessment_score(&in, &r, err, sizeof(err)), 0);
    /* Judgement below what a critical item gives is a lowering. */
    assert_int_equal(r.lowered, 1);
    assert_string_equal(r.level, "imminent");
    assert_int_equal(r.criteria, CRIT_CRITICAL_ITEM | CRIT_VISIBLE_HIGH_RISK);
    instrument_free(ins);
}

static void test_escalation(void **state)
{
    instrument *ins = load(DASH);
    assessment_result r;
    (void)state;
    r = score_with(ins, 0, NULL, 2, 3, 0); /* threshold - 1 */
    assert_int_equal(r.refer, 0);
    assert_int_equal(r.criteria, 0u);
    r = score_with(ins, 0, NULL, 3, 3, 0); /* threshold */
    assert_int_equal(r.refer, 1);
    assert_int_equal(r.criteria, CRIT_POTENTIAL_ESCALATION);
    assert_string_equal(r.level, "standard"); /* escalation refers, it does not change the level */
    r = score_with(ins, 0, NULL, 7, 3, 0);
    assert_int_equal(r.criteria, CRIT_POTENTIAL_ESCALATION);
    r = score_with(ins, 0, NULL, -1, 3, 0); /* unknown */
    assert_int_equal(r.refer, 0);
    r = score_with(ins, 0, NULL, 5, 0, 0); /* not assessed */
    assert_int_equal(r.refer, 0);
    r = score_with(ins, 14, NULL, 4, 4, 0);
    assert_int_equal(r.criteria, CRIT_VISIBLE_HIGH_RISK | CRIT_POTENTIAL_ESCALATION);
    instrument_free(ins);
}

static void test_repeat(void **state)
{
    instrument *ins = load(DASH);
    assessment_result r;
    (void)state;
    r = score_with(ins, 0, NULL, -1, 3, 1);
    assert_int_equal(r.refer, 1);
    assert_int_equal(r.criteria, CRIT_REPEAT);
    assert_string_equal(r.level, "standard");
    r = score_with(ins, 24, "high", 9, 3, 1);
    assert_int_equal(r.criteria, CRIT_VISIBLE_HIGH_RISK | CRIT_POTENTIAL_ESCALATION | CRIT_REPEAT);
    instrument_free(ins);
}

static const char v2_text[] =
    "{\"id\": \"t\", \"version\": 2, \"title\": {\"fr\": \"T\", \"en\": \"T\"},\n"
    " \"about\": {\"fr\": \"A\", \"en\": \"A\"}, \"kind\": \"checklist\",\n"
    " \"items\": [{\"id\": \"a\", \"text\": {\"fr\": \"A\", \"en\": \"A\"}}],\n"
    " \"scoring\": {\"method\": \"count\", \"levels\": [\n"
    "   {\"id\": \"l0\", \"label\": {\"fr\": \"0\", \"en\": \"0\"}, \"min\": 0}],\n"
    "  \"refer_level\": \"l0\"}}\n";

static void test_refused_inputs(void **state)
{
    instrument *ins = parse_ok(v2_text), *dash = load(DASH);
    answer ans[24] = {ANSWER_YES};
    assessment_input in = {ins, 1, ans, NULL, -1, 3, 0};
    assessment_result r;
    char err[256] = "";
    (void)state;
    assert_int_equal(assessment_score(&in, &r, err, sizeof(err)), -1);
    assert_string_equal(err, "version mismatch: assessment made with v1, instrument is v2");
    assert_null(r.level);
    in.version = 2;
    assert_int_equal(assessment_score(&in, &r, err, sizeof(err)), 0);
    assert_int_equal(r.refer, 1); /* one level, and it is the referral level */

    in.ins = dash;
    in.version = 1;
    in.judgement_level = "extreme";
    assert_int_equal(assessment_score(&in, &r, err, sizeof(err)), -1);
    assert_string_equal(err, "unknown judgement level 'extreme' for instrument dash-24-structure");
    in.judgement_level = NULL;
    in.answers = NULL;
    assert_int_equal(assessment_score(&in, &r, err, sizeof(err)), -1);
    assert_string_equal(err, "no answers");
    in.answers = ans;
    ans[3] = (answer)9;
    assert_int_equal(assessment_score(&in, &r, err, sizeof(err)), -1);
    assert_string_equal(err, "item 'depression': invalid answer value 9");
    assert_int_equal(r.score, 0);
    instrument_free(ins);
    instrument_free(dash);
}

static void test_criteria_names(void **state)
{
    const char *names[8];
    (void)state;
    assert_int_equal(assessment_criteria_names(0, names, 8), 0);
    assert_int_equal(assessment_criteria_names(31, names, 8), 5);
    assert_string_equal(names[0], "visible_high_risk");
    assert_string_equal(names[1], "professional_judgement");
    assert_string_equal(names[2], "potential_escalation");
    assert_string_equal(names[3], "repeat");
    assert_string_equal(names[4], "critical_item");
    assert_int_equal(assessment_criteria_names(CRIT_REPEAT | CRIT_CRITICAL_ITEM, names, 8), 2);
    assert_string_equal(names[0], "repeat");
    assert_string_equal(names[1], "critical_item");
    assert_int_equal(assessment_criteria_names(31, names, 2), 2);
}

static void test_level_rank(void **state)
{
    instrument *ins = load(HOMICIDE);
    (void)state;
    assert_int_equal(instrument_level_rank(ins, "moderate"), 0);
    assert_int_equal(instrument_level_rank(ins, "imminent"), 3);
    assert_int_equal(instrument_level_rank(ins, "medium"), -1);
    assert_int_equal(instrument_level_rank(ins, NULL), -1);
    assert_int_equal(instrument_item_index(ins, "strangulation"), 0);
    assert_int_equal(instrument_item_index(ins, "nope"), -1);
    instrument_free(ins);
}

/* ---------------------------------------------------- validation errors */

/* A valid instrument; each error case changes one piece of it. */
static const char base[] =
    "{\"id\": \"t\", \"version\": 1,\n"                                                        /* 1 */
    " \"title\": {\"fr\": \"T\", \"en\": \"T\"},\n"                                            /* 2 */
    " \"about\": {\"fr\": \"A\", \"en\": \"A\"},\n"                                            /* 3 */
    " \"kind\": \"checklist\",\n"                                                              /* 4 */
    " \"sections\": [{\"id\": \"s1\", \"title\": {\"fr\": \"S\", \"en\": \"S\"}}],\n"          /* 5 */
    " \"items\": [\n"                                                                          /* 6 */
    "  {\"id\": \"a\", \"section\": \"s1\", \"text\": {\"fr\": \"A ?\", \"en\": \"A?\"}, \"weight\": 2, \"critical\": true},\n" /* 7 */
    "  {\"id\": \"b\", \"text\": {\"fr\": \"B ?\", \"en\": \"B?\"}, \"weight\": 1},\n"          /* 8 */
    "  {\"id\": \"c\", \"text\": {\"fr\": \"C ?\", \"en\": \"C?\"}}\n"                          /* 9 */
    " ],\n"                                                                                    /* 10 */
    " \"scoring\": {\"method\": \"weighted\",\n"                                               /* 11 */
    "  \"levels\": [\n"                                                                        /* 12 */
    "   {\"id\": \"low\", \"label\": {\"fr\": \"Bas\", \"en\": \"Low\"}, \"min\": 0},\n"       /* 13 */
    "   {\"id\": \"mid\", \"label\": {\"fr\": \"Moyen\", \"en\": \"Mid\"}, \"min\": 2},\n"     /* 14 */
    "   {\"id\": \"top\", \"label\": {\"fr\": \"Haut\", \"en\": \"Top\"}, \"min\": 4}\n"       /* 15 */
    "  ],\n"                                                                                   /* 16 */
    "  \"refer_level\": \"mid\",\n"                                                            /* 17 */
    "  \"critical_level\": \"top\"}\n"                                                         /* 18 */
    "}\n";                                                                                     /* 19 */

/* base with its one occurrence of from replaced by to (malloc'd). */
static char *edit(const char *from, const char *to)
{
    const char *at = strstr(base, from);
    size_t bl = strlen(base), fl = strlen(from), tl = strlen(to);
    char *s;
    if (!at || strstr(at + 1, from))
        fail_msg("'%s' is not in base exactly once", from);
    s = malloc(bl - fl + tl + 1);
    assert_non_null(s);
    memcpy(s, base, (size_t)(at - base));
    memcpy(s + (at - base), to, tl);
    memcpy(s + (at - base) + tl, at + fl, bl - (size_t)(at - base) - fl + 1);
    return s;
}

struct bad_case {
    const char *from, *to;
    const char *want; /* the whole message, or its start when it ends in '*' */
};

static const struct bad_case bad_cases[] = {
    /* syntax and duplicate keys: jansson's line */
    {"\"checklist\",", "\"checklist\"", "t.json:5: *"},
    {"\"version\": 1,", "\"version\": 1, \"version\": 2,", "t.json:1: duplicate object key*"},
    {"{\"id\": \"c\"", "{\"id\": \"c\" \"x\"", "t.json:9: *"},
    /* the root */
    {"\"kind\": \"checklist\",", "\"kind\": \"checklist\", \"colour\": \"red\",",
     "t.json:4: instrument: unknown field \"colour\""},
    {"\"kind\": \"checklist\"", "\"kind\": \"quiz\"", "t.json:4: instrument: \"kind\" must be \"checklist\""},
    {"\"version\": 1,", "\"version\": 0,", "t.json:1: instrument: version 0 is outside 1..1000000"},
    {"\"version\": 1,", "\"version\": \"1\",", "t.json:1: instrument: \"version\" must be an integer"},
    {"{\"id\": \"t\",", "{\"id\": \"T\",",
     "t.json:1: instrument: bad id 'T' (lowercase letters, digits, - and _, at most 64)"},
    {"{\"id\": \"t\", \"version\": 1,\n", "{\"id\": \"t\",\n", "t.json:1: instrument: missing \"version\""},
    {"\"fr\": \"T\", \"en\": \"T\"", "\"en\": \"T\"", "t.json:2: instrument: \"title\" has no fr text"},
    {"\"fr\": \"A\", \"en\": \"A\"", "\"fr\": \"A\"", "t.json:3: instrument: \"about\" has no en text"},
    /* sections */
    {"\"title\": {\"fr\": \"S\", \"en\": \"S\"}}]",
     "\"title\": {\"fr\": \"S\", \"en\": \"S\"}},\n {\"id\": \"s1\", \"title\": {\"fr\": \"S\", \"en\": \"S\"}}]",
     "t.json:6: duplicate section id 's1'"},
    /* items */
    {"{\"id\": \"c\"", "{\"id\": \"a\"", "t.json:9: duplicate item id 'a'"},
    {"\"section\": \"s1\"", "\"section\": \"s9\"", "t.json:7: item 'a': unknown section 's9'"},
    {"\"en\": \"B?\"}", "\"en\": \"\"}", "t.json:8: item 'b': \"text\".en must be a non-empty string"},
    {"{\"fr\": \"B ?\", \"en\": \"B?\"}", "{\"fr\": \"B ?\"}", "t.json:8: item 'b': \"text\" has no en text"},
    {"{\"fr\": \"C ?\", \"en\": \"C?\"}", "{\"en\": \"C?\"}", "t.json:9: item 'c': \"text\" has no fr text"},
    {"\"en\": \"C?\"}", "\"en\": \"C?\", \"es\": \"C?\"}", "t.json:9: item 'c': unknown field \"es\""},
    {"{\"id\": \"c\", \"text\"", "{\"id\": \"c\", \"help\": \"x\", \"text\"",
     "t.json:9: item 'c': unknown field \"help\""},
    {"{\"id\": \"c\", \"text\": {\"fr\": \"C ?\", \"en\": \"C?\"}}", "{\"id\": \"c\"}",
     "t.json:9: item 'c': missing \"text\""},
    {"\"weight\": 1}", "\"weight\": 101}", "t.json:8: item 'b': weight 101 is outside 0..100"},
    {"\"weight\": 1}", "\"weight\": -1}", "t.json:8: item 'b': weight -1 is outside 0..100"},
    {"\"weight\": 1}", "\"weight\": 1.5}", "t.json:8: item 'b': \"weight\" must be an integer"},
    {"\"critical\": true", "\"critical\": 1", "t.json:7: item 'a': \"critical\" must be true or false"},
    {"{\"id\": \"b\"", "{\"id\": \"B b\"",
     "t.json:8: items[1]: bad id 'B b' (lowercase letters, digits, - and _, at most 64)"},
    {"{\"id\": \"b\", ", "{", "t.json:8: items[1]: missing \"id\""},
    {"\"method\": \"weighted\"", "\"method\": \"count\"",
     "t.json:7: item 'a': weight 2 with method \"count\" (use \"weighted\")"},
    /* scoring and levels */
    {"\"method\": \"weighted\"", "\"method\": \"sum\"",
     "t.json:11: scoring: \"method\" must be \"count\" or \"weighted\""},
    {"\"min\": 4}", "\"min\": 2}", "t.json:15: levels not in ascending order: 'top' (min 2) after 'mid' (min 2)"},
    {"\"min\": 4}", "\"min\": 1}", "t.json:15: levels not in ascending order: 'top' (min 1) after 'mid' (min 2)"},
    {"\"min\": 0}", "\"min\": 1}", "t.json:13: level 'low': the first level must have min 0, not 1"},
    {"\"min\": 0}", "\"min\": -3}", "t.json:13: level 'low': min -3 is outside 0..1000000"},
    {", \"min\": 2}", "}", "t.json:14: level 'mid': missing \"min\""},
    {"{\"id\": \"top\"", "{\"id\": \"mid\"", "t.json:15: duplicate level id 'mid'"},
    {"\"min\": 2}", "\"min\": 2, \"colour\": \"x\"}", "t.json:14: level 'mid': unknown field \"colour\""},
    {"\"en\": \"Low\"}", "\"en\": \"\"}", "t.json:13: level 'low': \"label\".en must be a non-empty string"},
    {"\"refer_level\": \"mid\"", "\"refer_level\": \"urgent\"",
     "t.json:17: scoring: refer_level 'urgent' is not a level"},
    {"  \"refer_level\": \"mid\",\n", "", "t.json:11: scoring: missing \"refer_level\""},
    {"\"critical_level\": \"top\"}", "\"critical_level\": \"extreme\"}",
     "t.json:18: scoring: critical_level 'extreme' is not a level"},
    {"\"critical_level\": \"top\"}", "\"critical_level\": \"top\", \"x\": 1}",
     "t.json:18: scoring: unknown field \"x\""},
    {"\"levels\": [", "\"levels\": [],\n  \"old\": [", "t.json:13: scoring: unknown field \"old\""},
};

static void test_errors_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const struct bad_case *c = &bad_cases[i];
        char *text = edit(c->from, c->to);
        char err[512] = "";
        instrument *ins = (instrument *)1;
        size_t wl = strlen(c->want);
        int rc = instrument_parse(text, strlen(text), "t.json", &ins, err, sizeof(err));
        int match = c->want[wl - 1] == '*' ? strncmp(err, c->want, wl - 1) == 0 : strcmp(err, c->want) == 0;
        if (rc != -1 || ins != NULL || !match)
            fail_msg("case %zu (%s -> %s): rc %d, err '%s', want '%s'", i, c->from, c->to, rc, err, c->want);
        free(text);
    }
}

static void test_errors_whole(void **state)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"", "t.json:1: *"},
        {"[]", "t.json:1: an instrument is a JSON object"},
        {"{\"id\": \"t\"} x", "t.json:1: *"},
        {"{\"id\": \"t\", \"version\": 1, \"title\": {\"fr\": \"T\", \"en\": \"T\"},\n"
         " \"about\": {\"fr\": \"A\", \"en\": \"A\"}, \"kind\": \"checklist\",\n"
         " \"scoring\": {\"method\": \"count\", \"levels\": [{\"id\": \"l\", \"label\": {\"fr\": \"L\", \"en\": \"L\"}, \"min\": 0}],\n"
         "  \"refer_level\": \"l\"},\n"
         " \"items\": []}\n",
         "t.json:5: \"items\" is empty"},
        {"{\"id\": \"t\", \"version\": 1, \"title\": {\"fr\": \"T\", \"en\": \"T\"},\n"
         " \"about\": {\"fr\": \"A\", \"en\": \"A\"}, \"kind\": \"checklist\",\n"
         " \"scoring\": {\"method\": \"count\", \"levels\": [{\"id\": \"l\", \"label\": {\"fr\": \"L\", \"en\": \"L\"}, \"min\": 0}],\n"
         "  \"refer_level\": \"l\"}}\n",
         "t.json:1: instrument: missing \"items\""},
        {"{\"id\": \"t\", \"version\": 1, \"title\": {\"fr\": \"T\", \"en\": \"T\"},\n"
         " \"about\": {\"fr\": \"A\", \"en\": \"A\"}, \"kind\": \"checklist\",\n"
         " \"items\": [{\"id\": \"a\", \"text\": {\"fr\": \"A\", \"en\": \"A\"}}]}\n",
         "t.json:1: missing \"scoring\""},
        {"{\"id\": \"t\", \"version\": 1, \"title\": {\"fr\": \"T\", \"en\": \"T\"},\n"
         " \"about\": {\"fr\": \"A\", \"en\": \"A\"}, \"kind\": \"checklist\",\n"
         " \"items\": [{\"id\": \"a\", \"text\": {\"fr\": \"A\", \"en\": \"A\"}}],\n"
         " \"scoring\": {\"method\": \"count\",\n"
         "   \"levels\": [], \"refer_level\": \"l\"}}\n",
         "t.json:5: scoring: \"levels\" is empty"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[512] = "";
        instrument *ins = NULL;
        size_t wl = strlen(cases[i].want);
        int rc = instrument_parse(cases[i].text, strlen(cases[i].text), "t.json", &ins, err, sizeof(err));
        int match = cases[i].want[wl - 1] == '*' ? strncmp(err, cases[i].want, wl - 1) == 0
                                                 : strcmp(err, cases[i].want) == 0;
        if (rc != -1 || ins || !match)
            fail_msg("whole case %zu: rc %d, err '%s', want '%s'", i, rc, err, cases[i].want);
    }
}

static void test_base_is_valid(void **state)
{
    instrument *ins = parse_ok(base);
    answer ans[3] = {ANSWER_NO, ANSWER_YES, ANSWER_YES};
    assessment_result r;
    (void)state;
    assert_int_equal(ins->nitems, 3);
    assert_string_equal(ins->items[0].section, "s1");
    assert_null(ins->items[1].section);
    assert_int_equal(ins->items[2].weight, 1); /* default */
    assert_int_equal(ins->items[2].critical, 0);
    r = score(ins, ans);
    assert_int_equal(r.score, 2);
    assert_string_equal(r.level, "mid");
    assert_int_equal(r.refer, 1);
    instrument_free(ins);
}

static void test_too_many_critical(void **state)
{
    char text[16384];
    size_t n = 0;
    char err[256] = "";
    instrument *ins = NULL;
    (void)state;
    n += (size_t)snprintf(text + n, sizeof(text) - n,
                          "{\"id\": \"t\", \"version\": 1, \"title\": {\"fr\": \"T\", \"en\": \"T\"},\n"
                          " \"about\": {\"fr\": \"A\", \"en\": \"A\"}, \"kind\": \"checklist\",\n"
                          " \"items\": [\n");
    for (int i = 0; i <= INSTRUMENT_MAX_CRITICAL; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              "  {\"id\": \"i%d\", \"text\": {\"fr\": \"x\", \"en\": \"x\"}, \"critical\": true}%s\n",
                              i, i == INSTRUMENT_MAX_CRITICAL ? "" : ",");
    n += (size_t)snprintf(text + n, sizeof(text) - n,
                          " ],\n \"scoring\": {\"method\": \"count\", \"levels\": [{\"id\": \"l\", "
                          "\"label\": {\"fr\": \"L\", \"en\": \"L\"}, \"min\": 0}], \"refer_level\": \"l\"}}\n");
    assert_int_equal(instrument_parse(text, n, "t.json", &ins, err, sizeof(err)), -1);
    assert_string_equal(err, "t.json:36: item 'i32': more than 32 critical items");
}

/* ------------------------------------------------------------- answers */

static void test_answers_from_json(void **state)
{
    instrument *ins = load(DASH);
    answer ans[24];
    char err[256] = "";
    json_t *j;
    (void)state;
    j = json_pack("{s:s, s:s, s:s}", "injury", "yes", "fear", "no", "stalking", "unknown");
    assert_int_equal(instrument_answers_from_json(ins, j, ans, err, sizeof(err)), 0);
    assert_int_equal(ans[0], ANSWER_YES);
    assert_int_equal(ans[1], ANSWER_NO);
    assert_int_equal(ans[instrument_item_index(ins, "stalking")], ANSWER_UNKNOWN);
    assert_int_equal(ans[2], ANSWER_NONE);
    {
        json_t *back = instrument_answers_to_json(ins, ans);
        assert_true(json_equal(back, j));
        json_decref(back);
    }
    json_decref(j);

    j = json_pack("{s:s}", "injuries", "yes");
    assert_int_equal(instrument_answers_from_json(ins, j, ans, err, sizeof(err)), -1);
    assert_string_equal(err, "unknown item 'injuries' for instrument dash-24-structure v1");
    json_decref(j);
    j = json_pack("{s:s}", "injury", "maybe");
    assert_int_equal(instrument_answers_from_json(ins, j, ans, err, sizeof(err)), -1);
    assert_string_equal(err, "item 'injury': the answer must be \"yes\", \"no\" or \"unknown\"");
    json_decref(j);
    j = json_pack("{s:b}", "injury", 1);
    assert_int_equal(instrument_answers_from_json(ins, j, ans, err, sizeof(err)), -1);
    json_decref(j);
    j = json_pack("{s:n}", "injury");
    assert_int_equal(instrument_answers_from_json(ins, j, ans, err, sizeof(err)), -1);
    json_decref(j);
    j = json_pack("{s:s}", "injury", "YES");
    assert_int_equal(instrument_answers_from_json(ins, j, ans, err, sizeof(err)), -1);
    json_decref(j);
    j = json_pack("[s]", "yes");
    assert_int_equal(instrument_answers_from_json(ins, j, ans, err, sizeof(err)), -1);
    assert_string_equal(err, "answers must be an object of item ids");
    json_decref(j);
    assert_int_equal(instrument_answers_from_json(ins, NULL, ans, err, sizeof(err)), -1);
    j = json_object();
    assert_int_equal(instrument_answers_from_json(ins, j, ans, err, sizeof(err)), 0);
    for (size_t i = 0; i < 24; i++)
        assert_int_equal(ans[i], ANSWER_NONE);
    json_decref(j);
    assert_string_equal(answer_name(ANSWER_UNKNOWN), "unknown");
    assert_null(answer_name(ANSWER_NONE));
    assert_int_equal(answer_from_name("no"), ANSWER_NO);
    assert_int_equal(answer_from_name(NULL), ANSWER_NONE);
    instrument_free(ins);
}

/* --------------------------------------------------------------- JSON */

static void test_to_json_round_trip(void **state)
{
    static const char *const files[] = {HOMICIDE, DASH};
    (void)state;
    for (size_t f = 0; f < 2; f++) {
        instrument *ins = load(files[f]), *again = NULL;
        json_t *j = instrument_to_json(ins, NULL), *j2, *fr;
        char *s = json_dumps(j, JSON_INDENT(2));
        char err[256] = "";
        assert_non_null(s);
        if (instrument_parse(s, strlen(s), "round-trip", &again, err, sizeof(err)) != 0)
            fail_msg("%s", err);
        j2 = instrument_to_json(again, NULL);
        assert_true(json_equal(j, j2));
        fr = instrument_to_json(ins, "fr-CA");
        assert_string_equal(json_string_value(json_object_get(fr, "title")), ins->title.fr);
        assert_string_equal(json_string_value(json_object_get(
                                json_array_get(json_object_get(fr, "items"), 0), "text")),
                            ins->items[0].text.fr);
        json_decref(fr);
        fr = instrument_to_json(ins, "en");
        assert_string_equal(json_string_value(json_object_get(fr, "about")), ins->about.en);
        assert_string_equal(json_string_value(json_object_get(json_object_get(fr, "scoring"),
                                                              "refer_level")),
                            "high");
        json_decref(fr);
        json_decref(j);
        json_decref(j2);
        free(s);
        instrument_free(ins);
        instrument_free(again);
    }
}

/* ---------------------------------------------------------------- sets */

static void test_set_shipped_dir(void **state)
{
    instrument_set *set = NULL;
    char err[512] = "";
    (void)state;
    if (instrument_set_load_dir("instruments", &set, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    assert_int_equal(instrument_set_count(set), 2);
    assert_string_equal(instrument_set_latest(set, 0)->id, "dash-24-structure");
    assert_string_equal(instrument_set_latest(set, 1)->id, "filet-homicide-risk");
    assert_null(instrument_set_latest(set, 2));
    assert_non_null(instrument_set_find(set, "filet-homicide-risk", 0));
    assert_non_null(instrument_set_find(set, "filet-homicide-risk", 1));
    assert_null(instrument_set_find(set, "filet-homicide-risk", 2));
    assert_null(instrument_set_find(set, "danger-assessment", 0));
    instrument_set_free(set);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_all(const char *dir, const char *const *names)
{
    char path[512];
    for (size_t i = 0; names[i]; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void test_set_versions(void **state)
{
    static const char *const names[] = {"t.v1.json", "t.v2.json", "copy.json", "schema.json",
                                        "notes.txt", NULL};
    char dir[] = "/tmp/filet-instr-XXXXXX";
    char err[512] = "", want[600];
    char *v1 = strdup(base);
    instrument_set *set = NULL;
    const instrument *latest;
    (void)state;
    assert_non_null(mkdtemp(dir));
    write_text(dir, "t.v1.json", v1);
    write_text(dir, "t.v2.json", v2_text);
    write_text(dir, "schema.json", "{\"$schema\": \"not an instrument\"}");
    write_text(dir, "notes.txt", "not json");
    if (instrument_set_load_dir(dir, &set, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    assert_int_equal(instrument_set_count(set), 1);
    latest = instrument_set_latest(set, 0);
    assert_int_equal(latest->version, 2);
    assert_ptr_equal(instrument_set_find(set, "t", 0), latest);
    assert_int_equal(instrument_set_find(set, "t", 1)->version, 1);
    assert_int_equal(instrument_set_find(set, "t", 1)->nitems, 3);
    instrument_set_free(set);

    /* The same (id, version) twice: refused, naming the second file. */
    write_text(dir, "copy.json", v1);
    assert_int_equal(instrument_set_load_dir(dir, &set, err, sizeof(err)), -1);
    assert_null(set);
    snprintf(want, sizeof(want), "%s/t.v1.json:1: instrument t v1 is already loaded from another file", dir);
    assert_string_equal(err, want);

    /* A bad file fails the whole load with its message. */
    write_text(dir, "copy.json", "{\n\"id\": 1}");
    assert_int_equal(instrument_set_load_dir(dir, &set, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s/copy.json:2: instrument: \"id\" must be a string", dir);
    assert_string_equal(err, want);
    remove_all(dir, names);
    free(v1);

    assert_int_equal(instrument_set_load_dir("/nonexistent/filet", &set, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/filet: cannot open"));
    assert_int_equal(instrument_load_file("/nonexistent/x.json", (instrument **)&latest, err, sizeof(err)), -1);
}

static void test_set_add(void **state)
{
    instrument_set *set = instrument_set_new();
    char err[256] = "";
    (void)state;
    assert_non_null(set);
    assert_int_equal(instrument_set_add(set, parse_ok(v2_text), err, sizeof(err)), 0);
    assert_int_equal(instrument_set_add(set, parse_ok(base), err, sizeof(err)), 0);
    assert_int_equal(instrument_set_add(set, parse_ok(base), err, sizeof(err)), -1);
    assert_string_equal(err, "instrument t v1 is loaded twice");
    assert_int_equal(instrument_set_count(set), 1);
    assert_int_equal(instrument_set_find(set, "t", 0)->version, 2);
    instrument_set_free(set);
    instrument_set_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_homicide),
        cmocka_unit_test(test_shipped_dash),
        cmocka_unit_test(test_dash_thresholds),
        cmocka_unit_test(test_homicide_thresholds),
        cmocka_unit_test(test_weights_and_counts),
        cmocka_unit_test(test_unknown_does_not_count),
        cmocka_unit_test(test_critical_item),
        cmocka_unit_test(test_critical_below_refer),
        cmocka_unit_test(test_judgement),
        cmocka_unit_test(test_judgement_over_critical),
        cmocka_unit_test(test_escalation),
        cmocka_unit_test(test_repeat),
        cmocka_unit_test(test_refused_inputs),
        cmocka_unit_test(test_criteria_names),
        cmocka_unit_test(test_level_rank),
        cmocka_unit_test(test_base_is_valid),
        cmocka_unit_test(test_errors_table),
        cmocka_unit_test(test_errors_whole),
        cmocka_unit_test(test_too_many_critical),
        cmocka_unit_test(test_answers_from_json),
        cmocka_unit_test(test_to_json_round_trip),
        cmocka_unit_test(test_set_shipped_dir),
        cmocka_unit_test(test_set_versions),
        cmocka_unit_test(test_set_add),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
