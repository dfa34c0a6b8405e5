/*
 * alertkind.h - the kinds of alert (computed and stored), in the order the
 * alerts page and the e-mail digest show them (the most pressing first),
 * with their English label msgids (translated through the catalogues).
 * Pure: no I/O.
 */
#ifndef FILET_ALERTKIND_H
#define FILET_ALERTKIND_H

#include <stddef.h>

/* The known kinds, NULL-terminated, in display order. */
extern const char *const alert_kinds[];

/* The label msgid of a kind, or the kind itself when unknown. */
const char *alert_kind_label(const char *kind);
/* A short explanation msgid of a kind ("" when unknown). */
const char *alert_kind_help(const char *kind);
/* The kind's position in alert_kinds; unknown kinds come after all. */
size_t alert_kind_rank(const char *kind);

#endif
