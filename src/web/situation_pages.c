/*
 * situation_pages.c - the HTML pages of the situations, on the same
 * functions as the JSON API (web/situations.c):
 *
 *   GET  /situations                  the situations the caller may see
 *   GET  /referrals/new, POST /referrals   the referral form
 *   GET  /situations/{id}             the situation; triage for the coordinator
 *   POST /situations/{id}/triage      the coordinator's decision (api_triage)
 *   POST /situations/{id}/assessments/{aid}/approve   (api_assessment_approve)
 *   GET  /situations/{id}/assess, POST   the one-screen risk assessment
 *   GET  /triage                      the coordinator's queue
 *   POST /situations/{id}/information  share, or record a decision not to
 *                                     (information_create)
 *   POST /situations/{id}/participants, /exclusions, /close,
 *        /situations/{id}/persons/{person}/contact-visibility
 *                                     the coordinator's forms (the API's
 *                                     handlers, on the form turned to JSON)
 *   GET  /disclosures                 the disclosure register
 *
 * Access: each handler asks the policy exactly as the API handler does
 * before it reads or writes (a situation the caller may not see is a 404,
 * recorded), then calls the shared function. Forms are turned into the
 * API's JSON body, so the rules a referral or an assessment must meet live
 * in one place; refused forms come back (422) with every problem listed at
 * the top and next to its field, and everything typed kept.
 *
 * Everything works without JavaScript; static/app.js only adds the running
 * score of the assessment (display only: the server's score is the truth).
 */
#include "web/situation_pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alertkind.h"
#include "core/dates.h"
#include "core/instrument.h"
#include "lib/id.h"
#include "lib/tz.h"
#include "lib/log.h"
#include "store/sharing.h"
#include "store/situations.h"
#include "web/action_pages.h"
#include "web/auth.h"
#include "web/sharing.h"
#include "web/situations.h"
#include "web/vocab.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define NOT_FOUND_MSG N_("The page you asked for does not exist or is not available to you.")
#define BAD_REQUEST_MSG N_("The request could not be understood.")
/* The message situations.c gives when no perpetrator is named: on the
 * form it belongs next to the perpetrator's row. */
#define PERP_MISSING_MSG N_("Name the person who uses violence, or tick that they are unknown.")
#define DRAFT_KEY "referral-new"

/* --- vocabulary: ids of the API and their labels (msgids) --- */

typedef struct label {
    const char *id, *msgid;
} label;

static const label status_labels[] = {
    {"referred", N_("Referred, awaiting triage")},
    {"triaged", N_("Triaged")},
    {"active", N_("Active")},
    {"closed", N_("Closed")},
};

static const label route_labels[] = {
    {"urgent_cell", N_("Urgent cell")},
    {"conference", N_("Scheduled conference")},
    {"clinical_concertation", N_("Clinical concertation")},
    {"single_agency", N_("Single-agency follow-up with advice")},
    {"not_retained", N_("Not retained")},
};

static const label route_hints[] = {
    {"urgent_cell", N_("Convene the cell within 24 to 72 hours.")},
    {"conference", N_("At the next scheduled meeting of the cell.")},
    {"clinical_concertation",
     N_("A complex situation (mental health, addiction, child maltreatment), discussed further upstream.")},
    {"single_agency", N_("One agency follows up, with the cell's advice.")},
    {"not_retained", N_("The cell does not take the situation up: say why.")},
};


/* The referral form's answers, and how the situation page states them. */
static const label consent_choices[] = {
    {"given", N_("Yes, consent given")},
    {"refused", N_("No, consent refused")},
    {"not_sought", N_("Not sought (for example: danger, or the victim cannot be reached)")},
};

static const label consent_states[] = {
    {"given", N_("Consent given")},
    {"refused", N_("Consent refused")},
    {"not_sought", N_("Consent not sought")},
};

static const label basis_labels[] = {
    {"consent", N_("Consent of the victim")},
    {"safety_exception", N_("Safety exception")},
    {"duty_to_report", N_("Duty to report")},
    {"court_order", N_("Court order")},
};

/* Plain-language explanations, citing Quebec law. */
static const label basis_explains[] = {
    {"consent", N_("The victim agreed to the sharing. Respect the scope and the conditions given above.")},
    {"safety_exception",
     N_("Without consent, when there is a serious risk of death or serious injury to an identifiable person or group, "
        "with a sense of urgency (Quebec: Act respecting access to documents held by public bodies, A-2.1 s. 59.1; "
        "Act respecting the protection of personal information in the private sector, P-39.1 s. 18.1; "
        "Youth Protection Act s. 72.8). Share only what is needed to prevent the harm.")},
    {"duty_to_report",
     N_("The law obliges you to report: the security or development of a child is or may be considered to be "
        "in danger (Youth Protection Act s. 39).")},
    {"court_order", N_("A court or a judge ordered the information to be disclosed.")},
};

static const label criteria_labels[] = {
    {"visible_high_risk", N_("Visible high risk")},
    {"professional_judgement", N_("Professional judgement")},
    {"potential_escalation", N_("Potential escalation")},
    {"repeat", N_("Repeat within 12 months")},
    {"critical_item", N_("Critical risk factor")},
};

static const label complexity_labels[] = {
    {"mental_health", N_("Mental health problems")},
    {"addiction", N_("Addiction")},
    {"child_maltreatment", N_("Child maltreatment")},
};

static const label urgency_labels[] = {
    {"separation", N_("Separation under way or announced")},
    {"release_from_custody", N_("Release from custody")},
    {"court_date", N_("Court date coming")},
    {"imminent_threat", N_("Imminent threat")},
};

/* Sectors a victim most often asks to keep out ("not to: ..."). */
static const char *const excluded_ids[] = {"police", "justice", "probation", "perpetrator_programme",
                                           "child_protection"};

static const char *const month_names[12] = {
    N_("January"), N_("February"), N_("March"),     N_("April"),   N_("May"),      N_("June"),
    N_("July"),    N_("August"),   N_("September"), N_("October"), N_("November"), N_("December"),
};

/* The translated label of id in t, or id itself when unknown. */
static const char *label_of(req *r, const label *t, size_t n, const char *id)
{
    for (size_t i = 0; id && i < n; i++)
        if (strcmp(t[i].id, id) == 0)
            return req_tr(r, t[i].msgid);
    return id ? id : "";
}

#define LABEL(r, table, id) label_of((r), (table), COUNT(table), (id))

/* Short hands for the page data. */

static void set_text(json_t *o, const char *key, const char *text)
{
    json_object_set_new(o, key, json_string(text ? text : ""));
}

static void add_text(json_t *list, const char *text)
{
    json_array_append_new(list, json_string(text ? text : ""));
}

/* Deletes the user's draft of a form once what it prepared is saved (the
 * draft must not outlive it). A failure is logged, not fatal. */
static int forget_draft(req *r, const char *key)
{
    store_conn *c = req_db(r);
    if (!c || store_write_begin(c) != STORE_OK)
        return -1;
    if (store_draft_delete(c, r->user.id, key) != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        log_error("event=draft_delete_failed");
    }
    store_read_begin(c);
    return 0;
}

/* "23 January 2025" ("1er janvier 2025" in French) from a date or an
 * RFC 3339 time (its day in the territory's time zone); "" for nothing, the
 * text itself when it is not a date. */
static const char *date_text(req *r, const char *iso)
{
    char day[11];
    int y, m, d;
    if (!iso || strlen(iso) < 10)
        return iso ? iso : "";
    memcpy(day, iso, 10);
    day[10] = '\0';
    if (strlen(iso) == 20 && iso[10] == 'T') {
        store_territory t;
        if (store_territory_by_id(req_db(r), r->agency.territory_id, &t) == STORE_OK)
            tz_local_date(iso, t.timezone, day);
    }
    if (date_parse(day, &y, &m, &d) != 0)
        return iso;
    int fr = strcmp(r->lang, "fr") == 0;
    return arena_printf(r->a, "%d%s %s %d", d, fr && d == 1 ? "er" : "", req_tr(r, month_names[m - 1]), y);
}

/* How long a referral has waited, in the largest sensible unit. */
static const char *waiting_text(req *r, long minutes)
{
    char n[32];
    if (minutes < 60) {
        snprintf(n, sizeof(n), "%ld", minutes < 0 ? 0 : minutes);
        return req_tr1(r, N_("{1} min"), n);
    }
    if (minutes < 48 * 60) {
        snprintf(n, sizeof(n), "%ld", minutes / 60);
        return req_tr1(r, N_("{1} h"), n);
    }
    snprintf(n, sizeof(n), "%ld", minutes / (24 * 60));
    return req_tr1(r, N_("{1} days"), n);
}

/* {"id": level, "label": its label in the instrument} for a risk badge. */
static json_t *level_badge(req *r, const char *ins_id, int version, const char *level)
{
    const instrument *ins = ins_id ? instrument_set_find(r->app->instruments, ins_id, version) : NULL;
    const char *text = level;
    for (size_t i = 0; ins && level && i < ins->nlevels; i++)
        if (strcmp(ins->levels[i].id, level) == 0)
            text = instrument_text_get(&ins->levels[i].label, r->lang);
    return json_pack("{s:s,s:s}", "id", level ? level : "", "label", text ? text : "");
}

/* Translated labels of an array of criteria ids. */
static json_t *criteria_texts(req *r, json_t *ids)
{
    json_t *out = json_array(), *v;
    size_t i;
    json_array_foreach(ids, i, v) {
        json_array_append_new(out, json_string(LABEL(r, criteria_labels, json_string_value(v))));
    }
    return out;
}

static const char *agency_name(req *r, const char *id)
{
    store_agency ag;
    if (id && store_agency_by_id(req_db(r), id, &ag) == STORE_OK)
        return arena_strdup(r->a, ag.name);
    return "";
}

/* A form value, or NULL when absent or only blanks. */
static const char *val(const form *f, const char *name)
{
    const char *v = form_get(f, name);
    if (!v)
        return NULL;
    for (const char *p = v; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            return v;
    return NULL;
}

static int ticked(const form *f, const char *name)
{
    const char *v = form_get(f, name);
    return v && *v;
}

static const char *typed(const form *f, const char *name)
{
    const char *v = form_get(f, name);
    return v ? v : "";
}

/* A whole number typed in a form, as JSON: an integer when it is one, else
 * the text itself (the shared rules then refuse it with their message). */
static json_t *number_json(const char *v)
{
    char *end = NULL;
    long n = strtol(v, &end, 10);
    while (end && (*end == ' ' || *end == '\t'))
        end++;
    if (end && end != v && *end == '\0')
        return json_integer(n);
    return json_string(v);
}

/* Adds message to errors[key] (joined when a field has several), and a
 * link to the field to the summary. */
static void add_problem(req *r, json_t *errors, json_t *summary, const char *key, const char *href,
                        const char *message)
{
    const char *had = json_string_value(json_object_get(errors, key));
    json_object_set_new(errors, key, json_string(had ? arena_printf(r->a, "%s %s", had, message) : message));
    json_array_append_new(summary, json_pack("{s:s,s:s}", "href", arena_printf(r->a, "#%s", href), "message", message));
}

/* ------------------------------------------------------------ the list */

typedef struct latest {
    const char *instrument_id, *level;
    int version;
} latest;

static int latest_cb(void *ctx, const store_assessment *a)
{
    latest *l = ctx;
    l->instrument_id = a->instrument_id;
    l->version = a->instrument_version;
    l->level = a->level;
    return 0;
}

typedef struct list_ctx {
    req *r;
    json_t *rows;
    int failed;
} list_ctx;

static int list_row_cb(void *ctx, const store_situation *s)
{
    list_ctx *x = ctx;
    req *r = x->r;
    latest l = {0};
    if (store_assessments_each(req_db(r), r->a, s->id, latest_cb, &l) != STORE_OK) {
        x->failed = 1;
        return 1;
    }
    json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "id", s->id, "status", s->status, "status_label",
                            LABEL(r, status_labels, s->status), "created_at", s->created_at ? s->created_at : "",
                            "created_text", date_text(r, s->created_at), "agency",
                            agency_name(r, s->referring_agency_id), "mine",
                            strcmp(s->referring_agency_id, r->user.agency_id) == 0);
    if (s->triage_route)
        json_object_set_new(row, "route_label", json_string(LABEL(r, route_labels, s->triage_route)));
    if (l.level)
        json_object_set_new(row, "level", level_badge(r, l.instrument_id, l.version, l.level));
    json_array_append_new(x->rows, row);
    return 0;
}

