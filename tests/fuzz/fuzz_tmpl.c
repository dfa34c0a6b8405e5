/*
 * fuzz_tmpl.c - libFuzzer target for the template engine.
 *
 * Input: template source, then optionally "\n---\n" and JSON data (without
 * the separator a fixed data document is used). The template is added as
 * "main" and "p" (so {{> main}} and {{> p}} recurse into the depth limit) and
 * rendered with and without a translator. Besides crashes, leaks and hangs it
 * checks the escaping invariant: a template with no '<' and no "raw" can
 * never produce '<', whatever the data.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char default_json[] =
    "{\"s\": \"<a href='x'>&\\\"</a>\", \"n\": 3, \"r\": 2.5, \"t\": true, \"f\": false,"
    " \"z\": null, \"e\": \"\", \"xs\": [1, \"<b>\", {\"s\": \"in\", \"xs\": [0, 1]}],"
    " \"o\": {\"s\": \"<o>\", \"a\": [[1, 2], []], \"o\": {\"n\": 0}}}";

static const char *fuzz_tr(void *ctx, const char *msgid)
{
    (void)ctx;
    size_t n = strlen(msgid);
    if (n % 3 == 0)
        return msgid;
    if (n % 3 == 1)
        return "{2} & {1} {9} {0} {";
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *src = (const char *)data;
    const char *sep = memmem(src, size, "\n---\n", 5);
    size_t tlen = sep ? (size_t)(sep - src) : size;
    json_t *j;
    json_error_t e;
    if (sep)
        j = json_loadb(sep + 5, size - tlen - 5, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    else
        j = json_loads(default_json, 0, &e);

    tmpl_set *s = tmpl_set_new();
    if (!s)
        goto out;
    char err[256];
    if (tmpl_set_add(s, "main", src, tlen, err, sizeof(err)) < 0) {
        /* every syntax error names the template and a line */
        if (strncmp(err, "main:", 5) != 0)
            __builtin_trap();
        goto out;
    }
    if (tmpl_set_add(s, "p", src, tlen, err, sizeof(err)) < 0)
        __builtin_trap(); /* same source compiled once already */

    int check_escape = !memchr(src, '<', tlen) && !memmem(src, tlen, "raw", 3);
    for (int pass = 0; pass < 2; pass++) {
        buf out;
        buf_init(&out);
        int rc = tmpl_render(s, pass ? "p" : "main", j, pass ? fuzz_tr : NULL, NULL, &out);
        if (rc == 0 && check_escape && out.len && memchr(out.data, '<', out.len))
            __builtin_trap();
        buf_free(&out);
    }
out:
    tmpl_set_free(s);
    json_decref(j);
    return 0;
}
