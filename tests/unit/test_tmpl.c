/*
 * test_tmpl.c - unit tests for the template engine (src/lib/tmpl.c).
 *
 * Each test compiles a small template and asserts the exact HTML a user would
 * receive, or the exact "name:line: reason" of a syntax error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/tmpl.h"

/* ---- helpers ---- */

static json_t *parse_json(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
    if (!j)
        fail_msg("bad test JSON '%s': %s", text, e.text);
    return j;
}

/* Adds every (name, src) pair; fails the test on a syntax error. */
static tmpl_set *make_set(const char *const *pairs)
{
    tmpl_set *s = tmpl_set_new();
    assert_non_null(s);
    for (size_t i = 0; pairs[i]; i += 2) {
        char err[256] = "";
        if (tmpl_set_add(s, pairs[i], pairs[i + 1], strlen(pairs[i + 1]), err, sizeof(err)))
            fail_msg("compile %s: %s", pairs[i], err);
    }
    return s;
}

/* Renders template "main" of s; returns the output (free it) or NULL on -1. */
static char *render_set(tmpl_set *s, const char *json, tmpl_translate_fn tr, void *ctx)
{
    json_t *data = json ? parse_json(json) : NULL;
    buf out;
    buf_init(&out);
    int rc = tmpl_render(s, "main", data, tr, ctx, &out);
    json_decref(data);
    if (rc < 0) {
        buf_free(&out);
        return NULL;
    }
    return buf_detach(&out, NULL);
}

/* Compiles src as "main", renders it with json and checks the output. */
static void check_tr(const char *src, const char *json, tmpl_translate_fn tr, void *ctx,
                     const char *want)
{
    const char *pairs[] = {"main", src, NULL};
    tmpl_set *s = make_set(pairs);
    char *got = render_set(s, json, tr, ctx);
    tmpl_set_free(s);
    if (!got)
        fail_msg("render of '%s' failed", src);
    if (strcmp(got, want) != 0) {
        print_error("template: %s\ndata:     %s\nwant:     %s\ngot:      %s\n", src,
                    json ? json : "(null)", want, got);
        free(got);
        fail();
    }
    free(got);
}

static void check(const char *src, const char *json, const char *want)
{
    check_tr(src, json, NULL, NULL, want);
}

/* Compiles src as "t" and expects exactly the error message want. */
static void check_err(const char *src, const char *want)
{
    tmpl_set *s = tmpl_set_new();
    assert_non_null(s);
    char err[256] = "";
    int rc = tmpl_set_add(s, "t", src, strlen(src), err, sizeof(err));
    int has = tmpl_set_has(s, "t");
    tmpl_set_free(s);
    if (rc != -1 || strcmp(err, want) != 0) {
        print_error("template: %s\nwant: %s\ngot:  rc=%d %s\n", src, want, rc, err);
        fail();
    }
    assert_false(has);
}

/* ---- text, values, escaping ---- */

static void test_text_is_verbatim(void **state)
{
    check("<p class=\"x\">Tom & 'Jerry'</p>\n{ } }} {x}", "{}",
          "<p class=\"x\">Tom & 'Jerry'</p>\n{ } }} {x}");
    check("", "{}", "");
}

static void test_escapes_all_five(void **state)
{
    check("<b>{{v}}</b>", "{\"v\": \"<a href=\\\"x\\\">Tom & 'J'</a>\"}",
          "<b>&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;J&#39;&lt;/a&gt;</b>");
    check("{{v}}", "{\"v\": \"&&<<>>\\\"\\\"''\"}",
          "&amp;&amp;&lt;&lt;&gt;&gt;&quot;&quot;&#39;&#39;");
    check("{{v}}", "{\"v\": \"plain caf\\u00e9\"}", "plain caf\xc3\xa9");
}

static void test_raw_is_unescaped(void **state)
{
    check("{{raw html}}|{{html}}", "{\"html\": \"<em>a&b</em>\"}",
          "<em>a&b</em>|&lt;em&gt;a&amp;b&lt;/em&gt;");
    check("{{ raw  html }}", "{\"html\": \"<i>\"}", "<i>");
    check("{{raw n}}{{raw missing}}", "{\"n\": 7}", "7");
}

