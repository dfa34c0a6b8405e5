/*
 * datafile.h - the shared machinery of filet's JSON data files: the
 * risk-assessment instruments (core/instrument.h) and the practitioners'
 * evaluation questionnaire (core/evaluation.h).
 *
 * A parser keeps a datafile_ctx while it walks a document: the text, the
 * file name, where to write the error, and the JSON path of the value being
 * checked. Every error is "FILE:LINE: reason": the line jansson reports for
 * a syntax error, else the line of the offending value, found by walking the
 * (valid) text along that path (json_locate_line); keys written with
 * escapes are not matched, and the line is then that of the nearest
 * enclosing value found (1 when none).
 *
 * Pure, except datafile_read, which reads a whole file.
 */
#ifndef FILET_DATAFILE_H
#define FILET_DATAFILE_H

#include <jansson.h>
#include <stddef.h>

#define DATAFILE_ID_MAX 64          /* bytes of an id: [a-z0-9][a-z0-9_-]* */
#define DATAFILE_FILE_MAX (4u << 20) /* largest data file read */
#define DATAFILE_PATH_MAX 5         /* steps of a path a message can locate */

/* A text in both languages; neither is NULL or empty once parsed. */
typedef struct datafile_text {
    const char *fr;
    const char *en;
} datafile_text;

/* Writes the message into err[0..errlen) (nothing when err is NULL or
 * errlen 0). */
void datafile_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* One step of a path into a JSON text: a member (key), or an element
 * (key NULL, index). */
typedef struct json_loc_step {
    const char *key;
    size_t index;
} json_loc_step;

/* The line (from 1) of the value at path[0..n) in the valid JSON text, or
 * of the deepest part of it that was found (1 for none, or text NULL). */
int json_locate_line(const char *text, size_t len, const json_loc_step *path, size_t n);

/* Reads a whole file of at most DATAFILE_FILE_MAX bytes into *text
 * (malloc'ed, the caller frees it; not NUL-terminated) and *len; -1 with
 * "FILE: reason" in err. */
int datafile_read(const char *path, char **text, size_t *len, char *err, size_t errlen);

typedef struct datafile_ctx {
    const char *text;
    size_t len;
    const char *file;                     /* as named in messages */
    char *err;
    size_t errlen;
    json_loc_step path[DATAFILE_PATH_MAX]; /* where the value being checked is */
    size_t depth;
} datafile_ctx;

/* Starts a parse of text[0..len) named filename (NULL: "<input>"). */
void datafile_init(datafile_ctx *c, const char *text, size_t len, const char *filename, char *err,
                   size_t errlen);
/* The document (new reference; duplicate keys refused), or NULL with
 * "FILE:LINE: reason" (no text, or jansson's syntax error). */
json_t *datafile_json(datafile_ctx *c);

/* Writes "FILE:LINE: message" for the value at c->path; returns -1. */
int datafile_fail(datafile_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets step d of the path to a member key (or an element index) and cuts
 * the path there; steps beyond DATAFILE_PATH_MAX are ignored. */
void datafile_at_key(datafile_ctx *c, size_t d, const char *key);
void datafile_at_index(datafile_ctx *c, size_t d, size_t index);

/* 1 if s is an id: 1..DATAFILE_ID_MAX bytes of [a-z0-9_-], starting with
 * [a-z0-9]. */
int datafile_id_valid(const char *s);

/* Every key of obj (its members at depth d of the path) must be in allowed
 * (NULL-terminated); else "WHAT: unknown field "KEY"". */
int datafile_check_keys(datafile_ctx *c, json_t *obj, size_t d, const char *const *allowed, const char *what);

/* obj[key] (obj's members at depth d) as {"fr": "...", "en": "..."}:
 * "WHAT: missing "KEY"", "WHAT: "KEY" has no en text", ... */
int datafile_text_member(datafile_ctx *c, json_t *obj, size_t d, const char *key, const char *what,
                         datafile_text *out);
/* t, the value at c->path, as such a text; messages name it WHAT. */
int datafile_text_value(datafile_ctx *c, json_t *t, const char *what, datafile_text *out);

/* obj[key] as an id; required, or optional (absent: *out NULL, 0). */
int datafile_id(datafile_ctx *c, json_t *obj, size_t d, const char *key, int required, const char *what,
                const char **out);
/* obj[key] as a required integer in lo..hi. */
int datafile_int(datafile_ctx *c, json_t *obj, size_t d, const char *key, const char *what, long long lo,
                 long long hi, int *out);
/* obj[key] as an array of 1..max entries (0..max when may_be_empty). */
int datafile_array(datafile_ctx *c, json_t *obj, size_t d, const char *key, size_t max, int may_be_empty,
                   json_t **out);

#endif
