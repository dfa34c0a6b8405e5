/*
 * arena.h - per-request bump allocator.
 *
 * Everything a request allocates comes from one arena that is freed in one
 * place when the request ends (lwan's way). Allocation never aborts: on
 * out-of-memory the functions return NULL and the caller answers 5xx.
 */
#ifndef FILET_ARENA_H
#define FILET_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena;

arena *arena_new(size_t block_size);
void arena_free(arena *a);
void *arena_alloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap);

#endif
