/*
 * tmpl.h - small escape-by-default HTML template engine.
 *
 * Templates are compiled once (at start-up) into a tree and rendered against
 * jansson data (json_t), so pages and the JSON API share the same data built
 * by one handler. Syntax (whitespace inside tags is allowed):
 *
 *   {{path}}                 value at path, HTML-escaped (& < > " ')
 *   {{raw path}}             value unescaped - explicit and rare
 *   {{t "msgid" p1 p2}}      translated text, escaped; {1} {2} in the
 *                            translation are replaced by the escaped values
 *   {{#if path}}..{{else}}..{{/if}}        truthiness (see below)
 *   {{#unless path}}..{{/unless}}
 *   {{#eq path "lit"}}..{{else}}..{{/eq}}  string/number equality with a literal
 *   {{#each path}}..{{else}}..{{/each}}    arrays; inside: . @index @number
 *   {{#with path}}..{{/with}}              push an object as the scope
 *   {{> name}}               include another template of the set
 *   {{! comment }}
 *
 * A path is "." or dotted names ("user.name", "@index"); lookup of the first
 * name walks the scope chain outward. Missing and null print nothing.
 * Falsy: missing, null, false, "", 0, empty array, empty object.
 */
#ifndef FILET_TMPL_H
#define FILET_TMPL_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"

typedef struct tmpl_set tmpl_set;

/* Returns the translation of msgid (or msgid itself); never NULL. */
typedef const char *(*tmpl_translate_fn)(void *ctx, const char *msgid);

tmpl_set *tmpl_set_new(void);
void tmpl_set_free(tmpl_set *s);
/* Compiles src under name. On a syntax error returns -1 and writes
 * "name:line: reason" into err. */
int tmpl_set_add(tmpl_set *s, const char *name, const char *src, size_t len,
                 char *err, size_t errlen);
/* Adds every *.html file of dir, named by file name without ".html". */
int tmpl_set_load_dir(tmpl_set *s, const char *dir, char *err, size_t errlen);
int tmpl_set_has(const tmpl_set *s, const char *name);
/* Renders name with data into out. -1 if the template (or an included one)
 * is unknown, includes nest deeper than 32, the render exceeds its work
 * budget (about 4M steps or 64 MiB: no runaway nested loops), or out ran out
 * of memory; out then holds partial output the caller must discard. */
int tmpl_render(const tmpl_set *s, const char *name, json_t *data,
                tmpl_translate_fn tr, void *trctx, buf *out);

#endif
