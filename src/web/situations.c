/*
 * situations.c - referrals, the situation's view, triage and alerts.
 *
 * Every personal value is encrypted before it reaches the store, bound to
 * its row and column (fieldcrypt AAD); matching a person across referrals
 * uses a keyed hash of the normalised name and birth date, and only when a
 * birth date is known (names alone would merge strangers).
 * Need to know: a situation the caller may not see is answered exactly like
 * a missing one (404), and the refusal is recorded.
 */
#include "web/situations.h"

#include <stdio.h>
#include <string.h>

#include "core/dates.h"
#include "core/person.h"
#include "core/triage.h"
#include "lib/id.h"
#include "lib/log.h"
#include "sec/fieldcrypt.h"
#include "jobs/alertlist.h"
#include "store/alerts.h"
#include "store/sharing.h"
#include "store/situations.h"
#include "web/auth.h"
#include "web/sharing.h"
#include "web/vocab.h"

#define MAX_PERSONS 32
#define SUMMARY_MAX 20000
#define TEXT_MAX 4000

static const char *aad(req *r, const char *kind, const char *a1, const char *a2)
{
    return a2 ? arena_printf(r->a, "%s:%s:%s", kind, a1, a2) : arena_printf(r->a, "%s:%s", kind, a1);
}

/* --- validation --- */

static void problem(json_t *errors, const char *field, const char *msg)
{
    json_array_append_new(errors, json_pack("{s:s,s:s}", "field", field, "message", msg));
}

static int flag(json_t *o, const char *k)
{
    return json_is_true(json_object_get(o, k));
}

/* 1 when o holds only keys of allowed; else reports the first other one
 * and sets *seen (a field the API does not know is 400, not 422). */
static int keys_ok(req *r, json_t *o, const char *const *allowed, const char *where, json_t *errors, int *seen)
{
    const char *unknown = NULL;
    if (json_body_check_keys(o, allowed, &unknown) == 0)
        return 1;
    *seen = 1;
    problem(errors, arena_printf(r->a, "%s%s", where, unknown), req_tr(r, N_("Unknown field.")));
    return 0;
}

static int basis_valid(const char *b)
{
    return b && (strcmp(b, "consent") == 0 || strcmp(b, "safety_exception") == 0 ||
                 strcmp(b, "duty_to_report") == 0 || strcmp(b, "court_order") == 0);
}

typedef struct ref_person {
    const char *ref, *role, *given, *family, *birth, *address, *phone, *due;
    int unborn, child_of_perpetrator, stepchild;
    char id[ID_LEN + 1];
    char hash[65];
    int existing;
} ref_person;

typedef struct referral {
    const char *summary, *consent_status, *scope, *conditions, *basis, *justification;
    const char *excluded; /* comma-separated sectors */
    int perpetrator_unknown, incidents_12m;
    int flags[7];
    int unknown_field; /* the body names a field the API does not know */
    ref_person p[MAX_PERSONS];
    size_t n;
    struct {
        size_t from, to;
        const char *kind;
    } rel[MAX_PERSONS * 2];
    size_t nrel;
} referral;

static const char *const flag_names[7] = {"mental_health", "addiction", "child_maltreatment", "separation",
                                          "release_from_custody", "court_date", "imminent_threat"};

/* Reads and checks a referral; every problem goes into errors (so a form
 * shows them all at once). Returns 0 if the referral is acceptable. */
