/*
 * actions.c - the safety net; see actions.h.
 *
 * Rules (the one policy, OBJ_ACTION): whoever sees a situation reads its
 * actions; its participants and coordinator create them; only the owner
 * agency's users and the coordinator update one (another participant: 403;
 * anyone who may not see the situation: 404, as for a missing id).
 * Need to know: an agency that owns an action takes part in the situation -
 * if it did not, it becomes a participant (basis "action_owner") in the
 * same transaction as the action. Titles, blocked reasons and notes are
 * personal text: encrypted, bound to their row.
 */
#include "web/actions.h"

#include <stdio.h>
#include <string.h>

#include "core/dates.h"
#include "lib/id.h"
#include "lib/log.h"
#include "store/actions.h"
#include "store/situations.h"
#include "web/auth.h"
#include "web/situations.h"

#define TITLE_MAX 1000
#define NOTE_MAX 8000

static const char *const phases[] = {"first_contact_safety", "risk_assessment_safety_plan", "protective_orders",
                                     "child_protection", "perpetrator_monitoring", "relocation",
                                     "long_term_recovery", NULL};
static const char *const statuses[] = {"planned", "in_progress", "done", "cancelled", "blocked", NULL};

static int one_of(const char *s, const char *const *set)
{
    for (size_t i = 0; s && set[i]; i++)
        if (strcmp(s, set[i]) == 0)
            return 1;
    return 0;
}

int action_phase_valid(const char *phase)
{
    return one_of(phase, phases);
}

/* Parses the JSON body and checks its keys (400 on either failure). */
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

/* 422: a rule refused the request; field names what to correct. */
static int refuse(req *r, const char *field, const char *msg)
{
    return resp_json(r, 422, json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "action_refused", "message",
                                       req_tr(r, msg), "field", field));
}

/* Commits a write (audit row included) or rolls back; see sharing.c. */
static int finish(req *r, store_conn *c, int rc, const char *action, const char *id, const char *fields)
{
    audit_event e;
    auth_event(r, &e, action, "action", id, fields);
    if (rc == STORE_OK)
        rc = audit_append(c, app_keys(r->app), &e);
    if (rc != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        if (rc != STORE_CONFLICT && rc != STORE_NOTFOUND)
            log_error("event=write_failed action=%s object=action rc=%d", action, rc);
        return rc == STORE_OK ? STORE_ERR : rc;
    }
    store_read_begin(c);
    return STORE_OK;
}

static int overdue(const store_action *x, const char *today)
{
    return x->due_on && strcmp(x->due_on, today) < 0 && strcmp(x->status, "done") != 0 &&
           strcmp(x->status, "cancelled") != 0;
}

/* The facts of the policy about action x for the caller. */
static int action_allowed(req *r, const store_action *x, const store_situation_access *acc, policy_verb verb)
{
    policy_target t = {.type = OBJ_ACTION, .territory_id = acc->territory_id, .participates = acc->participates,
                       .excluded = acc->excluded, .owner_agency_id = x->owner_agency_id};
    return policy_check(&r->who, verb, &t);
}

/* One action as the API shows it (notes added by the caller). */
static json_t *action_json(req *r, const store_action *x, const char *today)
{
    const char *title = req_decrypt(r, arena_printf(r->a, "actions.title:%s", x->id), x->title_enc);
    const char *why = req_decrypt(r, arena_printf(r->a, "actions.blocked_reason:%s", x->id), x->blocked_reason_enc);
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:o,s:b,s:s,s:s,s:I}", "id", x->id, "situation_id",
                     x->situation_id, "title", title ? title : "", "phase", x->phase, "protects", x->protects_person_id,
                     "owner_agency_id", x->owner_agency_id, "owner_agency",
                     x->owner_agency_name ? x->owner_agency_name : "", "owner_user_id",
                     x->owner_user_id ? json_string(x->owner_user_id) : json_null(), "due_on",
                     x->due_on ? json_string(x->due_on) : json_null(), "status", x->status, "blocked_reason",
                     why ? json_string(why) : json_null(), "overdue", overdue(x, today), "created_at",
                     x->created_at ? x->created_at : "", "updated_at", x->updated_at ? x->updated_at : "",
                     "version", (json_int_t)x->version);
}

