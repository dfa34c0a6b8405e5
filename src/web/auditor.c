/*
 * auditor.c - the audit trail for auditors: GET /api/v1/audit, the /audit
 * page with its filters, the CSV export (/audit.csv) and the verification
 * of the hash chain (POST /audit/verify).
 *
 * Who may: the access policy (OBJ_AUDIT), auditors only; a refusal is
 * itself recorded (auth_allow). Every reading, export and verification is
 * recorded too, before any row is shown: no record, no rows (ASVS 7.1.3,
 * 7.2.2; reading the trail is an access to personal data).
 *
 * Filters: user_id, object_type, object_id (situation_id is short for
 * object_type=situation and that object_id), from and to as YYYY-MM-DD,
 * both inclusive, in UTC like the rows' times. Newest rows first, at most
 * AUDIT_LIMIT (AUDIT_CSV_LIMIT for the export).
 *
 * The CSV export quotes every field and neutralises spreadsheet formulas
 * (OWASP "CSV injection"): a field starting with = + - @ TAB or CR gets a
 * leading apostrophe.
 */
#include "web/auditor.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/dates.h"
#include "sec/audit.h"
#include "web/auth.h"

#define AUDIT_LIMIT 500
#define AUDIT_CSV_LIMIT 50000
#define FILTER_MAX_BYTES 64

/* The filters of one reading, as typed and as given to the store. */
typedef struct audit_query {
    store_audit_filter f;
    const char *user_id, *object_type, *object_id, *from, *to; /* NULL when absent */
    char to_excl[16];  /* the day after "to": the store's bound is exclusive */
    char fields[96];   /* names of the filters used, for the record */
} audit_query;

/* A query value, or NULL when absent or empty (an empty form field). */
static const char *q_get(req *r, const char *name)
{
    const char *v = req_query(r, name);
    return v && *v ? v : NULL;
}

static void add_field_name(audit_query *q, const char *name)
{
    size_t n = strlen(q->fields);
    snprintf(q->fields + n, sizeof(q->fields) - n, "%s%s", n ? "," : "", name);
}

/* Reads the filters from the query string. 0, or -1 with *msg (a msgid). */
static int query_parse(req *r, audit_query *q, long limit, const char **msg)
{
    const char *situation = q_get(r, "situation_id");
    time_t t;
    memset(q, 0, sizeof(*q));
    q->user_id = q_get(r, "user_id");
    q->object_type = q_get(r, "object_type");
    q->object_id = q_get(r, "object_id");
    q->from = q_get(r, "from");
    q->to = q_get(r, "to");
    const char *all[] = {situation, q->user_id, q->object_type, q->object_id};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (all[i] && strlen(all[i]) > FILTER_MAX_BYTES) {
            *msg = N_("A filter is too long.");
            return -1;
        }
    if (situation) {
        if ((q->object_type && strcmp(q->object_type, "situation") != 0) ||
            (q->object_id && strcmp(q->object_id, situation) != 0)) {
            *msg = N_("situation_id cannot be combined with another object.");
            return -1;
        }
        q->object_type = "situation";
        q->object_id = situation;
    }
    if ((q->from && !date_midnight_utc(q->from, &t))) {
        *msg = N_("Write dates as YYYY-MM-DD.");
        return -1;
    }
    if (q->to) {
        struct tm next;
        if (!date_midnight_utc(q->to, &t)) {
            *msg = N_("Write dates as YYYY-MM-DD.");
            return -1;
        }
        t += 86400;
        if (!gmtime_r(&t, &next) || strftime(q->to_excl, sizeof(q->to_excl), "%Y-%m-%d", &next) == 0)
            return *msg = N_("Write dates as YYYY-MM-DD."), -1;
    }
    q->f.user_id = q->user_id;
    q->f.object_type = q->object_type;
    q->f.object_id = q->object_id;
    q->f.from = q->from;
    q->f.to = q->to ? q->to_excl : NULL;
    q->f.limit = limit;
    if (q->user_id)
        add_field_name(q, "user_id");
    if (q->object_type)
        add_field_name(q, "object_type");
    if (q->object_id)
        add_field_name(q, "object_id");
    if (q->from)
        add_field_name(q, "from");
    if (q->to)
        add_field_name(q, "to");
    return 0;
}

static int allowed(req *r, policy_verb verb)
{
    policy_target t = {.type = OBJ_AUDIT};
    return auth_allow(r, verb, &t, 0);
}

static const char *or_null(const char *s)
{
    return s && *s ? s : NULL;
}

static int add_row(void *ctx, const store_audit_row *a)
{
    json_array_append_new(ctx, json_pack("{s:I,s:s,s:s?,s:s?,s:s,s:s,s:s,s:s,s:s}", "seq", (json_int_t)a->seq,
                                         "at", a->at, "user_id", or_null(a->user_id),
                                         "agency_id", or_null(a->agency_id), "source", a->source,
                                         "action", a->action, "object_type", a->object_type,
                                         "object_id", a->object_id, "fields", a->fields));
    return 0;
}

