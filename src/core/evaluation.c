/*
 * evaluation.c - the practitioners' questionnaire: parsing, validation,
 * answers, and the published figures with small counts suppressed; see
 * evaluation.h.
 *
 * Like an instrument, a parsed form keeps its jansson document (the
 * strings point into it); parsing and its "FILE:LINE: reason" messages use
 * the shared data-file machinery (core/datafile.h).
 */
#include "core/evaluation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dates.h"

/* A percentage 0..100 with at most one decimal, in tenths. */
static int pct_of(datafile_ctx *c, json_t *v, const char *what, int *tenths)
{
    if (!json_is_number(v))
        return datafile_fail(c, "%s: \"reference_pct\" must be a number", what);
    double x = json_number_value(v);
    if (!(x >= 0.0 && x <= 100.0))
        return datafile_fail(c, "%s: reference_pct %g is outside 0..100", what, x);
    double t = x * 10.0, r = floor(t + 0.5);
    if (fabs(t - r) > 1e-6)
        return datafile_fail(c, "%s: reference_pct %g has more than one decimal", what, x);
    *tenths = (int)r;
    return 0;
}

static int parse_statements(datafile_ctx *c, json_t *root, evaluation_form *f)
{
    static const char *const keys[] = {"id", "text", "reference_pct", NULL};
    evaluation_statement *st;
    json_t *arr;
    if (!json_object_get(root, "statements")) {
        c->depth = 0;
        return datafile_fail(c, "questionnaire: missing \"statements\"");
    }
    if (datafile_array(c, root, 0, "statements", EVALUATION_MAX_STATEMENTS, 0, &arr) != 0)
        return -1;
    st = calloc(json_array_size(arr), sizeof(*st));
    if (!st)
        return datafile_fail(c, "out of memory");
    f->statements = st;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *s = json_array_get(arr, i), *pct;
        char what[96];
        datafile_at_key(c, 0, "statements");
        datafile_at_index(c, 1, i);
        if (!json_is_object(s))
            return datafile_fail(c, "statements[%zu] must be an object", i);
        snprintf(what, sizeof(what), "statements[%zu]", i);
        if (datafile_id(c, s, 2, "id", 1, what, &st[i].id) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(st[j].id, st[i].id) == 0)
                return datafile_fail(c, "duplicate statement id '%s'", st[i].id);
        snprintf(what, sizeof(what), "statement '%s'", st[i].id);
        if (datafile_check_keys(c, s, 2, keys, what) != 0 ||
            datafile_text_member(c, s, 2, "text", what, &st[i].text) != 0)
            return -1;
        st[i].reference_tenths = -1;
        pct = json_object_get(s, "reference_pct");
        if (pct) {
            datafile_at_key(c, 2, "reference_pct");
            if (pct_of(c, pct, what, &st[i].reference_tenths) != 0)
                return -1;
        }
        f->nstatements = i + 1;
    }
    return 0;
}

static int parse_root(datafile_ctx *c, json_t *root, evaluation_form *f)
{
    static const char *const keys[] = {"id", "version", "title", "about", "scale", "reference", "statements", NULL};
    json_t *v;
    c->depth = 0;
    if (!json_is_object(root))
        return datafile_fail(c, "a questionnaire is a JSON object");
    if (datafile_check_keys(c, root, 0, keys, "questionnaire") != 0 ||
        datafile_id(c, root, 0, "id", 1, "questionnaire", &f->id) != 0 ||
        datafile_int(c, root, 0, "version", "questionnaire", 1, INSTRUMENT_MAX_VERSION, &f->version) != 0 ||
        datafile_text_member(c, root, 0, "title", "questionnaire", &f->title) != 0 ||
        datafile_text_member(c, root, 0, "about", "questionnaire", &f->about) != 0 ||
        datafile_text_member(c, root, 0, "reference", "questionnaire", &f->reference) != 0)
        return -1;
    v = json_object_get(root, "scale");
    datafile_at_key(c, 0, "scale");
    if (!v) {
        c->depth = 0;
        return datafile_fail(c, "questionnaire: missing \"scale\"");
    }
    if (!json_is_array(v) || json_array_size(v) != EVALUATION_SCALE)
        return datafile_fail(c,
                             "\"scale\" must be an array of %d labels, from \"strongly disagree\" to "
                             "\"strongly agree\"",
                             EVALUATION_SCALE);
    for (size_t i = 0; i < EVALUATION_SCALE; i++) {
        char what[32];
        snprintf(what, sizeof(what), "scale[%zu]", i);
        datafile_at_key(c, 0, "scale");
        datafile_at_index(c, 1, i);
        if (datafile_text_value(c, json_array_get(v, i), what, &f->scale[i]) != 0)
            return -1;
    }
    return parse_statements(c, root, f);
}

void evaluation_free(evaluation_form *f)
{
    if (!f)
        return;
    free((void *)f->statements);
    json_decref(f->doc);
    free(f);
}

int evaluation_parse(const char *text, size_t len, const char *filename, evaluation_form **out, char *err,
                     size_t errlen)
{
    datafile_ctx c;
    evaluation_form *f;
    json_t *doc;
    *out = NULL;
    datafile_init(&c, text, len, filename, err, errlen);
    doc = datafile_json(&c);
    if (!doc)
        return -1;
    f = calloc(1, sizeof(*f));
    if (!f) {
        json_decref(doc);
        return datafile_fail(&c, "out of memory");
    }
    f->doc = doc;
    if (parse_root(&c, f->doc, f) != 0) {
        evaluation_free(f);
        return -1;
    }
    *out = f;
    return 0;
}

