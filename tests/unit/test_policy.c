/*
 * test_policy.c - the access policy, decision by decision, without a
 * server: a table of (role, relation to the object, verb) -> allowed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "core/policy.h"

static const char *const roles[] = {"admin", "coordinator", "representative", "practitioner", "auditor"};

static actor mk(const char *role, const char *territory)
{
    actor a = {.user_id = "u1", .agency_id = "ag1", .territory_id = territory, .role = role, .sector = "police"};
    return a;
}

static void test_anonymous_denied_everything(void **state)
{
    actor anon = {0};
    for (int o = OBJ_SELF; o <= OBJ_LAST; o++)
        for (int v = VERB_READ; v <= VERB_DECIDE; v++) {
            policy_target t = {.type = (policy_object)o, .owner_user_id = NULL, .territory_id = "t1", .participates = 1};
            assert_int_equal(policy_check(&anon, (policy_verb)v, &t), 0);
        }
    assert_int_equal(policy_check(NULL, VERB_READ, &(policy_target){.type = OBJ_AGENCY}), 0);
}

static void test_self(void **state)
{
    actor a = mk("practitioner", "t1");
    policy_target mine = {.type = OBJ_SELF, .owner_user_id = "u1"};
    policy_target theirs = {.type = OBJ_SELF, .owner_user_id = "u2"};
    assert_int_equal(policy_check(&a, VERB_READ, &mine), 1);
    assert_int_equal(policy_check(&a, VERB_UPDATE, &mine), 1);
    assert_int_equal(policy_check(&a, VERB_READ, &theirs), 0);
}

/* Expected answers per role, in the order of roles[]. */
typedef struct row {
    policy_object obj;
    policy_verb verb;
    int participates;
    const char *territory; /* the object's territory; the actor is in t1 */
    int allowed[5];
    const char *what;
} row;

static const row table[] = {
    {OBJ_AGENCY, VERB_LIST, 0, "t1", {1, 1, 1, 1, 1}, "agency list"},
    {OBJ_AGENCY, VERB_CREATE, 0, "t1", {1, 0, 0, 0, 0}, "agency create"},
    {OBJ_TERRITORY, VERB_CREATE, 0, "t1", {1, 0, 0, 0, 0}, "territory create"},
    {OBJ_USER, VERB_CREATE, 0, "t1", {1, 0, 0, 0, 0}, "user create"},
    {OBJ_USER, VERB_LIST, 0, "t1", {1, 0, 0, 0, 0}, "user list"},
    {OBJ_USER, VERB_DELETE, 0, "t1", {0, 0, 0, 0, 0}, "user delete: nobody"},
    {OBJ_AUDIT, VERB_READ, 0, "t1", {0, 0, 0, 0, 1}, "audit read"},
    {OBJ_AUDIT, VERB_EXPORT, 0, "t1", {0, 0, 0, 0, 1}, "audit export"},
    {OBJ_AUDIT, VERB_UPDATE, 0, "t1", {0, 0, 0, 0, 0}, "audit update: nobody"},
    {OBJ_INSTRUMENT, VERB_READ, 0, "t1", {1, 1, 1, 1, 1}, "instrument read"},
    {OBJ_REFERRAL, VERB_CREATE, 0, "t1", {0, 1, 1, 1, 0}, "referral"},
    {OBJ_TRIAGE, VERB_LIST, 0, "t1", {0, 1, 0, 0, 0}, "triage queue, own territory"},
    {OBJ_TRIAGE, VERB_LIST, 0, "t2", {0, 0, 0, 0, 0}, "triage queue, other territory"},
    {OBJ_REGISTER, VERB_LIST, 0, "t1", {0, 1, 0, 0, 1}, "register, own territory"},
    {OBJ_REGISTER, VERB_EXPORT, 0, "t1", {0, 1, 0, 0, 1}, "register export"},
    {OBJ_REGISTER, VERB_LIST, 0, "t2", {0, 0, 0, 0, 1}, "register, other territory (auditor: own scope)"},
    {OBJ_REGISTER, VERB_UPDATE, 0, "t1", {0, 0, 0, 0, 0}, "register update: nobody"},
    {OBJ_MEETING, VERB_LIST, 0, "t1", {0, 1, 1, 1, 0}, "meeting list (filtered by the store)"},
    {OBJ_MEETING, VERB_CREATE, 0, "t1", {0, 1, 0, 0, 0}, "convene a meeting, own territory"},
    {OBJ_MEETING, VERB_CREATE, 0, "t2", {0, 0, 0, 0, 0}, "convene a meeting, other territory"},
    {OBJ_MEETING, VERB_READ, 0, "t1", {0, 1, 0, 0, 0}, "meeting, not invited"},
    {OBJ_MEETING, VERB_READ, 0, "t2", {0, 0, 0, 0, 0}, "meeting of another territory, not invited"},
    {OBJ_MEETING, VERB_DECIDE, 0, "t1", {0, 1, 0, 0, 0}, "agenda, invitations, minutes"},
    {OBJ_MEETING, VERB_DELETE, 0, "t1", {0, 0, 0, 0, 0}, "meeting delete: nobody"},
    {OBJ_SITUATION, VERB_READ, 1, "t1", {0, 1, 1, 1, 0}, "situation, participating"},
    {OBJ_SITUATION, VERB_READ, 0, "t1", {0, 1, 0, 0, 0}, "situation, not participating"},
    {OBJ_SITUATION, VERB_READ, 0, "t2", {0, 0, 0, 0, 0}, "situation, other territory"},
    {OBJ_SITUATION, VERB_READ, 1, "t2", {0, 1, 1, 1, 0}, "situation of another territory, participating"},
    {OBJ_SITUATION, VERB_UPDATE, 1, "t1", {0, 1, 1, 1, 0}, "contribute, participating"},
    {OBJ_SITUATION, VERB_UPDATE, 0, "t1", {0, 1, 0, 0, 0}, "contribute, not participating"},
    {OBJ_SITUATION, VERB_DECIDE, 1, "t1", {0, 1, 0, 0, 0}, "decide (triage)"},
    {OBJ_SITUATION, VERB_DECIDE, 1, "t2", {0, 0, 0, 0, 0}, "decide, other territory"},
    {OBJ_SITUATION, VERB_DELETE, 1, "t1", {0, 0, 0, 0, 0}, "delete: nobody"},
    {OBJ_SITUATION, VERB_EXPORT, 1, "t1", {0, 0, 0, 0, 0}, "export: not yet granted"},
};

