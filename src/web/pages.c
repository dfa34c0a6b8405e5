/*
 * pages.c - the foundation's pages: home (sign-in), health check, language
 * switch, static files.
 */
#include <string.h>

#include "lib/log.h"
#include "web/http.h"
#include "web/pages.h"
#include "web/static.h"
#include "web/auth.h"

int page_home(req *r)
{
    json_t *d = json_object();
    return resp_page(r, 200, "home", N_("Sign in"), d);
}

/* Liveness and database reachability; touches no personal data. */
int page_healthz(req *r)
{
    store_conn *c = req_db(r);
    if (!c || store_ping(c) != STORE_OK)
        return resp_text(r, 503, "text/plain; charset=utf-8", "unavailable\n", 12);
    return resp_text(r, 200, "text/plain; charset=utf-8", "ok\n", 3);
}

/* A local path to go back to: starts with one '/', no scheme, no CR/LF. */
static int safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
        return 0;
    return strpbrk(next, "\r\n") == NULL && strlen(next) < 1024;
}

/* POST /lang  lang=fr|en  next=/path : remembers the choice in a cookie.
 * Works without JavaScript (a plain form in the header). */
int page_lang(req *r)
{
    form f;
    if (req_form(r, &f) != 0)
        return resp_error(r, 400, "bad_request", N_("The request could not be understood."));
    const char *lang = i18n_lang_canonical(form_get(&f, "lang") ? form_get(&f, "lang") : "");
    if (!lang)
        return resp_error(r, 400, "bad_request", N_("The request could not be understood."));
    const char *next = form_get(&f, "next");
    if (r->signed_in && strcmp(lang, r->user.lang) != 0) {
        /* Signed in: the choice becomes the account's preferred language,
         * so it follows the user to another terminal. */
        store_conn *c = req_db(r);
        audit_event e;
        auth_event(r, &e, "update", "user", r->user.id, "lang");
        if (!c || store_write_begin(c) != STORE_OK)
            return -1;
        if (store_user_set_lang(c, r->user.id, lang) != STORE_OK ||
            audit_append(c, app_keys(r->app), &e) != STORE_OK || store_write_commit(c) != STORE_OK) {
            store_write_rollback(c);
            return -1;
        }
    }
    resp_header(r, "Set-Cookie",
                arena_printf(r->a, "filet-lang=%s; Path=/; Max-Age=31536000; SameSite=Strict; HttpOnly", lang));
    return resp_redirect(r, safe_next(next) ? next : "/");
}

int page_static(req *r)
{
    const struct static_file *f = static_find(r->app, req_param(r, 0));
    if (!f)
        return resp_error(r, 404, "not_found", N_("The page you asked for does not exist or is not available to you."));
    r->cacheable = 1;
    resp_header(r, "ETag", f->etag);
    resp_header(r, "Cache-Control", "public, max-age=31536000, immutable");
    const char *inm = req_header(r, "If-None-Match");
    if (inm && strcmp(inm, f->etag) == 0)
        return resp_text(r, 304, NULL, "", 0);
    return resp_text(r, 200, f->ctype, f->data, f->len);
}

/* GET /api/v1/openapi.json: the description of the JSON API, loaded at
 * start-up from web/openapi.json; a test keeps it equal to the routes. */
int page_openapi(req *r)
{
    if (!r->app->openapi)
        return resp_error(r, 404, "not_found", N_("The page you asked for does not exist or is not available to you."));
    return resp_json(r, 200, json_incref(r->app->openapi));
}
