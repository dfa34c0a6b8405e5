/*
 * account.c - a user's own account: their sessions (list, end), password
 * change, second-factor enrolment at first sign-in, and form drafts.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "lib/id.h"
#include "lib/log.h"
#include "sec/fieldcrypt.h"
#include "sec/password.h"
#include "sec/qrsvg.h"
#include "sec/totp.h"
#include "web/account.h"
#include "web/auth.h"

static int self_allowed(req *r)
{
    policy_target t = {.type = OBJ_SELF, .owner_user_id = r->user.id};
    return auth_allow(r, VERB_READ, &t, 0);
}

typedef struct sessions_ctx {
    req *r;
    json_t *list;
} sessions_ctx;

static int add_session(void *ctx, const store_session *s)
{
    sessions_ctx *x = ctx;
    char created[32], seen[32];
    time_rfc3339((time_t)s->created_at, created, sizeof(created));
    time_rfc3339((time_t)s->last_seen, seen, sizeof(seen));
    json_array_append_new(x->list, json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "id", s->id, "kind", s->kind,
                                             "created_at", created, "last_seen", seen, "source", s->source,
                                             "current", strcmp(s->id, x->r->sess.id) == 0));
    return 0;
}

static json_t *my_sessions(req *r)
{
    sessions_ctx x = {.r = r, .list = json_array()};
    if (store_sessions_of_user_each(req_db(r), r->user.id, add_session, &x) != STORE_OK) {
        json_decref(x.list);
        return NULL;
    }
    return x.list;
}

static int account_page(req *r, int status, const char *notice, const char *error)
{
    json_t *s = my_sessions(r);
    if (!s)
        return -1;
    json_t *d = json_pack("{s:o}", "sessions", s);
    if (notice)
        json_object_set_new(d, "notice", json_string(req_tr(r, notice)));
    if (error)
        json_object_set_new(d, "error", json_string(req_tr(r, error)));
    return resp_page(r, status, "account", N_("My account"), d);
}

int page_account(req *r)
{
    if (!self_allowed(r))
        return 0;
    return account_page(r, 200, NULL, NULL);
}

int api_sessions(req *r)
{
    if (!self_allowed(r))
        return 0;
    json_t *s = my_sessions(r);
    return s ? resp_json(r, 200, json_pack("{s:o}", "sessions", s)) : -1;
}

/* Ends one of the caller's own sessions; another user's id is not found. */
static int end_one(req *r, const char *sid)
{
    store_conn *c = req_db(r);
    audit_event e;
    if (!c || store_write_begin(c) != STORE_OK)
        return -1;
    int rc = store_session_delete(c, sid, r->user.id);
    if (rc == STORE_OK) {
        auth_event(r, &e, "delete", "session", sid, "");
        rc = audit_append(c, app_keys(r->app), &e);
    }
    if (rc == STORE_OK)
        rc = store_write_commit(c);
    else
        store_write_rollback(c);
    store_read_begin(c);
    return rc;
}

int page_session_end(req *r)
{
    if (!self_allowed(r))
        return 0;
    int rc = end_one(r, req_param(r, 0));
    if (rc == STORE_NOTFOUND)
        return resp_error(r, 404, "not_found", N_("The page you asked for does not exist or is not available to you."));
    if (rc != STORE_OK)
        return -1;
    return resp_redirect(r, strcmp(req_param(r, 0), r->sess.id) == 0 ? "/" : "/account");
}

int api_session_end(req *r)
{
    if (!self_allowed(r))
        return 0;
    int rc = end_one(r, req_param(r, 0));
    if (rc == STORE_NOTFOUND)
        return resp_error(r, 404, "not_found", N_("The page you asked for does not exist or is not available to you."));
    return rc == STORE_OK ? resp_text(r, 204, NULL, "", 0) : -1;
}

static const char *policy_message(int pw)
{
    switch (pw) {
    case PW_TOO_SHORT: return N_("The new password must have at least 12 characters.");
    case PW_TOO_LONG: return N_("The new password must have at most 128 characters.");
    case PW_COMMON: return N_("The new password is on the list of common or breached passwords: choose another.");
    case PW_CONTAINS_USERNAME: return N_("The new password must not be your username.");
    default: return N_("The new password is not valid text.");
    }
}

/* Password change (ASVS 2.1.5-2.1.6): the current password first; every
 * session of the user ends, and this browser gets a new one. */
