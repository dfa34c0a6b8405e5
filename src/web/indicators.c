/*
 * indicators.c - a territory's indicators (issue 7): GET /api/v1/indicators
 * (JSON), the /indicators page with its tables and charts, the CSV export
 * of every table (/indicators/{table}.csv) and the printable annual report
 * (/indicators/report).
 *
 * Who may: the access policy (OBJ_INDICATORS): the territory's
 * coordinators and auditors, an admin any territory or all of them
 * (territory=all). Every reading and export is recorded before any figure
 * is shown.
 *
 * Scope: territory (an id or "all"; by default one's own territory, all
 * for an admin), and a period: year=YYYY, or from and to (YYYY-MM-DD, both
 * inclusive); by default the current year. Days are UTC days, like the
 * times stored.
 *
 * What is published: the store counts (store/indicators.c, counts and
 * durations only); core/indicators.c computes the percentiles and rates
 * and decides what is suppressed. The JSON answer carries the raw counts
 * (for those the policy lets read them) and says which cells are
 * suppressed; the page, the CSV and the report show "<5" in their place.
 */
#include "web/indicators.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/dates.h"
#include "core/indicators.h"
#include "core/svgchart.h"
#include "lib/i18n.h"
#include "lib/id.h"
#include "store/indicators.h"
#include "store/situations.h"
#include "web/auth.h"
#include "web/evaluations.h"
#include "web/vocab.h"

#define UK_NORM_PER_10000 40
#define MAX_DAYS (366 * 10)

typedef struct label {
    const char *id, *msgid;
} label;

static const char *find_label(const label *l, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(l[i].id, id) == 0)
            return l[i].msgid;
    return id;
}
#define LABEL_FN(name, table)                                                                                          \
    static const char *name(const char *id)                                                                            \
    {                                                                                                                  \
        return find_label(table, sizeof(table) / sizeof(table[0]), id);                                                \
    }

static const label levels[] = {
    {"not_assessed", N_("Not assessed")}, {"standard", N_("Standard")}, {"medium", N_("Medium")},
    {"moderate", N_("Moderate")},         {"aggravated", N_("Aggravated")}, {"high", N_("High")},
    {"imminent", N_("Imminent")},
};
static const label criteria[] = {
    {"visible_high_risk", N_("Visible high risk")},
    {"professional_judgement", N_("Professional judgement")},
    {"potential_escalation", N_("Potential escalation")},
    {"repeat", N_("Repeat within 12 months")},
    {"critical_item", N_("Critical risk factor")},
};
static const label routes[] = {
    {"not_triaged", N_("Not triaged yet")},
    {"urgent_cell", N_("Urgent cell")},
    {"conference", N_("Scheduled conference")},
    {"clinical_concertation", N_("Clinical concertation")},
    {"single_agency", N_("Single-agency follow-up with advice")},
    {"not_retained", N_("Not retained")},
};
static const label repeats[] = {{"first", N_("First referral")}, {"repeat", N_("Repeat referral")}};
static const label summary[] = {
    {"referrals", N_("Referrals")},
    {"children", N_("Children covered")},
    {"open_at_end", N_("Situations open at the end of the period")},
    {"meetings_held", N_("Meetings held")},
};
static const label quorum[] = {{"met", N_("Quorum met")}, {"not_met", N_("Quorum not met")}};
static const label done[] = {
    {"on_time", N_("Done on time")}, {"late", N_("Done late")}, {"no_due_date", N_("Done, no due date")}};
static const label target[] = {{"within", N_("Within the target")}, {"beyond", N_("Beyond the target")}};
LABEL_FN(level_label, levels)
LABEL_FN(criterion_label, criteria)
LABEL_FN(route_label, routes)
LABEL_FN(repeat_label, repeats)
LABEL_FN(summary_label, summary)
LABEL_FN(quorum_label, quorum)
LABEL_FN(done_label, done)
LABEL_FN(target_label, target)
static const char *month_label(const char *id)
{
    return id;
}
/* Agencies and territories are named from the store (figures.names); the
 * id otherwise. */
static const char *agency_label(const char *id)
{
    return id;
}
static const char *territory_label(const char *id)
{
    return id;
}

#define IDS(table) table, sizeof(table) / sizeof(table[0])
static const label sectors[] = {
    {"police", ""},       {"shelter", ""},         {"child_protection", ""},      {"health", ""},
    {"mental_health", ""}, {"addiction", ""},      {"justice", ""},               {"probation", ""},
    {"victim_support", ""}, {"perpetrator_programme", ""}, {"legal_aid", ""}, {"social_services", ""},
    {"housing", ""},      {"immigration", ""},     {"education", ""},             {"other", ""},
};
static const label phases[] = {
    {"first_contact_safety", ""}, {"risk_assessment_safety_plan", ""}, {"protective_orders", ""},
    {"child_protection", ""},     {"perpetrator_monitoring", ""},      {"relocation", ""},
    {"long_term_recovery", ""},
};
static const label statuses[] = {
    {"planned", ""}, {"in_progress", ""}, {"done", ""}, {"cancelled", ""}, {"blocked", ""}};
