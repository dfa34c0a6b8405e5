/*
 * server.c - libmicrohttpd plumbing: limits, the Host check, body
 * accumulation, dispatch through the router, security headers, the access
 * log, and the single place where a request's memory is freed.
 *
 * libmicrohttpd runs an internal epoll thread pool. We keep its URL
 * unescaping off (our router decodes each path segment itself, so "%2F"
 * cannot smuggle a slash) and parse bodies ourselves (no PostProcessor).
 *
 * Caveat: answers libmicrohttpd generates on its own (a request line it
 * cannot parse, a header section over the memory limit) carry no security
 * headers; they carry no content either.
 */
#include "web/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lib/id.h"
#include "lib/log.h"
#include "sec/password.h"
#include "web/auth.h"
#include "web/http.h"
#include "web/scheduler.h"
#include "web/static.h"

/* ASVS 14.4: the headers every answer carries. */
static const char CSP[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; font-src 'self'; object-src 'none'; "
                          "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

static long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

static void client_address(struct MHD_Connection *conn, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, n, "-");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)n);
}

/* Keep the raw path: route.c decodes segments one by one. */
static size_t unescape_none(void *cls, struct MHD_Connection *c, char *s)
{
    return strlen(s);
}

static void add_security_headers(struct MHD_Response *resp, const req *r)
{
    MHD_add_response_header(resp, "Content-Security-Policy", CSP);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(resp, "Permissions-Policy",
                            "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    if (!r->cacheable)
        MHD_add_response_header(resp, "Cache-Control", "no-store");
}

static int host_allowed(const app *a, const char *host)
{
    if (!host || !*host)
        return 0;
    for (size_t i = 0; i < a->nallowed_hosts; i++)
        if (strcasecmp(host, a->allowed_hosts[i]) == 0)
            return 1;
    return 0;
}

static void choose_lang(req *r)
{
    const char *c = req_cookie(r, "filet-lang");
    const char *l = c ? i18n_lang_canonical(c) : NULL;
    r->lang = l ? l : i18n_negotiate(req_header(r, "Accept-Language"));
}

static void dispatch(req *r)
{
    const char *allow = NULL;
    choose_lang(r);
    if (!host_allowed(r->app, req_header(r, "Host"))) {
        /* ASVS 14.5: no answer for an unexpected Host (DNS rebinding). */
        r->route_pattern = "(bad host)";
        resp_error(r, 400, "bad_host", N_("The request could not be understood."));
        return;
    }
    if (r->body_too_large) {
        r->route_pattern = "(too large)";
        resp_error(r, 413, "payload_too_large", N_("Request too large"));
        return;
    }
    int rc = route_match_path(app_routes, app_routes_count, r->method, r->path, r->a, &r->m, &allow);
    if (rc == ROUTE_OK) {
        r->route_pattern = app_routes[r->m.index].pattern;
        handler_fn h = (handler_fn)app_routes[r->m.index].handler;
        auth_resolve(r);
        if (auth_gate(r, app_routes[r->m.index].flags) != 0)
            return;
        if (h(r) != 0 || r->status == 0) {
            log_error("event=handler_failed route=%s", r->route_pattern);
            r->nhdr = 0;
            buf_reset(&r->out);
            r->out.oom = 0;
            resp_error(r, 500, "internal_error",
                       N_("Something went wrong on our side. Nothing you sent was lost: try again in a moment."));
        }
        return;
    }
    r->route_pattern = "(unmatched)";
    if (rc == ROUTE_METHOD_NOT_ALLOWED) {
        resp_header(r, "Allow", allow);
        resp_error(r, 405, "method_not_allowed", N_("This address does not accept that kind of request."));
    } else if (rc == ROUTE_BAD_PATH) {
        resp_error(r, 400, "bad_request", N_("The request could not be understood."));
    } else {
        resp_error(r, 404, "not_found", N_("The page you asked for does not exist or is not available to you."));
    }
}

static enum MHD_Result queue(req *r)
{
    if (r->out.oom) {
        buf_free(&r->out);
        r->status = 500;
        r->content_type = "text/plain; charset=utf-8";
        buf_puts(&r->out, "Internal error\n");
    }
    size_t len = 0;
    char *body = buf_detach(&r->out, &len);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, body ? body : (char *)"", body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    add_security_headers(resp, r);
    if (r->content_type)
        MHD_add_response_header(resp, "Content-Type", r->content_type);
    for (int i = 0; i < r->nhdr; i++)
        MHD_add_response_header(resp, r->hdr_name[i], r->hdr_value[i]);
    enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    app *a = cls;
    req *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof(*r));
        if (!r)
            return MHD_NO;
        r->a = arena_new(16384);
        if (!r->a) {
            free(r);
            return MHD_NO;
        }
        *con_cls = r;
        r->conn = conn;
        r->app = a;
        r->started_us = now_us();
        r->method = arena_strdup(r->a, method);
        r->path = arena_strdup(r->a, url);
        r->is_api = strncmp(url, "/api/", 5) == 0;
        r->lang = I18N_DEFAULT_LANG;
        client_address(conn, r->source, sizeof(r->source));
        buf_init(&r->body);
        buf_init(&r->out);
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl) {
            char *end = NULL;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || end == cl || n > a->cfg.body_limit)
                r->body_too_large = 1;
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!r->body_too_large) {
            if (r->body.len + *upload_data_size > r->app->cfg.body_limit)
                r->body_too_large = 1;
            else if (buf_append(&r->body, upload_data, *upload_data_size) < 0)
                r->body_too_large = 1;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    dispatch(r);
    return queue(r);
}

