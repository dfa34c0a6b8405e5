/*
 * evaluations.h - the practitioners' evaluations after cell meetings
 * (issue 7): the questionnaire each attendee answers once, anonymously,
 * and the territory's results (counts only, small counts suppressed) side
 * by side with the reference study's figures.
 *
 * Who answers (the attendee rule): a user with a cell role (coordinator,
 * representative, practitioner) whose own agency is recorded present on
 * the meeting's attendance (with the confidentiality undertaking), from the
 * meeting's start until EVALUATION_WINDOW_DAYS days after it, once. The
 * attendance names agencies, not persons, so every cell user of an agency
 * present may answer; a coordinator whose agency is not recorded present
 * does not.
 */
#ifndef FILET_WEB_EVALUATIONS_H
#define FILET_WEB_EVALUATIONS_H

#include "web/http.h"

/* GET /api/v1/evaluations/pending, POST /api/v1/meetings/{id}/evaluation,
 * GET /api/v1/evaluations/results?territory=&from=&to= */
int api_evaluations_pending(req *r);
int api_meeting_evaluation(req *r);
int api_evaluation_results(req *r);

/* GET /evaluations, POST /evaluations/{id}, GET /evaluations/results,
 * GET /evaluations/results.csv */
int page_evaluations(req *r);
int page_evaluation_answer(req *r);
int page_evaluation_results(req *r);
int page_evaluation_results_csv(req *r);

/* The months of a period: from and to are "YYYY-MM" or "YYYY-MM-DD" (their
 * month is taken: answers are kept by the month of the meeting, never a
 * finer time), NULL or "" for the default (to: this month; from: 11 months
 * before to). 0 and the months in fm and tm; -1 when one is not valid or
 * from is after to. */
int evaluation_period(const char *from, const char *to, char fm[8], char tm[8]);

/* The results of territory_id (NULL: every territory) for the meetings of
 * the period (as evaluation_period), counts only and suppressed, without
 * the comments: {"territory_id", "from", "to", "questionnaire": {"id",
 * "version"}, "min_shown", "responses", "statements": [{"id", "text",
 * "answers", "agree", "distribution": [5 counts], "agree_pct",
 * "reference_pct"}], "reference"}. A count is an integer, or "<5" from 1
 * to 4; agree_pct is null from fewer than 5 answers, reference_pct when the
 * study gave none. Texts in the request's language. The caller checks the
 * policy (OBJ_EVALUATION_RESULTS) and audits the read. New reference, or
 * NULL on an invalid period or an internal error. */
json_t *evaluation_results_json(req *r, const char *territory_id, const char *from, const char *to);

/* What the evaluation_table template shows of res (evaluation_results_json):
 * rows (text, answers, agree, pct, suppressed, reference, has_reference),
 * responses, reference, from, to; set in d, in the request's language. */
void evaluation_results_view(req *r, json_t *res, json_t *d);

/* Where the navigation's "Evaluations" link goes for the caller:
 * "/evaluations" when questionnaires wait for them, else
 * "/evaluations/results" when they may read their territory's results,
 * else NULL (no link). */
const char *evaluation_nav(req *r);

#endif