static const label reasons[] = {
    {"risk_reduced", ""}, {"relocated", ""}, {"unreachable", ""}, {"moved_out_of_territory", ""}, {"other", ""}};

enum { CHART_NONE, CHART_BARS, CHART_LINE };

/* One published table: its id (the CSV's name), title, keys and labels. */
typedef struct tspec {
    const char *id;
    const char *title; /* msgid */
    const label *keys; /* NULL: the months of the period, or (agency_label) the keys found */
    size_t nkeys;
    const char *(*label_of)(const char *id); /* msgid of a key */
    int has_total;
    int omit_zero; /* long lists (sectors, levels): rows with 0 left out */
    int chart;
} tspec;

static const tspec specs[] = {
    {"summary", N_("Main counts"), IDS(summary), summary_label, 0, 0, CHART_NONE},
    {"referrals_by_month", N_("Referrals by month"), NULL, 0, month_label, 1, 0, CHART_LINE},
    {"referrals_by_sector", N_("Referrals by referring agency's sector"), IDS(sectors), vocab_sector, 1, 1, CHART_BARS},
    {"referrals_by_agency", N_("Referrals by referring agency"), NULL, 0, agency_label, 1, 1, CHART_BARS},
    {"referrals_by_territory", N_("Referrals by territory"), NULL, 0, territory_label, 1, 1, CHART_BARS},
    {"repeat", N_("First and repeat referrals"), IDS(repeats), repeat_label, 1, 0, CHART_NONE},
    {"risk_levels", N_("Risk level at the latest assessment"), IDS(levels), level_label, 1, 1, CHART_BARS},
    {"risk_criteria", N_("Referral criteria at the latest assessment"), IDS(criteria), criterion_label, 0, 0,
     CHART_BARS},
    {"triage_routes", N_("Triage routes"), IDS(routes), route_label, 1, 0, CHART_BARS},
    {"first_meeting_target", N_("First meeting against the territory's target"), IDS(target), target_label, 1, 0,
     CHART_NONE},
    {"quorum", N_("Meetings held and their quorum"), IDS(quorum), quorum_label, 1, 0, CHART_NONE},
    {"invitations_by_sector", N_("Invitations to meetings held, by sector"), IDS(sectors), vocab_sector, 1, 1,
     CHART_NONE},
    {"attendance_by_sector", N_("Attendance at meetings held, by sector"), IDS(sectors), vocab_sector, 1, 1,
     CHART_BARS},
    {"actions_by_phase", N_("Actions created, by phase"), IDS(phases), vocab_phase, 1, 0, CHART_BARS},
    {"actions_by_owner_sector", N_("Actions created, by owner agency's sector"), IDS(sectors), vocab_sector, 1, 1,
     CHART_BARS},
    {"actions_by_status", N_("Actions created, by status today"), IDS(statuses), vocab_action_status, 1, 0,
     CHART_BARS},
    {"actions_done", N_("Actions done in the period, against their due date"), IDS(done), done_label, 1, 0,
     CHART_NONE},
    {"closures_by_reason", N_("Closures by reason"), IDS(reasons), vocab_close_reason, 1, 0, CHART_BARS},
};
#define NSPECS (sizeof(specs) / sizeof(specs[0]))

/* The scope of one reading. */
typedef struct scope {
    const char *territory_id; /* NULL: all territories */
    char territory_name[256];
    char from[11], to[11], to_excl[11], now[32];
    long days;
} scope;

/* Everything computed for one scope. */
typedef struct figures {
    ind_table t[NSPECS];
    ind_durations triage, meeting;
    long long adult_women;
    long targets[3]; /* urgent, conference, clinical (hours); single territory only */
    int has_targets;
    const char **names[NSPECS]; /* per cell: a name from the store (agencies), or NULL */
} figures;

/* --- the scope --- */

/* 1 if the caller may read every territory's indicators at once (the
 * default scope is then all; the page offers a territory picker). */
static int reads_all(req *r)
{
    policy_target all = {.type = OBJ_INDICATORS, .territory_id = NULL};
    return policy_check(&r->who, VERB_READ, &all);
}

static void date_text(time_t t, char out[11])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static const char *q_get(req *r, const char *name)
{
    const char *v = req_query(r, name);
    return v && *v ? v : NULL;
}

/* Reads the scope, asks the policy (which answers a refusal itself) and
 * finds the territory. 0 to go on; 1 when answered; -1 on failure. */
