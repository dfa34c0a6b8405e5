/*
 * evaluations.c - the practitioners' evaluations; see evaluations.h.
 *
 * Anonymity: the answer is written with a random id and no user, meeting
 * or time (store/evaluations.h); who answered which meeting is kept apart
 * only to refuse a second answer. The audit row of an answer says that the
 * user answered the meeting's questionnaire, with the same fields whatever
 * was answered (never whether there was a comment), and nothing of the
 * answer. The results are counts: a count from 1 to 4 is shown "<5", a
 * share from fewer than 5 answers is not shown, and the comments are shown
 * (without author, in random order) to the territory's coordinators and
 * auditors only once 5 questionnaires or more are counted.
 *
 * Access: OBJ_EVALUATION (an attendee answers; see the attendee rule in
 * evaluations.h) and OBJ_EVALUATION_RESULTS (the territory's coordinators
 * and auditors, an admin any territory or all). A meeting the caller may
 * not see is a 404, as everywhere; a meeting they see but did not attend
 * is a 403.
 */
#include "web/evaluations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/evaluation.h"
#include "lib/id.h"
#include "lib/log.h"
#include "lib/tz.h"
#include "store/evaluations.h"
#include "store/meetings.h"
#include "web/auth.h"
#include "web/vocab.h"

#define BAD_REQUEST_MSG N_("The request could not be understood.")
#define AAD_COMMENT "evaluation_responses.comment"

static const char *nz(const char *s)
{
    return s ? s : "";
}

static const char *text_in(req *r, const instrument_text *t)
{
    return instrument_text_get(t, r->lang);
}

/* now, and the earliest start still open ("now" less the window). */
static void window_times(char now[32], char since[32])
{
    time_t t = clock_now();
    time_rfc3339(t, now, 32);
    time_rfc3339(t - (time_t)EVALUATION_WINDOW_DAYS * 86400, since, 32);
}

/* ------------------------------------------------------------- periods */

int evaluation_period(const char *from, const char *to, char fm[8], char tm[8])
{
    if (to && *to) {
        if (evaluation_month_of(to, tm) != 0)
            return -1;
    } else {
        char today[11];
        req_today(today);
        if (evaluation_month_of(today, tm) != 0)
            return -1;
    }
    if (from && *from) {
        if (evaluation_month_of(from, fm) != 0)
            return -1;
    } else if (evaluation_month_add(tm, -11, fm) != 0) {
        return -1;
    }
    return strcmp(fm, tm) <= 0 ? 0 : -1;
}

/* ------------------------------------------------------------- results */

typedef struct counts_ctx {
    const evaluation_form *form;
    long counts[EVALUATION_MAX_STATEMENTS][EVALUATION_SCALE];
} counts_ctx;

static int counts_cb(void *ctx, const char *statement, int value, long count)
{
    counts_ctx *x = ctx;
    int i = evaluation_statement_index(x->form, statement);
    /* Statements no longer in the questionnaire are not published. */
    if (i >= 0 && value >= 1 && value <= EVALUATION_SCALE)
        x->counts[i][value - 1] += count;
    return 0;
}

static json_t *pct_json(int tenths)
{
    return tenths < 0 ? json_null() : json_real(tenths / 10.0);
}

json_t *evaluation_results_json(req *r, const char *territory_id, const char *from, const char *to)
{
    const evaluation_form *q = r->app->evaluation;
    char fm[8], tm[8];
    long responses = 0;
    counts_ctx *x;
    if (!q || evaluation_period(from, to, fm, tm) != 0)
        return NULL;
    x = calloc(1, sizeof(*x));
    if (!x)
        return NULL;
    x->form = q;
    store_conn *c = req_db(r);
    if (!c || store_evaluation_responses_count(c, territory_id, fm, tm, &responses) != STORE_OK ||
        store_evaluation_counts_each(c, territory_id, fm, tm, counts_cb, x) != STORE_OK) {
        free(x);
        return NULL;
    }
    json_t *rows = json_array();
    for (size_t i = 0; i < q->nstatements; i++) {
        const evaluation_statement *s = &q->statements[i];
        evaluation_figure fg;
        evaluation_figure_of(x->counts[i], &fg);
        json_t *dist = json_array();
        for (int v = 0; v < EVALUATION_SCALE; v++)
            json_array_append_new(dist, evaluation_count_json(x->counts[i][v]));
        json_array_append_new(rows, json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "id", s->id, "text",
                                              text_in(r, &s->text), "answers", evaluation_count_json(fg.answers),
                                              "agree", evaluation_count_json(fg.agree), "distribution", dist,
                                              "agree_pct", pct_json(fg.pct_tenths), "reference_pct",
                                              pct_json(s->reference_tenths)));
    }
    free(x);
    return json_pack("{s:o,s:s,s:s,s:{s:s,s:i},s:i,s:o,s:o,s:s}", "territory_id",
                     territory_id ? json_string(territory_id) : json_null(), "from", fm, "to", tm, "questionnaire",
                     "id", q->id, "version", q->version, "min_shown", EVALUATION_MIN_SHOWN, "responses",
                     evaluation_count_json(responses), "statements", rows, "reference",
                     text_in(r, &q->reference));
}

