/*
 * meeting_pages.c - the HTML pages of the cell meetings, on the JSON API's
 * handlers (web/meetings.c):
 *
 *   GET  /meetings                     the meetings the caller may see,
 *                                      upcoming first; the coordinator's
 *                                      form to convene one
 *   POST /meetings                     that form (api_meeting_create)
 *   GET  /meetings/{id}                the meeting: invited agencies,
 *                                      quorum, attendance, agenda (printable)
 *   POST /meetings/{id}/attendance     an agency present, undertaking
 *                                      accepted (api_meeting_attendance)
 *   POST /meetings/{id}/agenda         a situation on the agenda
 *                                      (api_meeting_agenda)
 *   GET  /meetings/{id}/screen?item=N  the meeting screen: one situation of
 *                                      the agenda at a time
 *   POST /meetings/{id}/minutes        minutes typed live
 *                                      (api_meeting_minutes)
 *   POST /meetings/{id}/research       an invited agency's research about
 *                                      a situation of the agenda
 *                                      (api_meeting_research_add)
 *   GET  /meetings/{id}/minutes        the minutes to print: attendance
 *                                      with the undertakings, per situation
 *                                      the caller may see its research,
 *                                      minutes and decisions
 *
 * Access: every page first runs the API handler, which asks the policy
 * (a meeting the caller may not see is a 404, recorded); forms are turned
 * into the API's JSON body, so the rules live in one place. Refused forms
 * (422) and stale minutes (409) come back with what was typed.
 *
 * The start time typed in the form is the territory's local time (the
 * field says so); pages show times in the territory's time zone.
 *
 * Everything works without JavaScript; static/app.js adds the autosave of
 * the minutes and the countdown of the timer.
 */
#include "web/meeting_pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/instrument.h"
#include "lib/id.h"
#include "lib/log.h"
#include "lib/tz.h"
#include "store/meetings.h"
#include "store/situations.h"
#include "web/auth.h"
#include "web/meetings.h"
#include "web/sharing.h"
#include "web/situations.h"
#include "web/action_pages.h"
#include "web/vocab.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define BAD_REQUEST_MSG N_("The request could not be understood.")
#define SLOT_MINUTES 15

static const char *const kind_ids[] = {"urgent", "scheduled", "clinical"};
/* The ids the sharing rules accept (web/sharing.c), in the forms' order. */
static const char *const category_ids[] = {"incident_history", "criminal_record", "protective_order",
                                           "child_protection", "health", "mental_health", "addiction",
                                           "housing", "weapons_access", "other"};
static const char *const basis_ids[] = {"consent", "safety_exception", "duty_to_report", "court_order"};

typedef struct label {
    const char *id, *msgid;
} label;

static const label criteria_labels[] = {
    {"visible_high_risk", N_("Visible high risk")},
    {"professional_judgement", N_("Professional judgement")},
    {"potential_escalation", N_("Potential escalation")},
    {"repeat", N_("Repeat within 12 months")},
    {"critical_item", N_("Critical risk factor")},
};

/* --- small helpers --- */

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* A form value, or NULL when absent or only blanks. */
static const char *val(const form *f, const char *name)
{
    const char *v = f ? form_get(f, name) : NULL;
    if (!v)
        return NULL;
    for (const char *p = v; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            return v;
    return NULL;
}

static const char *typed(const form *f, const char *name)
{
    const char *v = f ? form_get(f, name) : NULL;
    return v ? v : "";
}

/* 1 if the form has name=value among its fields (checkboxes). */
static int form_has(const form *f, const char *name, const char *value)
{
    for (size_t i = 0; f && i < f->n; i++)
        if (strcmp(f->fields[i].name, name) == 0 && strcmp(f->fields[i].value, value) == 0)
            return 1;
    return 0;
}

/* A whole number typed in a form, as JSON: an integer when it is one, else
 * the text itself (the API's rules then refuse it). */
static json_t *number_json(const char *v)
{
    char *end = NULL;
    long n = strtol(v, &end, 10);
    if (end && end != v && *end == '\0')
        return json_integer(n);
    return json_string(v);
}

static const char *agency_name(req *r, const char *id)
{
    store_agency ag;
    if (id && store_agency_by_id(req_db(r), id, &ag) == STORE_OK)
        return arena_strdup(r->a, ag.name);
    return "";
}

/* Deletes the user's draft of a form once what it prepared is saved; a
 * failure is logged, not fatal. */
static void forget_draft(req *r, const char *key)
{
    store_conn *c = req_db(r);
    if (!c || store_write_begin(c) != STORE_OK)
        return;
    if (store_draft_delete(c, r->user.id, key) != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        log_error("event=draft_delete_failed");
    }
    store_read_begin(c);
}

/* Runs an API handler with body (stolen; NULL: none) as its JSON. -1 on an
 * internal error; else 0, r->status set and *out the parsed JSON reply
 * (NULL when the handler answered with a page: 403, 404). */
static int run_api(req *r, handler_fn fn, json_t *body, json_t **out)
{
    *out = NULL;
    buf_reset(&r->body);
    if (body) {
        char *text = json_dumps(body, JSON_COMPACT);
        json_decref(body);
        if (!text)
            return -1;
        buf_puts(&r->body, text);
        free(text);
        if (r->body.oom)
            return -1;
    }
    if (fn(r) != 0)
        return -1;
    if (r->content_type && strncmp(r->content_type, "application/json", 16) == 0) {
        json_error_t jerr;
        *out = json_loadb(r->out.data ? r->out.data : "", r->out.len, 0, &jerr);
    }
    return 0;
}

/* The message of an API refusal, translated already. */
static const char *api_message(req *r, json_t *reply)
{
    const char *m = json_string_value(json_object_get(json_object_get(reply, "error"), "message"));
    return arena_strdup(r->a, m ? m : req_tr(r, BAD_REQUEST_MSG));
}

/* "YYYY-MM-DDTHH:MM:SSZ" as a time, or (time_t)-1. */
static time_t utc_parse(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (!s || strlen(s) != 20 ||
        sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec) != 6)
        return (time_t)-1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

/* ------------------------------------------------------------ the list */

static int by_start(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    return strcmp(nz(json_get_str(x, "starts_at")), nz(json_get_str(y, "starts_at")));
}

/* The meetings upcoming first (soonest first), then the past ones (latest
 * first), with their labels. New reference. */
static json_t *meeting_rows(req *r, json_t *list)
{
    size_t n = json_array_size(list), i;
    json_t *rows = json_array();
    json_t **v = n ? calloc(n, sizeof(*v)) : NULL;
    char now[32];
    if (n && !v)
        return rows;
    for (i = 0; i < n; i++)
        v[i] = json_array_get(list, i);
    if (n)
        qsort(v, n, sizeof(*v), by_start);
    time_rfc3339(clock_now(), now, sizeof(now));
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < n; k++) {
            json_t *m = v[pass ? n - 1 - k : k];
            const char *at = nz(json_get_str(m, "starts_at"));
            int past = strcmp(at, now) < 0;
            if (past != pass)
                continue;
            const char *kind = nz(json_get_str(m, "kind"));
            json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:b,s:b}", "id", nz(json_get_str(m, "id")),
                                                  "kind_label", req_tr(r, vocab_meeting_kind(kind)), "starts_at",
                                                  at, "urgent", strcmp(kind, "urgent") == 0, "past", past));
        }
    }
    free(v);
    return rows;
}