/* --- the protected person: an id or a referral ref of the situation --- */

typedef struct find_ctx {
    const char *want;
    char id[STORE_ID_LEN + 1];
    int found;
} find_ctx;

static int find_cb(void *ctx, const store_sperson *p)
{
    find_ctx *f = ctx;
    if (strcmp(p->person_id, f->want) == 0 || (p->ref && strcmp(p->ref, f->want) == 0)) {
        memcpy(f->id, p->person_id, sizeof(f->id));
        f->found = 1;
    }
    return f->found;
}

/* --- creating --- */

int api_action_create(req *r)
{
    static const char *const allowed[] = {"title", "phase", "protects", "owner_agency_id", "owner_user_id",
                                          "due_on", NULL};
    const char *sid = req_param(r, 0);
    store_situation_access acc;
    store_agency ag;
    store_user ou;
    json_t *b = NULL;
    char today[11], aid[ID_LEN + 1];
    int rc;
    if (!situation_allowed(r, sid, VERB_READ, &acc))
        return situation_not_visible(r, sid);
    policy_target t = {.type = OBJ_ACTION, .territory_id = acc.territory_id, .participates = acc.participates,
                       .excluded = acc.excluded};
    if (!auth_allow(r, VERB_CREATE, &t, 0))
        return 0;
    if (body_of(r, allowed, &b) != 0)
        return 0;
    /* Copies: the body is released before the write. */
    const char *title = arena_strdup(r->a, json_get_str(b, "title"));
    const char *phase = arena_strdup(r->a, json_get_str(b, "phase"));
    const char *protects = arena_strdup(r->a, json_get_str(b, "protects"));
    const char *owner = arena_strdup(r->a, json_get_str(b, "owner_agency_id"));
    const char *owner_user = arena_strdup(r->a, json_get_str(b, "owner_user_id"));
    const char *due = arena_strdup(r->a, json_get_str(b, "due_on"));
    json_t *due_j = json_object_get(b, "due_on");
    int due_bad = due_j && !json_is_null(due_j) && !json_is_string(due_j);
    json_decref(b);
    store_conn *c = req_db(r);
    find_ctx pf = {.want = protects};
    if (!title || !*title || strlen(title) > TITLE_MAX)
        return refuse(r, "title", N_("Write what is to be done (at most 1000 characters)."));
    if (!one_of(phase, phases))
        return refuse(r, "phase", N_("Choose the phase of the action."));
    if (!protects || !*protects || store_situation_persons_each(c, r->a, sid, find_cb, &pf) != STORE_OK || !pf.found)
        return refuse(r, "protects", N_("Choose a person of this situation: the one the action protects, or the perpetrator it targets."));
    if (!owner || !id_valid(owner) || store_agency_by_id(c, owner, &ag) != STORE_OK)
        return refuse(r, "owner_agency_id", N_("Choose the agency that owns the action."));
    if (owner_user && (store_user_by_id(c, owner_user, &ou) != STORE_OK || strcmp(ou.agency_id, owner) != 0))
        return refuse(r, "owner_user_id", N_("Choose a user of the owner agency."));
    if (due_bad || (due && date_parse(due, NULL, NULL, NULL) != 0))
        return refuse(r, "due_on", N_("Give the due date as YYYY-MM-DD."));
    /* Does the owner agency take part (live)? If not, it will. */
    store_situation_access oacc;
    req_today(today);
    if (store_situation_access_get(c, sid, owner, NULL, today, &oacc) != STORE_OK)
        return -1;
    id_new(aid);
    store_action x;
    memset(&x, 0, sizeof(x));
    memcpy(x.id, aid, sizeof(x.id));
    snprintf(x.situation_id, sizeof(x.situation_id), "%s", sid);
    x.title_enc = req_encrypt(r, arena_printf(r->a, "actions.title:%s", aid), title);
    snprintf(x.phase, sizeof(x.phase), "%s", phase);
    memcpy(x.protects_person_id, pf.id, sizeof(x.protects_person_id));
    memcpy(x.owner_agency_id, ag.id, sizeof(x.owner_agency_id));
    x.owner_user_id = owner_user;
    x.due_on = due;
    memcpy(x.created_by, r->user.id, sizeof(x.created_by));
    if (!x.title_enc || store_write_begin(c) != STORE_OK)
        return -1;
    rc = store_action_add(c, &x);
    if (rc == STORE_OK && !oacc.participates) {
        rc = store_participation_add(c, sid, ag.id, "action_owner", NULL, r->user.id);
        if (rc == STORE_OK)
            rc = store_situation_event_add(c, sid, r->user.id, r->user.agency_id, "participant_added", ag.id);
    }
    if (rc == STORE_OK)
        rc = store_situation_event_add(c, sid, r->user.id, r->user.agency_id, "action_created", phase);
    if (finish(r, c, rc, "create", aid, "title,phase,protects,owner_agency_id,owner_user_id,due_on") != STORE_OK)
        return -1;
    return resp_json(r, 201, json_pack("{s:s,s:s,s:s,s:i,s:b}", "id", aid, "situation_id", sid, "protects", pf.id,
                                       "version", 1, "owner_joined", !oacc.participates));
}