static void test_table(void **state)
{
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        for (size_t r = 0; r < 5; r++) {
            actor a = mk(roles[r], "t1");
            policy_target t = {.type = table[i].obj, .territory_id = table[i].territory,
                               .participates = table[i].participates};
            int got = policy_check(&a, table[i].verb, &t);
            if (got != table[i].allowed[r])
                fail_msg("%s as %s: expected %d, got %d", table[i].what, roles[r], table[i].allowed[r], got);
        }
    }
}

static void test_exclusion_beats_everything(void **state)
{
    for (size_t r = 0; r < 5; r++) {
        actor a = mk(roles[r], "t1");
        policy_target t = {.type = OBJ_SITUATION, .territory_id = "t1", .participates = 1, .excluded = 1};
        for (int v = VERB_READ; v <= VERB_DECIDE; v++)
            assert_int_equal(policy_check(&a, (policy_verb)v, &t), 0);
    }
}

static void test_items(void **state)
{
    actor police = {.user_id = "u", .agency_id = "pol", .territory_id = "t1", .role = "representative", .sector = "police"};
    actor shelter = {.user_id = "s", .agency_id = "she", .territory_id = "t1", .role = "practitioner", .sector = "shelter"};
    actor coord = {.user_id = "c", .agency_id = "csvc", .territory_id = "t1", .role = "coordinator", .sector = "victim_support"};
    policy_item open_consent = {.visible_to = "", .shared_by_agency = "she", .basis = "consent", .excluded_sectors = "police"};
    assert_int_equal(policy_item_visible(&shelter, &open_consent), 1);
    assert_int_equal(policy_item_visible(&police, &open_consent), 0);   /* "not to police" */
    policy_item other_basis = open_consent;
    other_basis.basis = "safety_exception";
    assert_int_equal(policy_item_visible(&police, &other_basis), 1);    /* another basis lifts it */
    policy_item named = {.visible_to = "she,csvc", .shared_by_agency = "dpj", .basis = "court_order"};
    assert_int_equal(policy_item_visible(&shelter, &named), 1);
    assert_int_equal(policy_item_visible(&police, &named), 0);
    named.coordinator = 1;
    assert_int_equal(policy_item_visible(&coord, &named), 1);
    policy_item prefix = {.visible_to = "shelter2", .shared_by_agency = "x", .basis = "court_order"};
    assert_int_equal(policy_item_visible(&shelter, &prefix), 0);        /* ids compared whole */
    policy_item mine = {.visible_to = "csvc", .shared_by_agency = "pol", .basis = "consent", .excluded_sectors = "police"};
    assert_int_equal(policy_item_visible(&police, &mine), 1);           /* one's own agency's item */
    actor anon = {0};
    assert_int_equal(policy_item_visible(&anon, &open_consent), 0);
    assert_int_equal(policy_default_contact_agency("shelter"), 1);
    assert_int_equal(policy_default_contact_agency("perpetrator_programme"), 0);
    assert_int_equal(policy_default_contact_agency("probation"), 0);
}