/* The one place a request's memory is released, whatever happened. */
static void request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
    req *r = *con_cls;
    if (!r)
        return;
    long dur = now_us() - r->started_us;
    /* ASVS 7.1.1: method, route template (never the path, query or body). */
    log_info("event=request method=%s route=\"%s\" status=%d duration_ms=%ld.%03ld user=%s%s",
             r->method ? r->method : "-", r->route_pattern ? r->route_pattern : "-", r->status,
             dur / 1000, dur % 1000, r->user_id ? r->user_id : "-",
             toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
    if (r->db)
        store_release(r->app->db, r->db);
    buf_free(&r->body);
    buf_free(&r->out);
    arena_free(r->a);
    free(r);
    *con_cls = NULL;
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[256];
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen)
        return -1;
    size_t hl = (size_t)(colon - listen);
    if (hl >= sizeof(host))
        return -1;
    memcpy(host, listen, hl);
    host[hl] = '\0';
    char *end = NULL;
    long port = strtol(colon + 1, &end, 10);
    if (!end || *end || port < 0 || port > 65535)
        return -1;
    memset(ss, 0, sizeof(*ss));
    if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        host[hl - 1] = '\0';
        if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
            return -1;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        *len = sizeof(*s6);
        return 0;
    }
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    if (strcmp(host, "localhost") == 0)
        memcpy(host, "127.0.0.1", 10);
    if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
        return -1;
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)port);
    *len = sizeof(*s4);
    return 0;
}

int listen_is_loopback(const char *listen)
{
    struct sockaddr_storage ss;
    socklen_t len;
    if (parse_listen(listen, &ss, &len) != 0)
        return 0;
    if (ss.ss_family == AF_INET)
        return (ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24) == 127;
    return IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&ss)->sin6_addr);
}

static void add_host(app *a, const char *h)
{
    if (a->nallowed_hosts < sizeof(a->allowed_hosts) / sizeof(a->allowed_hosts[0]) && *h)
        snprintf(a->allowed_hosts[a->nallowed_hosts++], sizeof(a->allowed_hosts[0]), "%s", h);
}

/* Host values we answer to: the listen address, its loopback names, and the
 * configured public names. */