/* --- the safety net of a situation --- */

typedef struct net_ctx {
    req *r;
    const store_situation_access *acc;
    const char *today;
    json_t *notes;     /* action id -> [notes] */
    json_t *by_person; /* person id -> [actions] */
} net_ctx;

static int note_cb(void *ctx, const store_action_note *n)
{
    net_ctx *x = ctx;
    req *r = x->r;
    const char *text = req_decrypt(r, arena_printf(r->a, "action_notes.text:%s", n->id), n->text_enc);
    json_t *list = json_object_get(x->notes, n->action_id);
    if (!list) {
        list = json_array();
        json_object_set_new(x->notes, n->action_id, list);
    }
    json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s}", "author_id", n->author, "author",
                                          n->author_name ? n->author_name : "", "at", n->at ? n->at : "", "text",
                                          text ? text : ""));
    return 0;
}

static int net_action_cb(void *ctx, const store_action *a)
{
    net_ctx *x = ctx;
    json_t *o = action_json(x->r, a, x->today);
    json_t *notes = json_object_get(x->notes, a->id);
    json_object_set_new(o, "notes", notes ? json_incref(notes) : json_array());
    json_object_set_new(o, "can_update", json_boolean(action_allowed(x->r, a, x->acc, VERB_UPDATE)));
    json_t *list = json_object_get(x->by_person, a->protects_person_id);
    if (!list) {
        list = json_array();
        json_object_set_new(x->by_person, a->protects_person_id, list);
    }
    json_array_append_new(list, o);
    return 0;
}

typedef struct group_ctx {
    json_t *by_person;
    json_t *groups;
} group_ctx;

static int group_cb(void *ctx, const store_sperson *p)
{
    group_ctx *g = ctx;
    json_t *list = json_object_get(g->by_person, p->person_id);
    list = list ? json_incref(list) : json_array();
    json_array_append_new(g->groups, json_pack("{s:{s:s,s:s,s:s},s:o}", "person", "id", p->person_id, "ref",
                                               p->ref ? p->ref : "", "role", p->role, "actions", list));
    return 0;
}

int api_situation_actions(req *r)
{
    const char *sid = req_param(r, 0);
    store_situation_access acc;
    char today[11];
    if (!situation_allowed(r, sid, VERB_READ, &acc))
        return situation_not_visible(r, sid);
    policy_target t = {.type = OBJ_ACTION, .territory_id = acc.territory_id, .participates = acc.participates,
                       .excluded = acc.excluded};
    if (!auth_allow(r, VERB_LIST, &t, 0))
        return 0;
    req_today(today);
    store_conn *c = req_db(r);
    net_ctx x = {.r = r, .acc = &acc, .today = today, .notes = json_object(), .by_person = json_object()};
    group_ctx g = {.by_person = x.by_person, .groups = json_array()};
    int rc = store_action_notes_each(c, r->a, sid, note_cb, &x);
    if (rc == STORE_OK)
        rc = store_actions_each(c, r->a, sid, net_action_cb, &x);
    if (rc == STORE_OK)
        rc = store_situation_persons_each(c, r->a, sid, group_cb, &g);
    json_decref(x.notes);
    json_decref(x.by_person);
    if (rc != STORE_OK || auth_audit(r, "read", "actions", sid, "") != 0) {
        json_decref(g.groups);
        return -1;
    }
    return resp_json(r, 200, json_pack("{s:s,s:s,s:o}", "situation_id", sid, "today", today, "safety_net", g.groups));
}

