/*
 * routes.c - the route table: method + path pattern -> handler.
 * First match wins; HEAD is served wherever GET is.
 */
#include "web/http.h"
#include "web/pages.h"

const route app_routes[] = {
    {"GET", "/", (void *)page_home},
    {"GET", "/healthz", (void *)page_healthz},
    {"POST", "/lang", (void *)page_lang},
    {"GET", "/static/{*}", (void *)page_static},
};
const size_t app_routes_count = sizeof(app_routes) / sizeof(app_routes[0]);