static void build_allowed_hosts(app *a, const char *listen, unsigned port)
{
    char h[300];
    const char *colon = strrchr(listen, ':');
    int hl = colon ? (int)(colon - listen) : (int)strlen(listen);
    snprintf(h, sizeof(h), "%.*s:%u", hl, listen, port);
    add_host(a, h);
    if (listen_is_loopback(listen)) {
        snprintf(h, sizeof(h), "localhost:%u", port);
        add_host(a, h);
        snprintf(h, sizeof(h), "127.0.0.1:%u", port);
        add_host(a, h);
        snprintf(h, sizeof(h), "[::1]:%u", port);
        add_host(a, h);
    }
    const char *p = a->cfg.hosts;
    while (*p) {
        size_t n = strcspn(p, ", ");
        if (n) {
            snprintf(h, sizeof(h), "%.*s", (int)n, p);
            add_host(a, h);
        }
        p += n;
        p += strspn(p, ", ");
    }
}

int app_open(app *a, const config *cfg, char *err, size_t errlen)
{
    char path[1200];
    int version = 0;
    static const char *const langs[] = {"fr", "en", NULL};
    memset(a, 0, sizeof(*a));
    a->cfg = *cfg;
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        return -1;
    }
    a->keys = calloc(1, sizeof(*a->keys));
    if (!a->keys || keyring_load(cfg->key_path, a->keys, err, errlen) != 0)
        return -1;
    snprintf(path, sizeof(path), "%s/data/common-passwords.txt", cfg->share_dir);
    if (pwpolicy_load(path, &a->pw, err, errlen) != 0)
        return -1;
    a->limits.idle = cfg->session_idle < SESSION_IDLE_MAX ? cfg->session_idle : SESSION_IDLE_MAX;
    a->limits.absolute = cfg->session_absolute < SESSION_ABSOLUTE_MAX ? cfg->session_absolute : SESSION_ABSOLUTE_MAX;
    char dummy_pw[24];
    password_random(dummy_pw, sizeof(dummy_pw));
    if (password_hash(dummy_pw, a->dummy_hash) != 0) {
        snprintf(err, errlen, "cannot hash (out of memory?)");
        return -1;
    }
    if (i18n_load(cfg->locale_dir, langs, &a->cat, err, errlen) != 0)
        return -1;
    a->tmpl = tmpl_set_new();
    snprintf(path, sizeof(path), "%s/web/templates", cfg->share_dir);
    if (!a->tmpl || tmpl_set_load_dir(a->tmpl, path, err, errlen) != 0)
        return -1;
    snprintf(path, sizeof(path), "%s/web/openapi.json", cfg->share_dir);
    json_error_t jerr;
    a->openapi = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!a->openapi) {
        snprintf(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
        return -1;
    }
    /* A broken instrument stops the start, naming file, line and reason. */
    snprintf(path, sizeof(path), "%s/instruments", cfg->share_dir);
    if (instrument_set_load_dir(path, &a->instruments, err, errlen) != 0)
        return -1;
    /* So does a broken questionnaire. */
    snprintf(path, sizeof(path), "%s/data/evaluation.json", cfg->share_dir);
    if (evaluation_load_file(path, &a->evaluation, err, errlen) != 0)
        return -1;
    snprintf(path, sizeof(path), "%s/web/static", cfg->share_dir);
    if (static_load(a, path, err, errlen) != 0)
        return -1;
    /* + 3: one for the scheduler thread */
    if (store_open(cfg->db_path, 0, cfg->threads + 3, &a->db, err, errlen) != STORE_OK)
        return -1;
    if (store_migrate(a->db, &version, err, errlen) != STORE_OK)
        return -1;
    return 0;
}