typedef struct comments_ctx {
    req *r;
    json_t *list;
} comments_ctx;

static int comments_cb(void *ctx, const char *id, const char *comment_enc)
{
    comments_ctx *x = ctx;
    const char *text = req_decrypt(x->r, arena_printf(x->r->a, "%s:%s", AAD_COMMENT, id), comment_enc);
    if (text && *text)
        json_array_append_new(x->list, json_string(text));
    return 0;
}

/* The territory asked for (NULL: all, for an admin who names none). */
/* 1 if the caller may read the results of every territory at once. */
static int reads_all(req *r)
{
    policy_target all = {.type = OBJ_EVALUATION_RESULTS, .territory_id = NULL};
    return policy_check(&r->who, VERB_READ, &all);
}

/* The territory asked for; by default all for those who may read them
 * all, else the caller's own. */
static const char *results_territory(req *r)
{
    const char *t = req_query(r, "territory");
    if (t && *t)
        return t;
    return reads_all(r) ? NULL : r->agency.territory_id;
}

/* The results for the API, the page and the CSV: policy, period, figures,
 * the comments for the territory's coordinators and auditors, and the
 * audit row (action: "read" or "export"). NULL with 0 in *rc when answered
 * (403, 422), -1 on an internal error. */
static json_t *results_for(req *r, policy_verb verb, const char *action, int *rc)
{
    const char *territory = results_territory(r);
    const char *from = req_query(r, "from"), *to = req_query(r, "to");
    char fm[8], tm[8];
    policy_target t = {.type = OBJ_EVALUATION_RESULTS, .territory_id = territory};
    *rc = 0;
    if (territory && !id_valid(territory))
        t.territory_id = "";
    if (!auth_allow(r, verb, &t, 0))
        return NULL;
    if (evaluation_period(from, to, fm, tm) != 0) {
        json_t *e = json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "bad_period", "message",
                              req_tr(r, N_("Give the period as months (YYYY-MM), the first not after the last.")),
                              "field", "from");
        if (r->is_api)
            *rc = resp_json(r, 422, e);
        else {
            json_decref(e);
            *rc = 1; /* the page shows the message itself */
        }
        return NULL;
    }
    json_t *res = evaluation_results_json(r, territory, fm, tm);
    if (!res) {
        *rc = -1;
        return NULL;
    }
    long responses = 0;
    json_t *comments = json_array();
    if (store_evaluation_responses_count(req_db(r), territory, fm, tm, &responses) != STORE_OK)
        goto fail;
    int shown = policy_reads_evaluation_comments(&r->who, territory) && responses >= EVALUATION_MIN_SHOWN;
    if (shown) {
        comments_ctx cx = {.r = r, .list = comments};
        if (store_evaluation_comments_each(req_db(r), r->a, territory, fm, tm, comments_cb, &cx) != STORE_OK)
            goto fail;
    }
    json_object_set_new(res, "comments", comments);
    json_object_set_new(res, "comments_shown", json_boolean(shown));
    if (auth_audit(r, action, "evaluation_results", territory ? territory : "", "from,to") != 0) {
        json_decref(res);
        *rc = -1;
        return NULL;
    }
    return res;
fail:
    json_decref(comments);
    json_decref(res);
    *rc = -1;
    return NULL;
}

/* GET /api/v1/evaluations/results?territory=&from=&to= */
int api_evaluation_results(req *r)
{
    int rc;
    json_t *res = results_for(r, VERB_READ, "read", &rc);
    return res ? resp_json(r, 200, res) : rc;
}

/* ------------------------------------------------------------- pending */

