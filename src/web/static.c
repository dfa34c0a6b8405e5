/*
 * static.c - in-memory static files; see static.h.
 * Caveat: loaded once; a file changed on disk needs a restart.
 */
#include "web/static.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define STATIC_MAX_FILES 256
#define STATIC_MAX_BYTES (8u * 1024 * 1024)

static const char *ctype_for(const char *path)
{
    static const struct { const char *ext, *ctype; } types[] = {
        {".css", "text/css; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},           {".png", "image/png"},
        {".ico", "image/x-icon"},            {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].ctype;
    return "application/octet-stream";
}

static int read_file(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    int rc = -1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size > (off_t)STATIC_MAX_BYTES)
        goto out;
    *data = malloc((size_t)st.st_size + 1);
    if (!*data)
        goto out;
    *len = fread(*data, 1, (size_t)st.st_size, f);
    rc = *len == (size_t)st.st_size ? 0 : -1;
    if (rc) {
        free(*data);
        *data = NULL;
    }
out:
    fclose(f);
    return rc;
}

static int load_dir(app *a, const char *root, const char *rel, int depth, char *err, size_t errlen)
{
    char full[1536];
    snprintf(full, sizeof(full), "%s%s%s", root, *rel ? "/" : "", rel);
    DIR *d = opendir(full);
    if (!d) {
        snprintf(err, errlen, "cannot read static directory %s", full);
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char sub[1024], path[1536];
        snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        snprintf(path, sizeof(path), "%s/%s", root, sub);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (depth < 4)
                rc = load_dir(a, root, sub, depth + 1, err, errlen);
            continue;
        }
        if (!S_ISREG(st.st_mode))
            continue;
        if (a->nstatics >= STATIC_MAX_FILES) {
            snprintf(err, errlen, "too many static files under %s", root);
            rc = -1;
            break;
        }
        struct static_file *f = &a->statics[a->nstatics];
        memset(f, 0, sizeof(*f));
        if (read_file(path, &f->data, &f->len) != 0 || !(f->path = strdup(sub))) {
            snprintf(err, errlen, "cannot read static file %s", path);
            free(f->data);
            rc = -1;
            break;
        }
        unsigned char h[8];
        char hex[17];
        crypto_generichash(h, sizeof(h), (const unsigned char *)f->data, f->len, NULL, 0);
        sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
        snprintf(f->etag, sizeof(f->etag), "\"%s\"", hex);
        f->ctype = ctype_for(f->path);
        a->nstatics++;
    }
    closedir(d);
    return rc;
}

/* Asset names for templates: "vendor/pico.min.css" -> key "pico_min_css"
 * (last path element, punctuation to '_'), value "/static/<path>?v=<hash>". */
static int build_assets(app *a)
{
    a->assets = json_object();
    if (!a->assets)
        return -1;
    for (size_t i = 0; i < a->nstatics; i++) {
        const struct static_file *f = &a->statics[i];
        const char *base = strrchr(f->path, '/');
        char key[128], url[1200];
        snprintf(key, sizeof(key), "%s", base ? base + 1 : f->path);
        for (char *p = key; *p; p++)
            if (*p == '.' || *p == '-')
                *p = '_';
        snprintf(url, sizeof(url), "/static/%s?v=%.*s", f->path, 8, f->etag + 1);
        json_object_set_new(a->assets, key, json_string(url));
    }
    return 0;
}

int static_load(app *a, const char *dir, char *err, size_t errlen)
{
    a->statics = calloc(STATIC_MAX_FILES, sizeof(*a->statics));
    if (!a->statics) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (load_dir(a, dir, "", 0, err, errlen) != 0)
        return -1;
    if (build_assets(a) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

void static_free(app *a)
{
    for (size_t i = 0; i < a->nstatics; i++) {
        free(a->statics[i].path);
        free(a->statics[i].data);
    }
    free(a->statics);
    a->statics = NULL;
    a->nstatics = 0;
    json_decref(a->assets);
    a->assets = NULL;
}

const struct static_file *static_find(const app *a, const char *path)
{
    for (size_t i = 0; i < a->nstatics; i++)
        if (strcmp(a->statics[i].path, path) == 0)
            return &a->statics[i];
    return NULL;
}
