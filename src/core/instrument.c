/*
 * instrument.c - parsing, validation and scoring of risk-assessment
 * instruments; see instrument.h for the contract and instruments/README.md
 * for the format.
 *
 * A parsed instrument keeps the jansson document it came from: its strings
 * point into it, so one instrument_free releases everything. Errors name
 * FILE:LINE through the shared data-file machinery (core/datafile.h).
 *
 * Only instrument_load_file and instrument_set_load_dir touch the file
 * system; everything else is pure.
 */
#include "core/instrument.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- parsing */

static int parse_sections(datafile_ctx *c, json_t *root, instrument *ins)
{
    static const char *const keys[] = {"id", "title", NULL};
    instrument_section *secs;
    json_t *arr;
    if (!json_object_get(root, "sections"))
        return 0;
    if (datafile_array(c, root, 0, "sections", INSTRUMENT_MAX_SECTIONS, 1, &arr) != 0)
        return -1;
    if (json_array_size(arr) == 0)
        return 0;
    secs = calloc(json_array_size(arr), sizeof(*secs));
    if (!secs)
        return datafile_fail(c, "out of memory");
    ins->sections = secs;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *s = json_array_get(arr, i);
        char what[96];
        datafile_at_key(c, 0, "sections");
        datafile_at_index(c, 1, i);
        if (!json_is_object(s))
            return datafile_fail(c, "sections[%zu] must be an object", i);
        snprintf(what, sizeof(what), "sections[%zu]", i);
        if (datafile_id(c, s, 2, "id", 1, what, &secs[i].id) != 0)
            return -1;
        snprintf(what, sizeof(what), "section '%s'", secs[i].id);
        if (datafile_check_keys(c, s, 2, keys, what) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(secs[j].id, secs[i].id) == 0) {
                datafile_at_key(c, 2, "id");
                return datafile_fail(c, "duplicate section id '%s'", secs[i].id);
            }
        if (datafile_text_member(c, s, 2, "title", what, &secs[i].title) != 0)
            return -1;
        ins->nsections = i + 1;
    }
    return 0;
}

static int section_known(const instrument *ins, const char *id)
{
    for (size_t i = 0; i < ins->nsections; i++)
        if (strcmp(ins->sections[i].id, id) == 0)
            return 1;
    return 0;
}

static int parse_items(datafile_ctx *c, json_t *root, instrument *ins)
{
    static const char *const keys[] = {"id", "section", "text", "weight", "critical", NULL};
    instrument_item *items;
    json_t *arr;
    if (datafile_array(c, root, 0, "items", INSTRUMENT_MAX_ITEMS, 0, &arr) != 0)
        return -1;
    items = calloc(json_array_size(arr), sizeof(*items));
    if (!items)
        return datafile_fail(c, "out of memory");
    ins->items = items;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *it = json_array_get(arr, i), *v;
        instrument_item *item = &items[i];
        char what[96];
        datafile_at_key(c, 0, "items");
        datafile_at_index(c, 1, i);
        if (!json_is_object(it))
            return datafile_fail(c, "items[%zu] must be an object", i);
        snprintf(what, sizeof(what), "items[%zu]", i);
        if (datafile_id(c, it, 2, "id", 1, what, &item->id) != 0)
            return -1;
        snprintf(what, sizeof(what), "item '%s'", item->id);
        if (datafile_check_keys(c, it, 2, keys, what) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(items[j].id, item->id) == 0) {
                datafile_at_key(c, 2, "id");
                return datafile_fail(c, "duplicate item id '%s'", item->id);
            }
        if (datafile_id(c, it, 2, "section", 0, what, &item->section) != 0)
            return -1;
        if (item->section && !section_known(ins, item->section))
            return datafile_fail(c, "%s: unknown section '%s'", what, item->section);
        if (datafile_text_member(c, it, 2, "text", what, &item->text) != 0)
            return -1;
        item->weight = 1;
        if (json_object_get(it, "weight")) {
            if (datafile_int(c, it, 2, "weight", what, 0, INSTRUMENT_MAX_WEIGHT, &item->weight) != 0)
                return -1;
            if (ins->method == INSTRUMENT_COUNT && item->weight != 1)
                return datafile_fail(c, "%s: weight %d with method \"count\" (use \"weighted\")", what,
                            item->weight);
        }
        v = json_object_get(it, "critical");
        if (v) {
            datafile_at_key(c, 2, "critical");
            if (!json_is_boolean(v))
                return datafile_fail(c, "%s: \"critical\" must be true or false", what);
            item->critical = json_is_true(v);
            if (item->critical && ++ins->ncritical > INSTRUMENT_MAX_CRITICAL)
                return datafile_fail(c, "%s: more than %d critical items", what, INSTRUMENT_MAX_CRITICAL);
        }
        ins->nitems = i + 1;
    }
    return 0;
}