static void test_coordinates(void **state)
{
    actor c = mk("coordinator", "t1"), p = mk("practitioner", "t1"), anon = {0};
    assert_int_equal(policy_coordinates(&c, "t1"), 1);
    assert_int_equal(policy_coordinates(&c, "t2"), 0);
    assert_int_equal(policy_coordinates(&p, "t1"), 0);
    assert_int_equal(policy_coordinates(&anon, "t1"), 0);
}

static void test_vocabularies(void **state)
{
    assert_true(policy_role_valid("coordinator"));
    assert_false(policy_role_valid("root"));
    assert_false(policy_role_valid(NULL));
    assert_true(policy_sector_valid("perpetrator_programme"));
    assert_false(policy_sector_valid("Police"));
}

/* Actions: whoever sees the situation reads and creates them; only the
 * owner agency (taking part) and the coordinator update one. */
static void test_actions(void **state)
{
    actor owner = {.user_id = "u", .agency_id = "pol", .territory_id = "t1", .role = "representative", .sector = "police"};
    actor other = {.user_id = "s", .agency_id = "she", .territory_id = "t1", .role = "practitioner", .sector = "shelter"};
    actor coord = {.user_id = "c", .agency_id = "csvc", .territory_id = "t1", .role = "coordinator", .sector = "victim_support"};
    actor coord2 = {.user_id = "c2", .agency_id = "x", .territory_id = "t2", .role = "coordinator", .sector = "victim_support"};
    actor admin = {.user_id = "a", .agency_id = "pol", .territory_id = "t1", .role = "admin", .sector = "police"};
    actor auditor = {.user_id = "b", .agency_id = "pol", .territory_id = "t1", .role = "auditor", .sector = "police"};
    policy_target t = {.type = OBJ_ACTION, .territory_id = "t1", .participates = 1, .owner_agency_id = "pol"};
    for (int v = VERB_READ; v <= VERB_CREATE; v++) {
        assert_int_equal(policy_check(&owner, (policy_verb)v, &t), 1);
        assert_int_equal(policy_check(&other, (policy_verb)v, &t), 1);
        assert_int_equal(policy_check(&coord, (policy_verb)v, &t), 1);
    }
    assert_int_equal(policy_check(&owner, VERB_UPDATE, &t), 1);
    assert_int_equal(policy_check(&other, VERB_UPDATE, &t), 0);   /* a participant, not the owner */
    assert_int_equal(policy_check(&coord, VERB_UPDATE, &t), 1);
    assert_int_equal(policy_check(&coord2, VERB_UPDATE, &t), 0);  /* another territory's coordinator */
    assert_int_equal(policy_check(&admin, VERB_UPDATE, &t), 0);   /* admins see no situation content */
    assert_int_equal(policy_check(&auditor, VERB_READ, &t), 0);
    for (int v = VERB_DELETE; v <= VERB_DECIDE; v++)
        assert_int_equal(policy_check(&owner, (policy_verb)v, &t), 0);
    /* The owner agency no longer taking part: no update, no read. */
    policy_target gone = t;
    gone.participates = 0;
    assert_int_equal(policy_check(&owner, VERB_UPDATE, &gone), 0);
    assert_int_equal(policy_check(&owner, VERB_READ, &gone), 0);
    assert_int_equal(policy_check(&coord, VERB_UPDATE, &gone), 1);
    /* Exclusion by name beats ownership and the coordinator's role. */
    policy_target excl = t;
    excl.excluded = 1;
    assert_int_equal(policy_check(&owner, VERB_UPDATE, &excl), 0);
    assert_int_equal(policy_check(&coord, VERB_READ, &excl), 0);
    /* No owner recorded: nobody but the coordinator updates. */
    policy_target none = t;
    none.owner_agency_id = NULL;
    assert_int_equal(policy_check(&owner, VERB_UPDATE, &none), 0);
    assert_int_equal(policy_check(&coord, VERB_UPDATE, &none), 1);
}

