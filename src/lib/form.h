/*
 * form.h - our own request body decoders (no MHD PostProcessor):
 * application/x-www-form-urlencoded, strict JSON, UTF-8 validation.
 */
#ifndef FILET_FORM_H
#define FILET_FORM_H

#include <jansson.h>
#include <stddef.h>

#include "arena.h"

typedef struct form_field {
    const char *name;  /* decoded, NUL-terminated */
    const char *value; /* decoded, NUL-terminated */
    size_t value_len;
} form_field;

typedef struct form {
    form_field *fields;
    size_t n;
} form;

/* 1 if s[0..n) is well-formed UTF-8 (no overlongs, surrogates, > U+10FFFF)
 * and contains no NUL byte, else 0. */
int utf8_valid(const char *s, size_t n);

/* Decodes an urlencoded body ('+' is space, %XX escapes) into out, allocating
 * from a. Returns 0, or -1 when malformed (bad % escape, invalid UTF-8 or NUL
 * after decoding, more than 1000 fields). Empty body gives n == 0. */
int form_parse(arena *a, const char *body, size_t len, form *out);
/* First value of name, or NULL. */
const char *form_get(const form *f, const char *name);
/* Percent-decodes one URL path segment into a (no '+' handling). -1 if
 * malformed or if the result is not valid UTF-8 or contains NUL or '/'. */
int url_decode_segment(arena *a, const char *s, size_t n, char **out);

/* Parses a JSON request body strictly: valid UTF-8, no \u0000, no duplicate
 * keys, a single top-level object, nesting at most 32 deep. Returns 0 and a
 * new reference in *out, or -1 with a short English reason in err. */
int json_body_parse(const char *body, size_t len, json_t **out, char *err, size_t errlen);
/* 0 if every key of obj is in allowed (NULL-terminated); else -1 and
 * *unknown points at the first unknown key (owned by obj). */
int json_body_check_keys(json_t *obj, const char *const *allowed, const char **unknown);

/* The string value of key in obj, or NULL (absent, or not a string). */
const char *json_get_str(const json_t *obj, const char *key);

#endif
