/*
 * meeting_pages.h - the HTML pages of the cell meetings: the list with the
 * coordinator's form to convene one, the meeting (invited agencies,
 * quorum, attendance with the confidentiality undertaking, the agenda,
 * printable), and the meeting screen for a projector (one situation at a
 * time, information by agency, a timer, minutes typed live). They sit on
 * the JSON API's handlers (web/meetings.h).
 */
#ifndef FILET_MEETING_PAGES_H
#define FILET_MEETING_PAGES_H

#include "web/http.h"

int page_meetings(req *r);
int page_meeting_create(req *r);
int page_meeting(req *r);
int page_meeting_attendance(req *r);
int page_meeting_agenda(req *r);
int page_meeting_screen(req *r);
int page_meeting_minutes(req *r);
int page_meeting_research(req *r);
int page_meeting_minutes_print(req *r);

#endif