/* Meetings: the territory's coordinators convene and run them; the invited
 * agencies see them; attendance is recorded by the coordinator or by a
 * representative of the agency itself, when it is invited. */
static void test_meetings(void **state)
{
    actor rep = {.user_id = "u", .agency_id = "pol", .territory_id = "t1", .role = "representative", .sector = "police"};
    actor prac = {.user_id = "s", .agency_id = "she", .territory_id = "t1", .role = "practitioner", .sector = "shelter"};
    actor coord = {.user_id = "c", .agency_id = "csvc", .territory_id = "t1", .role = "coordinator", .sector = "victim_support"};
    actor coord2 = {.user_id = "c2", .agency_id = "x", .territory_id = "t2", .role = "coordinator", .sector = "victim_support"};
    actor admin = {.user_id = "a", .agency_id = "pol", .territory_id = "t1", .role = "admin", .sector = "police"};
    policy_target invited = {.type = OBJ_MEETING, .territory_id = "t1", .invited = 1};
    policy_target not_invited = {.type = OBJ_MEETING, .territory_id = "t1"};
    assert_int_equal(policy_check(&rep, VERB_READ, &invited), 1);
    assert_int_equal(policy_check(&prac, VERB_READ, &invited), 1);
    assert_int_equal(policy_check(&rep, VERB_READ, &not_invited), 0);
    assert_int_equal(policy_check(&coord, VERB_READ, &not_invited), 1);
    assert_int_equal(policy_check(&coord2, VERB_READ, &not_invited), 0);
    assert_int_equal(policy_check(&coord2, VERB_READ, &invited), 1);  /* invited from elsewhere */
    assert_int_equal(policy_check(&admin, VERB_READ, &invited), 0);   /* no cell role */
    for (int v = VERB_CREATE; v <= VERB_DECIDE; v++) {
        assert_int_equal(policy_check(&rep, (policy_verb)v, &invited), 0);
        assert_int_equal(policy_check(&coord2, (policy_verb)v, &invited), 0);
    }
    assert_int_equal(policy_check(&coord, VERB_DECIDE, &invited), 1);

    policy_target own = {.type = OBJ_ATTENDANCE, .territory_id = "t1", .invited = 1, .agency_id = "pol"};
    policy_target other = own;
    other.agency_id = "she";
    policy_target uninvited = own;
    uninvited.invited = 0;
    assert_int_equal(policy_check(&rep, VERB_CREATE, &own), 1);
    assert_int_equal(policy_check(&rep, VERB_CREATE, &other), 0);     /* another agency's presence */
    assert_int_equal(policy_check(&rep, VERB_CREATE, &uninvited), 0);
    assert_int_equal(policy_check(&rep, VERB_UPDATE, &own), 0);
    policy_target prac_own = own;
    prac_own.agency_id = "she";
    assert_int_equal(policy_check(&prac, VERB_CREATE, &prac_own), 0); /* representatives only */
    assert_int_equal(policy_check(&coord, VERB_CREATE, &other), 1);
    assert_int_equal(policy_check(&coord2, VERB_CREATE, &other), 0);
    assert_int_equal(policy_check(&admin, VERB_CREATE, &own), 0);
}

/* Research for a meeting: invited agencies that take part in the
 * situation, and the coordinator; never the excluded. */
static void test_research(void **state)
{
    actor prac = mk("practitioner", "t1"), coord = mk("coordinator", "t1"), coord2 = mk("coordinator", "t2");
    actor admin = mk("admin", "t1"), auditor = mk("auditor", "t1");
    policy_target both = {.type = OBJ_RESEARCH, .territory_id = "t1", .invited = 1, .participates = 1};
    policy_target uninvited = both, outside = both, excluded = both;
    uninvited.invited = 0;
    outside.participates = 0;
    excluded.excluded = 1;
    assert_int_equal(policy_check(&prac, VERB_CREATE, &both), 1);
    assert_int_equal(policy_check(&prac, VERB_READ, &both), 1);
    assert_int_equal(policy_check(&prac, VERB_UPDATE, &both), 0);
    assert_int_equal(policy_check(&prac, VERB_CREATE, &uninvited), 0);
    assert_int_equal(policy_check(&prac, VERB_CREATE, &outside), 0);
    assert_int_equal(policy_check(&prac, VERB_READ, &excluded), 0);
    assert_int_equal(policy_check(&coord, VERB_CREATE, &outside), 1);
    assert_int_equal(policy_check(&coord, VERB_READ, &excluded), 0);
    assert_int_equal(policy_check(&coord2, VERB_READ, &outside), 0);
    assert_int_equal(policy_check(&admin, VERB_READ, &both), 0);
    assert_int_equal(policy_check(&auditor, VERB_READ, &both), 0);
}

