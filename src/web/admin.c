/*
 * admin.c - territories, agencies and users: the JSON API (/api/v1/...) and
 * the administration page (/admin), sharing one set of operations.
 *
 * Every operation asks the access policy first (auth_allow: a refusal is
 * answered 403 and recorded as access_refused), validates, then writes the
 * change and its audit row in one write transaction (ASVS 7.1.3, 7.2.1:
 * no change without its record; the record names the fields changed,
 * never their values).
 *
 * Accounts (ASVS 2.1, 2.8, 3.3): a new account gets a password checked
 * against the policy (pwpolicy) and a fresh TOTP secret, stored encrypted
 * (fieldcrypt, AAD "users.totp:<id>") and shown once; the person confirms
 * it at first sign-in. Disabling an account or resetting its second
 * factor ends all its sessions in the same transaction (ASVS 3.3.1).
 *
 * Caveat: the TOTP secret of a new account is shown on the page that
 * answers the form (not after a redirect): it is never stored in clear,
 * so it cannot be shown later.
 */
#include "web/admin.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/email.h"
#include "sec/audit.h"
#include "sec/fieldcrypt.h"
#include "sec/password.h"
#include "sec/pwpolicy.h"
#include "sec/totp.h"
#include "store/situations.h"
#include "web/auth.h"
#include "web/vocab.h"

#define NAME_MAX_BYTES 200
#define TZ_MAX_BYTES 63
#define URI_MAX 512
#define EMAIL_MSG N_("Give a valid e-mail address, such as name@example.org, or leave it empty.")

/* The ids offered in the forms' lists, in the order shown. */
static const char *const role_ids[] = {"practitioner", "representative", "coordinator", "auditor", "admin"};
static const char *const sector_ids[] = {
    "police", "shelter", "child_protection", "health", "mental_health", "addiction",
    "justice", "probation", "victim_support", "perpetrator_programme", "legal_aid",
    "social_services", "housing", "immigration", "education", "other"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* What one of the operations below typed in. */
typedef struct territory_in {
    const char *name, *timezone;
} territory_in;

typedef struct agency_in {
    const char *name, *sector, *territory;
} agency_in;

typedef struct user_in {
    const char *username, *display_name, *agency_id, *role, *password, *lang;
    const char *email; /* optional: the daily digest's address */
} user_in;

typedef enum user_op { USER_DISABLE, USER_ENABLE, USER_RESET_MFA } user_op;

/* The outcome of an operation: status 200/201, or an error status with a
 * code and a message (msgid). Holds a TOTP secret: wipe after use. */
typedef struct admin_out {
    int status;
    const char *code;
    const char *msg;
    char id[STORE_ID_LEN + 1];
    char secret[TOTP_B32_LEN + 1];
    char uri[URI_MAX];
} admin_out;

static int out_error(admin_out *o, int status, const char *code, const char *msg)
{
    o->status = status;
    o->code = code;
    o->msg = msg;
    return 0;
}

/* Maps the store's answer of a write: ok, a conflict (409 with msg), or an
 * internal error (-1). */
static int out_store(admin_out *o, int rc, int ok_status, const char *conflict_msg)
{
    if (rc == STORE_OK) {
        o->status = ok_status;
        return 0;
    }
    if (rc == STORE_CONFLICT)
        return out_error(o, 409, "conflict", conflict_msg);
    return -1;
}

/* --- validation --- */

/* A name: 1 to NAME_MAX_BYTES bytes, not only spaces, no control
 * characters (input is already valid UTF-8: form.c, jansson). */
static int text_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    int visible = 0;
    if (n == 0 || n > NAME_MAX_BYTES)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == 0x7f)
            return 0;
        if (ch != ' ')
            visible = 1;
    }
    return visible;
}

/* Usernames: 3 to 64 of [a-z0-9._-] (the same rule as `filet user add`). */
static int username_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 3 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' ||
              s[i] == '-'))
            return 0;
    return 1;
}

/* An IANA time zone name such as America/Montreal (shape only). */
static int timezone_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > TZ_MAX_BYTES || s[0] == '/' || strstr(s, ".."))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '/' || s[i] == '_' || s[i] == '+' || s[i] == '-'))
            return 0;
    return 1;
}

static const char *password_message(int pw)
{
    switch (pw) {
    case PW_TOO_SHORT: return N_("The password must have at least 12 characters.");
    case PW_TOO_LONG: return N_("The password must have at most 128 characters.");
    case PW_COMMON: return N_("This password is on the list of common or breached passwords: choose another.");
    case PW_CONTAINS_USERNAME: return N_("The password must not be the username.");
    default: return N_("The password is not valid text.");
    }
}

/* --- writes --- */

/* Appends the audit row of a change and commits, inside the write
 * transaction open on c; rc is the change's own status. The request's read
 * transaction is reopened either way. */
static int write_finish(req *r, store_conn *c, int rc, const char *action, const char *type,
                        const char *id, const char *fields)
{
    audit_event e;
    if (rc == STORE_OK) {
        auth_event(r, &e, action, type, id, fields);
        rc = audit_append(c, app_keys(r->app), &e);
    }
    if (rc == STORE_OK)
        rc = store_write_commit(c);
    else
        store_write_rollback(c);
    store_read_begin(c);
    return rc;
}

