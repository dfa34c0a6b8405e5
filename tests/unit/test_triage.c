/*
 * test_triage.c - unit tests for src/core/triage.c: every branch of the
 * triage rule (table-driven, one row per situation with the route and the
 * reason expected), the queue priority ordering, route ids and time targets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/triage.h"

/* ----------------------------------------------------------------- rule */

/* Reasons are compared by a word each must contain, so rewording a reason
 * for coordinators does not break the tests but a wrong rule does. */
struct rule_case {
    const char *name;
    triage_facts f;
    triage_route route;
    const char *reason_word;
    int urgency, complexity;
};

#define DASH(rank) .level_rank = (rank), .level_count = 3 /* standard, medium, high */

static const struct rule_case rule_cases[] = {
    /* rule 1: top level, critical item, imminent threat */
    {"top level", {DASH(2)}, TRIAGE_URGENT_CELL, "highest", 0, 0},
    {"top level of a 4-level instrument", {.level_rank = 3, .level_count = 4},
     TRIAGE_URGENT_CELL, "highest", 0, 0},
    {"rank beyond the levels counts as top", {.level_rank = 7, .level_count = 3},
     TRIAGE_URGENT_CELL, "highest", 0, 0},
    {"critical item at lowest level", {DASH(0), .critical = 1}, TRIAGE_URGENT_CELL, "critical", 0, 0},
    {"critical item, not assessed", {.level_rank = -1, .critical = 1}, TRIAGE_URGENT_CELL,
     "critical", 0, 0},
    {"imminent threat alone", {DASH(0), .imminent_threat = 1}, TRIAGE_URGENT_CELL, "imminent", 1, 0},
    {"imminent threat, any non-zero flag", {DASH(0), .imminent_threat = 42}, TRIAGE_URGENT_CELL,
     "imminent", 1, 0},
    {"top level wins over everything", {DASH(2), .refer = 1, .critical = 1, .mental_health = 1},
     TRIAGE_URGENT_CELL, "highest", 0, 1},
    /* rule 2: refer + urgency */
    {"refer + separation", {DASH(1), .refer = 1, .separation = 1}, TRIAGE_URGENT_CELL,
     "urgency", 1, 0},
    {"refer + release from custody", {DASH(1), .refer = 1, .release_from_custody = 1},
     TRIAGE_URGENT_CELL, "urgency", 1, 0},
    {"refer + court date", {DASH(0), .refer = 1, .court_date = 1}, TRIAGE_URGENT_CELL,
     "urgency", 1, 0},
    {"refer + all urgency factors but imminent",
     {DASH(1), .refer = 1, .separation = 1, .release_from_custody = 1, .court_date = 1},
     TRIAGE_URGENT_CELL, "urgency", 3, 0},
    /* rule 3: refer, repeat, escalation */
    {"refer alone", {DASH(1), .refer = 1}, TRIAGE_CONFERENCE, "conference", 0, 0},
    {"refer + complexity", {DASH(1), .refer = 1, .addiction = 1}, TRIAGE_CONFERENCE,
     "conference", 0, 1},
    {"repeat alone", {DASH(0), .repeat = 1}, TRIAGE_CONFERENCE, "repeat", 0, 0},
    {"escalation alone", {DASH(0), .escalation = 1}, TRIAGE_CONFERENCE, "escalation", 0, 0},
    {"repeat + urgency but not referred", {DASH(1), .repeat = 1, .separation = 1},
     TRIAGE_CONFERENCE, "conference", 1, 0},
    {"escalation + complexity", {DASH(0), .escalation = 1, .child_maltreatment = 1},
     TRIAGE_CONFERENCE, "conference", 0, 1},
    /* rule 4: complexity */
    {"mental health", {DASH(0), .mental_health = 1}, TRIAGE_CLINICAL_CONCERTATION,
     "complexity", 0, 1},
    {"addiction", {DASH(1), .addiction = 1}, TRIAGE_CLINICAL_CONCERTATION, "complexity", 0, 1},
    {"child maltreatment, not assessed", {.level_rank = -1, .child_maltreatment = 1},
     TRIAGE_CLINICAL_CONCERTATION, "complexity", 0, 1},
    {"all three + urgency, not referred",
     {DASH(1), .mental_health = 1, .addiction = 1, .child_maltreatment = 1, .court_date = 1},
     TRIAGE_CLINICAL_CONCERTATION, "complexity", 1, 3},
    /* rule 5: above the lowest level */
    {"medium level", {DASH(1)}, TRIAGE_SINGLE_AGENCY, "single-agency", 0, 0},
    {"medium level + separation, not referred", {DASH(1), .separation = 1}, TRIAGE_SINGLE_AGENCY,
     "single-agency", 1, 0},
    {"second of four levels", {.level_rank = 1, .level_count = 4}, TRIAGE_SINGLE_AGENCY,
     "single-agency", 0, 0},
    /* rule 6: nothing */
    {"lowest level", {DASH(0)}, TRIAGE_NOT_RETAINED, "not retained", 0, 0},
    {"not assessed", {.level_rank = -1, .level_count = 3}, TRIAGE_NOT_RETAINED, "not retained", 0, 0},
    {"no instrument", {.level_rank = 0, .level_count = 0}, TRIAGE_NOT_RETAINED, "not retained", 0, 0},
    {"one-level instrument has no top", {.level_rank = 0, .level_count = 1}, TRIAGE_NOT_RETAINED,
     "not retained", 0, 0},
    {"lowest level + court date, not referred", {DASH(0), .court_date = 1}, TRIAGE_NOT_RETAINED,
     "not retained", 1, 0},
};