static void test_value_types(void **state)
{
    check("[{{i}}][{{neg}}][{{big}}][{{r}}][{{r2}}][{{yes}}][{{f}}][{{n}}][{{o}}][{{a}}][{{m}}]",
          "{\"i\": 42, \"neg\": -3, \"big\": 9007199254740993, \"r\": 2.5, \"r2\": 0.1,"
          " \"yes\": true, \"f\": false, \"n\": null, \"o\": {\"x\": 1}, \"a\": [1, 2]}",
          "[42][-3][9007199254740993][2.5][0.1][true][][][][][]");
    check("{{r}}", "{\"r\": 3.0}", "3");
    check("{{r}}", "{\"r\": 1e20}", "1e+20");
    /* the root value itself */
    check("{{.}}", "\"<top>\"", "&lt;top&gt;");
    check("[{{x}}{{.}}]", NULL, "[]");
}

static void test_whitespace_in_tags(void **state)
{
    check("{{ user.name }}|{{\tuser.name\n}}|{{#if  x }}y{{ else }}n{{/ if }}",
          "{\"user\": {\"name\": \"Ann\"}, \"x\": 1}", "Ann|Ann|y");
    check("{{# each  xs }}{{ @index }}{{ / each }}", "{\"xs\": [1, 2]}", "01");
}

static void test_paths(void **state)
{
    const char *d = "{\"user\": {\"name\": \"Ann\", \"addr\": {\"city\": \"Gatineau\"}},"
                    " \"rows\": [{\"id\": 10}, {\"id\": 11}], \"0\": \"zero\","
                    " \"dash-key\": \"d\", \"s\": \"str\"}";
    check("{{user.name}}, {{user.addr.city}}", d, "Ann, Gatineau");
    check("[{{user.nope.city}}][{{nope.x}}][{{s.x}}][{{user.name.x}}]", d, "[][][][]");
    check("{{rows.1.id}}|{{rows.2.id}}|{{rows.x}}", d, "11||");
    check("{{0}}|{{dash-key}}", d, "zero|d");
}

/* ---- blocks ---- */

static void test_if_else(void **state)
{
    const char *src = "{{#if ok}}yes{{else}}no{{/if}}";
    check(src, "{\"ok\": true}", "yes");
    check(src, "{\"ok\": false}", "no");
    check(src, "{}", "no");
    check("{{#if ok}}yes{{/if}}.", "{\"ok\": 0}", ".");
    check("{{#if a.b}}{{a.b}}{{/if}}", "{\"a\": {\"b\": \"x\"}}", "x");
}