/* A new TOTP secret in o->secret (base32) and its otpauth URI, encrypted
 * for user id into *enc. */
static int new_secret(req *r, const char *id, const char *username, admin_out *o, char **enc)
{
    unsigned char raw[TOTP_SECRET_BYTES];
    char aad[64];
    int rc = -1;
    if (totp_secret_new(raw) != 0 || totp_secret_b32(raw, o->secret) != 0)
        goto out;
    snprintf(aad, sizeof(aad), "users.totp:%s", id);
    /* ASVS 2.8.2 / 6.1.1: the seed is encrypted at rest. */
    if (fieldcrypt_encrypt(app_keys(r->app), aad, o->secret, strlen(o->secret), r->a, enc) != 0)
        goto out;
    if (totp_uri("filet", username, o->secret, o->uri, sizeof(o->uri)) != 0)
        goto out;
    rc = 0;
out:
    sodium_memzero(raw, sizeof(raw));
    return rc;
}

static int territory_create(req *r, const territory_in *in, admin_out *o)
{
    const char *tz = in->timezone && *in->timezone ? in->timezone : NULL;
    if (!text_ok(in->name))
        return out_error(o, 422, "invalid_name", N_("Give the territory a name of at most 200 characters."));
    if (tz && !timezone_ok(tz))
        return out_error(o, 422, "invalid_timezone", N_("The time zone must be a name such as America/Montreal."));
    store_conn *c = req_db(r);
    if (!c || store_write_begin(c) != STORE_OK)
        return -1;
    int rc = store_territory_add(c, in->name, tz, o->id);
    rc = write_finish(r, c, rc, "create", "territory", o->id, "name,timezone");
    return out_store(o, rc, 201, N_("A territory with this name already exists."));
}

static int agency_create(req *r, const agency_in *in, admin_out *o)
{
    store_territory t;
    store_conn *c = req_db(r);
    if (!c)
        return -1;
    if (!text_ok(in->name))
        return out_error(o, 422, "invalid_name", N_("Give the agency a name of at most 200 characters."));
    if (!policy_sector_valid(in->sector))
        return out_error(o, 422, "invalid_sector", N_("Choose the agency's sector from the list."));
    int rc = in->territory && *in->territory ? store_territory_by_id(c, in->territory, &t) : STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND)
        return out_error(o, 422, "unknown_territory", N_("Choose an existing territory."));
    if (rc != STORE_OK || store_write_begin(c) != STORE_OK)
        return -1;
    rc = store_agency_add(c, t.id, in->name, in->sector, o->id);
    rc = write_finish(r, c, rc, "create", "agency", o->id, "name,sector,territory");
    return out_store(o, rc, 201, N_("An agency with this name already exists in this territory."));
}

static int user_create(req *r, const user_in *in, admin_out *o)
{
    store_user u;
    store_agency ag;
    char *enc = NULL;
    const char *lang = in->lang && *in->lang ? in->lang : "fr";
    const char *display = in->display_name && *in->display_name ? in->display_name : in->username;
    store_conn *c = req_db(r);
    int rc, pw;
    if (!c)
        return -1;
    if (!username_ok(in->username))
        return out_error(o, 422, "invalid_username",
                         N_("The username must have 3 to 64 characters: lowercase letters, digits, dots, hyphens or underscores."));
    if (!text_ok(display))
        return out_error(o, 422, "invalid_display_name", N_("The name must have at most 200 characters."));
    if (!policy_role_valid(in->role))
        return out_error(o, 422, "invalid_role", N_("Choose a role from the list."));
    if (strcmp(lang, "fr") != 0 && strcmp(lang, "en") != 0)
        return out_error(o, 422, "invalid_lang", N_("The language must be fr or en."));
    if (in->email && *in->email && !email_valid(in->email))
        return out_error(o, 422, "invalid_email", EMAIL_MSG);
    rc = in->agency_id && *in->agency_id ? store_agency_by_id(c, in->agency_id, &ag) : STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND)
        return out_error(o, 422, "unknown_agency", N_("Choose an existing agency."));
    if (rc != STORE_OK)
        return -1;
    /* ASVS 2.1.1, 2.1.2, 2.1.7: length and breached-password list. */
    pw = pwpolicy_check(r->app->pw, in->password, in->username);
    if (pw != PW_OK)
        return out_error(o, 422, "weak_password", password_message(pw));

    memset(&u, 0, sizeof(u));
    snprintf(u.username, sizeof(u.username), "%s", in->username);
    snprintf(u.display_name, sizeof(u.display_name), "%s", display);
    snprintf(u.agency_id, sizeof(u.agency_id), "%s", ag.id);
    snprintf(u.role, sizeof(u.role), "%s", in->role);
    snprintf(u.lang, sizeof(u.lang), "%s", lang);
    snprintf(u.email, sizeof(u.email), "%s", in->email ? in->email : "");
    u.active = 1;
    if (password_hash(in->password, u.password_hash) != 0)
        return -1;
    if (store_write_begin(c) != STORE_OK)
        goto fail;
    rc = store_user_add(c, &u, o->id);
    if (rc == STORE_OK)
        rc = new_secret(r, o->id, u.username, o, &enc) == 0 ? store_user_set_totp(c, o->id, enc) : STORE_ERR;
    rc = write_finish(r, c, rc, "create", "user", o->id,
                      u.email[0] ? "username,display_name,agency_id,role,lang,email,password,totp"
                                 : "username,display_name,agency_id,role,lang,password,totp");
    sodium_memzero(u.password_hash, sizeof(u.password_hash));
    if (rc == STORE_CONFLICT)
        sodium_memzero(o->secret, sizeof(o->secret));
    return out_store(o, rc, 201, N_("This username is already taken."));
