/*
 * test_evaluation.c - unit tests for src/core/evaluation.c: the shipped
 * questionnaire (run from the repository root), every validation message
 * with its line, answers, the answering window, periods, and the published
 * figures with the suppression edges (4 and 5 answers).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/evaluation.h"

#define SHIPPED "data/evaluation.json"

/* A valid questionnaire; %s is replaced by the statements' extra text. */
static const char good[] =
    "{\n"
    "  \"id\": \"q\",\n"
    "  \"version\": 2,\n"
    "  \"title\": {\"fr\": \"Titre\", \"en\": \"Title\"},\n"
    "  \"about\": {\"fr\": \"A\", \"en\": \"A\"},\n"
    "  \"reference\": {\"fr\": \"R\", \"en\": \"R\"},\n"
    "  \"scale\": [{\"fr\": \"1\", \"en\": \"1\"}, {\"fr\": \"2\", \"en\": \"2\"}, {\"fr\": \"3\", \"en\": \"3\"},\n"
    "            {\"fr\": \"4\", \"en\": \"4\"}, {\"fr\": \"5\", \"en\": \"5\"}],\n"
    "  \"statements\": [\n"
    "    {\"id\": \"a\", \"text\": {\"fr\": \"A\", \"en\": \"A\"}, \"reference_pct\": 86.8},\n"
    "    {\"id\": \"b\", \"text\": {\"fr\": \"B\", \"en\": \"B\"}}\n"
    "  ]\n"
    "}\n";

/* good with the first occurrence of from replaced by to. */
static char *edit(const char *from, const char *to)
{
    const char *p = strstr(good, from);
    if (!p)
        fail_msg("no '%s' in the sample", from);
    size_t n = strlen(good) - strlen(from) + strlen(to) + 1;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, "%.*s%s%s", (int)(p - good), good, to, p + strlen(from));
    return s;
}

/* Parsing text must fail with exactly this message. */
static void refused(const char *text, const char *want)
{
    char err[512] = "";
    evaluation_form *f = (evaluation_form *)1;
    assert_int_equal(evaluation_parse(text, strlen(text), "t.json", &f, err, sizeof(err)), -1);
    assert_null(f);
    assert_string_equal(err, want);
}

static void refused_edit(const char *from, const char *to, const char *want)
{
    char *s = edit(from, to);
    refused(s, want);
    free(s);
}