typedef struct agencies_ctx {
    req *r;
    const form *f;
    json_t *options;
} agencies_ctx;

static int agencies_cb(void *ctx, const store_agency *a)
{
    agencies_ctx *x = ctx;
    if (strcmp(a->territory_id, x->r->agency.territory_id) != 0)
        return 0;
    json_array_append_new(x->options, json_pack("{s:s,s:s,s:s,s:b}", "value", a->id, "html_id",
                                                arena_printf(x->r->a, "invite-%s", a->id), "label",
                                                arena_printf(x->r->a, "%s (%s)", a->name,
                                                             req_tr(x->r, vocab_sector(a->sector))),
                                                "checked", form_has(x->f, "invited", a->id)));
    return 0;
}

/* The caller's territory's time zone: the meeting form's times are its. */
static const char *form_zone(req *r)
{
    store_territory t;
    if (store_territory_by_id(req_db(r), r->agency.territory_id, &t) == STORE_OK && t.timezone[0])
        return arena_strdup(r->a, t.timezone);
    return "America/Montreal";
}

/* The list page; f and error: a refused form to show again. */
static int meetings_page(req *r, int status, const form *f, const char *error, const char *field)
{
    json_t *reply;
    if (run_api(r, api_meetings, NULL, &reply) != 0) {
        json_decref(reply);
        return -1;
    }
    if (r->status != 200) {
        json_decref(reply);
        return 0; /* refused: answered by api_meetings */
    }
    json_t *rows = meeting_rows(r, json_object_get(reply, "meetings"));
    json_decref(reply);
    int coordinator = policy_coordinates(&r->who, r->agency.territory_id);
    json_t *d = json_pack("{s:o,s:b}", "meetings", rows, "coordinator", coordinator);
    if (coordinator) {
        agencies_ctx ax = {.r = r, .f = f, .options = json_array()};
        json_t *kinds = json_array();
        const char *chosen = val(f, "kind") ? val(f, "kind") : "urgent";
        for (size_t i = 0; i < COUNT(kind_ids); i++)
            json_array_append_new(kinds, json_pack("{s:s,s:s,s:b}", "value", kind_ids[i], "label",
                                                   req_tr(r, vocab_meeting_kind(kind_ids[i])), "selected",
                                                   strcmp(chosen, kind_ids[i]) == 0));
        if (store_agencies_each(req_db(r), agencies_cb, &ax) != STORE_OK) {
            json_decref(kinds);
            json_decref(ax.options);
            json_decref(d);
            return -1;
        }
        json_object_set_new(d, "form", json_pack("{s:o,s:o,s:s,s:s,s:s,s:s,s:s}", "kinds", kinds, "agencies",
                                                 ax.options, "starts_at", typed(f, "starts_at"), "place",
                                                 typed(f, "place"), "error", nz(error), "field", nz(field), "zone",
                                                 form_zone(r)));
    }
    return resp_page(r, status, "meetings", N_("Meetings"), d);
}

/* GET /meetings */
int page_meetings(req *r)
{
    return meetings_page(r, 200, NULL, NULL, NULL);
}

/* POST /meetings: the form becomes api_meeting_create's body; the time
 * typed (datetime-local, "YYYY-MM-DDTHH:MM") is the territory's local
 * time: one the clocks skip is refused, one they repeat is its first
 * occurrence (lib/tz.c). */