/* --- following up --- */

int api_action_update(req *r)
{
    static const char *const allowed[] = {"status", "note", "reason", "version", NULL};
    const char *aid = req_param(r, 0);
    store_action x;
    store_situation_access acc;
    json_t *b = NULL;
    char today[11], nid[ID_LEN + 1];
    store_conn *c = req_db(r);
    req_today(today);
    /* An action is seen through its situation: not visible, not found. */
    if (!id_valid(aid) || store_action_get(c, r->a, aid, &x) != STORE_OK ||
        store_situation_access_get(c, x.situation_id, r->user.agency_id, r->user.id, today, &acc) != STORE_OK ||
        !action_allowed(r, &x, &acc, VERB_READ))
        return auth_refuse(r, "action", id_valid(aid) ? aid : "", 1);
    if (!action_allowed(r, &x, &acc, VERB_UPDATE))
        return auth_refuse(r, "action", aid, 0);
    if (body_of(r, allowed, &b) != 0)
        return 0;
    const char *status = arena_strdup(r->a, json_get_str(b, "status"));
    const char *note = arena_strdup(r->a, json_get_str(b, "note"));
    const char *reason = arena_strdup(r->a, json_get_str(b, "reason"));
    json_t *ver = json_object_get(b, "version");
    int ver_ok = json_is_integer(ver);
    long long version = ver_ok ? json_integer_value(ver) : 0;
    int status_given = json_object_get(b, "status") != NULL;
    json_decref(b);
    if (!ver_ok)
        return refuse(r, "version", N_("Give the version of the action you read."));
    if (status_given && !one_of(status, statuses))
        return refuse(r, "status", N_("Choose the status of the action."));
    if (!status && (!note || !*note))
        return refuse(r, "note", N_("Change the status or write a follow-up note."));
    if (note && strlen(note) > NOTE_MAX)
        return refuse(r, "note", N_("The note is too long (at most 8000 characters)."));
    const char *next = status ? status : x.status;
    int blocked = strcmp(next, "blocked") == 0;
    /* Blocked needs its reason: the one given now, or the one on record. */
    const char *why = reason && *reason ? reason : NULL;
    if (blocked && !why && !(strcmp(x.status, "blocked") == 0 && x.blocked_reason_enc))
        return refuse(r, "reason", N_("Say why the action is blocked."));
    const char *why_enc = x.blocked_reason_enc;
    if (!blocked)
        why_enc = NULL;
    else if (why && !(why_enc = req_encrypt(r, arena_printf(r->a, "actions.blocked_reason:%s", aid), why)))
        return -1;
    const char *note_enc = NULL;
    if (note && *note) {
        id_new(nid);
        if (!(note_enc = req_encrypt(r, arena_printf(r->a, "action_notes.text:%s", nid), note)))
            return -1;
    }
    if (store_write_begin(c) != STORE_OK)
        return -1;
    int rc = store_action_update(c, aid, version, next, why_enc);
    if (rc == STORE_OK && note_enc)
        rc = store_action_note_add(c, nid, aid, r->user.id, note_enc);
    if (rc == STORE_OK && strcmp(next, x.status) != 0)
        rc = store_situation_event_add(c, x.situation_id, r->user.id, r->user.agency_id, "action_status", next);
    rc = finish(r, c, rc, "update", aid, note_enc ? "status,blocked_reason,note" : "status,blocked_reason");
    if (rc == STORE_CONFLICT)
        return resp_error(r, 409, "stale_version",
                          N_("Someone changed this action since you opened it. Reload it and try again."));
    if (rc != STORE_OK)
        return -1;
    return resp_json(r, 200, json_pack("{s:s,s:s,s:I}", "id", aid, "status", next, "version",
                                       (json_int_t)(version + 1)));
}