void app_close(app *a)
{
    store_close(a->db);
    tmpl_set_free(a->tmpl);
    i18n_free(a->cat);
    static_free(a);
    json_decref(a->openapi);
    instrument_set_free(a->instruments);
    evaluation_free(a->evaluation);
    if (a->keys) {
        keyring_wipe(a->keys);
        free(a->keys);
    }
    for (size_t i = 0; i < a->nold_keys; i++) {
        keyring_wipe(a->old_keys[i]);
        free(a->old_keys[i]);
    }
    pwpolicy_free(a->pw);
    memset(a, 0, sizeof(*a));
}

/* SIGHUP: read the key file again (key rotation: `filet key add`, then
 * SIGHUP, then `filet rekey` while serving). The new keyring is published
 * by one atomic store; the old one stays readable by requests in flight
 * and is freed at exit. A key file that does not load changes nothing. */
static void reload_keys(app *a)
{
    char err[512];
    keyring *k = calloc(1, sizeof(*k));
    if (!k || a->nold_keys >= sizeof(a->old_keys) / sizeof(a->old_keys[0]) ||
        keyring_load(a->cfg.key_path, k, err, sizeof(err)) != 0) {
        log_error("event=key_reload_failed reason=\"%s\"", k ? err : "out of memory");
        if (k) {
            keyring_wipe(k);
            free(k);
        }
        return;
    }
    keyring *old = a->keys;
    __atomic_store_n(&a->keys, k, __ATOMIC_RELEASE);
    a->old_keys[a->nold_keys++] = old;
    log_info("event=key_reloaded current_key=%s keys=%zu", k->id[0], k->n);
}

int server_run(const config *cfg)
{
    static app a; /* large; lives for the whole run */
    char err[512];
    struct sockaddr_storage ss;
    socklen_t sslen;
    int rc = 1;
    if (cfg->demo && !listen_is_loopback(cfg->listen)) {
        fprintf(stderr, "filet: --demo is only allowed on a loopback address, not %s\n", cfg->listen);
        return 1;
    }
    if (parse_listen(cfg->listen, &ss, &sslen) != 0) {
        fprintf(stderr, "filet: cannot understand listen address %s (expected HOST:PORT)\n", cfg->listen);
        return 1;
    }
    if (app_open(&a, cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "filet: %s\n", err);
        app_close(&a);
        return 1;
    }
    /* Signals are taken by this thread only (sigwait below). */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, &on_request, &a,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->conn_timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)128,
        MHD_OPTION_UNESCAPE_CALLBACK, &unescape_none, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, &request_completed, NULL,
        MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "filet: cannot listen on %s: %s\n", cfg->listen, strerror(errno));
        goto out;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : 0;
    build_allowed_hosts(&a, cfg->listen, port);
    {
        const char *colon = strrchr(cfg->listen, ':');
        int hl = (int)(colon - cfg->listen);
        const char *shown = cfg->listen;
        if (strncmp(shown, "127.0.0.1", 9) == 0)
            shown = "127.0.0.1";
        fprintf(stderr, "filet: listening on http://%.*s:%u/%s\n", hl, shown, port,
                cfg->demo ? "  (DEMO - no real data)" : "");
    }
    log_info("event=start version=%s port=%u threads=%d", FILET_VERSION, port, cfg->threads);
    if (clock_is_fake())
        log_warn("event=test_clock_active note=\"FILET_TEST_CLOCK_FILE is set: for tests only\"");
    /* Started after the signal mask: the thread inherits it, so signals
     * still go to sigwait below. */
    scheduler *sched = scheduler_start(&a, err, sizeof(err));
    if (a.cfg.scheduler && !sched) {
        fprintf(stderr, "filet: %s\n", err);
        MHD_stop_daemon(d);
        goto out;
    }
    int sig = 0;
    while (sigwait(&sigs, &sig) == 0 && sig == SIGHUP)
        reload_keys(&a);
    log_info("event=stopping signal=%d", sig);
    scheduler_stop(sched);
    MHD_stop_daemon(d);
    rc = 0;
out:
    app_close(&a);
    return rc;
}
