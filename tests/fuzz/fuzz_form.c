/*
 * fuzz_form.c - libFuzzer target for the urlencoded and path decoders:
 * utf8_valid, form_parse and url_decode_segment on arbitrary bytes. Checks
 * the decoders' promises (decoded output is valid UTF-8 without NUL, no '/'
 * in a segment, at most 1000 fields) besides memory safety.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise is a crash, so libFuzzer records the input. */
static void check(int cond)
{
    if (!cond)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    arena *a = arena_new(4096);
    form f;
    char *seg = NULL;

    if (!a)
        return 0;
    (void)utf8_valid(s, size);

    if (form_parse(a, s, size, &f) == 0) {
        check(f.n <= 1000);
        for (size_t i = 0; i < f.n; i++) {
            size_t nlen = strlen(f.fields[i].name);
            check(utf8_valid(f.fields[i].name, nlen));
            check(strlen(f.fields[i].value) == f.fields[i].value_len);
            check(utf8_valid(f.fields[i].value, f.fields[i].value_len));
        }
        if (f.n)
            check(form_get(&f, f.fields[0].name) == f.fields[0].value);
    } else {
        check(f.n == 0 && f.fields == NULL);
    }

    if (url_decode_segment(a, s, size, &seg) == 0) {
        size_t len = strlen(seg);
        check(len <= size);
        check(utf8_valid(seg, len));
        check(strchr(seg, '/') == NULL);
    } else {
        check(seg == NULL);
    }
    arena_free(a);
    return 0;
}
