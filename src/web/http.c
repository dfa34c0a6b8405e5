/*
 * http.c - request accessors and the resp_* answers; see http.h.
 */
#include "web/http.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "lib/id.h"
#include "lib/log.h"
#include "sec/fieldcrypt.h"
#include "lib/tz.h"
#include "web/vocab.h"
#include "web/evaluations.h"

const char *req_header(req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/* Query values arrive still percent-encoded (server.c keeps URLs raw);
 * decode them the same way as a form field. Invalid encodings give NULL. */
const char *req_query(req *r, const char *name)
{
    const char *raw = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
    if (!raw)
        return NULL;
    char *pair = arena_printf(r->a, "v=%s", raw);
    form f;
    if (!pair || form_parse(r->a, pair, strlen(pair), &f) != 0 || f.n != 1)
        return NULL;
    return f.fields[0].value;
}

const char *req_cookie(req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *req_param(req *r, size_t i)
{
    return i < r->m.nparams ? r->m.params[i] : NULL;
}

store_conn *req_db(req *r)
{
    if (!r->db) {
        r->db = store_acquire(r->app->db);
        if (r->db && store_read_begin(r->db) != STORE_OK) {
            store_release(r->app->db, r->db);
            r->db = NULL;
        }
    }
    return r->db;
}

int req_form(req *r, form *f)
{
    return form_parse(r->a, r->body.data ? r->body.data : "", r->body.len, f);
}

const char *req_tr(req *r, const char *msgid)
{
    return i18n_get(r->app->cat, r->lang, msgid);
}

const char *req_tr1(req *r, const char *msgid, const char *arg)
{
    const char *t = req_tr(r, msgid);
    const char *at = strstr(t, "{1}");
    if (!at)
        return t;
    char *out = arena_printf(r->a, "%.*s%s%s", (int)(at - t), t, arg, at + 3);
    return out ? out : t;
}

const char *req_encrypt(req *r, const char *aad, const char *plain)
{
    char *out = NULL;
    if (!plain || !*plain || fieldcrypt_encrypt(app_keys(r->app), aad, plain, strlen(plain), r->a, &out) != 0)
        return NULL;
    return out;
}

const char *req_decrypt(req *r, const char *aad, const char *stored)
{
    char *out = NULL;
    size_t len = 0;
    if (!stored || !*stored)
        return NULL;
    if (fieldcrypt_decrypt(app_keys(r->app), aad, stored, r->a, &out, &len) != 0) {
        log_error("event=decrypt_failed aad_kind=\"%.40s\"", aad);
        return NULL;
    }
    return out;
}

void req_today(char out[11])
{
    char t[32];
    time_rfc3339(clock_now(), t, sizeof(t));
    memcpy(out, t, 10);
    out[10] = '\0';
}

static const char *tr_cb(void *ctx, const char *msgid)
{
    return req_tr(ctx, msgid);
}

int resp_header(req *r, const char *name, const char *value)
{
    if (r->nhdr >= REQ_MAX_HEADERS || !value)
        return -1;
    r->hdr_name[r->nhdr] = name;
    r->hdr_value[r->nhdr] = arena_strdup(r->a, value);
    r->nhdr++;
    return 0;
}

int resp_text(req *r, int status, const char *ctype, const char *body, size_t len)
{
    r->status = status;
    r->content_type = ctype;
    buf_reset(&r->out);
    return buf_append(&r->out, body, len);
}

int resp_json(req *r, int status, json_t *data)
{
    r->status = status;
    r->content_type = "application/json";
    buf_reset(&r->out);
    char *s = data ? json_dumps(data, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(data);
    if (!s) {
        r->out.oom = 1;
        return -1;
    }
    buf_puts(&r->out, s);
    buf_putc(&r->out, '\n');
    free(s);
    return r->out.oom ? -1 : 0;
}

/* Fields every page's layout needs. */
static void page_common(req *r, json_t *data, const char *title)
{
    app *a = r->app;
    json_object_set_new(data, "lang", json_string(r->lang));
    json_object_set_new(data, "html_lang", json_string(strcmp(r->lang, "fr") == 0 ? "fr-CA" : "en"));
    json_object_set_new(data, "other_lang", json_string(strcmp(r->lang, "fr") == 0 ? "en" : "fr"));
    json_object_set_new(data, "title", json_string(req_tr(r, title)));
    json_object_set_new(data, "demo", json_boolean(a->cfg.demo));
    json_object_set_new(data, "version", json_string(FILET_VERSION));
    json_object_set(data, "assets", a->assets);
    json_object_set_new(data, "path", json_string(r->path));
    if (r->signed_in) {
        /* Navigation shows what the policy lets this user open (each page
         * still asks the policy itself). */
        const char *t = r->agency.territory_id;
        policy_target users = {.type = OBJ_USER}, audit = {.type = OBJ_AUDIT};
        policy_target triage = {.type = OBJ_TRIAGE, .territory_id = t}, refer = {.type = OBJ_REFERRAL, .territory_id = t};
        policy_target reg = {.type = OBJ_REGISTER, .territory_id = t};
        json_t *u = json_pack("{s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:b,s:b,s:b}", "display_name", r->user.display_name,
                              "username", r->user.username, "role", req_tr(r, vocab_role(r->user.role)),
                              "agency", r->agency.name, "is_admin", policy_check(&r->who, VERB_LIST, &users),
                              "is_auditor", policy_check(&r->who, VERB_READ, &audit),
                              "is_coordinator", policy_check(&r->who, VERB_LIST, &triage),
                              "is_cell", policy_check(&r->who, VERB_CREATE, &refer),
                              "sees_register", policy_check(&r->who, VERB_LIST, &reg),
                              "enrolled", strcmp(r->sess.stage, "full") == 0);
        /* Indicators: the territory's coordinators and auditors, admins. */
        policy_target ind = {.type = OBJ_INDICATORS, .territory_id = t};
        json_object_set_new(u, "sees_indicators", json_boolean(policy_check(&r->who, VERB_READ, &ind)));
        /* practitioner evaluations: questionnaires waiting, or results */
        const char *ev = strcmp(r->sess.stage, "full") == 0 ? evaluation_nav(r) : NULL;
        if (ev)
            json_object_set_new(u, "evaluations", json_string(ev));
        json_object_set_new(data, "me", u);
        json_object_set_new(data, "csrf", json_string(r->sess.csrf));
        /* For the "stay signed in" warning (static/app.js). */
        json_object_set_new(data, "idle_seconds", json_integer(r->app->limits.idle));
        json_object_set_new(data, "htmx_headers",
                            json_string(arena_printf(r->a, "{\"X-CSRF-Token\": \"%s\"}", r->sess.csrf)));
    }
}

/* Every RFC 3339 UTC time in the page's data gets a sibling "<key>_local"
 * shown to people: the territory's time zone, the user's language (the
 * raw value stays for <time datetime="...">). */
static void localise_times(req *r, json_t *v, const char *zone, int depth)
{
    const char *key;
    json_t *x;
    size_t i;
    if (depth > 16)
        return;
    if (json_is_array(v)) {
        json_array_foreach(v, i, x) {
            localise_times(r, x, zone, depth + 1);
        }
        return;
    }
    if (!json_is_object(v))
        return;
    json_t *add = json_object();
    json_object_foreach(v, key, x) {
        char local[64];
        if (json_is_string(x) && tz_format(json_string_value(x), zone, r->lang, local, sizeof(local)) == 0)
            json_object_set_new(add, arena_printf(r->a, "%s_local", key), json_string(local));
        else
            localise_times(r, x, zone, depth + 1);
    }
    json_object_update(v, add);
    json_decref(add);
}

int resp_page(req *r, int status, const char *page_name, const char *title, json_t *data)
{
    buf content;
    int rc = -1;
    buf_init(&content);
    if (!data)
        data = json_object();
    if (!data)
        goto out;
    page_common(r, data, title);
    {
        store_territory t;
        const char *zone = "America/Montreal";
        if (r->signed_in && req_db(r) && store_territory_by_id(req_db(r), r->agency.territory_id, &t) == STORE_OK)
            zone = arena_strdup(r->a, t.timezone);
        localise_times(r, data, zone, 0);
    }
    if (tmpl_render(r->app->tmpl, page_name, data, tr_cb, r, &content) != 0) {
        log_error("event=render_failed template=%s", page_name);
        goto out;
    }
    json_object_set_new(data, "content", json_string(buf_cstr(&content)));
    buf_reset(&r->out);
    if (tmpl_render(r->app->tmpl, "layout", data, tr_cb, r, &r->out) != 0) {
        log_error("event=render_failed template=layout");
        goto out;
    }
    r->status = status;
    r->content_type = "text/html; charset=utf-8";
    rc = 0;
out:
    buf_free(&content);
    json_decref(data);
    return rc;
}

int resp_error(req *r, int status, const char *code, const char *message)
{
    if (r->is_api) {
        json_t *e = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", req_tr(r, message));
        return resp_json(r, status, e);
    }
    const char *title;
    switch (status) {
    case 404: title = N_("Page not found"); break;
    case 405: title = N_("Method not allowed"); break;
    case 413: title = N_("Request too large"); break;
    case 500: title = N_("Internal error"); break;
    default: title = N_("Bad request"); break;
    }
    json_t *d = json_pack("{s:i,s:s}", "status", status, "message", req_tr(r, message));
    if (resp_page(r, status, "error", title, d) == 0)
        return 0;
    /* Rendering itself failed: still answer, plainly. */
    const char *plain = req_tr(r, title);
    return resp_text(r, status, "text/plain; charset=utf-8", plain, strlen(plain));
}

int resp_redirect(req *r, const char *location)
{
    resp_header(r, "Location", location);
    return resp_text(r, 303, "text/plain; charset=utf-8", "", 0);
}

typedef struct territory_opts {
    json_t *options;
    const char *chosen;
} territory_opts;

static int territory_opt(void *ctx, const store_territory *t)
{
    territory_opts *x = ctx;
    json_array_append_new(x->options, json_pack("{s:s,s:s,s:b}", "value", t->id, "label", t->name, "selected",
                                                 x->chosen && strcmp(x->chosen, t->id) == 0));
    return 0;
}

json_t *territory_options(req *r, const char *chosen)
{
    territory_opts x = {json_array(), chosen};
    if (store_territories_each(req_db(r), territory_opt, &x) != STORE_OK) {
        json_decref(x.options);
        return NULL;
    }
    return x.options;
}