/* scoring.<key> (a level id) as a rank; absent: dflt when dflt >= 0. */
static int parse_level_ref(datafile_ctx *c, json_t *scoring, const instrument *ins, const char *key, int dflt,
                           size_t *out)
{
    json_t *v = json_object_get(scoring, key);
    int r;
    datafile_at_key(c, 0, "scoring");
    datafile_at_key(c, 1, key);
    if (!v) {
        if (dflt >= 0) {
            *out = (size_t)dflt;
            return 0;
        }
        c->depth = 1;
        return datafile_fail(c, "scoring: missing \"%s\"", key);
    }
    if (!json_is_string(v))
        return datafile_fail(c, "scoring: \"%s\" must be a string", key);
    r = instrument_level_rank(ins, json_string_value(v));
    if (r < 0)
        return datafile_fail(c, "scoring: %s '%s' is not a level", key, json_string_value(v));
    *out = (size_t)r;
    return 0;
}

static int parse_levels(datafile_ctx *c, json_t *scoring, instrument *ins)
{
    static const char *const keys[] = {"id", "label", "min", NULL};
    instrument_level *levels;
    json_t *arr = json_object_get(scoring, "levels");
    datafile_at_key(c, 0, "scoring");
    datafile_at_key(c, 1, "levels");
    if (!arr)
        c->depth = 1;
    if (!json_is_array(arr))
        return datafile_fail(c, "scoring: \"levels\" must be an array");
    if (json_array_size(arr) == 0)
        return datafile_fail(c, "scoring: \"levels\" is empty");
    if (json_array_size(arr) > INSTRUMENT_MAX_LEVELS)
        return datafile_fail(c, "scoring: more than %d levels", INSTRUMENT_MAX_LEVELS);
    levels = calloc(json_array_size(arr), sizeof(*levels));
    if (!levels)
        return datafile_fail(c, "out of memory");
    ins->levels = levels;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *l = json_array_get(arr, i);
        instrument_level *lv = &levels[i];
        char what[96];
        datafile_at_key(c, 1, "levels");
        datafile_at_index(c, 2, i);
        if (!json_is_object(l))
            return datafile_fail(c, "levels[%zu] must be an object", i);
        snprintf(what, sizeof(what), "levels[%zu]", i);
        if (datafile_id(c, l, 3, "id", 1, what, &lv->id) != 0)
            return -1;
        snprintf(what, sizeof(what), "level '%s'", lv->id);
        if (datafile_check_keys(c, l, 3, keys, what) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(levels[j].id, lv->id) == 0) {
                datafile_at_key(c, 3, "id");
                return datafile_fail(c, "duplicate level id '%s'", lv->id);
            }
        if (datafile_text_member(c, l, 3, "label", what, &lv->label) != 0)
            return -1;
        if (datafile_int(c, l, 3, "min", what, 0, INSTRUMENT_MAX_MIN, &lv->min) != 0)
            return -1;
        if (i == 0 && lv->min != 0)
            return datafile_fail(c, "level '%s': the first level must have min 0, not %d", lv->id, lv->min);
        if (i > 0 && lv->min <= levels[i - 1].min)
            return datafile_fail(c, "levels not in ascending order: '%s' (min %d) after '%s' (min %d)",
                        lv->id, lv->min, levels[i - 1].id, levels[i - 1].min);
        ins->nlevels = i + 1;
    }
    return 0;
}