static json_t *questionnaire_json(req *r)
{
    const evaluation_form *q = r->app->evaluation;
    json_t *scale = json_array(), *st = json_array();
    for (int v = 0; v < EVALUATION_SCALE; v++)
        json_array_append_new(scale, json_pack("{s:i,s:s}", "value", v + 1, "label", text_in(r, &q->scale[v])));
    for (size_t i = 0; i < q->nstatements; i++)
        json_array_append_new(st, json_pack("{s:s,s:s}", "id", q->statements[i].id, "text",
                                            text_in(r, &q->statements[i].text)));
    return json_pack("{s:s,s:i,s:s,s:s,s:o,s:o,s:i}", "id", q->id, "version", q->version, "title",
                     text_in(r, &q->title), "about", text_in(r, &q->about), "scale", scale, "statements", st,
                     "comment_max", EVALUATION_COMMENT_MAX);
}

typedef struct pending_ctx {
    json_t *list;
    int count;
} pending_ctx;

static int pending_cb(void *ctx, const store_meeting *m)
{
    pending_ctx *x = ctx;
    x->count++;
    if (!x->list)
        return 1; /* counting: one is enough */
    json_array_append_new(x->list, json_pack("{s:s,s:s,s:s,s:s}", "meeting_id", m->id, "kind", m->kind, "starts_at",
                                             m->starts_at, "territory_id", m->territory_id));
    return 0;
}

/* The caller's pending questionnaires (new reference), or NULL. */
static json_t *pending_list(req *r)
{
    char now[32], since[32];
    pending_ctx x = {.list = json_array()};
    window_times(now, since);
    if (store_evaluations_pending_each(req_db(r), r->user.id, r->user.agency_id, now, since, pending_cb, &x) !=
        STORE_OK) {
        json_decref(x.list);
        return NULL;
    }
    return x.list;
}

/* GET /api/v1/evaluations/pending */
int api_evaluations_pending(req *r)
{
    policy_target t = {.type = OBJ_EVALUATION, .territory_id = r->agency.territory_id};
    if (!auth_allow(r, VERB_LIST, &t, 0))
        return 0;
    json_t *list = pending_list(r);
    if (!list)
        return -1;
    return resp_json(r, 200, json_pack("{s:o,s:o}", "pending", list, "questionnaire", questionnaire_json(r)));
}

const char *evaluation_nav(req *r)
{
    policy_target ev = {.type = OBJ_EVALUATION, .territory_id = r->agency.territory_id};
    policy_target res = {.type = OBJ_EVALUATION_RESULTS, .territory_id = r->agency.territory_id};
    if (policy_check(&r->who, VERB_LIST, &ev) && req_db(r)) {
        char now[32], since[32];
        pending_ctx x = {0};
        window_times(now, since);
        if (store_evaluations_pending_each(req_db(r), r->user.id, r->user.agency_id, now, since, pending_cb, &x) ==
                STORE_OK &&
            x.count > 0)
            return "/evaluations";
    }
    return policy_check(&r->who, VERB_READ, &res) ? "/evaluations/results" : NULL;
}

/* -------------------------------------------------------------- answer */

typedef struct submit_out {
    int status;        /* 201, 409, 422; 0: answered already (403, 404); -1 internal */
    const char *code;  /* 409, 422 */
    const char *message; /* translated */
    json_t *problems;  /* 422: [{field, message}] */
} submit_out;

static void refused(req *r, submit_out *o, int status, const char *code, const char *msg)
{
    o->status = status;
    o->code = code;
    o->message = req_tr(r, msg);
}

static void problem(req *r, submit_out *o, const char *field, const char *msg)
{
    if (!o->problems)
        o->problems = json_array();
    json_array_append_new(o->problems, json_pack("{s:s,s:s}", "field", field, "message", req_tr(r, msg)));
}

/* Records the caller's answer to meeting mid: answers (an object) and
 * comment (NULL: none). The rules in order: the meeting is visible (else
 * 404), the caller attended (else 403), the questionnaire is open, not
 * answered yet (409), the answers and the comment are valid (422). */
