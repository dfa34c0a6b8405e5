/*
 * auth.c - sessions, the route gate, CSRF, sign-in and sign-out.
 *
 * Sign-in (ASVS 2.2.1, 2.8, 3.2): password (Argon2id), then the TOTP code,
 * both checked every time; throttled per account name and per source
 * address with exponential back-off and then a 15-minute lock; the same
 * answer and about the same time whether or not the account exists (an
 * unknown name is checked against a dummy hash). A new session token at
 * every sign-in (no fixation). The demo switch (loopback only) skips the
 * second factor.
 */
#include "web/auth.h"

#include <ctype.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/id.h"
#include "lib/log.h"
#include "sec/fieldcrypt.h"
#include "sec/password.h"
#include "sec/totp.h"

/* Failures before back-off starts, and before the lock (per account name;
 * a source address gets ten times as many, for shared offices). */
#define THROTTLE_FREE 3
#define THROTTLE_LOCK 10
#define THROTTLE_LOCK_SECONDS (15 * 60)
#define THROTTLE_IP_FACTOR 10
/* A session's last_seen is written at most this often. */
#define TOUCH_EVERY 30

static const char *bearer_token(req *r)
{
    const char *h = req_header(r, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    return h + 7;
}

static int write_txn(req *r, store_conn **out)
{
    store_conn *c = req_db(r);
    if (!c || store_write_begin(c) != STORE_OK)
        return -1;
    *out = c;
    return 0;
}

static void commit_or_log(store_conn *c, const char *what)
{
    if (store_write_commit(c) != STORE_OK)
        log_error("event=commit_failed what=%s", what);
}

void auth_resolve(req *r)
{
    const char *token = bearer_token(r);
    r->via_bearer = token != NULL;
    if (!token)
        token = req_cookie(r, AUTH_COOKIE);
    if (!token)
        return;
    store_conn *c = req_db(r);
    time_t now = clock_now();
    if (!c || session_lookup(c, token, &r->app->limits, now, &r->sess) != STORE_OK)
        return;
    if (store_user_by_id(c, r->sess.user_id, &r->user) != STORE_OK || !r->user.active)
        return;
    if (store_agency_by_id(c, r->user.agency_id, &r->agency) != STORE_OK)
        return;
    r->signed_in = 1;
    r->user_id = r->user.id;
    r->who.user_id = r->user.id;
    r->who.agency_id = r->user.agency_id;
    r->who.territory_id = r->agency.territory_id;
    r->who.role = r->user.role;
    r->who.sector = r->agency.sector;
    if (!req_cookie(r, "filet-lang") && i18n_lang_canonical(r->user.lang))
        r->lang = i18n_lang_canonical(r->user.lang);
    if (now - r->sess.last_seen >= TOUCH_EVERY) {
        store_conn *w;
        if (write_txn(r, &w) == 0) {
            store_session_touch(w, r->sess.id, now);
            commit_or_log(w, "session_touch");
            store_read_begin(w);
        }
    }
}

/* host[:port] of an Origin or Referer URL, compared with the Host values
 * the server answers to (ASVS 13.2.3 / 4.2.2: cross-origin writes). */
static int same_origin(req *r, const char *url)
{
    const char *p = strstr(url, "://");
    if (!p)
        return 0;
    p += 3;
    size_t n = strcspn(p, "/?#");
    for (size_t i = 0; i < r->app->nallowed_hosts; i++)
        if (strlen(r->app->allowed_hosts[i]) == n && strncasecmp(p, r->app->allowed_hosts[i], n) == 0)
            return 1;
    return 0;
}

/* Same-origin check for writes. Browsers say where a request comes from in
 * Sec-Fetch-Site, which page script cannot forge; with our mandatory
 * "Referrer-Policy: no-referrer" they send "Origin: null" on form posts,
 * so Origin and Referer are only the fallback for older browsers. */
static int origin_ok(req *r)
{
    const char *site = req_header(r, "Sec-Fetch-Site");
    if (site)
        return strcmp(site, "same-origin") == 0 || strcmp(site, "none") == 0;
    const char *origin = req_header(r, "Origin");
    if (origin)
        return strcmp(origin, "null") != 0 && same_origin(r, origin);
    const char *referer = req_header(r, "Referer");
    if (referer)
        return same_origin(r, referer);
    /* No browser omits all three on a POST; non-browser clients have no
     * ambient credentials to abuse, and still need the CSRF token. */
    return 1;
}

static int csrf_ok(req *r)
{
    const char *t = req_header(r, "X-CSRF-Token");
    form f;
    if (!t && req_form(r, &f) == 0)
        t = form_get(&f, "csrf");
    size_t n = strlen(r->sess.csrf);
    return t && n > 0 && strlen(t) == n && sodium_memcmp(t, r->sess.csrf, n) == 0;
}

static int is_read(req *r)
{
    return strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
}

int auth_gate(req *r, unsigned flags)
{
    if (!r->signed_in && !(flags & ROUTE_PUBLIC)) {
        if (r->is_api)
            return resp_error(r, 401, "not_authenticated", N_("Sign in first.")), 1;
        return resp_redirect(r, "/"), 1;
    }
    if (r->signed_in && strcmp(r->sess.stage, "full") != 0 && !(flags & (ROUTE_ENROL | ROUTE_PUBLIC))) {
        if (r->is_api)
            return resp_error(r, 401, "not_authenticated", N_("Sign in first.")), 1;
        return resp_redirect(r, "/account/mfa"), 1;
    }
    if (is_read(r))
        return 0;
    /* Writes: cookie sessions need the CSRF token and a same-origin
     * request (ASVS 4.2.2); bearer tokens are not sent by browsers on
     * their own, so they need neither. */
    if (r->signed_in && !r->via_bearer && !(flags & ROUTE_NOCSRF)) {
        if (!origin_ok(r) || !csrf_ok(r)) {
            auth_audit(r, "access_refused", "csrf", r->route_pattern, "");
            return resp_error(r, 403, "csrf_failed",
                              N_("This form has expired or came from another site. Reload the page and try again.")), 1;
        }
    } else if (!origin_ok(r)) {
        return resp_error(r, 403, "csrf_failed",
                          N_("This form has expired or came from another site. Reload the page and try again.")), 1;
    }
    return 0;
}

void auth_event(req *r, audit_event *e, const char *action, const char *object_type,
                const char *object_id, const char *fields)
{
    e->user_id = r->signed_in ? r->user.id : NULL;
    e->agency_id = r->signed_in ? r->user.agency_id : NULL;
    e->source = r->source;
    e->action = action;
    e->object_type = object_type;
    e->object_id = object_id;
    e->fields = fields;
}

int auth_audit(req *r, const char *action, const char *object_type, const char *object_id,
               const char *fields)
{
    audit_event e;
    store_conn *c;
    auth_event(r, &e, action, object_type, object_id, fields);
    if (write_txn(r, &c) != 0)
        return -1;
    if (audit_append(c, app_keys(r->app), &e) != STORE_OK) {
        store_write_rollback(c);
        return -1;
    }
    commit_or_log(c, "audit");
    store_read_begin(c);
    return 0;
}

int auth_refuse(req *r, const char *object_type, const char *object_id, int not_found)
{
    auth_audit(r, "access_refused", object_type, object_id ? object_id : "", "");
    if (not_found)
        return resp_error(r, 404, "not_found", N_("The page you asked for does not exist or is not available to you."));
    return resp_error(r, 403, "forbidden", N_("Your role does not give access to this."));
}

static const char *object_name(policy_object o)
{
    switch (o) {
    case OBJ_SELF: return "account";
    case OBJ_TERRITORY: return "territory";
    case OBJ_AGENCY: return "agency";
    case OBJ_USER: return "user";
    case OBJ_AUDIT: return "audit";
    case OBJ_INSTRUMENT: return "instrument";
    case OBJ_SITUATION: return "situation";
    case OBJ_REFERRAL: return "referral";
    case OBJ_TRIAGE: return "triage";
    case OBJ_REGISTER: return "disclosures";
    case OBJ_ACTION: return "action";
    case OBJ_MEETING: return "meeting";
    case OBJ_ATTENDANCE: return "attendance";
    case OBJ_RESEARCH: return "research";
    case OBJ_INDICATORS: return "indicators";
    case OBJ_EVALUATION: return "evaluation";
    case OBJ_EVALUATION_RESULTS: return "evaluation_results";
    }
    return "object";
}

int auth_allow(req *r, policy_verb verb, const policy_target *t, int not_found)
{
    if (policy_check(&r->who, verb, t))
        return 1;
    auth_refuse(r, object_name(t->type), NULL, not_found);
    return 0;
}

/* --- sign-in --- */

typedef enum { LOGIN_OK, LOGIN_FAILED, LOGIN_THROTTLED, LOGIN_ERROR } login_status;

typedef struct login_result {
    login_status status;
    long retry_after;
    char token[SESSION_TOKEN_LEN + 1];
    store_session sess;
    store_user user;
} login_result;

static void throttle_keys(req *r, const char *username, char *ukey, size_t un, char *ikey, size_t in)
{
    size_t j = 0;
    j += (size_t)snprintf(ukey, un, "u:");
    for (const char *p = username; *p && j + 1 < un; p++)
        ukey[j++] = (char)tolower((unsigned char)*p);
    ukey[j] = '\0';
    snprintf(ikey, in, "ip:%s", r->source);
}

static long long blocked_for(long failures, long free_n, long lock_n)
{
    if (failures >= lock_n)
        return THROTTLE_LOCK_SECONDS;
    if (failures <= free_n)
        return 0;
    /* 2, 4, 8 ... seconds, at most a minute, until the lock. */
    long long s = 1LL << (failures - free_n > 10 ? 10 : failures - free_n);
    return s > 60 ? 60 : s;
}

/* Checks the second factor of u at now. 1 ok (step recorded), 0 refused. */
static int second_factor_ok(req *r, store_conn *c, const store_user *u, const char *code, time_t now)
{
    unsigned char secret[TOTP_SECRET_BYTES];
    char *b32 = NULL, aad[64];
    size_t len = 0;
    long long step = u->totp_last_step;
    int ok = 0;
    if (!code || !*code || !u->totp_secret_enc[0])
        return 0;
    snprintf(aad, sizeof(aad), "users.totp:%s", u->id);
    if (fieldcrypt_decrypt(app_keys(r->app), aad, u->totp_secret_enc, r->a, &b32, &len) != 0 ||
        totp_secret_from_b32(b32, secret) != 0)
        goto out;
    if (totp_verify(secret, code, now, &step) != 0)
        goto out;
    /* Conditional on the stored step: a replay loses even when concurrent. */
    ok = store_user_use_totp_step(c, u->id, step, 1) == STORE_OK;
out:
    sodium_memzero(secret, sizeof(secret));
    if (b32)
        sodium_memzero(b32, len);
    return ok;
}

static void login(req *r, const char *username, const char *password, const char *code,
                  const char *kind, login_result *res)
{
    char ukey[160], ikey[80];
    long uf = 0, ipf = 0;
    long long ublock = 0, ipblock = 0;
    time_t now = clock_now();
    store_conn *c = req_db(r);
    memset(res, 0, sizeof(*res));
    res->status = LOGIN_ERROR;
    if (!c)
        return;
    throttle_keys(r, username, ukey, sizeof(ukey), ikey, sizeof(ikey));
    if (store_throttle_get(c, ukey, &uf, &ublock) != STORE_OK ||
        store_throttle_get(c, ikey, &ipf, &ipblock) != STORE_OK)
        return;
    long long until = ublock > ipblock ? ublock : ipblock;
    if (until > now) {
        res->status = LOGIN_THROTTLED;
        res->retry_after = (long)(until - now);
        return;
    }
    int found = store_user_by_username(c, username, &res->user) == STORE_OK;
    int ok = password_verify(found ? res->user.password_hash : r->app->dummy_hash, password);
    ok = ok && found && res->user.active;

    if (store_write_begin(c) != STORE_OK)
        return;
    const char *stage = "full";
    if (ok && !r->app->cfg.demo) {
        if (res->user.totp_confirmed || (code && *code))
            ok = second_factor_ok(r, c, &res->user, code, now);
        else if (strcmp(kind, "browser") == 0)
            stage = "enrol"; /* first sign-in: enrol the second factor next */
        else
            ok = 0;
    }
    audit_event e = {.user_id = found ? res->user.id : NULL, .agency_id = found ? res->user.agency_id : NULL,
                     .source = r->source, .action = ok ? "login_ok" : "login_failed",
                     .object_type = "session", .object_id = "", .fields = ""};
    int rc;
    if (ok) {
        rc = store_throttle_clear(c, ukey);
        if (rc == STORE_OK)
            rc = session_create(c, res->user.id, kind, stage, r->source, req_header(r, "User-Agent"),
                                &r->app->limits, now, res->token, &res->sess);
        /* ASVS 2.4: re-hash when the cost parameters have risen. */
        char newhash[PASSWORD_HASH_MAX];
        if (rc == STORE_OK && password_needs_rehash(res->user.password_hash) &&
            password_hash(password, newhash) == 0)
            rc = store_user_set_password(c, res->user.id, newhash);
        e.object_id = res->sess.id;
    } else {
        uf++;
        ipf++;
        rc = store_throttle_set(c, ukey, uf, now, now + blocked_for(uf, THROTTLE_FREE, THROTTLE_LOCK));
        if (rc == STORE_OK)
            rc = store_throttle_set(c, ikey, ipf, now,
                                    now + blocked_for(ipf, THROTTLE_FREE * THROTTLE_IP_FACTOR,
                                                      THROTTLE_LOCK * THROTTLE_IP_FACTOR));
    }
    if (rc == STORE_OK)
        rc = audit_append(c, app_keys(r->app), &e);
    if (rc != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        return;
    }
    store_read_begin(c);
    res->status = ok ? LOGIN_OK : LOGIN_FAILED;
    if (ok)
        log_info("event=login user=%s kind=%s stage=%s", res->user.id, kind, stage);
}

static void set_session_cookie(req *r, const char *token, long max_age)
{
    /* ASVS 3.4.1-3.4.5: Secure, HttpOnly, SameSite=Strict, __Host- prefix. */
    resp_header(r, "Set-Cookie",
                arena_printf(r->a, AUTH_COOKIE "=%s; Path=/; Max-Age=%ld; Secure; HttpOnly; SameSite=Strict",
                             token, max_age));
}

int page_login(req *r)
{
    form f;
    login_result res;
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", N_("The request could not be understood."));
    const char *username = form_get(&f, "username"), *password = form_get(&f, "password");
    if (!username || !password || !*username || !*password) {
        json_t *d = json_pack("{s:s,s:s}", "error", req_tr(r, N_("Enter your username and password.")),
                              "username", username ? username : "");
        return resp_page(r, 400, "home", N_("Sign in"), d);
    }
    login(r, username, password, form_get(&f, "totp"), "browser", &res);
    if (res.status == LOGIN_OK) {
        set_session_cookie(r, res.token, r->app->limits.absolute);
        return resp_redirect(r, strcmp(res.sess.stage, "enrol") == 0 ? "/account/mfa" : "/");
    }
    if (res.status == LOGIN_ERROR)
        return -1;
    json_t *d = json_pack("{s:s}", "username", username);
    if (res.status == LOGIN_THROTTLED) {
        resp_header(r, "Retry-After", arena_printf(r->a, "%ld", res.retry_after));
        json_object_set_new(d, "error",
            json_string(req_tr1(r, N_("Too many attempts. Try again in {1} seconds."),
                                arena_printf(r->a, "%ld", res.retry_after))));
        return resp_page(r, 429, "home", N_("Sign in"), d);
    }
    json_object_set_new(d, "error", json_string(req_tr(r, N_("Sign-in failed: check your username, password and code."))));
    return resp_page(r, 401, "home", N_("Sign in"), d);
}

static json_t *user_json(const store_user *u, const store_agency *a)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", u->id, "username", u->username,
                     "display_name", u->display_name, "role", u->role, "lang", u->lang,
                     "agency_id", u->agency_id, "territory_id", a ? a->territory_id : "");
}