/* --- each agency's own list --- */

typedef struct mine_ctx {
    req *r;
    const char *today;
    json_t *list;
} mine_ctx;

static int mine_cb(void *ctx, const store_action *a)
{
    mine_ctx *x = ctx;
    store_situation_access acc;
    memset(&acc, 0, sizeof(acc));
    memcpy(acc.territory_id, a->territory_id, sizeof(acc.territory_id));
    acc.participates = a->participates;
    /* The store already left out what the caller may not see; ask anyway. */
    if (!action_allowed(x->r, a, &acc, VERB_READ))
        return 0;
    json_t *o = action_json(x->r, a, x->today);
    json_object_set_new(o, "can_update", json_boolean(action_allowed(x->r, a, &acc, VERB_UPDATE)));
    json_array_append_new(x->list, o);
    return 0;
}

int api_actions_mine(req *r)
{
    const char *mine = req_query(r, "mine");
    char today[11];
    if (!mine || strcmp(mine, "1") != 0)
        return resp_error(r, 400, "bad_query", N_("The request could not be understood."));
    req_today(today);
    mine_ctx x = {.r = r, .today = today, .list = json_array()};
    /* Roles that see no situation (admins, auditors) get an empty list. */
    policy_target any = {.type = OBJ_ACTION, .territory_id = r->agency.territory_id, .participates = 1};
    int coordinator = policy_coordinates(&r->who, r->agency.territory_id);
    if (policy_check(&r->who, VERB_LIST, &any) &&
        store_actions_mine_each(req_db(r), r->a, r->user.agency_id, r->agency.territory_id, coordinator, r->user.id,
                                today, mine_cb, &x) != STORE_OK) {
        json_decref(x.list);
        return -1;
    }
    if (auth_audit(r, "read", "action_list", "", "") != 0) {
        json_decref(x.list);
        return -1;
    }
    return resp_json(r, 200, json_pack("{s:s,s:o}", "today", today, "actions", x.list));
}

/* --- suggested actions (data/suggested-actions.json) --- */

int api_suggested_actions(req *r)
{
    const char *phase = req_query(r, "phase"), *sector = req_query(r, "sector");
    char path[1200];
    json_error_t jerr;
    policy_target t = {.type = OBJ_INSTRUMENT}; /* reference data */
    if (!auth_allow(r, VERB_READ, &t, 0))
        return 0;
    if (phase && *phase && !one_of(phase, phases))
        return resp_error(r, 400, "bad_query", N_("The request could not be understood."));
    if (sector && *sector && !policy_sector_valid(sector))
        return resp_error(r, 400, "bad_query", N_("The request could not be understood."));
    snprintf(path, sizeof(path), "%s/data/suggested-actions.json", r->app->cfg.share_dir);
    json_t *all = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    json_t *by_phase = json_object_get(all, "phases");
    if (!json_is_object(by_phase)) {
        log_error("event=suggested_actions_unreadable line=%d", jerr.line);
        json_decref(all);
        return -1;
    }
    int fr = strcmp(r->lang, "fr") == 0;
    json_t *out = json_array();
    for (size_t i = 0; phases[i]; i++) {
        if (phase && *phase && strcmp(phase, phases[i]) != 0)
            continue;
        size_t k;
        json_t *s;
        json_array_foreach(json_object_get(by_phase, phases[i]), k, s) {
            const char *sec = json_string_value(json_object_get(s, "sector"));
            const char *t_fr = json_string_value(json_object_get(s, "fr"));
            const char *t_en = json_string_value(json_object_get(s, "en"));
            if (!sec || !t_fr || !t_en || (sector && *sector && strcmp(sector, sec) != 0))
                continue;
            json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s,s:s}", "phase", phases[i], "sector", sec,
                                                 "title", fr ? t_fr : t_en, "fr", t_fr, "en", t_en));
        }
    }
    json_decref(all);
    return resp_json(r, 200, json_pack("{s:o}", "suggestions", out));
}