static int referral_check(req *r, json_t *b, referral *f, json_t *errors)
{
    static const char *const top[] = {"summary", "persons", "consent", "legal_basis", "justification",
                                      "perpetrator_unknown", "incidents_12m", "complexity", "urgency",
                                      "relationships", NULL};
    static const char *const rel_keys[] = {"from", "to", "kind", NULL};
    static const char *const kinds[] = {"partner", "ex_partner", "parent", "step_parent", "new_partner",
                                        "relative", NULL};
    static const char *const person_keys[] = {"ref", "role", "given_name", "family_name", "birth_date",
                                              "safe_address", "safe_phone", "unborn", "due_date",
                                              "child_of_perpetrator", "stepchild", NULL};
    static const char *const consent_keys[] = {"status", "scope", "conditions", "excluded_sectors", NULL};
    static const char *const cx_keys[] = {"mental_health", "addiction", "child_maltreatment", NULL};
    static const char *const ur_keys[] = {"separation", "release_from_custody", "court_date", "imminent_threat", NULL};
    char now[11];
    req_today(now);
    memset(f, 0, sizeof(*f));
    f->incidents_12m = -1;
    keys_ok(r, b, top, "", errors, &f->unknown_field);

    f->summary = json_get_str(b, "summary");
    if (!f->summary || !*f->summary)
        problem(errors, "summary", req_tr(r, N_("Describe what happened.")));
    else if (strlen(f->summary) > SUMMARY_MAX)
        problem(errors, "summary", req_tr(r, N_("This text is too long.")));

    json_t *c = json_object_get(b, "consent");
    if (!json_is_object(c)) {
        problem(errors, "consent.status", req_tr(r, N_("Say whether the victim consented to the sharing.")));
        c = NULL;
    } else {
        keys_ok(r, c, consent_keys, "consent.", errors, &f->unknown_field);
        f->consent_status = json_get_str(c, "status");
        if (!f->consent_status || (strcmp(f->consent_status, "given") && strcmp(f->consent_status, "refused") &&
                                   strcmp(f->consent_status, "not_sought")))
            problem(errors, "consent.status", req_tr(r, N_("Say whether the victim consented to the sharing.")));
        f->scope = json_get_str(c, "scope");
        f->conditions = json_get_str(c, "conditions");
        json_t *ex = json_object_get(c, "excluded_sectors");
        if (ex) {
            size_t i;
            json_t *v;
            buf sb;
            buf_init(&sb);
            json_array_foreach(ex, i, v) {
                const char *sec = json_string_value(v);
                if (!sec || !policy_sector_valid(sec)) {
                    problem(errors, "consent.excluded_sectors", req_tr(r, N_("Unknown sector.")));
                    continue;
                }
                if (sb.len)
                    buf_putc(&sb, ',');
                buf_puts(&sb, sec);
            }
            if (!json_is_array(ex))
                problem(errors, "consent.excluded_sectors", req_tr(r, N_("Unknown sector.")));
            f->excluded = arena_strdup(r->a, buf_cstr(&sb));
            buf_free(&sb);
        }
    }
    /* s. 59.1, P-39.1 s. 18.1, LPJ s. 39 / 72.8: sharing without the
     * victim's consent needs a legal basis and a justification. */
    f->basis = json_get_str(b, "legal_basis");
    f->justification = json_get_str(b, "justification");
    int consent = f->consent_status && strcmp(f->consent_status, "given") == 0;
    if (!f->basis && consent)
        f->basis = "consent";
    if (!basis_valid(f->basis) || (!consent && strcmp(f->basis, "consent") == 0)) {
        problem(errors, "legal_basis",
                req_tr(r, N_("Without the victim's consent, information can be shared only on a legal basis: "
                             "the safety exception (serious risk of death or serious injury, with urgency), "
                             "a duty to report, or a court order. Choose one and explain why it applies.")));
    } else if (strcmp(f->basis, "consent") != 0 && (!f->justification || !*f->justification)) {
        problem(errors, "justification", req_tr(r, N_("Explain why this legal basis applies.")));
    }

    f->perpetrator_unknown = flag(b, "perpetrator_unknown");
    json_t *inc = json_object_get(b, "incidents_12m");
    if (inc) {
        if (!json_is_integer(inc) || json_integer_value(inc) < 0 || json_integer_value(inc) > 1000)
            problem(errors, "incidents_12m", req_tr(r, N_("Give a number of incidents, 0 or more.")));
        else
            f->incidents_12m = (int)json_integer_value(inc);
    }
    json_t *cx = json_object_get(b, "complexity"), *ur = json_object_get(b, "urgency");
    if (cx && keys_ok(r, cx, cx_keys, "complexity.", errors, &f->unknown_field))
        for (int i = 0; i < 3; i++)
            f->flags[i] = flag(cx, flag_names[i]);
    if (ur && keys_ok(r, ur, ur_keys, "urgency.", errors, &f->unknown_field))
        for (int i = 3; i < 7; i++)
            f->flags[i] = flag(ur, flag_names[i]);

    json_t *persons = json_object_get(b, "persons");
    size_t i;
    json_t *p;
    int victims = 0, perps = 0;
    if (!json_is_array(persons) || json_array_size(persons) == 0 || json_array_size(persons) > MAX_PERSONS) {
        problem(errors, "persons", req_tr(r, N_("Name at least the victim.")));
        persons = NULL;
    }
    json_array_foreach(persons, i, p) {
        const char *where = arena_printf(r->a, "persons[%zu].", i);
        ref_person *x = &f->p[f->n++];
        if (!json_is_object(p)) {
            problem(errors, arena_printf(r->a, "persons[%zu]", i), req_tr(r, N_("Unknown field.")));
            continue;
        }
        keys_ok(r, p, person_keys, where, errors, &f->unknown_field);
        x->ref = json_get_str(p, "ref");
        if (!x->ref || !*x->ref)
            x->ref = arena_printf(r->a, "p%zu", i + 1);
        for (size_t k = 0; k + 1 < f->n; k++)
            if (strcmp(f->p[k].ref, x->ref) == 0)
                problem(errors, arena_printf(r->a, "%sref", where), req_tr(r, N_("Each person needs a different reference.")));
        x->role = json_get_str(p, "role");
        if (!person_role_valid(x->role))
            problem(errors, arena_printf(r->a, "%srole", where),
                    req_tr(r, N_("Choose a role: victim, child, perpetrator, relative or new partner.")));
        else if (strcmp(x->role, "victim") == 0)
            victims++;
        else if (strcmp(x->role, "perpetrator") == 0)
            perps++;
        x->given = json_get_str(p, "given_name");
        x->family = json_get_str(p, "family_name");
        x->birth = json_get_str(p, "birth_date");
        x->address = json_get_str(p, "safe_address");
        x->phone = json_get_str(p, "safe_phone");
        x->due = json_get_str(p, "due_date");
        x->unborn = flag(p, "unborn");
        x->child_of_perpetrator = flag(p, "child_of_perpetrator");
        x->stepchild = flag(p, "stepchild");
        int y, m, d;
        if (!x->unborn && (!x->given || !*x->given) && (!x->family || !*x->family))
            problem(errors, arena_printf(r->a, "%sgiven_name", where), req_tr(r, N_("Give at least a first or last name.")));
        if (x->birth && *x->birth && (date_parse(x->birth, &y, &m, &d) != 0 || date_not_future(x->birth, now) != 1))
            problem(errors, arena_printf(r->a, "%sbirth_date", where),
                    req_tr(r, N_("Give a birth date as YYYY-MM-DD, not in the future.")));
        if (x->unborn && (!x->due || date_parse(x->due, &y, &m, &d) != 0))
            problem(errors, arena_printf(r->a, "%sdue_date", where), req_tr(r, N_("Give the due date as YYYY-MM-DD.")));
        const char *texts[] = {x->given, x->family, x->address, x->phone};
        for (int k = 0; k < 4; k++)
            if (texts[k] && strlen(texts[k]) > TEXT_MAX)
                problem(errors, arena_printf(r->a, "persons[%zu]", i), req_tr(r, N_("This text is too long.")));
    }
    if (persons && victims == 0)
        problem(errors, "persons", req_tr(r, N_("Name at least the victim.")));
    /* Relationships name persons of this referral by their ref. */
    json_t *rels = json_object_get(b, "relationships");
    if (rels && (!json_is_array(rels) || json_array_size(rels) > MAX_PERSONS * 2))
        problem(errors, "relationships", req_tr(r, N_("Describe each relationship between two persons of the referral.")));
    json_array_foreach(json_is_array(rels) ? rels : NULL, i, p) {
        const char *where = arena_printf(r->a, "relationships[%zu].", i);
        if (!json_is_object(p) || !keys_ok(r, p, rel_keys, where, errors, &f->unknown_field))
            continue;
        const char *from = json_get_str(p, "from"), *to = json_get_str(p, "to"), *kind = json_get_str(p, "kind");
        int fi = -1, ti = -1, ki = -1;
        for (size_t k = 0; k < f->n; k++) {
            if (from && strcmp(f->p[k].ref, from) == 0)
                fi = (int)k;
            if (to && strcmp(f->p[k].ref, to) == 0)
                ti = (int)k;
        }
        for (int k = 0; kind && kinds[k]; k++)
            if (strcmp(kind, kinds[k]) == 0)
                ki = k;
        if (fi < 0 || ti < 0 || fi == ti || ki < 0 || f->nrel >= MAX_PERSONS * 2) {
            problem(errors, arena_printf(r->a, "relationships[%zu]", i),
                    req_tr(r, N_("Describe each relationship between two persons of the referral.")));
            continue;
        }
        f->rel[f->nrel].from = (size_t)fi;
        f->rel[f->nrel].to = (size_t)ti;
        f->rel[f->nrel].kind = kinds[ki];
        f->nrel++;
    }
    if (persons && perps == 0 && !f->perpetrator_unknown)
        problem(errors, "persons",
                req_tr(r, N_("Name the person who uses violence, or tick that they are unknown.")));
    return json_array_size(errors) ? -1 : 0;
}

/* --- creation --- */

typedef struct repeat_ctx {
    const char *now;
    char found[ID_LEN + 1];
} repeat_ctx;

static int repeat_cb(void *ctx, const char *id, const char *created_at, const char *closed_at)
{
    repeat_ctx *x = ctx;
    /* Within 12 months of the earlier referral, or of its closure. */
    char created[11] = {0}, closed[11] = {0};
    memcpy(created, created_at, 10);
    if (closed_at)
        memcpy(closed, closed_at, 10);
    if (date_within_months(created, x->now, 12) == 1 || (closed_at && date_within_months(closed, x->now, 12) == 1)) {
        snprintf(x->found, sizeof(x->found), "%s", id);
        return 1;
    }
    return 0;
}

typedef struct known_ctx {
    req *r;
    const char *new_id;
    int found;
} known_ctx;

static int known_cb(void *ctx, const char *id, const char *territory_id)
{
    known_ctx *x = ctx;
    x->found = 1;
    /* The coordinator of the other situation's territory is alerted; the
     * referrer learns only that the person is known. */
    store_alert_add(req_db(x->r), territory_id, "known_elsewhere", id,
                    arena_printf(x->r->a, "known_elsewhere:%s:%s", id, x->new_id));
    return 0;
}