int page_password(req *r)
{
    form f;
    if (!self_allowed(r))
        return 0;
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", N_("The request could not be understood."));
    const char *cur = form_get(&f, "current"), *nw = form_get(&f, "new"), *again = form_get(&f, "again");
    if (!cur || !nw || !again || !password_verify(r->user.password_hash, cur))
        return account_page(r, 400, NULL, N_("The current password is not right."));
    if (strcmp(nw, again) != 0)
        return account_page(r, 400, NULL, N_("The two new passwords differ."));
    int pw = pwpolicy_check(r->app->pw, nw, r->user.username);
    if (pw != PW_OK)
        return account_page(r, 400, NULL, policy_message(pw));
    char hash[PASSWORD_HASH_MAX], token[SESSION_TOKEN_LEN + 1];
    store_session ns;
    audit_event e;
    if (password_hash(nw, hash) != 0)
        return -1;
    store_conn *c = req_db(r);
    if (!c || store_write_begin(c) != STORE_OK)
        return -1;
    auth_event(r, &e, "update", "user", r->user.id, "password");
    int rc = store_user_set_password(c, r->user.id, hash);
    if (rc == STORE_OK)
        rc = store_session_delete_user(c, r->user.id);
    if (rc == STORE_OK)
        rc = session_create(c, r->user.id, "browser", "full", r->source, req_header(r, "User-Agent"),
                            &r->app->limits, clock_now(), token, &ns);
    if (rc == STORE_OK)
        rc = audit_append(c, app_keys(r->app), &e);
    if (rc != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        return -1;
    }
    store_read_begin(c);
    r->sess = ns;
    resp_header(r, "Set-Cookie", arena_printf(r->a, AUTH_COOKIE "=%s; Path=/; Max-Age=%ld; Secure; HttpOnly; SameSite=Strict",
                                              token, r->app->limits.absolute));
    return account_page(r, 200, N_("Your password has been changed. Your other sessions have ended."), NULL);
}

/* The user's TOTP secret (base32), creating one when the account has none
 * (demo users, for instance). Only while not yet confirmed. */
static int enrol_secret(req *r, char b32[TOTP_B32_LEN + 1])
{
    char aad[64], *plain = NULL;
    size_t len = 0;
    snprintf(aad, sizeof(aad), "users.totp:%s", r->user.id);
    if (r->user.totp_secret_enc[0]) {
        if (fieldcrypt_decrypt(app_keys(r->app), aad, r->user.totp_secret_enc, r->a, &plain, &len) != 0 ||
            len != TOTP_B32_LEN)
            return -1;
        memcpy(b32, plain, TOTP_B32_LEN + 1);
        sodium_memzero(plain, len);
        return 0;
    }
    unsigned char secret[TOTP_SECRET_BYTES];
    char *enc = NULL;
    audit_event e;
    totp_secret_new(secret);
    totp_secret_b32(secret, b32);
    sodium_memzero(secret, sizeof(secret));
    store_conn *c = req_db(r);
    if (fieldcrypt_encrypt(app_keys(r->app), aad, b32, strlen(b32), r->a, &enc) != 0 || !c ||
        store_write_begin(c) != STORE_OK)
        return -1;
    auth_event(r, &e, "update", "user", r->user.id, "totp");
    if (store_user_set_totp(c, r->user.id, enc) != STORE_OK || audit_append(c, app_keys(r->app), &e) != STORE_OK ||
        store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        return -1;
    }
    store_read_begin(c);
    return 0;
}

static int mfa_page(req *r, int status, const char *error)
{
    char b32[TOTP_B32_LEN + 1], uri[512], grouped[48];
    buf svg;
    if (r->user.totp_confirmed)
        return resp_redirect(r, "/account");
    if (enrol_secret(r, b32) != 0)
        return -1;
    if (totp_uri("filet", r->user.username, b32, uri, sizeof(uri)) != 0)
        return -1;
    /* Shown in groups of four, easier to type into an app. */
    size_t j = 0;
    for (size_t i = 0; b32[i] && j + 2 < sizeof(grouped); i++) {
        if (i && i % 4 == 0)
            grouped[j++] = ' ';
        grouped[j++] = b32[i];
    }
    grouped[j] = '\0';
    buf_init(&svg);
    if (qrsvg_render(uri, req_tr(r, N_("QR code to scan with your authenticator app")), &svg) != 0) {
        buf_free(&svg);
        return -1;
    }
    json_t *d = json_pack("{s:s,s:s}", "secret", grouped, "qr_svg", buf_cstr(&svg));
    buf_free(&svg);
    sodium_memzero(b32, sizeof(b32));
    sodium_memzero(uri, sizeof(uri));
    if (error)
        json_object_set_new(d, "error", json_string(req_tr(r, error)));
    return resp_page(r, status, "mfa", N_("Set up your second factor"), d);
}

int page_mfa(req *r)
{
    if (!self_allowed(r))
        return 0;
    return mfa_page(r, 200, NULL);
}

/* Confirms enrolment with a first code; the session is upgraded with a new
 * token (ASVS 3.2.1: new token when the authentication level changes). */
