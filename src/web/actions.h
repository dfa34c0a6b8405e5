/*
 * actions.h - the safety net (issue 6): actions around the persons of a
 * situation, their follow-up, each agency's own list, and the suggested
 * actions per phase and sector (data/suggested-actions.json). API only.
 */
#ifndef FILET_ACTIONS_H
#define FILET_ACTIONS_H

#include "web/http.h"

/* POST /api/v1/situations/{id}/actions {title, phase, protects, owner_agency_id, due_on?, owner_user_id?} */
int api_action_create(req *r);
/* GET /api/v1/situations/{id}/actions: the safety net, per protected person. */
int api_situation_actions(req *r);
/* PATCH /api/v1/actions/{id} {status?, note?, reason?, version} */
int api_action_update(req *r);
/* GET /api/v1/actions?mine=1: the caller's agency's actions, overdue first. */
int api_actions_mine(req *r);
/* GET /api/v1/suggested-actions?phase=&sector= */
int api_suggested_actions(req *r);

/* 1 if phase is one of the action phases of API.md. */
int action_phase_valid(const char *phase);

#endif
