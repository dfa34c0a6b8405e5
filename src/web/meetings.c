/*
 * meetings.c - cell meetings; see meetings.h.
 *
 * Need to know: a meeting is seen by the coordinators of its territory and
 * by the agencies invited, nobody else (404, as for a missing one). An
 * invited agency takes part in every situation of the agenda from the
 * invitation on (basis "meeting_invitation"), written in the same
 * transaction as the invitation or the agenda change that causes it. The
 * agenda shows each caller only the situations they may see. Nobody
 * attends without accepting the confidentiality undertaking; the quorum
 * counts the distinct agencies present. The calendar invitation carries
 * the kind and the time of the meeting only: no name, no summary, no
 * place (a place can give away a shelter).
 */
#include "web/meetings.h"

#include <stdio.h>
#include <string.h>

#include "core/dates.h"
#include "lib/id.h"
#include "lib/log.h"
#include "store/meetings.h"
#include "store/situations.h"
#include "web/auth.h"
#include "web/sharing.h"
#include "web/situations.h"

static const char *const kinds[] = {"urgent", "scheduled", "clinical", NULL};

#define BASIS_MEETING "meeting_invitation"

static int one_of(const char *s, const char *const *set)
{
    for (size_t i = 0; s && set[i]; i++)
        if (strcmp(s, set[i]) == 0)
            return 1;
    return 0;
}

/* Parses the JSON body and checks its keys: 400 answered, -1 returned. */
static int body_of(req *r, const char *const *allowed, json_t **body)
{
    char err[128];
    const char *unknown = NULL;
    if (json_body_parse(r->body.data ? r->body.data : "", r->body.len, body, err, sizeof(err)) != 0) {
        resp_error(r, 400, "invalid_json", N_("The request could not be understood."));
        return -1;
    }
    if (json_body_check_keys(*body, allowed, &unknown) != 0) {
        json_decref(*body);
        resp_error(r, 400, "unknown_field", N_("The request could not be understood."));
        return -1;
    }
    return 0;
}

/* 422: a rule refused the request. */
static int refuse(req *r, const char *field, const char *msg)
{
    return resp_json(r, 422, json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "meeting_refused", "message",
                                       req_tr(r, msg), "field", field));
}

/* Commits a write (audit row included) or rolls back. */
static int finish(req *r, store_conn *c, int rc, const char *action, const char *type, const char *id,
                  const char *fields)
{
    audit_event e;
    auth_event(r, &e, action, type, id, fields);
    if (rc == STORE_OK)
        rc = audit_append(c, app_keys(r->app), &e);
    if (rc != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        if (rc != STORE_CONFLICT && rc != STORE_NOTFOUND)
            log_error("event=write_failed action=%s object=%s rc=%d", action, type, rc);
        return rc == STORE_OK ? STORE_ERR : rc;
    }
    store_read_begin(c);
    return STORE_OK;
}