int page_meeting_create(req *r)
{
    form f;
    json_t *reply;
    char utc[21];
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", BAD_REQUEST_MSG);
    /* Only the territory's coordinators convene: others get the API's 403
     * whatever the time says. */
    policy_target ct = {.type = OBJ_MEETING, .territory_id = r->agency.territory_id};
    int local = tz_from_local(typed(&f, "starts_at"), form_zone(r), utc);
    if (policy_check(&r->who, VERB_CREATE, &ct) && local == TZ_GAP)
        return meetings_page(r, 422, &f,
                             req_tr(r, N_("This time does not exist in the territory: the clocks jump forward an "
                                          "hour that night. Choose another time.")),
                             "starts_at");
    if (policy_check(&r->who, VERB_CREATE, &ct) && local != TZ_OK)
        return meetings_page(r, 422, &f, req_tr(r, N_("Give the date and time of the meeting.")), "starts_at");
    const char *starts = local == TZ_OK ? arena_strdup(r->a, utc) : typed(&f, "starts_at");
    json_t *invited = json_array();
    for (size_t i = 0; i < f.n; i++)
        if (strcmp(f.fields[i].name, "invited") == 0)
            json_array_append_new(invited, json_string(f.fields[i].value));
    json_t *b = json_pack("{s:s,s:s,s:o}", "kind", typed(&f, "kind"), "starts_at", starts, "invited", invited);
    if (val(&f, "place"))
        json_object_set_new(b, "place", json_string(val(&f, "place")));
    if (run_api(r, api_meeting_create, b, &reply) != 0) {
        json_decref(reply);
        return -1;
    }
    int rc = 0;
    if (r->status == 201)
        rc = resp_redirect(r, arena_printf(r->a, "/meetings/%s?created=1", nz(json_get_str(reply, "id"))));
    else if (r->status == 422)
        rc = meetings_page(r, 422, &f, api_message(r, reply),
                           json_string_value(json_object_get(json_object_get(reply, "error"), "field")));
    json_decref(reply);
    return rc; /* else: 400, 403 answered by api_meeting_create */
}

/* ------------------------------------------------------------ a meeting */

typedef struct sit_ctx {
    req *r;
    json_t *agenda, *options;
    const char *chosen;
} sit_ctx;

static int on_agenda(json_t *agenda, const char *sid)
{
    size_t i;
    json_t *a;
    json_array_foreach(agenda, i, a) {
        if (strcmp(nz(json_get_str(a, "situation_id")), sid) == 0)
            return 1;
    }
    return 0;
}

static int situations_cb(void *ctx, const store_situation *s)
{
    sit_ctx *x = ctx;
    if (strcmp(s->status, "closed") == 0 || on_agenda(x->agenda, s->id))
        return 0;
    char day[11] = "";
    if (s->created_at)
        snprintf(day, sizeof(day), "%s", s->created_at);
    json_array_append_new(x->options, json_pack("{s:s,s:s,s:b}", "value", s->id, "label",
                                                arena_printf(x->r->a, "%s · %s · %.8s",
                                                             agency_name(x->r, s->referring_agency_id), day, s->id),
                                                "selected", x->chosen && strcmp(x->chosen, s->id) == 0));
    return 0;
}

/* The meeting's JSON from api_meeting, or NULL with *rc: 0 when answered
 * (404), -1 on an internal error. */
static json_t *meeting_json(req *r, const char *mid, int *rc)
{
    json_t *m;
    *rc = run_api(r, api_meeting, NULL, &m);
    if (*rc != 0 || r->status != 200) {
        json_decref(m);
        return NULL;
    }
    (void)mid;
    return m;
}

/* Agency names of the invited list, by id. */
static const char *invited_name(json_t *invited, const char *agency_id)
{
    size_t i;
    json_t *a;
    json_array_foreach(invited, i, a) {
        if (strcmp(nz(json_get_str(a, "agency_id")), nz(agency_id)) == 0)
            return nz(json_get_str(a, "name"));
    }
    return "";
}

/* The forms of the meeting page that can come back refused. */
#define FORM_ATTENDANCE "attendance"
#define FORM_AGENDA "agenda"
#define FORM_RESEARCH "research"

static json_t *options_of(req *r, const char *const *ids, size_t n, const char *(*label_fn)(const char *),
                          const char *chosen)
{
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(out, json_pack("{s:s,s:s,s:b}", "value", ids[i], "label", req_tr(r, label_fn(ids[i])),
                                             "selected", chosen && strcmp(chosen, ids[i]) == 0));
    return out;
}

/* Research items (research_view) for a template: restricted ones say whom
 * to ask, never their value; each carries the meeting's time for its tag. */
static json_t *research_rows(req *r, json_t *items)
{
    json_t *rows = json_array(), *it;
    size_t i;
    json_array_foreach(items, i, it) {
        json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:b,s:b,s:s,s:s,s:s,s:s,s:b}", "agency",
                                              nz(json_get_str(it, "shared_by")), "category_label",
                                              req_tr(r, vocab_category(json_get_str(it, "category"))), "at",
                                              nz(json_get_str(it, "at")), "restricted",
                                              json_is_true(json_object_get(it, "restricted")), "shared",
                                              json_is_true(json_object_get(it, "shared")), "ask",
                                              nz(json_get_str(it, "ask")), "content", nz(json_get_str(it, "content")),
                                              "reason", nz(json_get_str(it, "reason")), "meeting_at",
                                              nz(json_get_str(it, "meeting_starts_at")), "sensitive",
                                              json_is_true(json_object_get(it, "sensitive"))));
    }
    return rows;
}

/* The research of one agenda situation on the meeting page: what the
 * caller may read, and the form when they may bring some (f, error: that
 * form refused, shown again). 0, or -1 on an internal error. */
