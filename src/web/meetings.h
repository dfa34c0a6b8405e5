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

#endif