/* "YYYY-MM-DDTHH:MM:SSZ", a real date and time. */
static int utc_time_valid(const char *s)
{
    int y, mo, d;
    char date[11];
    if (!s || strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
        return 0;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (date_parse(date, &y, &mo, &d) != 0)
        return 0;
    for (int i = 11; i < 19; i++)
        if (i != 13 && i != 16 && (s[i] < '0' || s[i] > '9'))
            return 0;
    int hh = (s[11] - '0') * 10 + (s[12] - '0'), mm = (s[14] - '0') * 10 + (s[15] - '0');
    int ss = (s[17] - '0') * 10 + (s[18] - '0');
    return hh < 24 && mm < 60 && ss < 60;
}

/* --- who sees a meeting --- */

typedef struct meeting_facts {
    store_meeting m;
    int invited;
    policy_target t;
} meeting_facts;

/* 1 if the meeting exists and the caller may do verb to it. */
static int meeting_allowed(req *r, const char *id, policy_verb verb, meeting_facts *f)
{
    memset(f, 0, sizeof(*f));
    store_conn *c = req_db(r);
    if (!id_valid(id) || store_meeting_get(c, r->a, id, &f->m) != STORE_OK ||
        store_meeting_invited(c, id, r->user.agency_id, &f->invited) != STORE_OK)
        return 0;
    f->t = (policy_target){.type = OBJ_MEETING, .territory_id = f->m.territory_id, .invited = f->invited};
    return policy_check(&r->who, verb, &f->t);
}

/* Missing and not visible answer alike (404), and the refusal is recorded. */
static int meeting_not_visible(req *r, const char *id)
{
    return auth_refuse(r, "meeting", id_valid(id) ? id : "", 1);
}

/* The meeting if visible, else 404; then, for a decision, 403 unless the
 * caller coordinates its territory. 1 to go on. */
static int meeting_gate(req *r, const char *id, policy_verb verb, meeting_facts *f)
{
    if (!meeting_allowed(r, id, VERB_READ, f)) {
        meeting_not_visible(r, id);
        return 0;
    }
    if (verb != VERB_READ && !policy_check(&r->who, verb, &f->t)) {
        auth_refuse(r, "meeting", id, 0);
        return 0;
    }
    return 1;
}

static json_t *quorum_of(req *r, const store_meeting *m)
{
    int present = 0;
    if (store_attendance_present(req_db(r), m->id, &present) != STORE_OK)
        return NULL;
    return json_pack("{s:i,s:i,s:b}", "required", m->quorum, "present", present, "met", present >= m->quorum);
}

/* --- participation follows the invitations --- */

static int collect_invited(void *ctx, const char *agency_id, const char *name, const char *sector)
{
    json_array_append_new(ctx, json_string(agency_id));
    return 0;
}

static int collect_agenda(void *ctx, const char *situation_id, int position, int urgent)
{
    json_array_append_new(ctx, json_string(situation_id));
    return 0;
}

/* Makes each agency of agencies take part in each situation of sids, in
 * the caller's open write transaction. */
static int participate(req *r, store_conn *c, json_t *sids, json_t *agencies)
{
    size_t i, k;
    json_t *s, *a;
    json_array_foreach(sids, i, s) {
        json_array_foreach(agencies, k, a) {
            int rc = store_participation_add(c, json_string_value(s), json_string_value(a), BASIS_MEETING, NULL,
                                             r->user.id);
            if (rc == STORE_OK)
                rc = store_situation_event_add(c, json_string_value(s), r->user.id, r->user.agency_id,
                                               "participant_added", json_string_value(a));
            if (rc != STORE_OK)
                return rc;
        }
    }
    return STORE_OK;
}

/* --- the list and one meeting --- */

typedef struct list_ctx {
    json_t *list;
} list_ctx;

static int list_cb(void *ctx, const store_meeting *m)
{
    list_ctx *x = ctx;
    json_array_append_new(x->list, json_pack("{s:s,s:s,s:s,s:s,s:I}", "id", m->id, "kind", m->kind, "starts_at",
                                             m->starts_at, "territory_id", m->territory_id, "version",
                                             (json_int_t)m->version));
    return 0;
}

int api_meetings(req *r)
{
    policy_target t = {.type = OBJ_MEETING, .territory_id = r->agency.territory_id};
    if (!auth_allow(r, VERB_LIST, &t, 0))
        return 0;
    list_ctx x = {.list = json_array()};
    const char *terr = policy_coordinates(&r->who, r->agency.territory_id) ? r->agency.territory_id : NULL;
    if (store_meetings_visible_each(req_db(r), r->a, terr, r->user.agency_id, list_cb, &x) != STORE_OK) {
        json_decref(x.list);
        return -1;
    }
    return resp_json(r, 200, json_pack("{s:o}", "meetings", x.list));
}

typedef struct view_ctx {
    req *r;
    const char *mid;
    json_t *list;
    int failed;
} view_ctx;

static int invited_cb(void *ctx, const char *agency_id, const char *name, const char *sector)
{
    view_ctx *x = ctx;
    json_array_append_new(x->list, json_pack("{s:s,s:s,s:s}", "agency_id", agency_id, "name", name ? name : "",
                                             "sector", sector ? sector : ""));
    return 0;
}

static int agenda_cb(void *ctx, const char *sid, int position, int urgent)
{
    view_ctx *x = ctx;
    req *r = x->r;
    store_situation_access acc;
    /* Only the situations the caller may see, not even their ids. */
    if (!situation_allowed(r, sid, VERB_READ, &acc))
        return 0;
    json_t *o = json_pack("{s:s,s:i,s:b}", "situation_id", sid, "position", position, "urgent", urgent);
    store_minutes mn;
    int rc = store_minutes_get(req_db(r), r->a, x->mid, sid, &mn);
    if (rc == STORE_OK) {
        const char *text = req_decrypt(r, arena_printf(r->a, "minutes.text:%s:%s", x->mid, sid), mn.text_enc);
        const char *dec = req_decrypt(r, arena_printf(r->a, "minutes.decisions:%s:%s", x->mid, sid), mn.decisions_enc);
        json_object_set_new(o, "minutes", json_pack("{s:s,s:s,s:s,s:s,s:I}", "text", text ? text : "", "decisions",
                                                    dec ? dec : "", "author", mn.author, "updated_at",
                                                    mn.updated_at ? mn.updated_at : "", "version",
                                                    (json_int_t)mn.version));
    } else if (rc == STORE_NOTFOUND) {
        json_object_set_new(o, "minutes", json_null());
    } else {
        x->failed = 1;
    }
    json_array_append_new(x->list, o);
    return x->failed;
}

static int attendance_cb(void *ctx, const char *agency_id, const char *user_id, const char *at)
{
    view_ctx *x = ctx;
    json_array_append_new(x->list, json_pack("{s:s,s:s,s:s,s:b}", "agency_id", agency_id, "user_id",
                                             user_id ? user_id : "", "at", at ? at : "", "undertaking_accepted", 1));
    return 0;
}

int api_meeting(req *r)
{
    const char *mid = req_param(r, 0);
    meeting_facts f;
    if (!meeting_gate(r, mid, VERB_READ, &f))
        return 0;
    store_conn *c = req_db(r);
    view_ctx inv = {.r = r, .mid = mid, .list = json_array()};
    view_ctx ag = {.r = r, .mid = mid, .list = json_array()};
    view_ctx at = {.r = r, .mid = mid, .list = json_array()};
    json_t *quorum = quorum_of(r, &f.m);
    if (!quorum || store_meeting_invited_each(c, r->a, mid, invited_cb, &inv) != STORE_OK ||
        store_agenda_each(c, mid, agenda_cb, &ag) != STORE_OK || ag.failed ||
        store_attendance_each(c, r->a, mid, attendance_cb, &at) != STORE_OK ||
        auth_audit(r, "read", "meeting", mid, "") != 0) {
        json_decref(quorum);
        json_decref(inv.list);
        json_decref(ag.list);
        json_decref(at.list);
        return -1;
    }
    const char *place = req_decrypt(r, arena_printf(r->a, "meetings.place:%s", mid), f.m.place_enc);
    return resp_json(r, 200, json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:s,s:I}", "id", f.m.id, "kind",
                                       f.m.kind, "starts_at", f.m.starts_at, "territory_id", f.m.territory_id,
                                       "place", place ? json_string(place) : json_null(), "quorum", quorum,
                                       "invited", inv.list, "agenda", ag.list, "attendance", at.list,
                                       "created_at", f.m.created_at ? f.m.created_at : "", "version",
                                       (json_int_t)f.m.version));
}

