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
    for (int o = OBJ_SELF; o <= OBJ_REGISTER; o++)
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