fail:
    sodium_memzero(u.password_hash, sizeof(u.password_hash));
    return -1;
}

static int user_change(req *r, const char *id, user_op op, admin_out *o)
{
    store_user u;
    char *enc = NULL;
    store_conn *c = req_db(r);
    if (!c)
        return -1;
    int rc = store_user_by_id(c, id, &u);
    if (rc == STORE_NOTFOUND)
        return out_error(o, 404, "not_found", N_("The page you asked for does not exist or is not available to you."));
    if (rc != STORE_OK)
        return -1;
    sodium_memzero(u.password_hash, sizeof(u.password_hash));
    /* Keeps at least this administrator able to sign in. */
    if (op == USER_DISABLE && strcmp(u.id, r->user.id) == 0)
        return out_error(o, 422, "own_account", N_("You cannot disable your own account."));
    snprintf(o->id, sizeof(o->id), "%s", u.id);
    if (op == USER_RESET_MFA && new_secret(r, u.id, u.username, o, &enc) != 0)
        return -1;
    if (store_write_begin(c) != STORE_OK)
        return -1;
    switch (op) {
    case USER_DISABLE:
        /* ASVS 3.3.1 / 8.3.x: a disabled account keeps no live session. */
        rc = store_user_set_active(c, u.id, 0);
        if (rc == STORE_OK)
            rc = store_session_delete_user(c, u.id);
        break;
    case USER_ENABLE:
        rc = store_user_set_active(c, u.id, 1);
        break;
    case USER_RESET_MFA:
        /* ASVS 2.5.x: a reset factor must be enrolled again; sessions end. */
        rc = store_user_set_totp(c, u.id, enc);
        if (rc == STORE_OK)
            rc = store_session_delete_user(c, u.id);
        break;
    }
    rc = write_finish(r, c, rc, "update", "user", u.id, op == USER_RESET_MFA ? "totp" : "active");
    return out_store(o, rc, 200, N_("The page you asked for does not exist or is not available to you."));
}

/* --- lists --- */

static int allowed(req *r, policy_object type, policy_verb verb)
{
    policy_target t = {.type = type};
    return auth_allow(r, verb, &t, 0);
}

static int add_territory(void *ctx, const store_territory *t)
{
    json_array_append_new(ctx, json_pack("{s:s,s:s,s:s}", "id", t->id, "name", t->name, "timezone", t->timezone));
    return 0;
}

static int add_agency(void *ctx, const store_agency *a)
{
    json_array_append_new(ctx, json_pack("{s:s,s:s,s:s,s:s}", "id", a->id, "name", a->name, "sector", a->sector,
                                         "territory", a->territory_id));
    return 0;
}

/* Users as the API shows them: never a hash or a secret (ASVS 8.3.x). */
static int add_user(void *ctx, const store_user *u)
{
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b}", "id", u->id, "username", u->username, "display_name",
                          u->display_name, "agency_id", u->agency_id, "role", u->role, "lang", u->lang, "active",
                          u->active, "totp_confirmed", u->totp_confirmed);
    if (u->email[0]) /* present only when set */
        json_object_set_new(o, "email", json_string(u->email));
    json_array_append_new(ctx, o);
    return 0;
}

static json_t *list_territories(req *r)
{
    json_t *a = json_array();
    if (a && store_territories_each(req_db(r), add_territory, a) == STORE_OK)
        return a;
    json_decref(a);
    return NULL;
}

static json_t *list_agencies(req *r)
{
    json_t *a = json_array();
    if (a && store_agencies_each(req_db(r), add_agency, a) == STORE_OK)
        return a;
    json_decref(a);
    return NULL;
}

static json_t *list_users(req *r)
{
    json_t *a = json_array();
    if (a && store_users_each(req_db(r), add_user, a) == STORE_OK)
        return a;
    json_decref(a);
    return NULL;
}

/* --- API --- */

/* Parses r's JSON body, refusing unknown fields (API.md: 400). 0 with
 * *out set; 1 when the 400 answer is already made. */
static int body_json(req *r, const char *const *keys, json_t **out)
{
    char err[128];
    const char *unknown = NULL;
    if (json_body_parse(r->body.data ? r->body.data : "", r->body.len, out, err, sizeof(err)) != 0) {
        resp_error(r, 400, "invalid_json", N_("The request could not be understood."));
        return 1;
    }
    if (json_body_check_keys(*out, keys, &unknown) != 0) {
        json_decref(*out);
        *out = NULL;
        resp_error(r, 400, "unknown_field", N_("The request has a field this address does not accept."));
        return 1;
    }
    return 0;
}

/* The string at key; NULL when absent or null; *bad set for another type. */
static const char *jstr(json_t *o, const char *key, int *bad)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        *bad = 1;
        return NULL;
    }
    return json_string_value(v);
}