/* --- convening --- */

int api_meeting_create(req *r)
{
    static const char *const allowed[] = {"kind", "starts_at", "territory", "place", "quorum", "invited", NULL};
    json_t *b;
    if (body_of(r, allowed, &b) != 0)
        return 0;
    const char *terr = json_get_str(b, "territory");
    policy_target t = {.type = OBJ_MEETING, .territory_id = terr ? terr : r->agency.territory_id};
    if (!auth_allow(r, VERB_CREATE, &t, 0)) {
        json_decref(b);
        return 0;
    }
    store_meeting m;
    memset(&m, 0, sizeof(m));
    const char *kind = json_get_str(b, "kind"), *starts = json_get_str(b, "starts_at");
    const char *place = json_get_str(b, "place");
    json_t *q = json_object_get(b, "quorum"), *inv = json_object_get(b, "invited");
    store_conn *c = req_db(r);
    const char *field = NULL, *why = NULL;
    if (!one_of(kind, kinds))
        field = "kind", why = N_("Choose the kind of meeting: urgent, scheduled or clinical.");
    else if (!utc_time_valid(starts))
        field = "starts_at", why = N_("Give the start time in UTC as YYYY-MM-DDTHH:MM:SSZ.");
    else if (q && (!json_is_integer(q) || json_integer_value(q) < 1 || json_integer_value(q) > 50))
        field = "quorum", why = N_("The quorum is a number of agencies, at least 1.");
    else if (inv && !json_is_array(inv))
        field = "invited", why = N_("Choose agencies to invite.");
    size_t i;
    json_t *v;
    json_t *agencies = json_array();
    json_array_foreach(inv, i, v) {
        store_agency ag;
        if (why)
            break;
        if (!json_is_string(v) || store_agency_by_id(c, json_string_value(v), &ag) != STORE_OK)
            field = "invited", why = N_("Choose agencies to invite.");
        else
            json_array_append_new(agencies, json_string(ag.id));
    }
    if (why) {
        json_decref(agencies);
        json_decref(b);
        return refuse(r, field, why);
    }
    id_new(m.id);
    snprintf(m.territory_id, sizeof(m.territory_id), "%s", t.territory_id);
    snprintf(m.kind, sizeof(m.kind), "%s", kind);
    snprintf(m.starts_at, sizeof(m.starts_at), "%s", starts);
    /* The meeting's own quorum, else the territory's (a setting, 3 by
     * default), fixed when the meeting is convened. */
    store_territory_settings ts;
    if (!q && store_territory_settings_get(c, t.territory_id, &ts) != STORE_OK) {
        json_decref(agencies);
        json_decref(b);
        return -1;
    }
    m.quorum = q ? (int)json_integer_value(q) : ts.meeting_quorum;
    memcpy(m.created_by, r->user.id, sizeof(m.created_by));
    int has_place = place && *place; /* place lives in b, released next */
    m.place_enc = has_place ? req_encrypt(r, arena_printf(r->a, "meetings.place:%s", m.id), place) : NULL;
    json_decref(b);
    if ((has_place && !m.place_enc) || store_write_begin(c) != STORE_OK) {
        json_decref(agencies);
        return -1;
    }
    int rc = store_meeting_add(c, &m);
    json_array_foreach(agencies, i, v) {
        if (rc != STORE_OK)
            break;
        rc = store_meeting_invite(c, m.id, json_string_value(v), r->user.id);
        if (rc == STORE_CONFLICT) /* the same agency twice in the list */
            rc = STORE_OK;
    }
    json_decref(agencies);
    if (finish(r, c, rc, "create", "meeting", m.id, "kind,starts_at,place,quorum,invited") != STORE_OK)
        return -1;
    return resp_json(r, 201, json_pack("{s:s,s:i}", "id", m.id, "version", 1));
}