static int research_of(req *r, const char *mid, const char *sid, long item, json_t *row, const form *f,
                       const char *error, int *read)
{
    if (research_allowed(r, mid, sid, VERB_READ, NULL)) {
        json_t *items = research_view(r, mid, sid);
        if (!items)
            return -1;
        json_object_set_new(row, "research", research_rows(r, items));
        json_decref(items);
        *read = 1;
    }
    if (research_allowed(r, mid, sid, VERB_CREATE, NULL)) {
        int mine = f && strcmp(typed(f, "situation_id"), sid) == 0;
        const form *g = mine ? f : NULL;
        json_object_set_new(row, "research_form",
                            json_pack("{s:s,s:o,s:o,s:s,s:s,s:b,s:s,s:s}", "prefix",
                                      arena_printf(r->a, "research-%ld", item), "categories",
                                      options_of(r, category_ids, COUNT(category_ids), vocab_category,
                                                 g ? val(g, "category") : NULL),
                                      "bases",
                                      options_of(r, basis_ids, COUNT(basis_ids), vocab_basis, g ? val(g, "basis") : NULL),
                                      "content", typed(g, "content"), "justification", typed(g, "justification"),
                                      "sensitive", g && val(g, "sensitive"), "error", mine ? nz(error) : "",
                                      "situation_id", sid));
    }
    return 0;
}

static int meeting_page(req *r, const char *mid, int status, const char *which, const form *f, const char *error)
{
    int rc;
    json_t *m = meeting_json(r, mid, &rc);
    if (!m)
        return rc;
    int coordinator = policy_coordinates(&r->who, nz(json_get_str(m, "territory_id")));
    json_t *invited = json_object_get(m, "invited"), *agenda = json_object_get(m, "agenda");
    json_t *att = json_object_get(m, "attendance"), *x;
    size_t i;
    json_t *inv_rows = json_array(), *att_rows = json_array(), *ag_rows = json_array(), *options = json_array();
    int att_form = which && strcmp(which, FORM_ATTENDANCE) == 0;
    const char *chosen = att_form ? val(f, "agency_id") : NULL;
    json_array_foreach(invited, i, x) {
        const char *aid = nz(json_get_str(x, "agency_id"));
        int present = 0;
        size_t k;
        json_t *a;
        json_array_foreach(att, k, a) {
            if (strcmp(nz(json_get_str(a, "agency_id")), aid) == 0)
                present = 1;
        }
        json_array_append_new(inv_rows, json_pack("{s:s,s:s,s:b}", "name", nz(json_get_str(x, "name")), "sector",
                                                  req_tr(r, vocab_sector(json_get_str(x, "sector"))), "present",
                                                  present));
        json_array_append_new(options, json_pack("{s:s,s:s,s:b}", "value", aid, "label", nz(json_get_str(x, "name")),
                                                 "selected", chosen && strcmp(chosen, aid) == 0));
    }
    json_array_foreach(att, i, x) {
        json_array_append_new(att_rows, json_pack("{s:s,s:s}", "agency", invited_name(invited, json_get_str(x, "agency_id")),
                                                  "at", nz(json_get_str(x, "at"))));
    }
    int research_read = 0, failed = 0;
    int research_form = which && strcmp(which, FORM_RESEARCH) == 0;
    json_array_foreach(agenda, i, x) {
        const char *sid = nz(json_get_str(x, "situation_id"));
        json_t *mn = json_object_get(x, "minutes");
        json_t *row = json_pack("{s:s,s:s,s:I,s:b,s:s,s:s}", "situation_id", sid, "short_id",
                                arena_printf(r->a, "%.8s", sid), "item", (json_int_t)(i + 1), "urgent",
                                json_is_true(json_object_get(x, "urgent")), "minutes", nz(json_get_str(mn, "text")),
                                "decisions", nz(json_get_str(mn, "decisions")));
        if (!failed && research_of(r, mid, sid, (long)(i + 1), row, research_form ? f : NULL,
                                   research_form ? error : NULL, &research_read) != 0)
            failed = 1;
        json_array_append_new(ag_rows, row);
    }
    if (failed || (research_read && auth_audit(r, "read", "research", mid, "") != 0)) {
        json_decref(inv_rows);
        json_decref(att_rows);
        json_decref(ag_rows);
        json_decref(options);
        json_decref(m);
        return -1;
    }
    json_t *q = json_object_get(m, "quorum");
    const char *kind = nz(json_get_str(m, "kind"));
    json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:b,s:{s:I,s:I,s:b},s:o,s:o,s:o,s:o,s:b,s:s,s:b,s:b,s:b}", "id", mid,
                          "kind_label", req_tr(r, vocab_meeting_kind(kind)), "starts_at",
                          nz(json_get_str(m, "starts_at")), "place", nz(json_get_str(m, "place")), "urgent",
                          strcmp(kind, "urgent") == 0, "quorum", "present",
                          (json_int_t)json_integer_value(json_object_get(q, "present")), "required",
                          (json_int_t)json_integer_value(json_object_get(q, "required")), "met",
                          json_is_true(json_object_get(q, "met")), "invited", inv_rows, "attendance", att_rows,
                          "agenda", ag_rows, "agency_options", options, "coordinator", coordinator, "error",
                          nz(error), "attendance_error", att_form && error, "created", req_query(r, "created") != NULL,
                          "undertaking_ticked", att_form && val(f, "undertaking_accepted"));
    if (which && strcmp(which, FORM_AGENDA) == 0 && error)
        json_object_set_new(d, "agenda_error", json_true());
    json_object_set_new(d, "researched", json_boolean(req_query(r, "researched") != NULL));
    if (coordinator) {
        char today[11];
        sit_ctx sx = {.r = r, .agenda = agenda, .options = json_array(),
                      .chosen = which && strcmp(which, FORM_AGENDA) == 0 ? val(f, "situation_id") : NULL};
        req_today(today);
        if (store_situations_visible_each(req_db(r), r->a, r->agency.territory_id, 1, r->user.agency_id, r->user.id,
                                          today, situations_cb, &sx) != STORE_OK) {
            json_decref(sx.options);
            json_decref(d);
            json_decref(m);
            return -1;
        }
        json_object_set_new(d, "situation_options", sx.options);
    }
    json_decref(m);
    return resp_page(r, status, "meeting", N_("Meeting"), d);
}