/* GET /situations: the same rows as GET /api/v1/situations, no more. */
int page_situations(req *r)
{
    char now[32];
    policy_target any = {.type = OBJ_SITUATION, .territory_id = r->agency.territory_id, .participates = 1};
    int cell = policy_check(&r->who, VERB_LIST, &any);
    int coordinator = policy_coordinates(&r->who, r->agency.territory_id);
    policy_target t = {.type = OBJ_REFERRAL, .territory_id = r->agency.territory_id};
    list_ctx x = {.r = r, .rows = json_array()};
    time_rfc3339(clock_now(), now, sizeof(now));
    now[10] = '\0';
    /* Admins and auditors see no situation: an empty list that says so. */
    if (cell && (store_situations_visible_each(req_db(r), r->a, r->agency.territory_id, coordinator,
                                               r->user.agency_id, r->user.id, now, list_row_cb, &x) != STORE_OK ||
                 x.failed)) {
        json_decref(x.rows);
        return -1;
    }
    if (auth_audit(r, "read", "situation_list", "", "") != 0) {
        json_decref(x.rows);
        return -1;
    }
    json_t *d = json_pack("{s:o,s:b,s:b,s:b}", "situations", x.rows, "no_content", !cell, "coordinator",
                          coordinator, "can_refer", policy_check(&r->who, VERB_CREATE, &t));
    return resp_page(r, 200, "situations", N_("Situations"), d);
}

/* ------------------------------------------------------- the referral */

/* The person rows of the form: enough for most situations; blank rows are
 * left out. */
#define CHILD_ROWS 4
#define OTHER_ROWS 2
#define ROW_VICTIM 0
#define ROW_PERP 1
#define ROW_CHILD0 2
#define ROW_UNBORN (ROW_CHILD0 + CHILD_ROWS)
#define ROW_OTHER0 (ROW_UNBORN + 1)
#define ROWS (ROW_OTHER0 + OTHER_ROWS)

/* What a row offers. */
#define F_GIVEN 1u
#define F_FAMILY 2u
#define F_BIRTH 4u
#define F_ADDRESS 8u
#define F_PHONE 16u
#define F_DUE 32u
#define F_UNBORN 64u
#define F_CHILD_OF 128u
#define F_STEP 256u
#define F_ROLE 512u

static const struct pfield {
    unsigned bit;
    const char *name, *label, *type, *help;
} pfields[] = {
    {F_GIVEN, "given_name", N_("First name"), "text", NULL},
    {F_FAMILY, "family_name", N_("Last name"), "text", NULL},
    {F_BIRTH, "birth_date", N_("Birth date"), "date", NULL},
    {F_ADDRESS, "safe_address", N_("Safe address"), "text",
     N_("Where the victim can be reached safely. Shown only to your agency and the coordinators.")},
    {F_PHONE, "safe_phone", N_("Safe phone number"), "tel", N_("A number where a call puts no one in danger.")},
    {F_DUE, "due_date", N_("Due date"), "date", NULL},
};

static const struct pcheck {
    unsigned bit;
    const char *name, *label;
} pchecks[] = {
    {F_UNBORN, "unborn", N_("A pregnancy is under way")},
    {F_CHILD_OF, "child_of_perpetrator", N_("Child of the person who uses violence")},
    {F_STEP, "stepchild", N_("Stepchild: the child of only one of the partners")},
};

static unsigned row_fields(int row)
{
    if (row == ROW_VICTIM)
        return F_GIVEN | F_FAMILY | F_BIRTH | F_ADDRESS | F_PHONE;
    if (row == ROW_PERP)
        return F_GIVEN | F_FAMILY | F_BIRTH;
    if (row < ROW_UNBORN)
        return F_GIVEN | F_FAMILY | F_BIRTH | F_CHILD_OF | F_STEP;
    if (row == ROW_UNBORN)
        return F_UNBORN | F_DUE | F_CHILD_OF;
    return F_ROLE | F_GIVEN | F_FAMILY | F_BIRTH | F_PHONE;
}

static const char *row_role(int row)
{
    return row == ROW_VICTIM ? "victim" : row == ROW_PERP ? "perpetrator" : row < ROW_OTHER0 ? "child" : NULL;
}

static const char *pname(req *r, int row, const char *field)
{
    return arena_printf(r->a, "p%d_%s", row, field);
}

/* The API's referral body from the form; rowmap[i] is the form row of
 * persons[i]. */
static json_t *referral_body(req *r, const form *f, int rowmap[ROWS], size_t *npersons)
{
    json_t *b = json_object(), *persons = json_array();
    *npersons = 0;
    json_object_set_new(b, "summary", json_string(typed(f, "summary")));
    for (int row = 0; row < ROWS; row++) {
        unsigned bits = row_fields(row);
        json_t *p = json_object();
        int any = 0;
        for (size_t k = 0; k < COUNT(pfields); k++) {
            const char *v = (bits & pfields[k].bit) ? val(f, pname(r, row, pfields[k].name)) : NULL;
            if (v) {
                json_object_set_new(p, pfields[k].name, json_string(v));
                any = 1;
            }
        }
        for (size_t k = 0; k < COUNT(pchecks); k++)
            if ((bits & pchecks[k].bit) && ticked(f, pname(r, row, pchecks[k].name))) {
                json_object_set_new(p, pchecks[k].name, json_true());
                any = 1;
            }
        const char *role = row_role(row);
        if (bits & F_ROLE) {
            role = val(f, pname(r, row, "role"));
            any |= role != NULL;
        }
        /* The victim's row always goes (its problems are shown); others
         * only when something was typed or ticked. */
        if (row != ROW_VICTIM && !any) {
            json_decref(p);
            continue;
        }
        if (row == ROW_UNBORN)
            json_object_set_new(p, "unborn", json_true());
        if (role)
            json_object_set_new(p, "role", json_string(role));
        json_object_set_new(p, "ref", json_string(arena_printf(r->a, "p%d", row)));
        rowmap[(*npersons)++] = row;
        json_array_append_new(persons, p);
    }
    json_object_set_new(b, "persons", persons);
    if (ticked(f, "perpetrator_unknown"))
        json_object_set_new(b, "perpetrator_unknown", json_true());

    json_t *c = json_object(), *ex = json_array();
    const char *v;
    if ((v = val(f, "consent_status")))
        json_object_set_new(c, "status", json_string(v));
    if ((v = val(f, "consent_scope")))
        json_object_set_new(c, "scope", json_string(v));
    if ((v = val(f, "consent_conditions")))
        json_object_set_new(c, "conditions", json_string(v));
    for (size_t i = 0; i < COUNT(excluded_ids); i++)
        if (ticked(f, arena_printf(r->a, "excluded_%s", excluded_ids[i])))
            json_array_append_new(ex, json_string(excluded_ids[i]));
    json_object_set_new(c, "excluded_sectors", ex);
    json_object_set_new(b, "consent", c);
    if ((v = val(f, "legal_basis")))
        json_object_set_new(b, "legal_basis", json_string(v));
    if ((v = val(f, "justification")))
        json_object_set_new(b, "justification", json_string(v));
    if ((v = val(f, "incidents_12m")))
        json_object_set_new(b, "incidents_12m", number_json(v));
    json_t *cx = json_object(), *ur = json_object();
    for (size_t i = 0; i < COUNT(complexity_labels); i++)
        json_object_set_new(cx, complexity_labels[i].id,
                            json_boolean(ticked(f, arena_printf(r->a, "cx_%s", complexity_labels[i].id))));
    for (size_t i = 0; i < COUNT(urgency_labels); i++)
        json_object_set_new(ur, urgency_labels[i].id,
                            json_boolean(ticked(f, arena_printf(r->a, "ur_%s", urgency_labels[i].id))));
    json_object_set_new(b, "complexity", cx);
    json_object_set_new(b, "urgency", ur);
    return b;
}

/* The form field (its id) a problem of referral_create belongs to. */
static const char *referral_error_key(req *r, const char *field, const char *message, const int *rowmap,
                                      size_t npersons)
{
    static const char *const top[] = {"summary", "legal_basis", "justification", "incidents_12m"};
    if (!field)
        return "summary";
    for (size_t i = 0; i < COUNT(top); i++)
        if (strcmp(field, top[i]) == 0)
            return top[i];
    if (strcmp(field, "consent.status") == 0)
        return "consent_status";
    if (strncmp(field, "consent.", 8) == 0)
        return "excluded_sectors";
    if (strcmp(field, "persons") == 0)
        return message && strcmp(message, req_tr(r, PERP_MISSING_MSG)) == 0 ? "p1_given_name" : "p0_given_name";
    if (strncmp(field, "persons[", 8) == 0) {
        char *end = NULL;
        long i = strtol(field + 8, &end, 10);
        if (end && *end == ']' && i >= 0 && (size_t)i < npersons) {
            int row = rowmap[i];
            const char *sub = end[1] == '.' ? end + 2 : "given_name";
            if (strcmp(sub, "birth_date") != 0 && strcmp(sub, "due_date") != 0 &&
                !(strcmp(sub, "role") == 0 && (row_fields(row) & F_ROLE)))
                sub = "given_name";
            if (row == ROW_UNBORN && strcmp(sub, "given_name") == 0)
                sub = "due_date";
            return pname(r, row, sub);
        }
        return "p0_given_name";
    }
    return "summary";
}

/* Where the summary's link goes: the first control of a group. */
static const char *referral_error_href(req *r, const char *key)
{
    if (strcmp(key, "consent_status") == 0)
        return "consent_status-given";
    if (strcmp(key, "legal_basis") == 0)
        return "legal_basis-consent";
    if (strcmp(key, "excluded_sectors") == 0)
        return arena_printf(r->a, "excluded_%s", excluded_ids[0]);
    return key;
}

