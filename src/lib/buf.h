/*
 * buf.h - growable byte buffer (malloc-backed) for building responses.
 *
 * Errors are sticky: after an allocation failure every append is a no-op
 * returning -1 and b->oom stays set, so callers may check once at the end.
 * buf_detach hands the memory to the caller (free() it), e.g. to MHD.
 */
#ifndef FILET_BUF_H
#define FILET_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
    char *data;
    size_t len, cap;
    int oom;
} buf;

void buf_init(buf *b);
void buf_free(buf *b);
void buf_reset(buf *b);
int buf_append(buf *b, const void *p, size_t n);
int buf_puts(buf *b, const char *s);
int buf_putc(buf *b, char c);
int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Appends s with & < > " ' escaped: safe in HTML text and quoted attributes. */
int buf_append_html(buf *b, const char *s, size_t n);
/* One CSV field (RFC 4180): always quoted, quotes doubled, and a leading
 * = + - @ tab or CR neutralised with a quote so that a spreadsheet never
 * runs it as a formula (OWASP CSV injection). NULL is an empty field. */
int buf_put_csv(buf *b, const char *s);
/* NUL-terminated contents (never NULL unless oom); the buffer keeps ownership. */
const char *buf_cstr(buf *b);
/* Gives the memory to the caller; the buffer is empty afterwards. */
char *buf_detach(buf *b, size_t *len);

#endif
