/*
 * action_pages.h - the pages of the safety net (issue 6), on the same
 * functions as the JSON API (web/actions.h): the "Safety net" section of
 * the situation page with its forms, and each agency's own list.
 */
#ifndef FILET_ACTION_PAGES_H
#define FILET_ACTION_PAGES_H

#include <jansson.h>

#include "web/http.h"

/* Adds "safety_net" (the section of web/templates/situation_actions.html)
 * to the data d of the situation page of sid; 0, or -1 on failure. Adds
 * nothing when the caller may not list the actions. */
int action_pages_section(req *r, json_t *d, const char *sid);
/* POST /situations/{id}/actions: add an action, or ("suggest") show the
 * suggested actions of the chosen phase. */
int page_action_create(req *r);
/* POST /situations/{id}/actions/{aid}: status and note (api_action_update). */
int page_action_update(req *r);
/* GET /actions: the caller's agency's actions, overdue first. */
int page_actions_mine(req *r);

/* The options of a "new action" form (here and on the meeting screen): the
 * phases, and the agencies of territory_id that may own it ("Name
 * (sector)"); chosen is selected. New references; the owners NULL on a
 * store failure. */
json_t *action_phase_options(req *r, const char *chosen);
json_t *action_owner_options(req *r, const char *territory_id, const char *chosen);

#endif