int referral_create(req *r, json_t *body, json_t *errors, json_t **out)
{
    referral f;
    json_t *errs = errors ? errors : json_array();
    store_situation s;
    char sid[ID_LEN + 1], now[11];
    int rc = -1;
    if (referral_check(r, body, &f, errs) != 0) {
        if (errors)
            return -2;
        if (f.unknown_field) {
            const char *field = json_string_value(json_object_get(json_array_get(errs, 0), "field"));
            json_t *e = json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "unknown_field", "message",
                                  req_tr(r, N_("The request could not be understood.")), "field", field ? field : "");
            json_decref(errs);
            return resp_json(r, 400, e);
        }
        json_t *e = json_pack("{s:{s:s,s:s,s:O}}", "error", "code", "referral_refused", "message",
                              req_tr(r, N_("The referral cannot be saved yet: see the problems listed.")),
                              "problems", errs);
        json_decref(errs);
        return resp_json(r, 422, e);
    }
    if (!errors)
        json_decref(errs);
    req_today(now);
    id_new(sid);
    memset(&s, 0, sizeof(s));
    memcpy(s.id, sid, sizeof(s.id));
    memcpy(s.territory_id, r->agency.territory_id, sizeof(s.territory_id));
    memcpy(s.referring_agency_id, r->user.agency_id, sizeof(s.referring_agency_id));
    memcpy(s.referring_user_id, r->user.id, sizeof(s.referring_user_id));
    s.summary_enc = req_encrypt(r, aad(r, "situations.summary", sid, NULL), f.summary);
    snprintf(s.consent_status, sizeof(s.consent_status), "%s", f.consent_status);
    s.consent_scope_enc = req_encrypt(r, aad(r, "situations.consent_scope", sid, NULL), f.scope);
    s.consent_conditions_enc = req_encrypt(r, aad(r, "situations.consent_conditions", sid, NULL), f.conditions);
    s.consent_excluded_sectors = f.excluded ? f.excluded : "";
    snprintf(s.legal_basis, sizeof(s.legal_basis), "%s", f.basis);
    s.justification_enc = req_encrypt(r, aad(r, "situations.justification", sid, NULL), f.justification);
    s.perpetrator_unknown = f.perpetrator_unknown;
    s.incidents_12m = f.incidents_12m;
    int *flags[7] = {&s.mental_health, &s.addiction, &s.child_maltreatment, &s.separation,
                     &s.release_from_custody, &s.court_date, &s.imminent_threat};
    for (int i = 0; i < 7; i++)
        *flags[i] = f.flags[i];
    if (!s.summary_enc)
        return -1;

    /* Keyed hashes of the people, when a birth date makes them reliable. */
    for (size_t i = 0; i < f.n; i++) {
        ref_person *x = &f.p[i];
        char norm[1024];
        if (x->birth && *x->birth && person_normalise(x->given, x->family, x->birth, norm, sizeof(norm)) == 0)
            fieldcrypt_match_hash(app_keys(r->app), 0, norm, x->hash);
    }
    store_conn *c = req_db(r);
    if (!c)
        return -1;
    /* Repeat: the same victim and perpetrator referred (or closed) less
     * than 12 months ago. */
    repeat_ctx rep = {.now = now};
    for (size_t v = 0; v < f.n && !rep.found[0]; v++)
        for (size_t p = 0; p < f.n && !rep.found[0]; p++)
            if (f.p[v].hash[0] && f.p[p].hash[0] && strcmp(f.p[v].role, "victim") == 0 &&
                strcmp(f.p[p].role, "perpetrator") == 0)
                store_repeat_candidates_each(c, f.p[v].hash, f.p[p].hash, repeat_cb, &rep);
    if (rep.found[0])
        s.repeat_of = rep.found;

    if (store_write_begin(c) != STORE_OK)
        return -1;
    known_ctx known = {.r = r, .new_id = sid};
    rc = store_situation_add(c, &s);
    for (size_t i = 0; rc == STORE_OK && i < f.n; i++) {
        ref_person *x = &f.p[i];
        if (x->hash[0] && store_person_by_match(c, x->hash, x->id) == STORE_OK) {
            x->existing = 1;
            store_active_with_person_each(c, x->hash, sid, known_cb, &known);
        } else {
            id_new(x->id);
            rc = store_person_add(c, x->id, req_encrypt(r, aad(r, "persons.given", x->id, NULL), x->given),
                                  req_encrypt(r, aad(r, "persons.family", x->id, NULL), x->family),
                                  req_encrypt(r, aad(r, "persons.birth", x->id, NULL), x->birth),
                                  x->hash[0] ? x->hash : NULL, x->hash[0] ? app_keys(r->app)->id[0] : NULL);
        }
        if (rc != STORE_OK)
            break;
        store_sperson sp;
        memset(&sp, 0, sizeof(sp));
        memcpy(sp.person_id, x->id, sizeof(sp.person_id));
        sp.ref = x->ref;
        snprintf(sp.role, sizeof(sp.role), "%s", x->role);
        sp.unborn = x->unborn;
        sp.child_of_perpetrator = x->child_of_perpetrator;
        sp.stepchild = x->stepchild;
        sp.due_date_enc = req_encrypt(r, aad(r, "situation_persons.due", sid, x->id), x->due);
        sp.safe_address_enc = req_encrypt(r, aad(r, "situation_persons.address", sid, x->id), x->address);
        sp.safe_phone_enc = req_encrypt(r, aad(r, "situation_persons.phone", sid, x->id), x->phone);
        /* Contact details: the referring agency (and the coordinators, by
         * role) by default - never the perpetrator's side. */
        sp.visible_to = policy_default_contact_agency(r->agency.sector) ? r->user.agency_id : "";
        rc = store_situation_person_add(c, sid, &sp);
    }
    for (size_t i = 0; rc == STORE_OK && i < f.nrel; i++)
        rc = store_relationship_add(c, sid, f.p[f.rel[i].from].id, f.p[f.rel[i].to].id, f.rel[i].kind);
    if (rc == STORE_OK)
        rc = store_participation_add(c, sid, r->user.agency_id, "referrer", NULL, r->user.id);
    if (rc == STORE_OK)
        rc = store_situation_event_add(c, sid, r->user.id, r->user.agency_id, "referred",
                                       rep.found[0] ? "repeat" : "");
    if (rc == STORE_OK && rep.found[0])
        rc = store_alert_add(c, s.territory_id, "repeat", sid, arena_printf(r->a, "repeat:%s", sid));
    audit_event e;
    auth_event(r, &e, "create", "situation", sid, "summary,persons,consent,legal_basis");
    if (rc == STORE_OK)
        rc = audit_append(c, app_keys(r->app), &e);
    if (rc != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        return -1;
    }
    store_read_begin(c);
    *out = json_pack("{s:s,s:o,s:b,s:i}", "situation_id", sid, "repeat_of",
                     rep.found[0] ? json_string(rep.found) : json_null(), "known_elsewhere", known.found,
                     "version", 1);
    return 0;
}

static int json_body(req *r, json_t **body)
{
    char err[128];
    if (json_body_parse(r->body.data ? r->body.data : "", r->body.len, body, err, sizeof(err)) != 0) {
        resp_error(r, 400, "invalid_json", N_("The request could not be understood."));
        return -1;
    }
    return 0;
}

int api_referrals(req *r)
{
    policy_target t = {.type = OBJ_REFERRAL, .territory_id = r->agency.territory_id};
    json_t *body = NULL, *out = NULL;
    if (!auth_allow(r, VERB_CREATE, &t, 0))
        return 0;
    if (json_body(r, &body) != 0)
        return 0;
    int rc = referral_create(r, body, NULL, &out);
    json_decref(body);
    if (rc != 0 || !out)
        return rc;
    return resp_json(r, 201, out);
}

/* --- reading --- */

/* Facts for the policy about situation id, for the caller. */
int situation_allowed(req *r, const char *id, policy_verb verb, store_situation_access *acc)
{
    char now[11];
    req_today(now);
    if (!id_valid(id) ||
        store_situation_access_get(req_db(r), id, r->user.agency_id, r->user.id, now, acc) != STORE_OK)
        return 0;
    policy_target t = {.type = OBJ_SITUATION, .territory_id = acc->territory_id, .participates = acc->participates,
                       .excluded = acc->excluded};
    return policy_check(&r->who, verb, &t);
}

/* For the pages: may the caller do verb to situation id (no answer, no
 * audit row; the caller refuses as the API does). */
int situation_can(req *r, const char *id, policy_verb verb)
{
    store_situation_access acc;
    return situation_allowed(r, id, verb, &acc);
}

int situation_gate(req *r, const char *id, policy_verb verb, store_situation_access *acc)
{
    if (!situation_allowed(r, id, VERB_READ, acc))
        return situation_not_visible(r, id), 0;
    if (verb != VERB_READ && !situation_allowed(r, id, verb, acc))
        return auth_refuse(r, "situation", id, 0), 0;
    return 1;
}