/* An agency invited sees the meeting and takes part in its situations. */
int api_meeting_invitation(req *r)
{
    static const char *const allowed[] = {"agency_id", NULL};
    const char *mid = req_param(r, 0);
    meeting_facts f;
    store_agency ag;
    json_t *b;
    if (!meeting_gate(r, mid, VERB_DECIDE, &f))
        return 0;
    if (body_of(r, allowed, &b) != 0)
        return 0;
    const char *agency = json_get_str(b, "agency_id");
    store_conn *c = req_db(r);
    int found = agency && store_agency_by_id(c, agency, &ag) == STORE_OK;
    json_decref(b);
    if (!found)
        return refuse(r, "agency_id", N_("Choose an agency."));
    json_t *sids = json_array(), *one = json_pack("[s]", ag.id);
    int rc = store_agenda_each(c, mid, collect_agenda, sids);
    if (rc == STORE_OK)
        rc = store_write_begin(c);
    if (rc != STORE_OK) {
        json_decref(sids);
        json_decref(one);
        return -1;
    }
    rc = store_meeting_invite(c, mid, ag.id, r->user.id);
    if (rc == STORE_OK)
        rc = participate(r, c, sids, one);
    json_decref(sids);
    json_decref(one);
    rc = finish(r, c, rc, "create", "meeting_invitation", arena_printf(r->a, "%s:%s", mid, ag.id), "agency_id");
    if (rc == STORE_CONFLICT)
        return resp_error(r, 409, "already_invited", N_("This agency is already invited."));
    return rc == STORE_OK ? resp_json(r, 201, json_pack("{s:s,s:s}", "meeting_id", mid, "agency_id", ag.id)) : -1;
}

