/*
 * tmpl.c - escape-by-default HTML template engine; see tmpl.h for the syntax.
 *
 * Each template is compiled once into a tree of nodes (text, var, raw, t,
 * if/unless/eq/each/with with an optional else branch, include) that lives in
 * an arena owned by the template, so freeing a template is one arena_free.
 * Rendering walks the tree against jansson data with a scope chain kept on
 * the C stack; every inserted value goes through buf_append_html except
 * {{raw path}}.
 *
 * Caveats:
 *  - The parser is iterative; block nesting deeper than TMPL_MAX_NEST is a
 *    syntax error, so rendering recursion is bounded by
 *    TMPL_MAX_NEST * (TMPL_MAX_INCLUDE + 1) levels.
 *  - Includes are resolved by name at render time (templates may be added in
 *    any order); an unknown include makes the render fail.
 *  - Besides the reasons listed in tmpl.h, a render also fails (-1) when it
 *    exceeds TMPL_MAX_STEPS work units (node visits and scopes searched) or
 *    TMPL_MAX_OUTPUT bytes, so that a template cannot turn into a denial of
 *    service (nested {{#each}} over the same array grows exponentially); a
 *    real page uses a few percent of that. On failure out holds partial
 *    output that the caller must discard.
 *  - Adding a template under an existing name replaces it. The set must not
 *    be modified while another thread renders from it; rendering itself only
 *    reads the set and is thread-safe.
 *  - There is no way to write a literal "{{" in template text.
 *  - tmpl_set_load_dir skips dot files (editor locks) and non-regular files.
 */
#include "tmpl.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"

#define TMPL_MAX_INCLUDE 32             /* nested {{> name}} while rendering */
#define TMPL_MAX_NEST 64                /* nested blocks in one template */
#define TMPL_MAX_ARGS 9                 /* parameters of {{t}} */
#define TMPL_MAX_TOKENS (TMPL_MAX_ARGS + 2)
#define TMPL_MAX_STEPS (1UL << 22)      /* node visits + scope lookups per render */
#define TMPL_MAX_OUTPUT ((size_t)64 << 20) /* bytes per render */
#define TMPL_MAX_FILE ((off_t)16 << 20) /* template file size */

enum node_kind {
    N_TEXT,
    N_VAR,
    N_RAW,
    N_T,
    N_IF,
    N_UNLESS,
    N_EQ,
    N_EACH,
    N_WITH,
    N_INCLUDE
};

enum path_kind { P_DOT, P_INDEX, P_NUMBER, P_NAMES };

/* One name of a dotted path; idx >= 0 when the name is a valid array index. */
struct seg {
    char *name;
    long idx;
};

struct path {
    enum path_kind kind;
    size_t nseg;
    struct seg *segs;
};

/* A string literal, with its numeric readings for {{#eq}}. */
struct lit {
    char *s;
    size_t len;
    int is_int, is_num;
    json_int_t i;
    double d;
};

/* A parameter of {{t}}: a path or a literal. */
struct arg {
    int is_lit;
    struct path path;
    struct lit lit;
};

struct node {
    enum node_kind kind;
    int line;
    struct node *next;
    const char *text;        /* N_TEXT bytes, N_T msgid, N_INCLUDE name */
    size_t len;              /* length of text */
    struct path path;        /* N_VAR N_RAW and blocks */
    struct lit lit;          /* N_EQ */
    struct arg *args;        /* N_T */
    size_t nargs;
    struct node *body, *alt; /* blocks: then / else */
};

struct tmpl {
    char *name;
    arena *a;
    struct node *root;
};

struct tmpl_set {
    struct tmpl *v;
    size_t n, cap;
};

/* ---- errors ---- */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- parser ---- */

struct token {
    const char *p; /* bare token bytes, or the opening quote of a string */
    size_t n;      /* bytes including the quotes for strings */
    int is_str;
};

struct parser {
    arena *a;
    const char *label;
    int line; /* line of the tag being parsed */
    char *err;
    size_t errlen;
};

/* Open block while parsing: where its next child is appended. */
struct frame {
    struct node *node;
    struct node **tail;
    int in_else;
};

