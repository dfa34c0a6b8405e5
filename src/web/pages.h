/*
 * pages.h - handlers of the foundation's pages.
 */
#ifndef FILET_PAGES_H
#define FILET_PAGES_H

#include "web/http.h"

int page_home(req *r);
int page_healthz(req *r);
int page_lang(req *r);
int page_static(req *r);
int page_openapi(req *r);

#endif