int api_login(req *r)
{
    static const char *const allowed[] = {"username", "password", "totp", NULL};
    json_t *body = NULL;
    const char *unknown = NULL;
    char err[128];
    login_result res;
    if (json_body_parse(r->body.data ? r->body.data : "", r->body.len, &body, err, sizeof(err)) != 0)
        return resp_error(r, 400, "invalid_json", N_("The request could not be understood."));
    if (json_body_check_keys(body, allowed, &unknown) != 0) {
        json_decref(body);
        return resp_error(r, 400, "unknown_field", N_("The request could not be understood."));
    }
    const char *username = json_string_value(json_object_get(body, "username"));
    const char *password = json_string_value(json_object_get(body, "password"));
    const char *code = json_string_value(json_object_get(body, "totp"));
    if (!username || !password) {
        json_decref(body);
        return resp_error(r, 400, "missing_field", N_("The request could not be understood."));
    }
    login(r, username, password, code, "api", &res);
    json_decref(body);
    if (res.status == LOGIN_THROTTLED) {
        resp_header(r, "Retry-After", arena_printf(r->a, "%ld", res.retry_after));
        return resp_error(r, 429, "throttled", N_("Too many attempts. Try again later."));
    }
    if (res.status == LOGIN_FAILED)
        return resp_error(r, 401, "login_failed", N_("Sign-in failed: check your username, password and code."));
    if (res.status != LOGIN_OK)
        return -1;
    char expires[32];
    time_rfc3339((time_t)res.sess.expires_at, expires, sizeof(expires));
    store_agency ag;
    int have_ag = store_agency_by_id(req_db(r), res.user.agency_id, &ag) == STORE_OK;
    return resp_json(r, 200, json_pack("{s:s,s:s,s:o}", "token", res.token, "expires_at", expires,
                                       "user", user_json(&res.user, have_ag ? &ag : NULL)));
}