static void submit(req *r, const char *mid, const json_t *answers, const char *comment, submit_out *o)
{
    const evaluation_form *q = r->app->evaluation;
    store_conn *c = req_db(r);
    store_meeting m;
    int invited = 0, attended = 0, done = 0;
    memset(o, 0, sizeof(*o));
    if (!c) {
        o->status = -1;
        return;
    }
    policy_target mt = {.type = OBJ_MEETING};
    if (!id_valid(mid) || store_meeting_get(c, r->a, mid, &m) != STORE_OK ||
        store_meeting_invited(c, mid, r->user.agency_id, &invited) != STORE_OK ||
        (mt.territory_id = m.territory_id, mt.invited = invited, !policy_check(&r->who, VERB_READ, &mt))) {
        auth_refuse(r, "meeting", id_valid(mid) ? mid : "", 1);
        return;
    }
    if (store_attendance_has(c, mid, r->user.agency_id, &attended) != STORE_OK) {
        o->status = -1;
        return;
    }
    policy_target t = {.type = OBJ_EVALUATION, .territory_id = m.territory_id, .attended = attended};
    if (!auth_allow(r, VERB_CREATE, &t, 0))
        return;
    char now[32];
    time_rfc3339(clock_now(), now, sizeof(now));
    switch (evaluation_window_at(m.starts_at, now)) {
    case EVAL_OPEN:
        break;
    case EVAL_NOT_STARTED:
        refused(r, o, 422, "not_started", N_("The questionnaire opens when the meeting starts."));
        return;
    case EVAL_CLOSED:
        refused(r, o, 422, "closed", N_("The questionnaire of this meeting is closed: it stays open 30 days after the meeting."));
        return;
    case EVAL_BAD_TIME:
        o->status = -1;
        return;
    }
    if (store_evaluation_done(c, mid, r->user.id, &done) != STORE_OK) {
        o->status = -1;
        return;
    }
    if (done) {
        refused(r, o, 409, "already_answered", N_("You have already answered the questionnaire of this meeting."));
        return;
    }
    int values[EVALUATION_MAX_STATEMENTS];
    const char *key = NULL;
    switch (evaluation_answers_read(q, answers, values, &key)) {
    case EVAL_ANSWERS_OK:
        break;
    case EVAL_ANSWERS_OUT_OF_RANGE:
        problem(r, o, arena_printf(r->a, "answers.%s", nz(key)), N_("Choose an answer from 1 (strongly disagree) to 5 (strongly agree)."));
        break;
    case EVAL_ANSWERS_UNKNOWN:
        problem(r, o, arena_printf(r->a, "answers.%s", nz(key)), N_("This statement is not in the questionnaire."));
        break;
    case EVAL_ANSWERS_EMPTY:
    case EVAL_ANSWERS_NOT_OBJECT:
        problem(r, o, "answers", N_("Answer at least one statement."));
        break;
    }
    if (!evaluation_comment_valid(comment))
        problem(r, o, "comment", N_("The comment is too long (2,000 characters at most)."));
    if (o->problems) {
        refused(r, o, 422, "evaluation_refused", N_("The questionnaire cannot be saved yet: see the problems listed."));
        return;
    }

    /* The month of the meeting in its territory's time zone. */
    store_territory terr;
    char day[11] = "", month[8] = "", rid[ID_LEN + 1];
    if (store_territory_by_id(c, m.territory_id, &terr) != STORE_OK ||
        tz_local_date(m.starts_at, terr.timezone, day) != 0 || evaluation_month_of(day, month) != 0) {
        o->status = -1;
        return;
    }
    const char *statements[EVALUATION_MAX_STATEMENTS];
    int given[EVALUATION_MAX_STATEMENTS];
    size_t n = 0;
    for (size_t i = 0; i < q->nstatements; i++)
        if (values[i]) {
            statements[n] = q->statements[i].id;
            given[n++] = values[i];
        }
    id_new(rid);
    const char *enc = NULL;
    if (comment && *comment) {
        enc = req_encrypt(r, arena_printf(r->a, "%s:%s", AAD_COMMENT, rid), comment);
        if (!enc) {
            o->status = -1;
            return;
        }
    }
    store_evaluation e = {.territory_id = m.territory_id, .month = month, .form_id = q->id,
                          .form_version = q->version, .id = rid, .comment_enc = enc, .statements = statements,
                          .values = given, .n = n};
    audit_event ev;
    int rc = store_write_begin(c);
    if (rc == STORE_OK)
        rc = store_evaluation_add(c, mid, r->user.id, &e);
    /* Nothing of the answer in the audit row: the same fields always. */
    auth_event(r, &ev, "create", "evaluation", mid, "answers");
    if (rc == STORE_OK)
        rc = audit_append(c, app_keys(r->app), &ev);
    if (rc != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        store_read_begin(c);
        if (rc == STORE_CONFLICT) {
            refused(r, o, 409, "already_answered", N_("You have already answered the questionnaire of this meeting."));
            return;
        }
        log_error("event=write_failed action=create object=evaluation rc=%d", rc);
        o->status = -1;
        return;
    }
    store_read_begin(c);
    o->status = 201;
}