static int scope_read(req *r, scope *s, policy_verb verb)
{
    const char *terr = q_get(r, "territory"), *year = q_get(r, "year"), *from = q_get(r, "from"),
               *to = q_get(r, "to");
    time_t tf, tt;
    memset(s, 0, sizeof(*s));
    time_rfc3339(clock_now(), s->now, sizeof(s->now));
    if (year) {
        if (from || to || strlen(year) != 4 || strspn(year, "0123456789") != 4 || strcmp(year, "1970") < 0)
            return resp_error(r, 400, "invalid_period", N_("Give a year (YYYY), or a start and an end date (YYYY-MM-DD).")),
                   1;
        snprintf(s->from, sizeof(s->from), "%s-01-01", year);
        snprintf(s->to, sizeof(s->to), "%s-12-31", year);
    } else if (from || to) {
        if (!from || !to)
            return resp_error(r, 400, "invalid_period", N_("Give a year (YYYY), or a start and an end date (YYYY-MM-DD).")),
                   1;
        snprintf(s->from, sizeof(s->from), "%s", from);
        snprintf(s->to, sizeof(s->to), "%s", to);
    } else {
        snprintf(s->from, sizeof(s->from), "%.4s-01-01", s->now);
        snprintf(s->to, sizeof(s->to), "%.4s-12-31", s->now);
    }
    if (strlen(s->from) != 10 || strlen(s->to) != 10 || !date_midnight_utc(s->from, &tf) || !date_midnight_utc(s->to, &tt))
        return resp_error(r, 400, "invalid_period", N_("Write dates as YYYY-MM-DD.")), 1;
    s->days = (long)((tt - tf) / 86400) + 1;
    if (s->days < 1 || s->days > MAX_DAYS)
        return resp_error(r, 400, "invalid_period", N_("The period must end after it starts and last at most ten years.")),
               1;
    date_text(tt + 86400, s->to_excl);

    if (terr && strcmp(terr, "all") == 0)
        s->territory_id = NULL;
    else if (terr)
        s->territory_id = terr;
    else
        s->territory_id = reads_all(r) ? NULL : arena_strdup(r->a, r->agency.territory_id);
    policy_target t = {.type = OBJ_INDICATORS, .territory_id = s->territory_id};
    if (!auth_allow(r, verb, &t, 0))
        return 1;
    store_conn *c = req_db(r);
    if (!c)
        return -1;
    if (s->territory_id) {
        store_territory st;
        if (strlen(s->territory_id) > STORE_ID_LEN || store_territory_by_id(c, s->territory_id, &st) != STORE_OK)
            return resp_error(r, 404, "not_found",
                              N_("The page you asked for does not exist or is not available to you.")),
                   1;
        snprintf(s->territory_name, sizeof(s->territory_name), "%s", st.name);
    }
    return 0;
}

/* --- computing --- */

static int count_cb(void *ctx, const char *table, const char *key, long n)
{
    json_t *counts = ctx, *t = json_object_get(counts, table);
    if (!t) {
        t = json_object();
        json_object_set_new(counts, table, t);
    }
    json_object_set_new(t, key, json_integer(n));
    return 0;
}

typedef struct delays {
    long *triage, *meeting;
    size_t ntriage, nmeeting, cap;
    long within, beyond;
    int oom;
} delays;

static int delay_cb(void *ctx, const store_ind_delay *d)
{
    delays *x = ctx;
    if (x->ntriage == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        long *a = realloc(x->triage, cap * sizeof(long)), *b = a ? realloc(x->meeting, cap * sizeof(long)) : NULL;
        if (a)
            x->triage = a;
        if (!a || !b) {
            x->oom = 1;
            return 1;
        }
        x->meeting = b;
        x->cap = cap;
    }
    if (d->triage_minutes >= 0)
        x->triage[x->ntriage++] = d->triage_minutes;
    if (d->meeting_minutes >= 0) {
        x->meeting[x->nmeeting++] = d->meeting_minutes;
        if (d->target_hours > 0) {
            if (d->meeting_minutes <= d->target_hours * 60)
                x->within++;
            else
                x->beyond++;
        }
    }
    return 0;
}