static void parse_err(struct parser *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void parse_err(struct parser *ps, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    set_err(ps->err, ps->errlen, "%s:%d: %s", ps->label, ps->line, msg);
}

static void oom_err(struct parser *ps)
{
    set_err(ps->err, ps->errlen, "%s: out of memory", ps->label);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

static int tok_is(const struct token *t, const char *word)
{
    size_t n = strlen(word);
    return !t->is_str && t->n == n && memcmp(t->p, word, n) == 0;
}

static size_t count_lines(const char *p, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += p[i] == '\n';
    return k;
}

/* Splits tag content into tokens. Strings may hold \" and \\ escapes only. */
static int tokenize(struct parser *ps, const char *p, size_t n, struct token *toks,
                    size_t *ntok)
{
    size_t i = 0, k = 0;
    for (;;) {
        while (i < n && is_space(p[i]))
            i++;
        if (i == n)
            break;
        if (k == TMPL_MAX_TOKENS) {
            parse_err(ps, "too many arguments");
            return -1;
        }
        size_t start = i;
        if (p[i] == '"') {
            for (i++; i < n && p[i] != '"'; i++) {
                if (p[i] == '\0') {
                    parse_err(ps, "bad string literal: NUL byte");
                    return -1;
                }
                if (p[i] == '\\') {
                    if (i + 1 >= n || (p[i + 1] != '"' && p[i + 1] != '\\')) {
                        parse_err(ps, "bad string literal: only \\\" and \\\\ escapes");
                        return -1;
                    }
                    i++;
                }
            }
            if (i == n) {
                parse_err(ps, "bad string literal: missing closing quote");
                return -1;
            }
            i++;
            if (i < n && !is_space(p[i])) {
                parse_err(ps, "bad string literal: no space after closing quote");
                return -1;
            }
            toks[k].is_str = 1;
        } else {
            while (i < n && !is_space(p[i])) {
                if (p[i] == '"') {
                    parse_err(ps, "bad string literal: quote inside a name");
                    return -1;
                }
                i++;
            }
            toks[k].is_str = 0;
        }
        toks[k].p = p + start;
        toks[k].n = i - start;
        k++;
    }
    *ntok = k;
    return 0;
}

/* Reads a number from a NUL-terminated literal (decimal only). */
static void lit_numbers(struct lit *l)
{
    l->is_int = l->is_num = 0;
    const char *s = l->s;
    if (l->len == 0 || strlen(s) != l->len)
        return;
    if (!(s[0] == '-' || (s[0] >= '0' && s[0] <= '9')))
        return;
    if (strpbrk(s, "xXpP"))
        return;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno == 0 && *end == '\0') {
        l->is_int = 1;
        l->i = (json_int_t)v;
    }
    errno = 0;
    double d = strtod(s, &end);
    if (errno == 0 && *end == '\0') {
        l->is_num = 1;
        l->d = d;
    }
}

/* Decodes a string token (quotes and escapes) into l. */
static int make_lit(struct parser *ps, const struct token *t, struct lit *l)
{
    memset(l, 0, sizeof(*l));
    char *s = arena_alloc(ps->a, t->n);
    if (!s) {
        oom_err(ps);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 1; i + 1 < t->n; i++) {
        if (t->p[i] == '\\')
            i++;
        s[k++] = t->p[i];
    }
    s[k] = '\0';
    l->s = s;
    l->len = k;
    lit_numbers(l);
    return 0;
}

/* Validates and copies a path token: "." | "@index" | "@number" | a.b.c */
static int make_path(struct parser *ps, const struct token *t, struct path *out)
{
    memset(out, 0, sizeof(*out));
    if (t->is_str) {
        parse_err(ps, "expected a path, found a string literal");
        return -1;
    }
    if (t->n == 0) {
        parse_err(ps, "empty path");
        return -1;
    }
    if (t->n == 1 && t->p[0] == '.') {
        out->kind = P_DOT;
        return 0;
    }
    if (t->p[0] == '@') {
        if (tok_is(t, "@index")) {
            out->kind = P_INDEX;
            return 0;
        }
        if (tok_is(t, "@number")) {
            out->kind = P_NUMBER;
            return 0;
        }
        parse_err(ps, "unknown variable '%.*s'", (int)(t->n > 64 ? 64 : t->n), t->p);
        return -1;
    }
    size_t nseg = 1;
    for (size_t i = 0; i < t->n; i++) {
        char c = t->p[i];
        if (c == '.') {
            if (i == 0 || i + 1 == t->n || t->p[i + 1] == '.')
                goto bad;
            nseg++;
        } else if (!is_name_char(c)) {
            goto bad;
        }
    }
    out->kind = P_NAMES;
    out->segs = arena_alloc(ps->a, nseg * sizeof(*out->segs));
    if (!out->segs) {
        oom_err(ps);
        return -1;
    }
    size_t start = 0, k = 0;
    for (size_t i = 0; i <= t->n; i++) {
        if (i < t->n && t->p[i] != '.')
            continue;
        struct seg *sg = &out->segs[k++];
        sg->name = arena_strndup(ps->a, t->p + start, i - start);
        if (!sg->name) {
            oom_err(ps);
            return -1;
        }
        sg->idx = -1;
        if (strspn(sg->name, "0123456789") == i - start && i - start <= 9)
            sg->idx = strtol(sg->name, NULL, 10);
        start = i + 1;
    }
    out->nseg = nseg;
    return 0;
bad:
    parse_err(ps, "bad path '%.*s'", (int)(t->n > 64 ? 64 : t->n), t->p);
    return -1;
}

static struct node *new_node(struct parser *ps, enum node_kind kind)
{
    struct node *n = arena_alloc(ps->a, sizeof(*n));
    if (!n) {
        oom_err(ps);
        return NULL;
    }
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    n->line = ps->line;
    return n;
}

static const char *block_name(enum node_kind k)
{
    switch (k) {
    case N_IF: return "if";
    case N_UNLESS: return "unless";
    case N_EQ: return "eq";
    case N_EACH: return "each";
    case N_WITH: return "with";
    default: return "?";
    }
}

/* {{#name args}}: returns the new block node (not yet linked) or NULL. */
static struct node *parse_open(struct parser *ps, const struct token *toks, size_t ntok)
{
    static const struct {
        const char *name;
        enum node_kind kind;
    } blocks[] = {{"if", N_IF},     {"unless", N_UNLESS}, {"eq", N_EQ},
                  {"each", N_EACH}, {"with", N_WITH}};
    if (ntok == 0 || toks[0].is_str) {
        parse_err(ps, "missing block helper name after '#'");
        return NULL;
    }
    size_t b;
    for (b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++)
        if (tok_is(&toks[0], blocks[b].name))
            break;
    if (b == sizeof(blocks) / sizeof(blocks[0])) {
        parse_err(ps, "unknown block helper '#%.*s'",
                  (int)(toks[0].n > 64 ? 64 : toks[0].n), toks[0].p);
        return NULL;
    }
    enum node_kind kind = blocks[b].kind;
    size_t want = kind == N_EQ ? 3 : 2;
    if (ntok < 2) {
        parse_err(ps, "empty path in {{#%s}}", blocks[b].name);
        return NULL;
    }
    if (ntok < want) {
        parse_err(ps, "{{#eq}} needs a path and a literal");
        return NULL;
    }
    if (ntok > want) {
        parse_err(ps, "too many arguments to {{#%s}}", blocks[b].name);
        return NULL;
    }
    struct node *n = new_node(ps, kind);
    if (!n || make_path(ps, &toks[1], &n->path) < 0)
        return NULL;
    if (kind == N_EQ) {
        const struct token *t = &toks[2];
        if (t->is_str) {
            if (make_lit(ps, t, &n->lit) < 0)
                return NULL;
        } else {
            n->lit.s = arena_strndup(ps->a, t->p, t->n);
            if (!n->lit.s) {
                oom_err(ps);
                return NULL;
            }
            n->lit.len = t->n;
            lit_numbers(&n->lit);
            if (!n->lit.is_num) {
                parse_err(ps, "{{#eq}} needs a string or number literal");
                return NULL;
            }
        }
    }
    return n;
}

/* {{path}}, {{raw path}}, {{t "msgid" args}}: returns the node or NULL. */
static struct node *parse_expr(struct parser *ps, const struct token *toks, size_t ntok)
{
    struct node *n;
    if (ntok == 0) {
        parse_err(ps, "empty path");
        return NULL;
    }
    if (tok_is(&toks[0], "raw")) {
        if (ntok != 2) {
            parse_err(ps, ntok < 2 ? "empty path in {{raw}}" : "too many arguments to raw");
            return NULL;
        }
        n = new_node(ps, N_RAW);
        if (!n || make_path(ps, &toks[1], &n->path) < 0)
            return NULL;
        return n;
    }
    if (tok_is(&toks[0], "t")) {
        if (ntok < 2 || !toks[1].is_str) {
            parse_err(ps, "{{t}} needs a string literal msgid");
            return NULL;
        }
        struct lit msgid;
        n = new_node(ps, N_T);
        if (!n || make_lit(ps, &toks[1], &msgid) < 0)
            return NULL;
        if (strlen(msgid.s) != msgid.len) {
            parse_err(ps, "bad string literal: NUL byte");
            return NULL;
        }
        n->text = msgid.s;
        n->len = msgid.len;
        n->nargs = ntok - 2;
        if (n->nargs) {
            n->args = arena_alloc(ps->a, n->nargs * sizeof(*n->args));
            if (!n->args) {
                oom_err(ps);
                return NULL;
            }
            memset(n->args, 0, n->nargs * sizeof(*n->args));
        }
        for (size_t i = 0; i < n->nargs; i++) {
            const struct token *t = &toks[i + 2];
            n->args[i].is_lit = t->is_str;
            if (t->is_str ? make_lit(ps, t, &n->args[i].lit)
                          : make_path(ps, t, &n->args[i].path))
                return NULL;
        }
        return n;
    }
    if (toks[0].is_str) {
        parse_err(ps, "unexpected string literal");
        return NULL;
    }
    if (ntok > 1) {
        parse_err(ps, "unknown helper '%.*s'", (int)(toks[0].n > 64 ? 64 : toks[0].n),
                  toks[0].p);
        return NULL;
    }
    n = new_node(ps, N_VAR);
    if (!n || make_path(ps, &toks[0], &n->path) < 0)
        return NULL;
    return n;
}

/*
 * Finds the end of the tag opened at src[open] ("{{"): sets *cbeg and *cend to the
 * content and returns the offset just past the closing "}}", or 0 with the
 * error set. Quotes are honoured so a msgid may contain "}}". Comments end at
 * the first "}}" ("--}}" for {{!-- --}}) and set *is_comment.
 */
static size_t find_close(struct parser *ps, const char *src, size_t len, size_t open,
                         size_t *cbeg, size_t *cend, int *is_comment)
{
    *is_comment = 0;
    size_t i = open + 2;
    while (i < len && is_space(src[i]))
        i++;
    if (i < len && src[i] == '!') {
        int dashes = len - i >= 3 && src[i + 1] == '-' && src[i + 2] == '-';
        const char *end_mark = dashes ? "--}}" : "}}";
        size_t mlen = strlen(end_mark);
        const char *e = memmem(src + i + 1 + (dashes ? 2 : 0),
                               len - i - 1 - (dashes ? 2 : 0), end_mark, mlen);
        if (!e) {
            parse_err(ps, "unterminated comment");
            return 0;
        }
        *cbeg = *cend = i;
        *is_comment = 1;
        return (size_t)(e - src) + mlen;
    }
    int in_str = 0;
    for (size_t j = open + 2; j < len; j++) {
        char c = src[j];
        if (in_str) {
            if (c == '\\' && j + 1 < len)
                j++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '}' && j + 1 < len && src[j + 1] == '}') {
            *cbeg = open + 2;
            *cend = j;
            return j + 2;
        }
    }
    if (in_str && memmem(src + open + 2, len - open - 2, "}}", 2))
        parse_err(ps, "bad string literal: missing closing quote");
    else
        parse_err(ps, "unterminated '{{'");
    return 0;
}

static int compile(arena *a, const char *label, const char *src, size_t len,
                   struct node **root, char *err, size_t errlen)
{
    struct parser ps = {a, label, 1, err, errlen};
    struct frame stack[TMPL_MAX_NEST];
    size_t depth = 0, pos = 0;
    struct node **tail = root;
    *root = NULL;

    while (pos < len) {
        const char *o = memmem(src + pos, len - pos, "{{", 2);
        size_t open = o ? (size_t)(o - src) : len;
        if (open > pos) {
            struct node *t = new_node(&ps, N_TEXT);
            if (!t)
                return -1;
            char *copy = arena_strndup(a, src + pos, open - pos);
            if (!copy) {
                oom_err(&ps);
                return -1;
            }
            t->text = copy;
            t->len = open - pos;
            *tail = t;
            tail = &t->next;
            ps.line += (int)count_lines(src + pos, open - pos);
        }
        if (!o)
            break;

        size_t cbeg = 0, cend = 0;
        int is_comment = 0;
        size_t next = find_close(&ps, src, len, open, &cbeg, &cend, &is_comment);
        if (next == 0)
            return -1;
        const char *c = src + cbeg;
        size_t cn = cend - cbeg;
        while (cn && is_space(*c)) {
            c++;
            cn--;
        }

        struct token toks[TMPL_MAX_TOKENS];
        size_t ntok = 0;
        struct node *n = NULL;
        int is_block = 0;
        if (is_comment) {
            /* nothing to compile */
        } else if (cn && (*c == '#' || *c == '/' || *c == '>')) {
            if (tokenize(&ps, c + 1, cn - 1, toks, &ntok) < 0)
                return -1;
            if (*c == '#') {
                if (depth == TMPL_MAX_NEST) {
                    parse_err(&ps, "blocks nested too deeply (max %d)", TMPL_MAX_NEST);
                    return -1;
                }
                n = parse_open(&ps, toks, ntok);
                if (!n)
                    return -1;
                is_block = 1;
                *tail = n;
                stack[depth].node = n;
                stack[depth].tail = tail = &n->body;
                stack[depth].in_else = 0;
                depth++;
            } else if (*c == '/') {
                if (ntok != 1 || toks[0].is_str) {
                    parse_err(&ps, "expected a block name after '/'");
                    return -1;
                }
                if (depth == 0) {
                    parse_err(&ps, "{{/%.*s}} without an open block",
                              (int)(toks[0].n > 64 ? 64 : toks[0].n), toks[0].p);
                    return -1;
                }
                struct node *b = stack[depth - 1].node;
                if (!tok_is(&toks[0], block_name(b->kind))) {
                    parse_err(&ps, "{{/%.*s}} does not match {{#%s}} from line %d",
                              (int)(toks[0].n > 64 ? 64 : toks[0].n), toks[0].p,
                              block_name(b->kind), b->line);
                    return -1;
                }
                /* b sits where the parent's tail pointed; append after it. */
                depth--;
                tail = &b->next;
                if (depth)
                    stack[depth - 1].tail = tail;
            } else {
                if (ntok != 1 || toks[0].is_str || toks[0].n == 0) {
                    parse_err(&ps, "{{>}} needs exactly one template name");
                    return -1;
                }
                for (size_t i = 0; i < toks[0].n; i++) {
                    char ch = toks[0].p[i];
                    if (!is_name_char(ch) && ch != '.' && ch != '/') {
                        parse_err(&ps, "bad template name in {{>}}");
                        return -1;
                    }
                }
                n = new_node(&ps, N_INCLUDE);
                if (!n)
                    return -1;
                n->text = arena_strndup(a, toks[0].p, toks[0].n);
                if (!n->text) {
                    oom_err(&ps);
                    return -1;
                }
                n->len = toks[0].n;
            }
        } else {
            if (tokenize(&ps, c, cn, toks, &ntok) < 0)
                return -1;
            if (ntok >= 1 && tok_is(&toks[0], "else")) {
                if (ntok > 1) {
                    parse_err(&ps, "unexpected arguments after else");
                    return -1;
                }
                if (depth == 0) {
                    parse_err(&ps, "{{else}} outside a block");
                    return -1;
                }
                if (stack[depth - 1].in_else) {
                    parse_err(&ps, "second {{else}} in {{#%s}} from line %d",
                              block_name(stack[depth - 1].node->kind),
                              stack[depth - 1].node->line);
                    return -1;
                }
                stack[depth - 1].in_else = 1;
                stack[depth - 1].tail = tail = &stack[depth - 1].node->alt;
            } else {
                n = parse_expr(&ps, toks, ntok);
                if (!n)
                    return -1;
            }
        }
        if (n && !is_block) {
            *tail = n;
            tail = &n->next;
            if (depth)
                stack[depth - 1].tail = tail;
        }
        ps.line += (int)count_lines(src + open, next - open);
        pos = next;
    }
    if (depth) {
        struct node *b = stack[depth - 1].node;
        ps.line = b->line;
        parse_err(&ps, "unclosed {{#%s}}", block_name(b->kind));
        return -1;
    }
    return 0;
}

/* ---- set ---- */

tmpl_set *tmpl_set_new(void)
{
    return calloc(1, sizeof(tmpl_set));
}

void tmpl_set_free(tmpl_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        arena_free(s->v[i].a);
    free(s->v);
    free(s);
}

static struct tmpl *find_tmpl(const tmpl_set *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].name, name) == 0)
            return &s->v[i];
    return NULL;
}