int evaluation_load_file(const char *path, evaluation_form **out, char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    *out = NULL;
    if (datafile_read(path, &text, &len, err, errlen) != 0)
        return -1;
    int rc = evaluation_parse(text, len, path, out, err, errlen);
    free(text);
    return rc;
}

int evaluation_statement_index(const evaluation_form *f, const char *id)
{
    for (size_t i = 0; f && id && i < f->nstatements; i++)
        if (strcmp(f->statements[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* ------------------------------------------------------------- answers */

evaluation_problem evaluation_answers_read(const evaluation_form *f, const json_t *answers, int *values,
                                           const char **key)
{
    const char *k;
    json_t *v;
    size_t answered = 0;
    if (key)
        *key = NULL;
    for (size_t i = 0; f && i < f->nstatements; i++)
        values[i] = 0;
    if (!f || !json_is_object(answers))
        return EVAL_ANSWERS_NOT_OBJECT;
    json_object_foreach((json_t *)answers, k, v) {
        int i = evaluation_statement_index(f, k);
        if (key)
            *key = k;
        if (i < 0)
            return EVAL_ANSWERS_UNKNOWN;
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > EVALUATION_SCALE)
            return EVAL_ANSWERS_OUT_OF_RANGE;
        values[i] = (int)json_integer_value(v);
        answered++;
    }
    if (key)
        *key = NULL;
    return answered ? EVAL_ANSWERS_OK : EVAL_ANSWERS_EMPTY;
}

int evaluation_comment_valid(const char *comment)
{
    return !comment || strlen(comment) <= EVALUATION_COMMENT_MAX;
}

/* Seconds since 1970 of "YYYY-MM-DDTHH:MM:SSZ" into *out; -1 if it is not
 * such a time. */
static int utc_seconds(const char *s, long long *out)
{
    char date[11];
    int y, m, d;
    if (!s || strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
        return -1;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (date_parse(date, &y, &m, &d) != 0)
        return -1;
    for (int i = 11; i < 19; i++)
        if (i != 13 && i != 16 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int hh = (s[11] - '0') * 10 + (s[12] - '0'), mm = (s[14] - '0') * 10 + (s[15] - '0');
    int ss = (s[17] - '0') * 10 + (s[18] - '0');
    if (hh > 23 || mm > 59 || ss > 59)
        return -1;
    *out = (long long)date_days(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
    return 0;
}

evaluation_window evaluation_window_at(const char *starts_at, const char *now)
{
    long long start, t;
    if (utc_seconds(starts_at, &start) != 0 || utc_seconds(now, &t) != 0)
        return EVAL_BAD_TIME;
    if (t < start)
        return EVAL_NOT_STARTED;
    if (t >= start + (long long)EVALUATION_WINDOW_DAYS * 86400)
        return EVAL_CLOSED;
    return EVAL_OPEN;
}

/* -------------------------------------------------------------- periods */

int evaluation_month_of(const char *s, char out[8])
{
    char day[11];
    size_t n = s ? strlen(s) : 0;
    if (n == 7) {
        memcpy(day, s, 7);
        memcpy(day + 7, "-01", 4);
    } else if (n == 10) {
        memcpy(day, s, 11);
    } else {
        return -1;
    }
    if (date_parse(day, NULL, NULL, NULL) != 0)
        return -1;
    memcpy(out, day, 7);
    out[7] = '\0';
    return 0;
}

int evaluation_month_add(const char *month, int delta, char out[8])
{
    char day[11];
    int y, m;
    if (!month || strlen(month) != 7)
        return -1;
    memcpy(day, month, 7);
    memcpy(day + 7, "-01", 4);
    if (date_parse(day, &y, &m, NULL) != 0 || delta < -12 * 300 || delta > 12 * 300)
        return -1;
    long idx = (long)y * 12 + (m - 1) + delta;
    y = (int)(idx / 12);
    m = (int)(idx % 12) + 1;
    if (y < DATE_YEAR_MIN || y > DATE_YEAR_MAX)
        return -1;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '\0';
    return 0;
}

/* -------------------------------------------------------------- figures */

void evaluation_figure_of(const long counts[EVALUATION_SCALE], evaluation_figure *out)
{
    memset(out, 0, sizeof(*out));
    for (int i = 0; i < EVALUATION_SCALE; i++) {
        long n = counts[i] > 0 ? counts[i] : 0;
        out->answers += n;
        if (i + 1 >= EVALUATION_AGREE_MIN)
            out->agree += n;
    }
    if (out->answers < EVALUATION_MIN_SHOWN) {
        out->pct_tenths = -1;
        return;
    }
    /* Rounded half up, in integers: (2 * 1000 * agree + answers) / (2 * answers). */
    out->pct_tenths = (int)((2000LL * out->agree + out->answers) / (2LL * out->answers));
}

int evaluation_count_suppressed(long n)
{
    return n >= 1 && n < EVALUATION_MIN_SHOWN;
}

const char *evaluation_count_text(long n, char *out, size_t outlen)
{
    if (evaluation_count_suppressed(n))
        snprintf(out, outlen, "<%d", EVALUATION_MIN_SHOWN);
    else
        snprintf(out, outlen, "%ld", n < 0 ? 0 : n);
    return out;
}

json_t *evaluation_count_json(long n)
{
    char t[16];
    if (evaluation_count_suppressed(n))
        return json_string(evaluation_count_text(n, t, sizeof(t)));
    return json_integer(n < 0 ? 0 : n);
}

const char *evaluation_pct_text(int tenths, const char *lang, char *out, size_t outlen)
{
    if (tenths < 0) {
        if (outlen)
            out[0] = '\0';
        return out;
    }
    snprintf(out, outlen, "%d%c%d", tenths / 10, lang && strncmp(lang, "fr", 2) == 0 ? ',' : '.', tenths % 10);
    return out;
}
