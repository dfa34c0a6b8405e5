/*
 * test_qrsvg.c - unit tests for src/sec/qrsvg.c: SVG shape, escaping of the
 * label, determinism, CSP-safety (no script, no style), and that the path
 * really draws a QR symbol (finder patterns, empty quiet zone).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sec/qrsvg.h"

static const char *const uri = "otpauth://totp/filet:alice%40agency.example"
                               "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                               "&issuer=filet&algorithm=SHA1&digits=6&period=30";

#define MAXN 185 /* version 40 + quiet zone */

/* Parses the viewBox size and the path's d attribute into grid[y][x]. */
static int parse_svg(const char *svg, int *n, unsigned char grid[MAXN][MAXN])
{
    const char *p = strstr(svg, "viewBox=\"0 0 ");
    int m;

    if (!p || sscanf(p, "viewBox=\"0 0 %d %d\"", n, &m) != 2 || *n != m || *n <= 0 || *n > MAXN)
        return -1;
    memset(grid, 0, MAXN * MAXN);
    p = strstr(svg, " d=\"");
    if (!p)
        return -1;
    p += 4;
    while (*p == 'M') {
        int x, y, used = 0;
        if (sscanf(p, "M%d %dh1v1h-1z%n", &x, &y, &used) != 2 || used == 0)
            return -1;
        if (x < 0 || y < 0 || x >= *n || y >= *n || grid[y][x])
            return -1; /* out of range or drawn twice */
        grid[y][x] = 1;
        p += used;
    }
    return *p == '"' ? 0 : -1;
}

/* 1 if the 7x7 finder pattern (with its light ring) sits at (x0, y0). */
static int finder_at(unsigned char grid[MAXN][MAXN], int x0, int y0)
{
    for (int y = 0; y < 7; y++)
        for (int x = 0; x < 7; x++) {
            int ring = (x == 0 || x == 6 || y == 0 || y == 6);
            int core = (x >= 2 && x <= 4 && y >= 2 && y <= 4);
            if (grid[y0 + y][x0 + x] != (ring || core))
                return 0;
        }
    return 1;
}

static char *render(const char *text, const char *label)
{
    buf b;
    buf_init(&b);
    assert_int_equal(qrsvg_render(text, label, &b), 0);
    return buf_detach(&b, NULL);
}

static void test_shape(void **state)
{
    char *svg = render(uri, "Scan this code");

    assert_int_equal(strncmp(svg, "<svg", 4), 0);
    assert_non_null(strstr(svg, "viewBox=\"0 0 "));
    assert_non_null(strstr(svg, "role=\"img\""));
    assert_non_null(strstr(svg, "aria-label=\"Scan this code\""));
    assert_non_null(strstr(svg, "shape-rendering=\"crispEdges\""));
    /* the top-left finder's corner, after the 4-module quiet zone */
    assert_non_null(strstr(svg, "M4 4h1v1h-1z"));
    assert_int_equal(strcmp(svg + strlen(svg) - 6, "</svg>"), 0);
    /* exactly one path */
    assert_non_null(strstr(svg, "<path"));
    assert_null(strstr(strstr(svg, "<path") + 1, "<path"));
    free(svg);
}

static void test_csp_safe(void **state)
{
    char *svg = render(uri, "x");

    assert_null(strstr(svg, "<script"));
    assert_null(strstr(svg, "style="));
    assert_null(strstr(svg, "<style"));
    assert_null(strstr(svg, "href"));
    assert_null(strstr(svg, " on")); /* no event handler attributes */
    free(svg);
}

static void test_label_escaped(void **state)
{
    char *svg = render(uri, "<x> & \"q\" 'a'");

    assert_non_null(strstr(svg, "aria-label=\"&lt;x&gt; &amp; &quot;q&quot; &#39;a&#39;\""));
    assert_null(strstr(svg, "<x>"));
    free(svg);
}

static void test_label_null(void **state)
{
    char *svg = render(uri, NULL);

    assert_non_null(strstr(svg, "aria-label=\"QR code\""));
    free(svg);
}

static void test_deterministic(void **state)
{
    char *a = render(uri, "label");
    char *b = render(uri, "label");
    char *c = render("otpauth://totp/filet:bob?secret=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "label");

    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    free(a);
    free(b);
    free(c);
}

static void test_symbol_structure(void **state)
{
    static unsigned char grid[MAXN][MAXN];
    char *svg = render(uri, "qr");
    int n = 0, w;

    assert_int_equal(parse_svg(svg, &n, grid), 0);
    w = n - 8;
    /* a QR symbol is 21 + 4k modules wide */
    assert_true(w >= 21 && (w - 21) % 4 == 0);
    assert_true(finder_at(grid, 4, 4));
    assert_true(finder_at(grid, 4 + w - 7, 4));
    assert_true(finder_at(grid, 4, 4 + w - 7));
    assert_false(finder_at(grid, 4 + w - 7, 4 + w - 7));
    /* quiet zone is empty */
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
            if (x < 4 || y < 4 || x >= 4 + w || y >= 4 + w)
                assert_int_equal(grid[y][x], 0);
    /* timing pattern: row 6 alternates between the finders */
    for (int x = 8; x < w - 8; x++)
        assert_int_equal(grid[4 + 6][4 + x], (x % 2) == 0);
    free(svg);
}

/* Case matters: 8-bit mode, case-sensitive, so these give different symbols. */
static void test_case_sensitive(void **state)
{
    char *a = render("otpauth://totp/filet:Alice", "l");
    char *b = render("otpauth://totp/filet:alice", "l");

    assert_string_not_equal(a, b);
    free(a);
    free(b);
}

static void test_appends(void **state)
{
    buf b;

    buf_init(&b);
    buf_puts(&b, "<p>before</p>");
    assert_int_equal(qrsvg_render(uri, "l", &b), 0);
    assert_int_equal(strncmp(buf_cstr(&b), "<p>before</p><svg", 17), 0);
    buf_free(&b);
}

static void test_errors_leave_buffer(void **state)
{
    buf b;
    char *big = malloc(8000);

    assert_non_null(big);
    memset(big, 'A', 7999);
    big[7999] = '\0';
    buf_init(&b);
    buf_puts(&b, "keep");
    assert_int_equal(qrsvg_render(NULL, "l", &b), -1);
    assert_int_equal(qrsvg_render("", "l", &b), -1);
    assert_int_equal(qrsvg_render(big, "l", &b), -1); /* beyond version 40-M */
    assert_string_equal(buf_cstr(&b), "keep");
    assert_int_equal(qrsvg_render("x", "l", NULL), -1);
    buf_free(&b);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shape),
        cmocka_unit_test(test_csp_safe),
        cmocka_unit_test(test_label_escaped),
        cmocka_unit_test(test_label_null),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_symbol_structure),
        cmocka_unit_test(test_case_sensitive),
        cmocka_unit_test(test_appends),
        cmocka_unit_test(test_errors_leave_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
