/*
 * routes.c - the route table: method + path pattern -> handler, and who may
 * come in (flags: web/http.h). First match wins; HEAD is served wherever GET
 * is. Everything not ROUTE_PUBLIC needs a signed-in user; each handler then
 * asks the access policy about the object itself.
 */
#include "web/account.h"
#include "web/auth.h"
#include "web/http.h"
#include "web/pages.h"

#define P ROUTE_PUBLIC
#define E ROUTE_ENROL

const route app_routes[] = {
    /* foundation */
    {"GET", "/", (void *)page_home, P},
    {"GET", "/healthz", (void *)page_healthz, P},
    {"POST", "/lang", (void *)page_lang, P | E | ROUTE_NOCSRF},
    {"GET", "/static/{*}", (void *)page_static, P | E},

    /* identity: signing in and out, one's own account */
    {"POST", "/login", (void *)page_login, P | ROUTE_NOCSRF},
    {"POST", "/logout", (void *)page_logout, E},
    {"POST", "/session/refresh", (void *)page_session_refresh, E},
    {"GET", "/account", (void *)page_account, 0},
    {"POST", "/account/password", (void *)page_password, 0},
    {"POST", "/account/sessions/{id}/end", (void *)page_session_end, 0},
    {"GET", "/account/mfa", (void *)page_mfa, E},
    {"POST", "/account/mfa", (void *)page_mfa_confirm, E},
    {"POST", "/api/v1/login", (void *)api_login, P | ROUTE_NOCSRF},
    {"POST", "/api/v1/logout", (void *)api_logout, E},
    {"GET", "/api/v1/me", (void *)api_me, 0},
    {"GET", "/api/v1/sessions", (void *)api_sessions, 0},
    {"DELETE", "/api/v1/sessions/{id}", (void *)api_session_end, 0},
    {"GET", "/api/v1/drafts/{key}", (void *)api_draft, 0},
    {"PUT", "/api/v1/drafts/{key}", (void *)api_draft, 0},
    {"DELETE", "/api/v1/drafts/{key}", (void *)api_draft, 0},
};
const size_t app_routes_count = sizeof(app_routes) / sizeof(app_routes[0]);
