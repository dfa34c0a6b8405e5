/*
 * admin.h - administration of territories, agencies and users: the JSON API
 * and the /admin pages. Only an admin may write (the access policy decides,
 * core/policy.c); every signed-in user may list territories and agencies.
 */
#ifndef FILET_ADMIN_H
#define FILET_ADMIN_H

#include "web/http.h"

/* API */
int api_territories(req *r);
int api_territory_create(req *r);
int api_territory_update(req *r);
int api_agencies(req *r);
int api_agency_create(req *r);
int api_users(req *r);
int api_user_create(req *r);
int api_user_update(req *r);
int api_user_disable(req *r);
int api_user_enable(req *r);
int api_user_reset_mfa(req *r);

/* Pages */
int page_admin(req *r);
int page_admin_territory(req *r);
int page_admin_territory_settings(req *r);
int page_admin_agency(req *r);
int page_admin_user(req *r);
int page_admin_user_disable(req *r);
int page_admin_user_enable(req *r);
int page_admin_user_reset_mfa(req *r);

#endif