/* Indicators and evaluation results: coordinators and auditors of the
 * territory, an admin anywhere or for all; read-only for everyone. */
static void test_indicators(void **state)
{
    const char *who[] = {"coordinator", "auditor", "representative", "practitioner", "admin"};
    const int mine[] = {1, 1, 0, 0, 1};
    for (int k = 0; k < 2; k++) {
        policy_object o = k ? OBJ_EVALUATION_RESULTS : OBJ_INDICATORS;
        policy_target t1 = {.type = o, .territory_id = "t1"}, all = {.type = o};
        for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
            actor a = mk(who[i], "t1"), other = mk(who[i], "t2");
            assert_int_equal(policy_check(&a, VERB_READ, &t1), mine[i]);
            assert_int_equal(policy_check(&a, VERB_EXPORT, &t1), mine[i]);
            assert_int_equal(policy_check(&other, VERB_READ, &t1), i == 4);
            assert_int_equal(policy_check(&a, VERB_READ, &all), i == 4);
            for (int v = VERB_CREATE; v <= VERB_DELETE; v++)
                assert_int_equal(policy_check(&a, (policy_verb)v, &t1), 0);
            assert_int_equal(policy_check(&a, VERB_DECIDE, &t1), 0);
        }
    }
}

/* The evaluations' free comments: the territory's coordinators and
 * auditors, never an admin, never all territories at once. */
static void test_evaluation_comments(void **state)
{
    actor coord = mk("coordinator", "t1"), auditor = mk("auditor", "t1"), admin = mk("admin", "t1");
    actor prac = mk("practitioner", "t1"), rep = mk("representative", "t1"), anon = {0};
    assert_int_equal(policy_reads_evaluation_comments(&coord, "t1"), 1);
    assert_int_equal(policy_reads_evaluation_comments(&auditor, "t1"), 1);
    assert_int_equal(policy_reads_evaluation_comments(&coord, "t2"), 0);
    assert_int_equal(policy_reads_evaluation_comments(&coord, NULL), 0);
    assert_int_equal(policy_reads_evaluation_comments(&admin, "t1"), 0);
    assert_int_equal(policy_reads_evaluation_comments(&prac, "t1"), 0);
    assert_int_equal(policy_reads_evaluation_comments(&rep, "t1"), 0);
    assert_int_equal(policy_reads_evaluation_comments(&anon, "t1"), 0);
}

/* An evaluation is answered by an attendee of the meeting only. */
static void test_evaluation(void **state)
{
    actor prac = mk("practitioner", "t1"), admin = mk("admin", "t1"), auditor = mk("auditor", "t1");
    policy_target att = {.type = OBJ_EVALUATION, .territory_id = "t1", .attended = 1}, absent = {.type = OBJ_EVALUATION, .territory_id = "t1"};
    assert_int_equal(policy_check(&prac, VERB_LIST, &absent), 1);
    assert_int_equal(policy_check(&prac, VERB_CREATE, &att), 1);
    assert_int_equal(policy_check(&prac, VERB_CREATE, &absent), 0);
    assert_int_equal(policy_check(&prac, VERB_READ, &att), 0);
    assert_int_equal(policy_check(&prac, VERB_UPDATE, &att), 0);
    assert_int_equal(policy_check(&admin, VERB_CREATE, &att), 0);
    assert_int_equal(policy_check(&auditor, VERB_LIST, &att), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anonymous_denied_everything),
        cmocka_unit_test(test_self),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_exclusion_beats_everything),
        cmocka_unit_test(test_items),
        cmocka_unit_test(test_coordinates),
        cmocka_unit_test(test_vocabularies),
        cmocka_unit_test(test_actions),
        cmocka_unit_test(test_meetings),
        cmocka_unit_test(test_research),
        cmocka_unit_test(test_indicators),
        cmocka_unit_test(test_evaluation),
        cmocka_unit_test(test_evaluation_comments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
