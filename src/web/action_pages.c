/*
 * action_pages.c - the pages of the safety net, on the same functions as
 * the JSON API (web/actions.c):
 *
 *   the "Safety net" section of GET /situations/{id}   (api_situation_actions)
 *   POST /situations/{id}/actions            add an action (api_action_create);
 *                                            "suggest": the form again, with
 *                                            the suggested actions of the phase;
 *                                            from the meeting screen's quick
 *                                            form, back to the screen
 *                                            (meeting_pages.c)
 *   POST /situations/{id}/actions/{aid}      status and note (api_action_update)
 *   GET  /actions                            the caller's agency's actions
 *
 * Access: the API handlers ask the policy (OBJ_ACTION); a situation the
 * caller may not see is a 404, recorded. Forms are turned into the API's
 * JSON body; a refusal (422) or a stale version (409) brings the situation
 * page back with the message next to the form and what was typed kept.
 * Everything works without JavaScript.
 */
#include "web/action_pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/id.h"
#include "lib/log.h"
#include "store/actions.h"
#include "store/situations.h"
#include "web/actions.h"
#include "web/auth.h"
#include "web/meeting_pages.h"
#include "web/situation_pages.h"
#include "web/situations.h"
#include "web/vocab.h"

#define BAD_REQUEST_MSG N_("The request could not be understood.")
#define STALE_MSG N_("Someone changed this action since you opened it. Reload it and try again.")

static const char *const phase_ids[] = {"first_contact_safety", "risk_assessment_safety_plan", "protective_orders",
                                        "child_protection", "perpetrator_monitoring", "relocation",
                                        "long_term_recovery", NULL};
static const char *const status_ids[] = {"planned", "in_progress", "done", "cancelled", "blocked", NULL};

/* A form that came back (refused, stale, or "suggest"): which one, what
 * was typed, the message. Set by a POST handler for the one render of the
 * situation page it asks for; the request is served by one thread. */
typedef struct form_state {
    const char *aid; /* NULL: the "add an action" form */
    const form *f;
    const char *error;
} form_state;

static _Thread_local const form_state *came_back;

static const char *nz(const char *s)
{
    return s ? s : "";
}

static const char *typed(const form *f, const char *name)
{
    const char *v = f ? form_get(f, name) : NULL;
    return v ? v : "";
}

/* A form value, or NULL when absent or empty. */
static const char *val(const form *f, const char *name)
{
    const char *v = f ? form_get(f, name) : NULL;
    return v && *v ? v : NULL;
}

/* Puts body (stolen) into the request as the JSON an API handler reads,
 * then runs the handler: its policy, rules and version check apply. */
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

/* The JSON the API handler just wrote into r->out (NULL if none). */
static json_t *api_answer(req *r)
{
    json_error_t jerr;
    return r->out.data && r->out.len ? json_loadb(r->out.data, r->out.len, 0, &jerr) : NULL;
}

/* The message of the API handler's JSON refusal. */
static const char *api_message(req *r)
{
    json_t *o = api_answer(r);
    const char *m = json_string_value(json_object_get(json_object_get(o, "error"), "message"));
    const char *copy = arena_strdup(r->a, m ? m : req_tr(r, BAD_REQUEST_MSG));
    json_decref(o);
    return copy;
}

/* ------------------------------------------------------- the section */

/* "Name (role)" of each person of the situation page, by id. */
static json_t *person_names(req *r, json_t *sit)
{
    json_t *names = json_object(), *p;
    size_t i;
    json_array_foreach(json_object_get(sit, "persons"), i, p) {
        const char *id = json_string_value(json_object_get(p, "id"));
        const char *name = json_string_value(json_object_get(p, "name"));
        const char *role = json_string_value(json_object_get(p, "role_label"));
        if (!id)
            continue;
        json_object_set_new(names, id, json_string(arena_printf(r->a, "%s%s%s%s", nz(name), name && *name ? " (" : "",
                                                                nz(role), name && *name ? ")" : "")));
    }
    return names;
}

static json_t *options(req *r, const char *const *ids, const char *(*label)(const char *), const char *chosen)
{
    json_t *out = json_array();
    for (size_t i = 0; ids[i]; i++)
        json_array_append_new(out, json_pack("{s:s,s:s,s:b}", "value", ids[i], "label", req_tr(r, label(ids[i])),
                                             "selected", chosen && strcmp(chosen, ids[i]) == 0));
    return out;
}

/* The suggested actions of phase (data/suggested-actions.json), in the
 * page's language; the typed one selected. */