/* GET /meetings/{id} */
int page_meeting(req *r)
{
    return meeting_page(r, req_param(r, 0), 200, NULL, NULL, NULL);
}

/* After a form's API handler: 201 goes to ok; 409 and 422 bring the
 * meeting page back with the message and what was typed. */
static int meeting_form_answer(req *r, json_t *reply, const char *which, const form *f, const char *ok,
                               const char *conflict_msg)
{
    const char *mid = req_param(r, 0);
    int rc = 0;
    if (r->status == 200 || r->status == 201)
        rc = resp_redirect(r, ok);
    else if (r->status == 409 || r->status == 422)
        rc = meeting_page(r, mid, r->status, which, f,
                          r->status == 409 && conflict_msg ? req_tr(r, conflict_msg) : api_message(r, reply));
    json_decref(reply);
    return rc; /* else: 400, 403, 404 answered by the API handler */
}

/* POST /meetings/{id}/attendance */
int page_meeting_attendance(req *r)
{
    form f;
    json_t *reply;
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", BAD_REQUEST_MSG);
    json_t *b = json_pack("{s:s,s:b}", "agency_id", typed(&f, "agency_id"), "undertaking_accepted",
                          val(&f, "undertaking_accepted") != NULL);
    if (run_api(r, api_meeting_attendance, b, &reply) != 0) {
        json_decref(reply);
        return -1;
    }
    return meeting_form_answer(r, reply, FORM_ATTENDANCE, &f,
                               arena_printf(r->a, "/meetings/%s?present=1#attendance", req_param(r, 0)), NULL);
}

/* POST /meetings/{id}/research: the form becomes
 * api_meeting_research_add's body; a refusal comes back with what was
 * typed, next to the situation. */
int page_meeting_research(req *r)
{
    form f;
    json_t *reply;
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", BAD_REQUEST_MSG);
    const char *sid = typed(&f, "situation_id");
    json_t *b = json_pack("{s:s,s:s,s:s,s:b}", "situation_id", sid, "category", typed(&f, "category"), "content",
                          typed(&f, "content"), "sensitive", val(&f, "sensitive") != NULL);
    if (val(&f, "basis"))
        json_object_set_new(b, "basis", json_string(val(&f, "basis")));
    if (val(&f, "justification"))
        json_object_set_new(b, "justification", json_string(val(&f, "justification")));
    if (run_api(r, api_meeting_research_add, b, &reply) != 0) {
        json_decref(reply);
        return -1;
    }
    return meeting_form_answer(r, reply, FORM_RESEARCH, &f,
                               arena_printf(r->a, "/meetings/%s?researched=1#agenda", req_param(r, 0)), NULL);
}

/* POST /meetings/{id}/agenda */
int page_meeting_agenda(req *r)
{
    form f;
    json_t *reply;
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", BAD_REQUEST_MSG);
    json_t *b = json_pack("{s:s}", "situation_id", typed(&f, "situation_id"));
    if (run_api(r, api_meeting_agenda, b, &reply) != 0) {
        json_decref(reply);
        return -1;
    }
    return meeting_form_answer(r, reply, FORM_AGENDA, &f,
                               arena_printf(r->a, "/meetings/%s?added=1#agenda", req_param(r, 0)),
                               N_("This situation is already on the agenda."));
}

/* ------------------------------------------------------ the screen */

typedef struct latest {
    const char *instrument_id, *level, *criteria;
    int version;
} latest;

static int latest_cb(void *ctx, const store_assessment *a)
{
    latest *l = ctx;
    l->instrument_id = a->instrument_id;
    l->version = a->instrument_version;
    l->level = a->level;
    l->criteria = a->criteria;
    return 0;
}

/* The level's label in its instrument, and the criteria in words. */
static int risk_of(req *r, const char *sid, json_t *d)
{
    latest l = {0};
    if (store_assessments_each(req_db(r), r->a, sid, latest_cb, &l) != STORE_OK)
        return -1;
    const instrument *ins = l.instrument_id ? instrument_set_find(r->app->instruments, l.instrument_id, l.version) : NULL;
    const char *text = l.level;
    for (size_t i = 0; ins && l.level && i < ins->nlevels; i++)
        if (strcmp(ins->levels[i].id, l.level) == 0)
            text = instrument_text_get(&ins->levels[i].label, r->lang);
    json_t *crit = json_array();
    const char *p = l.criteria;
    while (p && *p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        const char *id = arena_printf(r->a, "%.*s", (int)n, p);
        const char *msg = id;
        for (size_t k = 0; k < COUNT(criteria_labels); k++)
            if (strcmp(criteria_labels[k].id, id) == 0)
                msg = req_tr(r, criteria_labels[k].msgid);
        if (n)
            json_array_append_new(crit, json_string(msg));
        p = comma ? comma + 1 : NULL;
    }
    json_object_set_new(d, "level", json_pack("{s:s,s:s}", "id", nz(l.level), "label", nz(text)));
    json_object_set_new(d, "criteria", crit);
    return 0;
}

/* The items of information_view grouped by the agency that brought them;
 * restricted items say whom to ask, never their value. */