static int parse_scoring(datafile_ctx *c, json_t *root, instrument *ins)
{
    static const char *const keys[] = {"method", "levels", "refer_level", "critical_level", NULL};
    json_t *s = json_object_get(root, "scoring"), *m;
    const char *method;
    datafile_at_key(c, 0, "scoring");
    if (!s)
        c->depth = 0;
    if (!json_is_object(s))
        return datafile_fail(c, s ? "\"scoring\" must be an object" : "missing \"scoring\"");
    if (datafile_check_keys(c, s, 1, keys, "scoring") != 0)
        return -1;
    m = json_object_get(s, "method");
    method = json_string_value(m);
    datafile_at_key(c, 1, "method");
    if (!m)
        c->depth = 1;
    if (method && strcmp(method, "count") == 0)
        ins->method = INSTRUMENT_COUNT;
    else if (method && strcmp(method, "weighted") == 0)
        ins->method = INSTRUMENT_WEIGHTED;
    else
        return datafile_fail(c, "scoring: \"method\" must be \"count\" or \"weighted\"");
    if (parse_levels(c, s, ins) != 0)
        return -1;
    if (parse_level_ref(c, s, ins, "refer_level", -1, &ins->refer_rank) != 0)
        return -1;
    return parse_level_ref(c, s, ins, "critical_level", (int)ins->nlevels - 1, &ins->critical_rank);
}

static int parse_root(datafile_ctx *c, json_t *root, instrument *ins)
{
    static const char *const keys[] = {"id",    "version", "title",   "about",
                                       "kind",  "sections", "items",  "scoring", NULL};
    json_t *kind;
    c->depth = 0;
    if (!json_is_object(root))
        return datafile_fail(c, "an instrument is a JSON object");
    if (datafile_check_keys(c, root, 0, keys, "instrument") != 0)
        return -1;
    if (datafile_id(c, root, 0, "id", 1, "instrument", &ins->id) != 0)
        return -1;
    if (!json_object_get(root, "version")) {
        c->depth = 0;
        return datafile_fail(c, "instrument: missing \"version\"");
    }
    if (datafile_int(c, root, 0, "version", "instrument", 1, INSTRUMENT_MAX_VERSION, &ins->version) != 0)
        return -1;
    if (datafile_text_member(c, root, 0, "title", "instrument", &ins->title) != 0 ||
        datafile_text_member(c, root, 0, "about", "instrument", &ins->about) != 0)
        return -1;
    kind = json_object_get(root, "kind");
    datafile_at_key(c, 0, "kind");
    if (!kind)
        c->depth = 0;
    if (!json_is_string(kind) || strcmp(json_string_value(kind), "checklist") != 0)
        return datafile_fail(c, "instrument: \"kind\" must be \"checklist\"");
    ins->kind = json_string_value(kind);
    /* Scoring first: the items' weights are checked against its method. */
    if (parse_scoring(c, root, ins) != 0 || parse_sections(c, root, ins) != 0)
        return -1;
    if (!json_object_get(root, "items")) {
        c->depth = 0;
        return datafile_fail(c, "instrument: missing \"items\"");
    }
    return parse_items(c, root, ins);
}

void instrument_free(instrument *ins)
{
    if (!ins)
        return;
    free((void *)ins->sections);
    free((void *)ins->items);
    free((void *)ins->levels);
    json_decref(ins->doc);
    free(ins);
}