/* Compiles src as name; label is what error messages call it. */
static int add_labelled(tmpl_set *s, const char *name, const char *label, const char *src,
                        size_t len, char *err, size_t errlen)
{
    int rc = -1;
    arena *a = NULL;
    char *copy = NULL;
    struct node *root = NULL;
    struct tmpl *t;
    if (!s || !name || !*name || (!src && len)) {
        set_err(err, errlen, "%s: bad arguments", label ? label : "?");
        goto out;
    }
    a = arena_new(4096);
    if (a)
        copy = arena_strdup(a, name);
    if (!copy) {
        set_err(err, errlen, "%s: out of memory", label);
        goto out;
    }
    if (compile(a, label, src ? src : "", len, &root, err, errlen) < 0)
        goto out;
    t = find_tmpl(s, name);
    if (t) {
        arena_free(t->a);
    } else {
        if (s->n == s->cap) {
            size_t cap = s->cap ? s->cap * 2 : 16;
            struct tmpl *v = realloc(s->v, cap * sizeof(*v));
            if (!v) {
                set_err(err, errlen, "%s: out of memory", label);
                goto out;
            }
            s->v = v;
            s->cap = cap;
        }
        t = &s->v[s->n++];
    }
    t->name = copy;
    t->a = a;
    t->root = root;
    a = NULL;
    rc = 0;
out:
    arena_free(a);
    return rc;
}