/* One person row of the form, with what was typed and its problems. */
static json_t *person_row(req *r, const form *f, int row, json_t *errors)
{
    unsigned bits = row_fields(row);
    const char *legend;
    char n[16];
    if (row == ROW_VICTIM)
        legend = req_tr(r, N_("Victim"));
    else if (row == ROW_PERP)
        legend = req_tr(r, N_("Person who uses violence"));
    else if (row == ROW_UNBORN)
        legend = req_tr(r, N_("Unborn child"));
    else if (row < ROW_UNBORN) {
        snprintf(n, sizeof(n), "%d", row - ROW_CHILD0 + 1);
        legend = req_tr1(r, N_("Child {1}"), n);
    } else {
        snprintf(n, sizeof(n), "%d", row - ROW_OTHER0 + 1);
        legend = req_tr1(r, N_("Other person {1}"), n);
    }
    json_t *fields = json_array(), *checks = json_array();
    json_t *o = json_pack("{s:s,s:s}", "legend", legend, "id", arena_printf(r->a, "p%d", row));
    for (size_t k = 0; k < COUNT(pfields); k++) {
        if (!(bits & pfields[k].bit))
            continue;
        const char *id = pname(r, row, pfields[k].name);
        const char *err = json_string_value(json_object_get(errors, id));
        buf db;
        buf_init(&db);
        if (pfields[k].help)
            buf_printf(&db, "%s-help", id);
        if (err)
            buf_printf(&db, "%s%s-error", db.len ? " " : "", id);
        json_t *x = json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", id, "label", req_tr(r, pfields[k].label), "type",
                              pfields[k].type, "value", typed(f, id), "describedby", buf_cstr(&db));
        buf_free(&db);
        if (pfields[k].help)
            json_object_set_new(x, "help", json_string(req_tr(r, pfields[k].help)));
        if (err)
            json_object_set_new(x, "error", json_string(err));
        json_array_append_new(fields, x);
    }
    for (size_t k = 0; k < COUNT(pchecks); k++) {
        if (!(bits & pchecks[k].bit))
            continue;
        const char *id = pname(r, row, pchecks[k].name);
        json_array_append_new(checks, json_pack("{s:s,s:s,s:b}", "id", id, "label", req_tr(r, pchecks[k].label),
                                                "checked", ticked(f, id)));
    }
    if (row == ROW_PERP)
        json_array_append_new(checks, json_pack("{s:s,s:s,s:b}", "id", "perpetrator_unknown", "label",
                                                req_tr(r, N_("Unknown: the person who uses violence cannot be named")),
                                                "checked", ticked(f, "perpetrator_unknown")));
    if (bits & F_ROLE) {
        const char *id = pname(r, row, "role"), *chosen = typed(f, id);
        json_t *opts = json_array();
        static const char *const roles[] = {"relative", "new_partner"};
        for (size_t k = 0; k < COUNT(roles); k++)
            json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "value", roles[k], "label",
                                                  req_tr(r, vocab_person_role(roles[k])), "selected",
                                                  strcmp(chosen, roles[k]) == 0));
        json_t *sel = json_pack("{s:s,s:o}", "id", id, "options", opts);
        const char *err = json_string_value(json_object_get(errors, id));
        if (err)
            json_object_set_new(sel, "error", json_string(err));
        json_object_set_new(o, "role", sel);
    }
    json_object_set_new(o, "fields", fields);
    json_object_set_new(o, "checks", checks);
    return o;
}

/* Options of a group of radios or checkboxes: id prefix, form name (NULL:
 * each box is named by its id), the chosen value for radios. */
static json_t *choices(req *r, const form *f, const label *t, size_t n, const char *prefix, const char *radio_name,
                       const label *explains)
{
    json_t *out = json_array();
    const char *chosen = radio_name ? typed(f, radio_name) : NULL;
    for (size_t i = 0; i < n; i++) {
        const char *id = arena_printf(r->a, radio_name ? "%s-%s" : "%s_%s", prefix, t[i].id);
        json_t *o = json_pack("{s:s,s:s,s:s,s:b}", "id", id, "value", t[i].id, "label", req_tr(r, t[i].msgid),
                              "checked", radio_name ? strcmp(chosen, t[i].id) == 0 : ticked(f, id));
        if (explains)
            json_object_set_new(o, "explain", json_string(label_of(r, explains, n, t[i].id)));
        json_array_append_new(out, o);
    }
    return out;
}

/* The referral form; f holds what was typed (empty for a new form),
 * problems the shared rules' refusals. */
static int referral_page(req *r, int status, const form *f, json_t *problems, const int *rowmap, size_t npersons)
{
    json_t *errors = json_object(), *summary = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(problems, i, p) {
        const char *msg = json_string_value(json_object_get(p, "message"));
        const char *key = referral_error_key(r, json_string_value(json_object_get(p, "field")), msg, rowmap, npersons);
        add_problem(r, errors, summary, key, referral_error_href(r, key), msg ? msg : "");
    }
    json_t *ex = json_array();
    for (size_t k = 0; k < COUNT(excluded_ids); k++) {
        const char *id = arena_printf(r->a, "excluded_%s", excluded_ids[k]);
        json_array_append_new(ex, json_pack("{s:s,s:s,s:b}", "id", id, "label",
                                            req_tr(r, vocab_sector(excluded_ids[k])), "checked", ticked(f, id)));
    }
    json_t *children = json_array(), *others = json_array();
    for (int row = ROW_CHILD0; row < ROW_UNBORN; row++)
        json_array_append_new(children, person_row(r, f, row, errors));
    for (int row = ROW_OTHER0; row < ROWS; row++)
        json_array_append_new(others, person_row(r, f, row, errors));
    json_t *form_values = json_pack("{s:s,s:s,s:s,s:s,s:s}", "summary", typed(f, "summary"), "consent_scope",
                                    typed(f, "consent_scope"), "consent_conditions", typed(f, "consent_conditions"),
                                    "justification", typed(f, "justification"), "incidents_12m",
                                    typed(f, "incidents_12m"));
    json_t *d = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "form", form_values,
                          "victim", person_row(r, f, ROW_VICTIM, errors), "perpetrator",
                          person_row(r, f, ROW_PERP, errors), "children", children, "unborn",
                          person_row(r, f, ROW_UNBORN, errors), "others", others, "consent_options",
                          choices(r, f, consent_choices, COUNT(consent_choices), "consent_status", "consent_status",
                                  NULL),
                          "basis_options",
                          choices(r, f, basis_labels, COUNT(basis_labels), "legal_basis", "legal_basis",
                                  basis_explains),
                          "excluded_options", ex, "complexity_options",
                          choices(r, f, complexity_labels, COUNT(complexity_labels), "cx", NULL, NULL),
                          "urgency_options", choices(r, f, urgency_labels, COUNT(urgency_labels), "ur", NULL, NULL),
                          "errors", errors, "problems", summary, "has_problems",
                          json_boolean(json_array_size(summary) > 0));
    return resp_page(r, status, "referral", N_("New referral"), d);
}

static int may_refer(req *r)
{
    policy_target t = {.type = OBJ_REFERRAL, .territory_id = r->agency.territory_id};
    return auth_allow(r, VERB_CREATE, &t, 0);
}

/* GET /referrals/new */
int page_referral_new(req *r)
{
    form empty = {0};
    if (!may_refer(r))
        return 0;
    return referral_page(r, 200, &empty, NULL, NULL, 0);
}

/* POST /referrals: the form becomes the API's body; referral_create
 * decides. On success the user's draft of the form is deleted. */
int page_referral_create(req *r)
{
    form f;
    int rowmap[ROWS];
    size_t npersons = 0;
    json_t *out = NULL;
    if (!may_refer(r))
        return 0;
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", BAD_REQUEST_MSG);
    json_t *body = referral_body(r, &f, rowmap, &npersons);
    json_t *problems = json_array();
    int rc = referral_create(r, body, problems, &out);
    json_decref(body);
    if (rc == -2) {
        rc = referral_page(r, 422, &f, problems, rowmap, npersons);
        json_decref(problems);
        return rc;
    }
    json_decref(problems);
    if (rc != 0 || !out) {
        json_decref(out);
        return -1;
    }
    const char *sid = arena_strdup(r->a, json_string_value(json_object_get(out, "situation_id")));
    int known = json_is_true(json_object_get(out, "known_elsewhere"));
    int repeat = json_is_string(json_object_get(out, "repeat_of"));
    json_decref(out);
    /* The situation exists now: the draft must not outlive it. */
    if (forget_draft(r, DRAFT_KEY) != 0)
        return -1;
    return resp_redirect(r, arena_printf(r->a, "/situations/%s?sent=1%s%s", sid, known ? "&known=1" : "",
                                         repeat ? "&repeat=1" : ""));
}

/* ------------------------------------------------------ the situation */

static void persons_for_page(req *r, json_t *persons)
{
    /* Contact fields: the value, or only that it exists. */
    static const char *const contact[2][2] = {{"safe_address", "address"}, {"safe_phone", "phone"}};
    size_t i;
    json_t *p;
    json_array_foreach(persons, i, p) {
        const char *given = json_get_str(p, "given_name"), *family = json_get_str(p, "family_name");
        json_t *notes = json_array();
        set_text(p, "name", arena_printf(r->a, "%s%s%s", given ? given : "", given && family ? " " : "",
                                         family ? family : ""));
        set_text(p, "role_label", req_tr(r, vocab_person_role(json_get_str(p, "role"))));
        set_text(p, "birth_text", date_text(r, json_get_str(p, "birth_date")));
        if (json_is_true(json_object_get(p, "unborn")))
            add_text(notes, req_tr1(r, N_("Unborn, due on {1}"), date_text(r, json_get_str(p, "due_date"))));
        if (json_is_true(json_object_get(p, "child_of_perpetrator")))
            add_text(notes, req_tr(r, N_("Child of the person who uses violence")));
        if (json_is_true(json_object_get(p, "stepchild")))
            add_text(notes, req_tr(r, N_("Stepchild: the child of only one of the partners")));
        json_object_set_new(p, "notes", notes);
        for (int k = 0; k < 2; k++) {
            json_t *v = json_object_get(p, contact[k][0]);
            if (json_is_string(v))
                json_object_set_new(p, contact[k][1], json_pack("{s:O}", "value", v));
            else if (json_is_object(v))
                json_object_set_new(p, contact[k][1], json_pack("{s:b}", "restricted", 1));
        }
    }
}

static void assessments_for_page(req *r, json_t *list, int decider)
{
    size_t i;
    json_t *a;
    json_array_foreach(list, i, a) {
        const char *iid = json_get_str(a, "instrument");
        int version = (int)json_integer_value(json_object_get(a, "instrument_version"));
        const instrument *ins = instrument_set_find(r->app->instruments, iid ? iid : "", version);
        set_text(a, "instrument_title", ins ? instrument_text_get(&ins->title, r->lang) : iid);
        set_text(a, "date_text", date_text(r, json_get_str(a, "created_at")));
        json_object_set_new(a, "badge", level_badge(r, iid, version, json_get_str(a, "level")));
        json_object_set_new(a, "criteria_labels", criteria_texts(r, json_object_get(a, "criteria")));
        json_t *j = json_object_get(a, "judgement");
        if (json_is_object(j))
            json_object_set_new(j, "badge", level_badge(r, iid, version, json_get_str(j, "level")));
        int lowered = json_is_true(json_object_get(a, "lowered"));
        int approved = json_is_true(json_object_get(a, "approved"));
        json_object_set_new(a, "awaiting_approval", json_boolean(lowered && !approved));
        json_object_set_new(a, "lowering_approved", json_boolean(lowered && approved));
        json_object_set_new(a, "can_approve", json_boolean(decider && lowered && !approved));
    }
}

/* Labels of the complexity and urgency factors that are present. */
static json_t *factor_texts(req *r, json_t *sit)
{
    json_t *out = json_array();
    json_t *cx = json_object_get(sit, "complexity"), *ur = json_object_get(sit, "urgency");
    for (size_t i = 0; i < COUNT(complexity_labels); i++)
        if (json_is_true(json_object_get(cx, complexity_labels[i].id)))
            add_text(out, req_tr(r, complexity_labels[i].msgid));
    for (size_t i = 0; i < COUNT(urgency_labels); i++)
        if (json_is_true(json_object_get(ur, urgency_labels[i].id)))
            add_text(out, req_tr(r, urgency_labels[i].msgid));
    return out;
}

/* The coordinator's triage form: the routes, the rule's suggestion while
 * the referral waits, and what was typed when a decision was refused. */