int instrument_parse(const char *text, size_t len, const char *filename, instrument **out, char *err,
                     size_t errlen)
{
    datafile_ctx c;
    instrument *ins = NULL;
    json_t *doc;
    int rc = -1;

    *out = NULL;
    datafile_init(&c, text, len, filename, err, errlen);
    doc = datafile_json(&c);
    if (!doc)
        return -1;
    ins = calloc(1, sizeof(*ins));
    if (!ins) {
        json_decref(doc);
        return datafile_fail(&c, "out of memory");
    }
    ins->doc = doc;
    if (parse_root(&c, ins->doc, ins) != 0)
        goto out;
    *out = ins;
    ins = NULL;
    rc = 0;
out:
    instrument_free(ins);
    return rc;
}

int instrument_load_file(const char *path, instrument **out, char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    int rc;
    *out = NULL;
    if (datafile_read(path, &text, &len, err, errlen) != 0)
        return -1;
    rc = instrument_parse(text, len, path, out, err, errlen);
    free(text);
    return rc;
}

/* ------------------------------------------------------------ lookups */

int instrument_item_index(const instrument *ins, const char *id)
{
    if (!ins || !id)
        return -1;
    for (size_t i = 0; i < ins->nitems; i++)
        if (strcmp(ins->items[i].id, id) == 0)
            return (int)i;
    return -1;
}

int instrument_level_rank(const instrument *ins, const char *level)
{
    if (!ins || !level)
        return -1;
    for (size_t i = 0; i < ins->nlevels; i++)
        if (strcmp(ins->levels[i].id, level) == 0)
            return (int)i;
    return -1;
}

const char *instrument_method_name(instrument_method m)
{
    return m == INSTRUMENT_WEIGHTED ? "weighted" : "count";
}

const char *instrument_text_get(const instrument_text *t, const char *lang)
{
    if (lang && lang[0] == 'f' && lang[1] == 'r')
        return t->fr;
    return t->en;
}

/* ---------------------------------------------------------- to JSON */

static json_t *text_json(const instrument_text *t, const char *lang)
{
    if (lang)
        return json_string(instrument_text_get(t, lang));
    return json_pack("{s:s, s:s}", "fr", t->fr, "en", t->en);
}

/* Sets obj[key] = v (stolen); -1 if v is NULL or on failure. */
static int put(json_t *obj, const char *key, json_t *v)
{
    return v ? json_object_set_new(obj, key, v) : -1;
}

