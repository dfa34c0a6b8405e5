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

/* The meeting screen's quick "new action" form posts to
 * POST /situations/{sid}/actions (action_pages.c) with the minutes form's
 * fields and meeting_id. When f comes from the screen of a meeting the
 * caller runs, with sid on its agenda: keep_minutes saves the minutes
 * typed (if they differ from the saved ones) as the caller's draft, so
 * nothing typed is lost; action_answer then answers 201 with the screen
 * again (its draft shown) and 422 with the screen, the message and what
 * was typed. action_answer returns 1 when f is not from such a screen
 * (the caller answers as usual). */
int meeting_screen_keep_minutes(req *r, const char *sid, const form *f);
int meeting_screen_action_answer(req *r, const char *sid, const form *f, int status, const char *error);

#endif