static json_t *information_groups(req *r, json_t *items)
{
    json_t *groups = json_array(), *it;
    size_t i;
    json_array_foreach(items, i, it) {
        const char *agency_id = nz(json_get_str(it, "shared_by_agency_id"));
        json_t *group = NULL, *g;
        size_t k;
        json_array_foreach(groups, k, g) {
            if (strcmp(nz(json_get_str(g, "agency_id")), agency_id) == 0)
                group = g;
        }
        if (!group) {
            group = json_pack("{s:s,s:s,s:[]}", "agency_id", agency_id, "agency", nz(json_get_str(it, "shared_by")),
                              "items");
            json_array_append_new(groups, group);
        }
        int shared = json_is_true(json_object_get(it, "shared"));
        json_array_append_new(json_object_get(group, "items"),
                              json_pack("{s:s,s:b,s:b,s:s,s:s,s:s,s:s}", "category_label",
                                        req_tr(r, vocab_category(json_get_str(it, "category"))), "restricted",
                                        json_is_true(json_object_get(it, "restricted")), "shared", shared, "ask",
                                        nz(json_get_str(it, "ask")), "content", nz(json_get_str(it, "content")),
                                        "reason", nz(json_get_str(it, "reason")), "meeting_at",
                                        nz(json_get_str(it, "meeting_starts_at"))));
    }
    return groups;
}

typedef struct quick_ctx {
    req *r;
    const char *chosen;
    json_t *options;
} quick_ctx;

/* The persons by their place in the situation and their role, never their
 * names: the screen is projected. */
static int quick_person_cb(void *ctx, const store_sperson *p)
{
    quick_ctx *x = ctx;
    json_array_append_new(x->options,
                          json_pack("{s:s,s:s,s:b}", "value", p->person_id, "label",
                                    arena_printf(x->r->a, "%zu. %s", json_array_size(x->options) + 1,
                                                 req_tr(x->r, vocab_person_role(p->role))),
                                    "selected", x->chosen && strcmp(x->chosen, p->person_id) == 0));
    return 0;
}

/* The quick "new action" form of the screen (qa: typed, refused). */
static json_t *quick_action(req *r, const char *sid, const char *territory_id, const form *qa, const char *error)
{
    quick_ctx px = {.r = r, .chosen = qa ? val(qa, "protects") : NULL, .options = json_array()};
    json_t *owners = action_owner_options(r, territory_id, qa ? val(qa, "owner_agency_id") : NULL);
    if (!owners || store_situation_persons_each(req_db(r), r->a, sid, quick_person_cb, &px) != STORE_OK) {
        json_decref(px.options);
        json_decref(owners);
        return NULL;
    }
    json_t *o = json_pack("{s:s,s:s,s:o,s:o,s:o,s:s,s:b}", "title", typed(qa, "title"), "due_on", typed(qa, "due_on"),
                          "phases", action_phase_options(r, qa ? val(qa, "phase") : NULL), "persons", px.options,
                          "agencies", owners, "error", nz(error), "added", req_query(r, "action_added") != NULL);
    return o;
}

/* The caller's draft of these minutes ({text, decisions}), or NULL. */
static json_t *minutes_draft(req *r, const char *key)
{
    char *enc = NULL;
    if (store_draft_get(req_db(r), r->user.id, key, &enc) != STORE_OK)
        return NULL;
    const char *plain = req_decrypt(r, arena_printf(r->a, "drafts:%s:%s", r->user.id, key), enc);
    free(enc);
    json_error_t jerr;
    json_t *o = plain ? json_loads(plain, 0, &jerr) : NULL;
    if (o && !json_is_object(o)) {
        json_decref(o);
        o = NULL;
    }
    return o;
}

/* The screen for item (1-based) of the agenda; f, error: minutes refused
 * or stale, shown again with what was typed; qa, qa_error: the quick
 * action refused, shown again with what was typed. With neither, the
 * coordinator's draft of the minutes, if any, is what the form shows. */
static int screen_page(req *r, const char *mid, long item, int status, const form *f, const char *error,
                       const form *qa, const char *qa_error)
{
    int rc;
    json_t *m = meeting_json(r, mid, &rc);
    if (!m)
        return rc;
    json_t *agenda = json_object_get(m, "agenda");
    long n = (long)json_array_size(agenda);
    if (item < 1)
        item = 1;
    if (item > n)
        item = n;
    int coordinator = policy_coordinates(&r->who, nz(json_get_str(m, "territory_id")));
    const char *kind = nz(json_get_str(m, "kind"));
    json_t *d = json_pack("{s:s,s:s,s:s,s:I,s:I,s:b,s:b}", "id", mid, "kind_label",
                          req_tr(r, vocab_meeting_kind(kind)), "starts_at", nz(json_get_str(m, "starts_at")),
                          "item", (json_int_t)item, "count", (json_int_t)n, "coordinator", coordinator, "saved",
                          req_query(r, "saved") != NULL);
    if (n > 0) {
        json_t *x = json_array_get(agenda, (size_t)(item - 1)), *mn = json_object_get(x, "minutes");
        const char *sid = arena_strdup(r->a, nz(json_get_str(x, "situation_id")));
        char started[32], ends[32];
        const char *st = req_query(r, "started");
        time_t t0 = st ? utc_parse(st) : (time_t)-1;
        if (t0 == (time_t)-1)
            t0 = clock_now();
        time_rfc3339(t0, started, sizeof(started));
        time_rfc3339(t0 + SLOT_MINUTES * 60, ends, sizeof(ends));
        json_t *items = information_view(r, sid);
        if (!items || risk_of(r, sid, d) != 0 || auth_audit(r, "read", "information", sid, "") != 0) {
            json_decref(items);
            json_decref(d);
            json_decref(m);
            return -1;
        }
        long long version = json_integer_value(json_object_get(mn, "version"));
        const char *text = f ? typed(f, "text") : nz(json_get_str(mn, "text"));
        const char *dec = f ? typed(f, "decisions") : nz(json_get_str(mn, "decisions"));
        const char *draft_key = arena_printf(r->a, "minutes-%s-%s", mid, sid);
        json_t *draft = !f && coordinator ? minutes_draft(r, draft_key) : NULL;
        if (draft) {
            text = arena_strdup(r->a, json_get_str(draft, "text") ? json_get_str(draft, "text") : text);
            dec = arena_strdup(r->a, json_get_str(draft, "decisions") ? json_get_str(draft, "decisions") : dec);
            json_decref(draft);
            json_object_set_new(d, "draft_restored", json_true());
        }
        if (coordinator) {
            json_t *q = quick_action(r, sid, nz(json_get_str(m, "territory_id")), qa, qa_error);
            if (!q) {
                json_decref(d);
                json_decref(m);
                return -1;
            }
            json_object_set_new(d, "quick", q);
        }
        json_object_set_new(d, "situation", json_pack("{s:s,s:s,s:b,s:o}", "id", sid, "short_id",
                                                      arena_printf(r->a, "%.8s", sid), "urgent",
                                                      json_is_true(json_object_get(x, "urgent")), "groups",
                                                      information_groups(r, items)));
        json_decref(items);
        json_object_set_new(d, "timer", json_pack("{s:s,s:s,s:i}", "started_at", started, "ends_at", ends, "minutes",
                                                  SLOT_MINUTES));
        json_object_set_new(d, "minutes", json_pack("{s:s,s:s,s:I,s:s,s:s,s:s}", "text", text, "decisions", dec,
                                                    "version", (json_int_t)version, "draft_key", draft_key,
                                                    "error", nz(error),
                                                    "current_text", f ? nz(json_get_str(mn, "text")) : ""));
        if (item > 1)
            json_object_set_new(d, "prev", json_integer(item - 1));
        if (item < n)
            json_object_set_new(d, "next", json_integer(item + 1));
    }
    json_decref(m);
    return resp_page(r, status, "meeting_screen", N_("Meeting screen"), d);
}