/* Records the reading (action read or export), then reads the rows. */
static json_t *read_rows(req *r, const audit_query *q, const char *action)
{
    json_t *rows;
    if (auth_audit(r, action, "audit", "", q->fields) != 0)
        return NULL;
    rows = json_array();
    if (rows && store_audit_each(req_db(r), &q->f, 1, add_row, rows) == STORE_OK)
        return rows;
    json_decref(rows);
    return NULL;
}

int api_audit(req *r)
{
    audit_query q;
    const char *msg;
    if (!allowed(r, VERB_LIST))
        return 0;
    if (query_parse(r, &q, AUDIT_LIMIT, &msg) != 0)
        return resp_error(r, 400, "invalid_filter", msg);
    json_t *rows = read_rows(r, &q, "read");
    return rows ? resp_json(r, 200, json_pack("{s:o}", "rows", rows)) : -1;
}

/* --- names for people: users' and agencies' names by id --- */

typedef struct names {
    json_t *users;    /* id -> display name */
    json_t *agencies; /* id -> name */
    json_t *options;  /* the user filter's <option>s */
    const char *selected;
} names;

static int name_user(void *ctx, const store_user *u)
{
    names *n = ctx;
    json_object_set_new(n->users, u->id, json_string(u->display_name));
    json_array_append_new(n->options, json_pack("{s:s,s:s,s:s,s:b}", "value", u->id, "label", u->display_name,
                                                "username", u->username,
                                                "selected", n->selected && strcmp(n->selected, u->id) == 0));
    return 0;
}

static int name_agency(void *ctx, const store_agency *a)
{
    json_object_set_new(((names *)ctx)->agencies, a->id, json_string(a->name));
    return 0;
}

static void names_free(names *n)
{
    json_decref(n->users);
    json_decref(n->agencies);
    json_decref(n->options);
}

static int names_load(req *r, names *n, const char *selected)
{
    store_conn *c = req_db(r);
    n->users = json_object();
    n->agencies = json_object();
    n->options = json_array();
    n->selected = selected;
    if (!c || !n->users || !n->agencies || !n->options || store_users_each(c, name_user, n) != STORE_OK ||
        store_agencies_each(c, name_agency, n) != STORE_OK) {
        names_free(n);
        return -1;
    }
    return 0;
}

static const char *name_of(json_t *map, json_t *row, const char *key)
{
    const char *id = json_string_value(json_object_get(row, key));
    const char *name = id ? json_string_value(json_object_get(map, id)) : NULL;
    return name ? name : "";
}

/* --- the page --- */

/* Percent-encodes v as a query parameter of b (RFC 3986 unreserved kept). */
static void url_param(buf *b, const char *name, const char *v)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!v)
        return;
    buf_putc(b, strchr(buf_cstr(b), '?') ? '&' : '?');
    buf_puts(b, name);
    buf_putc(b, '=');
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '.' || *p == '_' || *p == '~') {
            buf_putc(b, (char)*p);
        } else {
            buf_putc(b, '%');
            buf_putc(b, hex[*p >> 4]);
            buf_putc(b, hex[*p & 15]);
        }
    }
}

/* Why the chain broke, for people (audit.c gives English reasons). */
static const char *verify_reason(const char *reason)
{
    if (strncmp(reason, "object or fields", 16) == 0)
        return N_("the object or the fields of the row were changed.");
    if (strncmp(reason, "sealed with key", 15) == 0)
        return N_("the row was sealed with a key that is not in the key file.");
    return N_("the seal does not match: a row was changed, inserted or removed.");
}

/* Renders the page: filters as typed, the rows if any (a new reference is
 * taken), an error (msgid) or a verification result. */
static int audit_render(req *r, int status, const audit_query *q, json_t *rows, const char *error,
                        const audit_verify_result *vr)
{
    static const char *const types[] = {"account", "agency", "audit", "csrf", "session", "situation",
                                        "territory", "user"};
    names n;
    buf href;
    json_t *it, *d;
    size_t i;
    int rc;
    if (names_load(r, &n, q->user_id) != 0)
        return -1;
    d = json_pack("{s:{s:s?,s:s?,s:s?,s:s?,s:s?},s:O,s:[]}", "filter", "user_id", q->user_id, "object_type",
                  q->object_type, "object_id", q->object_id, "from", q->from, "to", q->to,
                  "user_options", n.options, "object_types");
    if (!d) {
        names_free(&n);
        return -1;
    }
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        json_array_append_new(json_object_get(d, "object_types"), json_string(types[i]));
    if (rows) {
        json_array_foreach(rows, i, it) {
            json_object_set_new(it, "user_name", json_string(name_of(n.users, it, "user_id")));
            json_object_set_new(it, "agency_name", json_string(name_of(n.agencies, it, "agency_id")));
        }
        json_object_set(d, "rows", rows);
        json_object_set_new(d, "shown", json_true());
        json_object_set_new(d, "count", json_integer((json_int_t)json_array_size(rows)));
        json_object_set_new(d, "limited", json_boolean(json_array_size(rows) >= AUDIT_LIMIT));
        buf_init(&href);
        buf_puts(&href, "/audit.csv");
        url_param(&href, "user_id", q->user_id);
        url_param(&href, "object_type", q->object_type);
        url_param(&href, "object_id", q->object_id);
        url_param(&href, "from", q->from);
        url_param(&href, "to", q->to);
        json_object_set_new(d, "csv_href", json_string(buf_cstr(&href)));
        buf_free(&href);
    }
    if (error)
        json_object_set_new(d, "error", json_string(req_tr(r, error)));
    if (vr) {
        json_t *v = json_pack("{s:b,s:I}", "ok", vr->first_bad_seq == 0, "rows", (json_int_t)vr->rows);
        if (vr->first_bad_seq) {
            json_object_set_new(v, "seq", json_integer((json_int_t)vr->first_bad_seq));
            json_object_set_new(v, "reason", json_string(req_tr(r, verify_reason(vr->reason))));
        }
        json_object_set_new(d, "verify", v);
    }
    names_free(&n);
    rc = resp_page(r, status, "audit", N_("Audit trail"), d);
    return rc;
}