/* 404 for "missing" and "not yours" alike; the refusal is recorded, and an
 * excluded user's attempt raises an alert for the coordinator. */
int situation_not_visible(req *r, const char *id)
{
    int excluded = 0;
    char now[11];
    store_situation_access acc;
    req_today(now);
    if (id_valid(id) && store_exclusion_exists(req_db(r), id, r->user.id, &excluded) == STORE_OK && excluded &&
        store_situation_access_get(req_db(r), id, r->user.agency_id, r->user.id, now, &acc) == STORE_OK) {
        store_conn *c = req_db(r);
        char attempt[ID_LEN + 1];
        id_new(attempt); /* each attempt is its own alert */
        if (store_write_begin(c) == STORE_OK) {
            if (store_alert_add(c, acc.territory_id, "excluded_attempt", id,
                                arena_printf(r->a, "excluded:%s:%s:%s", id, r->user.id, attempt)) == STORE_OK)
                store_write_commit(c);
            else
                store_write_rollback(c);
            store_read_begin(c);
        }
    }
    return auth_refuse(r, "situation", id_valid(id) ? id : "", 1);
}

typedef struct persons_ctx {
    req *r;
    const char *sid;
    int coordinator;
    const char *referring_agency, *basis, *excluded_sectors;
    json_t *list;
} persons_ctx;

/* Contact fields follow the one policy (policy_item_visible): the agencies
 * named on them, the coordinator, and the victim's consent conditions. */
static int contact_visible(persons_ctx *x, const char *visible_to)
{
    policy_item it = {.coordinator = x->coordinator, .visible_to = visible_to,
                      .shared_by_agency = x->referring_agency, .basis = x->basis,
                      .excluded_sectors = x->excluded_sectors};
    /* An empty visible_to on a contact field means "the coordinator only",
     * not "every participant". */
    if (!visible_to || !*visible_to)
        return x->coordinator;
    return policy_item_visible(&x->r->who, &it);
}

static int person_cb(void *ctx, const store_sperson *p)
{
    persons_ctx *x = ctx;
    req *r = x->r;
    json_t *o = json_pack("{s:s,s:s,s:s}", "id", p->person_id, "ref", p->ref, "role", p->role);
    const char *given = req_decrypt(r, aad(r, "persons.given", p->person_id, NULL), p->given_enc);
    const char *family = req_decrypt(r, aad(r, "persons.family", p->person_id, NULL), p->family_enc);
    const char *birth = req_decrypt(r, aad(r, "persons.birth", p->person_id, NULL), p->birth_enc);
    json_object_set_new(o, "given_name", given ? json_string(given) : json_null());
    json_object_set_new(o, "family_name", family ? json_string(family) : json_null());
    json_object_set_new(o, "birth_date", birth ? json_string(birth) : json_null());
    if (p->unborn) {
        json_object_set_new(o, "unborn", json_true());
        const char *due = req_decrypt(r, aad(r, "situation_persons.due", x->sid, p->person_id), p->due_date_enc);
        json_object_set_new(o, "due_date", due ? json_string(due) : json_null());
    }
    if (p->child_of_perpetrator)
        json_object_set_new(o, "child_of_perpetrator", json_true());
    if (p->stepchild)
        json_object_set_new(o, "stepchild", json_true());
    /* Sensitive contact fields: the value only for the agencies named on
     * them; others learn that it exists and whom to ask. */
    int visible = contact_visible(x, p->visible_to);
    const char *fields[2][3] = {{"safe_address", "situation_persons.address", p->safe_address_enc},
                                {"safe_phone", "situation_persons.phone", p->safe_phone_enc}};
    for (int i = 0; i < 2; i++) {
        if (!fields[i][2])
            continue;
        if (visible) {
            const char *v = req_decrypt(r, aad(r, fields[i][1], x->sid, p->person_id), fields[i][2]);
            json_object_set_new(o, fields[i][0], v ? json_string(v) : json_null());
        } else {
            json_object_set_new(o, fields[i][0], json_pack("{s:b,s:s}", "restricted", 1, "ask",
                                                             req_tr(r, N_("the coordinator"))));
        }
    }
    json_array_append_new(x->list, o);
    return 0;
}

static int assessment_cb(void *ctx, const store_assessment *a)
{
    persons_ctx *x = ctx;
    json_error_t jerr;
    json_t *answers = json_loads(a->answers, 0, &jerr);
    json_t *crit = json_array();
    for (const char *p = a->criteria; p && *p;) {
        size_t len = strcspn(p, ",");
        json_array_append_new(crit, json_stringn(p, len));
        p += len + (p[len] == ',');
    }
    json_t *o = json_pack("{s:s,s:s,s:i,s:i,s:s,s:s,s:b,s:o,s:b,s:s,s:s,s:I,s:o}", "id", a->id, "instrument",
                          a->instrument_id, "instrument_version", a->instrument_version, "score", a->score,
                          "computed_level", a->computed_level, "level", a->level, "refer", a->refer,
                          "criteria", crit, "lowered", a->lowered, "assessed_by", a->assessed_by,
                          "created_at", a->created_at ? a->created_at : "", "version", (json_int_t)a->version,
                          "answers", answers ? answers : json_object());
    if (a->judgement_level) {
        const char *why = req_decrypt(x->r, aad(x->r, "assessments.judgement", a->id, NULL), a->judgement_reason_enc);
        json_object_set_new(o, "judgement", json_pack("{s:s,s:s}", "level", a->judgement_level, "reason", why ? why : ""));
        json_object_set_new(o, "approved", json_boolean(a->approved_by != NULL));
    }
    json_array_append_new(x->list, o);
    return 0;
}

static int rel_cb(void *ctx, const char *from, const char *to, const char *kind)
{
    json_array_append_new(ctx, json_pack("{s:s,s:s,s:s}", "from", from, "to", to, "kind", kind));
    return 0;
}

/* History: what happened and when, by whom - no personal values. */
static int event_cb(void *ctx, const char *at, const char *user_id, const char *kind, const char *detail)
{
    json_array_append_new(ctx, json_pack("{s:s,s:s,s:s,s:s}", "at", at ? at : "", "user_id", user_id ? user_id : "",
                                         "kind", kind ? kind : "", "detail", detail ? detail : ""));
    return 0;
}

