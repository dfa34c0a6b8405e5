/*
 * account.h - a user's own account pages and API.
 */
#ifndef FILET_ACCOUNT_H
#define FILET_ACCOUNT_H

#include "web/http.h"

int page_account(req *r);
int api_sessions(req *r);
int page_session_end(req *r);
int api_session_end(req *r);
int page_password(req *r);
int page_mfa(req *r);
int page_mfa_confirm(req *r);
int api_draft(req *r);

#endif