/* A situation on the agenda: the invited agencies take part in it. */
int api_meeting_agenda(req *r)
{
    static const char *const allowed[] = {"situation_id", NULL};
    const char *mid = req_param(r, 0);
    meeting_facts f;
    store_situation_access acc;
    json_t *b;
    if (!meeting_gate(r, mid, VERB_DECIDE, &f))
        return 0;
    if (body_of(r, allowed, &b) != 0)
        return 0;
    const char *sid = arena_strdup(r->a, json_get_str(b, "situation_id"));
    json_decref(b);
    /* A situation the coordinator may decide on, of the meeting's territory;
     * missing and not visible are refused alike. */
    if (!sid || !situation_allowed(r, sid, VERB_DECIDE, &acc) || strcmp(acc.territory_id, f.m.territory_id) != 0)
        return refuse(r, "situation_id", N_("Choose a situation of the territory."));
    if (strcmp(acc.status, "closed") == 0)
        return refuse(r, "situation_id", N_("This situation is closed."));
    store_conn *c = req_db(r);
    json_t *agencies = json_array(), *one = json_pack("[s]", sid);
    int position = 0;
    int rc = store_meeting_invited_each(c, r->a, mid, collect_invited, agencies);
    if (rc == STORE_OK)
        rc = store_write_begin(c);
    if (rc != STORE_OK) {
        json_decref(agencies);
        json_decref(one);
        return -1;
    }
    rc = store_agenda_add(c, mid, sid, r->user.id, &position);
    if (rc == STORE_OK)
        rc = participate(r, c, one, agencies);
    if (rc == STORE_OK)
        rc = store_situation_event_add(c, sid, r->user.id, r->user.agency_id, "on_agenda", mid);
    json_decref(agencies);
    json_decref(one);
    rc = finish(r, c, rc, "create", "agenda", arena_printf(r->a, "%s:%s", mid, sid), "situation_id");
    if (rc == STORE_CONFLICT)
        return resp_error(r, 409, "already_on_agenda", N_("This situation is already on the agenda."));
    return rc == STORE_OK ? resp_json(r, 201, json_pack("{s:s,s:s,s:i}", "meeting_id", mid, "situation_id", sid,
                                                        "position", position))
                          : -1;
}

/* --- attendance and quorum --- */