json_t *situation_view(req *r, const char *id, int *status)
{
    store_situation_access acc;
    store_situation s;
    *status = 404;
    if (!situation_allowed(r, id, VERB_READ, &acc)) {
        situation_not_visible(r, id);
        return NULL;
    }
    store_conn *c = req_db(r);
    *status = 500;
    if (store_situation_get(c, r->a, id, &s) != STORE_OK)
        return NULL;
    int coordinator = policy_coordinates(&r->who, s.territory_id);
    persons_ctx px = {.r = r, .sid = id, .coordinator = coordinator, .referring_agency = s.referring_agency_id,
                      .basis = s.legal_basis, .excluded_sectors = s.consent_excluded_sectors, .list = json_array()};
    persons_ctx ax = {.r = r, .sid = id, .coordinator = coordinator, .list = json_array()};
    if (store_situation_persons_each(c, r->a, id, person_cb, &px) != STORE_OK ||
        store_assessments_each(c, r->a, id, assessment_cb, &ax) != STORE_OK) {
        json_decref(px.list);
        json_decref(ax.list);
        return NULL;
    }
    const char *summary = req_decrypt(r, aad(r, "situations.summary", id, NULL), s.summary_enc);
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:o,s:o}", "id", s.id, "status", s.status,
                          "territory_id", s.territory_id, "referring_agency_id", s.referring_agency_id,
                          "summary", summary ? summary : "", "version", (json_int_t)s.version,
                          "created_at", s.created_at ? s.created_at : "", "persons", px.list,
                          "assessments", ax.list);
    json_t *consent = json_pack("{s:s}", "status", s.consent_status);
    const char *scope = req_decrypt(r, aad(r, "situations.consent_scope", id, NULL), s.consent_scope_enc);
    const char *cond = req_decrypt(r, aad(r, "situations.consent_conditions", id, NULL), s.consent_conditions_enc);
    if (scope)
        json_object_set_new(consent, "scope", json_string(scope));
    if (cond)
        json_object_set_new(consent, "conditions", json_string(cond));
    json_t *ex = json_array();
    for (const char *p = s.consent_excluded_sectors; p && *p;) {
        size_t len = strcspn(p, ",");
        json_array_append_new(ex, json_stringn(p, len));
        p += len + (p[len] == ',');
    }
    json_object_set_new(consent, "excluded_sectors", ex);
    json_object_set_new(o, "consent", consent);
    json_object_set_new(o, "legal_basis", json_string(s.legal_basis));
    const char *just = req_decrypt(r, aad(r, "situations.justification", id, NULL), s.justification_enc);
    json_object_set_new(o, "justification", just ? json_string(just) : json_null());
    json_object_set_new(o, "repeat_of", s.repeat_of ? json_string(s.repeat_of) : json_null());
    json_object_set_new(o, "perpetrator_unknown", json_boolean(s.perpetrator_unknown));
    json_object_set_new(o, "incidents_12m", s.incidents_12m >= 0 ? json_integer(s.incidents_12m) : json_null());
    json_t *cx = json_object(), *ur = json_object();
    int vals[7] = {s.mental_health, s.addiction, s.child_maltreatment, s.separation, s.release_from_custody,
                   s.court_date, s.imminent_threat};
    for (int i = 0; i < 7; i++)
        json_object_set_new(i < 3 ? cx : ur, flag_names[i], json_boolean(vals[i]));
    json_object_set_new(o, "complexity", cx);
    json_object_set_new(o, "urgency", ur);
    if (s.triage_route) {
        const char *why = req_decrypt(r, aad(r, "situations.triage_reason", id, NULL), s.triage_reason_enc);
        json_object_set_new(o, "triage", json_pack("{s:s,s:s,s:s}", "route", s.triage_route, "reason",
                                                   why ? why : "", "at", s.triaged_at ? s.triaged_at : ""));
    }
    json_t *rels = json_array(), *history = json_array();
    if (store_relationships_each(c, id, rel_cb, rels) != STORE_OK ||
        store_situation_events_each(c, r->a, id, event_cb, history) != STORE_OK) {
        json_decref(o);
        json_decref(rels);
        json_decref(history);
        return NULL;
    }
    json_object_set_new(o, "relationships", rels);
    if (strcmp(s.status, "closed") == 0) {
        const char *reason = NULL, *closed_at = NULL, *notes = NULL, *transfer = NULL;
        if (store_situation_closure(c, r->a, id, &reason, &closed_at, &notes, &transfer) == STORE_OK) {
            const char *n = req_decrypt(r, aad(r, "situations.closure_notes", id, NULL), notes);
            const char *t = req_decrypt(r, aad(r, "situations.transfer_note", id, NULL), transfer);
            json_object_set_new(o, "closure", json_pack("{s:s,s:s,s:o,s:o}", "reason", reason ? reason : "",
                                                        "at", closed_at ? closed_at : "",
                                                        "notes", n ? json_string(n) : json_null(),
                                                        "transfer_note", t ? json_string(t) : json_null()));
        }
    }
    char review_on[11];
    if (store_situation_review_get(c, id, review_on) == STORE_OK)
        json_object_set_new(o, "review_on", review_on[0] ? json_string(review_on) : json_null());
    json_object_set_new(o, "history", history);
    json_t *info = information_view(r, id);
    if (!info) {
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "information", info);
    /* ASVS 7.1 / DPA s.62: every read of personal data is recorded. */
    if (auth_audit(r, "read", "situation", id, "") != 0) {
        json_decref(o);
        return NULL;
    }
    *status = 200;
    return o;
}

int api_situation(req *r)
{
    int status;
    json_t *o = situation_view(r, req_param(r, 0), &status);
    if (!o)
        return status == 404 ? 0 : -1;
    return resp_json(r, 200, o);
}

typedef struct list_ctx {
    req *r;
    json_t *list;
} list_ctx;

static int list_cb(void *ctx, const store_situation *s)
{
    list_ctx *x = ctx;
    json_array_append_new(x->list, json_pack("{s:s,s:s,s:s,s:s,s:o,s:I}", "id", s->id, "status", s->status,
                                             "created_at", s->created_at ? s->created_at : "",
                                             "referring_agency_id", s->referring_agency_id, "triage_route",
                                             s->triage_route ? json_string(s->triage_route) : json_null(),
                                             "version", (json_int_t)s->version));
    return 0;
}

int api_situations(req *r)
{
    char now[11];
    req_today(now);
    list_ctx x = {.r = r, .list = json_array()};
    int coordinator = policy_coordinates(&r->who, r->agency.territory_id);
    /* Roles that see no situation (admins, auditors) get an empty list, not
     * an error: it says nothing about what exists. */
    policy_target any = {.type = OBJ_SITUATION, .territory_id = r->agency.territory_id, .participates = 1};
    if (policy_check(&r->who, VERB_LIST, &any) &&
        store_situations_visible_each(req_db(r), r->a, r->agency.territory_id, coordinator, r->user.agency_id,
                                      r->user.id, now, list_cb, &x) != STORE_OK) {
        json_decref(x.list);
        return -1;
    }
    if (auth_audit(r, "read", "situation_list", "", "") != 0) {
        json_decref(x.list);
        return -1;
    }
    return resp_json(r, 200, json_pack("{s:o}", "situations", x.list));
}

/* --- triage --- */

int api_triage(req *r)
{
    static const char *const allowed[] = {"route", "reason", "version", NULL};
    const char *id = req_param(r, 0), *unknown = NULL;
    store_situation_access acc;
    store_situation s;
    json_t *body = NULL;
    triage_route chosen;
    if (!situation_gate(r, id, VERB_DECIDE, &acc))
        return 0;
    if (json_body(r, &body) != 0)
        return 0;
    if (json_body_check_keys(body, allowed, &unknown) != 0) {
        json_decref(body);
        return resp_error(r, 400, "unknown_field", N_("The request could not be understood."));
    }
    const char *rt = json_get_str(body, "route"), *reason = json_get_str(body, "reason");
    json_t *ver = json_object_get(body, "version");
    if (!rt || triage_route_parse(rt, &chosen) != 0 || !reason || !*reason ||
        (ver && !json_is_integer(ver))) {
        json_decref(body);
        return resp_error(r, 422, "triage_refused", N_("Choose a route and give the reason for it."));
    }
    store_conn *c = req_db(r);
    int rc = store_situation_get(c, r->a, id, &s);
    long long version = ver ? json_integer_value(ver) : s.version;
    const char *reason_enc = rc == STORE_OK ? req_encrypt(r, aad(r, "situations.triage_reason", id, NULL), reason) : NULL;
    json_decref(body);
    if (!reason_enc || store_write_begin(c) != STORE_OK)
        return -1;
    audit_event e;
    auth_event(r, &e, "update", "situation", id, "triage_route,triage_reason,status");
    rc = store_situation_triage(c, id, version, triage_route_id(chosen), reason_enc, r->user.id);
    if (rc == STORE_OK)
        rc = store_situation_event_add(c, id, r->user.id, r->user.agency_id, "triaged", triage_route_id(chosen));
    if (rc == STORE_OK)
        rc = audit_append(c, app_keys(r->app), &e);
    if (rc != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        if (rc == STORE_CONFLICT)
            return resp_error(r, 409, "stale_version",
                              N_("Someone changed this situation since you opened it. Reload it and try again."));
        return -1;
    }
    return resp_json(r, 200, json_pack("{s:s,s:s,s:I}", "id", id, "route", triage_route_id(chosen),
                                       "version", (json_int_t)(version + 1)));
}

