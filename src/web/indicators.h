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


#endif