static json_t *suggestions(req *r, const char *phase, const char *chosen)
{
    char path[1200];
    json_error_t jerr;
    json_t *out = json_array(), *s;
    size_t k;
    if (!phase || !action_phase_valid(phase))
        return out;
    snprintf(path, sizeof(path), "%s/data/suggested-actions.json", r->app->cfg.share_dir);
    json_t *all = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    int fr = strcmp(r->lang, "fr") == 0;
    json_array_foreach(json_object_get(json_object_get(all, "phases"), phase), k, s) {
        const char *sec = json_string_value(json_object_get(s, "sector"));
        const char *title = json_string_value(json_object_get(s, fr ? "fr" : "en"));
        if (!sec || !title)
            continue;
        json_array_append_new(out, json_pack("{s:s,s:s,s:b}", "value", title, "label",
                                             arena_printf(r->a, "%s — %s", req_tr(r, vocab_sector(sec)), title),
                                             "selected", chosen && strcmp(chosen, title) == 0));
    }
    json_decref(all);
    return out;
}

typedef struct agencies_ctx {
    req *r;
    const char *territory_id, *chosen;
    json_t *options;
} agencies_ctx;

static int agencies_cb(void *ctx, const store_agency *a)
{
    agencies_ctx *x = ctx;
    if (strcmp(a->territory_id, x->territory_id) != 0)
        return 0;
    json_array_append_new(x->options, json_pack("{s:s,s:s,s:b}", "value", a->id, "label",
                                                arena_printf(x->r->a, "%s (%s)", a->name,
                                                             req_tr(x->r, vocab_sector(a->sector))),
                                                "selected", x->chosen && strcmp(x->chosen, a->id) == 0));
    return 0;
}

json_t *action_owner_options(req *r, const char *territory_id, const char *chosen)
{
    agencies_ctx ax = {.r = r, .territory_id = territory_id, .chosen = chosen, .options = json_array()};
    if (store_agencies_each(req_db(r), agencies_cb, &ax) != STORE_OK) {
        json_decref(ax.options);
        return NULL;
    }
    return ax.options;
}

json_t *action_phase_options(req *r, const char *chosen)
{
    return options(r, phase_ids, vocab_phase, chosen);
}

/* The "add an action" form, with what was typed (f, may be NULL). */
static json_t *add_form(req *r, json_t *sit, const char *territory_id, const form *f, const char *error)
{
    const char *phase = val(f, "phase"), *suggestion = val(f, "suggestion");
    const char *title = typed(f, "title");
    /* "Suggest" with a suggestion chosen and no title yet: pre-fill it. */
    if (!*title && suggestion)
        title = suggestion;
    json_t *persons = json_array(), *p;
    size_t i;
    const char *chosen = val(f, "protects");
    json_array_foreach(json_object_get(sit, "persons"), i, p) {
        const char *id = json_string_value(json_object_get(p, "id"));
        if (!id)
            continue;
        json_array_append_new(persons, json_pack("{s:s,s:s,s:b}", "value", id, "label",
                                                 arena_printf(r->a, "%s (%s)", nz(json_get_str(p, "name")),
                                                              nz(json_get_str(p, "role_label"))),
                                                 "selected", chosen && strcmp(chosen, id) == 0));
    }
    json_t *owners = action_owner_options(r, territory_id, val(f, "owner_agency_id"));
    if (!owners) {
        json_decref(persons);
        return NULL;
    }
    json_t *o = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o}", "title", title, "due_on", typed(f, "due_on"), "phases",
                          action_phase_options(r, phase), "persons", persons, "agencies", owners,
                          "suggestions", suggestions(r, phase, suggestion));
    if (error)
        json_object_set_new(o, "error", json_string(error));
    return o;
}

/* Labels, dates and the follow-up form of one action of the API's net. */
static void action_for_page(req *r, json_t *a)
{
    const char *id = nz(json_get_str(a, "id"));
    const form_state *cb = came_back && came_back->aid && strcmp(came_back->aid, id) == 0 ? came_back : NULL;
    const char *status = json_get_str(a, "status");
    json_object_set_new(a, "phase_label", json_string(req_tr(r, vocab_phase(json_get_str(a, "phase")))));
    json_object_set_new(a, "status_label", json_string(req_tr(r, vocab_action_status(status))));
    if (!json_is_true(json_object_get(a, "can_update")))
        return;
    const char *chosen = cb ? val(cb->f, "status") : status;
    json_t *fo = json_pack("{s:o,s:s,s:s}", "statuses", options(r, status_ids, vocab_action_status, chosen), "note",
                           cb ? typed(cb->f, "note") : "", "reason", cb ? typed(cb->f, "reason") : "");
    if (cb && cb->error)
        json_object_set_new(fo, "error", json_string(cb->error));
    json_object_set_new(a, "form", fo);
}