static long item_of(const char *s)
{
    char *end = NULL;
    long n = s ? strtol(s, &end, 10) : 1;
    return (s && end != s && n > 0 && n < 100000) ? n : 1;
}

/* GET /meetings/{id}/screen?item=N */
int page_meeting_screen(req *r)
{
    return screen_page(r, req_param(r, 0), item_of(req_query(r, "item")), 200, NULL, NULL, NULL, NULL);
}

/* POST /meetings/{id}/minutes: the form becomes api_meeting_minutes' body;
 * a stale version (409) keeps the text typed and says so. */
int page_meeting_minutes(req *r)
{
    const char *mid = req_param(r, 0);
    form f;
    json_t *reply;
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", BAD_REQUEST_MSG);
    const char *sid = typed(&f, "situation_id");
    long item = item_of(val(&f, "item"));
    json_t *b = json_pack("{s:s,s:s,s:s}", "situation_id", sid, "text", typed(&f, "text"), "decisions",
                          typed(&f, "decisions"));
    if (val(&f, "version"))
        json_object_set_new(b, "version", number_json(val(&f, "version")));
    if (run_api(r, api_meeting_minutes, b, &reply) != 0) {
        json_decref(reply);
        return -1;
    }
    int rc = 0;
    if (r->status == 200 || r->status == 201) {
        if (id_valid(mid) && id_valid(sid))
            forget_draft(r, arena_printf(r->a, "minutes-%s-%s", mid, sid));
        const char *st = val(&f, "started");
        rc = resp_redirect(r, arena_printf(r->a, "/meetings/%s/screen?item=%ld&saved=1%s%s#minutes", mid, item,
                                           st && utc_parse(st) != (time_t)-1 ? "&started=" : "",
                                           st && utc_parse(st) != (time_t)-1 ? st : ""));
    } else if (r->status == 409) {
        rc = screen_page(r, mid, item, 409, &f,
                         req_tr(r, N_("Someone else edited these minutes since you opened them. Your text is kept "
                                      "below; compare it with the saved version, then save again.")),
                         NULL, NULL);
    } else if (r->status == 422) {
        rc = screen_page(r, mid, item, 422, &f, api_message(r, reply), NULL, NULL);
    }
    json_decref(reply);
    return rc;
}

/* ------------------------------------------------- printable minutes */

/* A time in the meeting's territory's zone, in the reader's language. */
static const char *local_text(req *r, const char *rfc3339, const char *zone)
{
    char out[64];
    if (!rfc3339 || tz_format(rfc3339, zone, r->lang, out, sizeof(out)) != 0)
        return "";
    return arena_strdup(r->a, out);
}

/* GET /meetings/{id}/minutes: what api_meeting gives the caller (the
 * situations they may see, nothing of the others), with the research
 * they may read - a restricted value says whom to ask, never the value.
 * No place: an address can give away a shelter. The read is audited. */
