/*
 * indicators.h - a territory's indicators: the JSON API, the page, the
 * CSV of every table and the printable annual report (issue 7).
 */
#ifndef FILET_WEB_INDICATORS_H
#define FILET_WEB_INDICATORS_H

#include "web/http.h"

int api_indicators(req *r);
int page_indicators(req *r);
int page_indicators_csv(req *r);
int page_indicators_report(req *r);

/* Called last while the annual report's data is built, with its scope
 * (territory_id NULL: all territories; the period [from, to_excl) as
 * YYYY-MM-DD): the place to add more sections (the practitioner
 * evaluations) to data. 0, or -1 on failure. */
int indicators_report_more(req *r, const char *territory_id, const char *from, const char *to_excl, json_t *data);

#endif