/* --- instruments and assessments --- */

int api_instruments(req *r)
{
    policy_target t = {.type = OBJ_INSTRUMENT};
    if (!auth_allow(r, VERB_LIST, &t, 0))
        return 0;
    json_t *list = json_array();
    for (size_t i = 0; i < instrument_set_count(r->app->instruments); i++) {
        const instrument *ins = instrument_set_latest(r->app->instruments, i);
        json_array_append_new(list, json_pack("{s:s,s:i,s:s,s:i}", "id", ins->id, "version", ins->version,
                                              "title", instrument_text_get(&ins->title, r->lang),
                                              "items", (int)ins->nitems));
    }
    return resp_json(r, 200, json_pack("{s:o}", "instruments", list));
}

int api_instrument(req *r)
{
    policy_target t = {.type = OBJ_INSTRUMENT};
    if (!auth_allow(r, VERB_READ, &t, 0))
        return 0;
    const char *v = req_query(r, "version");
    char *end = NULL;
    long version = v ? strtol(v, &end, 10) : 0;
    if (v && (!end || *end || version < 1))
        return resp_error(r, 400, "bad_request", N_("The request could not be understood."));
    const instrument *ins = instrument_set_find(r->app->instruments, req_param(r, 0), (int)version);
    if (!ins)
        return resp_error(r, 404, "not_found", N_("The page you asked for does not exist or is not available to you."));
    return resp_json(r, 200, instrument_to_json(ins, NULL));
}

/* Scores and stores one assessment (API and page share it). On a refusal
 * answers 4xx itself (API) or appends to errors (page) and returns -2. */
int assessment_create(req *r, const char *sid, json_t *body, json_t *errors, json_t **out)
{
    static const char *const allowed[] = {"instrument", "instrument_version", "answers", "judgement",
                                          "incidents_12m", NULL};
    const char *unknown = NULL;
    char err[256], aid[ID_LEN + 1];
    store_situation s;
    store_territory_settings ts;
    assessment_result res;
    answer answers[INSTRUMENT_MAX_ITEMS];
#define REFUSE(field, msg)                                                                   \
    do {                                                                                     \
        if (errors) {                                                                        \
            problem(errors, field, msg);                                                     \
            return -2;                                                                       \
        }                                                                                    \
        return resp_json(r, 422, json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "assessment_refused", \
                                           "message", msg, "field", field));                 \
    } while (0)
    if (json_body_check_keys(body, allowed, &unknown) != 0) {
        if (errors)
            REFUSE(unknown, req_tr(r, N_("Unknown field.")));
        return resp_error(r, 400, "unknown_field", N_("The request could not be understood."));
    }
    json_t *iv = json_object_get(body, "instrument_version");
    const instrument *ins = instrument_set_find(r->app->instruments, json_get_str(body, "instrument") ? json_get_str(body, "instrument") : "",
                                                json_is_integer(iv) ? (int)json_integer_value(iv) : 0);
    if (!ins)
        REFUSE("instrument", req_tr(r, N_("Choose one of the instruments filet knows.")));
    if (instrument_answers_from_json(ins, json_object_get(body, "answers"), answers, err, sizeof(err)) != 0)
        REFUSE("answers", req_tr1(r, N_("These answers do not fit the instrument: {1}"), err));
    json_t *j = json_object_get(body, "judgement");
    const char *jlevel = NULL, *jreason = NULL;
    if (j && !json_is_null(j)) {
        jlevel = json_get_str(j, "level");
        jreason = json_get_str(j, "reason");
        if (!json_is_object(j) || !jlevel || instrument_level_rank(ins, jlevel) < 0)
            REFUSE("judgement.level", req_tr(r, N_("Choose a level of this instrument for your judgement.")));
        if (!jreason || !*jreason)
            REFUSE("judgement.reason", req_tr(r, N_("Professional judgement needs a written reason.")));
    }
    store_conn *c = req_db(r);
    if (store_situation_get(c, r->a, sid, &s) != STORE_OK ||
        store_territory_settings_get(c, s.territory_id, &ts) != STORE_OK)
        return -1;
    json_t *inc = json_object_get(body, "incidents_12m");
    if (inc && (!json_is_integer(inc) || json_integer_value(inc) < 0))
        REFUSE("incidents_12m", req_tr(r, N_("Give a number of incidents, 0 or more.")));
    int incidents = inc ? (int)json_integer_value(inc) : s.incidents_12m;
    assessment_input in = {.ins = ins, .version = ins->version, .answers = answers, .judgement_level = jlevel,
                           .incidents_12m = incidents, .escalation_threshold = ts.escalation_threshold,
                           .is_repeat = s.repeat_of != NULL};
    if (assessment_score(&in, &res, err, sizeof(err)) != 0)
        REFUSE("answers", req_tr1(r, N_("These answers do not fit the instrument: {1}"), err));
#undef REFUSE
    const char *names[CRIT_COUNT];
    size_t nn = assessment_criteria_names(res.criteria, names, CRIT_COUNT);
    buf cb;
    buf_init(&cb);
    json_t *crit = json_array(), *flags = json_array();
    for (size_t i = 0; i < nn; i++) {
        buf_printf(&cb, "%s%s", i ? "," : "", names[i]);
        json_array_append_new(crit, json_string(names[i]));
    }
    for (size_t i = 0; i < res.ncritical; i++)
        json_array_append_new(flags, json_string(res.critical_items[i]));
    id_new(aid);
    json_t *ans = instrument_answers_to_json(ins, answers);
    char *ans_text = ans ? json_dumps(ans, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(ans);
    store_assessment x;
    memset(&x, 0, sizeof(x));
    memcpy(x.id, aid, sizeof(x.id));
    memcpy(x.situation_id, s.id, sizeof(x.situation_id));
    x.instrument_id = ins->id;
    x.instrument_version = ins->version;
    x.answers = ans_text ? arena_strdup(r->a, ans_text) : NULL;
    free(ans_text);
    x.score = res.score;
    x.computed_level = res.computed_level;
    x.level = res.level;
    x.judgement_level = jlevel;
    x.judgement_reason_enc = jreason ? req_encrypt(r, aad(r, "assessments.judgement", aid, NULL), jreason) : NULL;
    x.lowered = res.lowered;
    x.refer = res.refer;
    x.criteria = arena_strdup(r->a, buf_cstr(&cb));
    buf_free(&cb);
    x.incidents_12m = incidents;
    memcpy(x.assessed_by, r->user.id, sizeof(x.assessed_by));
    memcpy(x.agency_id, r->user.agency_id, sizeof(x.agency_id));
    if (!x.answers || (jreason && !x.judgement_reason_enc) || store_write_begin(c) != STORE_OK) {
        json_decref(crit);
        json_decref(flags);
        return -1;
    }
    audit_event e;
    auth_event(r, &e, "create", "assessment", aid, "instrument,answers,judgement");
    int rc = store_assessment_add(c, &x);
    if (rc == STORE_OK)
        rc = store_situation_event_add(c, sid, r->user.id, r->user.agency_id, "assessed",
                                       arena_printf(r->a, "%s v%d: %s", ins->id, ins->version, res.level));
    if (rc == STORE_OK)
        rc = store_situation_touch_version(c, sid);
    if (rc == STORE_OK && res.lowered)
        rc = store_alert_add(c, s.territory_id, "lowering_to_approve", sid, arena_printf(r->a, "lowering:%s", aid));
    if (rc == STORE_OK)
        rc = audit_append(c, app_keys(r->app), &e);
    if (rc != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        json_decref(crit);
        json_decref(flags);
        return -1;
    }
    store_read_begin(c);
    *out = json_pack("{s:s,s:s,s:i,s:i,s:i,s:s,s:s,s:s,s:b,s:o,s:o,s:b,s:i,s:i,s:i,s:i}", "id", aid,
                     "instrument", ins->id, "instrument_version", ins->version, "score", res.score,
                     "yes", res.yes, "score_level", res.score_level, "computed_level", res.computed_level,
                     "level", res.level, "refer", res.refer, "criteria", crit, "flags", flags,
                     "lowered", res.lowered, "no", res.no, "unknown", res.unknown, "unanswered", res.unanswered,
                     "version", 1);
    return 0;
}