static void test_rule_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rule_cases) / sizeof(rule_cases[0]); i++) {
        const struct rule_case *c = &rule_cases[i];
        triage_advice a;
        memset(&a, 0xA5, sizeof(a));
        triage_suggest(&c->f, &a);
        if (a.route != c->route || !a.reason || !strstr(a.reason, c->reason_word) ||
            a.urgency_points != c->urgency || a.complexity_points != c->complexity)
            fail_msg("%s: route %s (want %s), reason \"%s\", urgency %d (want %d), complexity %d (want %d)",
                     c->name, triage_route_id(a.route), triage_route_id(c->route),
                     a.reason ? a.reason : "(null)", a.urgency_points, c->urgency,
                     a.complexity_points, c->complexity);
    }
}

static void test_rule_null(void **state)
{
    (void)state;
    triage_advice a;
    triage_suggest(NULL, &a);
    assert_int_equal(a.route, TRIAGE_NOT_RETAINED);
    assert_non_null(a.reason);
    assert_int_equal(a.urgency_points, 0);
    assert_int_equal(a.complexity_points, 0);
    triage_facts f = {.critical = 1};
    triage_suggest(&f, NULL); /* must not crash */
}

/* Every reason is distinct, so the coordinator can tell which rule fired. */
static void test_reasons_distinct(void **state)
{
    (void)state;
    const char *seen[16] = {0};
    size_t n = 0;
    for (size_t i = 0; i < sizeof(rule_cases) / sizeof(rule_cases[0]); i++) {
        triage_advice a;
        triage_suggest(&rule_cases[i].f, &a);
        size_t j;
        for (j = 0; j < n; j++)
            if (strcmp(seen[j], a.reason) == 0)
                break;
        if (j == n && n < 16)
            seen[n++] = a.reason;
    }
    assert_int_equal(n, 7); /* top, critical, refer+urgency, conference, clinical, single, none */
}

/* ------------------------------------------------------------- priority */

static void test_priority_order(void **state)
{
    (void)state;
    triage_facts critical_low = {DASH(0), .critical = 1};
    triage_facts imminent_low = {DASH(0), .imminent_threat = 1};
    triage_facts high = {DASH(2), .separation = 1, .release_from_custody = 1, .court_date = 1};
    triage_facts medium = {DASH(1)};
    triage_facts medium_urgent = {DASH(1), .court_date = 1};
    triage_facts low = {DASH(0)};
    triage_facts unassessed = {.level_rank = -1, .level_count = 3};

    /* critical / imminent beat anything, even a 10000-minute wait */
    assert_true(triage_priority(&critical_low, 0) > triage_priority(&high, 10000));
    assert_true(triage_priority(&imminent_low, 0) > triage_priority(&high, 999999999L));
    /* a higher level beats a longer wait and more urgency */
    assert_true(triage_priority(&high, 0) > triage_priority(&medium_urgent, 999999999L));
    assert_true(triage_priority(&medium, 0) > triage_priority(&low, 10000));
    /* urgency beats waiting within a level */
    assert_true(triage_priority(&medium_urgent, 0) > triage_priority(&medium, 999999));
    /* then waiting time */
    assert_true(triage_priority(&medium, 61) > triage_priority(&medium, 60));
    /* waiting is capped and never negative */
    assert_int_equal(triage_priority(&low, 5000000), triage_priority(&low, 999999));
    assert_int_equal(triage_priority(&low, -5), 0);
    /* not assessed ties with the lowest level */
    assert_int_equal(triage_priority(&unassessed, 30), triage_priority(&low, 30));
    assert_int_equal(triage_priority(NULL, 30), 0);
}

