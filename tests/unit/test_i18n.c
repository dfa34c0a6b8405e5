/*
 * test_i18n.c - unit tests for the .mo reader, lookups and language
 * negotiation (src/lib/i18n.c).
 *
 * Catalogues are compiled with msgfmt from small .po texts written into a
 * temporary directory, so msgfmt must be installed; a few .mo files are
 * also built by hand to cover what msgfmt never produces (big-endian,
 * unsorted, empty translations). Run from the repository root: the last
 * test compiles the real po/fr.po and po/en.po.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/i18n.h"

struct state {
    char dir[64];          /* temp dir holding <lang>/LC_MESSAGES/filet.mo */
    i18n *cat;             /* fr + en test catalogues */
    unsigned char *fr_mo;  /* bytes of the fr .mo, for corruption tests */
    size_t fr_mo_len;
};

static const char fr_po[] =
    "msgid \"\"\n"
    "msgstr \"\"\n"
    "\"Project-Id-Version: filet-test\\n\"\n"
    "\"PO-Revision-Date: 2025-01-01 00:00+0000\\n\"\n"
    "\"Last-Translator: test\\n\"\n"
    "\"Language-Team: test\\n\"\n"
    "\"Language: fr_CA\\n\"\n"
    "\"MIME-Version: 1.0\\n\"\n"
    "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
    "\"Content-Transfer-Encoding: 8bit\\n\"\n"
    "\"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\n"
    "\n"
    "msgid \"Sign in\"\n"
    "msgstr \"Se connecter\"\n"
    "\n"
    "msgid \"Home\"\n"
    "msgstr \"Accueil\"\n"
    "\n"
    "msgid \"Language\"\n"
    "msgstr \"Langue\"\n"
    "\n"
    "#, c-format\n"
    "msgid \"%d file\"\n"
    "msgid_plural \"%d files\"\n"
    "msgstr[0] \"%d fichier\"\n"
    "msgstr[1] \"%d fichiers\"\n";

static const char en_po[] =
    "msgid \"\"\n"
    "msgstr \"\"\n"
    "\"Project-Id-Version: filet-test\\n\"\n"
    "\"PO-Revision-Date: 2025-01-01 00:00+0000\\n\"\n"
    "\"Last-Translator: test\\n\"\n"
    "\"Language-Team: test\\n\"\n"
    "\"Language: en\\n\"\n"
    "\"MIME-Version: 1.0\\n\"\n"
    "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
    "\"Content-Transfer-Encoding: 8bit\\n\"\n"
    "\"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"\n"
    "\n"
    "msgid \"Sign in\"\n"
    "msgstr \"Log in\"\n"
    "\n"
    "#, c-format\n"
    "msgid \"%d file\"\n"
    "msgid_plural \"%d files\"\n"
    "msgstr[0] \"%d document\"\n"
    "msgstr[1] \"%d documents\"\n";

/* ---- helpers ------------------------------------------------------------ */

static int write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ret = -1;

    if (!f)
        return -1;
    if (fwrite(data, 1, len, f) == len)
        ret = 0;
    if (fclose(f) != 0)
        ret = -1;
    return ret;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    long size;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0) {
        data = malloc((size_t)size + 1);
        if (data && fread(data, 1, (size_t)size, f) != (size_t)size) {
            free(data);
            data = NULL;
        }
        *len = (size_t)size;
    }
    fclose(f);
    return data;
}

