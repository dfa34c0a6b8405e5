/*
 * routes.c - the route table: method + path pattern -> handler, and who may
 * come in (flags: web/http.h). First match wins; HEAD is served wherever GET
 * is. Everything not ROUTE_PUBLIC needs a signed-in user; each handler then
 * asks the access policy about the object itself.
 */
#include "web/account.h"
#include "web/action_pages.h"
#include "web/actions.h"
#include "web/admin.h"
#include "web/auditor.h"
#include "web/auth.h"
#include "web/evaluations.h"
#include "web/http.h"
#include "web/indicators.h"
#include "web/meeting_pages.h"
#include "web/meetings.h"
#include "web/pages.h"
#include "web/situation_pages.h"
#include "web/sharing.h"
#include "web/situations.h"

#define P ROUTE_PUBLIC
#define E ROUTE_ENROL

const route app_routes[] = {
    /* foundation */
    {"GET", "/", (void *)page_home, P},
    {"GET", "/healthz", (void *)page_healthz, P},
    {"POST", "/lang", (void *)page_lang, P | E | ROUTE_NOCSRF},
    {"GET", "/static/{*}", (void *)page_static, P | E},
    {"GET", "/api/v1/openapi.json", (void *)page_openapi, P | E},

    /* identity: signing in and out, one's own account */
    {"POST", "/login", (void *)page_login, P | ROUTE_NOCSRF},
    {"POST", "/logout", (void *)page_logout, E},
    {"POST", "/session/refresh", (void *)page_session_refresh, E},
    {"GET", "/account", (void *)page_account, 0},
    {"POST", "/account/password", (void *)page_password, 0},
    {"POST", "/account/sessions/{id}/end", (void *)page_session_end, 0},
    {"GET", "/account/mfa", (void *)page_mfa, E},
    {"POST", "/account/mfa", (void *)page_mfa_confirm, E},
    {"POST", "/api/v1/login", (void *)api_login, P | ROUTE_NOCSRF},
    {"POST", "/api/v1/logout", (void *)api_logout, E},
    {"GET", "/api/v1/me", (void *)api_me, 0},
    {"GET", "/api/v1/sessions", (void *)api_sessions, 0},
    {"DELETE", "/api/v1/sessions/{id}", (void *)api_session_end, 0},
    {"GET", "/api/v1/drafts/{key}", (void *)api_draft, 0},
    {"PUT", "/api/v1/drafts/{key}", (void *)api_draft, 0},
    {"DELETE", "/api/v1/drafts/{key}", (void *)api_draft, 0},

    /* administration: territories, agencies, users (admin.c); each handler
     * asks the policy, so listing agencies stays open to every signed-in user */
    {"GET", "/admin", (void *)page_admin, 0},
    {"POST", "/admin/territories", (void *)page_admin_territory, 0},
    {"POST", "/admin/agencies", (void *)page_admin_agency, 0},
    {"POST", "/admin/users", (void *)page_admin_user, 0},
    {"POST", "/admin/users/{id}/disable", (void *)page_admin_user_disable, 0},
    {"POST", "/admin/users/{id}/enable", (void *)page_admin_user_enable, 0},
    {"POST", "/admin/users/{id}/reset-mfa", (void *)page_admin_user_reset_mfa, 0},
    {"GET", "/api/v1/territories", (void *)api_territories, 0},
    {"POST", "/api/v1/territories", (void *)api_territory_create, 0},
    {"PATCH", "/api/v1/territories/{id}", (void *)api_territory_update, 0},
    {"GET", "/api/v1/agencies", (void *)api_agencies, 0},
    {"POST", "/api/v1/agencies", (void *)api_agency_create, 0},
    {"GET", "/api/v1/users", (void *)api_users, 0},
    {"POST", "/api/v1/users", (void *)api_user_create, 0},
    {"POST", "/api/v1/users/{id}/disable", (void *)api_user_disable, 0},
    {"POST", "/api/v1/users/{id}/enable", (void *)api_user_enable, 0},
    {"POST", "/api/v1/users/{id}/reset-mfa", (void *)api_user_reset_mfa, 0},

    /* the audit trail, for auditors (auditor.c) */
    {"GET", "/audit", (void *)page_audit, 0},
    {"GET", "/audit.csv", (void *)page_audit_csv, 0},
    {"POST", "/audit/verify", (void *)page_audit_verify, 0},
    {"GET", "/api/v1/audit", (void *)api_audit, 0},

    /* situations: referrals, assessments, triage */
    {"GET", "/api/v1/instruments", (void *)api_instruments, 0},
    {"GET", "/api/v1/instruments/{id}", (void *)api_instrument, 0},
    {"POST", "/api/v1/referrals", (void *)api_referrals, 0},
    {"GET", "/api/v1/situations", (void *)api_situations, 0},
    {"GET", "/api/v1/situations/{id}", (void *)api_situation, 0},
    {"POST", "/api/v1/situations/{id}/assessments", (void *)api_assessments, 0},
    {"POST", "/api/v1/situations/{id}/assessments/{aid}/approve", (void *)api_assessment_approve, 0},
    {"POST", "/api/v1/situations/{id}/triage", (void *)api_triage, 0},
    {"POST", "/api/v1/situations/{id}/close", (void *)api_situation_close, 0},
    {"PATCH", "/api/v1/situations/{id}/review", (void *)api_situation_review, 0},
    {"GET", "/api/v1/triage", (void *)api_triage_queue, 0},
    {"GET", "/api/v1/alerts", (void *)api_alerts, 0},

    /* situation pages (situation_pages.c): the list, the referral form, the
     * situation with the coordinator's triage, the one-screen assessment,
     * the triage queue; each handler asks the policy as the API does */
    {"GET", "/situations", (void *)page_situations, 0},
    {"GET", "/referrals/new", (void *)page_referral_new, 0},
    {"POST", "/referrals", (void *)page_referral_create, 0},
    {"GET", "/situations/{id}", (void *)page_situation, 0},
    {"POST", "/situations/{id}/triage", (void *)page_situation_triage, 0},
    {"POST", "/situations/{id}/assessments/{aid}/approve", (void *)page_assessment_approve, 0},
    {"GET", "/situations/{id}/assess", (void *)page_assess, 0},
    {"POST", "/situations/{id}/assess", (void *)page_assess_post, 0},
    {"GET", "/triage", (void *)page_triage, 0},

    /* need-to-know sharing (sharing.c) */
    {"GET", "/api/v1/situations/{id}/participants", (void *)api_participants, 0},
    {"POST", "/api/v1/situations/{id}/participants", (void *)api_participant_add, 0},
    {"PATCH", "/api/v1/situations/{id}/participants/{agency}", (void *)api_participant_end, 0},
    {"GET", "/api/v1/situations/{id}/information", (void *)api_information, 0},
    {"POST", "/api/v1/situations/{id}/information", (void *)api_information_add, 0},
    {"POST", "/api/v1/situations/{id}/exclusions", (void *)api_exclusion_add, 0},
    {"PUT", "/api/v1/situations/{id}/persons/{person}/contact-visibility", (void *)api_contact_visibility, 0},
    {"GET", "/api/v1/disclosures", (void *)api_disclosures, 0},
    {"GET", "/api/v1/legal-bases", (void *)api_legal_bases, 0},

    /* sharing pages (situation_pages.c): information on the situation page,
     * the coordinator's forms, the disclosure register; each handler asks
     * the policy as the API does */
    {"POST", "/situations/{id}/information", (void *)page_information_add, 0},
    {"POST", "/situations/{id}/participants", (void *)page_participant_add, 0},
    {"POST", "/situations/{id}/exclusions", (void *)page_exclusion_add, 0},
    {"POST", "/situations/{id}/persons/{person}/contact-visibility", (void *)page_contact_visibility, 0},
    {"POST", "/situations/{id}/close", (void *)page_situation_close, 0},
    {"GET", "/disclosures", (void *)page_disclosures, 0},

    /* cell meetings (meetings.c): convened by the territory's coordinators,
     * seen by them and the agencies invited; each handler asks the policy */
    {"GET", "/api/v1/meetings", (void *)api_meetings, 0},
    {"POST", "/api/v1/meetings", (void *)api_meeting_create, 0},
    {"GET", "/api/v1/meetings/{id}", (void *)api_meeting, 0},
    {"POST", "/api/v1/meetings/{id}/invitations", (void *)api_meeting_invitation, 0},
    {"POST", "/api/v1/meetings/{id}/agenda", (void *)api_meeting_agenda, 0},
    {"POST", "/api/v1/meetings/{id}/attendance", (void *)api_meeting_attendance, 0},
    {"POST", "/api/v1/meetings/{id}/minutes", (void *)api_meeting_minutes, 0},
    {"GET", "/api/v1/meetings/{id}/calendar.ics", (void *)api_meeting_calendar, 0},

    /* the safety net (actions.c): actions around the persons of a
     * situation, their follow-up, each agency's own list, the suggested
     * actions; each handler asks the policy (OBJ_ACTION) */
    {"POST", "/api/v1/situations/{id}/actions", (void *)api_action_create, 0},
    {"GET", "/api/v1/situations/{id}/actions", (void *)api_situation_actions, 0},
    {"PATCH", "/api/v1/actions/{id}", (void *)api_action_update, 0},
    {"GET", "/api/v1/actions", (void *)api_actions_mine, 0},
    {"GET", "/api/v1/suggested-actions", (void *)api_suggested_actions, 0},

    /* safety-net pages (action_pages.c): the section of the situation page
     * and its forms, each agency's own list; the API's handlers ask the
     * policy (OBJ_ACTION) */
    {"POST", "/situations/{id}/actions", (void *)page_action_create, 0},
    {"POST", "/situations/{id}/actions/{aid}", (void *)page_action_update, 0},
    {"GET", "/actions", (void *)page_actions_mine, 0},

    /* meeting pages (meeting_pages.c): the list and the coordinator's form
     * to convene, the meeting with attendance and agenda, the meeting
     * screen with minutes typed live; each runs the API handler first, so
     * the policy and the rules are the API's */
    {"GET", "/meetings", (void *)page_meetings, 0},
    {"POST", "/meetings", (void *)page_meeting_create, 0},
    {"GET", "/meetings/{id}", (void *)page_meeting, 0},
    {"POST", "/meetings/{id}/attendance", (void *)page_meeting_attendance, 0},
    {"POST", "/meetings/{id}/agenda", (void *)page_meeting_agenda, 0},
    {"GET", "/meetings/{id}/screen", (void *)page_meeting_screen, 0},
    {"POST", "/meetings/{id}/minutes", (void *)page_meeting_minutes, 0},

    /* alerts page and e-mail digest (digest work): entries below */
    {"GET", "/alerts", (void *)page_alerts, 0},
    {"POST", "/api/v1/alerts/{id}/resolve", (void *)api_alert_resolve, 0},
    {"POST", "/alerts/{id}/resolve", (void *)page_alert_resolve, 0},
    {"PATCH", "/api/v1/users/{id}", (void *)api_user_update, 0},

    /* meeting follow-up (research, printable minutes): entries below */
    {"GET", "/api/v1/meetings/{id}/research", (void *)api_meeting_research, 0},
    {"POST", "/api/v1/meetings/{id}/research", (void *)api_meeting_research_add, 0},
    {"POST", "/meetings/{id}/research", (void *)page_meeting_research, 0},
    {"GET", "/meetings/{id}/minutes", (void *)page_meeting_minutes_print, 0},
    {"POST", "/admin/territories/{id}/settings", (void *)page_admin_territory_settings, 0},

    /* indicators and reports: entries below */
    {"GET", "/api/v1/indicators", (void *)api_indicators, 0},
    {"GET", "/indicators", (void *)page_indicators, 0},
    {"GET", "/indicators/report", (void *)page_indicators_report, 0},
    {"GET", "/indicators/{table}", (void *)page_indicators_csv, 0},

    /* practitioner evaluations: entries below */
    {"GET", "/api/v1/evaluations/pending", (void *)api_evaluations_pending, 0},
    {"GET", "/api/v1/evaluations/results", (void *)api_evaluation_results, 0},
    {"POST", "/api/v1/meetings/{id}/evaluation", (void *)api_meeting_evaluation, 0},
    {"GET", "/evaluations", (void *)page_evaluations, 0},
    {"GET", "/evaluations/results", (void *)page_evaluation_results, 0},
    {"GET", "/evaluations/results.csv", (void *)page_evaluation_results_csv, 0},
    {"POST", "/evaluations/{id}", (void *)page_evaluation_answer, 0},
};
const size_t app_routes_count = sizeof(app_routes) / sizeof(app_routes[0]);
