/*
 * person.c - normalised identity strings for "known elsewhere" matching;
 * see person.h for the rules and for what is deliberately not matched.
 *
 * The fold tables map each code point of Latin-1 Supplement letters, Latin
 * Extended-A and -B (U+00C0-U+024F) and Latin Extended Additional
 * (U+1E00-U+1EFF) to its lowercase ASCII base letter(s); "" keeps the
 * character as is. They were derived once from the Unicode data (NFKD
 * decomposition without combining marks, else the base letter named in
 * "LATIN ... LETTER X WITH ...", plus the letters without a decomposition:
 * ae, oe, sharp s, o-stroke, l-stroke, d-stroke, eth, thorn, h-stroke,
 * t-stroke, dotless i, kra, eng, long s, ij) and are part of
 * PERSON_NORM_VERSION: editing them changes keys.
 */
#include "core/person.h"

#include <string.h>

#include "core/dates.h"

/* U+00C0..U+024F */
static const char fold_latin[400][3] = {
    /* 00C0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    /* 00D0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
    /* 00E0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    /* 00F0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
    /* 0100 */ "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
    /* 0110 */ "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
    /* 0120 */ "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
    /* 0130 */ "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
    /* 0140 */ "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
    /* 0150 */ "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
    /* 0160 */ "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
    /* 0170 */ "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
    /* 0180 */ "b", "b", "b", "b", "", "", "", "c", "c", "", "d", "d", "d", "", "", "",
    /* 0190 */ "", "f", "f", "g", "", "hv", "", "i", "k", "k", "l", "", "", "n", "n", "o",
    /* 01A0 */ "o", "o", "oi", "oi", "p", "p", "", "", "", "", "", "t", "t", "t", "t", "u",
    /* 01B0 */ "u", "", "v", "y", "y", "z", "z", "", "", "", "", "", "", "", "", "",
    /* 01C0 */ "", "", "", "", "dz", "dz", "dz", "lj", "lj", "lj", "nj", "nj", "nj", "a", "a", "i",
    /* 01D0 */ "i", "o", "o", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "", "a", "a",
    /* 01E0 */ "a", "a", "ae", "ae", "g", "g", "g", "g", "k", "k", "o", "o", "o", "o", "", "",
    /* 01F0 */ "j", "dz", "dz", "dz", "g", "g", "", "", "n", "n", "a", "a", "ae", "ae", "o", "o",
    /* 0200 */ "a", "a", "a", "a", "e", "e", "e", "e", "i", "i", "i", "i", "o", "o", "o", "o",
    /* 0210 */ "r", "r", "r", "r", "u", "u", "u", "u", "s", "s", "t", "t", "", "", "h", "h",
    /* 0220 */ "n", "d", "ou", "ou", "z", "z", "a", "a", "e", "e", "o", "o", "o", "o", "o", "o",
    /* 0230 */ "o", "o", "y", "y", "l", "n", "t", "", "", "", "a", "c", "c", "l", "t", "s",
    /* 0240 */ "z", "", "", "b", "", "", "e", "e", "j", "j", "", "q", "r", "r", "y", "y",
};
/* U+1E00..U+1EFF */
static const char fold_latin_ext[256][3] = {
    /* 1E00 */ "a", "a", "b", "b", "b", "b", "b", "b", "c", "c", "d", "d", "d", "d", "d", "d",
    /* 1E10 */ "d", "d", "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "f", "f",
    /* 1E20 */ "g", "g", "h", "h", "h", "h", "h", "h", "h", "h", "h", "h", "i", "i", "i", "i",
    /* 1E30 */ "k", "k", "k", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l", "l", "m", "m",
    /* 1E40 */ "m", "m", "m", "m", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
    /* 1E50 */ "o", "o", "o", "o", "p", "p", "p", "p", "r", "r", "r", "r", "r", "r", "r", "r",
    /* 1E60 */ "s", "s", "s", "s", "s", "s", "s", "s", "s", "s", "t", "t", "t", "t", "t", "t",
    /* 1E70 */ "t", "t", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "v", "v", "v", "v",
    /* 1E80 */ "w", "w", "w", "w", "w", "w", "w", "w", "w", "w", "x", "x", "x", "x", "y", "y",
    /* 1E90 */ "z", "z", "z", "z", "z", "z", "h", "t", "w", "y", "a", "s", "s", "s", "ss", "",
    /* 1EA0 */ "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a",
    /* 1EB0 */ "a", "a", "a", "a", "a", "a", "a", "a", "e", "e", "e", "e", "e", "e", "e", "e",
    /* 1EC0 */ "e", "e", "e", "e", "e", "e", "e", "e", "i", "i", "i", "i", "o", "o", "o", "o",
    /* 1ED0 */ "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o",
    /* 1EE0 */ "o", "o", "o", "o", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u",
    /* 1EF0 */ "u", "u", "y", "y", "y", "y", "y", "y", "y", "y", "ll", "ll", "v", "v", "y", "y",
};

/* Latin ligatures U+FB00-U+FB06. */
static const char fold_ligature[7][4] = {"ff", "fi", "fl", "ffi", "ffl", "st", "st"};

/* Output cursor with overflow tracking. */
typedef struct norm_out {
    char *p;
    size_t len, cap; /* cap excludes the terminating NUL */
    int overflow;
} norm_out;