int page_mfa_confirm(req *r)
{
    form f;
    char b32[TOTP_B32_LEN + 1], token[SESSION_TOKEN_LEN + 1];
    unsigned char secret[TOTP_SECRET_BYTES];
    long long step = r->user.totp_last_step;
    store_session ns;
    audit_event e;
    if (!self_allowed(r))
        return 0;
    if (r->user.totp_confirmed)
        return resp_redirect(r, "/");
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", N_("The request could not be understood."));
    if (enrol_secret(r, b32) != 0 || totp_secret_from_b32(b32, secret) != 0)
        return -1;
    int ok = totp_verify(secret, form_get(&f, "totp"), clock_now(), &step) == 0;
    sodium_memzero(secret, sizeof(secret));
    sodium_memzero(b32, sizeof(b32));
    if (!ok)
        return mfa_page(r, 400, N_("That code is not right. Check the time on your phone and try the current code."));
    store_conn *c = req_db(r);
    if (!c || store_write_begin(c) != STORE_OK)
        return -1;
    auth_event(r, &e, "update", "user", r->user.id, "totp_confirmed");
    int rc = store_user_use_totp_step(c, r->user.id, step, 1);
    if (rc == STORE_OK)
        rc = store_session_delete(c, r->sess.id, r->user.id);
    if (rc == STORE_OK)
        rc = session_create(c, r->user.id, "browser", "full", r->source, req_header(r, "User-Agent"),
                            &r->app->limits, clock_now(), token, &ns);
    if (rc == STORE_OK)
        rc = audit_append(c, app_keys(r->app), &e);
    if (rc != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        if (rc == STORE_CONFLICT)
            return mfa_page(r, 400, N_("That code is not right. Check the time on your phone and try the current code."));
        return -1;
    }
    resp_header(r, "Set-Cookie", arena_printf(r->a, AUTH_COOKIE "=%s; Path=/; Max-Age=%ld; Secure; HttpOnly; SameSite=Strict",
                                              token, r->app->limits.absolute));
    return resp_redirect(r, "/");
}

/* --- drafts: PUT/GET/DELETE /api/v1/drafts/{key}, the caller's own --- */

static int draft_key_ok(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > 100)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '-' || k[i] == '_' || k[i] == '.'))
            return 0;
    return 1;
}

int api_draft(req *r)
{
    const char *key = req_param(r, 0);
    char aad[200];
    if (!self_allowed(r))
        return 0;
    if (!draft_key_ok(key))
        return resp_error(r, 400, "bad_key", N_("The request could not be understood."));
    snprintf(aad, sizeof(aad), "drafts:%s:%s", r->user.id, key);
    store_conn *c = req_db(r);
    if (!c)
        return -1;
    if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0) {
        char *enc = NULL, *plain = NULL;
        size_t len = 0;
        int rc = store_draft_get(c, r->user.id, key, &enc);
        /* No draft yet is not an error for a form: fields is null. */
        if (rc == STORE_NOTFOUND)
            return resp_json(r, 200, json_pack("{s:s,s:n}", "key", key, "fields"));
        rc = rc == STORE_OK ? fieldcrypt_decrypt(app_keys(r->app), aad, enc, r->a, &plain, &len) : -1;
        free(enc);
        if (rc != 0)
            return -1;
        json_error_t jerr;
        json_t *body = json_loadb(plain, len, 0, &jerr);
        return body ? resp_json(r, 200, json_pack("{s:s,s:o}", "key", key, "fields", body)) : -1;
    }
    if (store_write_begin(c) != STORE_OK)
        return -1;
    int rc;
    if (strcmp(r->method, "DELETE") == 0) {
        rc = store_draft_delete(c, r->user.id, key);
    } else {
        json_t *body = NULL;
        char err[128], *enc = NULL;
        if (json_body_parse(r->body.data ? r->body.data : "", r->body.len, &body, err, sizeof(err)) != 0) {
            store_write_rollback(c);
            return resp_error(r, 400, "invalid_json", N_("The request could not be understood."));
        }
        char *text = json_dumps(body, JSON_COMPACT);
        json_decref(body);
        rc = text && fieldcrypt_encrypt(app_keys(r->app), aad, text, strlen(text), r->a, &enc) == 0
                 ? store_draft_put(c, r->user.id, key, enc) : STORE_ERR;
        free(text);
    }
    if (rc != STORE_OK || store_write_commit(c) != STORE_OK) {
        store_write_rollback(c);
        return -1;
    }
    if (strcmp(r->method, "DELETE") == 0)
        return resp_text(r, 204, NULL, "", 0);
    char at[32];
    time_rfc3339(clock_now(), at, sizeof(at));
    return resp_json(r, 200, json_pack("{s:s,s:s}", "key", key, "saved_at", at));
}