static void test_shipped(void **state)
{
    (void)state;
    char err[512] = "";
    evaluation_form *f = NULL;
    if (evaluation_load_file(SHIPPED, &f, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    assert_int_equal(f->nstatements, 5);
    static const char *const ids[] = {"safety", "practice", "options", "roles", "model"};
    static const int refs[] = {868, 879, -1, -1, 1000};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(f->statements[i].id, ids[i]);
        assert_int_equal(f->statements[i].reference_tenths, refs[i]);
        assert_true(strlen(f->statements[i].text.fr) > 0 && strlen(f->statements[i].text.en) > 0);
    }
    assert_string_equal(f->scale[0].en, "Strongly disagree");
    assert_string_equal(f->scale[4].fr, "Tout à fait en accord");
    evaluation_free(f);
}

static void test_parse_good(void **state)
{
    (void)state;
    char err[512] = "";
    evaluation_form *f = NULL;
    assert_int_equal(evaluation_parse(good, strlen(good), "t.json", &f, err, sizeof(err)), 0);
    assert_string_equal(f->id, "q");
    assert_int_equal(f->version, 2);
    assert_int_equal(f->nstatements, 2);
    assert_int_equal(f->statements[0].reference_tenths, 868);
    assert_int_equal(f->statements[1].reference_tenths, -1);
    assert_int_equal(evaluation_statement_index(f, "b"), 1);
    assert_int_equal(evaluation_statement_index(f, "c"), -1);
    evaluation_free(f);
}

static void test_parse_errors(void **state)
{
    (void)state;
    refused("{\n  \"id\": \"q\",\n  \"version\": 1,\n", "t.json:4: string or '}' expected near end of file");
    refused("[]", "t.json:1: a questionnaire is a JSON object");
    refused_edit("\"version\": 2,\n", "\"version\": 2,\n  \"colour\": 1,\n", "t.json:4: questionnaire: unknown field \"colour\"");
    refused_edit("\"version\": 2", "\"version\": 0", "t.json:3: questionnaire: version 0 is outside 1..1000000");
    refused_edit("\"id\": \"q\"", "\"id\": \"Q!\"", "t.json:2: questionnaire: bad id 'Q!' (lowercase letters, digits, - and _, at most 64)");
    refused_edit("\"title\": {\"fr\": \"Titre\", \"en\": \"Title\"}", "\"title\": {\"fr\": \"Titre\"}",
                 "t.json:4: questionnaire: \"title\" has no en text");
    refused_edit("\"about\": {\"fr\": \"A\", \"en\": \"A\"}", "\"about\": {\"fr\": \"\", \"en\": \"A\"}",
                 "t.json:5: questionnaire: \"about\".fr must be a non-empty string");
    refused_edit("{\"fr\": \"5\", \"en\": \"5\"}", "{\"fr\": \"5\", \"en\": \"5\"}, {\"fr\": \"6\", \"en\": \"6\"}",
                 "t.json:7: \"scale\" must be an array of 5 labels, from \"strongly disagree\" to \"strongly agree\"");
    refused_edit("{\"fr\": \"4\", \"en\": \"4\"}", "{\"fr\": \"4\", \"de\": \"4\"}",
                 "t.json:8: scale[3]: unknown field \"de\"");
    refused_edit("{\"id\": \"b\"", "{\"id\": \"a\"", "t.json:11: duplicate statement id 'a'");
    refused_edit("\"reference_pct\": 86.8", "\"reference_pct\": 86.85", "t.json:10: statement 'a': reference_pct 86.85 has more than one decimal");
    refused_edit("\"reference_pct\": 86.8", "\"reference_pct\": 100.1", "t.json:10: statement 'a': reference_pct 100.1 is outside 0..100");
    refused_edit("\"reference_pct\": 86.8", "\"reference_pct\": \"86.8\"", "t.json:10: statement 'a': \"reference_pct\" must be a number");
    refused_edit("{\"id\": \"b\", \"text\": {\"fr\": \"B\", \"en\": \"B\"}}", "{\"id\": \"b\", \"txt\": {}}",
                 "t.json:11: statement 'b': unknown field \"txt\"");
    refused_edit("{\"id\": \"b\", \"text\": {\"fr\": \"B\", \"en\": \"B\"}}", "{\"id\": \"b\"}",
                 "t.json:11: statement 'b': missing \"text\"");
    refused_edit("{\"id\": \"b\", \"text\": {\"fr\": \"B\", \"en\": \"B\"}}", "\"b\"",
                 "t.json:11: statements[1] must be an object");
    refused_edit("\"statements\": [", "\"statements\": [], \"x\": [",
                 "t.json:9: questionnaire: unknown field \"x\"");
    /* Integers are percentages too; 100 is the top. */
    char *s = edit("\"reference_pct\": 86.8", "\"reference_pct\": 100");
    char err[256];
    evaluation_form *f = NULL;
    assert_int_equal(evaluation_parse(s, strlen(s), "t.json", &f, err, sizeof(err)), 0);
    assert_int_equal(f->statements[0].reference_tenths, 1000);
    evaluation_free(f);
    free(s);
    refused("{\"id\": \"q\", \"version\": 1, \"title\": {\"fr\": \"T\", \"en\": \"T\"}, \"about\": {\"fr\": \"A\", \"en\": \"A\"},"
            " \"reference\": {\"fr\": \"R\", \"en\": \"R\"}, \"scale\": [{\"fr\": \"1\", \"en\": \"1\"}, {\"fr\": \"2\", \"en\": \"2\"},"
            " {\"fr\": \"3\", \"en\": \"3\"}, {\"fr\": \"4\", \"en\": \"4\"}, {\"fr\": \"5\", \"en\": \"5\"}], \"statements\": []}",
            "t.json:1: \"statements\" is empty");
    refused("{\"id\": \"q\", \"id\": \"r\"}", "t.json:1: duplicate object key near '\"id\"'");
}

static void test_load_missing(void **state)
{
    (void)state;
    char err[512] = "";
    evaluation_form *f = NULL;
    assert_int_equal(evaluation_load_file("no/such/evaluation.json", &f, err, sizeof(err)), -1);
    assert_null(f);
    assert_non_null(strstr(err, "no/such/evaluation.json: cannot open"));
}

static evaluation_form *shipped(void)
{
    char err[512] = "";
    evaluation_form *f = NULL;
    if (evaluation_load_file(SHIPPED, &f, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    return f;
}

static evaluation_problem read_answers(const evaluation_form *f, const char *json, int *values, const char **key)
{
    json_error_t jerr;
    json_t *j = json_loads(json, 0, &jerr);
    if (!j)
        fail_msg("bad test JSON %s", json);
    static char copy[80];
    evaluation_problem p = evaluation_answers_read(f, j, values, key);
    /* *key points into j: keep a copy past its end. */
    if (key && *key) {
        snprintf(copy, sizeof(copy), "%s", *key);
        *key = copy;
    }
    json_decref(j);
    return p;
}

static void test_answers(void **state)
{
    (void)state;
    evaluation_form *f = shipped();
    int v[EVALUATION_MAX_STATEMENTS];
    const char *key = NULL;
    assert_int_equal(read_answers(f, "{\"safety\": 5, \"model\": 1}", v, &key), EVAL_ANSWERS_OK);
    assert_int_equal(v[0], 5);
    assert_int_equal(v[1], 0);
    assert_int_equal(v[4], 1);
    assert_null(key);
    assert_int_equal(read_answers(f, "{\"safety\": 6}", v, &key), EVAL_ANSWERS_OUT_OF_RANGE);
    assert_string_equal(key, "safety");
    assert_int_equal(read_answers(f, "{\"practice\": 0}", v, &key), EVAL_ANSWERS_OUT_OF_RANGE);
    assert_int_equal(read_answers(f, "{\"practice\": 4.0}", v, &key), EVAL_ANSWERS_OUT_OF_RANGE);
    assert_int_equal(read_answers(f, "{\"practice\": \"4\"}", v, &key), EVAL_ANSWERS_OUT_OF_RANGE);
    assert_int_equal(read_answers(f, "{\"weather\": 3}", v, &key), EVAL_ANSWERS_UNKNOWN);
    assert_string_equal(key, "weather");
    assert_int_equal(read_answers(f, "{}", v, &key), EVAL_ANSWERS_EMPTY);
    assert_int_equal(read_answers(f, "[1, 2]", v, &key), EVAL_ANSWERS_NOT_OBJECT);
    assert_true(evaluation_comment_valid(NULL));
    char big[EVALUATION_COMMENT_MAX + 2];
    memset(big, 'x', sizeof(big));
    big[EVALUATION_COMMENT_MAX] = '\0';
    assert_true(evaluation_comment_valid(big));
    big[EVALUATION_COMMENT_MAX] = 'x';
    big[EVALUATION_COMMENT_MAX + 1] = '\0';
    assert_false(evaluation_comment_valid(big));
    evaluation_free(f);
}

static void test_window(void **state)
{
    (void)state;
    const char *start = "2026-03-10T14:00:00Z";
    assert_int_equal(evaluation_window_at(start, "2026-03-10T13:59:59Z"), EVAL_NOT_STARTED);
    assert_int_equal(evaluation_window_at(start, "2026-03-10T14:00:00Z"), EVAL_OPEN);
    assert_int_equal(evaluation_window_at(start, "2026-04-09T13:59:59Z"), EVAL_OPEN);   /* 30 days less 1 s */
    assert_int_equal(evaluation_window_at(start, "2026-04-09T14:00:00Z"), EVAL_CLOSED); /* 30 days */
    assert_int_equal(evaluation_window_at("2026-02-30T14:00:00Z", "2026-03-10T14:00:00Z"), EVAL_BAD_TIME);
    assert_int_equal(evaluation_window_at(start, "2026-03-10 14:00"), EVAL_BAD_TIME);
    assert_int_equal(evaluation_window_at(NULL, start), EVAL_BAD_TIME);
    /* Across the end of a leap February. */
    assert_int_equal(evaluation_window_at("2028-02-01T00:00:00Z", "2028-03-01T23:59:59Z"), EVAL_OPEN);
    assert_int_equal(evaluation_window_at("2028-02-01T00:00:00Z", "2028-03-02T00:00:00Z"), EVAL_CLOSED);
}

static void test_months(void **state)
{
    (void)state;
    char m[8];
    assert_int_equal(evaluation_month_of("2026-03", m), 0);
    assert_string_equal(m, "2026-03");
    assert_int_equal(evaluation_month_of("2026-03-31", m), 0);
    assert_string_equal(m, "2026-03");
    assert_int_equal(evaluation_month_of("2026-13", m), -1);
    assert_int_equal(evaluation_month_of("2026-02-30", m), -1);
    assert_int_equal(evaluation_month_of("2026-3", m), -1);
    assert_int_equal(evaluation_month_of(NULL, m), -1);
    assert_int_equal(evaluation_month_add("2026-01", -1, m), 0);
    assert_string_equal(m, "2025-12");
    assert_int_equal(evaluation_month_add("2026-12", -11, m), 0);
    assert_string_equal(m, "2026-01");
    assert_int_equal(evaluation_month_add("2026-11", 2, m), 0);
    assert_string_equal(m, "2027-01");
    assert_int_equal(evaluation_month_add("1900-01", -1, m), -1);
    assert_int_equal(evaluation_month_add("2026-00", 1, m), -1);
}

static evaluation_figure figure(long c1, long c2, long c3, long c4, long c5)
{
    long counts[EVALUATION_SCALE] = {c1, c2, c3, c4, c5};
    evaluation_figure fg;
    evaluation_figure_of(counts, &fg);
    return fg;
}

static void test_figures(void **state)
{
    (void)state;
    evaluation_figure fg;
    /* 4 answers: counted, but the share is suppressed. */
    fg = figure(0, 0, 0, 2, 2);
    assert_int_equal(fg.answers, 4);
    assert_int_equal(fg.agree, 4);
    assert_int_equal(fg.pct_tenths, -1);
    /* 5 answers: shown. 4 of 5 agree = 80.0 %. */
    fg = figure(1, 0, 0, 2, 2);
    assert_int_equal(fg.answers, 5);
    assert_int_equal(fg.agree, 4);
    assert_int_equal(fg.pct_tenths, 800);
    /* 6 of 7 = 85.714... -> 85.7; 1 of 3 of 3... 2 of 3 not shown. */
    fg = figure(0, 1, 0, 3, 3);
    assert_int_equal(fg.pct_tenths, 857);
    /* Rounded half up: 1 of 8 = 12.5 % exactly; 1 of 16 = 6.25 -> 6.3. */
    fg = figure(7, 0, 0, 1, 0);
    assert_int_equal(fg.pct_tenths, 125);
    fg = figure(15, 0, 0, 0, 1);
    assert_int_equal(fg.pct_tenths, 63);
    /* 3 is not agreeing; nobody agreeing is 0.0 %, all 100.0 %. */
    fg = figure(0, 0, 5, 0, 0);
    assert_int_equal(fg.agree, 0);
    assert_int_equal(fg.pct_tenths, 0);
    fg = figure(0, 0, 0, 0, 9);
    assert_int_equal(fg.pct_tenths, 1000);
    /* Nothing at all. */
    fg = figure(0, 0, 0, 0, 0);
    assert_int_equal(fg.answers, 0);
    assert_int_equal(fg.pct_tenths, -1);
    fg = figure(-3, 0, 0, 0, 5);
    assert_int_equal(fg.answers, 5);
}

static void test_suppression(void **state)
{
    (void)state;
    char t[16];
    assert_string_equal(evaluation_count_text(0, t, sizeof(t)), "0");
    assert_string_equal(evaluation_count_text(1, t, sizeof(t)), "<5");
    assert_string_equal(evaluation_count_text(4, t, sizeof(t)), "<5");
    assert_string_equal(evaluation_count_text(5, t, sizeof(t)), "5");
    assert_string_equal(evaluation_count_text(123, t, sizeof(t)), "123");
    assert_false(evaluation_count_suppressed(0));
    assert_true(evaluation_count_suppressed(4));
    assert_false(evaluation_count_suppressed(5));
    json_t *j = evaluation_count_json(4);
    assert_string_equal(json_string_value(j), "<5");
    json_decref(j);
    j = evaluation_count_json(5);
    assert_int_equal(json_integer_value(j), 5);
    json_decref(j);
    j = evaluation_count_json(0);
    assert_true(json_is_integer(j) && json_integer_value(j) == 0);
    json_decref(j);
    assert_string_equal(evaluation_pct_text(857, "fr", t, sizeof(t)), "85,7");
    assert_string_equal(evaluation_pct_text(857, "en", t, sizeof(t)), "85.7");
    assert_string_equal(evaluation_pct_text(1000, "en", t, sizeof(t)), "100.0");
    assert_string_equal(evaluation_pct_text(5, "en", t, sizeof(t)), "0.5");
    assert_string_equal(evaluation_pct_text(-1, "en", t, sizeof(t)), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped),
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_load_missing),
        cmocka_unit_test(test_answers),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_months),
        cmocka_unit_test(test_figures),
        cmocka_unit_test(test_suppression),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