static void test_priority_formula(void **state)
{
    (void)state;
    triage_facts f = {DASH(1), .separation = 1, .court_date = 1};
    /* level score 1 * 99 / 2 = 49 */
    assert_int_equal(triage_priority(&f, 123), 49L * 10000000L + 2L * 1000000L + 123);
    triage_facts max = {.level_rank = 3, .level_count = 4, .critical = 1, .separation = 1,
                        .release_from_custody = 1, .court_date = 1, .imminent_threat = 1};
    assert_int_equal(triage_priority(&max, LONG_MAX), 1994999999L);
    /* the top level of any instrument scores the same */
    triage_facts top3 = {DASH(2)}, top4 = {.level_rank = 3, .level_count = 4};
    assert_int_equal(triage_priority(&top3, 0), triage_priority(&top4, 0));
    /* a 4-level instrument: each level strictly above the one below */
    long prev = -1;
    for (int r = 0; r < 4; r++) {
        triage_facts g = {.level_rank = r, .level_count = 4};
        long p = triage_priority(&g, 999999);
        assert_true(p > prev);
        prev = p;
    }
    /* a 100-level instrument too */
    prev = -1;
    for (int r = 0; r < 100; r++) {
        triage_facts g = {.level_rank = r, .level_count = 100};
        long p = triage_priority(&g, 0);
        assert_true(p > prev);
        prev = p;
    }
    /* absurd counts do not overflow */
    triage_facts huge = {.level_rank = INT_MAX - 1, .level_count = INT_MAX};
    assert_int_equal(triage_priority(&huge, 0), 99L * 10000000L);
}

/* ----------------------------------------------------------- ids, targets */

static void test_route_ids(void **state)
{
    (void)state;
    static const char *const ids[] = {"urgent_cell", "conference", "clinical_concertation",
                                      "single_agency", "not_retained"};
    for (int i = 0; i < TRIAGE_ROUTE_COUNT; i++) {
        triage_route r = TRIAGE_NOT_RETAINED;
        assert_string_equal(triage_route_id((triage_route)i), ids[i]);
        assert_int_equal(triage_route_parse(ids[i], &r), 0);
        assert_int_equal(r, i);
    }
    triage_route r = TRIAGE_CONFERENCE;
    assert_int_equal(triage_route_parse("Urgent_cell", &r), -1);
    assert_int_equal(triage_route_parse("urgent_cell ", &r), -1);
    assert_int_equal(triage_route_parse("", &r), -1);
    assert_int_equal(triage_route_parse(NULL, &r), -1);
    assert_int_equal(r, TRIAGE_CONFERENCE);
    assert_int_equal(triage_route_parse("conference", NULL), 0);
    assert_null(triage_route_id((triage_route)TRIAGE_ROUTE_COUNT));
    assert_null(triage_route_id((triage_route)-1));
}

static void test_targets(void **state)
{
    (void)state;
    long d[TRIAGE_ROUTE_COUNT];
    triage_default_targets(d);
    assert_int_equal(d[TRIAGE_URGENT_CELL], 72);
    assert_int_equal(d[TRIAGE_CONFERENCE], 720);
    assert_int_equal(d[TRIAGE_CLINICAL_CONCERTATION], 720);
    assert_int_equal(d[TRIAGE_SINGLE_AGENCY], 0);
    assert_int_equal(d[TRIAGE_NOT_RETAINED], 0);

    for (int i = 0; i < TRIAGE_ROUTE_COUNT; i++)
        assert_int_equal(triage_target_hours((triage_route)i, NULL), d[i]);

    /* a territory with 24 h urgent cells, fortnightly conferences and one
     * entry left unset (negative: default) */
    long t[TRIAGE_ROUTE_COUNT] = {24, 336, -1, 168, 0};
    assert_int_equal(triage_target_hours(TRIAGE_URGENT_CELL, t), 24);
    assert_int_equal(triage_target_hours(TRIAGE_CONFERENCE, t), 336);
    assert_int_equal(triage_target_hours(TRIAGE_CLINICAL_CONCERTATION, t), 720);
    assert_int_equal(triage_target_hours(TRIAGE_SINGLE_AGENCY, t), 168);
    assert_int_equal(triage_target_hours(TRIAGE_NOT_RETAINED, t), 0);
    assert_int_equal(triage_target_hours((triage_route)TRIAGE_ROUTE_COUNT, t), -1);
    assert_int_equal(triage_target_hours((triage_route)-3, NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_table),
        cmocka_unit_test(test_rule_null),
        cmocka_unit_test(test_reasons_distinct),
        cmocka_unit_test(test_priority_order),
        cmocka_unit_test(test_priority_formula),
        cmocka_unit_test(test_route_ids),
        cmocka_unit_test(test_targets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
