/*
 * sharing.c - need-to-know sharing; see sharing.h.
 *
 * s. 59.1, P-39.1 s. 18.1, LPJ s. 39 and 72.8: every piece of
 * information brought to a situation records its category, the sharing
 * agency and user, the legal basis and, unless it is the victim's consent,
 * a justification; a decision NOT to share is recorded the same way with
 * its reason. The register answers "what was shared, by whom, with whom,
 * when, and why" - without the contents.
 */
#include "web/sharing.h"

#include <stdio.h>
#include <string.h>

#include "core/dates.h"
#include "lib/id.h"
#include "lib/log.h"
#include "sec/fieldcrypt.h"
#include "store/sharing.h"
#include "store/situations.h"
#include "web/auth.h"
#include "web/meetings.h"
#include "web/situations.h"
#include "web/vocab.h"

static const char *const categories[] = {"incident_history", "criminal_record", "protective_order",
                                         "child_protection", "health", "mental_health", "addiction",
                                         "housing", "weapons_access", "other", NULL};
static const char *const bases[] = {"consent", "safety_exception", "duty_to_report", "court_order", NULL};

static int one_of(const char *s, const char *const *set)
{
    for (size_t i = 0; s && set[i]; i++)
        if (strcmp(s, set[i]) == 0)
            return 1;
    return 0;
}

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