static int api_bad_type(req *r, json_t *body)
{
    json_decref(body);
    return resp_error(r, 400, "invalid_field", N_("A field of the request has the wrong type."));
}

/* Answers an API write: the error, or status with {id} (and the secret). */
static int api_answer(req *r, int rc, admin_out *o, int with_secret)
{
    int ret;
    if (rc != 0)
        ret = -1;
    else if (o->status >= 400)
        ret = resp_error(r, o->status, o->code, o->msg);
    else if (with_secret)
        ret = resp_json(r, o->status, json_pack("{s:s,s:s,s:s}", "id", o->id, "totp_secret", o->secret,
                                                "otpauth_uri", o->uri));
    else
        ret = resp_json(r, o->status, json_pack("{s:s}", "id", o->id));
    sodium_memzero(o, sizeof(*o));
    return ret;
}

int api_territories(req *r)
{
    if (!allowed(r, OBJ_TERRITORY, VERB_LIST))
        return 0;
    json_t *t = list_territories(r);
    return t ? resp_json(r, 200, json_pack("{s:o}", "territories", t)) : -1;
}

int api_territory_create(req *r)
{
    static const char *const keys[] = {"name", "timezone", NULL};
    json_t *body;
    admin_out o;
    int bad = 0;
    if (!allowed(r, OBJ_TERRITORY, VERB_CREATE))
        return 0;
    if (body_json(r, keys, &body))
        return 0;
    territory_in in = {jstr(body, "name", &bad), jstr(body, "timezone", &bad)};
    if (bad)
        return api_bad_type(r, body);
    memset(&o, 0, sizeof(o));
    int rc = territory_create(r, &in, &o);
    json_decref(body);
    return api_answer(r, rc, &o, 0);
}

/* PATCH /api/v1/territories/{id}: the territory's rules - the number of
 * incidents in 12 months that means potential escalation, the time targets
 * of the urgent cell, the conference and clinical concertation, how long
 * closed situations are kept (retention), and the quorum of its meetings
 * when a meeting sets none. Every value out of range is listed (422). */
static const char *const territory_keys[] = {"escalation_threshold", "target_urgent_hours",
                                             "target_conference_hours", "target_clinical_hours",
                                             "retention_months", "meeting_quorum", "adult_women", NULL};
static const long territory_limits[7][2] = {{1, 100},  {1, 24 * 30}, {1, 24 * 365},   {1, 24 * 365},
                                            {12, 240}, {1, 50},      {1, 100000000}};
static const char *const territory_msgs[7] = {
    N_("Give a whole number within the allowed range."), N_("Give a whole number within the allowed range."),
    N_("Give a whole number within the allowed range."), N_("Give a whole number within the allowed range."),
    N_("Keep closed situations from 12 to 240 months."), N_("The quorum is from 1 to 50 agencies."),
    N_("Give the adult female population as a whole number.")};

static void territory_setting_put(store_territory_settings *ts, int i, long v)
{
    if (i == 0)
        ts->escalation_threshold = (int)v;
    else if (i < 4)
        ts->target_hours[i - 1] = v;
    else if (i == 4)
        ts->retention_months = (int)v;
    else if (i == 5)
        ts->meeting_quorum = (int)v;
    else
        ts->adult_women = v;
}

/* Writes ts for territory id with its audit row ("update", fields). */
static int territory_settings_write(req *r, const char *id, const store_territory_settings *ts, const char *fields)
{
    store_conn *c = req_db(r);
    audit_event e;
    auth_event(r, &e, "update", "territory", id, fields);
    int rc = store_write_begin(c);
    if (rc == STORE_OK)
        rc = store_territory_settings_set(c, id, ts);
    if (rc == STORE_OK)
        rc = audit_append(c, app_keys(r->app), &e);
    if (rc != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        store_read_begin(c);
        return -1;
    }
    store_read_begin(c);
    return 0;
}

int api_territory_update(req *r)
{
    store_territory_settings ts;
    json_t *body;
    const char *id = req_param(r, 0);
    if (!allowed(r, OBJ_TERRITORY, VERB_UPDATE))
        return 0;
    if (body_json(r, territory_keys, &body))
        return 0;
    store_conn *c = req_db(r);
    if (store_territory_settings_get(c, id, &ts) != STORE_OK) {
        json_decref(body);
        return resp_error(r, 404, "not_found", N_("The page you asked for does not exist or is not available to you."));
    }
    buf fields;
    buf_init(&fields);
    json_t *problems = json_array();
    for (int i = 0; territory_keys[i]; i++) {
        json_t *v = json_object_get(body, territory_keys[i]);
        if (!v)
            continue;
        if (!json_is_integer(v) || json_integer_value(v) < territory_limits[i][0] ||
            json_integer_value(v) > territory_limits[i][1]) {
            json_array_append_new(problems, json_pack("{s:s,s:s}", "field", territory_keys[i], "message",
                                                      req_tr(r, territory_msgs[i])));
            continue;
        }
        territory_setting_put(&ts, i, (long)json_integer_value(v));
        buf_printf(&fields, "%s%s", fields.len ? "," : "", territory_keys[i]);
    }
    json_decref(body);
    if (json_array_size(problems) > 0) {
        buf_free(&fields);
        return resp_json(r, 422, json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "invalid_value", "message",
                                           req_tr(r, N_("Give a whole number within the allowed range.")), "problems",
                                           problems));
    }
    json_decref(problems);
    /* Nothing to change: the settings as they are, no write, no audit row. */
    int rc = fields.len ? territory_settings_write(r, id, &ts, buf_cstr(&fields)) : 0;
    buf_free(&fields);
    if (rc != 0)
        return -1;
    return resp_json(r, 200, json_pack("{s:s,s:i,s:I,s:I,s:I,s:i,s:i,s:o}", "id", id, "escalation_threshold",
                                       ts.escalation_threshold, "target_urgent_hours", (json_int_t)ts.target_hours[0],
                                       "target_conference_hours", (json_int_t)ts.target_hours[1],
                                       "target_clinical_hours", (json_int_t)ts.target_hours[2], "retention_months",
                                       ts.retention_months, "meeting_quorum", ts.meeting_quorum, "adult_women",
                                       ts.adult_women > 0 ? json_integer(ts.adult_women) : json_null()));
}