/* POST /api/v1/meetings/{id}/evaluation {"answers": {...}, "comment"?} */
int api_meeting_evaluation(req *r)
{
    static const char *const allowed[] = {"answers", "comment", NULL};
    const char *mid = req_param(r, 0);
    json_t *b = NULL;
    char err[128];
    const char *unknown = NULL;
    if (json_body_parse(r->body.data ? r->body.data : "", r->body.len, &b, err, sizeof(err)) != 0)
        return resp_error(r, 400, "invalid_json", BAD_REQUEST_MSG);
    if (json_body_check_keys(b, allowed, &unknown) != 0 ||
        (json_object_get(b, "comment") && !json_is_string(json_object_get(b, "comment")) &&
         !json_is_null(json_object_get(b, "comment")))) {
        json_decref(b);
        return resp_error(r, 400, "unknown_field", BAD_REQUEST_MSG);
    }
    submit_out o;
    submit(r, mid, json_object_get(b, "answers"), json_string_value(json_object_get(b, "comment")), &o);
    json_decref(b);
    if (o.status == 201)
        return resp_json(r, 201, json_pack("{s:s,s:b}", "meeting_id", mid, "answered", 1));
    if (o.status == 409 || o.status == 422) {
        json_t *e = json_pack("{s:{s:s,s:s}}", "error", "code", o.code, "message", o.message);
        if (o.problems)
            json_object_set_new(json_object_get(e, "error"), "problems", o.problems);
        return resp_json(r, o.status, e);
    }
    json_decref(o.problems);
    return o.status < 0 ? -1 : 0;
}

/* --------------------------------------------------------------- pages */

/* 1 if the rows hold the form of meeting mid. */
static int rows_has(json_t *rows, const char *mid)
{
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) {
        if (strcmp(nz(json_get_str(x, "meeting_id")), mid) == 0)
            return 1;
    }
    return 0;
}

/* The pending questionnaires as forms; refused (mid, f, o): the form that
 * came back, with what was typed and the problems. */
static int evaluations_page(req *r, int status, const char *refused_mid, const form *f, const submit_out *o)
{
    const evaluation_form *q = r->app->evaluation;
    policy_target t = {.type = OBJ_EVALUATION, .territory_id = r->agency.territory_id};
    if (!auth_allow(r, VERB_LIST, &t, 0))
        return 0;
    json_t *list = pending_list(r);
    if (!list)
        return -1;
    json_t *rows = json_array(), *x;
    size_t k;
    json_array_foreach(list, k, x) {
        const char *mid = nz(json_get_str(x, "meeting_id"));
        int back = refused_mid && strcmp(refused_mid, mid) == 0;
        json_t *sts = json_array();
        for (size_t i = 0; i < q->nstatements; i++) {
            const evaluation_statement *s = &q->statements[i];
            const char *name = arena_printf(r->a, "answer_%s", s->id);
            const char *chosen = back && f ? form_get(f, name) : NULL;
            int invalid = 0;
            size_t pi;
            json_t *p;
            json_array_foreach(back && o ? o->problems : NULL, pi, p) {
                if (strcmp(nz(json_get_str(p, "field")), arena_printf(r->a, "answers.%s", s->id)) == 0)
                    invalid = 1;
            }
            json_t *opts = json_array();
            for (int v = 1; v <= EVALUATION_SCALE; v++) {
                char val[12];
                snprintf(val, sizeof(val), "%d", v);
                json_array_append_new(opts, json_pack("{s:s,s:s,s:s,s:b}", "value", val, "label",
                                                      text_in(r, &q->scale[v - 1]), "html_id",
                                                      arena_printf(r->a, "ev-%s-%s-%d", mid, s->id, v), "checked",
                                                      chosen && strcmp(chosen, val) == 0));
            }
            json_array_append_new(sts, json_pack("{s:s,s:s,s:s,s:o,s:b}", "name", name, "text", text_in(r, &s->text),
                                                 "legend_id", arena_printf(r->a, "ev-%s-%s", mid, s->id), "options",
                                                 opts, "invalid", invalid));
        }
        json_t *row = json_pack("{s:s,s:s,s:s,s:o,s:s,s:s}", "meeting_id", mid, "kind_label",
                                req_tr(r, vocab_meeting_kind(json_get_str(x, "kind"))), "starts_at",
                                nz(json_get_str(x, "starts_at")), "statements", sts, "comment",
                                back && f && form_get(f, "comment") ? form_get(f, "comment") : "", "heading_id",
                                arena_printf(r->a, "ev-%s", mid));
        if (back && o) {
            json_object_set_new(row, "error", json_string(nz(o->message)));
            if (o->problems)
                json_object_set(row, "problems", o->problems);
        }
        json_array_append_new(rows, row);
    }
    json_decref(list);
    policy_target res = {.type = OBJ_EVALUATION_RESULTS, .territory_id = r->agency.territory_id};
    const char *flash = NULL;
    if (refused_mid && o && !rows_has(rows, refused_mid))
        flash = o->message; /* e.g. answered already: the form is gone */
    json_t *d = json_pack("{s:o,s:s,s:s,s:b,s:b,s:i}", "pending", rows, "q_title", text_in(r, &q->title), "about",
                          text_in(r, &q->about), "answered", !refused_mid && req_query(r, "answered") != NULL,
                          "results", policy_check(&r->who, VERB_READ, &res), "comment_max", EVALUATION_COMMENT_MAX);
    if (flash)
        json_object_set_new(d, "flash", json_string(flash));
    return resp_page(r, status, "evaluations", N_("Evaluations"), d);
}

