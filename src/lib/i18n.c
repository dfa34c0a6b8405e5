/*
 * i18n.c - message catalogues (GNU .mo files) and Accept-Language
 * negotiation; see i18n.h.
 *
 * The .mo reader is our own so that the language is a plain argument of
 * every lookup (no setlocale, no installed locales, no global state). A .mo
 * file is treated as untrusted: every offset and length in it is checked
 * against the file size and every string must end with a NUL inside the
 * file before it is used. The whole file is kept in memory and the lookup
 * table points into it, sorted by msgid for bsearch.
 *
 * After i18n_load returns, a catalogue is only read, so any number of
 * threads may call i18n_get/i18n_nget on it concurrently.
 *
 * Caveats:
 *  - message contexts (msgctxt, stored as "ctxt\004msgid") are not
 *    supported: such entries are kept but never match a lookup;
 *  - the Plural-Forms header is not interpreted: the plural rule is fixed
 *    per language (fr: n > 1, en: n != 1), which is all we ship;
 *  - the hash table of the file is bounds-checked but not used;
 *  - translations are not checked for valid UTF-8 (our catalogues are built
 *    by msgfmt --check; output is HTML-escaped by the templates anyway).
 */
#include "i18n.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MO_MAGIC         0x950412deu
#define MO_MAGIC_SWAPPED 0xde120495u
#define MO_HEADER_SIZE   28u
/* Our catalogues are a few kilobytes; anything this big is not one. */
#define MO_MAX_SIZE      (64u * 1024u * 1024u)

struct i18n_entry {
    const char *key;    /* msgid (then "\0msgid_plural" for plurals) */
    const char *val;    /* form 0 ("\0form1..." for plurals) */
    size_t val_len;     /* bytes of val, without the final NUL */
};

struct i18n_cat {
    const char *lang;          /* canonical: "fr" or "en" (static) */
    unsigned char *data;       /* the whole .mo file, owned */
    size_t len;
    struct i18n_entry *ent;    /* sorted by msgid */
    size_t n;
};