int api_agencies(req *r)
{
    if (!allowed(r, OBJ_AGENCY, VERB_LIST))
        return 0;
    json_t *a = list_agencies(r);
    return a ? resp_json(r, 200, json_pack("{s:o}", "agencies", a)) : -1;
}

int api_agency_create(req *r)
{
    static const char *const keys[] = {"name", "sector", "territory", NULL};
    json_t *body;
    admin_out o;
    int bad = 0;
    if (!allowed(r, OBJ_AGENCY, VERB_CREATE))
        return 0;
    if (body_json(r, keys, &body))
        return 0;
    agency_in in = {jstr(body, "name", &bad), jstr(body, "sector", &bad), jstr(body, "territory", &bad)};
    if (bad)
        return api_bad_type(r, body);
    memset(&o, 0, sizeof(o));
    int rc = agency_create(r, &in, &o);
    json_decref(body);
    return api_answer(r, rc, &o, 0);
}

int api_users(req *r)
{
    if (!allowed(r, OBJ_USER, VERB_LIST))
        return 0;
    json_t *u = list_users(r);
    return u ? resp_json(r, 200, json_pack("{s:o}", "users", u)) : -1;
}

int api_user_create(req *r)
{
    static const char *const keys[] = {"username", "display_name", "agency_id", "role", "password", "lang", "email",
                                       NULL};
    json_t *body;
    admin_out o;
    int bad = 0;
    if (!allowed(r, OBJ_USER, VERB_CREATE))
        return 0;
    if (body_json(r, keys, &body))
        return 0;
    user_in in = {jstr(body, "username", &bad), jstr(body, "display_name", &bad), jstr(body, "agency_id", &bad),
                  jstr(body, "role", &bad), jstr(body, "password", &bad), jstr(body, "lang", &bad),
                  jstr(body, "email", &bad)};
    if (bad)
        return api_bad_type(r, body);
    memset(&o, 0, sizeof(o));
    int rc = user_create(r, &in, &o);
    json_decref(body);
    return api_answer(r, rc, &o, 1);
}

/* PATCH /api/v1/users/{id} {email: "a@b.org" | null | ""}: sets or
 * clears the address of the daily digest. */
int api_user_update(req *r)
{
    static const char *const keys[] = {"email", NULL};
    json_t *body;
    store_user u;
    int bad = 0;
    if (!allowed(r, OBJ_USER, VERB_UPDATE))
        return 0;
    if (body_json(r, keys, &body))
        return 0;
    const char *email = jstr(body, "email", &bad);
    if (bad || !json_object_get(body, "email")) {
        json_decref(body);
        return resp_error(r, 400, "invalid_field", N_("A field of the request has the wrong type."));
    }
    if (email && *email && !email_valid(email)) {
        json_decref(body);
        return resp_error(r, 422, "invalid_email", EMAIL_MSG);
    }
    store_conn *c = req_db(r);
    int rc = store_user_by_id(c, req_param(r, 0), &u);
    if (rc == STORE_NOTFOUND) {
        json_decref(body);
        return resp_error(r, 404, "not_found", N_("The page you asked for does not exist or is not available to you."));
    }
    sodium_memzero(u.password_hash, sizeof(u.password_hash));
    if (rc != STORE_OK || store_write_begin(c) != STORE_OK) {
        json_decref(body);
        return -1;
    }
    rc = store_user_set_email(c, u.id, email);
    rc = write_finish(r, c, rc, "update", "user", u.id, "email");
    json_t *out = json_pack("{s:s}", "id", u.id);
    json_object_set_new(out, "email", email && *email ? json_string(email) : json_null());
    json_decref(body);
    if (rc != STORE_OK) {
        json_decref(out);
        return -1;
    }
    return resp_json(r, 200, out);
}

static int api_user_op(req *r, user_op op)
{
    admin_out o;
    if (!allowed(r, OBJ_USER, VERB_UPDATE))
        return 0;
    memset(&o, 0, sizeof(o));
    int rc = user_change(r, req_param(r, 0), op, &o);
    if (rc != 0 || o.status >= 400 || op == USER_RESET_MFA)
        return api_answer(r, rc, &o, op == USER_RESET_MFA);
    return resp_json(r, 200, json_pack("{s:s,s:b}", "id", o.id, "active", op == USER_ENABLE));
}