static int end_session(req *r)
{
    store_conn *c;
    audit_event e;
    if (write_txn(r, &c) != 0)
        return -1;
    auth_event(r, &e, "logout", "session", r->sess.id, "");
    if (store_session_delete(c, r->sess.id, r->user.id) != STORE_OK ||
        audit_append(c, app_keys(r->app), &e) != STORE_OK) {
        store_write_rollback(c);
        return -1;
    }
    commit_or_log(c, "logout");
    return 0;
}

int page_logout(req *r)
{
    if (end_session(r) != 0)
        return -1;
    set_session_cookie(r, "", 0);
    return resp_redirect(r, "/");
}

int api_logout(req *r)
{
    if (end_session(r) != 0)
        return -1;
    return resp_text(r, 204, NULL, "", 0);
}

int api_me(req *r)
{
    policy_target t = {.type = OBJ_SELF, .owner_user_id = r->user.id};
    if (!auth_allow(r, VERB_READ, &t, 0))
        return 0;
    json_t *u = user_json(&r->user, &r->agency);
    json_object_set_new(u, "agency", json_pack("{s:s,s:s,s:s}", "id", r->agency.id, "name", r->agency.name,
                                               "sector", r->agency.sector));
    char exp[32];
    time_rfc3339((time_t)r->sess.expires_at, exp, sizeof(exp));
    json_object_set_new(u, "session_expires_at", json_string(exp));
    json_object_set_new(u, "idle_timeout_seconds", json_integer(r->app->limits.idle));
    return resp_json(r, 200, u);
}

/* "Stay signed in": any authenticated request refreshes last_seen; this
 * one does nothing else (the page's warning calls it) and says how long
 * the session now lasts without activity. */
int page_session_refresh(req *r)
{
    store_conn *c;
    if (write_txn(r, &c) != 0)
        return -1;
    store_session_touch(c, r->sess.id, clock_now());
    commit_or_log(c, "session_refresh");
    return resp_json(r, 200, json_pack("{s:I}", "idle_seconds", (json_int_t)r->app->limits.idle));
}