int tmpl_set_add(tmpl_set *s, const char *name, const char *src, size_t len, char *err,
                 size_t errlen)
{
    return add_labelled(s, name, name, src, len, err, errlen);
}

int tmpl_set_has(const tmpl_set *s, const char *name)
{
    return s && name && find_tmpl(s, name) != NULL;
}

/* Reads a whole regular file; *data is malloc'd (NUL-terminated). */
static int read_file(const char *path, char **data, size_t *len, char *err, size_t errlen)
{
    int rc = -1;
    char *p = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_err(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    struct stat st;
    if (fstat(fileno(f), &st) < 0) {
        set_err(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    if (st.st_size > TMPL_MAX_FILE) {
        set_err(err, errlen, "%s: file too large", path);
        goto out;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    p = malloc(cap);
    if (!p) {
        set_err(err, errlen, "%s: out of memory", path);
        goto out;
    }
    n = fread(p, 1, cap - 1, f);
    if (ferror(f)) {
        set_err(err, errlen, "%s: read error", path);
        goto out;
    }
    p[n] = '\0';
    *data = p;
    *len = n;
    p = NULL;
    rc = 0;
out:
    free(p);
    if (f)
        fclose(f);
    return rc;
}

int tmpl_set_load_dir(tmpl_set *s, const char *dir, char *err, size_t errlen)
{
    int rc = -1;
    char *path = NULL, *name = NULL, *data = NULL;
    DIR *d = NULL;
    if (!s || !dir) {
        set_err(err, errlen, "tmpl_set_load_dir: bad arguments");
        goto out;
    }
    d = opendir(dir);
    if (!d) {
        set_err(err, errlen, "%s: %s", dir, strerror(errno));
        goto out;
    }
    struct dirent *de;
    while ((errno = 0, de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (de->d_name[0] == '.' || n <= 5 || strcmp(de->d_name + n - 5, ".html") != 0)
            continue;
        size_t plen = strlen(dir) + 1 + n + 1;
        free(path);
        path = malloc(plen);
        free(name);
        name = malloc(n - 4);
        if (!path || !name) {
            set_err(err, errlen, "%s: out of memory", dir);
            goto out;
        }
        snprintf(path, plen, "%s/%s", dir, de->d_name);
        memcpy(name, de->d_name, n - 5);
        name[n - 5] = '\0';
        struct stat st;
        if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
            continue; /* dangling link, directory, fifo... */
        size_t len = 0;
        free(data);
        data = NULL;
        if (read_file(path, &data, &len, err, errlen) < 0)
            goto out;
        if (add_labelled(s, name, path, data, len, err, errlen) < 0)
            goto out;
    }
    if (errno) {
        set_err(err, errlen, "%s: %s", dir, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (d)
        closedir(d);
    free(path);
    free(name);
    free(data);
    return rc;
}

/* ---- render ---- */

/* A scope of the lookup chain; each frames also carry the loop index. */
struct scope {
    const struct scope *up;
    json_t *val;
    int is_each;
    size_t index;
};

/* A looked-up value: json data, or a loop counter (@index / @number). */
struct val {
    json_t *j;
    int is_num;
    json_int_t num;
};

struct render {
    const tmpl_set *s;
    tmpl_translate_fn tr;
    void *trctx;
    buf *out;
    int depth;
    unsigned long steps;
};

/* Looks p up; every scope visited counts towards the render budget. */
static struct val resolve(struct render *r, const struct path *p, const struct scope *sc)
{
    struct val v = {NULL, 0, 0};
    switch (p->kind) {
    case P_DOT:
        v.j = sc->val;
        return v;
    case P_INDEX:
    case P_NUMBER:
        for (; sc; sc = sc->up) {
            r->steps++;
            if (sc->is_each) {
                v.is_num = 1;
                v.num = (json_int_t)sc->index + (p->kind == P_NUMBER);
                break;
            }
        }
        return v;
    case P_NAMES:
        break;
    }
    json_t *j = NULL;
    for (; sc && !j; sc = sc->up) {
        r->steps++;
        if (json_is_object(sc->val))
            j = json_object_get(sc->val, p->segs[0].name);
    }
    for (size_t i = 1; j && i < p->nseg; i++) {
        if (json_is_object(j))
            j = json_object_get(j, p->segs[i].name);
        else if (json_is_array(j) && p->segs[i].idx >= 0)
            j = json_array_get(j, (size_t)p->segs[i].idx);
        else
            j = NULL;
    }
    v.j = j;
    return v;
}

static int truthy(struct val v)
{
    if (v.is_num)
        return v.num != 0;
    json_t *j = v.j;
    if (!j)
        return 0;
    switch (json_typeof(j)) {
    case JSON_OBJECT: return json_object_size(j) != 0;
    case JSON_ARRAY: return json_array_size(j) != 0;
    case JSON_STRING: return json_string_length(j) != 0;
    case JSON_INTEGER: return json_integer_value(j) != 0;
    case JSON_REAL: return json_real_value(j) != 0.0;
    case JSON_TRUE: return 1;
    case JSON_FALSE:
    case JSON_NULL: return 0;
    }
    return 0;
}

static int equals(struct val v, const struct lit *l)
{
    if (v.is_num)
        return l->is_int ? v.num == l->i : l->is_num && (double)v.num == l->d;
    json_t *j = v.j;
    if (!j)
        return 0;
    switch (json_typeof(j)) {
    case JSON_STRING:
        return json_string_length(j) == l->len &&
               memcmp(json_string_value(j), l->s, l->len) == 0;
    case JSON_INTEGER:
        if (l->is_int)
            return json_integer_value(j) == l->i;
        return l->is_num && (double)json_integer_value(j) == l->d;
    case JSON_REAL: return l->is_num && json_real_value(j) == l->d;
    case JSON_TRUE: return strcmp(l->s, "true") == 0;
    case JSON_FALSE: return strcmp(l->s, "false") == 0;
    default: return 0;
    }
}

/* Prints a value: strings (escaped unless raw), numbers, "true"; else nothing. */
static void put_val(buf *out, struct val v, int raw)
{
    if (v.is_num) {
        buf_printf(out, "%" JSON_INTEGER_FORMAT, v.num);
        return;
    }
    json_t *j = v.j;
    if (!j)
        return;
    switch (json_typeof(j)) {
    case JSON_STRING:
        if (raw)
            buf_append(out, json_string_value(j), json_string_length(j));
        else
            buf_append_html(out, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER: buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(j)); break;
    case JSON_REAL: buf_printf(out, "%.15g", json_real_value(j)); break;
    case JSON_TRUE: buf_puts(out, "true"); break;
    default: break;
    }
}

static void put_t(struct render *r, const struct node *n, const struct scope *sc)
{
    const char *tx = r->tr ? r->tr(r->trctx, n->text) : n->text;
    if (!tx)
        tx = n->text;
    size_t start = 0, i;
    for (i = 0; tx[i]; i++) {
        if (tx[i] != '{' || tx[i + 1] < '1' || tx[i + 1] > '9' || tx[i + 2] != '}')
            continue;
        size_t k = (size_t)(tx[i + 1] - '1');
        if (k >= n->nargs)
            continue;
        buf_append_html(r->out, tx + start, i - start);
        const struct arg *a = &n->args[k];
        if (a->is_lit)
            buf_append_html(r->out, a->lit.s, a->lit.len);
        else
            put_val(r->out, resolve(r, &a->path, sc), 0);
        i += 2;
        start = i + 1;
    }
    buf_append_html(r->out, tx + start, i - start);
}

static int render_list(struct render *r, const struct node *n, const struct scope *sc);

static int render_node(struct render *r, const struct node *n, const struct scope *sc)
{
    if (++r->steps > TMPL_MAX_STEPS || r->out->oom || r->out->len > TMPL_MAX_OUTPUT)
        return -1;
    switch (n->kind) {
    case N_TEXT:
        buf_append(r->out, n->text, n->len);
        return 0;
    case N_VAR:
    case N_RAW:
        put_val(r->out, resolve(r, &n->path, sc), n->kind == N_RAW);
        return 0;
    case N_T:
        put_t(r, n, sc);
        return 0;
    case N_IF:
        return render_list(r, truthy(resolve(r, &n->path, sc)) ? n->body : n->alt, sc);
    case N_UNLESS:
        return render_list(r, truthy(resolve(r, &n->path, sc)) ? n->alt : n->body, sc);
    case N_EQ:
        return render_list(r, equals(resolve(r, &n->path, sc), &n->lit) ? n->body : n->alt, sc);
    case N_WITH: {
        struct val v = resolve(r, &n->path, sc);
        if (!v.j || !truthy(v))
            return render_list(r, n->alt, sc);
        struct scope child = {sc, v.j, 0, 0};
        return render_list(r, n->body, &child);
    }
    case N_EACH: {
        json_t *arr = resolve(r, &n->path, sc).j;
        if (!json_is_array(arr) || json_array_size(arr) == 0)
            return render_list(r, n->alt, sc);
        for (size_t i = 0; i < json_array_size(arr); i++) {
            struct scope child = {sc, json_array_get(arr, i), 1, i};
            if (++r->steps > TMPL_MAX_STEPS || render_list(r, n->body, &child) < 0)
                return -1;
        }
        return 0;
    }
    case N_INCLUDE: {
        const struct tmpl *t = find_tmpl(r->s, n->text);
        if (!t || r->depth >= TMPL_MAX_INCLUDE)
            return -1;
        r->depth++;
        int rc = render_list(r, t->root, sc);
        r->depth--;
        return rc;
    }
    }
    return -1;
}

static int render_list(struct render *r, const struct node *n, const struct scope *sc)
{
    for (; n; n = n->next)
        if (render_node(r, n, sc) < 0)
            return -1;
    return 0;
}

int tmpl_render(const tmpl_set *s, const char *name, json_t *data, tmpl_translate_fn tr,
                void *trctx, buf *out)
{
    if (!s || !name || !out)
        return -1;
    const struct tmpl *t = find_tmpl(s, name);
    if (!t)
        return -1;
    struct render r = {s, tr, trctx, out, 0, 0};
    struct scope top = {NULL, data, 0, 0};
    if (render_list(&r, t->root, &top) < 0 || out->oom || out->len > TMPL_MAX_OUTPUT)
        return -1;
    return 0;
}