static int refuse(req *r, json_t *errors, const char *field, const char *msg)
{
    if (errors) {
        json_array_append_new(errors, json_pack("{s:s,s:s}", "field", field, "message", req_tr(r, msg)));
        return -2;
    }
    return resp_json(r, 422, json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "sharing_refused", "message",
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

/* --- participants --- */

typedef struct part_ctx {
    req *r;
    const char *sid;
    json_t *list;
} part_ctx;

static int part_cb(void *ctx, const store_participant *p)
{
    part_ctx *x = ctx;
    json_array_append_new(x->list, json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "agency_id", p->agency_id, "agency",
                                             p->agency_name, "sector", p->sector, "basis", p->basis, "since",
                                             p->added_at ? p->added_at : "", "ends_on",
                                             p->ends_on ? json_string(p->ends_on) : json_null()));
    return 0;
}

int api_participants(req *r)
{
    const char *sid = req_param(r, 0);
    store_situation_access acc;
    if (!situation_allowed(r, sid, VERB_READ, &acc))
        return situation_not_visible(r, sid);
    part_ctx x = {.r = r, .sid = sid, .list = json_array()};
    if (store_participants_each(req_db(r), r->a, sid, part_cb, &x) != STORE_OK) {
        json_decref(x.list);
        return -1;
    }
    return resp_json(r, 200, json_pack("{s:o}", "participants", x.list));
}

/* The coordinator adds an agency to a situation, on a basis, with a
 * justification (participation is what makes a situation visible). */
int api_participant_add(req *r)
{
    static const char *const allowed[] = {"agency_id", "basis", "justification", "ends_on", NULL};
    const char *sid = req_param(r, 0);
    store_situation_access acc;
    store_agency ag;
    json_t *b;
    int y, m, d;
    if (!situation_gate(r, sid, VERB_DECIDE, &acc))
        return 0;
    if (body_of(r, allowed, &b) != 0)
        return 0;
    /* Copies: the body is released before the answer is built. */
    const char *agency = arena_strdup(r->a, json_get_str(b, "agency_id")), *basis = arena_strdup(r->a, json_get_str(b, "basis"));
    const char *just = arena_strdup(r->a, json_get_str(b, "justification")), *ends = arena_strdup(r->a, json_get_str(b, "ends_on"));
    store_conn *c = req_db(r);
    int rc;
    if (!agency || store_agency_by_id(c, agency, &ag) != STORE_OK)
        rc = refuse(r, NULL, "agency_id", N_("Choose an agency."));
    else if (!one_of(basis, bases))
        rc = refuse(r, NULL, "basis", N_("Choose the legal basis of this participation."));
    else if (strcmp(basis, "consent") != 0 && (!just || !*just))
        rc = refuse(r, NULL, "justification", N_("Explain why this legal basis applies."));
    else if (ends && date_parse(ends, &y, &m, &d) != 0)
        rc = refuse(r, NULL, "ends_on", N_("Give the end date as YYYY-MM-DD."));
    else
        rc = 1;
    if (rc != 1) {
        json_decref(b);
        return rc;
    }
    const char *just_enc = req_encrypt(r, arena_printf(r->a, "participations.justification:%s:%s", sid, agency), just);
    if (store_write_begin(c) != STORE_OK) {
        json_decref(b);
        return -1;
    }
    rc = store_participation_add(c, sid, agency, basis, just_enc, r->user.id);
    if (rc == STORE_OK && ends)
        rc = store_participation_end(c, sid, agency, ends);
    if (rc == STORE_OK)
        rc = store_situation_event_add(c, sid, r->user.id, r->user.agency_id, "participant_added", agency);
    json_decref(b);
    if (finish(r, c, rc, "create", "participation", arena_printf(r->a, "%s:%s", sid, agency),
               "agency_id,basis,justification") != STORE_OK)
        return -1;
    return resp_json(r, 201, json_pack("{s:s,s:s}", "situation_id", sid, "agency_id", agency));
}

/* Sets (or clears with null) the end date of an agency's participation. */
int api_participant_end(req *r)
{
    static const char *const allowed[] = {"ends_on", NULL};
    const char *sid = req_param(r, 0), *agency = req_param(r, 1);
    store_situation_access acc;
    json_t *b;
    int y, m, d;
    if (!situation_gate(r, sid, VERB_DECIDE, &acc))
        return 0;
    if (body_of(r, allowed, &b) != 0)
        return 0;
    const char *ends = json_get_str(b, "ends_on");
    if (ends && date_parse(ends, &y, &m, &d) != 0) {
        json_decref(b);
        return refuse(r, NULL, "ends_on", N_("Give the end date as YYYY-MM-DD."));
    }
    store_conn *c = req_db(r);
    int rc = store_write_begin(c);
    if (rc == STORE_OK)
        rc = store_participation_end(c, sid, agency, ends);
    json_decref(b);
    rc = finish(r, c, rc, "update", "participation", arena_printf(r->a, "%s:%s", sid, agency), "ends_on");
    if (rc == STORE_NOTFOUND)
        return resp_error(r, 404, "not_found", N_("This agency does not take part in the situation."));
    return rc == STORE_OK ? resp_json(r, 200, json_pack("{s:s}", "agency_id", agency)) : -1;
}

/* --- information --- */

typedef struct info_ctx {
    req *r;
    const char *sid;
    int coordinator;
    const char *excluded_sectors;
    json_t *list;
} info_ctx;

static int info_cb(void *ctx, const store_info *x)
{
    info_ctx *c = ctx;
    req *r = c->r;
    const char *meeting_at = NULL;
    /* Research for a meeting: only for those who may read that meeting's
     * research (the one policy, OBJ_RESEARCH); nobody else learns of it. */
    if (x->meeting_id[0] && !research_allowed(r, x->meeting_id, x->situation_id, VERB_READ, &meeting_at))
        return 0;
    json_t *o = json_pack("{s:s,s:s,s:b,s:s,s:s,s:s,s:s,s:b,s:I}", "id", x->id, "category", x->category,
                          "shared", x->shared, "basis", x->basis, "shared_by", x->agency_name ? x->agency_name : "",
                          "shared_by_agency_id", x->agency_id, "at", x->created_at ? x->created_at : "",
                          "sensitive", x->sensitive, "version", (json_int_t)x->version);
    if (x->meeting_id[0]) {
        json_object_set_new(o, "meeting_id", json_string(x->meeting_id));
        json_object_set_new(o, "meeting_starts_at", json_string(meeting_at ? meeting_at : ""));
    }
    policy_item it = {.coordinator = c->coordinator, .visible_to = x->visible_to, .shared_by_agency = x->agency_id,
                      .basis = x->basis, .excluded_sectors = c->excluded_sectors};
    if (!policy_item_visible(&r->who, &it)) {
        /* It exists, and who to ask - never its value. */
        json_object_set_new(o, "restricted", json_true());
        json_object_set_new(o, "ask", json_string(x->agency_name ? x->agency_name : ""));
    } else {
        const char *content = req_decrypt(r, arena_printf(r->a, "information.content:%s", x->id), x->content_enc);
        const char *reason = req_decrypt(r, arena_printf(r->a, "information.reason:%s", x->id), x->reason_enc);
        const char *just = req_decrypt(r, arena_printf(r->a, "information.justification:%s", x->id), x->justification_enc);
        if (content)
            json_object_set_new(o, "content", json_string(content));
        if (reason)
            json_object_set_new(o, "reason", json_string(reason));
        if (just)
            json_object_set_new(o, "justification", json_string(just));
        /* The end and release dates are the item's: for its readers only. */
        if (x->expires_on)
            json_object_set_new(o, "expires_on", json_string(x->expires_on));
        if (x->release_on)
            json_object_set_new(o, "release_on", json_string(x->release_on));
    }
    json_array_append_new(c->list, o);
    return 0;
}

json_t *information_view(req *r, const char *sid)
{
    return research_view(r, NULL, sid);
}

json_t *research_view(req *r, const char *mid, const char *sid)
{
    store_situation s;
    store_conn *c = req_db(r);
    if (store_situation_get(c, r->a, sid, &s) != STORE_OK)
        return NULL;
    info_ctx x = {.r = r, .sid = sid, .excluded_sectors = s.consent_excluded_sectors, .list = json_array(),
                  .coordinator = policy_coordinates(&r->who, s.territory_id)};
    if ((mid ? store_research_each(c, r->a, mid, sid, info_cb, &x) : store_info_each(c, r->a, sid, info_cb, &x)) !=
        STORE_OK) {
        json_decref(x.list);
        return NULL;
    }
    return x.list;
}

int api_information(req *r)
{
    const char *sid = req_param(r, 0);
    store_situation_access acc;
    if (!situation_allowed(r, sid, VERB_READ, &acc))
        return situation_not_visible(r, sid);
    json_t *list = information_view(r, sid);
    if (!list || auth_audit(r, "read", "information", sid, "") != 0) {
        json_decref(list);
        return -1;
    }
    return resp_json(r, 200, json_pack("{s:o}", "information", list));
}

/* visible_to: participating agencies only (plus one's own). */
typedef struct vis_ctx {
    const char *id;
    int found;
} vis_ctx;

static int vis_cb(void *ctx, const store_participant *p)
{
    vis_ctx *v = ctx;
    if (strcmp(p->agency_id, v->id) == 0)
        v->found = 1;
    return v->found;
}

int information_create(req *r, const char *sid, json_t *b, json_t *errors, json_t **out)
{
    return research_create(r, sid, NULL, b, errors, out);
}

int research_create(req *r, const char *sid, const char *mid, json_t *b, json_t *errors, json_t **out)
{
    static const char *const allowed[] = {"category", "content", "basis", "justification", "visible_to",
                                          "sensitive", "expires_on", "release_on", "shared", "reason", NULL};
    const char *unknown = NULL;
    store_situation s;
    char iid[ID_LEN + 1];
    int y, m, d;
    if (json_body_check_keys(b, allowed, &unknown) != 0) {
        if (errors)
            return refuse(r, errors, unknown, N_("Unknown field."));
        return resp_error(r, 400, "unknown_field", N_("The request could not be understood."));
    }
    json_t *sh = json_object_get(b, "shared");
    int shared = !sh || json_is_true(sh);
    const char *category = json_get_str(b, "category"), *content = json_get_str(b, "content"), *basis = json_get_str(b, "basis");
    const char *just = json_get_str(b, "justification"), *reason = json_get_str(b, "reason"), *expires = json_get_str(b, "expires_on");
    const char *release = json_get_str(b, "release_on");
    store_conn *c = req_db(r);
    if (store_situation_get(c, r->a, sid, &s) != STORE_OK)
        return -1;
    if (!one_of(category, categories))
        return refuse(r, errors, "category", N_("Choose the kind of information."));
    if (shared && (!content || !*content))
        return refuse(r, errors, "content", N_("Write the information to share."));
    if (!shared && (!reason || !*reason))
        return refuse(r, errors, "reason", N_("Give the reason for not sharing."));
    if (shared && !one_of(basis, bases))
        return refuse(r, errors, "basis", N_("Choose the legal basis for sharing this."));
    if (shared && strcmp(basis, "consent") == 0 && strcmp(s.consent_status, "given") != 0)
        return refuse(r, errors, "basis", N_("The victim has not consented: choose another legal basis, or do not share."));
    if (shared && strcmp(basis, "consent") != 0 && (!just || !*just))
        return refuse(r, errors, "justification", N_("Explain why this legal basis applies."));
    if (expires && date_parse(expires, &y, &m, &d) != 0)
        return refuse(r, errors, "expires_on", N_("Give the end date as YYYY-MM-DD."));
    if ((release && date_parse(release, &y, &m, &d) != 0) ||
        (!release && json_object_get(b, "release_on") && !json_is_null(json_object_get(b, "release_on"))))
        return refuse(r, errors, "release_on", N_("Give the release date as YYYY-MM-DD."));
    buf vis;
    buf_init(&vis);
    json_t *vt = json_object_get(b, "visible_to");
    if (vt && !json_is_array(vt)) {
        buf_free(&vis);
        return refuse(r, errors, "visible_to", N_("Choose agencies that take part in this situation."));
    }
    size_t i;
    json_t *v;
    json_array_foreach(vt, i, v) {
        vis_ctx vc = {.id = json_string_value(v)};
        if (!vc.id || store_participants_each(c, r->a, sid, vis_cb, &vc) != STORE_OK || !vc.found) {
            buf_free(&vis);
            return refuse(r, errors, "visible_to", N_("Choose agencies that take part in this situation."));
        }
        buf_printf(&vis, "%s%s", vis.len ? "," : "", vc.id);
    }
    int sensitive = json_is_true(json_object_get(b, "sensitive"));
    /* A sensitive item with nobody named: the sharing agency (and, by role,
     * the coordinator) only. */
    if (sensitive && vis.len == 0)
        buf_puts(&vis, r->user.agency_id);
    id_new(iid);
    store_info x;
    memset(&x, 0, sizeof(x));
    memcpy(x.id, iid, sizeof(x.id));
    memcpy(x.situation_id, s.id, sizeof(x.situation_id));
    snprintf(x.category, sizeof(x.category), "%s", category);
    x.shared = shared;
    x.content_enc = shared ? req_encrypt(r, arena_printf(r->a, "information.content:%s", iid), content) : NULL;
    x.reason_enc = !shared ? req_encrypt(r, arena_printf(r->a, "information.reason:%s", iid), reason) : NULL;
    snprintf(x.basis, sizeof(x.basis), "%s", shared ? basis : "none");
    x.justification_enc = req_encrypt(r, arena_printf(r->a, "information.justification:%s", iid), just);
    x.visible_to = arena_strdup(r->a, buf_cstr(&vis));
    buf_free(&vis);
    x.sensitive = sensitive;
    x.expires_on = expires;
    x.release_on = release;
    memcpy(x.agency_id, r->user.agency_id, sizeof(x.agency_id));
    memcpy(x.user_id, r->user.id, sizeof(x.user_id));
    if (mid)
        snprintf(x.meeting_id, sizeof(x.meeting_id), "%s", mid);
    if ((shared && !x.content_enc) || (!shared && !x.reason_enc) || store_write_begin(c) != STORE_OK)
        return -1;
    int rc = store_info_add(c, &x);
    if (rc == STORE_OK)
        rc = store_situation_event_add(c, sid, r->user.id, r->user.agency_id, shared ? "information_shared" : "not_shared",
                                       category);
    if (finish(r, c, rc, shared ? "disclose" : "withhold", "information", iid,
               mid ? "meeting_id,situation_id,category,content,basis,justification,visible_to"
                   : "category,content,basis,justification,visible_to") != STORE_OK)
        return -1;
    *out = json_pack("{s:s,s:b,s:i}", "id", iid, "shared", shared, "version", 1);
    if (mid)
        json_object_set_new(*out, "meeting_id", json_string(mid));
    return 0;
}

int api_information_add(req *r)
{
    const char *sid = req_param(r, 0);
    store_situation_access acc;
    json_t *b = NULL, *out = NULL;
    char err[128];
    if (!situation_allowed(r, sid, VERB_UPDATE, &acc))
        return situation_not_visible(r, sid);
    if (json_body_parse(r->body.data ? r->body.data : "", r->body.len, &b, err, sizeof(err)) != 0)
        return resp_error(r, 400, "invalid_json", N_("The request could not be understood."));
    int rc = information_create(r, sid, b, NULL, &out);
    json_decref(b);
    if (rc != 0 || !out)
        return rc;
    return resp_json(r, 201, out);
}

/* --- exclusions and contact visibility --- */

int api_exclusion_add(req *r)
{
    static const char *const allowed[] = {"user_id", "reason", NULL};
    const char *sid = req_param(r, 0);
    store_situation_access acc;
    store_user u;
    json_t *b;
    if (!situation_gate(r, sid, VERB_DECIDE, &acc))
        return 0;
    if (body_of(r, allowed, &b) != 0)
        return 0;
    const char *uid = json_get_str(b, "user_id"), *reason = json_get_str(b, "reason");
    store_conn *c = req_db(r);
    int rc;
    if (!uid || store_user_by_id(c, uid, &u) != STORE_OK)
        rc = refuse(r, NULL, "user_id", N_("Choose a user."));
    else if (strcmp(uid, r->user.id) == 0)
        rc = refuse(r, NULL, "user_id", N_("You cannot exclude yourself: ask another coordinator."));
    else if (!reason || !*reason)
        rc = refuse(r, NULL, "reason", N_("Give the reason for the exclusion."));
    else
        rc = 1;
    if (rc != 1) {
        json_decref(b);
        return rc;
    }
    const char *reason_enc = req_encrypt(r, arena_printf(r->a, "exclusions.reason:%s:%s", sid, uid), reason);
    json_decref(b);
    if (!reason_enc || store_write_begin(c) != STORE_OK)
        return -1;
    rc = store_exclusion_add(c, sid, u.id, reason_enc, r->user.id);
    if (rc == STORE_OK)
        rc = store_situation_event_add(c, sid, r->user.id, r->user.agency_id, "user_excluded", "");
    rc = finish(r, c, rc, "create", "exclusion", arena_printf(r->a, "%s:%s", sid, u.id), "user_id,reason");
    if (rc == STORE_CONFLICT)
        return resp_error(r, 409, "already_excluded", N_("This user is already excluded from the situation."));
    return rc == STORE_OK ? resp_json(r, 201, json_pack("{s:s,s:s}", "situation_id", sid, "user_id", u.id)) : -1;
}

/* Who may read a person's safe address and phone: the coordinator names
 * participating agencies. */
int api_contact_visibility(req *r)
{
    static const char *const allowed[] = {"visible_to", NULL};
    const char *sid = req_param(r, 0), *pid = req_param(r, 1);
    store_situation_access acc;
    json_t *b;
    if (!situation_gate(r, sid, VERB_DECIDE, &acc))
        return 0;
    if (body_of(r, allowed, &b) != 0)
        return 0;
    store_conn *c = req_db(r);
    json_t *vt = json_object_get(b, "visible_to");
    buf vis;
    buf_init(&vis);
    size_t i;
    json_t *v;
    int ok = json_is_array(vt);
    json_array_foreach(vt, i, v) {
        vis_ctx vc = {.id = json_string_value(v)};
        if (!vc.id || store_participants_each(c, r->a, sid, vis_cb, &vc) != STORE_OK || !vc.found)
            ok = 0;
        else
            buf_printf(&vis, "%s%s", vis.len ? "," : "", vc.id);
    }
    json_decref(b);
    if (!ok) {
        buf_free(&vis);
        return refuse(r, NULL, "visible_to", N_("Choose agencies that take part in this situation."));
    }
    int rc = store_write_begin(c);
    if (rc == STORE_OK)
        rc = store_contact_visible_set(c, sid, pid, buf_cstr(&vis));
    buf_free(&vis);
    rc = finish(r, c, rc, "update", "person", pid, "visible_to");
    if (rc == STORE_NOTFOUND)
        return resp_error(r, 404, "not_found", N_("The page you asked for does not exist or is not available to you."));
    return rc == STORE_OK ? resp_json(r, 200, json_pack("{s:s}", "person_id", pid)) : -1;
}

/* --- the disclosure register --- */

typedef struct reg_ctx {
    req *r;
    json_t *list;
} reg_ctx;

static int reg_cb(void *ctx, const store_info *x)
{
    reg_ctx *c = ctx;
    json_t *with = json_array();
    for (const char *p = x->visible_to; p && *p;) {
        size_t len = strcspn(p, ",");
        json_array_append_new(with, json_stringn(p, len));
        p += len + (p[len] == ',');
    }
    /* With whom, truly: what was shared under the victim's consent did not
     * go to the sectors her consent excludes. */
    json_t *except = json_array();
    if (strcmp(x->basis, "consent") == 0)
        for (const char *p = x->consent_excluded_sectors; p && *p;) {
            size_t len = strcspn(p, ",");
            json_array_append_new(except, json_stringn(p, len));
            p += len + (p[len] == ',');
        }
    const char *just = req_decrypt(c->r, arena_printf(c->r->a, "information.justification:%s", x->id), x->justification_enc);
    const char *reason = req_decrypt(c->r, arena_printf(c->r->a, "information.reason:%s", x->id), x->reason_enc);
    json_array_append_new(c->list, json_pack("{s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:s,s:o,s:s,s:o,s:o}", "id", x->id,
                                             "situation_id", x->situation_id, "category", x->category, "shared",
                                             x->shared, "by_agency", x->agency_name ? x->agency_name : "",
                                             "by_agency_id", x->agency_id, "by_user_id", x->user_id, "basis",
                                             x->basis, "with", json_array_size(with) ? with : (json_decref(with), json_string("all_participants")),
                                             "at", x->created_at ? x->created_at : "",
                                             "justification", just ? json_string(just) : json_null(),
                                             "reason", reason ? json_string(reason) : json_null()));
    json_object_set_new(json_array_get(c->list, json_array_size(c->list) - 1), "except_sectors", except);
    return 0;
}


/* GET /api/v1/disclosures?situation_id=&from=&to=&format=csv
 * Coordinators of the territory and auditors (A-2.1 s. 59.1: a register of
 * the communications made under the safety exception, and the others). */
int api_disclosures(req *r)
{
    const char *sid = req_query(r, "situation_id"), *from = req_query(r, "from"), *to = req_query(r, "to");
    const char *format = req_query(r, "format");
    policy_target t = {.type = OBJ_REGISTER, .territory_id = r->agency.territory_id};
    if (!auth_allow(r, format && strcmp(format, "csv") == 0 ? VERB_EXPORT : VERB_LIST, &t, 0))
        return 0;
    int y, m, d;
    if ((from && date_parse(from, &y, &m, &d) != 0) || (to && date_parse(to, &y, &m, &d) != 0))
        return resp_error(r, 400, "bad_date", N_("Give dates as YYYY-MM-DD."));
    reg_ctx x = {.r = r, .list = json_array()};
    if (store_register_each(req_db(r), r->a, r->agency.territory_id, sid && *sid ? sid : NULL, from,
                            to ? arena_printf(r->a, "%sT99", to) : NULL, reg_cb, &x) != STORE_OK) {
        json_decref(x.list);
        return -1;
    }
    int csv = format && strcmp(format, "csv") == 0;
    if (auth_audit(r, csv ? "export" : "read", "disclosures", sid ? sid : "", "") != 0) {
        json_decref(x.list);
        return -1;
    }
    if (!csv)
        return resp_json(r, 200, json_pack("{s:o}", "disclosures", x.list));
    buf out;
    buf_init(&out);
    buf_puts(&out, "\xEF\xBB\xBF\"at\",\"situation_id\",\"category\",\"shared\",\"by_agency\",\"by_user_id\","
                   "\"basis\",\"with\",\"except_sectors\",\"justification\",\"reason\"\r\n");
    size_t i;
    json_t *row;
    json_array_foreach(x.list, i, row) {
        const char *cols[] = {"at", "situation_id", "category", NULL, "by_agency", "by_user_id", "basis"};
        for (size_t k = 0; k < 7; k++) {
            if (k)
                buf_putc(&out, ',');
            buf_put_csv(&out, cols[k] ? json_string_value(json_object_get(row, cols[k]))
                                   : (json_is_true(json_object_get(row, "shared")) ? "yes" : "no"));
        }
        buf_putc(&out, ',');
        json_t *with = json_object_get(row, "with");
        char *w = json_is_array(with) ? json_dumps(with, JSON_COMPACT) : NULL;
        buf_put_csv(&out, w ? w : json_string_value(with));
        free(w);
        buf_putc(&out, ',');
        char *ex = json_dumps(json_object_get(row, "except_sectors"), JSON_COMPACT);
        buf_put_csv(&out, ex);
        free(ex);
        buf_putc(&out, ',');
        buf_put_csv(&out, json_string_value(json_object_get(row, "justification")));
        buf_putc(&out, ',');
        buf_put_csv(&out, json_string_value(json_object_get(row, "reason")));
        buf_puts(&out, "\r\n");
    }
    json_decref(x.list);
    resp_header(r, "Content-Disposition", "attachment; filename=\"filet-disclosures.csv\"");
    int rc = resp_text(r, 200, "text/csv; charset=utf-8", buf_cstr(&out), out.len);
    buf_free(&out);
    return rc;
}

/* The legal bases explained in the caller's language, with the law of the
 * territory's jurisdiction (data/legal-bases.json): [{id, explanation,
 * law}], a new reference, or NULL when the file cannot be read. */
json_t *legal_bases(req *r)
{
    char path[1200];
    json_error_t jerr;
    snprintf(path, sizeof(path), "%s/data/legal-bases.json", r->app->cfg.share_dir);
    json_t *all = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    json_t *j = all ? json_object_get(all, "qc") : NULL;
    if (!j) {
        json_decref(all);
        return NULL;
    }
    json_t *out = json_array();
    for (size_t i = 0; bases[i]; i++) {
        json_t *b = json_object_get(json_object_get(j, "bases"), bases[i]);
        const char *text = json_string_value(json_object_get(b, strcmp(r->lang, "fr") == 0 ? "fr" : "en"));
        const char *law = json_string_value(json_object_get(b, "law"));
        json_array_append_new(out, json_pack("{s:s,s:s,s:s}", "id", bases[i], "explanation", text ? text : "",
                                             "law", law ? law : ""));
    }
    json_decref(all);
    return out;
}

int api_legal_bases(req *r)
{
    policy_target t = {.type = OBJ_INSTRUMENT}; /* reference data */
    if (!auth_allow(r, VERB_READ, &t, 0))
        return 0;
    json_t *out = legal_bases(r);
    if (!out)
        return -1;
    return resp_json(r, 200, json_pack("{s:o}", "bases", out));
}
