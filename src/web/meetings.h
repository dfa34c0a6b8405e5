/*
 * meetings.h - cell meetings over the API: convening, invitations, the
 * agenda, attendance with the confidentiality undertaking, quorum,
 * minutes, and an iCalendar invitation without personal data.
 */
#ifndef FILET_MEETINGS_H
#define FILET_MEETINGS_H

#include "web/http.h"

int api_meetings(req *r);
int api_meeting_create(req *r);
int api_meeting(req *r);
int api_meeting_invitation(req *r);
int api_meeting_agenda(req *r);
int api_meeting_attendance(req *r);
int api_meeting_minutes(req *r);
int api_meeting_calendar(req *r);
int api_meeting_research(req *r);
int api_meeting_research_add(req *r);

/* 1 if the caller may do verb (VERB_READ, VERB_CREATE) to the research of
 * meeting mid about situation sid: OBJ_RESEARCH with the facts from the
 * store (the meeting's territory, the caller's agency invited, the
 * caller's participation in and exclusion from the situation). When
 * starts_at is not NULL it receives the meeting's start time (arena). */
int research_allowed(req *r, const char *mid, const char *sid, policy_verb verb, const char **starts_at);

#endif
