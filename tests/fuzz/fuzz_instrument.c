/*
 * fuzz_instrument.c - libFuzzer target for instrument_parse on arbitrary
 * bytes. When the bytes parse, it also scores answers derived from them and
 * checks the promises of instrument.h: an error always says
 * "<input>:LINE: ...", the counts add up, levels only go up (score, then
 * critical items, then judgement), refer is 1 exactly when a criterion is
 * set, and the JSON form and the answers round-trip.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise is a crash, so libFuzzer records the input. */
static void check(int cond)
{
    if (!cond)
        __builtin_trap();
}

/* FNV-1a over the input, then a small generator for the answers. */
static uint32_t seed_of(const uint8_t *data, size_t size)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    return h;
}

static uint32_t next(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void check_round_trip(const instrument *ins)
{
    json_t *j = instrument_to_json(ins, NULL), *j2 = NULL;
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    instrument *again = NULL;
    char err[256];
    if (!text) {
        json_decref(j);
        return; /* out of memory */
    }
    check(instrument_parse(text, strlen(text), NULL, &again, err, sizeof(err)) == 0);
    j2 = instrument_to_json(again, NULL);
    check(json_equal(j, j2));
    json_decref(j2);
    json_decref(j);
    free(text);
    instrument_free(again);
}

static void score_some(const instrument *ins, uint32_t seed)
{
    answer ans[INSTRUMENT_MAX_ITEMS];
    assessment_input in;
    assessment_result r;
    char err[256];
    json_t *j;
    int lr, cr, sr;

    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < ins->nitems; i++)
            ans[i] = (answer)(next(&seed) % 4);
        memset(&in, 0, sizeof(in));
        in.ins = ins;
        in.version = ins->version;
        in.answers = ans;
        in.judgement_level = next(&seed) % 2 ? ins->levels[next(&seed) % ins->nlevels].id : NULL;
        in.incidents_12m = (int)(next(&seed) % 8) - 1;
        in.escalation_threshold = (int)(next(&seed) % 5);
        in.is_repeat = (int)(next(&seed) % 2);
        check(assessment_score(&in, &r, err, sizeof(err)) == 0);
        check(r.yes + r.no + r.unknown + r.unanswered == (int)ins->nitems);
        check(r.score >= 0 && r.score <= r.yes * INSTRUMENT_MAX_WEIGHT);
        check(r.refer == (r.criteria != 0));
        sr = instrument_level_rank(ins, r.score_level);
        cr = instrument_level_rank(ins, r.computed_level);
        lr = instrument_level_rank(ins, r.level);
        check(sr >= 0 && cr >= sr && lr >= cr);
        check(ins->levels[sr].min <= r.score);
        check((size_t)sr + 1 == ins->nlevels || ins->levels[sr + 1].min > r.score);
        check((r.ncritical > 0) == ((r.criteria & CRIT_CRITICAL_ITEM) != 0));
        check(lr < (int)ins->refer_rank || r.refer);
        check(!r.lowered || (in.judgement_level &&
                             instrument_level_rank(ins, in.judgement_level) < cr));

        j = instrument_answers_to_json(ins, ans);
        if (j) {
            answer back[INSTRUMENT_MAX_ITEMS];
            check(instrument_answers_from_json(ins, j, back, err, sizeof(err)) == 0);
            check(memcmp(back, ans, ins->nitems * sizeof(answer)) == 0);
            json_decref(j);
        }
    }
    in.version = ins->version + 1;
    check(assessment_score(&in, &r, err, sizeof(err)) == -1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    instrument *ins = NULL;
    char err[512];

    err[0] = '\0';
    if (instrument_parse((const char *)data, size, NULL, &ins, err, sizeof(err)) != 0) {
        check(ins == NULL);
        check(strncmp(err, "<input>:", 8) == 0);
        return 0;
    }
    check(ins->nitems >= 1 && ins->nitems <= INSTRUMENT_MAX_ITEMS);
    check(ins->nlevels >= 1 && ins->levels[0].min == 0);
    check(ins->refer_rank < ins->nlevels && ins->critical_rank < ins->nlevels);
    score_some(ins, seed_of(data, size));
    check_round_trip(ins);
    instrument_free(ins);
    return 0;
}
