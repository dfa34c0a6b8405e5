/*
 * situation_pages.h - the HTML pages of the situations: the list, the
 * referral form, the situation page (triage and approvals for the
 * coordinator), the one-screen risk assessment and the triage queue; on
 * the situation, need-to-know sharing (information with its legal basis,
 * the coordinator's participants, exclusions, contact visibility and
 * closure) and the disclosure register. They sit on the same functions as
 * the JSON API (web/situations.h, web/sharing.h).
 */
#ifndef FILET_SITUATION_PAGES_H
#define FILET_SITUATION_PAGES_H

#include "web/http.h"

int page_situations(req *r);
int page_referral_new(req *r);
int page_referral_create(req *r);
int page_situation(req *r);
int page_situation_triage(req *r);
int page_assessment_approve(req *r);
int page_assess(req *r);
int page_assess_post(req *r);
int page_triage(req *r);
/* GET /alerts: the caller's alerts, grouped by kind. */
int page_alerts(req *r);
int page_alert_resolve(req *r);
int page_information_add(req *r);
int page_participant_add(req *r);
int page_exclusion_add(req *r);
int page_contact_visibility(req *r);
int page_situation_close(req *r);
int page_disclosures(req *r);

#endif