static json_t *triage_form(req *r, json_t *sit, const char *route_typed, const char *reason_typed)
{
    const char *id = json_string_value(json_object_get(sit, "id"));
    const char *suggested = NULL, *rule = NULL;
    const char *status = json_string_value(json_object_get(sit, "status"));
    json_t *q = status && id && strcmp(status, "referred") == 0 ? triage_queue(r) : NULL;
    size_t i;
    json_t *e;
    json_array_foreach(q, i, e) {
        const char *qid = json_string_value(json_object_get(e, "id"));
        if (qid && strcmp(qid, id) == 0) {
            suggested = arena_strdup(r->a, json_string_value(json_object_get(e, "suggested_route")));
            rule = arena_strdup(r->a, json_string_value(json_object_get(e, "rule")));
        }
    }
    json_decref(q);
    json_t *routes = json_array();
    for (size_t k = 0; k < COUNT(route_labels); k++)
        json_array_append_new(routes, json_pack("{s:s,s:s,s:s,s:s,s:b,s:b}", "id",
                                                arena_printf(r->a, "route-%s", route_labels[k].id), "value",
                                                route_labels[k].id, "label", req_tr(r, route_labels[k].msgid),
                                                "hint", LABEL(r, route_hints, route_labels[k].id), "checked",
                                                route_typed && strcmp(route_typed, route_labels[k].id) == 0,
                                                "suggested", suggested && strcmp(suggested, route_labels[k].id) == 0));
    json_t *o = json_pack("{s:o,s:s,s:O}", "routes", routes, "reason", reason_typed ? reason_typed : "", "version",
                          json_object_get(sit, "version"));
    if (suggested)
        json_object_set_new(o, "suggestion", json_pack("{s:s,s:s}", "label", LABEL(r, route_labels, suggested),
                                                       "rule", rule ? rule : ""));
    return o;
}

/* ------------------------------------------- sharing on the situation */

/* The ids the shared rules accept (sharing.c, situations.c), in the order
 * the forms offer them. */
static const char *const category_ids[] = {"incident_history", "criminal_record", "protective_order",
                                           "child_protection", "health", "mental_health", "addiction",
                                           "housing", "weapons_access", "other"};
static const char *const close_reason_ids[] = {"risk_reduced", "relocated", "unreachable",
                                               "moved_out_of_territory", "other"};

/* What happened to the situation, in words (its history holds no
 * personal values: a category, a route, an agency, a reason id). */
static const label event_labels[] = {
    {"referred", N_("Referred to the cell")},
    {"triaged", N_("Triage decision recorded")},
    {"assessed", N_("Risk assessment recorded")},
    {"lowering_approved", N_("Lower level approved by the coordinator")},
    {"information_shared", N_("Information shared")},
    {"not_shared", N_("Decision not to share recorded")},
    {"participant_added", N_("Agency added to the situation")},
    {"user_excluded", N_("A user was excluded from the situation")},
    {"closed", N_("Situation closed")},
};

/* The forms of the situation page that can come back refused. */
#define FORM_TRIAGE "triage"
#define FORM_INFO "information"
#define FORM_PARTICIPANT "participant"
#define FORM_EXCLUSION "exclusion"
#define FORM_CONTACT "contact"
#define FORM_CLOSE "close"

/* What a refused form brings back to the situation page: its status, its
 * message (or problems), and everything typed. */
typedef struct page_state {
    int status;
    const char *which;  /* FORM_*, or NULL for a plain GET */
    const char *error;  /* translated message */
    json_t *problems;   /* FORM_INFO: [{field, message}] from information_create */
    const form *f;      /* what was typed */
    const char *person; /* FORM_CONTACT: whose contact details */
} page_state;

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* The form of state when it is the one refused, else an empty one. */
static const form *typed_form(const page_state *ps, const char *which)
{
    static const form empty = {0};
    return ps->which && ps->f && strcmp(ps->which, which) == 0 ? ps->f : &empty;
}

static const char *form_error(const page_state *ps, const char *which)
{
    return ps->which && strcmp(ps->which, which) == 0 ? ps->error : NULL;
}

/* Today as YYYY-MM-DD (the server's clock). */

/* Options of a select: value, translated label, selected. */
static json_t *select_options(req *r, const char *const *ids, size_t n, const char *(*label_fn)(const char *),
                              const char *chosen)
{
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(out, json_pack("{s:s,s:s,s:b}", "value", ids[i], "label", req_tr(r, label_fn(ids[i])),
                                             "selected", chosen && strcmp(chosen, ids[i]) == 0));
    return out;
}

/* Radios of the legal bases, each with its plain-language explanation and
 * the law it rests on (data/legal-bases.json); ids prefix-<basis>. */
static json_t *basis_radios(req *r, json_t *bases, const char *prefix, const char *chosen)
{
    json_t *out = json_array(), *b;
    size_t i;
    json_array_foreach(bases, i, b) {
        const char *id = nz(json_get_str(b, "id"));
        json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "id", arena_printf(r->a, "%s-%s", prefix, id),
                                             "value", id, "label", req_tr(r, vocab_basis(id)), "explain",
                                             nz(json_get_str(b, "explanation")), "law", nz(json_get_str(b, "law")), "checked",
                                             chosen && strcmp(chosen, id) == 0));
    }
    return out;
}

/* The items of information_view grouped by the agency that brought them,
 * in the order they came. Every key the template reads is set on every
 * item (a missing one would be looked up in the enclosing scopes). */
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
            group = json_pack("{s:s,s:s,s:s,s:[]}", "agency_id", agency_id, "agency", nz(json_get_str(it, "shared_by")),
                              "heading_id", arena_printf(r->a, "info-agency-%zu", json_array_size(groups)), "items");
            json_array_append_new(groups, group);
        }
        int restricted = json_is_true(json_object_get(it, "restricted"));
        int shared = json_is_true(json_object_get(it, "shared"));
        const char *basis = json_get_str(it, "basis");
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:s,s:s,s:s,s:s,s:s,s:s}", "item_id", nz(json_get_str(it, "id")),
                              "category_label", req_tr(r, vocab_category(json_get_str(it, "category"))), "at",
                              nz(json_get_str(it, "at")), "basis_label",
                              shared ? req_tr(r, vocab_basis(basis)) : "", "restricted", restricted, "shared", shared,
                              "sensitive", json_is_true(json_object_get(it, "sensitive")), "ask",
                              nz(json_get_str(it, "ask")), "content", nz(json_get_str(it, "content")), "reason",
                              nz(json_get_str(it, "reason")), "justification", nz(json_get_str(it, "justification")),
                              "expires_text", date_text(r, json_get_str(it, "expires_on")), "meeting_at",
                              nz(json_get_str(it, "meeting_starts_at")));
        json_object_set_new(o, "release_text", json_string(date_text(r, json_get_str(it, "release_on"))));
        json_array_append_new(json_object_get(group, "items"), o);
    }
    return groups;
}

/* "Name (role)" of a person of the situation, by id. */
static const char *person_label(req *r, json_t *persons, const char *id)
{
    json_t *p;
    size_t i;
    json_array_foreach(persons, i, p) {
        const char *pid = json_get_str(p, "id");
        if (pid && id && strcmp(pid, id) == 0) {
            const char *name = nz(json_get_str(p, "name")), *role = nz(json_get_str(p, "role_label"));
            return *name ? arena_printf(r->a, "%s (%s)", name, role) : role;
        }
    }
    return "";
}

static json_t *relations_for_page(req *r, json_t *rels, json_t *persons)
{
    json_t *out = json_array(), *x;
    size_t i;
    json_array_foreach(rels, i, x) {
        json_array_append_new(out, json_pack("{s:s,s:s,s:s}", "from", person_label(r, persons, json_get_str(x, "from")),
                                             "to", person_label(r, persons, json_get_str(x, "to")), "kind_label",
                                             req_tr(r, vocab_relationship(json_get_str(x, "kind")))));
    }
    return out;
}

/* "dash-24-structure v1: high" as "title: level label". */
static const char *assessed_text(req *r, const char *detail)
{
    const char *v = detail ? strstr(detail, " v") : NULL, *colon = detail ? strstr(detail, ": ") : NULL;
    if (!v || !colon || colon < v)
        return nz(detail);
    char *end = NULL;
    long version = strtol(v + 2, &end, 10);
    const char *iid = arena_strndup(r->a, detail, (size_t)(v - detail));
    const instrument *ins = iid && version > 0 && version <= INSTRUMENT_MAX_VERSION
                                ? instrument_set_find(r->app->instruments, iid, (int)version)
                                : NULL;
    if (!ins)
        return nz(detail);
    json_t *badge = level_badge(r, iid, (int)version, colon + 2);
    const char *out = arena_printf(r->a, "%s: %s", instrument_text_get(&ins->title, r->lang), nz(json_get_str(badge, "label")));
    json_decref(badge);
    return out;
}

/* The history: when, and what, in words; no personal values. */
static json_t *history_for_page(req *r, json_t *events)
{
    json_t *out = json_array(), *e;
    size_t i;
    json_array_foreach(events, i, e) {
        const char *kind = nz(json_get_str(e, "kind")), *detail = json_get_str(e, "detail"), *more = "";
        if (strcmp(kind, "triaged") == 0)
            more = LABEL(r, route_labels, detail);
        else if (strcmp(kind, "information_shared") == 0 || strcmp(kind, "not_shared") == 0)
            more = req_tr(r, vocab_category(detail));
        else if (strcmp(kind, "participant_added") == 0)
            more = agency_name(r, detail);
        else if (strcmp(kind, "closed") == 0)
            more = req_tr(r, vocab_close_reason(detail));
        else if (strcmp(kind, "assessed") == 0)
            more = assessed_text(r, detail);
        else if (strcmp(kind, "referred") == 0 && detail && strcmp(detail, "repeat") == 0)
            more = req_tr(r, N_("repeat within 12 months"));
        json_array_append_new(out, json_pack("{s:s,s:s,s:s}", "at", nz(json_get_str(e, "at")), "what",
                                             LABEL(r, event_labels, kind), "detail", nz(more)));
    }
    return out;
}

/* --- the agencies taking part --- */

typedef struct parts_ctx {
    req *r;
    char today[11];
    json_t *list;   /* for the page */
    json_t *active; /* agency id -> name, participation not ended */
} parts_ctx;

static int parts_cb(void *ctx, const store_participant *p)
{
    parts_ctx *x = ctx;
    req *r = x->r;
    int ended = p->ends_on && strcmp(p->ends_on, x->today) < 0;
    json_array_append_new(x->list, json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "agency", nz(p->agency_name), "sector_label",
                                             req_tr(r, vocab_sector(p->sector)), "basis_label",
                                             req_tr(r, vocab_basis(p->basis)), "since_text",
                                             date_text(r, p->added_at), "until_text", date_text(r, p->ends_on),
                                             "ended", ended));
    if (!ended)
        json_object_set_new(x->active, p->agency_id, json_string(nz(p->agency_name)));
    return 0;
}

/* --- the coordinator's forms --- */

typedef struct agencies_ctx {
    req *r;
    const char *territory_id, *chosen;
    json_t *active, *options;
} agencies_ctx;

static int agencies_cb(void *ctx, const store_agency *a)
{
    agencies_ctx *x = ctx;
    if (strcmp(a->territory_id, x->territory_id) != 0 || json_object_get(x->active, a->id))
        return 0;
    json_array_append_new(x->options, json_pack("{s:s,s:s,s:b}", "value", a->id, "label",
                                                arena_printf(x->r->a, "%s (%s)", a->name,
                                                             req_tr(x->r, vocab_sector(a->sector))),
                                                "selected", x->chosen && strcmp(x->chosen, a->id) == 0));
    return 0;
}