/* GET /evaluations */
int page_evaluations(req *r)
{
    return evaluations_page(r, 200, NULL, NULL, NULL);
}

/* POST /evaluations/{id}: answer_<statement>=1..5, comment. */
int page_evaluation_answer(req *r)
{
    const evaluation_form *q = r->app->evaluation;
    const char *mid = req_param(r, 0);
    form f;
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", BAD_REQUEST_MSG);
    /* The form's values as the API's answers: a number when one is typed,
     * else the text (the rule then refuses it). */
    json_t *answers = json_object();
    for (size_t i = 0; i < q->nstatements; i++) {
        const char *v = form_get(&f, arena_printf(r->a, "answer_%s", q->statements[i].id));
        if (!v || !*v)
            continue;
        char *end = NULL;
        long n = strtol(v, &end, 10);
        json_object_set_new(answers, q->statements[i].id,
                            end && end != v && *end == '\0' ? json_integer(n) : json_string(v));
    }
    const char *comment = form_get(&f, "comment");
    submit_out o;
    submit(r, mid, answers, comment && *comment ? comment : NULL, &o);
    json_decref(answers);
    int rc;
    if (o.status == 201)
        rc = resp_redirect(r, "/evaluations?answered=1");
    else if (o.status == 409 || o.status == 422)
        rc = evaluations_page(r, o.status, mid, &f, &o);
    else
        rc = o.status < 0 ? -1 : 0; /* 403, 404 answered by submit */
    json_decref(o.problems);
    return rc;
}

static const char *count_text(req *r, json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    return arena_printf(r->a, "%lld", (long long)json_integer_value(v));
}

static const char *pct_text(req *r, json_t *v)
{
    char t[16];
    if (!json_is_number(v))
        return "";
    int tenths = (int)(json_number_value(v) * 10.0 + 0.5);
    return arena_strdup(r->a, evaluation_pct_text(tenths, r->lang, t, sizeof(t)));
}

void evaluation_results_view(req *r, json_t *res, json_t *d)
{
    json_t *rows = json_array(), *s;
    size_t i;
    json_array_foreach(json_object_get(res, "statements"), i, s) {
        json_t *pct = json_object_get(s, "agree_pct"), *ref = json_object_get(s, "reference_pct");
        json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:b}", "text", nz(json_get_str(s, "text")),
                                              "answers", count_text(r, json_object_get(s, "answers")), "agree",
                                              count_text(r, json_object_get(s, "agree")), "pct", pct_text(r, pct),
                                              "suppressed", json_is_null(pct), "reference", pct_text(r, ref),
                                              "has_reference", !json_is_null(ref)));
    }
    json_object_set_new(d, "rows", rows);
    json_object_set_new(d, "responses", json_string(count_text(r, json_object_get(res, "responses"))));
    json_object_set_new(d, "reference", json_string(nz(json_get_str(res, "reference"))));
    json_object_set_new(d, "from", json_string(nz(json_get_str(res, "from"))));
    json_object_set_new(d, "to", json_string(nz(json_get_str(res, "to"))));
}