int action_pages_section(req *r, json_t *d, const char *sid)
{
    store_situation_access acc;
    int status = r->status;
    if (!situation_allowed(r, sid, VERB_READ, &acc))
        return 0;
    policy_target t = {.type = OBJ_ACTION, .territory_id = acc.territory_id, .participates = acc.participates,
                       .excluded = acc.excluded};
    if (!policy_check(&r->who, VERB_LIST, &t))
        return 0;
    buf_reset(&r->out);
    if (api_situation_actions(r) != 0)
        return -1;
    json_t *net = r->status == 200 ? api_answer(r) : NULL;
    buf_reset(&r->out);
    r->status = status;
    if (!net)
        return 0;
    json_t *sit = json_object_get(d, "sit");
    json_t *names = person_names(r, sit), *g, *a;
    size_t i, k;
    int any = 0;
    json_array_foreach(json_object_get(net, "safety_net"), i, g) {
        json_t *person = json_object_get(g, "person");
        const char *pid = json_get_str(person, "id");
        json_object_set_new(g, "name", json_string(nz(json_string_value(json_object_get(names, nz(pid))))));
        json_array_foreach(json_object_get(g, "actions"), k, a) {
            action_for_page(r, a);
            any = 1;
        }
    }
    json_decref(names);
    json_t *section = json_pack("{s:O,s:b}", "groups", json_object_get(net, "safety_net"), "any", any);
    json_decref(net);
    int open = strcmp(nz(json_get_str(sit, "status")), "closed") != 0;
    if (open && policy_check(&r->who, VERB_CREATE, &t)) {
        const form_state *cb = came_back && !came_back->aid ? came_back : NULL;
        json_t *af = add_form(r, sit, acc.territory_id, cb ? cb->f : NULL, cb ? cb->error : NULL);
        if (!af) {
            json_decref(section);
            return -1;
        }
        json_object_set_new(section, "add", af);
    }
    if (req_query(r, "action_added"))
        json_object_set_new(section, "notice", json_string(req_tr(r, N_("The action has been added to the safety net."))));
    else if (req_query(r, "action_updated"))
        json_object_set_new(section, "notice", json_string(req_tr(r, N_("The follow-up of the action has been recorded."))));
    json_object_set_new(d, "safety_net", section);
    return 0;
}

/* The situation page again, for the form that came back, with status. */
static int came_back_page(req *r, int status, const form_state *st)
{
    came_back = st;
    int rc = page_situation(r);
    came_back = NULL;
    if (rc == 0 && r->status == 200)
        r->status = status;
    return rc;
}

/* ---------------------------------------------------------- the forms */

/* POST /situations/{id}/actions */
int page_action_create(req *r)
{
    const char *sid = req_param(r, 0);
    store_situation_access acc;
    form f;
    if (!situation_allowed(r, sid, VERB_READ, &acc))
        return situation_not_visible(r, sid);
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", BAD_REQUEST_MSG);
    if (form_get(&f, "suggest")) {
        form_state st = {.f = &f};
        return came_back_page(r, 200, &st);
    }
    /* From the meeting screen: the minutes typed there are kept first. */
    if (meeting_screen_keep_minutes(r, sid, &f) != 0)
        return -1;
    const char *title = val(&f, "title");
    if (!title)
        title = val(&f, "suggestion");
    json_t *b = json_pack("{s:s,s:s,s:s,s:s}", "title", nz(title), "phase", typed(&f, "phase"), "protects",
                          typed(&f, "protects"), "owner_agency_id", typed(&f, "owner_agency_id"));
    if (b && val(&f, "due_on"))
        json_object_set_new(b, "due_on", json_string(val(&f, "due_on")));
    int rc = call_api(r, b, api_action_create);
    if (rc != 0)
        return rc;
    if (r->status == 201 || r->status == 422) {
        int screen = meeting_screen_action_answer(r, sid, &f, r->status, r->status == 422 ? api_message(r) : NULL);
        if (screen != 1)
            return screen;
    }
    if (r->status == 201)
        return resp_redirect(r, arena_printf(r->a, "/situations/%s?action_added=1#safety-net", sid));
    if (r->status != 422)
        return 0; /* answered by the API handler, as a page */
    form_state st = {.f = &f, .error = api_message(r)};
    return came_back_page(r, 422, &st);
}