int api_assessments(req *r)
{
    const char *sid = req_param(r, 0);
    store_situation_access acc;
    json_t *body = NULL, *out = NULL;
    if (!situation_allowed(r, sid, VERB_UPDATE, &acc))
        return situation_not_visible(r, sid);
    if (json_body(r, &body) != 0)
        return 0;
    int rc = assessment_create(r, sid, body, NULL, &out);
    json_decref(body);
    if (rc != 0 || !out)
        return rc;
    return resp_json(r, 201, out);
}

/* A coordinator approves a level lowered by professional judgement. */
int api_assessment_approve(req *r)
{
    const char *sid = req_param(r, 0), *aid = req_param(r, 1);
    store_situation_access acc;
    if (!situation_gate(r, sid, VERB_DECIDE, &acc))
        return 0;
    store_conn *c = req_db(r);
    if (store_write_begin(c) != STORE_OK)
        return -1;
    audit_event e;
    auth_event(r, &e, "update", "assessment", aid, "approved_by,level");
    int rc = store_assessment_approve(c, aid, sid, r->user.id);
    if (rc == STORE_OK)
        rc = store_situation_event_add(c, sid, r->user.id, r->user.agency_id, "lowering_approved", "");
    if (rc == STORE_OK) /* its alert is dealt with */
        rc = store_alert_resolve_dedupe(c, arena_printf(r->a, "lowering:%s", aid));
    if (rc == STORE_OK)
        rc = audit_append(c, app_keys(r->app), &e);
    if (rc != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        if (rc == STORE_NOTFOUND)
            return resp_error(r, 404, "not_found", N_("No lowered level waits for approval here."));
        return -1;
    }
    return resp_json(r, 200, json_pack("{s:s,s:b}", "id", aid, "approved", 1));
}

/* --- the triage queue and alerts --- */

typedef struct latest_ctx {
    const store_assessment *latest;
    store_assessment copy;
} latest_ctx;

static int latest_cb(void *ctx, const store_assessment *a)
{
    latest_ctx *x = ctx;
    x->copy = *a;
    x->latest = &x->copy;
    return 0;
}

/* The facts the triage rule needs, from a situation and its latest assessment. */
static void triage_facts_of(req *r, const store_situation *s, triage_facts *f, const store_assessment **latest,
                            latest_ctx *lx)
{
    memset(f, 0, sizeof(*f));
    memset(lx, 0, sizeof(*lx));
    store_assessments_each(req_db(r), r->a, s->id, latest_cb, lx);
    *latest = lx->latest;
    f->level_rank = -1;
    if (lx->latest) {
        const instrument *ins = instrument_set_find(r->app->instruments, lx->latest->instrument_id,
                                                    lx->latest->instrument_version);
        if (ins) {
            f->level_rank = instrument_level_rank(ins, lx->latest->level);
            f->level_count = (int)ins->nlevels;
        }
        f->refer = lx->latest->refer;
        f->critical = strstr(lx->latest->criteria, "critical_item") != NULL;
        f->escalation = strstr(lx->latest->criteria, "potential_escalation") != NULL;
    }
    f->repeat = s->repeat_of != NULL;
    f->mental_health = s->mental_health;
    f->addiction = s->addiction;
    f->child_maltreatment = s->child_maltreatment;
    f->separation = s->separation;
    f->release_from_custody = s->release_from_custody;
    f->court_date = s->court_date;
    f->imminent_threat = s->imminent_threat;
}