int api_user_disable(req *r)
{
    return api_user_op(r, USER_DISABLE);
}

int api_user_enable(req *r)
{
    return api_user_op(r, USER_ENABLE);
}

int api_user_reset_mfa(req *r)
{
    return api_user_op(r, USER_RESET_MFA);
}

/* --- pages --- */

/* What the administration page shows besides the lists: one form's error
 * and the values typed into it (never a password), or a new secret. */
typedef struct admin_view {
    const char *error_at; /* "territory", "agency", "user", "users" */
    const char *error;    /* msgid */
    const territory_in *t;
    const agency_in *ag;
    const user_in *u;
    const char *key_for;  /* username whose new second-factor key is shown */
    const char *secret;   /* base32 */
    const char *notice;   /* msgid */
    const char *ts_id;    /* territory whose settings form came back refused */
    const form *ts_form;  /* what was typed in it */
    json_t *ts_problems;  /* {field: message} */
} admin_view;

static int is(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static json_t *option(const char *value, const char *label, int selected)
{
    return json_pack("{s:s,s:s,s:b}", "value", value, "label", label, "selected", selected);
}

/* Key in groups of four, easier to type into an app. */
static const char *grouped(req *r, const char *b32)
{
    size_t n = strlen(b32), j = 0;
    char *g = arena_alloc(r->a, n + n / 4 + 1);
    if (!g)
        return "";
    for (size_t i = 0; i < n; i++) {
        if (i && i % 4 == 0)
            g[j++] = ' ';
        g[j++] = b32[i];
    }
    g[j] = '\0';
    return g;
}

/* Adds labels and names for people to the API lists, and the options of
 * the forms' lists, into d. */
static int page_lists(req *r, json_t *d, const admin_view *v)
{
    json_t *ts = list_territories(r), *as = list_agencies(r), *us = list_users(r);
    json_t *tname = json_object(), *aname = json_object();
    json_t *topt = json_array(), *aopt = json_array(), *sopt = json_array(), *ropt = json_array();
    json_t *it;
    size_t i;
    int rc = -1;
    if (!ts || !as || !us || !tname || !aname || !topt || !aopt || !sopt || !ropt)
        goto out;
    json_array_foreach(ts, i, it) {
        const char *id = json_string_value(json_object_get(it, "id"));
        const char *name = json_string_value(json_object_get(it, "name"));
        json_object_set_new(tname, id, json_string(name));
        json_array_append_new(topt, option(id, name, v->ag && is(v->ag->territory, id)));
    }
    json_array_foreach(as, i, it) {
        const char *id = json_string_value(json_object_get(it, "id"));
        const char *name = json_string_value(json_object_get(it, "name"));
        const char *tid = json_string_value(json_object_get(it, "territory"));
        json_object_set_new(aname, id, json_string(name));
        json_object_set_new(it, "sector_label", json_string(req_tr(r, vocab_sector(json_string_value(json_object_get(it, "sector"))))));
        const char *tn = json_string_value(json_object_get(tname, tid));
        json_object_set_new(it, "territory_name", json_string(tn ? tn : ""));
        json_array_append_new(aopt, option(id, name, v->u && is(v->u->agency_id, id)));
    }
    json_array_foreach(us, i, it) {
        const char *aid = json_string_value(json_object_get(it, "agency_id"));
        json_object_set_new(it, "role_label", json_string(req_tr(r, vocab_role(json_string_value(json_object_get(it, "role"))))));
        const char *an = json_string_value(json_object_get(aname, aid));
        json_object_set_new(it, "agency_name", json_string(an ? an : ""));
        json_object_set_new(it, "is_self", json_boolean(is(json_string_value(json_object_get(it, "id")), r->user.id)));
    }
    for (i = 0; i < COUNT(sector_ids); i++)
        json_array_append_new(sopt, option(sector_ids[i], req_tr(r, vocab_sector(sector_ids[i])),
                                           v->ag && is(v->ag->sector, sector_ids[i])));
    for (i = 0; i < COUNT(role_ids); i++)
        json_array_append_new(ropt, option(role_ids[i], req_tr(r, vocab_role(role_ids[i])),
                                           v->u && is(v->u->role, role_ids[i])));
    json_object_set(d, "territories", ts);
    json_object_set(d, "agencies", as);
    json_object_set(d, "users", us);
    json_object_set(d, "territory_options", topt);
    json_object_set(d, "agency_options", aopt);
    json_object_set(d, "sector_options", sopt);
    json_object_set(d, "role_options", ropt);
    json_object_set_new(d, "lang_en", json_boolean(v->u && is(v->u->lang, "en")));
    rc = 0;
out:
    json_decref(ts);
    json_decref(as);
    json_decref(us);
    json_decref(tname);
    json_decref(aname);
    json_decref(topt);
    json_decref(aopt);
    json_decref(sopt);
    json_decref(ropt);
    return rc;
}

static void set_str(json_t *o, const char *key, const char *value)
{
    if (value)
        json_object_set_new(o, key, json_string(value));
}

/* One label per territory_keys entry: a setting added without its label
 * fails the build rather than reading past the array. */
static const char *const territory_labels[] = {
    N_("Incidents in 12 months that mean a potential escalation"), N_("Urgent cell: meet within (hours)"),
    N_("Conference: within (hours)"), N_("Clinical concertation: within (hours)"),
    N_("Keep closed situations for (months)"), N_("Meeting quorum (agencies present)"),
    N_("Adult female population (for the indicators; may stay empty)")};
#define TERRITORY_SETTINGS (sizeof(territory_keys) / sizeof(territory_keys[0]) - 1)
_Static_assert(sizeof(territory_labels) / sizeof(territory_labels[0]) == TERRITORY_SETTINGS,
               "one label per territory setting");
_Static_assert(sizeof(territory_limits) / sizeof(territory_limits[0]) == TERRITORY_SETTINGS,
               "one range per territory setting");
_Static_assert(sizeof(territory_msgs) / sizeof(territory_msgs[0]) == TERRITORY_SETTINGS,
               "one message per territory setting");
/* The settings a territory may leave unset (0): the adult female population. */
#define TERRITORY_OPTIONAL 6

/* Each territory's settings form: its values (or what was typed, with the
 * problems, when that form came back refused). */
static int territory_settings_forms(req *r, json_t *territories, const admin_view *v)
{
    json_t *t;
    size_t i;
    json_array_foreach(territories, i, t) {
        const char *id = json_string_value(json_object_get(t, "id"));
        store_territory_settings ts;
        if (!id || store_territory_settings_get(req_db(r), id, &ts) != STORE_OK)
            return -1;
        long cur[7] = {ts.escalation_threshold, ts.target_hours[0], ts.target_hours[1], ts.target_hours[2],
                       ts.retention_months, ts.meeting_quorum, (long)ts.adult_women};
        int mine = is(v->ts_id, id);
        json_t *fields = json_array();
        for (int k = 0; territory_keys[k]; k++) {
            const char *typed = mine && v->ts_form ? form_get(v->ts_form, territory_keys[k]) : NULL;
            const char *err = mine ? json_string_value(json_object_get(v->ts_problems, territory_keys[k])) : NULL;
            const char *shown = typed ? typed : k == TERRITORY_OPTIONAL && cur[k] == 0 ? "" : arena_printf(r->a, "%ld", cur[k]);
            json_array_append_new(fields, json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:b}", "name", territory_keys[k],
                                                    "html_id", arena_printf(r->a, "ts-%s-%s", id, territory_keys[k]),
                                                    "label", req_tr(r, territory_labels[k]), "value", shown, "min",
                                                    (json_int_t)territory_limits[k][0], "max",
                                                    (json_int_t)territory_limits[k][1], "error", err ? err : "",
                                                    "required", k != TERRITORY_OPTIONAL));
        }
        json_object_set_new(t, "settings", json_pack("{s:o,s:s,s:b}", "fields", fields, "heading_id",
                                                     arena_printf(r->a, "ts-%s-title", id), "refused", mine));
    }
    return 0;
}

