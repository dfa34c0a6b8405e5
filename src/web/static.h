/*
 * static.h - files of web/static, loaded into memory at start-up and served
 * with an ETag and a long cache lifetime; pages link them with a ?v=<hash>
 * so a changed file gets a new URL.
 */
#ifndef FILET_STATIC_H
#define FILET_STATIC_H

#include <stddef.h>

#include "web/app.h"

struct static_file {
    char *path;  /* relative to web/static, e.g. "vendor/pico.min.css" */
    char *data;
    size_t len;
    char etag[24]; /* "\"<16 hex>\"" */
    const char *ctype;
};

int static_load(app *a, const char *dir, char *err, size_t errlen);
void static_free(app *a);
const struct static_file *static_find(const app *a, const char *path);

#endif