/* The months "YYYY-MM" from s->from to s->to. */
static json_t *months(const scope *s)
{
    json_t *a = json_array();
    int y = (int)strtol(s->from, NULL, 10), m = (int)strtol(s->from + 5, NULL, 10);
    int ye = (int)strtol(s->to, NULL, 10), me = (int)strtol(s->to + 5, NULL, 10);
    while (y < ye || (y == ye && m <= me)) {
        char k[16];
        snprintf(k, sizeof(k), "%04d-%02d", y, m);
        json_array_append_new(a, json_string(k));
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    return a;
}

static int figures_compute(req *r, const scope *s, figures *f)
{
    store_conn *c = req_db(r);
    store_ind_period p = {s->territory_id, s->from, s->to_excl, s->now};
    json_t *counts = json_object();
    delays d;
    int rc = -1;
    memset(f, 0, sizeof(*f));
    memset(&d, 0, sizeof(d));
    if (!counts || store_indicators_counts(c, &p, count_cb, counts) != STORE_OK ||
        store_indicators_delays(c, &p, delay_cb, &d) != STORE_OK || d.oom ||
        store_indicators_adult_women(c, s->territory_id, &f->adult_women) != STORE_OK)
        goto out;
    json_object_set_new(counts, "first_meeting_target",
                        json_pack("{s:I,s:I}", "within", (json_int_t)d.within, "beyond", (json_int_t)d.beyond));
    ind_durations_summarise(d.triage, d.ntriage, &f->triage);
    ind_durations_summarise(d.meeting, d.nmeeting, &f->meeting);
    if (s->territory_id) {
        store_territory_settings ts;
        if (store_territory_settings_get(c, s->territory_id, &ts) == STORE_OK) {
            for (int i = 0; i < 3; i++)
                f->targets[i] = ts.target_hours[i];
            f->has_targets = 1;
        }
    }
    json_t *mlist = months(s);
    for (size_t i = 0; i < NSPECS; i++) {
        const tspec *sp = &specs[i];
        json_t *got = json_object_get(counts, sp->id);
        int by_month = !sp->keys && sp->label_of == month_label;
        size_t nk = sp->keys ? sp->nkeys : by_month ? json_array_size(mlist) : 0;
        size_t cap = nk + (got ? json_object_size(got) : 0);
        ind_cell *cells = arena_alloc(r->a, (cap ? cap : 1) * sizeof(ind_cell));
        size_t n = 0;
        if (!cells)
            goto out_m;
        for (size_t k = 0; k < nk; k++) {
            const char *key = sp->keys ? sp->keys[k].id : json_string_value(json_array_get(mlist, k));
            long v = (long)json_integer_value(json_object_get(got, key));
            if (sp->omit_zero && v == 0)
                continue;
            cells[n++] = (ind_cell){arena_strdup(r->a, key), v, 0};
        }
        /* Keys not in the list (a level of an instrument added later). */
        const char *key;
        json_t *v;
        json_object_foreach(got, key, v) {
            int known = 0;
            for (size_t k = 0; k < nk && !known; k++)
                known = strcmp(sp->keys ? sp->keys[k].id : json_string_value(json_array_get(mlist, k)), key) == 0;
            if (!known && json_integer_value(v) > 0)
                cells[n++] = (ind_cell){arena_strdup(r->a, key), (long)json_integer_value(v), 0};
        }
        f->t[i] = (ind_table){sp->id, cells, n, sp->has_total, 0, 0};
        ind_suppress(&f->t[i]);
        if (sp->label_of == agency_label || sp->label_of == territory_label) {
            f->names[i] = arena_alloc(r->a, (n ? n : 1) * sizeof(const char *));
            if (!f->names[i])
                goto out_m;
            for (size_t k = 0; k < n; k++) {
                store_agency ag;
                store_territory te;
                const char *name = NULL;
                if (sp->label_of == agency_label && store_agency_by_id(c, cells[k].key, &ag) == STORE_OK)
                    name = ag.name;
                else if (sp->label_of == territory_label && store_territory_by_id(c, cells[k].key, &te) == STORE_OK)
                    name = te.name;
                f->names[i][k] = name ? arena_strdup(r->a, name) : cells[k].key;
            }
        }
    }
    rc = 0;
out_m:
    json_decref(mlist);
out:
    json_decref(counts);
    free(d.triage);
    free(d.meeting);
    return rc;
}

static const ind_table *table_of(const figures *f, const char *id)
{
    for (size_t i = 0; i < NSPECS; i++)
        if (strcmp(specs[i].id, id) == 0)
            return &f->t[i];
    return NULL;
}

static const ind_cell *cell_of(const figures *f, const char *table, const char *key)
{
    const ind_table *t = table_of(f, table);
    for (size_t i = 0; t && i < t->ncells; i++)
        if (strcmp(t->cells[i].key, key) == 0)
            return &t->cells[i];
    return NULL;
}

static long n_of(const figures *f, const char *table, const char *key)
{
    const ind_cell *c = cell_of(f, table, key);
    return c ? c->n : 0;
}

static int supp_of(const figures *f, const char *table, const char *key)
{
    const ind_cell *c = cell_of(f, table, key);
    return c ? c->suppressed : 0;
}

/* The derived figures, each in tenths (-1: none or suppressed). */
typedef struct derived {
    long repeat_rate, quorum_rate, on_time_rate, within_rate, per10k, per10k_year;
} derived;

static void derive(const figures *f, const scope *s, derived *d)
{
    const ind_table *rep = table_of(f, "repeat"), *q = table_of(f, "quorum"), *tg = table_of(f, "first_meeting_target");
    d->repeat_rate = ind_percent_tenths(n_of(f, "repeat", "repeat"), supp_of(f, "repeat", "repeat"), rep->total,
                                        rep->total_suppressed);
    d->quorum_rate = ind_percent_tenths(n_of(f, "quorum", "met"), supp_of(f, "quorum", "met"), q->total,
                                        q->total_suppressed);
    d->within_rate = ind_percent_tenths(n_of(f, "first_meeting_target", "within"),
                                        supp_of(f, "first_meeting_target", "within"), tg->total, tg->total_suppressed);
    long on = n_of(f, "actions_done", "on_time"), late = n_of(f, "actions_done", "late");
    d->on_time_rate = ind_percent_tenths(on, supp_of(f, "actions_done", "on_time"), on + late,
                                         supp_of(f, "actions_done", "late") || ind_small(on + late));
    long refs = n_of(f, "summary", "referrals");
    int refs_supp = supp_of(f, "summary", "referrals");
    d->per10k = ind_per_10000_tenths(refs, refs_supp, f->adult_women, 0);
    d->per10k_year = ind_per_10000_tenths(refs, refs_supp, f->adult_women, s->days);
}

/* --- the JSON answer: raw counts and what is suppressed --- */

static json_t *tenths_json(long t)
{
    return t < 0 ? json_null() : json_real((double)t / 10.0);
}

/* Minutes as hours with one decimal. */
static long hours_tenths(long minutes)
{
    return (minutes * 10 + 30) / 60;
}

static json_t *durations_json(const ind_durations *d)
{
    return json_pack("{s:I,s:o,s:o,s:b}", "n", (json_int_t)d->n, "median_hours",
                     d->has_values ? tenths_json(hours_tenths(d->median)) : json_null(), "p90_hours",
                     d->has_values ? tenths_json(hours_tenths(d->p90)) : json_null(), "suppressed", d->suppressed);
}

/* A derived figure's JSON: the value, and whether exports suppress it. */
static json_t *rate_json(long tenths, long den)
{
    return json_pack("{s:o,s:b}", "percent", tenths_json(tenths), "suppressed", tenths < 0 && den > 0);
}

static json_t *figures_json(const scope *s, const figures *f)
{
    derived d;
    derive(f, s, &d);
    json_t *tables = json_array();
    for (size_t i = 0; i < NSPECS; i++) {
        const ind_table *t = &f->t[i];
        json_t *rows = json_array();
        for (size_t k = 0; k < t->ncells; k++) {
            json_t *row = json_pack("{s:s,s:I,s:b}", "key", t->cells[k].key, "count", (json_int_t)t->cells[k].n,
                                    "suppressed", t->cells[k].suppressed);
            if (f->names[i])
                json_object_set_new(row, "name", json_string(f->names[i][k]));
            json_array_append_new(rows, row);
        }
        json_t *o = json_pack("{s:s,s:o}", "id", t->id, "rows", rows);
        if (t->has_total) {
            json_object_set_new(o, "total", json_integer(t->total));
            json_object_set_new(o, "total_suppressed", json_boolean(t->total_suppressed));
        }
        json_array_append_new(tables, o);
    }
    const ind_table *tg = table_of(f, "first_meeting_target");
    long on = n_of(f, "actions_done", "on_time"), late = n_of(f, "actions_done", "late");
    json_t *fig = json_pack(
        "{s:I,s:o,s:o,s:o,s:o,s:{s:o,s:o,s:o,s:i,s:b},s:o,s:o}", "referrals",
        (json_int_t)n_of(f, "summary", "referrals"), "repeat_rate",
        rate_json(d.repeat_rate, table_of(f, "repeat")->total), "quorum_rate",
        rate_json(d.quorum_rate, table_of(f, "quorum")->total), "actions_on_time_rate",
        rate_json(d.on_time_rate, on + late), "first_meeting_within_target_rate", rate_json(d.within_rate, tg->total),
        "per_10000_adult_women", "adult_women", f->adult_women > 0 ? json_integer(f->adult_women) : json_null(),
        "period", tenths_json(d.per10k), "annualised", tenths_json(d.per10k_year), "uk_norm", UK_NORM_PER_10000,
        "suppressed", f->adult_women > 0 && d.per10k < 0, "referral_to_triage", durations_json(&f->triage),
        "referral_to_first_meeting", durations_json(&f->meeting));
    if (f->has_targets)
        json_object_set_new(fig, "target_hours",
                            json_pack("{s:I,s:I,s:I}", "urgent_cell", (json_int_t)f->targets[0], "conference",
                                      (json_int_t)f->targets[1], "clinical_concertation", (json_int_t)f->targets[2]));
    json_t *terr = s->territory_id ? json_pack("{s:s,s:s}", "id", s->territory_id, "name", s->territory_name)
                                   : json_null();
    return json_pack("{s:o,s:{s:s,s:s,s:I},s:i,s:s,s:o,s:o}", "territory", terr, "period", "from", s->from, "to",
                     s->to, "days", (json_int_t)s->days, "min_count", IND_MIN_SHOWN, "suppressed_text",
                     IND_SUPPRESSED_TEXT, "figures", fig, "tables", tables);
}

/* Records the reading, then computes. 0, 1 answered, -1 failure. */
static int read_figures(req *r, scope *s, policy_verb verb, const char *action, const char *what, figures *f)
{
    int rc = scope_read(r, s, verb);
    if (rc)
        return rc;
    const char *fields = arena_printf(r->a, "%s,from=%s,to=%s", what, s->from, s->to);
    if (auth_audit(r, action, "indicators", s->territory_id ? s->territory_id : "all", fields) != 0)
        return -1;
    return figures_compute(r, s, f);
}

int api_indicators(req *r)
{
    scope s;
    figures f;
    int rc = read_figures(r, &s, VERB_READ, "read", "api", &f);
    if (rc)
        return rc < 0 ? -1 : 0;
    return resp_json(r, 200, figures_json(&s, &f));
}

/* --- what people see: the page, the report, the CSV --- */

static char dec_sep(req *r)
{
    return strcmp(r->lang, "fr") == 0 ? ',' : '.';
}

/* The percent sign after a number: French puts a no-break space before it. */
static const char *pct(req *r)
{
    return strcmp(r->lang, "fr") == 0 ? "\xC2\xA0%" : "%";
}

static const char *count_text(req *r, long n, int suppressed)
{
    char b[32];
    return arena_strdup(r->a, ind_format_count(n, suppressed, b, sizeof(b)));
}

/* A derived figure as text: the value with its unit, "<5"-derived
 * suppressed, or a dash when there is nothing to compute. */
static const char *tenths_text(req *r, long t, int suppressed, const char *suffix)
{
    char b[32];
    if (t < 0)
        return suppressed ? req_tr(r, N_("suppressed (small numbers)")) : "—";
    return arena_printf(r->a, "%s%s", ind_format_tenths(t, dec_sep(r), b, sizeof(b)), suffix);
}

static const char *hours_text(req *r, const ind_durations *d, long minutes)
{
    char b[32];
    if (!d->has_values)
        return "—";
    if (d->suppressed)
        return req_tr(r, N_("suppressed (small numbers)"));
    return req_tr1(r, N_("{1} h"), ind_format_tenths(hours_tenths(minutes), dec_sep(r), b, sizeof(b)));
}

static const char *scope_query(req *r, const scope *s)
{
    return arena_printf(r->a, "territory=%s&from=%s&to=%s", s->territory_id ? s->territory_id : "all", s->from,
                        s->to);
}

/* The label shown for cell k of table i. */
static const char *cell_label(req *r, const figures *f, size_t i, size_t k)
{
    if (f->names[i])
        return f->names[i][k];
    return req_tr(r, specs[i].label_of(f->t[i].cells[k].key));
}

static const char *chart_svg(req *r, const figures *f, size_t i, const char *title)
{
    const tspec *sp = &specs[i];
    const ind_table *t = &f->t[i];
    buf b;
    svg_point *p = arena_alloc(r->a, (t->ncells ? t->ncells : 1) * sizeof(svg_point));
    if (!p)
        return NULL;
    for (size_t k = 0; k < t->ncells; k++)
        p[k] = (svg_point){cell_label(r, f, i, k), t->cells[k].n, t->cells[k].suppressed,
                           count_text(r, t->cells[k].n, t->cells[k].suppressed)};
    svg_chart c = {arena_printf(r->a, "chart-%s", sp->id), title,
                   req_tr(r, sp->chart == CHART_LINE
                                 ? N_("A line, one point a month, with the number written above each point; "
                                      "small numbers are shown as <5 and break the line.")
                                 : N_("Horizontal bars with the number written at the end of each bar; small "
                                      "numbers are shown as <5 with an empty outline."))};
    for (char *q = (char *)c.id; *q; q++)
        if (*q == '_')
            *q = '-';
    buf_init(&b);
    int rc = sp->chart == CHART_LINE ? svgchart_line(&b, &c, p, t->ncells) : svgchart_bars(&b, &c, p, t->ncells);
    const char *out = rc == 0 ? arena_strdup(r->a, buf_cstr(&b)) : NULL;
    buf_free(&b);
    return out;
}

static json_t *tables_view(req *r, const scope *s, const figures *f, int charts)
{
    json_t *a = json_array();
    const char *q = scope_query(r, s);
    for (size_t i = 0; i < NSPECS; i++) {
        const tspec *sp = &specs[i];
        const ind_table *t = &f->t[i];
        const char *title = req_tr(r, sp->title);
        json_t *rows = json_array();
        for (size_t k = 0; k < t->ncells; k++)
            json_array_append_new(rows, json_pack("{s:s,s:s}", "label", cell_label(r, f, i, k),
                                                  "value", count_text(r, t->cells[k].n, t->cells[k].suppressed)));
        json_t *o = json_pack("{s:s,s:s,s:o,s:s}", "id", sp->id, "title", title, "rows", rows, "csv_href",
                              arena_printf(r->a, "/indicators/%s.csv?%s", sp->id, q));
        if (t->has_total)
            json_object_set_new(o, "total", json_string(count_text(r, t->total, t->total_suppressed)));
        if (charts && sp->chart != CHART_NONE && t->ncells) {
            const char *svg = chart_svg(r, f, i, title);
            if (svg)
                json_object_set_new(o, "svg", json_string(svg));
        }
        json_array_append_new(a, o);
    }
    return a;
}

/* The translation of msgid with {1} and {2} replaced. */
static const char *fill2(req *r, const char *msgid, const char *a1, const char *a2)
{
    const char *t = req_tr(r, msgid);
    buf b;
    buf_init(&b);
    for (const char *p = t; *p; p++) {
        if (p[0] == '{' && (p[1] == '1' || p[1] == '2') && p[2] == '}') {
            buf_puts(&b, p[1] == '1' ? a1 : a2);
            p += 2;
        } else {
            buf_putc(&b, *p);
        }
    }
    const char *out = arena_strdup(r->a, b.oom ? "" : buf_cstr(&b));
    buf_free(&b);
    return out;
}

static json_t *key_figures(req *r, const scope *s, const figures *f)
{
    derived d;
    derive(f, s, &d);
    long on = n_of(f, "actions_done", "on_time"), late = n_of(f, "actions_done", "late");
    json_t *a = json_array();
#define ADD(key, label, value, note)                                                                                   \
    json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s}", "key", key, "label", req_tr(r, label), "value", value,   \
                                       "note", note))
    ADD("referrals", N_("Referrals"), count_text(r, n_of(f, "summary", "referrals"), supp_of(f, "summary", "referrals")), "");
    ADD("repeat_rate_percent", N_("Repeat rate"), tenths_text(r, d.repeat_rate, table_of(f, "repeat")->total > 0, pct(r)),
        req_tr(r, N_("UK reference: about 30%.")));
    if (f->adult_women > 0) {
        ADD("per_10000_adult_women_year", N_("Referrals per 10,000 adult women, over a year"),
            tenths_text(r, d.per10k_year, n_of(f, "summary", "referrals") > 0, ""),
            fill2(r, N_("UK norm: {1} a year. Adult women in the territory: {2}."),
                  arena_printf(r->a, "%d", UK_NORM_PER_10000), arena_printf(r->a, "%lld", f->adult_women)));
    } else {
        ADD("per_10000_adult_women_year", N_("Referrals per 10,000 adult women, over a year"), "—",
            req_tr(r, N_("Set the territory's adult female population to compute it.")));
    }
    ADD("referral_to_triage_median", N_("Median time from referral to triage"), hours_text(r, &f->triage, f->triage.median),
        req_tr1(r, N_("Situations triaged: {1}."), count_text(r, (long)f->triage.n, ind_small((long)f->triage.n))));
    ADD("referral_to_triage_p90", N_("90th percentile, referral to triage"), hours_text(r, &f->triage, f->triage.p90), "");
    ADD("referral_to_first_meeting_median", N_("Median time from referral to first meeting"), hours_text(r, &f->meeting, f->meeting.median),
        req_tr1(r, N_("Situations discussed at a meeting: {1}."),
                count_text(r, (long)f->meeting.n, ind_small((long)f->meeting.n))));
    ADD("referral_to_first_meeting_p90", N_("90th percentile, referral to first meeting"), hours_text(r, &f->meeting, f->meeting.p90), "");
    ADD("first_meeting_within_target_percent", N_("First meetings within the territory's target"),
        tenths_text(r, d.within_rate, table_of(f, "first_meeting_target")->total > 0, pct(r)),
        f->has_targets ? arena_printf(r->a, "%s %s", req_tr(r, N_("Targets (hours from referral):")),
                                      arena_printf(r->a, "%s %ld, %s %ld, %s %ld", req_tr(r, N_("Urgent cell")),
                                                   f->targets[0], req_tr(r, N_("Scheduled conference")),
                                                   f->targets[1], req_tr(r, N_("Clinical concertation")),
                                                   f->targets[2]))
                       : "");
    ADD("quorum_met_percent", N_("Meetings with their quorum"), tenths_text(r, d.quorum_rate, table_of(f, "quorum")->total > 0, pct(r)), "");
    ADD("actions_on_time_percent", N_("Actions done on time"), tenths_text(r, d.on_time_rate, on + late > 0, pct(r)),
        req_tr(r, N_("Among actions done in the period that had a due date.")));
    ADD("children", N_("Children covered"), count_text(r, n_of(f, "summary", "children"), supp_of(f, "summary", "children")), "");
    ADD("open_at_end", N_("Situations open at the end of the period"),
        count_text(r, n_of(f, "summary", "open_at_end"), supp_of(f, "summary", "open_at_end")), "");
#undef ADD
    return a;
}