typedef struct users_ctx {
    req *r;
    const char *sid, *chosen;
    json_t *active, *options;
    int failed;
} users_ctx;

/* Users of the agencies taking part, but the coordinator and those
 * already excluded. */
static int users_cb(void *ctx, const store_user *u)
{
    users_ctx *x = ctx;
    req *r = x->r;
    json_t *agency = json_object_get(x->active, u->agency_id);
    int excluded = 0;
    if (!agency || !u->active || strcmp(u->id, r->user.id) == 0)
        return 0;
    if (store_exclusion_exists(req_db(r), x->sid, u->id, &excluded) != STORE_OK) {
        x->failed = 1;
        return 1;
    }
    if (!excluded)
        json_array_append_new(x->options, json_pack("{s:s,s:s,s:b}", "value", u->id, "label",
                                                    arena_printf(r->a, "%s — %s", u->display_name,
                                                                 json_string_value(agency)),
                                                    "selected", x->chosen && strcmp(x->chosen, u->id) == 0));
    return 0;
}

static int visible_to_cb(void *ctx, const store_sperson *p)
{
    json_object_set_new(ctx, p->person_id, json_string(nz(p->visible_to)));
    return 0;
}

/* 1 if id is one of the comma-separated ids of list. */
static int listed(const char *list, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, id, n) == 0)
            return 1;
        p += len + (p[len] == ',');
    }
    return 0;
}

/* For each person with a safe address or phone: the participating
 * agencies as checkboxes, ticked when they may read them now (or as typed
 * when the form came back). */
static json_t *contact_forms(req *r, const char *sid, json_t *persons, json_t *active, const page_state *ps)
{
    json_t *vis = json_object(), *out = json_array(), *p;
    size_t i;
    if (store_situation_persons_each(req_db(r), r->a, sid, visible_to_cb, vis) != STORE_OK) {
        json_decref(vis);
        json_decref(out);
        return NULL;
    }
    json_array_foreach(persons, i, p) {
        const char *pid = nz(json_get_str(p, "id"));
        if (!json_object_get(p, "address") && !json_object_get(p, "phone"))
            continue;
        int back = ps->person && strcmp(ps->person, pid) == 0;
        const form *f = typed_form(ps, FORM_CONTACT);
        json_t *boxes = json_array();
        const char *aid;
        json_t *name;
        json_object_foreach(active, aid, name) {
            int checked = 0;
            if (back) {
                for (size_t k = 0; k < f->n; k++)
                    if (strcmp(f->fields[k].name, "agency") == 0 && strcmp(f->fields[k].value, aid) == 0)
                        checked = 1;
            } else {
                checked = listed(json_string_value(json_object_get(vis, pid)), aid);
            }
            json_array_append_new(boxes, json_pack("{s:s,s:s,s:O,s:b}", "id", arena_printf(r->a, "vis-%s-%s", pid, aid),
                                                   "value", aid, "label", name, "checked", checked));
        }
        const char *who = nz(json_get_str(p, "name"));
        json_t *o = json_pack("{s:s,s:s,s:s,s:o}", "person_id", pid, "legend_id", arena_printf(r->a, "vis-%s", pid),
                              "who", *who ? who : nz(json_get_str(p, "role_label")), "boxes", boxes);
        set_text(o, "error", back ? ps->error : NULL);
        json_array_append_new(out, o);
    }
    json_decref(vis);
    return out;
}

/* The information form: what was typed, and the problems next to their
 * fields and listed at the top. */
static json_t *information_form(req *r, json_t *bases, const page_state *ps)
{
    static const struct {
        const char *field, *key, *href;
    } where[] = {
        {"category", "category", "info-category"},
        {"content", "content", "info-content"},
        {"reason", "reason", "info-reason"},
        {"basis", "basis", "info-basis-consent"},
        {"justification", "justification", "info-justification"},
        {"expires_on", "expires_on", "info-expires"},
        {"release_on", "release_on", "info-release"},
        {"visible_to", "sensitive", "info-sensitive"},
    };
    const form *f = typed_form(ps, FORM_INFO);
    json_t *errors = json_object(), *summary = json_array(), *p;
    size_t i;
    json_array_foreach(ps->which && strcmp(ps->which, FORM_INFO) == 0 ? ps->problems : NULL, i, p) {
        const char *field = nz(json_get_str(p, "field")), *key = "category", *href = "info-category";
        for (size_t k = 0; k < COUNT(where); k++)
            if (strcmp(field, where[k].field) == 0) {
                key = where[k].key;
                href = where[k].href;
            }
        add_problem(r, errors, summary, key, href, nz(json_get_str(p, "message")));
    }
    return json_pack("{s:o,s:s,s:b,s:s,s:o,s:s,s:b,s:s,s:s,s:o,s:o,s:b}", "categories",
                     select_options(r, category_ids, COUNT(category_ids), vocab_category, form_get(f, "category")),
                     "content", typed(f, "content"), "withhold", ticked(f, "withhold"), "reason", typed(f, "reason"),
                     "bases", basis_radios(r, bases, "info-basis", form_get(f, "basis")), "justification",
                     typed(f, "justification"), "sensitive", ticked(f, "sensitive"), "expires_on",
                     typed(f, "expires_on"), "release_on", typed(f, "release_on"), "errors", errors, "problems",
                     summary, "has_problems", json_array_size(summary) > 0);
}

/* The coordinator's forms: add an agency, exclude a user, who reads the
 * contact details, close. NULL on a store failure. */
static json_t *coordinator_forms(req *r, json_t *sit, json_t *bases, json_t *active, const page_state *ps)
{
    const char *sid = nz(json_get_str(sit, "id"));
    const form *pf = typed_form(ps, FORM_PARTICIPANT), *xf = typed_form(ps, FORM_EXCLUSION);
    const form *cf = typed_form(ps, FORM_CLOSE);
    agencies_ctx ax = {.r = r, .territory_id = nz(json_get_str(sit, "territory_id")), .chosen = form_get(pf, "agency_id"),
                       .active = active, .options = json_array()};
    users_ctx ux = {.r = r, .sid = sid, .chosen = form_get(xf, "user_id"), .active = active, .options = json_array()};
    if (store_agencies_each(req_db(r), agencies_cb, &ax) != STORE_OK ||
        store_users_each(req_db(r), users_cb, &ux) != STORE_OK || ux.failed) {
        json_decref(ax.options);
        json_decref(ux.options);
        return NULL;
    }
    json_t *contacts = contact_forms(r, sid, json_object_get(sit, "persons"), active, ps);
    if (!contacts) {
        json_decref(ax.options);
        json_decref(ux.options);
        return NULL;
    }
    json_t *part = json_pack("{s:o,s:o,s:s,s:s}", "agencies", ax.options, "bases",
                             basis_radios(r, bases, "part-basis", form_get(pf, "basis")), "justification",
                             typed(pf, "justification"), "ends_on", typed(pf, "ends_on"));
    json_t *excl = json_pack("{s:o,s:s}", "users", ux.options, "reason", typed(xf, "reason"));
    json_t *close = json_pack("{s:o,s:s,s:s,s:O}", "reasons",
                              select_options(r, close_reason_ids, COUNT(close_reason_ids), vocab_close_reason,
                                             form_get(cf, "reason")),
                              "notes", typed(cf, "notes"), "transfer_note", typed(cf, "transfer_note"), "version",
                              json_object_get(sit, "version"));
    /* Every key the template reads is set (see information_groups). */
    set_text(part, "error", form_error(ps, FORM_PARTICIPANT));
    set_text(excl, "error", form_error(ps, FORM_EXCLUSION));
    return json_pack("{s:o,s:o,s:o,s:o}", "participant", part, "exclusion", excl, "contacts", contacts, "close",
                     close);
}

/* Information, agencies taking part, relationships, history and closure
 * for the page; the forms for those who may use them. */
static int sharing_for_page(req *r, json_t *d, json_t *sit, int decider, const page_state *ps)
{
    const char *sid = nz(json_get_str(sit, "id"));
    parts_ctx px = {.r = r, .list = json_array(), .active = json_object()};
    req_today(px.today);
    if (store_participants_each(req_db(r), r->a, sid, parts_cb, &px) != STORE_OK) {
        json_decref(px.list);
        json_decref(px.active);
        return -1;
    }
    json_object_set_new(d, "participants", px.list);
    json_object_set_new(d, "info_groups", information_groups(r, json_object_get(sit, "information")));
    json_object_set_new(d, "relations",
                        relations_for_page(r, json_object_get(sit, "relationships"), json_object_get(sit, "persons")));
    json_object_set_new(d, "history", history_for_page(r, json_object_get(sit, "history")));
    json_t *cl = json_object_get(sit, "closure");
    if (json_is_object(cl))
        json_object_set_new(d, "closure", json_pack("{s:s,s:s,s:s,s:s}", "reason_label",
                                                    req_tr(r, vocab_close_reason(json_get_str(cl, "reason"))), "at",
                                                    nz(json_get_str(cl, "at")), "notes", nz(json_get_str(cl, "notes")), "transfer_note",
                                                    nz(json_get_str(cl, "transfer_note"))));
    int open = strcmp(nz(json_get_str(sit, "status")), "closed") != 0;
    int contributor = open && situation_can(r, sid, VERB_UPDATE);
    json_t *bases = contributor || decider ? legal_bases(r) : json_array();
    if (!bases) {
        json_decref(px.active);
        return -1;
    }
    int rc = 0;
    const char *e = form_error(ps, FORM_CLOSE);
    if (e)
        set_text(d, "close_error", e);
    if (contributor) {
        json_t *info = information_form(r, bases, ps);
        json_object_set_new(info, "consent_given",
                            json_boolean(strcmp(nz(json_get_str(json_object_get(sit, "consent"), "status")), "given") == 0));
        json_object_set_new(d, "info_form", info);
    }
    if (decider && open) {
        json_t *coord = coordinator_forms(r, sit, bases, px.active, ps);
        if (coord)
            json_object_set_new(d, "coord", coord);
        else
            rc = -1;
    }
    json_decref(bases);
    json_decref(px.active);
    return rc;
}