static void put(norm_out *o, const char *s, size_t n)
{
    if (o->overflow || n > o->cap - o->len) {
        o->overflow = 1;
        return;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
}

/* Decodes one strict UTF-8 sequence at s (NUL-terminated). Returns its
 * length and the code point in *cp, or 0 if invalid. */
static size_t utf8_next(const unsigned char *s, unsigned long *cp)
{
    unsigned char c = s[0];
    size_t n;
    unsigned long v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0; /* continuation byte, C0/C1 overlong lead, F5-FF */
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) /* also stops at the NUL */
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

/* Characters dropped outside ASCII: signs, punctuation, spaces, marks. */
static int dropped(unsigned long cp)
{
    return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
           (cp >= 0x2B9 && cp <= 0x2BF) ||     /* modifier apostrophes, primes */
           (cp >= 0x300 && cp <= 0x36F) ||     /* combining diacritical marks */
           (cp >= 0x1AB0 && cp <= 0x1AFF) ||   /* combining marks extended */
           (cp >= 0x1DC0 && cp <= 0x1DFF) ||   /* combining marks supplement */
           (cp >= 0x2000 && cp <= 0x206F) ||   /* general punctuation */
           (cp >= 0x20D0 && cp <= 0x20FF) ||   /* combining marks for symbols */
           cp == 0x3000 || cp == 0x30FB || cp == 0xFF65 || /* CJK space, middle dots */
           (cp >= 0xFE00 && cp <= 0xFE0F) ||   /* variation selectors */
           (cp >= 0xFE20 && cp <= 0xFE2F) ||   /* combining half marks */
           cp == 0xFEFF;                       /* BOM, zero-width no-break space */
}

/* Appends the UTF-8 encoding of cp (a valid scalar value). */
static void put_cp(norm_out *o, unsigned long cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    }
    put(o, b, n);
}

/* Appends the normalised form of one code point; raw/rawlen are its
 * original bytes, kept when no rule applies. */
static void fold_cp(norm_out *o, unsigned long cp, const unsigned char *raw, size_t rawlen)
{
    const char *m = NULL;
    if (cp < 0x80) {
        char c = (char)cp;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            put(o, &c, 1);
        return;
    }
    if (dropped(cp))
        return;
    if (cp >= 0xC0 && cp <= 0x24F)
        m = fold_latin[cp - 0xC0];
    else if (cp >= 0x1E00 && cp <= 0x1EFF)
        m = fold_latin_ext[cp - 0x1E00];
    else if (cp >= 0xFB00 && cp <= 0xFB06)
        m = fold_ligature[cp - 0xFB00];
    if (m && m[0]) {
        put(o, m, strlen(m));
        return;
    }
    if (cp >= 0xFF01 && cp <= 0xFF5E) { /* fullwidth ASCII */
        char c = (char)(cp - 0xFF01 + 0x21);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            fold_cp(o, (unsigned long)(unsigned char)c, NULL, 0);
        return;
    }
    if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) { /* Greek capitals */
        put_cp(o, cp + 0x20);
        return;
    }
    if (cp >= 0x410 && cp <= 0x42F) { /* Cyrillic capitals A-YA */
        put_cp(o, cp + 0x20);
        return;
    }
    if (cp >= 0x400 && cp <= 0x40F) { /* Cyrillic capitals IE with grave-DZHE */
        put_cp(o, cp + 0x50);
        return;
    }
    put(o, (const char *)raw, rawlen);
}

/* Appends the normalised name s (NULL: empty). -1 on invalid UTF-8. */
static int fold_name(norm_out *o, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!p)
        return 0;
    while (*p) {
        unsigned long cp;
        size_t n = utf8_next(p, &cp);
        if (n == 0)
            return -1;
        fold_cp(o, cp, p, n);
        p += n;
    }
    return 0;
}

/* Appends "given|family|birth_date"; -1 on invalid input (overflow is
 * left in o->overflow). */
static int build(norm_out *o, const char *given, const char *family, const char *birth_date)
{
    if (birth_date && birth_date[0] && date_parse(birth_date, NULL, NULL, NULL) != 0)
        return -1;
    if (fold_name(o, given) != 0)
        return -1;
    size_t given_len = o->len;
    put(o, "|", 1);
    size_t family_start = o->len;
    if (fold_name(o, family) != 0)
        return -1;
    if (given_len == 0 && o->len == family_start)
        return -1;
    put(o, "|", 1);
    if (birth_date)
        put(o, birth_date, strlen(birth_date));
    return 0;
}

int person_normalise(const char *given, const char *family, const char *birth_date,
                     char *out, size_t outlen)
{
    if (!out || outlen == 0)
        return -1;
    norm_out o = {out, 0, outlen - 1, 0};
    if (build(&o, given, family, birth_date) != 0 || o.overflow) {
        out[0] = '\0';
        return -1;
    }
    out[o.len] = '\0';
    return 0;
}

int person_role_valid(const char *role)
{
    static const char *const roles[] = {"victim", "child", "perpetrator", "relative", "new_partner"};
    if (!role)
        return 0;
    for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
        if (strcmp(role, roles[i]) == 0)
            return 1;
    return 0;
}