static json_t *view_data(req *r, const scope *s, const figures *f, int charts)
{
    json_t *data = json_pack("{s:o,s:o,s:s,s:s,s:s,s:s,s:i}", "tables", tables_view(r, s, f, charts), "figures",
                             key_figures(r, s, f), "from", s->from, "to", s->to, "territory_name",
                             s->territory_id ? s->territory_name : req_tr(r, N_("All territories")), "query",
                             scope_query(r, s), "min_count", IND_MIN_SHOWN);
    json_object_set_new(data, "key_figures_csv",
                        json_string(arena_printf(r->a, "/indicators/key_figures.csv?%s", scope_query(r, s))));
    /* The territory picker: for those who may read any territory, or all. */
    if (reads_all(r)) {
        json_t *opts = territory_options(r, s->territory_id);
        if (opts)
            json_array_insert_new(opts, 0, json_pack("{s:s,s:s,s:b}", "value", "all", "label",
                                                     req_tr(r, N_("All territories")), "selected",
                                                     s->territory_id == NULL));
        json_object_set_new(data, "territories", opts ? opts : json_array());
    } else if (s->territory_id) {
        json_object_set_new(data, "territory_id", json_string(s->territory_id));
    }
    return data;
}

int page_indicators(req *r)
{
    scope s;
    figures f;
    int rc = read_figures(r, &s, VERB_READ, "read", "page", &f);
    if (rc)
        return rc < 0 ? -1 : 0;
    return resp_page(r, 200, "indicators", N_("Indicators"), view_data(r, &s, &f, 1));
}

