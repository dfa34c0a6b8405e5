/*
 * test_svgchart.c - unit tests for src/core/svgchart.c: every text is
 * escaped (labels, values, title, description), every value is written as
 * text, the accessible name and description are there, suppressed values
 * are drawn as outlines with their text, and bad chart ids are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/svgchart.h"

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_bars(void **state)
{
    (void)state;
    buf b;
    buf_init(&b);
    svg_point p[] = {{"Police", 12, 0, "12"}, {"Shelter <b>&\"x\"</b>", 7, 0, "7"}, {"Housing", 3, 1, "<5"},
                     {"Health", 0, 0, "0"}};
    svg_chart c = {"ref-sector", "Referrals by sector <script>", "Bars & numbers"};
    assert_int_equal(svgchart_bars(&b, &c, p, 4), 0);
    const char *s = buf_cstr(&b);
    assert_non_null(strstr(s, "role=\"img\""));
    assert_non_null(strstr(s, "aria-label=\"Referrals by sector &lt;script&gt;\""));
    assert_non_null(strstr(s, "<title>Referrals by sector &lt;script&gt;</title>"));
    assert_non_null(strstr(s, "<desc id=\"ref-sector-desc\">Bars &amp; numbers</desc>"));
    assert_null(strstr(s, "<script"));
    assert_null(strstr(s, "<b>"));
    assert_non_null(strstr(s, "Shelter &lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;"));
    assert_non_null(strstr(s, ">12</text>"));
    assert_non_null(strstr(s, ">7</text>"));
    assert_non_null(strstr(s, ">&lt;5</text>"));
    assert_non_null(strstr(s, ">0</text>"));
    assert_non_null(strstr(s, ">Police</text>"));
    /* Two hatched bars (12 and 7), one dashed outline (suppressed), none for 0. */
    assert_int_equal(count(s, "fill=\"url(#ref-sector-hatch)\""), 2);
    assert_int_equal(count(s, "stroke-dasharray"), 1);
    /* The largest bar fills the area; 7/12 of it for the second. */
    assert_non_null(strstr(s, "width=\"320\""));
    assert_non_null(strstr(s, "width=\"186\""));
    assert_int_equal(strncmp(s, "<svg ", 5), 0);
    assert_non_null(strstr(s, "</svg>"));
    buf_free(&b);
}

static void test_line(void **state)
{
    (void)state;
    buf b;
    buf_init(&b);
    svg_point p[] = {{"2026-01", 6, 0, "6"}, {"2026-02", 2, 1, "<5"}, {"2026-03", 9, 0, "9"}, {"2026-04", 10, 0, "10"}};
    svg_chart c = {"months", "Referrals by month", "One point a month"};
    assert_int_equal(svgchart_line(&b, &c, p, 4), 0);
    const char *s = buf_cstr(&b);
    for (size_t i = 0; i < 4; i++) {
        assert_non_null(strstr(s, p[i].label));
    }
    assert_non_null(strstr(s, ">6</text>"));
    assert_non_null(strstr(s, ">&lt;5</text>"));
    assert_non_null(strstr(s, ">10</text>"));
    /* The suppressed point breaks the line: one segment (9 to 10) plus the axis. */
    assert_int_equal(count(s, "stroke-width=\"2\""), 1);
    assert_non_null(strstr(s, "role=\"img\""));
    buf_free(&b);
}

static void test_refused(void **state)
{
    (void)state;
    buf b;
    buf_init(&b);
    svg_point p[] = {{"a", 1, 0, "1"}};
    svg_chart bad = {"x\" onload=\"alert(1)", "t", "d"};
    assert_int_equal(svgchart_bars(&b, &bad, p, 1), -1);
    assert_int_equal(svgchart_line(&b, &bad, p, 1), -1);
    assert_int_equal(b.len, 0);
    svg_chart ok = {"empty", "Nothing", "No values"};
    assert_int_equal(svgchart_bars(&b, &ok, NULL, 0), 0);
    assert_non_null(strstr(buf_cstr(&b), "<title>Nothing</title>"));
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bars),
        cmocka_unit_test(test_line),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