static int admin_render(req *r, int status, const admin_view *v)
{
    json_t *d = json_object(), *typed = json_object(), *errors = json_object();
    if (!d || !typed || !errors || page_lists(r, d, v) != 0 ||
        territory_settings_forms(r, json_object_get(d, "territories"), v) != 0) {
        json_decref(d);
        json_decref(typed);
        json_decref(errors);
        return -1;
    }
    if (v->t) {
        set_str(typed, "t_name", v->t->name);
        set_str(typed, "t_timezone", v->t->timezone);
    }
    if (v->ag)
        set_str(typed, "ag_name", v->ag->name);
    if (v->u) {
        set_str(typed, "u_username", v->u->username);
        set_str(typed, "u_display_name", v->u->display_name);
        set_str(typed, "u_email", v->u->email);
    }
    if (v->error && v->error_at)
        json_object_set_new(errors, v->error_at, json_string(req_tr(r, v->error)));
    json_object_set_new(d, "form", typed);
    json_object_set_new(d, "errors", errors);
    if (v->notice)
        json_object_set_new(d, "notice", json_string(req_tr(r, v->notice)));
    if (v->secret)
        json_object_set_new(d, "new_key", json_pack("{s:s,s:s}", "username", v->key_for ? v->key_for : "",
                                                    "secret", grouped(r, v->secret)));
    return resp_page(r, status, "admin", N_("Administration"), d);
}

int page_admin(req *r)
{
    admin_view v = {0};
    if (!allowed(r, OBJ_USER, VERB_LIST))
        return 0;
    if (req_query(r, "settings"))
        v.notice = N_("The territory's settings are saved.");
    return admin_render(r, 200, &v);
}

static int read_form(req *r, form *f)
{
    if (req_form(r, f) == 0)
        return 0;
    resp_error(r, 400, "bad_request", N_("The request could not be understood."));
    return 1;
}

int page_admin_territory(req *r)
{
    form f;
    admin_out o;
    if (!allowed(r, OBJ_TERRITORY, VERB_CREATE) || read_form(r, &f))
        return 0;
    territory_in in = {form_get(&f, "name"), form_get(&f, "timezone")};
    memset(&o, 0, sizeof(o));
    if (territory_create(r, &in, &o) != 0)
        return -1;
    if (o.status < 400)
        return resp_redirect(r, "/admin");
    admin_view v = {.error_at = "territory", .error = o.msg, .t = &in};
    return admin_render(r, o.status, &v);
}