/* The practitioner evaluations of the report's territory (NULL: all) for
 * the months the period touches, beside the reference study: counts only,
 * suppressed as on their own page, without the comments; only for those
 * the policy lets read them (the same as the indicators today), and the
 * read is audited like the results page's. 0, or -1 on failure. */
static int report_evaluations(req *r, const char *territory_id, const char *from, const char *to, json_t *data)
{
    policy_target t = {.type = OBJ_EVALUATION_RESULTS, .territory_id = territory_id};
    if (!policy_check(&r->who, VERB_EXPORT, &t))
        return 0;
    char fm[8], tm[8];
    snprintf(fm, sizeof(fm), "%.7s", from);
    snprintf(tm, sizeof(tm), "%.7s", to);
    json_t *res = evaluation_results_json(r, territory_id, fm, tm);
    if (!res)
        return -1;
    json_t *view = json_object();
    evaluation_results_view(r, res, view);
    json_decref(res);
    json_object_set_new(data, "evaluations", view);
    return auth_audit(r, "export", "evaluation_results", territory_id ? territory_id : "", "from,to,report");
}

int page_indicators_report(req *r)
{
    scope s;
    figures f;
    int rc = read_figures(r, &s, VERB_EXPORT, "export", "report", &f);
    if (rc)
        return rc < 0 ? -1 : 0;
    json_t *data = view_data(r, &s, &f, 1);
    json_object_set_new(data, "generated", json_string(s.now));
    json_object_set_new(data, "report", json_true());
    if (report_evaluations(r, s.territory_id, s.from, s.to, data) != 0) {
        json_decref(data);
        return -1;
    }
    return resp_page(r, 200, "indicators_report", N_("Annual report"), data);
}