static void test_truthiness_table(void **state)
{
    static const struct {
        const char *val;
        const char *want;
    } cases[] = {
        {"true", "T"}, {"false", "F"},  {"null", "F"},     {"0", "F"},
        {"1", "T"},    {"-1", "T"},     {"0.0", "F"},      {"0.5", "T"},
        {"\"\"", "F"}, {"\"0\"", "T"},  {"\"false\"", "T"}, {"\" \"", "T"},
        {"[]", "F"},   {"[0]", "T"},    {"{}", "F"},       {"{\"a\": null}", "T"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char json[64];
        snprintf(json, sizeof(json), "{\"v\": %s}", cases[i].val);
        check("{{#if v}}T{{else}}F{{/if}}", json, cases[i].want);
        check("{{#unless v}}F{{else}}T{{/unless}}", json, cases[i].want);
    }
    check("{{#if v}}T{{else}}F{{/if}}", "{}", "F");
}

static void test_unless(void **state)
{
    check("{{#unless done}}todo{{/unless}}", "{\"done\": false}", "todo");
    check("{{#unless done}}todo{{/unless}}", "{\"done\": true}", "");
    check("{{#unless done}}todo{{else}}done{{/unless}}", "{\"done\": 1}", "done");
}

static void test_eq(void **state)
{
    const char *src = "{{#eq role \"admin\"}}A{{else}}U{{/eq}}";
    check(src, "{\"role\": \"admin\"}", "A");
    check(src, "{\"role\": \"Admin\"}", "U");
    check(src, "{\"role\": \"admin \"}", "U");
    check(src, "{}", "U");
    check(src, "{\"role\": null}", "U");
    /* numbers: quoted or bare literal, integer or real data */
    check("{{#eq n \"3\"}}y{{else}}n{{/eq}}", "{\"n\": 3}", "y");
    check("{{#eq n 3}}y{{else}}n{{/eq}}", "{\"n\": 3}", "y");
    check("{{#eq n 3}}y{{else}}n{{/eq}}", "{\"n\": 4}", "n");
    check("{{#eq n 3}}y{{else}}n{{/eq}}", "{\"n\": \"3\"}", "y");
    check("{{#eq n -2}}y{{else}}n{{/eq}}", "{\"n\": -2}", "y");
    check("{{#eq n 2.5}}y{{else}}n{{/eq}}", "{\"n\": 2.5}", "y");
    check("{{#eq n 3}}y{{else}}n{{/eq}}", "{\"n\": 3.0}", "y");
    check("{{#eq n \"3x\"}}y{{else}}n{{/eq}}", "{\"n\": 3}", "n");
    check("{{#eq n \"0x3\"}}y{{else}}n{{/eq}}", "{\"n\": 3}", "n");
    check("{{#eq b \"true\"}}y{{else}}n{{/eq}}", "{\"b\": true}", "y");
    check("{{#eq b \"true\"}}y{{else}}n{{/eq}}", "{\"b\": false}", "n");
    check("{{#eq b \"false\"}}y{{else}}n{{/eq}}", "{\"b\": false}", "y");
    check("{{#eq o \"\"}}y{{else}}n{{/eq}}", "{\"o\": {}}", "n");
    /* escapes in the literal */
    check("{{#eq q \"say \\\"hi\\\" \\\\o/\"}}y{{else}}n{{/eq}}",
          "{\"q\": \"say \\\"hi\\\" \\\\o/\"}", "y");
    check("{{#each xs}}{{#eq @index 1}}[{{.}}]{{/eq}}{{/each}}", "{\"xs\": [\"a\", \"b\"]}",
          "[b]");
}

static void test_each_nested_scopes(void **state)
{
    const char *src = "{{#each teams}}{{@number}}.{{name}} ({{org}}):"
                      "{{#each members}} {{@index}}/{{@number}}={{.}}@{{name}}{{/each}}"
                      " #{{@index}};{{/each}}";
    const char *d = "{\"org\": \"Net<1>\", \"teams\": ["
                    "{\"name\": \"A\", \"members\": [\"x\", \"y\"]},"
                    "{\"name\": \"B\", \"members\": [\"<z>\"]}]}";
    check(src, d,
          "1.A (Net&lt;1&gt;): 0/1=x@A 1/2=y@A #0;"
          "2.B (Net&lt;1&gt;): 0/1=&lt;z&gt;@B #1;");
}

static void test_each_else_and_shadowing(void **state)
{
    const char *src = "{{#each xs}}[{{.}}]{{else}}none{{/each}}";
    check(src, "{\"xs\": []}", "none");
    check(src, "{}", "none");
    check(src, "{\"xs\": \"str\"}", "none");
    check(src, "{\"xs\": {\"a\": 1}}", "none");
    check(src, "{\"xs\": [1, 2.5, true, null, \"s\"]}", "[1][2.5][true][][s]");
    /* inner objects shadow outer names; missing ones fall through */
    check("{{#each xs}}{{n}}{{k}},{{/each}}", "{\"n\": \"o\", \"k\": \"K\","
          " \"xs\": [{\"n\": 1}, {\"n\": null}, {}]}",
          "1K,K,oK,");
    /* @index outside each prints nothing */
    check("[{{@index}}{{@number}}]", "{}", "[]");
}

static void test_with(void **state)
{
    check("{{#with user}}<{{name}}>{{/with}}", "{\"user\": {\"name\": \"A&B\"}}",
          "<A&amp;B>");
    /* falsy values take the else branch; truthy scalars become "." */
    check("{{#with v}}[{{.}}]{{else}}none{{/with}}", "{\"v\": {}}", "none");
    check("{{#with v}}[{{.}}]{{else}}none{{/with}}", "{\"v\": \"\"}", "none");
    check("{{#with v}}[{{.}}]{{else}}none{{/with}}", "{\"v\": \"s\"}", "[s]");
    check("{{#with v}}[{{.}}]{{else}}none{{/with}}", "{\"v\": 0}", "none");
}

static void test_with_scope(void **state)
{
    const char *d = "{\"site\": \"S\", \"title\": \"T\","
                    " \"user\": {\"name\": \"Ann\", \"title\": \"Dr\"}}";
    check("{{#with user}}{{title}} {{name}} @ {{site}}{{/with}}", d, "Dr Ann @ S");
    check("{{#with nobody}}x{{else}}no one{{/with}}", d, "no one");
    check("{{#with user}}{{#with name}}{{.}}{{/with}}{{/with}}", d, "Ann");
}

/* ---- {{t}} ---- */

struct tr_ctx {
    int calls;
    char last[128];
};

static const char *fake_tr(void *vctx, const char *msgid)
{
    struct tr_ctx *c = vctx;
    c->calls++;
    snprintf(c->last, sizeof(c->last), "%s", msgid);
    if (strcmp(msgid, "Hello {1}, you have {2} cases") == 0)
        return "Bonjour {1}, vous avez {2} dossiers";
    if (strcmp(msgid, "Order") == 0)
        return "{2} before {1} & {1} again, {3} {0} {x} {";
    if (strcmp(msgid, "Tag") == 0)
        return "<b>\"gras\"</b>";
    if (strcmp(msgid, "null") == 0)
        return NULL;
    return msgid;
}

static void test_t_translates_and_substitutes(void **state)
{
    struct tr_ctx c = {0, ""};
    const char *d = "{\"who\": \"<Ann>\", \"n\": 3}";
    check_tr("{{t \"Hello {1}, you have {2} cases\" who n}}", d, fake_tr, &c,
             "Bonjour &lt;Ann&gt;, vous avez 3 dossiers");
    assert_int_equal(c.calls, 1);
    assert_string_equal(c.last, "Hello {1}, you have {2} cases");
    /* reordering, repeats, missing params stay literal */
    check_tr("{{t \"Order\" a b}}", "{\"a\": \"A\", \"b\": \"'B'\"}", fake_tr, &c,
             "&#39;B&#39; before A &amp; A again, {3} {0} {x} {");
    /* the translation itself is escaped */
    check_tr("{{t \"Tag\"}}", "{}", fake_tr, &c, "&lt;b&gt;&quot;gras&quot;&lt;/b&gt;");
    /* tr returning NULL falls back to the msgid */
    check_tr("{{t \"null\"}}", "{}", fake_tr, &c, "null");
    /* literal and missing parameters */
    check_tr("{{ t \"Hello {1}, you have {2} cases\" \"<x>\" nope }}", "{}", fake_tr, &c,
             "Bonjour &lt;x&gt;, vous avez  dossiers");
}

static void test_t_without_translator(void **state)
{
    check("{{t \"Hi {1} & {2}\" a .}}", "{\"a\": \"<A>\"}", "Hi &lt;A&gt; &amp; ");
    check("{{t \"say \\\"{1}\\\" \\\\ }} ok\" a}}", "{\"a\": 1}",
          "say &quot;1&quot; \\ }} ok");
    check("{{#each xs}}{{t \"#{1}: {2}\" @number .}} {{/each}}", "{\"xs\": [\"a\", \"b\"]}",
          "#1: a #2: b ");
    check("{{t \"{1}{2}{3}{4}{5}{6}{7}{8}{9}\" a a a a a a a a b}}",
          "{\"a\": 1, \"b\": 9}", "111111119");
}

/* ---- includes ---- */

static void test_include(void **state)
{
    const char *pairs[] = {"main", "<ul>{{#each xs}}{{> item}}{{/each}}</ul>{{>footer}}",
                           "item", "<li>{{@number}} {{name}} of {{org}}</li>",
                           "footer", "<footer>{{ org }}</footer>", NULL};
    tmpl_set *s = make_set(pairs);
    char *got = render_set(s, "{\"org\": \"O&O\", \"xs\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}",
                           NULL, NULL);
    assert_non_null(got);
    assert_string_equal(got, "<ul><li>1 a of O&amp;O</li><li>2 b of O&amp;O</li></ul>"
                             "<footer>O&amp;O</footer>");
    free(got);
    tmpl_set_free(s);
}

static void test_include_unknown_fails(void **state)
{
    const char *pairs[] = {"main", "a{{#if x}}{{> nope}}{{/if}}", NULL};
    tmpl_set *s = make_set(pairs);
    char *got = render_set(s, "{}", NULL, NULL);
    assert_non_null(got);
    assert_string_equal(got, "a");
    free(got);
    assert_null(render_set(s, "{\"x\": 1}", NULL, NULL));
    tmpl_set_free(s);
}

/* main -> p1 -> ... -> pN; pN prints "end". */
static tmpl_set *include_chain(int n)
{
    tmpl_set *s = tmpl_set_new();
    assert_non_null(s);
    char name[16], src[64];
    for (int i = 0; i <= n; i++) {
        if (i == 0)
            snprintf(name, sizeof(name), "main");
        else
            snprintf(name, sizeof(name), "p%d", i);
        if (i == n)
            snprintf(src, sizeof(src), "end");
        else
            snprintf(src, sizeof(src), "%d{{> p%d}}", i, i + 1);
        assert_int_equal(tmpl_set_add(s, name, src, strlen(src), NULL, 0), 0);
    }
    return s;
}

static void test_include_depth_limit(void **state)
{
    tmpl_set *s = include_chain(32);
    char *got = render_set(s, "{}", NULL, NULL);
    assert_non_null(got);
    assert_string_equal(got, "012345678910111213141516171819202122232425262728293031end");
    free(got);
    tmpl_set_free(s);

    s = include_chain(33);
    assert_null(render_set(s, "{}", NULL, NULL));
    tmpl_set_free(s);

    /* self-recursion, twice per level: fails at once instead of 2^32 renders */
    const char *pairs[] = {"main", "x{{> main}}{{> main}}", NULL};
    s = make_set(pairs);
    clock_t t0 = clock();
    assert_null(render_set(s, "{}", NULL, NULL));
    assert_true(clock() - t0 < CLOCKS_PER_SEC);
    tmpl_set_free(s);
}

/* ---- comments, lines, limits ---- */

static void test_comments(void **state)
{
    check("a{{! note }}b{{!-- has }} and {{x}} inside --}}c{{ ! spaced }}d", "{\"x\": 1}",
          "abcd");
    check_err("{{! multi\nline\n}}\n\n{{/if}}", "t:5: {{/if}} without an open block");
    check_err("{{!-- a\n}}\n--}}{{#x y}}", "t:3: unknown block helper '#x'");
}

static void test_syntax_errors(void **state)
{
    check_err("{{#if x}}\n", "t:1: unclosed {{#if}}");
    check_err("{{#if a}}\n{{#each b}}\n", "t:2: unclosed {{#each}}");
    check_err("a\n{{#if x}}\n{{#each y}}\n{{/if}}",
              "t:4: {{/if}} does not match {{#each}} from line 3");
    check_err("{{#if\n x}}\n{{/each}}", "t:3: {{/each}} does not match {{#if}} from line 1");
    check_err("ok\n{{/if}}", "t:2: {{/if}} without an open block");
    check_err("{{/}}", "t:1: expected a block name after '/'");
    check_err("\n\n{{foo bar}}", "t:3: unknown helper 'foo'");
    check_err("{{#foo x}}{{/foo}}", "t:1: unknown block helper '#foo'");
    check_err("{{#}}", "t:1: missing block helper name after '#'");
    check_err("x\n{{else}}", "t:2: {{else}} outside a block");
    check_err("{{#if a}}{{else}}\n{{else}}{{/if}}", "t:2: second {{else}} in {{#if}} from line 1");
    check_err("{{#if a}}{{else if b}}{{/if}}", "t:1: unexpected arguments after else");
    check_err("\n{{t \"abc}}", "t:2: bad string literal: missing closing quote");
    check_err("{{t \"a\\nb\"}}", "t:1: bad string literal: only \\\" and \\\\ escapes");
    check_err("{{t \"a\"b}}", "t:1: bad string literal: no space after closing quote");
    check_err("{{t a\"b\"}}", "t:1: bad string literal: quote inside a name");
    check_err("{{}}", "t:1: empty path");
    check_err("x\n{{  }}", "t:2: empty path");
    check_err("{{#if}}{{/if}}", "t:1: empty path in {{#if}}");
    check_err("{{#each }}{{/each}}", "t:1: empty path in {{#each}}");
    check_err("{{raw}}", "t:1: empty path in {{raw}}");
    check_err("{{raw a b}}", "t:1: too many arguments to raw");
    check_err("line\n\n{{ x", "t:3: unterminated '{{'");
    check_err("{{x}}\n{{y}", "t:2: unterminated '{{'");
    check_err("{{a..b}}", "t:1: bad path 'a..b'");
    check_err("{{.a}}", "t:1: bad path '.a'");
    check_err("{{a.}}", "t:1: bad path 'a.'");
    check_err("{{{x}}}", "t:1: bad path '{x'");
    check_err("{{a/b}}", "t:1: bad path 'a/b'");
    check_err("{{@foo}}", "t:1: unknown variable '@foo'");
    check_err("{{\"lit\"}}", "t:1: unexpected string literal");
    check_err("{{#eq x}}{{/eq}}", "t:1: {{#eq}} needs a path and a literal");
    check_err("{{#eq x y}}{{/eq}}", "t:1: {{#eq}} needs a string or number literal");
    check_err("{{#eq \"x\" \"y\"}}{{/eq}}", "t:1: expected a path, found a string literal");
    check_err("{{#if a b}}{{/if}}", "t:1: too many arguments to {{#if}}");
    check_err("{{t}}", "t:1: {{t}} needs a string literal msgid");
    check_err("{{t msg}}", "t:1: {{t}} needs a string literal msgid");
    check_err("{{t \"m\" a b c d e f g h i j}}", "t:1: too many arguments");
    check_err("{{t \"m\" a..b}}", "t:1: bad path 'a..b'");
    check_err("{{> }}", "t:1: {{>}} needs exactly one template name");
    check_err("{{> a b}}", "t:1: {{>}} needs exactly one template name");
    check_err("{{> a<b}}", "t:1: bad template name in {{>}}");
    check_err("\n{{! never closed", "t:2: unterminated comment");
    check_err("{{!-- never closed }}", "t:1: unterminated comment");
}

static void test_error_without_buffer(void **state)
{
    tmpl_set *s = tmpl_set_new();
    assert_non_null(s);
    assert_int_equal(tmpl_set_add(s, "t", "{{#if", 5, NULL, 0), -1);
    char small[8];
    assert_int_equal(tmpl_set_add(s, "t", "{{/if}}", 7, small, sizeof(small)), -1);
    assert_string_equal(small, "t:1: {{");
    assert_false(tmpl_set_has(s, "t"));
    /* not NUL-terminated source: only len bytes count */
    assert_int_equal(tmpl_set_add(s, "main", "{{x}}{{", 5, NULL, 0), 0);
    char *got = render_set(s, "{\"x\": \"ok\"}", NULL, NULL);
    assert_string_equal(got, "ok");
    free(got);
    tmpl_set_free(s);
}

static void test_nesting_limit(void **state)
{
    buf src;
    buf_init(&src);
    for (int i = 0; i < 64; i++)
        buf_puts(&src, "{{#if x}}");
    buf_puts(&src, "deep");
    for (int i = 0; i < 64; i++)
        buf_puts(&src, "{{/if}}");
    const char *pairs[] = {"main", buf_cstr(&src), NULL};
    tmpl_set *s = make_set(pairs);
    char *got = render_set(s, "{\"x\": 1}", NULL, NULL);
    assert_non_null(got);
    assert_string_equal(got, "deep");
    free(got);
    tmpl_set_free(s);

    buf_reset(&src);
    for (int i = 0; i < 65; i++)
        buf_printf(&src, "{{#each x}}\n");
    check_err(buf_cstr(&src), "t:65: blocks nested too deeply (max 64)");
    buf_free(&src);
}

static void test_exponential_render_is_bounded(void **state)
{
    buf src;
    buf_init(&src);
    for (int i = 0; i < 40; i++)
        buf_puts(&src, "{{#each a}}");
    buf_puts(&src, "x");
    for (int i = 0; i < 40; i++)
        buf_puts(&src, "{{/each}}");
    const char *pairs[] = {"main", buf_cstr(&src), NULL};
    tmpl_set *s = make_set(pairs);
    clock_t t0 = clock();
    assert_null(render_set(s, "{\"a\": [1, 2]}", NULL, NULL));
    assert_true(clock() - t0 < 10 * CLOCKS_PER_SEC);
    tmpl_set_free(s);
    buf_free(&src);
}

static void test_line_numbers_across_text_and_tags(void **state)
{
    check_err("one\ntwo {{x}} three\n{{#if\n\n y}}\nfour\n{{t \"a\nb\"}}\n{{/each}}",
              "t:9: {{/each}} does not match {{#if}} from line 3");
    check_err("\r\n\r\n{{#with}}", "t:3: empty path in {{#with}}");
}

/* ---- the set ---- */

static void test_set_api(void **state)
{
    tmpl_set *s = tmpl_set_new();
    assert_non_null(s);
    assert_false(tmpl_set_has(s, "main"));
    assert_int_equal(tmpl_set_add(s, "main", "v1 {{x}}", 8, NULL, 0), 0);
    assert_true(tmpl_set_has(s, "main"));
    char *got = render_set(s, "{\"x\": 1}", NULL, NULL);
    assert_string_equal(got, "v1 1");
    free(got);
    /* re-adding replaces; a failed re-add keeps the old one */
    assert_int_equal(tmpl_set_add(s, "main", "v2 {{x}}", 8, NULL, 0), 0);
    assert_int_equal(tmpl_set_add(s, "main", "{{#if", 5, NULL, 0), -1);
    got = render_set(s, "{\"x\": 2}", NULL, NULL);
    assert_string_equal(got, "v2 2");
    free(got);
    /* render appends to out */
    buf out;
    buf_init(&out);
    buf_puts(&out, "<!doctype html>");
    assert_int_equal(tmpl_render(s, "main", NULL, NULL, NULL, &out), 0);
    assert_string_equal(buf_cstr(&out), "<!doctype html>v2 ");
    assert_int_equal(tmpl_render(s, "other", NULL, NULL, NULL, &out), -1);
    assert_int_equal(tmpl_render(NULL, "main", NULL, NULL, NULL, &out), -1);
    buf_free(&out);
    assert_int_equal(tmpl_set_add(s, "", "x", 1, NULL, 0), -1);
    assert_false(tmpl_set_has(NULL, "main"));
    /* many templates */
    for (int i = 0; i < 100; i++) {
        char name[16];
        snprintf(name, sizeof(name), "n%d", i);
        assert_int_equal(tmpl_set_add(s, name, name, strlen(name), NULL, 0), 0);
    }
    assert_true(tmpl_set_has(s, "n0"));
    assert_true(tmpl_set_has(s, "n99"));
    assert_true(tmpl_set_has(s, "main"));
    tmpl_set_free(s);
    tmpl_set_free(NULL);
}

/* ---- load_dir ---- */

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    char path[512];
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(path);
        else
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static void test_load_dir(void **state)
{
    char dir[] = "/tmp/test_tmpl_XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_file(dir, "main.html", "<h1>{{title}}</h1>{{> nav}}\n");
    write_file(dir, "nav.html", "<nav>{{#each links}}{{.}} {{/each}}</nav>");
    write_file(dir, "notes.txt", "{{#if broken");
    write_file(dir, ".hidden.html", "{{#if broken");
    write_file(dir, "x.html.bak", "{{#if broken");
    write_file(dir, ".html", "{{#if broken");
    char sub[512];
    snprintf(sub, sizeof(sub), "%s/sub.html", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    write_file(sub, "inner.html", "{{#if broken");
    char link[512];
    snprintf(link, sizeof(link), "%s/dangling.html", dir);
    assert_int_equal(symlink("/nonexistent/x.html", link), 0);

    tmpl_set *s = tmpl_set_new();
    char err[256] = "";
    assert_int_equal(tmpl_set_load_dir(s, dir, err, sizeof(err)), 0);
    assert_true(tmpl_set_has(s, "main"));
    assert_true(tmpl_set_has(s, "nav"));
    assert_false(tmpl_set_has(s, "notes"));
    assert_false(tmpl_set_has(s, "notes.txt"));
    assert_false(tmpl_set_has(s, ".hidden"));
    assert_false(tmpl_set_has(s, "sub"));
    assert_false(tmpl_set_has(s, "inner"));
    assert_false(tmpl_set_has(s, "dangling"));
    assert_false(tmpl_set_has(s, "main.html"));
    char *got = render_set(s, "{\"title\": \"<Hi>\", \"links\": [\"a\", \"b\"]}", NULL, NULL);
    assert_string_equal(got, "<h1>&lt;Hi&gt;</h1><nav>a b </nav>\n");
    free(got);
    tmpl_set_free(s);

    /* a syntax error names the file and the line */
    write_file(dir, "zbad.html", "ok\n\n{{#each xs}}\n");
    s = tmpl_set_new();
    assert_int_equal(tmpl_set_load_dir(s, dir, err, sizeof(err)), -1);
    char want[600];
    snprintf(want, sizeof(want), "%s/zbad.html:3: unclosed {{#each}}", dir);
    assert_string_equal(err, want);
    tmpl_set_free(s);

    remove_tree(dir);
}

static void test_load_dir_missing(void **state)
{
    tmpl_set *s = tmpl_set_new();
    char err[256] = "";
    assert_int_equal(tmpl_set_load_dir(s, "/nonexistent/tmpl-dir", err, sizeof(err)), -1);
    assert_string_equal(err, "/nonexistent/tmpl-dir: No such file or directory");
    tmpl_set_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_is_verbatim),
        cmocka_unit_test(test_escapes_all_five),
        cmocka_unit_test(test_raw_is_unescaped),
        cmocka_unit_test(test_value_types),
        cmocka_unit_test(test_whitespace_in_tags),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_if_else),
        cmocka_unit_test(test_truthiness_table),
        cmocka_unit_test(test_unless),
        cmocka_unit_test(test_eq),
        cmocka_unit_test(test_each_nested_scopes),
        cmocka_unit_test(test_each_else_and_shadowing),
        cmocka_unit_test(test_with),
        cmocka_unit_test(test_with_scope),
        cmocka_unit_test(test_t_translates_and_substitutes),
        cmocka_unit_test(test_t_without_translator),
        cmocka_unit_test(test_include),
        cmocka_unit_test(test_include_unknown_fails),
        cmocka_unit_test(test_include_depth_limit),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_error_without_buffer),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_exponential_render_is_bounded),
        cmocka_unit_test(test_line_numbers_across_text_and_tags),
        cmocka_unit_test(test_set_api),
        cmocka_unit_test(test_load_dir),
        cmocka_unit_test(test_load_dir_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