/* POST /situations/{id}/actions/{aid} */
int page_action_update(req *r)
{
    const char *sid = req_param(r, 0), *aid = req_param(r, 1);
    store_action x;
    store_situation_access acc;
    form f;
    /* The action must be one of a situation the caller sees; else as if
     * missing. Refusals are recorded against the situation, as for the
     * other forms of the page. */
    if (!situation_allowed(r, sid, VERB_READ, &acc) || !id_valid(aid) ||
        store_action_get(req_db(r), r->a, aid, &x) != STORE_OK || strcmp(x.situation_id, sid) != 0)
        return situation_not_visible(r, sid);
    policy_target t = {.type = OBJ_ACTION, .territory_id = acc.territory_id, .participates = acc.participates,
                       .excluded = acc.excluded, .owner_agency_id = x.owner_agency_id};
    if (!policy_check(&r->who, VERB_UPDATE, &t))
        return auth_refuse(r, "situation", sid, 0);
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", BAD_REQUEST_MSG);
    json_t *b = json_object();
    const char *v;
    char *end = NULL;
    const char *ver = typed(&f, "version");
    long long n = strtoll(ver, &end, 10);
    json_object_set_new(b, "version", end && end != ver && *end == '\0' ? json_integer(n) : json_string(ver));
    if ((v = val(&f, "status")))
        json_object_set_new(b, "status", json_string(v));
    if ((v = val(&f, "note")))
        json_object_set_new(b, "note", json_string(v));
    if ((v = val(&f, "reason")))
        json_object_set_new(b, "reason", json_string(v));
    /* api_action_update reads the action's id as the route's first
     * parameter: hand it the action's. */
    const char *saved = r->m.params[0];
    r->m.params[0] = aid;
    int rc = call_api(r, b, api_action_update);
    r->m.params[0] = saved;
    if (rc != 0)
        return rc;
    if (r->status == 200)
        return resp_redirect(r, arena_printf(r->a, "/situations/%s?action_updated=1#action-%s", sid, aid));
    if (r->status != 409 && r->status != 422)
        return 0; /* 403, 404, 400: answered by the API handler, as a page */
    int status = r->status;
    form_state st = {.aid = aid, .f = &f, .error = status == 409 ? req_tr(r, STALE_MSG) : api_message(r)};
    return came_back_page(r, status, &st);
}

/* ------------------------------------------------------ my actions */

typedef struct mine_ctx {
    req *r;
    const char *today;
    json_t *list;
} mine_ctx;

static int mine_cb(void *ctx, const store_action *a)
{
    mine_ctx *x = ctx;
    req *r = x->r;
    policy_target t = {.type = OBJ_ACTION, .territory_id = a->territory_id, .participates = a->participates,
                       .owner_agency_id = a->owner_agency_id};
    if (!policy_check(&r->who, VERB_READ, &t))
        return 0;
    const char *title = req_decrypt(r, arena_printf(r->a, "actions.title:%s", a->id), a->title_enc);
    int overdue = a->due_on && strcmp(a->due_on, x->today) < 0 && strcmp(a->status, "done") != 0 &&
                  strcmp(a->status, "cancelled") != 0;
    json_array_append_new(x->list, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "id", a->id, "situation_id",
                                             a->situation_id, "title", nz(title), "phase_label",
                                             req_tr(r, vocab_phase(a->phase)), "status_label",
                                             req_tr(r, vocab_action_status(a->status)), "due_on", nz(a->due_on),
                                             "overdue", overdue));
    return 0;
}

/* GET /actions: the rows of GET /api/v1/actions?mine=1, overdue first. */
int page_actions_mine(req *r)
{
    char today[11];
    req_today(today);
    mine_ctx x = {.r = r, .today = today, .list = json_array()};
    policy_target any = {.type = OBJ_ACTION, .territory_id = r->agency.territory_id, .participates = 1};
    int coordinator = policy_coordinates(&r->who, r->agency.territory_id);
    int cell = policy_check(&r->who, VERB_LIST, &any);
    if (cell && store_actions_mine_each(req_db(r), r->a, r->user.agency_id, r->agency.territory_id, coordinator,
                                        r->user.id, today, mine_cb, &x) != STORE_OK) {
        json_decref(x.list);
        return -1;
    }
    /* Overdue first (stable: the store's order otherwise). */
    json_t *sorted = json_array(), *a;
    size_t i;
    for (int pass = 1; pass >= 0; pass--)
        json_array_foreach(x.list, i, a) {
            if (json_is_true(json_object_get(a, "overdue")) == pass)
                json_array_append(sorted, a);
        }
    json_decref(x.list);
    if (auth_audit(r, "read", "action_list", "", "") != 0) {
        json_decref(sorted);
        return -1;
    }
    return resp_page(r, 200, "actions", N_("My agency's actions"),
                     json_pack("{s:o,s:b}", "actions", sorted, "no_content", !cell));
}