/* The situation page; ps says which form came back refused, with what. */
static int situation_page(req *r, const char *id, const page_state *ps)
{
    int st;
    size_t i;
    json_t *v, *sit = situation_view(r, id, &st);
    if (!sit)
        return st == 404 ? 0 : -1; /* 404: situation_view answered (and recorded) it */
    int decider = situation_can(r, id, VERB_DECIDE);
    set_text(sit, "status_label", LABEL(r, status_labels, json_get_str(sit, "status")));
    set_text(sit, "created_text", date_text(r, json_get_str(sit, "created_at")));
    set_text(sit, "agency", agency_name(r, json_get_str(sit, "referring_agency_id")));
    persons_for_page(r, json_object_get(sit, "persons"));
    assessments_for_page(r, json_object_get(sit, "assessments"), decider);

    json_t *consent = json_object_get(sit, "consent"), *sectors = json_object_get(consent, "excluded_sectors");
    buf ex;
    buf_init(&ex);
    json_array_foreach(sectors, i, v) {
        buf_printf(&ex, "%s%s", i ? ", " : "", req_tr(r, vocab_sector(json_string_value(v))));
    }
    set_text(consent, "excluded_text", buf_cstr(&ex));
    buf_free(&ex);
    set_text(consent, "label", LABEL(r, consent_states, json_get_str(consent, "status")));
    json_t *inc = json_object_get(sit, "incidents_12m");
    if (json_is_integer(inc))
        set_text(sit, "incidents_text", arena_printf(r->a, "%" JSON_INTEGER_FORMAT, json_integer_value(inc)));
    set_text(sit, "basis_label", LABEL(r, basis_labels, json_get_str(sit, "legal_basis")));
    set_text(sit, "basis_explain", LABEL(r, basis_explains, json_get_str(sit, "legal_basis")));
    json_object_set_new(sit, "factors", factor_texts(r, sit));
    json_t *tri = json_object_get(sit, "triage");
    if (json_is_object(tri)) {
        set_text(tri, "route_label", LABEL(r, route_labels, json_get_str(tri, "route")));
        set_text(tri, "at_text", date_text(r, json_get_str(tri, "at")));
    }
    json_t *d = json_pack("{s:o,s:b,s:s}", "sit", sit, "decider", decider, "sid", id);
    if (sharing_for_page(r, d, sit, decider, ps) != 0 || action_pages_section(r, d, id) != 0) {
        json_decref(d);
        return -1;
    }
    if (decider) {
        const form *tf = typed_form(ps, FORM_TRIAGE);
        const char *chosen = val(tf, "route");
        json_object_set_new(d, "triage_form", triage_form(r, sit, chosen, typed(tf, "reason")));
    }
    const char *error = form_error(ps, FORM_TRIAGE);
    if (error)
        set_text(d, "triage_error", error);

    /* Notices after a redirect (flags only: nothing personal in the URL). */
    static const label notice_flags[] = {
        {"sent", N_("The referral has been sent to the coordinator.")},
        {"known", N_("This person is already known to the cell: the coordinator has been told.")},
        {"repeat", N_("This is a repeat: the same victim and person who uses violence were referred less than "
                      "12 months ago.")},
        {"triaged", N_("The triage decision has been recorded.")},
        {"approved", N_("The lower level has been approved.")},
        {"shared", N_("The information has been shared with its legal basis.")},
        {"withheld", N_("Your decision not to share has been recorded, with its reason.")},
        {"participant", N_("The agency now takes part in the situation.")},
        {"excluded", N_("The user is excluded from the situation.")},
        {"contacts", N_("Who may read the contact details has been updated.")},
        {"closed", N_("The situation is closed.")},
    };
    json_t *notices = json_array(), *a, *assessments = json_object_get(sit, "assessments");
    for (size_t k = 0; k < COUNT(notice_flags); k++)
        if (req_query(r, notice_flags[k].id))
            add_text(notices, req_tr(r, notice_flags[k].msgid));
    const char *aid = req_query(r, "assessed");
    json_array_foreach(assessments, i, a) {
        const char *x = json_get_str(a, "id"), *level = json_get_str(json_object_get(a, "badge"), "label");
        if (aid && x && level && strcmp(x, aid) == 0)
            add_text(notices, req_tr1(r, N_("Assessment saved. Level: {1}."), level));
    }
    json_object_set_new(d, "notices", notices);
    return resp_page(r, ps->status, "situation", N_("Situation"), d);
}

/* GET /situations/{id} */
int page_situation(req *r)
{
    page_state ps = {.status = 200};
    return situation_page(r, req_param(r, 0), &ps);
}

/* Puts body (stolen) into the request as the JSON an API handler reads,
 * then runs the handler: the policy, the rules and the stale-version
 * check stay the API's. */
static int call_api(req *r, json_t *body, handler_fn fn)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text)
        return -1;
    buf_reset(&r->body);
    buf_puts(&r->body, text);
    free(text);
    if (r->body.oom)
        return -1;
    return fn(r);
}

/* The message of the API handler's JSON refusal, now in r->out. */
static const char *api_message(req *r)
{
    json_error_t jerr;
    json_t *o = r->out.data ? json_loadb(r->out.data, r->out.len, 0, &jerr) : NULL;
    const char *m = json_string_value(json_object_get(json_object_get(o, "error"), "message"));
    const char *copy = arena_strdup(r->a, m ? m : req_tr(r, BAD_REQUEST_MSG));
    json_decref(o);
    return copy;
}

/* After an API handler ran for a form: 200/201 go to ok_location; a
 * refusal of the rules (422) or a conflict (409) brings the form back with
 * the message and what was typed; anything else was answered already.
 * The API's 422 is JSON whatever the path; its 409 is given as a page
 * here, so conflict_msg says it. */
static int form_answer(req *r, int rc, const char *sid, const char *which, const form *f, const char *person,
                       const char *ok_location, const char *conflict_msg)
{
    if (rc != 0)
        return rc;
    if (r->status == 200 || r->status == 201)
        return resp_redirect(r, ok_location);
    if (r->status != 409 && r->status != 422)
        return 0; /* 403, 404, 400: answered by the API handler, as a page */
    page_state ps = {.status = r->status, .which = which, .f = f, .person = person,
                     .error = r->status == 409 && conflict_msg ? req_tr(r, conflict_msg) : api_message(r)};
    return situation_page(r, sid, &ps);
}

/* POST /situations/{id}/triage: the form becomes api_triage's JSON body. */
int page_situation_triage(req *r)
{
    const char *id = req_param(r, 0);
    form f;
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", BAD_REQUEST_MSG);
    const char *chosen = val(&f, "route"), *ver = val(&f, "version");
    json_t *b = json_pack("{s:s}", "reason", typed(&f, "reason"));
    if (chosen)
        json_object_set_new(b, "route", json_string(chosen));
    if (ver)
        json_object_set_new(b, "version", number_json(ver));
    int rc = call_api(r, b, api_triage);
    if (rc != 0)
        return rc;
    if (r->status == 200)
        return resp_redirect(r, arena_printf(r->a, "/situations/%s?triaged=1", id));
    if (r->status != 409 && r->status != 422)
        return 0; /* 403, 404, 400: answered by api_triage */
    page_state ps = {.status = r->status, .which = FORM_TRIAGE, .f = &f,
                     .error = req_tr(r, r->status == 409
                                            ? N_("Someone changed this situation while you were deciding. Check it "
                                                 "again below: your reason is kept, send it again to confirm.")
                                            : N_("Choose a route and give the reason for it."))};
    return situation_page(r, id, &ps);
}

/* The body information_create reads, from the form. Withholding sends the
 * reason, never the content. */
static json_t *information_body(const form *f)
{
    json_t *b = json_object();
    const char *v;
    int withhold = ticked(f, "withhold");
    if ((v = val(f, "category")))
        json_object_set_new(b, "category", json_string(v));
    if (withhold) {
        json_object_set_new(b, "shared", json_false());
        if ((v = val(f, "reason")))
            json_object_set_new(b, "reason", json_string(v));
    } else {
        if ((v = val(f, "content")))
            json_object_set_new(b, "content", json_string(v));
        if ((v = val(f, "basis")))
            json_object_set_new(b, "basis", json_string(v));
    }
    if ((v = val(f, "justification")))
        json_object_set_new(b, "justification", json_string(v));
    if (ticked(f, "sensitive"))
        json_object_set_new(b, "sensitive", json_true());
    if ((v = val(f, "expires_on")))
        json_object_set_new(b, "expires_on", json_string(v));
    if ((v = val(f, "release_on")))
        json_object_set_new(b, "release_on", json_string(v));
    return b;
}

/* POST /situations/{id}/information: for those who may contribute (as
 * POST .../information in the API); information_create decides. */
int page_information_add(req *r)
{
    const char *sid = req_param(r, 0);
    form f;
    json_t *out = NULL;
    if (!situation_can(r, sid, VERB_UPDATE))
        return situation_not_visible(r, sid);
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", BAD_REQUEST_MSG);
    json_t *body = information_body(&f), *problems = json_array();
    int rc = body && problems ? information_create(r, sid, body, problems, &out) : -1;
    json_decref(body);
    if (rc == -2) {
        page_state ps = {.status = 422, .which = FORM_INFO, .f = &f, .problems = problems};
        rc = situation_page(r, sid, &ps);
        json_decref(problems);
        return rc;
    }
    json_decref(problems);
    if (rc != 0 || !out) {
        json_decref(out);
        return -1;
    }
    int shared = json_is_true(json_object_get(out, "shared"));
    json_decref(out);
    return resp_redirect(r, arena_printf(r->a, "/situations/%s?%s=1#information", sid, shared ? "shared" : "withheld"));
}

/* POST /situations/{id}/participants: the coordinator adds an agency
 * (api_participant_add). */
int page_participant_add(req *r)
{
    const char *sid = req_param(r, 0);
    form f;
    const char *v;
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", BAD_REQUEST_MSG);
    json_t *b = json_object();
    static const char *const keys[] = {"agency_id", "basis", "justification", "ends_on"};
    for (size_t i = 0; i < COUNT(keys); i++)
        if ((v = val(&f, keys[i])))
            json_object_set_new(b, keys[i], json_string(v));
    return form_answer(r, call_api(r, b, api_participant_add), sid, FORM_PARTICIPANT, &f, NULL,
                       arena_printf(r->a, "/situations/%s?participant=1#participants", sid), NULL);
}

/* POST /situations/{id}/exclusions: the coordinator excludes a named user
 * (api_exclusion_add). */
int page_exclusion_add(req *r)
{
    const char *sid = req_param(r, 0);
    form f;
    const char *v;
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", BAD_REQUEST_MSG);
    json_t *b = json_object();
    if ((v = val(&f, "user_id")))
        json_object_set_new(b, "user_id", json_string(v));
    if ((v = val(&f, "reason")))
        json_object_set_new(b, "reason", json_string(v));
    return form_answer(r, call_api(r, b, api_exclusion_add), sid, FORM_EXCLUSION, &f, NULL,
                       arena_printf(r->a, "/situations/%s?excluded=1#coordination", sid),
                       N_("This user is already excluded from the situation."));
}

/* POST /situations/{id}/persons/{person}/contact-visibility: the agencies
 * ticked may read the person's contact details (api_contact_visibility). */
int page_contact_visibility(req *r)
{
    const char *sid = req_param(r, 0), *pid = req_param(r, 1);
    form f;
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", BAD_REQUEST_MSG);
    json_t *list = json_array();
    for (size_t i = 0; i < f.n; i++)
        if (strcmp(f.fields[i].name, "agency") == 0 && *f.fields[i].value)
            json_array_append_new(list, json_string(f.fields[i].value));
    return form_answer(r, call_api(r, json_pack("{s:o}", "visible_to", list), api_contact_visibility), sid,
                       FORM_CONTACT, &f, pid, arena_printf(r->a, "/situations/%s?contacts=1#coordination", sid),
                       NULL);
}

/* POST /situations/{id}/close: the coordinator closes (api_situation_close);
 * a stale version comes back with the notes kept. */
int page_situation_close(req *r)
{
    const char *sid = req_param(r, 0);
    form f;
    const char *v;
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", BAD_REQUEST_MSG);
    json_t *b = json_object();
    if ((v = val(&f, "reason")))
        json_object_set_new(b, "reason", json_string(v));
    if ((v = val(&f, "version")))
        json_object_set_new(b, "version", number_json(v));
    if ((v = val(&f, "notes")))
        json_object_set_new(b, "notes", json_string(v));
    if ((v = val(&f, "transfer_note")))
        json_object_set_new(b, "transfer_note", json_string(v));
    return form_answer(r, call_api(r, b, api_situation_close), sid, FORM_CLOSE, &f, NULL,
                       arena_printf(r->a, "/situations/%s?closed=1", sid),
                       N_("Someone changed this situation since you opened it, or it is already closed. Check it "
                          "again below: what you wrote is kept, send it again to confirm."));
}

/* POST /situations/{id}/assessments/{aid}/approve: api_assessment_approve
 * checks and records; the page goes back to the situation. */
