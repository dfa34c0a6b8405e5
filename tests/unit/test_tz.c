/*
 * test_tz.c - times shown to people: the territory's zone, with daylight
 * saving, in French and English; and times typed by people in that zone
 * (a time skipped by daylight saving is refused, a repeated one is its
 * first occurrence).
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

static void test_from_local(void **state)
{
    char out[21] = "unchanged";
    /* Winter (UTC-5) and summer (UTC-4) in Montreal; seconds optional. */
    assert_int_equal(tz_from_local("2026-01-14T23:30", "America/Montreal", out), TZ_OK);
    assert_string_equal(out, "2026-01-15T04:30:00Z");
    assert_int_equal(tz_from_local("2026-07-01T12:05:30", "America/Montreal", out), TZ_OK);
    assert_string_equal(out, "2026-07-01T16:05:30Z");
    assert_int_equal(tz_from_local("2026-07-01T18:05", "Europe/Brussels", out), TZ_OK);
    assert_string_equal(out, "2026-07-01T16:05:00Z");
    assert_int_equal(tz_from_local("2026-07-01T18:05", "UTC", out), TZ_OK);
    assert_string_equal(out, "2026-07-01T18:05:00Z");
}

static void test_from_local_gap(void **state)
{
    char out[21] = "unchanged";
    /* 8 March 2026, Montreal: 02:00 jumps to 03:00; 02:30 never happens. */
    assert_int_equal(tz_from_local("2026-03-08T02:30", "America/Montreal", out), TZ_GAP);
    assert_int_equal(tz_from_local("2026-03-08T02:00", "America/Montreal", out), TZ_GAP);
    assert_string_equal(out, "unchanged");
    /* Either side of the gap exists. */
    assert_int_equal(tz_from_local("2026-03-08T01:59", "America/Montreal", out), TZ_OK);
    assert_string_equal(out, "2026-03-08T06:59:00Z");
    assert_int_equal(tz_from_local("2026-03-08T03:00", "America/Montreal", out), TZ_OK);
    assert_string_equal(out, "2026-03-08T07:00:00Z");
    /* Brussels, 29 March 2026: 02:00 to 03:00. */
    assert_int_equal(tz_from_local("2026-03-29T02:15", "Europe/Brussels", out), TZ_GAP);
}

static void test_from_local_ambiguous(void **state)
{
    char out[21];
    /* 1 November 2026, Montreal: 01:00-02:00 happens twice (EDT, then EST);
     * the first occurrence is taken: 01:30 EDT = 05:30 UTC, not 06:30. */
    assert_int_equal(tz_from_local("2026-11-01T01:30", "America/Montreal", out), TZ_OK);
    assert_string_equal(out, "2026-11-01T05:30:00Z");
    assert_int_equal(tz_from_local("2026-11-01T00:59", "America/Montreal", out), TZ_OK);
    assert_string_equal(out, "2026-11-01T04:59:00Z");
    assert_int_equal(tz_from_local("2026-11-01T02:00", "America/Montreal", out), TZ_OK);
    assert_string_equal(out, "2026-11-01T07:00:00Z");
    /* And it reads back as typed. */
    char shown[64];
    assert_int_equal(tz_format("2026-11-01T05:30:00Z", "America/Montreal", "en", shown, sizeof(shown)), 0);
    assert_string_equal(shown, "Nov 1, 2026, 01:30");
}

static void test_from_local_refuses(void **state)
{
    char out[21] = "unchanged";
    const char *bad[] = {NULL, "", "demain", "2026-02-30T10:00", "2026-04-31T10:00", "2026-13-01T10:00",
                         "2026-01-01T24:00", "2026-01-01T10:60", "2026-01-01 10:00", "2026-01-01T10:00Z",
                         "2026-01-01T10:00:61", "2026-1-01T10:00", "+026-01-01T10:00"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(tz_from_local(bad[i], "America/Montreal", out), TZ_INVALID);
    assert_string_equal(out, "unchanged");
    /* 29 February exists in a leap year only. */
    assert_int_equal(tz_from_local("2028-02-29T10:00", "America/Montreal", out), TZ_OK);
    assert_int_equal(tz_from_local("2027-02-29T10:00", "America/Montreal", out), TZ_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_montreal),
        cmocka_unit_test(test_local_date),
        cmocka_unit_test(test_refuses_non_times),
        cmocka_unit_test(test_from_local),
        cmocka_unit_test(test_from_local_gap),
        cmocka_unit_test(test_from_local_ambiguous),
        cmocka_unit_test(test_from_local_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