/* Compiles po (a file path) into <dir>/<lang>/LC_MESSAGES/filet.mo. */
static int compile_po(const char *dir, const char *lang, const char *po)
{
    char path[512], cmd[1200];

    snprintf(path, sizeof(path), "%s/%s", dir, lang);
    if (mkdir(path, 0700) != 0)
        return -1;
    snprintf(path, sizeof(path), "%s/%s/LC_MESSAGES", dir, lang);
    if (mkdir(path, 0700) != 0)
        return -1;
    snprintf(cmd, sizeof(cmd), "msgfmt --check -o '%s/filet.mo' '%s'", path, po);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes po text to <dir>/<lang>.po and compiles it. */
static int compile_po_text(const char *dir, const char *lang, const char *text)
{
    char po[512];

    snprintf(po, sizeof(po), "%s/%s.po", dir, lang);
    if (write_file(po, text, strlen(text)) != 0)
        return -1;
    return compile_po(dir, lang, po);
}

static int make_tmpdir(char *dir, size_t len)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(dir, len, "%s/test_i18n.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static void remove_tree(const char *dir)
{
    char cmd[256];

    if (!dir[0])
        return;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

/* A hand-made .mo: n entries (lengths exclude the final NUL, so plural keys
 * and values may hold NULs), no hash table, either byte order. */
struct kv {
    const char *k;
    size_t klen;
    const char *v;
    size_t vlen;
};
#define KV(k, v) { k, sizeof(k) - 1, v, sizeof(v) - 1 }

static void put_u32(unsigned char *p, uint32_t v, int be)
{
    for (int i = 0; i < 4; i++)
        p[be ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

static unsigned char *build_mo(const struct kv *e, uint32_t n, int be,
                               size_t *len)
{
    size_t size = 28 + 16 * (size_t)n, pos;
    unsigned char *mo;

    for (uint32_t i = 0; i < n; i++)
        size += e[i].klen + 1 + e[i].vlen + 1;
    mo = calloc(1, size);
    if (!mo)
        return NULL;
    put_u32(mo, 0x950412de, be);
    put_u32(mo + 4, 0, be);
    put_u32(mo + 8, n, be);
    put_u32(mo + 12, 28, be);
    put_u32(mo + 16, 28 + 8 * n, be);
    put_u32(mo + 20, 0, be);
    put_u32(mo + 24, 28 + 16 * n, be);
    pos = 28 + 16 * (size_t)n;
    for (uint32_t i = 0; i < n; i++) {
        put_u32(mo + 28 + 8 * i, (uint32_t)e[i].klen, be);
        put_u32(mo + 28 + 8 * i + 4, (uint32_t)pos, be);
        memcpy(mo + pos, e[i].k, e[i].klen);
        pos += e[i].klen + 1;
    }
    for (uint32_t i = 0; i < n; i++) {
        put_u32(mo + 28 + 8 * (n + i), (uint32_t)e[i].vlen, be);
        put_u32(mo + 28 + 8 * (n + i) + 4, (uint32_t)pos, be);
        memcpy(mo + pos, e[i].v, e[i].vlen);
        pos += e[i].vlen + 1;
    }
    *len = size;
    return mo;
}

/* Parsing data must fail cleanly. */
static void expect_reject(const unsigned char *data, size_t len)
{
    i18n *c = (i18n *)&c; /* must be reset to NULL */
    char err[200] = "";

    assert_int_equal(i18n_parse_mo(data, len, "fr", &c, err, sizeof(err)), -1);
    assert_null(c);
    assert_true(err[0] != '\0');
}

static uint32_t get_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* ---- fixture ------------------------------------------------------------ */

static int group_setup(void **state)
{
    struct state *s = calloc(1, sizeof(*s));
    const char *langs[] = { "fr", "en", NULL };
    char err[256] = "", path[256];

    if (!s)
        return -1;
    *state = s;
    if (make_tmpdir(s->dir, sizeof(s->dir)) != 0)
        return -1;
    if (compile_po_text(s->dir, "fr", fr_po) != 0 ||
        compile_po_text(s->dir, "en", en_po) != 0)
        return -1;
    if (i18n_load(s->dir, langs, &s->cat, err, sizeof(err)) != 0) {
        fprintf(stderr, "i18n_load: %s\n", err);
        return -1;
    }
    snprintf(path, sizeof(path), "%s/fr/LC_MESSAGES/filet.mo", s->dir);
    s->fr_mo = slurp(path, &s->fr_mo_len);
    return s->fr_mo ? 0 : -1;
}

static int group_teardown(void **state)
{
    struct state *s = *state;

    if (!s)
        return 0;
    i18n_free(s->cat);
    free(s->fr_mo);
    remove_tree(s->dir);
    free(s);
    return 0;
}

/* ---- lookups ------------------------------------------------------------ */

static void test_get(void **state)
{
    struct state *s = *state;

    assert_string_equal(i18n_get(s->cat, "fr", "Sign in"), "Se connecter");
    assert_string_equal(i18n_get(s->cat, "fr", "Home"), "Accueil");
    assert_string_equal(i18n_get(s->cat, "en", "Sign in"), "Log in");
    /* Tags are canonicalised. */
    assert_string_equal(i18n_get(s->cat, "fr-CA", "Home"), "Accueil");
    assert_string_equal(i18n_get(s->cat, "EN_gb", "Sign in"), "Log in");
    /* A plural entry looked up as a singular gives form 0. */
    assert_string_equal(i18n_get(s->cat, "fr", "%d file"), "%d fichier");
}

static void test_get_fallback(void **state)
{
    struct state *s = *state;
    const char *msgid = "Not in any catalogue";
    const char *home = "Home";

    assert_ptr_equal(i18n_get(s->cat, "fr", msgid), msgid);
    assert_ptr_equal(i18n_get(s->cat, "en", home), home); /* not in en */
    assert_ptr_equal(i18n_get(s->cat, "de", home), home);
    assert_ptr_equal(i18n_get(s->cat, NULL, home), home);
    assert_ptr_equal(i18n_get(s->cat, "", home), home);
    assert_ptr_equal(i18n_get(NULL, "fr", home), home);
    /* A prefix or extension of a msgid is another msgid. */
    assert_string_equal(i18n_get(s->cat, "fr", "Sign"), "Sign");
    assert_string_equal(i18n_get(s->cat, "fr", "Sign in "), "Sign in ");
    assert_string_equal(i18n_get(s->cat, "fr", NULL), "");
}

static void test_header_not_returned(void **state)
{
    struct state *s = *state;
    const char *empty = "";

    assert_ptr_equal(i18n_get(s->cat, "fr", empty), empty);
    assert_ptr_equal(i18n_get(s->cat, "en", empty), empty);
    assert_ptr_equal(i18n_nget(s->cat, "fr", empty, empty, 5), empty);
}

static void test_nget(void **state)
{
    struct state *s = *state;
    const i18n *c = s->cat;

    /* fr: singular for 0 and 1. */
    assert_string_equal(i18n_nget(c, "fr", "%d file", "%d files", 0), "%d fichier");
    assert_string_equal(i18n_nget(c, "fr", "%d file", "%d files", 1), "%d fichier");
    assert_string_equal(i18n_nget(c, "fr", "%d file", "%d files", 2), "%d fichiers");
    assert_string_equal(i18n_nget(c, "fr", "%d file", "%d files", 1000000), "%d fichiers");
    /* en: singular for 1 only. */
    assert_string_equal(i18n_nget(c, "en", "%d file", "%d files", 0), "%d documents");
    assert_string_equal(i18n_nget(c, "en", "%d file", "%d files", 1), "%d document");
    assert_string_equal(i18n_nget(c, "en", "%d file", "%d files", 2), "%d documents");
}

static void test_nget_fallback(void **state)
{
    struct state *s = *state;
    const i18n *c = s->cat;
    const char *one = "%d cat", *many = "%d cats";

    /* Missing: the msgids, chosen by the rule of the language. */
    assert_ptr_equal(i18n_nget(c, "fr", one, many, 0), one);
    assert_ptr_equal(i18n_nget(c, "fr", one, many, 1), one);
    assert_ptr_equal(i18n_nget(c, "fr", one, many, 2), many);
    assert_ptr_equal(i18n_nget(c, "en", one, many, 0), many);
    assert_ptr_equal(i18n_nget(c, "en", one, many, 1), one);
    assert_ptr_equal(i18n_nget(NULL, "fr", one, many, 0), one);
    assert_ptr_equal(i18n_nget(NULL, "en", one, many, 0), many);
    /* Unknown language: English rule (msgids are English). */
    assert_ptr_equal(i18n_nget(c, "de", one, many, 0), many);
    assert_ptr_equal(i18n_nget(c, "fr", one, NULL, 5), one);
    /* A singular-only entry asked for a plural falls back to msgid_plural. */
    assert_ptr_equal(i18n_nget(c, "fr", "Home", many, 3), many);
    assert_string_equal(i18n_nget(c, "fr", "Home", many, 1), "Accueil");
}

/* ---- hand-made files ------------------------------------------------------ */

static void test_big_endian_unsorted(void **state)
{
    /* Deliberately unsorted, with a header, a plural and duplicates of
     * nothing: the reader must sort. */
    static const struct kv e[] = {
        KV("zebra", "zèbre"),
        KV("", "Language: fr\n"),
        KV("apple", "pomme"),
        KV("%d egg\0%d eggs", "%d œuf\0%d œufs"),
        KV("mango", "mangue"),
    };
    for (int be = 0; be <= 1; be++) {
        size_t len = 0;
        unsigned char *mo = build_mo(e, 5, be, &len);
        i18n *c = NULL;
        char err[200] = "";

        assert_non_null(mo);
        assert_int_equal(i18n_parse_mo(mo, len, "fr", &c, err, sizeof(err)), 0);
        free(mo); /* the catalogue keeps its own copy */
        assert_string_equal(i18n_get(c, "fr", "apple"), "pomme");
        assert_string_equal(i18n_get(c, "fr", "mango"), "mangue");
        assert_string_equal(i18n_get(c, "fr", "zebra"), "zèbre");
        assert_string_equal(i18n_get(c, "fr", ""), "");
        assert_string_equal(i18n_nget(c, "fr", "%d egg", "%d eggs", 1), "%d œuf");
        assert_string_equal(i18n_nget(c, "fr", "%d egg", "%d eggs", 3), "%d œufs");
        /* The catalogue is fr: en lookups fall back. */
        assert_string_equal(i18n_get(c, "en", "apple"), "apple");
        i18n_free(c);
    }
}

static void test_empty_translations(void **state)
{
    static const struct kv e[] = {
        KV("empty", ""),
        KV("half\0halves", "moitié\0"),
        KV("none\0nones", "\0"),
    };
    size_t len = 0;
    unsigned char *mo = build_mo(e, 3, 0, &len);
    i18n *c = NULL;

    assert_non_null(mo);
    assert_int_equal(i18n_parse_mo(mo, len, "en", &c, NULL, 0), 0);
    free(mo);
    assert_string_equal(i18n_get(c, "en", "empty"), "empty");
    assert_string_equal(i18n_nget(c, "en", "half", "halves", 1), "moitié");
    assert_string_equal(i18n_nget(c, "en", "half", "halves", 2), "halves");
    assert_string_equal(i18n_nget(c, "en", "none", "nones", 1), "none");
    assert_string_equal(i18n_nget(c, "en", "none", "nones", 7), "nones");
    i18n_free(c);
}

static void test_empty_mo(void **state)
{
    size_t len = 0;
    unsigned char *mo = build_mo(NULL, 0, 0, &len);
    i18n *c = NULL;

    assert_non_null(mo);
    assert_int_equal(i18n_parse_mo(mo, len, "fr", &c, NULL, 0), 0);
    assert_string_equal(i18n_get(c, "fr", "x"), "x");
    i18n_free(c);
    free(mo);
    i18n_free(NULL);
}

/* ---- untrusted input ---------------------------------------------------- */

static void test_corrupt_truncated(void **state)
{
    struct state *s = *state;
    i18n *c = NULL;

    /* The msgfmt file is valid as a whole... */
    assert_int_equal(i18n_parse_mo(s->fr_mo, s->fr_mo_len, "fr", &c, NULL, 0), 0);
    assert_string_equal(i18n_get(c, "fr", "Home"), "Accueil");
    i18n_free(c);
    /* ...and no strict prefix of it is (the last string loses its NUL). */
    expect_reject(NULL, 0);
    for (size_t len = 0; len < s->fr_mo_len; len++)
        expect_reject(s->fr_mo, len);
}

static void test_corrupt_fields(void **state)
{
    struct state *s = *state;
    size_t len = s->fr_mo_len;
    unsigned char *mo = malloc(len);
    uint32_t count, orig, trans;
    /* Header fields (offset in the header, bad value). */
    static const struct {
        size_t at;
        uint32_t value;
    } bad[] = {
        { 0, 0x12345678 },          /* magic */
        { 4, 0x00020000 },          /* revision 2.0 */
        { 8, 0xffffffff },          /* count */
        { 8, 0x10000000 },
        { 12, 0xffffffff },         /* original table offset */
        { 16, 0xfffffff0 },         /* translation table offset */
        { 20, 0x7fffffff },         /* hash table size */
        { 24, 0xfffffffc },         /* hash table offset */
    };

    assert_non_null(mo);
    count = get_le32(s->fr_mo + 8);
    orig = get_le32(s->fr_mo + 12);
    trans = get_le32(s->fr_mo + 16);
    assert_true(count >= 2);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memcpy(mo, s->fr_mo, len);
        put_u32(mo + bad[i].at, bad[i].value, 0);
        expect_reject(mo, len);
    }
    /* Table just past the end. */
    memcpy(mo, s->fr_mo, len);
    put_u32(mo + 12, (uint32_t)(len - 8 * count + 1), 0);
    expect_reject(mo, len);
    /* A string offset, a string length, both huge or just too big. */
    for (uint32_t i = 0; i < count; i++) {
        size_t tab[2] = { orig + 8 * (size_t)i, trans + 8 * (size_t)i };

        for (int t = 0; t < 2; t++) {
            memcpy(mo, s->fr_mo, len);
            put_u32(mo + tab[t] + 4, 0xffffffff, 0);
            expect_reject(mo, len);
            memcpy(mo, s->fr_mo, len);
            put_u32(mo + tab[t] + 4, (uint32_t)len, 0);
            expect_reject(mo, len);
            memcpy(mo, s->fr_mo, len);
            put_u32(mo + tab[t], 0xffffffff, 0);
            expect_reject(mo, len);
            memcpy(mo, s->fr_mo, len);
            put_u32(mo + tab[t], (uint32_t)(len - get_le32(mo + tab[t] + 4)), 0);
            expect_reject(mo, len);
        }
    }
    /* A string whose NUL terminator was overwritten. */
    memcpy(mo, s->fr_mo, len);
    {
        uint32_t klen = get_le32(mo + orig + 8), koff = get_le32(mo + orig + 12);

        mo[koff + klen] = 'x';
    }
    expect_reject(mo, len);
    free(mo);
}

static void test_corrupt_file(void **state)
{
    struct state *s = *state;
    const char *langs[] = { "fr", NULL };
    char dir[64], path[256], err[256] = "";
    i18n *c = (i18n *)&c;

    assert_int_equal(make_tmpdir(dir, sizeof(dir)), 0);
    /* Missing file. */
    assert_int_equal(i18n_load(dir, langs, &c, err, sizeof(err)), -1);
    assert_null(c);
    assert_non_null(strstr(err, "filet.mo"));
    /* Truncated file. */
    snprintf(path, sizeof(path), "%s/fr", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/fr/LC_MESSAGES", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/fr/LC_MESSAGES/filet.mo", dir);
    assert_int_equal(write_file(path, s->fr_mo, s->fr_mo_len / 2), 0);
    err[0] = '\0';
    assert_int_equal(i18n_load(dir, langs, &c, err, sizeof(err)), -1);
    assert_null(c);
    assert_true(err[0] != '\0');
    /* Empty file. */
    assert_int_equal(write_file(path, "", 0), 0);
    assert_int_equal(i18n_load(dir, langs, &c, NULL, 0), -1);
    /* The whole file loads. */
    assert_int_equal(write_file(path, s->fr_mo, s->fr_mo_len), 0);
    assert_int_equal(i18n_load(dir, langs, &c, err, sizeof(err)), 0);
    assert_non_null(c);
    i18n_free(c);
    /* Unsupported language, bad arguments. */
    {
        const char *de[] = { "de", NULL };

        assert_int_equal(i18n_load(dir, de, &c, err, sizeof(err)), -1);
        assert_null(c);
        assert_int_equal(i18n_load(NULL, langs, &c, err, sizeof(err)), -1);
        assert_int_equal(i18n_parse_mo(s->fr_mo, s->fr_mo_len, "xx", &c,
                                       err, sizeof(err)), -1);
        assert_null(c);
    }
    /* No languages at all is an empty catalogue. */
    assert_int_equal(i18n_load(dir, NULL, &c, err, sizeof(err)), 0);
    assert_string_equal(i18n_get(c, "fr", "Home"), "Home");
    i18n_free(c);
    remove_tree(dir);
}

/* ---- tags and negotiation --------------------------------------------- */

static void test_canonical(void **state)
{
    static const struct {
        const char *tag, *want;
    } cases[] = {
        { "fr", "fr" }, { "fr-CA", "fr" }, { "fr_CA", "fr" }, { "FR-be", "fr" },
        { "Fr", "fr" }, { "fr-Latn-CA", "fr" }, { "en", "en" },
        { "en-GB", "en" }, { "EN_us", "en" }, { "en-US-x-abcdefgh", "en" },
        { "", NULL }, { "f", NULL }, { "fra", NULL }, { "french", NULL },
        { "de", NULL }, { "de-CH", NULL }, { "fr-", NULL }, { "fr--CA", NULL },
        { "fr-CA-", NULL }, { "fr CA", NULL }, { "fr-abcdefghi", NULL },
        { "*", NULL }, { " fr", NULL }, { "fr;q=1", NULL }, { "e", NULL },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = i18n_lang_canonical(cases[i].tag);

        if (cases[i].want && (!got || strcmp(got, cases[i].want) != 0))
            fail_msg("\"%s\": got %s, want %s", cases[i].tag,
                     got ? got : "NULL", cases[i].want);
        if (!cases[i].want && got)
            fail_msg("\"%s\" should not be accepted", cases[i].tag);
    }
    assert_null(i18n_lang_canonical(NULL));
}

static void test_negotiate(void **state)
{
    static const struct {
        const char *header, *want;
    } cases[] = {
        { "en-US,en;q=0.9,fr;q=0.8", "en" },
        { "de, fr;q=0.5", "fr" },
        { "en;q=0", "fr" },
        { "*", "fr" },
        { "garbage", "fr" },
        { "", "fr" },
        { "en", "en" },
        { "fr-CA,fr;q=0.9,en;q=0.8", "fr" },
        { "en-GB", "en" },
        { "fr;q=0.5, en;q=0.7", "en" },
        { "fr;q=0.5,en;q=0.5", "fr" },           /* tie: header order */
        { "en;q=0.5,fr;q=0.5", "en" },
        { "en ; q=0.8 , fr ;q=0.3", "en" },      /* spaces */
        { "EN;Q=0.8, de", "en" },
        { "de-DE, *;q=0.1", "fr" },
        { "en;q=0.2, *;q=0.5", "fr" },           /* * is every other one */
        { "fr;q=0.2, *;q=0.5", "en" },
        { "fr;q=0", "en" },                      /* fr refused */
        { "fr;q=0, en;q=0", "fr" },
        { "*;q=0", "fr" },
        { "fr;q=0, *", "en" },
        { "en;q=1.5, fr;q=0.1", "fr" },          /* malformed q ignored */
        { "en;q=abc, fr;q=0.1", "fr" },
        { "en;q=0.1234, fr;q=0.1", "fr" },
        { "en;q=, fr;q=0.1", "fr" },
        { "en;q=1.000, fr", "en" },
        { "en;q=0.001", "en" },
        { "en;level=1;q=0.5, fr;q=0.4", "en" },  /* unknown parameter */
        { ",,, ;;; ,en", "en" },
        { "en US, fr;q=0.1", "fr" },
        { "en-US-, fr;q=0.1", "fr" },
        { "zh, ja, ko", "fr" },
        { "\t en \t", "en" },
        { "en;q=0.9;q=0.1, fr;q=0.5", "fr" },    /* last q wins */
        { "en,", "en" },
        { "fr-CA;q=0.1, fr;q=0.9, en;q=0.5", "fr" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = i18n_negotiate(cases[i].header);

        if (strcmp(got, cases[i].want) != 0)
            fail_msg("\"%s\": got %s, want %s", cases[i].header, got,
                     cases[i].want);
    }
    assert_string_equal(i18n_negotiate(NULL), "fr");
    assert_string_equal(I18N_DEFAULT_LANG, "fr");
}

static void test_negotiate_long(void **state)
{
    size_t n = 100000;
    char *h = malloc(n + 16);

    assert_non_null(h);
    memset(h, 'a', n);
    memcpy(h + n, ",en;q=0.3", 10);
    assert_string_equal(i18n_negotiate(h), "en");
    for (size_t i = 0; i < n; i++)
        h[i] = (i % 2) ? ',' : ';';
    assert_string_equal(i18n_negotiate(h), "en");
    free(h);
}

/* ---- concurrency -------------------------------------------------------- */

static void *reader(void *arg)
{
    const i18n *c = arg;

    for (int i = 0; i < 20000; i++) {
        if (strcmp(i18n_get(c, (i & 1) ? "fr" : "en", "Sign in"),
                   (i & 1) ? "Se connecter" : "Log in") != 0)
            return (void *)1;
        if (strcmp(i18n_nget(c, "fr", "%d file", "%d files", (unsigned long)i),
                   i > 1 ? "%d fichiers" : "%d fichier") != 0)
            return (void *)1;
        if (strcmp(i18n_negotiate("en;q=0.5, fr-CA"), "fr") != 0)
            return (void *)1;
    }
    return NULL;
}

static void test_concurrent_readers(void **state)
{
    struct state *s = *state;
    pthread_t t[4];

    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, reader, s->cat), 0);
    for (int i = 0; i < 4; i++) {
        void *ret = (void *)1;

        assert_int_equal(pthread_join(t[i], &ret), 0);
        assert_null(ret);
    }
}

/* ---- the real catalogues ------------------------------------------------ */

static void test_real_catalogues(void **state)
{
    const char *langs[] = { "fr", "en", NULL };
    char dir[64], err[256] = "";
    i18n *c = NULL;

    assert_int_equal(make_tmpdir(dir, sizeof(dir)), 0);
    assert_int_equal(compile_po(dir, "fr", "po/fr.po"), 0);
    assert_int_equal(compile_po(dir, "en", "po/en.po"), 0);
    if (i18n_load(dir, langs, &c, err, sizeof(err)) != 0)
        fail_msg("i18n_load: %s", err);
    assert_string_equal(i18n_get(c, "fr", "Sign in"), "Se connecter");
    assert_string_equal(i18n_get(c, "en", "Sign in"), "Sign in");
    assert_string_equal(i18n_get(c, "fr", "Page not found"), "Page introuvable");
    assert_string_equal(i18n_get(c, "fr", "Home"), "Accueil");
    assert_string_equal(i18n_get(c, "fr", "English"), "English");
    assert_string_equal(i18n_get(c, "en", "Français"), "Français");
    assert_string_equal(i18n_nget(c, "fr", "%d situation", "%d situations", 1),
                        "%d situation");
    assert_string_equal(i18n_nget(c, "fr", "%d situation", "%d situations", 2),
                        "%d situations");
    assert_string_equal(i18n_nget(c, "en", "%d situation", "%d situations", 0),
                        "%d situations");
    /* The header is there but never returned. */
    assert_string_equal(i18n_get(c, "fr", ""), "");
    i18n_free(c);
    remove_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get),
        cmocka_unit_test(test_get_fallback),
        cmocka_unit_test(test_header_not_returned),
        cmocka_unit_test(test_nget),
        cmocka_unit_test(test_nget_fallback),
        cmocka_unit_test(test_big_endian_unsorted),
        cmocka_unit_test(test_empty_translations),
        cmocka_unit_test(test_empty_mo),
        cmocka_unit_test(test_corrupt_truncated),
        cmocka_unit_test(test_corrupt_fields),
        cmocka_unit_test(test_corrupt_file),
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_negotiate),
        cmocka_unit_test(test_negotiate_long),
        cmocka_unit_test(test_concurrent_readers),
        cmocka_unit_test(test_real_catalogues),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
