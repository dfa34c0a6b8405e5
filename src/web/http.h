/*
 * http.h - one request as handlers see it, and the ways to answer it.
 *
 * A request owns an arena; everything allocated for it comes from there and
 * is freed in one place (server.c, request_completed). A handler fills in
 * the response with one of the resp_* calls and returns 0; returning -1
 * means "internal error" and the server answers 500 itself.
 *
 * Pages and API share handlers: a handler builds json_t data, then answers
 * with resp_page (HTML, rendered into the layout) or resp_json.
 */
#ifndef FILET_HTTP_H
#define FILET_HTTP_H

#include <jansson.h>
#include <stddef.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "core/policy.h"
#include "lib/form.h"
#include "sec/session.h"
#include "web/app.h"
#include "web/route.h"

struct MHD_Connection;

#define REQ_MAX_HEADERS 8

typedef struct req {
    struct MHD_Connection *conn;
    app *app;
    arena *a;
    const char *method;
    const char *path;          /* no query string */
    const char *route_pattern; /* for the access log: never the real path */
    route_match m;
    const char *lang;          /* "fr" or "en" */
    int is_api;                /* path under /api/: errors in JSON */
    buf body;
    int body_too_large;
    store_conn *db;            /* acquired lazily by req_db */
    long started_us;
    const char *user_id;       /* for the access log; NULL when anonymous */
    char source[64];           /* client address */

    /* who is asking (web/auth.c) */
    int signed_in;             /* a live session was presented */
    int via_bearer;            /* Authorization: Bearer, not the cookie */
    actor who;                 /* for policy_check; who.user_id NULL when anonymous */
    store_user user;
    store_agency agency;
    store_session sess;

    /* the answer */
    int status;
    const char *content_type;
    buf out;
    const char *hdr_name[REQ_MAX_HEADERS];
    const char *hdr_value[REQ_MAX_HEADERS];
    int nhdr;
    int cacheable;             /* static files: no Cache-Control: no-store */
} req;

typedef int (*handler_fn)(req *r);

/* Route flags (route.flags). Without ROUTE_PUBLIC a route needs a full
 * session: anonymous callers get 401 (API) or the sign-in page. */
#define ROUTE_PUBLIC 1u /* no session needed (a present one is still read) */
#define ROUTE_ENROL 2u  /* also open to a session still enrolling its second factor */
#define ROUTE_NOCSRF 4u /* write without a session (sign-in): Origin checked instead */

/* Request accessors */
const char *req_header(req *r, const char *name);
const char *req_query(req *r, const char *name);
const char *req_cookie(req *r, const char *name);
const char *req_param(req *r, size_t i); /* i-th {param} of the route */
/* The connection with an open read transaction, or NULL (pool exhausted). */
store_conn *req_db(req *r);
/* Decoded urlencoded body, or -1 if the body is not a valid form. */
int req_form(req *r, form *f);
/* Translation in the request's language. */
const char *req_tr(req *r, const char *msgid);
/* Translation with its "{1}" replaced by arg (translations are never
 * printf formats: a catalogue cannot crash the server). */
const char *req_tr1(req *r, const char *msgid, const char *arg);

/* Personal values at rest (sec/fieldcrypt.h), bound to their place by aad
 * ("table.column:row id"). encrypt: NULL for NULL or "" (nothing to store)
 * or on failure; decrypt: NULL for nothing stored or a value that does not
 * open (logged). Both allocate from the request's arena. */
const char *req_encrypt(req *r, const char *aad, const char *plain);
const char *req_decrypt(req *r, const char *aad, const char *stored);
/* Today's date in UTC, "YYYY-MM-DD". */
void req_today(char out[11]);

/* Answers */
int resp_header(req *r, const char *name, const char *value);
int resp_text(req *r, int status, const char *ctype, const char *body, size_t len);
int resp_json(req *r, int status, json_t *data); /* steals the reference */
/* Renders template page_name with data inside the layout. title is a msgid.
 * Steals the reference to data. */
int resp_page(req *r, int status, const char *page_name, const char *title, json_t *data);
/* An error in the request's kind: JSON {"error":{code,message}} under /api/,
 * else the error page. message is a msgid, translated. */
int resp_error(req *r, int status, const char *code, const char *message);
int resp_redirect(req *r, const char *location);
/* Every territory as <select> options ({value, label, selected}), chosen
 * selected; a new reference, or NULL on a store failure. */
json_t *territory_options(req *r, const char *chosen);

/* Routes, in routes.c */
extern const route app_routes[];
extern const size_t app_routes_count;

#endif