int page_assessment_approve(req *r)
{
    int rc = api_assessment_approve(r);
    if (rc != 0)
        return rc;
    if (r->status == 200)
        return resp_redirect(r, arena_printf(r->a, "/situations/%s?approved=1", req_param(r, 0)));
    return 0;
}

/* ----------------------------------------------------- the assessment */

/* As the API: not visible is not found (an excluded user's attempt is
 * flagged to the coordinator by situation_not_visible). */
static int assess_refused(req *r, const char *sid)
{
    return situation_not_visible(r, sid);
}

/* The instruments to choose from. */
static int instrument_choice_page(req *r, const char *sid)
{
    json_t *list = json_array();
    for (size_t i = 0; i < instrument_set_count(r->app->instruments); i++) {
        const instrument *ins = instrument_set_latest(r->app->instruments, i);
        json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:i}", "href",
                                              arena_printf(r->a, "/situations/%s/assess?instrument=%s", sid, ins->id),
                                              "title", instrument_text_get(&ins->title, r->lang), "about",
                                              instrument_text_get(&ins->about, r->lang), "items", (int)ins->nitems));
    }
    return resp_page(r, 200, "assess", N_("Risk assessment"), json_pack("{s:s,s:o}", "sid", sid, "instruments", list));
}

/* The result of assessment_score for the page. */
static json_t *result_json(req *r, const instrument *ins, const assessment_result *res)
{
    json_t *crit = json_array();
    for (size_t i = 0; i < res->ncritical; i++) {
        int k = instrument_item_index(ins, res->critical_items[i]);
        if (k >= 0)
            json_array_append_new(crit, json_string(instrument_text_get(&ins->items[k].text, r->lang)));
    }
    const char *names[CRIT_COUNT];
    size_t nn = assessment_criteria_names(res->criteria, names, CRIT_COUNT);
    json_t *ids = json_array();
    for (size_t i = 0; i < nn; i++)
        json_array_append_new(ids, json_string(names[i]));
    json_t *o = json_pack("{s:i,s:i,s:i,s:i,s:i,s:o,s:o,s:o,s:b,s:b,s:o}", "score", res->score, "yes", res->yes,
                          "no", res->no, "unknown", res->unknown, "unanswered", res->unanswered, "badge",
                          level_badge(r, ins->id, ins->version, res->level), "computed",
                          level_badge(r, ins->id, ins->version, res->computed_level), "critical", crit, "lowered",
                          res->lowered, "refer", res->refer, "criteria_labels", criteria_texts(r, ids));
    json_decref(ids);
    return o;
}

/* "Compute" without saving: the same scoring rule as assessment_create,
 * for a page without JavaScript. Problems go into problems. */
static json_t *assess_preview(req *r, const char *sid, const instrument *ins, json_t *body, json_t *problems)
{
    answer answers[INSTRUMENT_MAX_ITEMS];
    char err[256];
    store_situation s;
    store_territory_settings ts;
    assessment_result res;
    if (instrument_answers_from_json(ins, json_object_get(body, "answers"), answers, err, sizeof(err)) != 0) {
        json_array_append_new(problems, json_pack("{s:s,s:s}", "field", "answers", "message",
                                                  req_tr1(r, N_("These answers do not fit the instrument: {1}"), err)));
        return NULL;
    }
    json_t *inc = json_object_get(body, "incidents_12m");
    if (inc && (!json_is_integer(inc) || json_integer_value(inc) < 0 || json_integer_value(inc) > 1000)) {
        json_array_append_new(problems, json_pack("{s:s,s:s}", "field", "incidents_12m", "message",
                                                  req_tr(r, N_("Give a number of incidents, 0 or more."))));
        return NULL;
    }
    store_conn *c = req_db(r);
    if (!c || store_situation_get(c, r->a, sid, &s) != STORE_OK ||
        store_territory_settings_get(c, s.territory_id, &ts) != STORE_OK)
        return NULL;
    const char *jl = json_string_value(json_object_get(json_object_get(body, "judgement"), "level"));
    assessment_input in = {.ins = ins, .version = ins->version, .answers = answers,
                           .judgement_level = jl && instrument_level_rank(ins, jl) >= 0 ? jl : NULL,
                           .incidents_12m = inc ? (int)json_integer_value(inc) : s.incidents_12m,
                           .escalation_threshold = ts.escalation_threshold, .is_repeat = s.repeat_of != NULL};
    if (assessment_score(&in, &res, err, sizeof(err)) != 0)
        return NULL;
    return result_json(r, ins, &res);
}

static const char *answer_field(req *r, const instrument_item *it)
{
    return arena_printf(r->a, "a_%s", it->id);
}

/* The API's assessment body from the form. */
static json_t *assess_body(req *r, const form *f, const instrument *ins)
{
    json_t *b = json_pack("{s:s,s:i}", "instrument", ins->id, "instrument_version", ins->version);
    json_t *ans = json_object();
    for (size_t i = 0; i < ins->nitems; i++) {
        const char *v = val(f, answer_field(r, &ins->items[i]));
        if (v)
            json_object_set_new(ans, ins->items[i].id, json_string(v));
    }
    json_object_set_new(b, "answers", ans);
    const char *v = val(f, "incidents_12m");
    if (v)
        json_object_set_new(b, "incidents_12m", number_json(v));
    const char *jl = val(f, "judgement_level"), *jr = val(f, "judgement_reason");
    if (jl || jr)
        json_object_set_new(b, "judgement", json_pack("{s:s,s:s}", "level", jl ? jl : "", "reason", jr ? jr : ""));
    return b;
}

/* The one-screen assessment: every item grouped by section, answered
 * with radios; f holds what was typed, result the server's preview. */
static int assess_page(req *r, int status, const char *sid, const instrument *ins, const form *f, json_t *result,
                       json_t *problems)
{
    json_t *groups = json_array(), *levels = json_array(), *levels_js = json_array();
    form empty = {0};
    if (!f)
        f = &empty;
    /* Sections in order, then items without a section (or all of them). */
    size_t ngroups = ins->nsections + 1, number = 0;
    for (size_t g = 0; g < ngroups; g++) {
        const char *sec = g < ins->nsections ? ins->sections[g].id : NULL;
        json_t *items = json_array();
        for (size_t i = 0; i < ins->nitems; i++) {
            const instrument_item *it = &ins->items[i];
            if ((sec == NULL) != (it->section == NULL) || (sec && strcmp(sec, it->section) != 0))
                continue;
            const char *name = answer_field(r, it), *chosen = typed(f, name);
            json_array_append_new(items, json_pack("{s:s,s:s,s:i,s:s,s:b,s:i,s:b,s:b,s:b}", "id", it->id, "name",
                                                   name, "n", (int)++number, "text",
                                                   instrument_text_get(&it->text, r->lang), "critical", it->critical,
                                                   "weight", it->weight, "yes", strcmp(chosen, "yes") == 0, "no",
                                                   strcmp(chosen, "no") == 0, "unknown",
                                                   strcmp(chosen, "unknown") == 0));
        }
        if (json_array_size(items) == 0) {
            json_decref(items);
            continue;
        }
        const char *heading = sec ? instrument_text_get(&ins->sections[g].title, r->lang) : req_tr(r, N_("Questions"));
        json_t *grp = json_pack("{s:o,s:s,s:s}", "items", items, "id", arena_printf(r->a, "group-%zu", g), "heading",
                                heading);
        json_array_append_new(groups, grp);
    }
    const char *jl = typed(f, "judgement_level");
    for (size_t i = 0; i < ins->nlevels; i++) {
        const char *text = instrument_text_get(&ins->levels[i].label, r->lang);
        json_array_append_new(levels, json_pack("{s:s,s:s,s:b}", "id", ins->levels[i].id, "label", text, "selected",
                                                strcmp(jl, ins->levels[i].id) == 0));
        json_array_append_new(levels_js, json_pack("{s:s,s:i,s:s}", "id", ins->levels[i].id, "min",
                                                   ins->levels[i].min, "label", text));
    }
    char *lj = json_dumps(levels_js, JSON_COMPACT);
    json_decref(levels_js);
    if (!lj) {
        json_decref(groups);
        json_decref(levels);
        return -1;
    }
    json_t *ins_j = json_pack("{s:s,s:i,s:s,s:s,s:i,s:s,s:s,s:b}", "id", ins->id, "version", ins->version, "title",
                              instrument_text_get(&ins->title, r->lang), "about",
                              instrument_text_get(&ins->about, r->lang), "nitems", (int)ins->nitems, "levels_json",
                              lj, "critical_level", ins->levels[ins->critical_rank].id, "weighted",
                              ins->method == INSTRUMENT_WEIGHTED);
    free(lj);
    /* Problems: at the top, and next to their field. */
    json_t *errors = json_object(), *summary = json_array(), *p;
    size_t i;
    const char *first = ins->nitems ? arena_printf(r->a, "%s-yes", answer_field(r, &ins->items[0])) : "items";
    json_array_foreach(problems, i, p) {
        const char *field = json_string_value(json_object_get(p, "field"));
        const char *msg = json_string_value(json_object_get(p, "message"));
        const char *key = "items", *href = first;
        if (field && strcmp(field, "judgement.level") == 0)
            key = href = "judgement_level";
        else if (field && strcmp(field, "judgement.reason") == 0)
            key = href = "judgement_reason";
        else if (field && strcmp(field, "incidents_12m") == 0)
            key = href = "incidents_12m";
        add_problem(r, errors, summary, key, href, msg ? msg : "");
    }
    json_t *d = json_pack("{s:s,s:o,s:o,s:o,s:s,s:s,s:o,s:o,s:b}", "sid", sid, "ins", ins_j, "groups", groups,
                          "levels", levels, "incidents_12m", typed(f, "incidents_12m"), "judgement_reason",
                          typed(f, "judgement_reason"), "errors", errors, "problems", summary, "has_problems",
                          json_array_size(summary) > 0);
    if (result)
        json_object_set_new(d, "result", result);
    return resp_page(r, status, "assess", N_("Risk assessment"), d);
}

/* GET /situations/{id}/assess[?instrument=ID]: for those who may
 * contribute to the situation (as POST .../assessments in the API). */
int page_assess(req *r)
{
    const char *sid = req_param(r, 0);
    if (!situation_can(r, sid, VERB_UPDATE))
        return assess_refused(r, sid);
    const char *iid = req_query(r, "instrument");
    if (!iid || !*iid)
        return instrument_choice_page(r, sid);
    const instrument *ins = instrument_set_find(r->app->instruments, iid, 0);
    if (!ins)
        return resp_error(r, 404, "not_found", NOT_FOUND_MSG);
    return assess_page(r, 200, sid, ins, NULL, NULL, NULL);
}

/* POST /situations/{id}/assess: action=compute shows the server's result
 * without saving; otherwise assessment_create scores and saves. */