int api_meeting_attendance(req *r)
{
    static const char *const allowed[] = {"agency_id", "undertaking_accepted", NULL};
    const char *mid = req_param(r, 0);
    meeting_facts f;
    json_t *b;
    if (!meeting_gate(r, mid, VERB_READ, &f))
        return 0;
    if (body_of(r, allowed, &b) != 0)
        return 0;
    const char *agency = arena_strdup(r->a, json_get_str(b, "agency_id"));
    int accepted = json_is_true(json_object_get(b, "undertaking_accepted"));
    json_decref(b);
    policy_target t = f.t;
    t.type = OBJ_ATTENDANCE;
    t.agency_id = agency;
    if (!auth_allow(r, VERB_CREATE, &t, 0))
        return 0;
    store_conn *c = req_db(r);
    int invited = 0;
    if (!agency || store_meeting_invited(c, mid, agency, &invited) != STORE_OK || !invited)
        return refuse(r, "agency_id", N_("Choose an agency invited to the meeting."));
    if (!accepted)
        return refuse(r, "undertaking_accepted",
                      N_("Each agency present must first accept the confidentiality undertaking: what is shared in "
                         "the meeting is used only to protect the persons at risk, and is not passed on."));
    int rc = store_write_begin(c);
    if (rc == STORE_OK)
        rc = store_attendance_record(c, mid, agency, r->user.id);
    if (finish(r, c, rc, "create", "attendance", arena_printf(r->a, "%s:%s", mid, agency),
               "agency_id,undertaking_accepted") != STORE_OK)
        return -1;
    json_t *quorum = quorum_of(r, &f.m);
    if (!quorum)
        return -1;
    return resp_json(r, 201, json_pack("{s:s,s:s,s:b,s:o}", "meeting_id", mid, "agency_id", agency,
                                       "undertaking_accepted", 1, "quorum", quorum));
}

/* --- minutes --- */

int api_meeting_minutes(req *r)
{
    static const char *const allowed[] = {"situation_id", "text", "decisions", "version", NULL};
    const char *mid = req_param(r, 0);
    meeting_facts f;
    json_t *b;
    if (!meeting_gate(r, mid, VERB_DECIDE, &f))
        return 0;
    if (body_of(r, allowed, &b) != 0)
        return 0;
    const char *sid = arena_strdup(r->a, json_get_str(b, "situation_id"));
    const char *text = json_get_str(b, "text"), *decisions = json_get_str(b, "decisions");
    json_t *ver = json_object_get(b, "version");
    store_conn *c = req_db(r);
    int on = 0;
    const char *field = NULL, *why = NULL;
    if (!sid || store_agenda_has(c, mid, sid, &on) != STORE_OK || !on)
        field = "situation_id", why = N_("Choose a situation on the agenda of this meeting.");
    else if ((!text || !*text) && (!decisions || !*decisions))
        field = "text", why = N_("Write the minutes or the decisions.");
    else if (ver && !json_is_integer(ver))
        field = "version", why = N_("The request could not be understood.");
    if (why) {
        json_decref(b);
        return refuse(r, field, why);
    }
    long long version = ver ? json_integer_value(ver) : 0;
    const char *text_enc = req_encrypt(r, arena_printf(r->a, "minutes.text:%s:%s", mid, sid), text);
    const char *dec_enc = req_encrypt(r, arena_printf(r->a, "minutes.decisions:%s:%s", mid, sid), decisions);
    int failed = (text && *text && !text_enc) || (decisions && *decisions && !dec_enc);
    json_decref(b);
    if (failed || store_write_begin(c) != STORE_OK)
        return -1;
    int rc = store_minutes_put(c, mid, sid, text_enc, dec_enc, r->user.id, version);
    if (rc == STORE_OK)
        rc = store_situation_event_add(c, sid, r->user.id, r->user.agency_id, "minutes", mid);
    rc = finish(r, c, rc, version ? "update" : "create", "minutes", arena_printf(r->a, "%s:%s", mid, sid),
                "text,decisions");
    if (rc == STORE_CONFLICT)
        return resp_error(r, 409, "stale_version",
                          N_("Someone changed these minutes since you opened them. Reload them and try again."));
    if (rc != STORE_OK)
        return -1;
    return resp_json(r, version ? 200 : 201, json_pack("{s:s,s:s,s:I}", "meeting_id", mid, "situation_id", sid,
                                                       "version", (json_int_t)(version + 1)));
}

