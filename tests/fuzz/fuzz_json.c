/*
 * fuzz_json.c - libFuzzer target for json_body_parse and
 * json_body_check_keys. On success the result must be an object, and the
 * error text must be set on failure.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
    if (!cond)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const allowed[] = {"summary", "persons", "consent", "ref", NULL};
    json_t *obj = NULL;
    char err[128];
    const char *unknown = NULL;

    if (json_body_parse((const char *)data, size, &obj, err, sizeof(err)) < 0) {
        check(obj == NULL);
        check(err[0] != '\0');
        return 0;
    }
    check(json_is_object(obj));
    if (json_body_check_keys(obj, allowed, &unknown) < 0) {
        check(unknown != NULL);
        check(json_object_get(obj, unknown) != NULL);
    } else {
        check(unknown == NULL);
    }
    json_decref(obj);
    return 0;
}