int page_assess_post(req *r)
{
    const char *sid = req_param(r, 0);
    form f;
    json_t *out = NULL;
    if (!situation_can(r, sid, VERB_UPDATE))
        return assess_refused(r, sid);
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", BAD_REQUEST_MSG);
    const char *ver = val(&f, "instrument_version");
    char *end = NULL;
    long version = ver ? strtol(ver, &end, 10) : 0;
    const instrument *ins = ver && end && *end == '\0' && version > 0 && version <= INSTRUMENT_MAX_VERSION
                                ? instrument_set_find(r->app->instruments, typed(&f, "instrument"), (int)version)
                                : NULL;
    if (!ins)
        return resp_error(r, 400, "bad_request", BAD_REQUEST_MSG);
    json_t *body = assess_body(r, &f, ins), *problems = json_array();
    const char *action = form_get(&f, "action");
    if (action && strcmp(action, "compute") == 0) {
        json_t *res = assess_preview(r, sid, ins, body, problems);
        json_decref(body);
        int rc = res || json_array_size(problems)
                     ? assess_page(r, json_array_size(problems) ? 422 : 200, sid, ins, &f, res, problems)
                     : -1;
        json_decref(problems);
        return rc;
    }
    int rc = assessment_create(r, sid, body, problems, &out);
    json_decref(body);
    if (rc == -2) {
        rc = assess_page(r, 422, sid, ins, &f, NULL, problems);
        json_decref(problems);
        return rc;
    }
    json_decref(problems);
    if (rc != 0 || !out) {
        json_decref(out);
        return -1;
    }
    const char *aid = arena_strdup(r->a, json_string_value(json_object_get(out, "id")));
    json_decref(out);
    if (forget_draft(r, arena_printf(r->a, "assess-%s-%s", sid, ins->id)) != 0)
        return -1;
    return resp_redirect(r, arena_printf(r->a, "/situations/%s?assessed=%s", sid, aid));
}

/* ------------------------------------------------------ triage queue */

/* GET /triage: the territory's coordinators only (403 for anyone else). */
int page_triage(req *r)
{
    policy_target t = {.type = OBJ_TRIAGE, .territory_id = r->agency.territory_id};
    if (!auth_allow(r, VERB_LIST, &t, 0))
        return 0;
    json_t *q = triage_queue(r);
    if (!q || auth_audit(r, "read", "triage_queue", "", "") != 0) {
        json_decref(q);
        return -1;
    }
    size_t i;
    json_t *e;
    json_array_foreach(q, i, e) {
        const char *level = json_get_str(e, "level");
        set_text(e, "created_text", date_text(r, json_get_str(e, "created_at")));
        set_text(e, "waiting_text", waiting_text(r, (long)json_integer_value(json_object_get(e, "waiting_minutes"))));
        if (level)
            json_object_set_new(e, "badge", level_badge(r, json_get_str(e, "instrument"), 0, level));
        json_object_set_new(e, "criteria_labels", criteria_texts(r, json_object_get(e, "criteria")));
        set_text(e, "route_label", LABEL(r, route_labels, json_get_str(e, "suggested_route")));
    }
    return resp_page(r, 200, "triage", N_("Triage queue"), json_pack("{s:o}", "queue", q));
}

/* ------------------------------------------------------ alerts page */

/* GET /alerts: the caller's alerts (what GET /api/v1/alerts lists for
 * them), grouped by kind, the most pressing first, each with a link to its
 * situation; no personal data, as in the API. The read is audited. */
int page_alerts(req *r)
{
    policy_target refer = {.type = OBJ_REFERRAL, .territory_id = r->agency.territory_id};
    int cell = policy_check(&r->who, VERB_CREATE, &refer);
    policy_target triage = {.type = OBJ_TRIAGE, .territory_id = r->agency.territory_id};
    int coordinator = policy_check(&r->who, VERB_DECIDE, &triage);
    json_t *list = alerts_of(r);
    if (!list || auth_audit(r, "read", "alert_list", "", "") != 0) {
        json_decref(list);
        return -1;
    }
    size_t n = 0;
    while (alert_kinds[n])
        n++;
    json_t **by = calloc(n + 1, sizeof(*by)), *groups = json_array(), *al;
    if (!by) {
        json_decref(list);
        json_decref(groups);
        return -1;
    }
    size_t i;
    json_array_foreach(list, i, al) {
        const char *kind = nz(json_get_str(al, "kind")), *sid = nz(json_get_str(al, "situation_id"));
        const char *meeting = json_get_str(al, "meeting_id"), *since = json_get_str(al, "since");
        size_t k = alert_kind_rank(kind);
        if (k > n)
            k = n;
        if (!by[k])
            by[k] = json_pack("{s:s,s:s,s:s,s:[]}", "kind", kind, "label", req_tr(r, alert_kind_label(kind)), "help",
                              *alert_kind_help(kind) ? req_tr(r, alert_kind_help(kind)) : "", "alerts");
        json_t *o;
        if (meeting && *meeting) {
            o = json_pack("{s:s,s:s}", "href", arena_printf(r->a, "/meetings/%s", meeting), "link_text",
                          req_tr(r, N_("Open the meeting")));
        } else {
            store_situation st;
            const char *text = req_tr(r, N_("Open the situation"));
            if (store_situation_get(req_db(r), r->a, sid, &st) == STORE_OK)
                text = req_tr1(r, N_("Situation referred on {1}"), date_text(r, st.created_at));
            o = json_pack("{s:s,s:s}", "href", arena_printf(r->a, "/situations/%s", sid), "link_text", text);
        }
        if (since && *since) {
            json_object_set_new(o, "since", json_string(since));
            json_object_set_new(o, "since_text", json_string(date_text(r, since)));
        }
        /* A stored alert stays until the coordinator has dealt with it;
         * a computed one ends with its cause. */
        const char *aid = nz(json_get_str(al, "id"));
        if (coordinator && id_valid(aid))
            json_object_set_new(o, "resolve_action", json_string(arena_printf(r->a, "/alerts/%s/resolve", aid)));
        json_array_append_new(json_object_get(by[k], "alerts"), o);
    }
    json_decref(list);
    for (size_t k = 0; k <= n; k++) {
        if (!by[k])
            continue;
        json_t *g = by[k];
        size_t count = json_array_size(json_object_get(g, "alerts"));
        json_object_set_new(g, "heading_id", json_string(arena_printf(r->a, "alerts-%zu", k)));
        json_object_set_new(g, "count", json_string(arena_printf(r->a, "%zu", count)));
        json_array_append_new(groups, g);
    }
    free(by);
    return resp_page(r, 200, "alerts", N_("Alerts"),
                     json_pack("{s:o,s:b,s:b,s:b}", "groups", groups, "has_alerts", json_array_size(groups) > 0,
                               "no_content", !cell, "resolved", req_query(r, "resolved") != NULL));
}

/* POST /alerts/{id}/resolve: the coordinator's "dealt with" button. */
int page_alert_resolve(req *r)
{
    int rc = api_alert_resolve(r);
    if (rc != 0)
        return rc;
    if (r->status == 200)
        return resp_redirect(r, "/alerts?resolved=1");
    return 0;
}

/* ------------------------------------------- the disclosure register */

/* Appends s percent-encoded for a query string. */
static void query_append(buf *b, const char *name, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    buf_printf(b, "%s%s=", b->len ? "&" : "", name);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '_' || *p == '.' || *p == '~') {
            buf_putc(b, (char)*p);
        } else {
            buf_putc(b, '%');
            buf_putc(b, hex[*p >> 4]);
            buf_putc(b, hex[*p & 15]);
        }
    }
}

/* The filled filters as a query string ("" when none). */
static const char *filters_query(req *r, const char *const names[3], const char *const values[3])
{
    buf b;
    buf_init(&b);
    for (int i = 0; i < 3; i++)
        if (values[i] && *values[i])
            query_append(&b, names[i], values[i]);
    const char *q = b.oom ? NULL : arena_strdup(r->a, buf_cstr(&b));
    buf_free(&b);
    return q;
}

/* "Police, Justice" from an array of sector ids. */
static const char *sector_list(req *r, json_t *ids)
{
    buf b;
    json_t *v;
    size_t i;
    buf_init(&b);
    json_array_foreach(ids, i, v) {
        buf_printf(&b, "%s%s", i ? ", " : "", req_tr(r, vocab_sector(json_string_value(v))));
    }
    const char *s = arena_strdup(r->a, b.oom ? "" : buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* One row of api_disclosures for the page: labels, agency names. */
static json_t *register_row(req *r, json_t *x)
{
    int shared = json_is_true(json_object_get(x, "shared"));
    json_t *with = json_object_get(x, "with"), *v;
    const char *with_text;
    size_t i;
    if (!shared) {
        with_text = req_tr(r, N_("Nobody: not shared"));
    } else if (json_is_array(with)) {
        buf b;
        buf_init(&b);
        json_array_foreach(with, i, v) {
            buf_printf(&b, "%s%s", i ? ", " : "", agency_name(r, json_string_value(v)));
        }
        with_text = arena_strdup(r->a, b.oom ? "" : buf_cstr(&b));
        buf_free(&b);
    } else {
        with_text = req_tr(r, N_("All participants"));
    }
    const char *except = sector_list(r, json_object_get(x, "except_sectors"));
    const char *why = json_get_str(x, shared ? "justification" : "reason");
    return json_pack("{s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:s,s:s}", "at", nz(json_get_str(x, "at")), "situation_id",
                     nz(json_get_str(x, "situation_id")), "category_label",
                     req_tr(r, vocab_category(json_get_str(x, "category"))), "shared", shared, "by_agency",
                     nz(json_get_str(x, "by_agency")), "basis_label", shared ? req_tr(r, vocab_basis(json_get_str(x, "basis"))) : "",
                     "with_text", with_text, "except_text",
                     shared && *except ? req_tr1(r, N_("except: {1}"), except) : "", "why", nz(why));
}

/* GET /disclosures[?situation_id=&from=&to=]: the register of what was
 * shared (and withheld), by whom, with whom, when, on what basis - for the
 * territory's coordinators and the auditors, as GET /api/v1/disclosures,
 * whose answer it shows. Never any content. */
int page_disclosures(req *r)
{
    static const char *const names[3] = {"situation_id", "from", "to"};
    const char *values[3];
    int y, m, d, blank = req_query(r, "format") != NULL;
    policy_target t = {.type = OBJ_REGISTER, .territory_id = r->agency.territory_id};
    if (!auth_allow(r, VERB_LIST, &t, 0))
        return 0;
    for (int i = 0; i < 3; i++) {
        values[i] = req_query(r, names[i]);
        blank |= values[i] && !*values[i];
    }
    const char *q = filters_query(r, names, values);
    if (!q)
        return -1;
    /* The filter form sends every field, filled or not: ask again with
     * the filled ones only, so the address says what is shown. */
    if (blank)
        return resp_redirect(r, arena_printf(r->a, "/disclosures%s%s", *q ? "?" : "", q));
    json_t *filters = json_pack("{s:s,s:s,s:s}", "situation_id", nz(values[0]), "from", nz(values[1]), "to",
                                nz(values[2]));
    json_t *data = json_pack("{s:o,s:s}", "filters", filters, "csv_href",
                             arena_printf(r->a, "/api/v1/disclosures?format=csv%s%s", *q ? "&" : "", q));
    json_t *errors = json_object();
    for (int i = 1; i < 3; i++)
        if (values[i] && date_parse(values[i], &y, &m, &d) != 0)
            set_text(errors, names[i], req_tr(r, N_("Give dates as YYYY-MM-DD.")));
    json_object_set_new(data, "errors", errors);
    if (json_object_size(errors)) {
        json_object_set_new(data, "rows", json_array());
        return resp_page(r, 400, "register", N_("Disclosure register"), data);
    }
    int rc = api_disclosures(r);
    if (rc != 0 || r->status != 200) {
        json_decref(data);
        return rc;
    }
    json_error_t jerr;
    json_t *got = json_loadb(r->out.data, r->out.len, 0, &jerr), *rows = json_array(), *x;
    size_t i;
    if (!got) {
        json_decref(data);
        json_decref(rows);
        return -1;
    }
    json_array_foreach(json_object_get(got, "disclosures"), i, x) {
        json_array_append_new(rows, register_row(r, x));
    }
    json_decref(got);
    json_object_set_new(data, "rows", rows);
    json_object_set_new(data, "filtered", json_boolean(*q != '\0'));
    return resp_page(r, 200, "register", N_("Disclosure register"), data);
}