/* --- the calendar invitation (RFC 5545) --- */

/* TEXT value escaping (RFC 5545 3.3.11). */
static void ics_text(buf *out, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '\\' || *p == ';' || *p == ',')
            buf_putc(out, '\\');
        if (*p == '\n') {
            buf_puts(out, "\\n");
            continue;
        }
        if (*p == '\r')
            continue;
        buf_putc(out, *p);
    }
}

/* "2025-06-01T14:00:00Z" -> "20250601T140000Z". */
static void ics_time(buf *out, const char *rfc3339)
{
    for (const char *p = rfc3339; *p; p++)
        if (*p != '-' && *p != ':')
            buf_putc(out, *p);
}

int api_meeting_calendar(req *r)
{
    const char *mid = req_param(r, 0);
    meeting_facts f;
    if (!meeting_gate(r, mid, VERB_READ, &f))
        return 0;
    const char *summary = strcmp(f.m.kind, "urgent") == 0      ? N_("Cell meeting (urgent)")
                          : strcmp(f.m.kind, "clinical") == 0 ? N_("Clinical concertation")
                                                               : N_("Cell meeting (scheduled)");
    char now[32];
    time_rfc3339(clock_now(), now, sizeof(now));
    buf out;
    buf_init(&out);
    buf_puts(&out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//filet//meetings//EN\r\nCALSCALE:GREGORIAN\r\n"
                   "METHOD:PUBLISH\r\nBEGIN:VEVENT\r\nUID:");
    buf_puts(&out, f.m.id);
    buf_puts(&out, "@filet\r\nDTSTAMP:");
    ics_time(&out, now);
    buf_puts(&out, "\r\nDTSTART:");
    ics_time(&out, f.m.starts_at);
    buf_puts(&out, "\r\nSEQUENCE:");
    buf_printf(&out, "%lld", f.m.version - 1);
    buf_puts(&out, "\r\nSUMMARY:");
    ics_text(&out, req_tr(r, summary));
    buf_puts(&out, "\r\nCLASS:CONFIDENTIAL\r\nTRANSP:OPAQUE\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
    int rc = -1;
    if (auth_audit(r, "read", "meeting", mid, "calendar") == 0) {
        resp_header(r, "Content-Disposition", "attachment; filename=\"filet-meeting.ics\"");
        rc = resp_text(r, 200, "text/calendar; charset=utf-8", buf_cstr(&out), out.len);
    }
    buf_free(&out);
    return rc;
}

/* --- research: what an invited agency brings about each situation --- */

/* The research policy's target for the caller, meeting f, situation sid;
 * 0 when the situation's facts cannot be read. */
static int research_target(req *r, const meeting_facts *f, const char *sid, policy_target *t)
{
    store_situation_access acc;
    char today[11];
    req_today(today);
    if (!id_valid(sid) ||
        store_situation_access_get(req_db(r), sid, r->user.agency_id, r->user.id, today, &acc) != STORE_OK)
        return 0;
    *t = (policy_target){.type = OBJ_RESEARCH, .territory_id = f->m.territory_id, .invited = f->invited,
                         .participates = acc.participates, .excluded = acc.excluded};
    return 1;
}

int research_allowed(req *r, const char *mid, const char *sid, policy_verb verb, const char **starts_at)
{
    meeting_facts f;
    policy_target t;
    memset(&f, 0, sizeof(f));
    store_conn *c = req_db(r);
    if (!id_valid(mid) || store_meeting_get(c, r->a, mid, &f.m) != STORE_OK ||
        store_meeting_invited(c, mid, r->user.agency_id, &f.invited) != STORE_OK || !research_target(r, &f, sid, &t))
        return 0;
    if (starts_at)
        *starts_at = arena_strdup(r->a, f.m.starts_at);
    return policy_check(&r->who, verb, &t);
}

typedef struct research_ctx {
    req *r;
    const meeting_facts *f;
    json_t *list;
    int failed;
} research_ctx;

static int research_cb(void *ctx, const char *sid, int position, int urgent)
{
    research_ctx *x = ctx;
    req *r = x->r;
    policy_target t;
    /* Only the situations whose research the caller may read: not even
     * the ids of the others. */
    if (!research_target(r, x->f, sid, &t) || !policy_check(&r->who, VERB_READ, &t))
        return 0;
    json_t *items = research_view(r, x->f->m.id, sid);
    if (!items) {
        x->failed = 1;
        return 1;
    }
    json_array_append_new(x->list, json_pack("{s:s,s:i,s:b,s:o}", "situation_id", sid, "position", position,
                                             "urgent", urgent, "research", items));
    return 0;
}

/* GET /api/v1/meetings/{id}/research */
int api_meeting_research(req *r)
{
    const char *mid = req_param(r, 0);
    meeting_facts f;
    if (!meeting_gate(r, mid, VERB_READ, &f))
        return 0;
    research_ctx x = {.r = r, .f = &f, .list = json_array()};
    if (store_agenda_each(req_db(r), mid, research_cb, &x) != STORE_OK || x.failed ||
        auth_audit(r, "read", "research", mid, "") != 0) {
        json_decref(x.list);
        return -1;
    }
    return resp_json(r, 200, json_pack("{s:s,s:s,s:o}", "meeting_id", mid, "starts_at", f.m.starts_at, "situations",
                                       x.list));
}

/* POST /api/v1/meetings/{id}/research: an information item of a situation
 * on the agenda, marked with the meeting (same rules as POST information). */
int api_meeting_research_add(req *r)
{
    const char *mid = req_param(r, 0);
    meeting_facts f;
    json_t *b = NULL, *out = NULL;
    char err[128];
    if (!meeting_gate(r, mid, VERB_READ, &f))
        return 0;
    if (json_body_parse(r->body.data ? r->body.data : "", r->body.len, &b, err, sizeof(err)) != 0)
        return resp_error(r, 400, "invalid_json", N_("The request could not be understood."));
    json_t *sv = json_object_get(b, "situation_id");
    const char *sid = arena_strdup(r->a, json_string_value(sv));
    json_object_del(b, "situation_id");
    store_situation_access acc;
    int on = 0;
    policy_target t;
    if (!sid || !*sid) {
        json_decref(b);
        return refuse(r, "situation_id", N_("Choose a situation on the agenda of this meeting."));
    }
    /* A situation the caller may not see answers as a missing one. */
    if (!situation_allowed(r, sid, VERB_READ, &acc)) {
        json_decref(b);
        return situation_not_visible(r, sid);
    }
    if (store_agenda_has(req_db(r), mid, sid, &on) != STORE_OK || !on) {
        json_decref(b);
        return refuse(r, "situation_id", N_("Choose a situation on the agenda of this meeting."));
    }
    if (!research_target(r, &f, sid, &t)) {
        json_decref(b);
        return -1;
    }
    if (!auth_allow(r, VERB_CREATE, &t, 0)) {
        json_decref(b);
        return 0;
    }
    int rc = research_create(r, sid, mid, b, NULL, &out);
    json_decref(b);
    if (rc != 0 || !out)
        return rc;
    json_object_set_new(out, "situation_id", json_string(sid));
    return resp_json(r, 201, out);
}
