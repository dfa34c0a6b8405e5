/*
 * evaluation.h - the practitioners' questionnaire after a cell meeting, as
 * data (data/evaluation.json, format in data/README.md), its answers and
 * the published figures.
 *
 * The questionnaire: statements with fr and en texts, each answered on a
 * five-point Likert scale (1 "strongly disagree" ... 5 "strongly agree"),
 * each with the share agreeing found by the reference study when it
 * reported one (the TCVCM study: 86.8 % "safety improved", 87.9 % "practice
 * improved", 100 % "a model to keep"), and a free comment.
 *
 * The figures (counts only, never a person):
 *   - agreeing = answers 4 or 5; the share agreeing = agreeing / answers to
 *     that statement, in tenths of a percent rounded half up (6 of 7 is
 *     85.7 %);
 *   - small counts are suppressed so that nobody can be re-identified: a
 *     count from 1 to 4 is shown "<5" (0 and 5 or more as they are), and a
 *     share computed from fewer than 5 answers is not shown at all.
 *
 * When one answers: from the meeting's start until EVALUATION_WINDOW_DAYS
 * days after it.
 *
 * Pure: evaluation_parse works on the text it is given; only
 * evaluation_load_file reads a file. Errors are "FILE:LINE: reason", lines
 * as for every data file (core/datafile.h).
 */
#ifndef FILET_EVALUATION_H
#define FILET_EVALUATION_H

#include <jansson.h>
#include <stddef.h>

#include "core/instrument.h"

#define EVALUATION_SCALE 5            /* Likert points, 1..5 */
#define EVALUATION_AGREE_MIN 4        /* 4 and 5 agree */
#define EVALUATION_MAX_STATEMENTS 20
#define EVALUATION_MIN_SHOWN 5        /* smaller counts are suppressed */
#define EVALUATION_COMMENT_MAX 2000   /* bytes of the free comment */
#define EVALUATION_WINDOW_DAYS 30     /* answerable this long after the start */

typedef struct evaluation_statement {
    const char *id;            /* [a-z0-9][a-z0-9_-]*, at most 64 bytes */
    instrument_text text;
    int reference_tenths;      /* the study's share agreeing, in tenths of a percent; -1: none */
} evaluation_statement;

/* A parsed questionnaire. Read-only; may be shared by threads; every
 * pointer is owned by it until evaluation_free. */
typedef struct evaluation_form {
    const char *id;
    int version;                                   /* >= 1 */
    instrument_text title;
    instrument_text about;
    instrument_text scale[EVALUATION_SCALE];       /* labels of 1..5 */
    instrument_text reference;                     /* the study the reference figures come from */
    const evaluation_statement *statements;
    size_t nstatements;                            /* 1..EVALUATION_MAX_STATEMENTS */
    json_t *doc;                                   /* private: the strings live in it */
} evaluation_form;

/* Parses and validates text[0..len) (filename names it in messages, NULL:
 * "<input>"). 0 and a new form in *out, or -1 with "FILE:LINE: reason" in
 * err and *out NULL. Refused: bad JSON or duplicate keys; unknown fields
 * anywhere; a missing fr or en text; a bad or duplicate statement id; no
 * statements or more than EVALUATION_MAX_STATEMENTS; a scale other than 5
 * labels; a reference_pct that is not a number from 0 to 100 with at most
 * one decimal. */
int evaluation_parse(const char *text, size_t len, const char *filename, evaluation_form **out, char *err,
                     size_t errlen);
/* Reads path (at most DATAFILE_FILE_MAX bytes) and parses it. */
int evaluation_load_file(const char *path, evaluation_form **out, char *err, size_t errlen);
void evaluation_free(evaluation_form *f);

/* Index of the statement with this id, or -1. */
int evaluation_statement_index(const evaluation_form *f, const char *id);

/* ------------------------------------------------------------- answers */

typedef enum evaluation_problem {
    EVAL_ANSWERS_OK = 0,
    EVAL_ANSWERS_NOT_OBJECT,   /* answers is not {"statement": n, ...} */
    EVAL_ANSWERS_UNKNOWN,      /* names a statement the form does not have */
    EVAL_ANSWERS_OUT_OF_RANGE, /* a value that is not an integer 1..5 */
    EVAL_ANSWERS_EMPTY,        /* no statement answered */
} evaluation_problem;

/* Reads an answers object {"statement id": 1..5, ...} into
 * values[0..f->nstatements) (0: not answered). A statement may be left
 * out, but at least one must be answered. On a problem, *key (when not
 * NULL) names the offending statement (NULL when none); it points into
 * answers. */
evaluation_problem evaluation_answers_read(const evaluation_form *f, const json_t *answers, int *values,
                                           const char **key);

/* 1 if the comment may be stored: NULL, or at most EVALUATION_COMMENT_MAX
 * bytes. */
int evaluation_comment_valid(const char *comment);

typedef enum evaluation_window {
    EVAL_OPEN = 0,
    EVAL_NOT_STARTED, /* now is before the start */
    EVAL_CLOSED,      /* EVALUATION_WINDOW_DAYS days after the start or later */
    EVAL_BAD_TIME,    /* a time is not "YYYY-MM-DDTHH:MM:SSZ" */
} evaluation_window;

/* Whether a meeting starting at starts_at may be evaluated at now (both
 * RFC 3339 UTC "YYYY-MM-DDTHH:MM:SSZ"): open from the start (included)
 * to start + EVALUATION_WINDOW_DAYS days (excluded). */
evaluation_window evaluation_window_at(const char *starts_at, const char *now);

/* -------------------------------------------------------------- periods */

/* The month "YYYY-MM" (8 bytes with the NUL) of "YYYY-MM" or a valid
 * "YYYY-MM-DD"; -1 otherwise (years as in core/dates.h). */
int evaluation_month_of(const char *s, char out[8]);
/* month + delta months ("2026-01" - 1 = "2025-12"); -1 if month is not
 * "YYYY-MM" or the result leaves the years of core/dates.h. */
int evaluation_month_add(const char *month, int delta, char out[8]);

/* -------------------------------------------------------------- figures */

/* One statement's figures from its counts of 1..5. */
typedef struct evaluation_figure {
    long answers;      /* sum of the counts */
    long agree;        /* counts of 4 and 5 */
    int pct_tenths;    /* agree / answers in tenths of a percent, rounded
                          half up; -1 when suppressed (answers < 5) */
} evaluation_figure;

/* Fills out from counts[0..EVALUATION_SCALE) (counts[0] is the number of
 * 1s); negative counts are taken as 0. */
void evaluation_figure_of(const long counts[EVALUATION_SCALE], evaluation_figure *out);
/* 1 if a count is shown as "<5" (1..4), else 0. */
int evaluation_count_suppressed(long n);
/* A count as published: "0", "<5" or the number, into out. */
const char *evaluation_count_text(long n, char *out, size_t outlen);
/* A count as published in JSON: an integer, or the string "<5". New
 * reference. */
json_t *evaluation_count_json(long n);
/* Tenths of a percent as published: "85.7" (en) or "85,7" (fr), or ""
 * for a negative (suppressed or no reference). */
const char *evaluation_pct_text(int tenths, const char *lang, char *out, size_t outlen);

#endif