/* POST /admin/territories/{id}/settings: the same rules as the PATCH; a
 * value out of range brings the form back with every problem and what was
 * typed, and nothing changes. */
int page_admin_territory_settings(req *r)
{
    form f;
    store_territory_settings ts;
    const char *id = req_param(r, 0);
    if (!allowed(r, OBJ_TERRITORY, VERB_UPDATE) || read_form(r, &f))
        return 0;
    if (store_territory_settings_get(req_db(r), id, &ts) != STORE_OK)
        return resp_error(r, 404, "not_found", N_("The page you asked for does not exist or is not available to you."));
    json_t *problems = json_object();
    buf fields;
    buf_init(&fields);
    for (int i = 0; territory_keys[i]; i++) {
        const char *v = form_get(&f, territory_keys[i]);
        if (i == TERRITORY_OPTIONAL && (!v || !*v)) {
            territory_setting_put(&ts, i, 0); /* left empty: not set */
            buf_printf(&fields, "%s%s", fields.len ? "," : "", territory_keys[i]);
            continue;
        }
        char *end = NULL;
        long n = v ? strtol(v, &end, 10) : 0;
        if (!v || !*v || !end || *end || n < territory_limits[i][0] || n > territory_limits[i][1]) {
            json_object_set_new(problems, territory_keys[i], json_string(req_tr(r, territory_msgs[i])));
            continue;
        }
        territory_setting_put(&ts, i, n);
        buf_printf(&fields, "%s%s", fields.len ? "," : "", territory_keys[i]);
    }
    int rc;
    if (json_object_size(problems) > 0) {
        admin_view v = {.ts_id = id, .ts_form = &f, .ts_problems = problems};
        rc = admin_render(r, 422, &v);
    } else {
        rc = territory_settings_write(r, id, &ts, buf_cstr(&fields)) != 0 ? -1 : resp_redirect(r, "/admin?settings=1");
    }
    json_decref(problems);
    buf_free(&fields);
    return rc;
}

int page_admin_agency(req *r)
{
    form f;
    admin_out o;
    if (!allowed(r, OBJ_AGENCY, VERB_CREATE) || read_form(r, &f))
        return 0;
    agency_in in = {form_get(&f, "name"), form_get(&f, "sector"), form_get(&f, "territory")};
    memset(&o, 0, sizeof(o));
    if (agency_create(r, &in, &o) != 0)
        return -1;
    if (o.status < 400)
        return resp_redirect(r, "/admin");
    admin_view v = {.error_at = "agency", .error = o.msg, .ag = &in};
    return admin_render(r, o.status, &v);
}

int page_admin_user(req *r)
{
    form f;
    admin_out o;
    int rc;
    if (!allowed(r, OBJ_USER, VERB_CREATE) || read_form(r, &f))
        return 0;
    user_in in = {form_get(&f, "username"), form_get(&f, "display_name"), form_get(&f, "agency_id"),
                  form_get(&f, "role"), form_get(&f, "password"), form_get(&f, "lang"), form_get(&f, "email")};
    memset(&o, 0, sizeof(o));
    if (user_create(r, &in, &o) != 0) {
        sodium_memzero(&o, sizeof(o));
        return -1;
    }
    if (o.status >= 400) {
        admin_view v = {.error_at = "user", .error = o.msg, .u = &in};
        return admin_render(r, o.status, &v);
    }
    /* Shown once, on this answer only (see the file's caveat). */
    admin_view v = {.key_for = in.username, .secret = o.secret,
                    .notice = N_("The account has been created.")};
    rc = admin_render(r, 200, &v);
    sodium_memzero(&o, sizeof(o));
    return rc;
}

static int page_user_op(req *r, user_op op)
{
    admin_out o;
    store_user u;
    int rc;
    if (!allowed(r, OBJ_USER, VERB_UPDATE))
        return 0;
    memset(&o, 0, sizeof(o));
    if (user_change(r, req_param(r, 0), op, &o) != 0) {
        sodium_memzero(&o, sizeof(o));
        return -1;
    }
    if (o.status == 404)
        return resp_error(r, 404, "not_found", o.msg);
    if (o.status >= 400) {
        admin_view v = {.error_at = "users", .error = o.msg};
        return admin_render(r, o.status, &v);
    }
    if (op != USER_RESET_MFA)
        return resp_redirect(r, "/admin");
    if (store_user_by_id(req_db(r), o.id, &u) != STORE_OK)
        return -1;
    admin_view v = {.key_for = u.username, .secret = o.secret,
                    .notice = N_("The second factor has been reset and the person's sessions have ended.")};
    rc = admin_render(r, 200, &v);
    sodium_memzero(&o, sizeof(o));
    return rc;
}

int page_admin_user_disable(req *r)
{
    return page_user_op(r, USER_DISABLE);
}

int page_admin_user_enable(req *r)
{
    return page_user_op(r, USER_ENABLE);
}

int page_admin_user_reset_mfa(req *r)
{
    return page_user_op(r, USER_RESET_MFA);
}