/* One CSV field, after a comma unless it is the first of its line. */
static void csv_field(buf *b, const char *s, int first)
{
    if (!first)
        buf_putc(b, ',');
    buf_put_csv(b, s);
}

static void csv_row(buf *b, const char *k, const char *name, const char *v)
{
    csv_field(b, k, 1);
    csv_field(b, name, 0);
    csv_field(b, v, 0);
    buf_puts(b, "\r\n");
}

int page_indicators_csv(req *r)
{
    const char *name = req_param(r, 0);
    size_t len = strlen(name);
    const tspec *sp = NULL;
    for (size_t i = 0; i < NSPECS && len > 4 && strcmp(name + len - 4, ".csv") == 0; i++)
        if (strlen(specs[i].id) == len - 4 && strncmp(specs[i].id, name, len - 4) == 0)
            sp = &specs[i];
    int key_figs = strcmp(name, "key_figures.csv") == 0;
    if (!sp && !key_figs)
        return resp_error(r, 404, "not_found", N_("The page you asked for does not exist or is not available to you."));
    const char *id = sp ? sp->id : "key_figures";
    scope s;
    figures f;
    int rc = read_figures(r, &s, VERB_EXPORT, "export", id, &f);
    if (rc)
        return rc < 0 ? -1 : 0;
    buf b;
    buf_init(&b);
    buf_puts(&b, "\xEF\xBB\xBF");
    if (key_figs) {
        /* The key figures as shown: derived from suppressed counts, they say so. */
        json_t *kf = key_figures(r, &s, &f), *x;
        size_t i;
        csv_row(&b, "key", "label", "value");
        json_array_foreach(kf, i, x) {
            csv_row(&b, json_string_value(json_object_get(x, "key")), json_string_value(json_object_get(x, "label")),
                    json_string_value(json_object_get(x, "value")));
        }
        json_decref(kf);
    } else {
        const ind_table *t = table_of(&f, sp->id);
        csv_row(&b, "key", "label", "count");
        for (size_t k = 0; k < t->ncells; k++)
            csv_row(&b, t->cells[k].key, cell_label(r, &f, (size_t)(sp - specs), k),
                    count_text(r, t->cells[k].n, t->cells[k].suppressed));
        if (t->has_total)
            csv_row(&b, "total", req_tr(r, N_("Total")), count_text(r, t->total, t->total_suppressed));
    }
    rc = -1;
    if (!b.oom) {
        resp_header(r, "Content-Disposition",
                    arena_printf(r->a, "attachment; filename=\"filet-%s-%s-%s.csv\"", id, s.from, s.to));
        rc = resp_text(r, 200, "text/csv; charset=utf-8", b.data, b.len);
    }
    buf_free(&b);
    return rc;
}