struct i18n {
    struct i18n_cat *cats;
    size_t ncats;
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- language tags ---------------------------------------------------- */

static int ascii_lower(int ch)
{
    return (ch >= 'A' && ch <= 'Z') ? ch - 'A' + 'a' : ch;
}

static int ascii_alnum(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9');
}

/* "fr", "fr-CA", "fr_CA", "FR-be" -> "fr"; "en", "en-GB", "EN_us" -> "en".
 * Subtags after the language must be 1 to 8 letters or digits. */
const char *i18n_lang_canonical(const char *tag)
{
    const char *lang;
    const char *p;
    size_t run;

    if (!tag)
        return NULL;
    if (ascii_lower((unsigned char)tag[0]) == 'f' &&
        ascii_lower((unsigned char)tag[1]) == 'r')
        lang = "fr";
    else if (ascii_lower((unsigned char)tag[0]) == 'e' &&
             ascii_lower((unsigned char)tag[1]) == 'n')
        lang = "en";
    else
        return NULL;
    p = tag + 2;
    if (*p == '\0')
        return lang;
    if (*p != '-' && *p != '_')
        return NULL;
    run = 0;
    for (p++;; p++) {
        if (ascii_alnum((unsigned char)*p)) {
            if (++run > 8)
                return NULL;
        } else if (*p == '-' || *p == '_' || *p == '\0') {
            if (run == 0)
                return NULL;
            if (*p == '\0')
                return lang;
            run = 0;
        } else {
            return NULL;
        }
    }
}

/* Index of a plural form: fr uses the singular for 0 and 1, en only for 1.
 * An unknown language gets the English rule, as msgids are English. */
static unsigned plural_index(const char *canon, unsigned long n)
{
    if (canon && strcmp(canon, "fr") == 0)
        return n > 1 ? 1u : 0u;
    return n != 1 ? 1u : 0u;
}

/* ---- .mo parsing -------------------------------------------------------- */

static uint32_t get_u32(const unsigned char *p, int big_endian)
{
    if (big_endian)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
               (uint32_t)p[2] << 8 | (uint32_t)p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
           (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

/* Whether count items of size bytes starting at off fit in len bytes. */
static int table_fits(size_t len, uint32_t off, uint32_t count, size_t size)
{
    if (off > len)
        return 0;
    return (size_t)count <= (len - off) / size;
}

/* A string of slen bytes at off, followed by its NUL, inside len bytes. */
static int string_fits(const unsigned char *data, size_t len, uint32_t off,
                       uint32_t slen)
{
    if (off >= len)
        return 0;
    if ((size_t)slen >= len - off)
        return 0;
    return data[(size_t)off + slen] == '\0';
}

static int entry_cmp(const void *a, const void *b)
{
    const struct i18n_entry *x = a;
    const struct i18n_entry *y = b;

    return strcmp(x->key, y->key);
}

static int key_cmp(const void *key, const void *elem)
{
    const struct i18n_entry *e = elem;

    return strcmp(key, e->key);
}

/* Fills cat from data (len bytes, malloc'd), taking ownership of data even
 * on error. */
static int cat_parse(struct i18n_cat *cat, unsigned char *data, size_t len,
                     char *err, size_t errlen)
{
    int ret = -1;
    int be;
    uint32_t magic, revision, count, orig_off, trans_off, hash_size, hash_off;
    struct i18n_entry *ent = NULL;
    size_t n = 0;

    if (len < MO_HEADER_SIZE) {
        set_err(err, errlen, "not a .mo file (too short)");
        goto out;
    }
    magic = get_u32(data, 0);
    if (magic == MO_MAGIC) {
        be = 0;
    } else if (magic == MO_MAGIC_SWAPPED) {
        be = 1;
    } else {
        set_err(err, errlen, "not a .mo file (bad magic)");
        goto out;
    }
    revision = get_u32(data + 4, be);
    count = get_u32(data + 8, be);
    orig_off = get_u32(data + 12, be);
    trans_off = get_u32(data + 16, be);
    hash_size = get_u32(data + 20, be);
    hash_off = get_u32(data + 24, be);
    if ((revision >> 16) > 1) {
        set_err(err, errlen, "unsupported .mo revision %lu.%lu",
                (unsigned long)(revision >> 16),
                (unsigned long)(revision & 0xffffu));
        goto out;
    }
    if (!table_fits(len, orig_off, count, 8) ||
        !table_fits(len, trans_off, count, 8) ||
        (hash_size && !table_fits(len, hash_off, hash_size, 4))) {
        set_err(err, errlen, "corrupt .mo file (table past end)");
        goto out;
    }
    ent = calloc(count ? count : 1, sizeof(*ent));
    if (!ent) {
        set_err(err, errlen, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < count; i++) {
        const unsigned char *o = data + orig_off + (size_t)i * 8;
        const unsigned char *t = data + trans_off + (size_t)i * 8;
        uint32_t klen = get_u32(o, be), koff = get_u32(o + 4, be);
        uint32_t vlen = get_u32(t, be), voff = get_u32(t + 4, be);

        if (!string_fits(data, len, koff, klen) ||
            !string_fits(data, len, voff, vlen)) {
            set_err(err, errlen, "corrupt .mo file (string %lu past end)",
                    (unsigned long)i);
            goto out;
        }
        /* The header entry (empty msgid) is never a translation. */
        if (data[koff] == '\0')
            continue;
        ent[n].key = (const char *)data + koff;
        ent[n].val = (const char *)data + voff;
        ent[n].val_len = vlen;
        n++;
    }
    /* msgfmt sorts its output, but nothing forces a file to be sorted. */
    if (n > 1)
        qsort(ent, n, sizeof(*ent), entry_cmp);
    cat->data = data;
    cat->len = len;
    cat->ent = ent;
    cat->n = n;
    data = NULL;
    ent = NULL;
    ret = 0;
out:
    free(ent);
    free(data);
    return ret;
}

static void cat_free(struct i18n_cat *cat)
{
    free(cat->ent);
    free(cat->data);
    memset(cat, 0, sizeof(*cat));
}

/* Reads the whole file at path into malloc'd memory. */
static int read_file(const char *path, unsigned char **out, size_t *outlen,
                     char *err, size_t errlen)
{
    int ret = -1;
    FILE *f = NULL;
    unsigned char *data = NULL;
    size_t len = 0, cap = 0;

    f = fopen(path, "rb");
    if (!f) {
        set_err(err, errlen, "cannot open %s", path);
        goto out;
    }
    for (;;) {
        size_t got;

        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 16384;
            unsigned char *p;

            if (cap >= MO_MAX_SIZE) {
                set_err(err, errlen, "%s: file too large", path);
                goto out;
            }
            if (ncap > MO_MAX_SIZE)
                ncap = MO_MAX_SIZE;
            p = realloc(data, ncap);
            if (!p) {
                set_err(err, errlen, "%s: out of memory", path);
                goto out;
            }
            data = p;
            cap = ncap;
        }
        got = fread(data + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                set_err(err, errlen, "%s: read error", path);
                goto out;
            }
            break;
        }
    }
    *out = data;
    *outlen = len;
    data = NULL;
    ret = 0;
out:
    free(data);
    if (f)
        fclose(f);
    return ret;
}

/* ---- catalogues ------------------------------------------------------- */

void i18n_free(i18n *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->ncats; i++)
        cat_free(&c->cats[i]);
    free(c->cats);
    free(c);
}

int i18n_load(const char *locale_dir, const char *const *langs, i18n **out,
              char *err, size_t errlen)
{
    int ret = -1;
    i18n *c = NULL;
    size_t nlangs = 0;

    if (out)
        *out = NULL;
    if (!locale_dir || !out) {
        set_err(err, errlen, "i18n_load: bad arguments");
        goto out;
    }
    while (langs && langs[nlangs])
        nlangs++;
    c = calloc(1, sizeof(*c));
    if (!c) {
        set_err(err, errlen, "out of memory");
        goto out;
    }
    if (nlangs > 0) {
        c->cats = calloc(nlangs, sizeof(*c->cats));
        if (!c->cats) {
            set_err(err, errlen, "out of memory");
            goto out;
        }
    }
    for (size_t i = 0; i < nlangs; i++) {
        const char *canon = i18n_lang_canonical(langs[i]);
        char path[4096];
        char why[256];
        unsigned char *data = NULL;
        size_t len = 0;
        int w;

        if (!canon) {
            set_err(err, errlen, "unsupported language \"%s\"", langs[i]);
            goto out;
        }
        w = snprintf(path, sizeof(path), "%s/%s/LC_MESSAGES/filet.mo",
                     locale_dir, langs[i]);
        if (w < 0 || (size_t)w >= sizeof(path)) {
            set_err(err, errlen, "locale path too long");
            goto out;
        }
        if (read_file(path, &data, &len, err, errlen) < 0)
            goto out;
        why[0] = '\0';
        if (cat_parse(&c->cats[c->ncats], data, len, why, sizeof(why)) < 0) {
            set_err(err, errlen, "%s: %s", path, why);
            goto out;
        }
        c->cats[c->ncats].lang = canon;
        c->ncats++;
    }
    *out = c;
    c = NULL;
    ret = 0;
out:
    i18n_free(c);
    return ret;
}

int i18n_parse_mo(const unsigned char *data, size_t len, const char *lang,
                  i18n **out, char *err, size_t errlen)
{
    int ret = -1;
    i18n *c = NULL;
    unsigned char *copy = NULL;
    const char *canon = i18n_lang_canonical(lang);

    if (out)
        *out = NULL;
    if (!out || (!data && len > 0)) {
        set_err(err, errlen, "i18n_parse_mo: bad arguments");
        goto out;
    }
    if (!canon) {
        set_err(err, errlen, "unsupported language");
        goto out;
    }
    if (len > MO_MAX_SIZE) {
        set_err(err, errlen, "file too large");
        goto out;
    }
    c = calloc(1, sizeof(*c));
    if (c)
        c->cats = calloc(1, sizeof(*c->cats));
    copy = malloc(len ? len : 1);
    if (!c || !c->cats || !copy) {
        set_err(err, errlen, "out of memory");
        goto out;
    }
    if (len)
        memcpy(copy, data, len);
    if (cat_parse(&c->cats[0], copy, len, err, errlen) < 0) {
        copy = NULL; /* cat_parse took it */
        goto out;
    }
    copy = NULL;
    c->cats[0].lang = canon;
    c->ncats = 1;
    *out = c;
    c = NULL;
    ret = 0;
out:
    free(copy);
    i18n_free(c);
    return ret;
}

static const struct i18n_cat *find_cat(const i18n *c, const char *canon)
{
    if (!c || !canon)
        return NULL;
    for (size_t i = 0; i < c->ncats; i++)
        if (strcmp(c->cats[i].lang, canon) == 0)
            return &c->cats[i];
    return NULL;
}

static const struct i18n_entry *find_entry(const i18n *c, const char *canon,
                                           const char *msgid)
{
    const struct i18n_cat *cat = find_cat(c, canon);

    if (!cat || cat->n == 0 || msgid[0] == '\0')
        return NULL;
    return bsearch(msgid, cat->ent, cat->n, sizeof(*cat->ent), key_cmp);
}

/* Plural form idx of e (forms are NUL-separated), or NULL if absent or
 * empty. */
static const char *entry_form(const struct i18n_entry *e, unsigned idx)
{
    size_t pos = 0;

    for (unsigned k = 0; k < idx; k++) {
        const char *nul = memchr(e->val + pos, '\0', e->val_len - pos);

        if (!nul)
            return NULL;
        pos = (size_t)(nul - e->val) + 1;
    }
    if (pos >= e->val_len || e->val[pos] == '\0')
        return NULL;
    return e->val + pos;
}

const char *i18n_get(const i18n *c, const char *lang, const char *msgid)
{
    const struct i18n_entry *e;
    const char *s;

    if (!msgid)
        return "";
    e = find_entry(c, i18n_lang_canonical(lang), msgid);
    if (!e)
        return msgid;
    s = entry_form(e, 0);
    return s ? s : msgid;
}

const char *i18n_nget(const i18n *c, const char *lang, const char *msgid,
                      const char *msgid_plural, unsigned long n)
{
    const char *canon = i18n_lang_canonical(lang);
    unsigned idx = plural_index(canon, n);
    const char *fallback;
    const struct i18n_entry *e;
    const char *s;

    if (!msgid)
        return msgid_plural ? msgid_plural : "";
    fallback = (idx == 0 || !msgid_plural) ? msgid : msgid_plural;
    e = find_entry(c, canon, msgid);
    if (!e)
        return fallback;
    s = entry_form(e, idx);
    return s ? s : fallback;
}

/* ---- Accept-Language ---------------------------------------------------- */

/* Languages we serve, in order of preference for "*". */
static const char *const supported[] = { "fr", "en" };
#define NSUPPORTED (sizeof(supported) / sizeof(supported[0]))

/* Longest language range we look at; longer ones are ignored. */
#define RANGE_MAX 64

static int is_ows(char ch)
{
    return ch == ' ' || ch == '\t';
}

static const char *skip_ows(const char *p, const char *end)
{
    while (p < end && is_ows(*p))
        p++;
    return p;
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in
 * thousandths. Returns -1 unless [p, end) is exactly one. */
static int parse_qvalue(const char *p, const char *end, unsigned *q)
{
    unsigned v, scale = 100;

    if (p >= end || (*p != '0' && *p != '1'))
        return -1;
    v = (unsigned)(*p - '0') * 1000u;
    p++;
    if (p < end) {
        int digits = 0;

        if (*p != '.')
            return -1;
        for (p++; p < end; p++) {
            if (*p < '0' || *p > '9' || ++digits > 3)
                return -1;
            v += (unsigned)(*p - '0') * scale;
            scale /= 10;
        }
    }
    if (v > 1000)
        return -1;
    *q = v;
    return 0;
}

/* One element of the list, [p, end). On success sets *lang (a supported
 * language, "*" for the wildcard, or NULL for one we do not serve) and *q,
 * and returns 0; a malformed element returns -1 and is ignored. */
static int parse_element(const char *p, const char *end, const char **lang,
                         unsigned *q)
{
    char range[RANGE_MAX + 1];
    const char *r;
    size_t rlen;

    p = skip_ows(p, end);
    r = p;
    while (p < end && *p != ';' && !is_ows(*p))
        p++;
    rlen = (size_t)(p - r);
    if (rlen == 0 || rlen > RANGE_MAX)
        return -1;
    memcpy(range, r, rlen);
    range[rlen] = '\0';
    *q = 1000;
    /* Parameters: ;q=value is the only one defined; others are skipped. */
    for (;;) {
        const char *name, *name_end, *val, *val_end;

        p = skip_ows(p, end);
        if (p == end)
            break;
        if (*p != ';')
            return -1;
        p = skip_ows(p + 1, end);
        name = p;
        while (p < end && *p != '=' && *p != ';' && !is_ows(*p))
            p++;
        name_end = p;
        p = skip_ows(p, end);
        if (p == end || *p != '=')
            return -1;
        p = skip_ows(p + 1, end);
        val = p;
        while (p < end && *p != ';' && !is_ows(*p))
            p++;
        val_end = p;
        if (name_end - name == 1 && ascii_lower((unsigned char)*name) == 'q') {
            if (parse_qvalue(val, val_end, q) < 0)
                return -1;
        } else if (name_end == name || val_end == val) {
            return -1;
        }
    }
    if (strcmp(range, "*") == 0)
        *lang = "*";
    else
        *lang = i18n_lang_canonical(range);
    return 0;
}

const char *i18n_negotiate(const char *accept_language)
{
    /* Per supported language: best q, and the position of the element that
     * first gave it (ties go to the earlier one); whether it was named. */
    unsigned best_q[NSUPPORTED] = { 0 };
    size_t best_pos[NSUPPORTED] = { 0 };
    int named[NSUPPORTED] = { 0 };
    int have_star = 0;
    unsigned star_q = 0;
    size_t star_pos = 0;
    const char *p = accept_language;
    size_t pos = 0;
    size_t winner = NSUPPORTED;

    if (!p || !*p)
        return I18N_DEFAULT_LANG;
    for (;;) {
        const char *end = strchr(p, ',');
        const char *lang;
        unsigned q;

        if (!end)
            end = p + strlen(p);
        if (parse_element(p, end, &lang, &q) == 0 && lang) {
            if (strcmp(lang, "*") == 0) {
                if (!have_star) {
                    have_star = 1;
                    star_q = q;
                    star_pos = pos;
                }
            } else {
                for (size_t i = 0; i < NSUPPORTED; i++) {
                    if (strcmp(lang, supported[i]) != 0)
                        continue;
                    named[i] = 1;
                    if (q > best_q[i]) {
                        best_q[i] = q;
                        best_pos[i] = pos;
                    }
                }
            }
        }
        pos++;
        if (*end == '\0')
            break;
        p = end + 1;
    }
    /* "*" stands for every language not named elsewhere in the header;
     * between those, equal q and position, the order of supported[]
     * decides. */
    if (have_star) {
        for (size_t i = 0; i < NSUPPORTED; i++) {
            if (!named[i]) {
                best_q[i] = star_q;
                best_pos[i] = star_pos;
                named[i] = 1;
            }
        }
    }
    for (size_t i = 0; i < NSUPPORTED; i++) {
        if (best_q[i] == 0)
            continue;
        if (winner == NSUPPORTED || best_q[i] > best_q[winner] ||
            (best_q[i] == best_q[winner] && best_pos[i] < best_pos[winner]))
            winner = i;
    }
    if (winner < NSUPPORTED)
        return supported[winner];
    /* Nothing acceptable: the first language the header did not mention
     * (so "fr;q=0" gives "en"), else the default. */
    for (size_t i = 0; i < NSUPPORTED; i++)
        if (!named[i])
            return supported[i];
    return I18N_DEFAULT_LANG;
}
