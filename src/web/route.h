/*
 * route.h - maps "METHOD /path" to a handler from a static route table.
 *
 * Patterns are literal segments plus two kinds of placeholder:
 *   {name}  exactly one non-empty path segment (percent-decoded);
 *   {*}     the rest of the path (one or more segments, joined with '/');
 *           it must be the last segment of the pattern.
 * Caveats: literal segments are compared with the decoded path segments, so
 * "/api/%76%31" equals "/api/v1". A path with a trailing slash ("/x/") does
 * not match "/x" (NOT FOUND); only "/" may end in '/'. Parameters point into
 * the request arena and are valid UTF-8 with no NUL, and no '/' except the
 * separators of a {*} match, which never contains "." or ".." segments.
 */
#ifndef FILET_ROUTE_H
#define FILET_ROUTE_H

#include <stddef.h>

#include "lib/arena.h"

#define ROUTE_MAX_PARAMS 4

typedef struct route_match {
    int index;
    size_t nparams;
    const char *params[ROUTE_MAX_PARAMS];
} route_match;

/* patterns: "/", "/healthz", "/static/{*}" (rest of path, may contain '/',
 * must be non-empty), "/api/v1/situations/{id}",
 * "/api/v1/meetings/{id}/calendar.ics". {name} matches exactly one non-empty
 * segment. */
typedef struct route {
    const char *method;
    const char *pattern;
    void *handler;
    unsigned flags; /* meaning left to the caller (web/http.h: ROUTE_PUBLIC...) */
} route;

enum { ROUTE_OK = 0, ROUTE_NOT_FOUND = -1, ROUTE_METHOD_NOT_ALLOWED = -2, ROUTE_BAD_PATH = -3 };

/* Matches method+path against routes[0..n). Path must start with '/', has no
 * query string (caller strips it), is at most 2048 bytes. Segments are
 * percent-decoded with url_decode_segment into arena a (params point there);
 * a segment that fails to decode, or "." / ".." segments, or empty segments
 * ("//") other than a trailing slash on "/" -> ROUTE_BAD_PATH. If the path
 * matches some pattern but not with this method -> ROUTE_METHOD_NOT_ALLOWED
 * and *allow is set to a comma-separated list ("GET, POST") allocated from a
 * (HEAD is accepted wherever GET is, and included in Allow). First matching
 * route wins. Out-of-memory in a is reported as ROUTE_BAD_PATH (fail closed). */
int route_match_path(const route *routes, size_t n, const char *method, const char *path,
                     arena *a, route_match *m, const char **allow);

#endif