json_t *instrument_to_json(const instrument *ins, const char *lang)
{
    json_t *root = json_object(), *items = json_array(), *levels = json_array(), *sections = NULL;
    json_t *scoring = json_object();
    int bad = !root || !items || !levels || !scoring;

    if (bad)
        goto out;
    bad |= put(root, "id", json_string(ins->id));
    bad |= put(root, "version", json_integer(ins->version));
    bad |= put(root, "title", text_json(&ins->title, lang));
    bad |= put(root, "about", text_json(&ins->about, lang));
    bad |= put(root, "kind", json_string(ins->kind));
    if (ins->nsections) {
        sections = json_array();
        bad |= !sections;
        for (size_t i = 0; sections && i < ins->nsections; i++) {
            json_t *s = json_object();
            bad |= !s;
            bad |= put(s, "id", json_string(ins->sections[i].id));
            bad |= put(s, "title", text_json(&ins->sections[i].title, lang));
            bad |= json_array_append_new(sections, s);
        }
        bad |= put(root, "sections", sections);
    }
    for (size_t i = 0; i < ins->nitems; i++) {
        const instrument_item *it = &ins->items[i];
        json_t *o = json_object();
        bad |= !o;
        bad |= put(o, "id", json_string(it->id));
        if (it->section)
            bad |= put(o, "section", json_string(it->section));
        bad |= put(o, "text", text_json(&it->text, lang));
        bad |= put(o, "weight", json_integer(it->weight));
        bad |= put(o, "critical", json_boolean(it->critical));
        bad |= json_array_append_new(items, o);
    }
    for (size_t i = 0; i < ins->nlevels; i++) {
        json_t *o = json_object();
        bad |= !o;
        bad |= put(o, "id", json_string(ins->levels[i].id));
        bad |= put(o, "label", text_json(&ins->levels[i].label, lang));
        bad |= put(o, "min", json_integer(ins->levels[i].min));
        bad |= json_array_append_new(levels, o);
    }
    bad |= put(scoring, "method", json_string(instrument_method_name(ins->method)));
    bad |= put(scoring, "levels", levels);
    levels = NULL;
    bad |= put(scoring, "refer_level", json_string(ins->levels[ins->refer_rank].id));
    bad |= put(scoring, "critical_level", json_string(ins->levels[ins->critical_rank].id));
    bad |= put(root, "items", items);
    items = NULL;
    bad |= put(root, "scoring", scoring);
    scoring = NULL;
out:
    json_decref(items);
    json_decref(levels);
    json_decref(scoring);
    if (bad) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* ------------------------------------------------------------- answers */

const char *answer_name(answer a)
{
    switch (a) {
    case ANSWER_YES: return "yes";
    case ANSWER_NO: return "no";
    case ANSWER_UNKNOWN: return "unknown";
    case ANSWER_NONE: break;
    }
    return NULL;
}

answer answer_from_name(const char *s)
{
    if (!s)
        return ANSWER_NONE;
    if (strcmp(s, "yes") == 0)
        return ANSWER_YES;
    if (strcmp(s, "no") == 0)
        return ANSWER_NO;
    if (strcmp(s, "unknown") == 0)
        return ANSWER_UNKNOWN;
    return ANSWER_NONE;
}

int instrument_answers_from_json(const instrument *ins, const json_t *answers, answer *out, char *err,
                                 size_t errlen)
{
    const char *key;
    json_t *v;
    for (size_t i = 0; i < ins->nitems; i++)
        out[i] = ANSWER_NONE;
    if (!json_is_object(answers)) {
        datafile_err(err, errlen, "answers must be an object of item ids");
        return -1;
    }
    /* json_object_foreach wants a non-const object; it does not change it. */
    json_object_foreach((json_t *)answers, key, v) {
        int i = instrument_item_index(ins, key);
        answer a = answer_from_name(json_string_value(v));
        if (i < 0) {
            datafile_err(err, errlen, "unknown item '%.64s' for instrument %s v%d", key, ins->id,
                         ins->version);
            return -1;
        }
        if (a == ANSWER_NONE) {
            datafile_err(err, errlen, "item '%s': the answer must be \"yes\", \"no\" or \"unknown\"", key);
            return -1;
        }
        out[i] = a;
    }
    return 0;
}

json_t *instrument_answers_to_json(const instrument *ins, const answer *answers)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    for (size_t i = 0; i < ins->nitems; i++) {
        const char *name = answer_name(answers[i]);
        if (name && json_object_set_new(o, ins->items[i].id, json_string(name)) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

/* ------------------------------------------------------------- scoring */

int assessment_score(const assessment_input *in, assessment_result *out, char *err, size_t errlen)
{
    const instrument *ins = in ? in->ins : NULL;
    size_t score_rank = 0, computed, rank;
    int judgement = -1;

    memset(out, 0, sizeof(*out));
    if (!ins) {
        datafile_err(err, errlen, "no instrument");
        return -1;
    }
    if (in->version != ins->version) {
        datafile_err(err, errlen, "version mismatch: assessment made with v%d, instrument is v%d",
                     in->version, ins->version);
        return -1;
    }
    if (in->judgement_level) {
        judgement = instrument_level_rank(ins, in->judgement_level);
        if (judgement < 0) {
            datafile_err(err, errlen, "unknown judgement level '%.64s' for instrument %s", in->judgement_level,
                         ins->id);
            return -1;
        }
    }
    if (!in->answers) {
        datafile_err(err, errlen, "no answers");
        return -1;
    }
    for (size_t i = 0; i < ins->nitems; i++) {
        const instrument_item *it = &ins->items[i];
        switch (in->answers[i]) {
        case ANSWER_YES:
            out->yes++;
            out->score += ins->method == INSTRUMENT_WEIGHTED ? it->weight : 1;
            if (it->critical && out->ncritical < INSTRUMENT_MAX_CRITICAL)
                out->critical_items[out->ncritical++] = it->id;
            break;
        case ANSWER_NO: out->no++; break;
        case ANSWER_UNKNOWN: out->unknown++; break;
        case ANSWER_NONE: out->unanswered++; break;
        default:
            memset(out, 0, sizeof(*out));
            datafile_err(err, errlen, "item '%s': invalid answer value %d", it->id, (int)in->answers[i]);
            return -1;
        }
    }
    for (size_t i = 0; i < ins->nlevels; i++)
        if (ins->levels[i].min <= out->score)
            score_rank = i;
    computed = score_rank;
    if (out->ncritical) {
        out->criteria |= CRIT_CRITICAL_ITEM;
        if (ins->critical_rank > computed)
            computed = ins->critical_rank;
    }
    if (computed >= ins->refer_rank)
        out->criteria |= CRIT_VISIBLE_HIGH_RISK;
    rank = computed;
    if (judgement >= 0 && (size_t)judgement > computed) {
        rank = (size_t)judgement;
        if (rank >= ins->refer_rank)
            out->criteria |= CRIT_PROFESSIONAL_JUDGEMENT;
    } else if (judgement >= 0 && (size_t)judgement < computed) {
        out->lowered = 1;
    }
    if (in->escalation_threshold > 0 && in->incidents_12m >= in->escalation_threshold)
        out->criteria |= CRIT_POTENTIAL_ESCALATION;
    if (in->is_repeat)
        out->criteria |= CRIT_REPEAT;
    out->score_level = ins->levels[score_rank].id;
    out->computed_level = ins->levels[computed].id;
    out->level = ins->levels[rank].id;
    out->refer = out->criteria != 0;
    return 0;
}

size_t assessment_criteria_names(unsigned criteria, const char *names[], size_t max)
{
    static const struct {
        unsigned bit;
        const char *name;
    } all[CRIT_COUNT] = {
        {CRIT_VISIBLE_HIGH_RISK, "visible_high_risk"},
        {CRIT_PROFESSIONAL_JUDGEMENT, "professional_judgement"},
        {CRIT_POTENTIAL_ESCALATION, "potential_escalation"},
        {CRIT_REPEAT, "repeat"},
        {CRIT_CRITICAL_ITEM, "critical_item"},
    };
    size_t n = 0;
    for (size_t i = 0; i < CRIT_COUNT && n < max; i++)
        if (criteria & all[i].bit)
            names[n++] = all[i].name;
    return n;
}

/* ---------------------------------------------------------------- sets */

struct instrument_set {
    instrument **v; /* sorted by id, then version */
    size_t n, cap;
};

instrument_set *instrument_set_new(void)
{
    return calloc(1, sizeof(instrument_set));
}

void instrument_set_free(instrument_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        instrument_free(set->v[i]);
    free(set->v);
    free(set);
}

static int ins_cmp(const instrument *a, const char *id, int version)
{
    int c = strcmp(a->id, id);
    if (c)
        return c;
    return (a->version > version) - (a->version < version);
}

int instrument_set_add(instrument_set *set, instrument *ins, char *err, size_t errlen)
{
    size_t at = 0;
    if (!set || !ins) {
        instrument_free(ins);
        datafile_err(err, errlen, "no set or no instrument");
        return -1;
    }
    while (at < set->n && ins_cmp(set->v[at], ins->id, ins->version) < 0)
        at++;
    if (at < set->n && ins_cmp(set->v[at], ins->id, ins->version) == 0) {
        datafile_err(err, errlen, "instrument %s v%d is loaded twice", ins->id, ins->version);
        instrument_free(ins);
        return -1;
    }
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 8;
        instrument **v = realloc(set->v, cap * sizeof(*v));
        if (!v) {
            datafile_err(err, errlen, "out of memory");
            instrument_free(ins);
            return -1;
        }
        set->v = v;
        set->cap = cap;
    }
    memmove(set->v + at + 1, set->v + at, (set->n - at) * sizeof(*set->v));
    set->v[at] = ins;
    set->n++;
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 for the files a directory load reads: *.json but schema.json. */
static int wanted_file(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".json") == 0 &&
           strcmp(name, "schema.json") != 0;
}

int instrument_set_load_dir(const char *dir, instrument_set **out, char *err, size_t errlen)
{
    DIR *d = NULL;
    struct dirent *e;
    char **names = NULL, *text = NULL;
    size_t n = 0, cap = 0;
    instrument_set *set = NULL;
    instrument *ins = NULL;
    int rc = -1;

    *out = NULL;
    d = opendir(dir);
    if (!d) {
        datafile_err(err, errlen, "%s: cannot open: %s", dir, strerror(errno));
        return -1;
    }
    set = instrument_set_new();
    if (!set) {
        datafile_err(err, errlen, "out of memory");
        goto out;
    }
    while ((e = readdir(d)) != NULL) {
        if (!wanted_file(e->d_name))
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **v = realloc(names, ncap * sizeof(*v));
            if (!v) {
                datafile_err(err, errlen, "out of memory");
                goto out;
            }
            names = v;
            cap = ncap;
        }
        names[n] = strdup(e->d_name);
        if (!names[n]) {
            datafile_err(err, errlen, "out of memory");
            goto out;
        }
        n++;
    }
    if (n)
        qsort(names, n, sizeof(*names), name_cmp);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        size_t len = 0;
        int pl = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (pl < 0 || (size_t)pl >= sizeof(path)) {
            datafile_err(err, errlen, "%s/%s: path too long", dir, names[i]);
            goto out;
        }
        if (datafile_read(path, &text, &len, err, errlen) != 0 ||
            instrument_parse(text, len, path, &ins, err, errlen) != 0)
            goto out;
        if (instrument_set_find(set, ins->id, ins->version)) {
            static const json_loc_step where[] = {{"version", 0}};
            datafile_err(err, errlen, "%s:%d: instrument %s v%d is already loaded from another file", path,
                         json_locate_line(text, len, where, 1), ins->id, ins->version);
            goto out;
        }
        if (instrument_set_add(set, ins, err, errlen) != 0) {
            ins = NULL; /* the set freed it */
            goto out;
        }
        ins = NULL;
        free(text);
        text = NULL;
    }
    *out = set;
    set = NULL;
    rc = 0;
out:
    if (d)
        closedir(d);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(text);
    instrument_free(ins);
    instrument_set_free(set);
    return rc;
}

const instrument *instrument_set_find(const instrument_set *set, const char *id, int version)
{
    const instrument *best = NULL;
    if (!set || !id)
        return NULL;
    for (size_t i = 0; i < set->n; i++) {
        if (strcmp(set->v[i]->id, id) != 0)
            continue;
        if (version == 0 || set->v[i]->version == version)
            best = set->v[i]; /* sorted: the last match is the latest */
    }
    return best;
}

size_t instrument_set_count(const instrument_set *set)
{
    size_t n = 0;
    if (!set)
        return 0;
    for (size_t i = 0; i < set->n; i++)
        if (i + 1 == set->n || strcmp(set->v[i]->id, set->v[i + 1]->id) != 0)
            n++;
    return n;
}

const instrument *instrument_set_latest(const instrument_set *set, size_t index)
{
    size_t n = 0;
    if (!set)
        return NULL;
    for (size_t i = 0; i < set->n; i++)
        if (i + 1 == set->n || strcmp(set->v[i]->id, set->v[i + 1]->id) != 0) {
            if (n == index)
                return set->v[i];
            n++;
        }
    return NULL;
}