int page_meeting_minutes_print(req *r)
{
    const char *mid = req_param(r, 0);
    int rc;
    json_t *m = meeting_json(r, mid, &rc);
    if (!m)
        return rc;
    store_territory t;
    const char *tid = nz(json_get_str(m, "territory_id"));
    if (store_territory_by_id(req_db(r), tid, &t) != STORE_OK) {
        json_decref(m);
        return -1;
    }
    const char *zone = arena_strdup(r->a, t.timezone);
    json_t *invited = json_object_get(m, "invited"), *x;
    json_t *att_rows = json_array(), *ag_rows = json_array();
    size_t i;
    int research_read = 0, failed = 0;
    json_array_foreach(json_object_get(m, "attendance"), i, x) {
        store_user u;
        const char *uid = json_get_str(x, "user_id");
        const char *by = uid && store_user_by_id(req_db(r), uid, &u) == STORE_OK ? arena_strdup(r->a, u.display_name) : "";
        json_array_append_new(att_rows, json_pack("{s:s,s:s,s:s}", "agency",
                                                  invited_name(invited, json_get_str(x, "agency_id")), "by", by, "at",
                                                  local_text(r, json_get_str(x, "at"), zone)));
    }
    json_array_foreach(json_object_get(m, "agenda"), i, x) {
        const char *sid = arena_strdup(r->a, nz(json_get_str(x, "situation_id")));
        json_t *mn = json_object_get(x, "minutes");
        json_t *row = json_pack("{s:s,s:I,s:b,s:s,s:s}", "short_id", arena_printf(r->a, "%.8s", sid), "item",
                                (json_int_t)(i + 1), "urgent", json_is_true(json_object_get(x, "urgent")), "minutes",
                                nz(json_get_str(mn, "text")), "decisions", nz(json_get_str(mn, "decisions")));
        if (risk_of(r, sid, row) != 0)
            failed = 1;
        if (!failed && research_allowed(r, mid, sid, VERB_READ, NULL)) {
            json_t *items = research_view(r, mid, sid);
            if (!items)
                failed = 1;
            else
                json_object_set_new(row, "research", research_rows(r, items));
            json_decref(items);
            research_read = 1;
        }
        json_array_append_new(ag_rows, row);
        if (failed)
            break;
    }
    const char *kind = nz(json_get_str(m, "kind"));
    json_t *q = json_object_get(m, "quorum");
    json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:{s:I,s:I,s:b},s:o,s:o}", "id", mid, "kind_label",
                          req_tr(r, vocab_meeting_kind(kind)), "territory", t.name, "when",
                          local_text(r, json_get_str(m, "starts_at"), zone), "quorum", "present",
                          (json_int_t)json_integer_value(json_object_get(q, "present")), "required",
                          (json_int_t)json_integer_value(json_object_get(q, "required")), "met",
                          json_is_true(json_object_get(q, "met")), "attendance", att_rows, "agenda", ag_rows);
    char now[32];
    time_rfc3339(clock_now(), now, sizeof(now));
    json_object_set_new(d, "printed", json_string(local_text(r, now, zone)));
    json_decref(m);
    if (failed || auth_audit(r, "read", "minutes", mid, "print") != 0 ||
        (research_read && auth_audit(r, "read", "research", mid, "print") != 0)) {
        json_decref(d);
        return -1;
    }
    return resp_page(r, 200, "meeting_minutes", N_("Minutes of the meeting"), d);
}

/* ------------------------------ the screen's quick action, both sides */

/* The meeting and item of a quick action sent from the screen, when the
 * caller runs that meeting (its territory's coordinator) and sid is on its
 * agenda; NULL otherwise. */
static const char *quick_meeting(req *r, const char *sid, const form *f)
{
    const char *mid = f ? val(f, "meeting_id") : NULL;
    store_meeting m;
    int on = 0;
    if (!mid || !id_valid(mid) || !id_valid(sid) || store_meeting_get(req_db(r), r->a, mid, &m) != STORE_OK ||
        !policy_coordinates(&r->who, m.territory_id) || store_agenda_has(req_db(r), mid, sid, &on) != STORE_OK || !on)
        return NULL;
    return mid;
}

int meeting_screen_keep_minutes(req *r, const char *sid, const form *f)
{
    const char *mid = quick_meeting(r, sid, f);
    if (!mid)
        return 0;
    const char *text = typed(f, "text"), *dec = typed(f, "decisions");
    store_minutes mn;
    store_conn *c = req_db(r);
    const char *saved_text = "", *saved_dec = "";
    int rc = store_minutes_get(c, r->a, mid, sid, &mn);
    if (rc == STORE_OK) {
        saved_text = nz(req_decrypt(r, arena_printf(r->a, "minutes.text:%s:%s", mid, sid), mn.text_enc));
        saved_dec = nz(req_decrypt(r, arena_printf(r->a, "minutes.decisions:%s:%s", mid, sid), mn.decisions_enc));
    } else if (rc != STORE_NOTFOUND) {
        return -1;
    }
    if (strcmp(text, saved_text) == 0 && strcmp(dec, saved_dec) == 0)
        return 0; /* nothing typed beyond what is saved */
    const char *key = arena_printf(r->a, "minutes-%s-%s", mid, sid);
    json_t *o = json_pack("{s:s,s:s}", "text", text, "decisions", dec);
    char *plain = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    const char *enc = plain ? req_encrypt(r, arena_printf(r->a, "drafts:%s:%s", r->user.id, key), plain) : NULL;
    free(plain);
    if (!enc || store_write_begin(c) != STORE_OK)
        return -1;
    if (store_draft_put(c, r->user.id, key, enc) != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        store_read_begin(c);
        return -1;
    }
    store_read_begin(c);
    return 0;
}

int meeting_screen_action_answer(req *r, const char *sid, const form *f, int status, const char *error)
{
    const char *mid = quick_meeting(r, sid, f);
    if (!mid)
        return 1;
    long item = item_of(val(f, "item"));
    const char *st = val(f, "started");
    int timed = st && utc_parse(st) != (time_t)-1;
    if (status == 201)
        return resp_redirect(r, arena_printf(r->a, "/meetings/%s/screen?item=%ld&action_added=1%s%s#quick-action", mid,
                                             item, timed ? "&started=" : "", timed ? st : ""));
    /* The screen's handlers read the meeting from the route: this route's
     * first parameter is the situation, so the meeting stands in for it
     * while the screen is drawn again. */
    const char *was = r->m.params[0];
    r->m.params[0] = mid;
    buf_reset(&r->out);
    int rc = screen_page(r, mid, item, status, f, NULL, f, error);
    r->m.params[0] = was;
    return rc;
}
