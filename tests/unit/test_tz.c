/*
 * test_tz.c - times shown to people: the territory's zone, with daylight
 * saving, in French and English.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/tz.h"

static void test_montreal(void **state)
{
    char out[64];
    /* Winter: UTC-5. 04:30 UTC is still the previous evening in Montreal. */
    assert_int_equal(tz_format("2026-01-15T04:30:00Z", "America/Montreal", "fr", out, sizeof(out)), 0);
    assert_string_equal(out, "14 janv. 2026, 23 h 30");
    /* Summer: UTC-4. */
    assert_int_equal(tz_format("2026-07-01T16:05:00Z", "America/Montreal", "en", out, sizeof(out)), 0);
    assert_string_equal(out, "Jul 1, 2026, 12:05");
    assert_int_equal(tz_format("2026-07-01T16:05:00Z", "Europe/Brussels", "fr", out, sizeof(out)), 0);
    assert_string_equal(out, "1 juill. 2026, 18 h 05");
}

static void test_local_date(void **state)
{
    char day[11] = "unchanged!";
    assert_int_equal(tz_local_date("2026-01-15T04:30:00Z", "America/Montreal", day), 0);
    assert_string_equal(day, "2026-01-14"); /* still the 14th in Montreal */
    assert_int_equal(tz_local_date("2026-01-15", "America/Montreal", day), -1);
    assert_string_equal(day, "2026-01-14");
}

static void test_refuses_non_times(void **state)
{
    char out[64];
    assert_int_equal(tz_format("2026-01-15", "America/Montreal", "fr", out, sizeof(out)), -1);
    assert_int_equal(tz_format("not a time at all!!!", "UTC", "fr", out, sizeof(out)), -1);
    assert_int_equal(tz_format(NULL, "UTC", "fr", out, sizeof(out)), -1);
    assert_int_equal(tz_format("2026-01-15T04:30:00Z", "UTC", "en", out, sizeof(out)), 0);
    assert_string_equal(out, "Jan 15, 2026, 04:30");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_montreal),
        cmocka_unit_test(test_local_date),
        cmocka_unit_test(test_refuses_non_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