static long minutes_since(const char *rfc3339)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (!rfc3339 || !strptime(rfc3339, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return 0;
    long d = (long)(clock_now() - timegm(&tm)) / 60;
    return d < 0 ? 0 : d;
}

typedef struct queue_ctx {
    req *r;
    json_t *list;
} queue_ctx;

static int queue_cb(void *ctx, const store_situation *s)
{
    queue_ctx *x = ctx;
    req *r = x->r;
    if (strcmp(s->status, "referred") != 0 || strcmp(s->territory_id, r->agency.territory_id) != 0)
        return 0;
    triage_facts f;
    triage_advice adv;
    const store_assessment *a;
    latest_ctx lx;
    triage_facts_of(r, s, &f, &a, &lx);
    triage_suggest(&f, &adv);
    long waiting = minutes_since(s->created_at);
    json_t *crit = json_array();
    for (const char *p = a ? a->criteria : NULL; p && *p;) {
        size_t len = strcspn(p, ",");
        json_array_append_new(crit, json_stringn(p, len));
        p += len + (p[len] == ',');
    }
    json_array_append_new(x->list, json_pack("{s:s,s:s,s:o,s:o,s:b,s:o,s:s,s:s,s:I,s:I,s:I}", "id", s->id,
                                             "created_at", s->created_at ? s->created_at : "",
                                             "level", a ? json_string(a->level) : json_null(),
                                             "instrument", a ? json_string(a->instrument_id) : json_null(),
                                             "refer", a ? a->refer : 0, "criteria", crit,
                                             "suggested_route", triage_route_id(adv.route),
                                             "rule", req_tr(r, adv.reason), "waiting_minutes", (json_int_t)waiting,
                                             "priority", (json_int_t)triage_priority(&f, waiting),
                                             "version", (json_int_t)s->version));
    return 0;
}

static int by_priority(const void *pa, const void *pb)
{
    json_int_t a = json_integer_value(json_object_get(*(json_t *const *)pa, "priority"));
    json_int_t b = json_integer_value(json_object_get(*(json_t *const *)pb, "priority"));
    return a < b ? 1 : a > b ? -1 : 0;
}

/* The queue as sorted JSON, for the API and the page. */
json_t *triage_queue(req *r)
{
    char now[11];
    req_today(now);
    queue_ctx x = {.r = r, .list = json_array()};
    if (store_situations_visible_each(req_db(r), r->a, r->agency.territory_id, 1, r->user.agency_id, r->user.id,
                                      now, queue_cb, &x) != STORE_OK) {
        json_decref(x.list);
        return NULL;
    }
    size_t n = json_array_size(x.list);
    json_t **items = arena_alloc(r->a, (n ? n : 1) * sizeof(*items));
    for (size_t i = 0; i < n; i++)
        items[i] = json_incref(json_array_get(x.list, i));
    qsort(items, n, sizeof(*items), by_priority);
    json_array_clear(x.list);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(x.list, items[i]);
    return x.list;
}

int api_triage_queue(req *r)
{
    policy_target t = {.type = OBJ_TRIAGE, .territory_id = r->agency.territory_id};
    if (!auth_allow(r, VERB_LIST, &t, 0))
        return 0;
    json_t *q = triage_queue(r);
    if (!q || auth_audit(r, "read", "triage_queue", "", "") != 0) {
        json_decref(q);
        return -1;
    }
    return resp_json(r, 200, json_pack("{s:o}", "queue", q));
}

static int alert_json_cb(void *ctx, const alert_item *al)
{
    json_t *o = json_pack("{s:s,s:s,s:s}", "id", al->id, "kind", al->kind, "situation_id", al->situation_id);
    json_object_set_new(o, "since", al->since ? json_string(al->since) : json_null());
    json_array_append_new(ctx, o);
    return 0;
}

/* The one rule (jobs/alertlist.c), also the digest's. */
json_t *alerts_of(req *r)
{
    char today[11], now[32];
    json_t *list = json_array();
    req_today(today);
    time_rfc3339(clock_now(), now, sizeof(now));
    if (!list || alerts_for_actor(req_db(r), r->a, &r->who, today, now, alert_json_cb, list) != STORE_OK) {
        json_decref(list);
        return NULL;
    }
    return list;
}

/* GET /api/v1/alerts: the caller's alerts; the read is audited. */
int api_alerts(req *r)
{
    json_t *list = alerts_of(r);
    if (!list || auth_audit(r, "read", "alert_list", "", "") != 0) {
        json_decref(list);
        return -1;
    }
    return resp_json(r, 200, json_pack("{s:o}", "alerts", list));
}

/* Marks a stored alert of the caller's territory dealt with (the
 * coordinator, as for the triage queue): 0 done; 422 for a computed alert
 * (it ends with its cause); 404 when no such open alert; -1 on failure;
 * 1 when the policy refused (answered). Audited in the same transaction. */
static int alert_resolve(req *r, const char *id)
{
    policy_target t = {.type = OBJ_TRIAGE, .territory_id = r->agency.territory_id};
    if (!auth_allow(r, VERB_DECIDE, &t, 0))
        return 1;
    if (!id_valid(id))
        return strchr(id, ':') ? 422 : 404;
    store_conn *c = req_db(r);
    audit_event e;
    auth_event(r, &e, "resolve", "alert", id, "resolved_at");
    int rc = store_write_begin(c);
    if (rc == STORE_OK)
        rc = store_alert_resolve(c, r->agency.territory_id, id);
    if (rc == STORE_OK)
        rc = audit_append(c, app_keys(r->app), &e);
    if (rc != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        store_read_begin(c);
        return rc == STORE_NOTFOUND ? 404 : -1;
    }
    store_read_begin(c);
    return 0;
}

/* POST /api/v1/alerts/{id}/resolve: the coordinator has dealt with a
 * stored alert (an excluded user's attempt, a repeat, a person known
 * elsewhere, a lowered level); it leaves the lists and the digest. */
int api_alert_resolve(req *r)
{
    const char *id = req_param(r, 0);
    int rc = alert_resolve(r, id);
    if (rc == 1)
        return 0;
    if (rc == 422)
        return resp_error(r, 422, "computed_alert",
                          N_("This alert ends by itself when its cause ends (the action done, the date passed)."));
    if (rc == 404)
        return resp_error(r, 404, "not_found", N_("No open alert of your territory has this id."));
    if (rc != 0)
        return -1;
    return resp_json(r, 200, json_pack("{s:s,s:b}", "id", id, "resolved", 1));
}

/* PATCH /api/v1/situations/{id}/review {review_on: "YYYY-MM-DD" | null, version}
 * The coordinator sets the date of the next review. */
int api_situation_review(req *r)
{
    static const char *const allowed[] = {"review_on", "version", NULL};
    const char *sid = req_param(r, 0), *unknown = NULL;
    store_situation_access acc;
    json_t *b = NULL;
    if (!situation_gate(r, sid, VERB_DECIDE, &acc))
        return 0;
    if (json_body(r, &b) != 0)
        return 0;
    if (json_body_check_keys(b, allowed, &unknown) != 0 || !json_is_integer(json_object_get(b, "version"))) {
        json_decref(b);
        return resp_error(r, 400, "unknown_field", N_("The request could not be understood."));
    }
    json_t *rv = json_object_get(b, "review_on");
    const char *review_on = json_is_string(rv) ? arena_strdup(r->a, json_string_value(rv)) : NULL;
    long long version = json_integer_value(json_object_get(b, "version"));
    int bad = !(json_is_null(rv) || (review_on && date_parse(review_on, NULL, NULL, NULL) == 0));
    json_decref(b);
    if (bad)
        return resp_json(r, 422, json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "invalid", "field", "review_on",
                                           "message", req_tr(r, N_("Give the review date as YYYY-MM-DD."))));
    store_conn *c = req_db(r);
    if (store_write_begin(c) != STORE_OK)
        return -1;
    audit_event e;
    auth_event(r, &e, "update", "situation", sid, "review_on");
    int rc = store_situation_review_set(c, sid, version, review_on);
    if (rc == STORE_OK)
        rc = audit_append(c, app_keys(r->app), &e);
    if (rc != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        if (rc == STORE_CONFLICT)
            return resp_error(r, 409, "stale_version",
                              N_("Someone changed this situation since you opened it. Reload it and try again."));
        return -1;
    }
    return resp_json(r, 200, json_pack("{s:s,s:o,s:I}", "id", sid, "review_on",
                                       review_on ? json_string(review_on) : json_null(), "version",
                                       (json_int_t)(version + 1)));
}

/* --- closure --- */

static const char *const close_reasons[] = {"risk_reduced", "relocated", "unreachable",
                                            "moved_out_of_territory", "other", NULL};

/* POST /api/v1/situations/{id}/close {reason, version, notes?, transfer_note?}
 * The coordinator closes; the 12-month repeat window starts; every
 * participation but the referrer's ends. */
int api_situation_close(req *r)
{
    static const char *const allowed[] = {"reason", "version", "notes", "transfer_note", NULL};
    const char *sid = req_param(r, 0), *unknown = NULL;
    store_situation_access acc;
    json_t *b = NULL;
    if (!situation_gate(r, sid, VERB_DECIDE, &acc))
        return 0;
    if (json_body(r, &b) != 0)
        return 0;
    if (json_body_check_keys(b, allowed, &unknown) != 0) {
        json_decref(b);
        return resp_error(r, 400, "unknown_field", N_("The request could not be understood."));
    }
    const char *reason = json_get_str(b, "reason"), *notes = json_get_str(b, "notes"), *transfer = json_get_str(b, "transfer_note");
    json_t *ver = json_object_get(b, "version");
    int ok = 0;
    for (size_t i = 0; reason && close_reasons[i]; i++)
        ok |= strcmp(reason, close_reasons[i]) == 0;
    const char *why = !ok ? N_("Choose the reason for closing.")
                    : !json_is_integer(ver) ? N_("The request could not be understood.")
                    : (strcmp(reason, "moved_out_of_territory") == 0 && (!transfer || !*transfer))
                          ? N_("Write the transfer note for the receiving territory.")
                          : NULL;
    if (why) {
        json_decref(b);
        return resp_json(r, 422, json_pack("{s:{s:s,s:s}}", "error", "code", "closure_refused", "message",
                                           req_tr(r, why)));
    }
    long long version = json_integer_value(ver);
    const char *notes_enc = req_encrypt(r, aad(r, "situations.closure_notes", sid, NULL), notes);
    const char *transfer_enc = req_encrypt(r, aad(r, "situations.transfer_note", sid, NULL), transfer);
    reason = arena_strdup(r->a, reason);
    json_decref(b);
    char yesterday[11];
    time_t y = clock_now() - 86400;
    char t[32];
    time_rfc3339(y, t, sizeof(t));
    memcpy(yesterday, t, 10);
    yesterday[10] = '\0';
    store_conn *c = req_db(r);
    if (store_write_begin(c) != STORE_OK)
        return -1;
    audit_event e;
    auth_event(r, &e, "update", "situation", sid, "status,close_reason,closure_notes,transfer_note");
    int rc = store_situation_close(c, sid, version, reason, notes_enc, transfer_enc, yesterday);
    if (rc == STORE_OK)
        rc = store_situation_event_add(c, sid, r->user.id, r->user.agency_id, "closed", reason);
    if (rc == STORE_OK)
        rc = audit_append(c, app_keys(r->app), &e);
    if (rc != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        if (rc == STORE_CONFLICT)
            return resp_error(r, 409, "stale_version",
                              N_("Someone changed this situation since you opened it. Reload it and try again."));
        return -1;
    }
    return resp_json(r, 200, json_pack("{s:s,s:s,s:I}", "id", sid, "status", "closed", "version",
                                       (json_int_t)(version + 1)));
}