int page_audit(req *r)
{
    audit_query q;
    const char *msg;
    if (!allowed(r, VERB_LIST))
        return 0;
    if (query_parse(r, &q, AUDIT_LIMIT, &msg) != 0)
        return audit_render(r, 400, &q, NULL, msg, NULL);
    json_t *rows = read_rows(r, &q, "read");
    if (!rows)
        return -1;
    int rc = audit_render(r, 200, &q, rows, NULL, NULL);
    json_decref(rows);
    return rc;
}

/* --- CSV --- */

/* One CSV field, after a comma unless it is the first of its line. */
static void csv_field(buf *b, const char *s, int first)
{
    if (!first)
        buf_putc(b, ',');
    buf_put_csv(b, s);
}

int page_audit_csv(req *r)
{
    static const char *const head[] = {"seq", "at", "user_id", "user_name", "agency_id", "agency_name",
                                       "source", "action", "object_type", "object_id", "fields"};
    audit_query q;
    const char *msg;
    names n;
    buf b;
    json_t *rows, *it;
    size_t i, k;
    int rc = -1;
    if (!allowed(r, VERB_EXPORT))
        return 0;
    if (query_parse(r, &q, AUDIT_CSV_LIMIT, &msg) != 0)
        return resp_error(r, 400, "invalid_filter", msg);
    if (names_load(r, &n, NULL) != 0)
        return -1;
    rows = read_rows(r, &q, "export");
    if (!rows) {
        names_free(&n);
        return -1;
    }
    buf_init(&b);
    /* A byte-order mark, so spreadsheets read the file as UTF-8. */
    buf_puts(&b, "\xEF\xBB\xBF");
    for (k = 0; k < sizeof(head) / sizeof(head[0]); k++)
        csv_field(&b, head[k], k == 0);
    buf_puts(&b, "\r\n");
    json_array_foreach(rows, i, it) {
        char seq[24];
        snprintf(seq, sizeof(seq), "%lld", (long long)json_integer_value(json_object_get(it, "seq")));
        const char *v[] = {seq,
                           json_string_value(json_object_get(it, "at")),
                           json_string_value(json_object_get(it, "user_id")),
                           name_of(n.users, it, "user_id"),
                           json_string_value(json_object_get(it, "agency_id")),
                           name_of(n.agencies, it, "agency_id"),
                           json_string_value(json_object_get(it, "source")),
                           json_string_value(json_object_get(it, "action")),
                           json_string_value(json_object_get(it, "object_type")),
                           json_string_value(json_object_get(it, "object_id")),
                           json_string_value(json_object_get(it, "fields"))};
        for (k = 0; k < sizeof(v) / sizeof(v[0]); k++)
            csv_field(&b, v[k] ? v[k] : "", k == 0);
        buf_puts(&b, "\r\n");
    }
    if (b.oom)
        goto out;
    resp_header(r, "Content-Disposition", "attachment; filename=\"filet-audit.csv\"");
    rc = resp_text(r, 200, "text/csv; charset=utf-8", b.data, b.len);
out:
    buf_free(&b);
    json_decref(rows);
    names_free(&n);
    return rc;
}

/* --- verification of the chain --- */

int page_audit_verify(req *r)
{
    audit_query q;
    audit_verify_result res;
    store_conn *c = req_db(r);
    if (!allowed(r, VERB_READ))
        return 0;
    memset(&q, 0, sizeof(q));
    /* The walk first, then its record: the result covers the chain as it
     * was before this row. */
    if (!c || audit_verify(c, app_keys(r->app), &res) != STORE_OK)
        return -1;
    if (auth_audit(r, "verify", "audit", "", "") != 0)
        return -1;
    return audit_render(r, 200, &q, NULL, NULL, &res);
}