/* GET /evaluations/results?territory=&from=&to= */
int page_evaluation_results(req *r)
{
    int rc;
    json_t *res = results_for(r, VERB_READ, "read", &rc);
    if (!res && rc != 1)
        return rc;
    const char *from = req_query(r, "from"), *to = req_query(r, "to");
    json_t *d = json_object();
    if (res) {
        evaluation_results_view(r, res, d);
        json_object_set(d, "comments", json_object_get(res, "comments"));
        json_object_set(d, "comments_shown", json_object_get(res, "comments_shown"));
        const char *terr = json_get_str(res, "territory_id");
        json_object_set_new(d, "csv_href",
                            json_string(arena_printf(r->a, "/evaluations/results.csv?territory=%s&from=%s&to=%s",
                                                     nz(terr), nz(json_get_str(res, "from")),
                                                     nz(json_get_str(res, "to")))));
        json_decref(res);
    } else {
        json_object_set_new(d, "error",
                            json_string(req_tr(r, N_("Give the period as months (YYYY-MM), the first not after the last."))));
        json_object_set_new(d, "from", json_string(nz(from)));
        json_object_set_new(d, "to", json_string(nz(to)));
        r->status = 422;
    }
    if (reads_all(r)) {
        json_t *opts = territory_options(r, req_query(r, "territory"));
        if (!opts) {
            json_decref(d);
            return -1;
        }
        json_object_set_new(d, "territories", opts);
    }
    json_object_set_new(d, "min_shown", json_integer(EVALUATION_MIN_SHOWN));
    return resp_page(r, res ? 200 : 422, "evaluation_results", N_("Evaluation results"), d);
}


/* GET /evaluations/results.csv?territory=&from=&to=: the same figures,
 * one statement a line; counts only (no comment). */
int page_evaluation_results_csv(req *r)
{
    int rc;
    json_t *res = results_for(r, VERB_EXPORT, "export", &rc);
    if (!res) {
        if (rc == 1)
            return resp_error(r, 422, "bad_period",
                              N_("Give the period as months (YYYY-MM), the first not after the last."));
        return rc;
    }
    buf out;
    buf_init(&out);
    buf_puts(&out, "\xEF\xBB\xBF\"from\",\"to\",\"statement_id\",\"statement\",\"answers\",\"agree\",\"agree_pct\","
                   "\"reference_pct\",\"n1\",\"n2\",\"n3\",\"n4\",\"n5\"\r\n");
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(res, "statements"), i, s) {
        json_t *pct = json_object_get(s, "agree_pct"), *ref = json_object_get(s, "reference_pct");
        char p1[16] = "", p2[16] = "";
        if (json_is_number(pct))
            evaluation_pct_text((int)(json_number_value(pct) * 10.0 + 0.5), "en", p1, sizeof(p1));
        if (json_is_number(ref))
            evaluation_pct_text((int)(json_number_value(ref) * 10.0 + 0.5), "en", p2, sizeof(p2));
        const char *cells[] = {json_get_str(res, "from"), json_get_str(res, "to"), json_get_str(s, "id"),
                               json_get_str(s, "text"), count_text(r, json_object_get(s, "answers")),
                               count_text(r, json_object_get(s, "agree")), p1, p2};
        for (size_t k = 0; k < sizeof(cells) / sizeof(cells[0]); k++) {
            if (k)
                buf_putc(&out, ',');
            buf_put_csv(&out, cells[k]);
        }
        for (int v = 0; v < EVALUATION_SCALE; v++) {
            buf_putc(&out, ',');
            buf_put_csv(&out, count_text(r, json_array_get(json_object_get(s, "distribution"), (size_t)v)));
        }
        buf_puts(&out, "\r\n");
    }
    json_decref(res);
    resp_header(r, "Content-Disposition", "attachment; filename=\"filet-evaluations.csv\"");
    rc = resp_text(r, 200, "text/csv; charset=utf-8", buf_cstr(&out), out.len);
    buf_free(&out);
    return rc;
}
