/*
 * fuzz_evaluation.c - libFuzzer target for evaluation_parse on arbitrary
 * bytes. When the bytes parse, it checks the promises of evaluation.h: an
 * error always says "<input>:LINE: ...", a form has 1..20 statements with
 * distinct ids and references in 0..1000 tenths (or none), answers derived
 * from the input read back the same, and the figures of counts derived
 * from it add up (agreeing within answers, a share only from 5 answers, in
 * 0..1000 tenths).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/evaluation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
    if (!cond)
        __builtin_trap();
}

static uint32_t next(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void answers_and_figures(const evaluation_form *f, uint32_t seed)
{
    int values[EVALUATION_MAX_STATEMENTS], back[EVALUATION_MAX_STATEMENTS];
    json_t *j = json_object();
    const char *key;
    if (!j)
        return;
    for (size_t i = 0; i < f->nstatements; i++) {
        values[i] = (int)(next(&seed) % (EVALUATION_SCALE + 1)); /* 0: not answered */
        if (values[i])
            json_object_set_new(j, f->statements[i].id, json_integer(values[i]));
    }
    evaluation_problem p = evaluation_answers_read(f, j, back, &key);
    if (json_object_size(j) == 0) {
        check(p == EVAL_ANSWERS_EMPTY);
    } else {
        check(p == EVAL_ANSWERS_OK);
        check(memcmp(values, back, f->nstatements * sizeof(int)) == 0);
    }
    json_object_set_new(j, f->statements[0].id, json_integer(EVALUATION_SCALE + 1));
    check(evaluation_answers_read(f, j, back, &key) == EVAL_ANSWERS_OUT_OF_RANGE);
    check(key && strcmp(key, f->statements[0].id) == 0);
    json_decref(j);

    long counts[EVALUATION_SCALE];
    evaluation_figure fg;
    for (int i = 0; i < EVALUATION_SCALE; i++)
        counts[i] = (long)(next(&seed) % 7);
    evaluation_figure_of(counts, &fg);
    check(fg.agree >= 0 && fg.agree <= fg.answers);
    check((fg.pct_tenths < 0) == (fg.answers < EVALUATION_MIN_SHOWN));
    check(fg.pct_tenths <= 1000);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    evaluation_form *f = NULL;
    char err[512];
    uint32_t seed = 2166136261u;

    err[0] = '\0';
    if (evaluation_parse((const char *)data, size, NULL, &f, err, sizeof(err)) != 0) {
        check(f == NULL);
        check(strncmp(err, "<input>:", 8) == 0);
        return 0;
    }
    check(f->nstatements >= 1 && f->nstatements <= EVALUATION_MAX_STATEMENTS);
    for (size_t i = 0; i < f->nstatements; i++) {
        check(f->statements[i].reference_tenths >= -1 && f->statements[i].reference_tenths <= 1000);
        check(evaluation_statement_index(f, f->statements[i].id) == (int)i);
        check(f->statements[i].text.fr && *f->statements[i].text.fr && f->statements[i].text.en &&
              *f->statements[i].text.en);
    }
    for (size_t i = 0; i < size; i++)
        seed = (seed ^ data[i]) * 16777619u;
    answers_and_figures(f, seed | 1);
    evaluation_free(f);
    return 0;
}
