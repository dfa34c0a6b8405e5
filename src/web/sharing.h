/*
 * sharing.h - need-to-know sharing: participants, information with its
 * legal basis (and decisions not to share), exclusions, contact-field
 * visibility, the disclosure register, the legal bases explained.
 */
#ifndef FILET_SHARING_H
#define FILET_SHARING_H

#include "web/http.h"

int api_participants(req *r);
int api_participant_add(req *r);
int api_participant_end(req *r);
int api_information(req *r);
int api_information_add(req *r);
int api_exclusion_add(req *r);
int api_contact_visibility(req *r);
int api_disclosures(req *r);
int api_legal_bases(req *r);

/* The items of a situation as the caller may see them (values of items
 * they may not read replaced by who to ask). New reference or NULL. */
json_t *information_view(req *r, const char *situation_id);
/* Shares (or records a decision not to share) from a JSON body; the
 * caller has checked that r may contribute to the situation. errors: as
 * referral_create. */
int information_create(req *r, const char *situation_id, json_t *body, json_t *errors, json_t **out);
/* The same for research: the item is marked with meeting_id; the caller
 * has checked the research policy and that the situation is on the
 * meeting's agenda. */
int research_create(req *r, const char *situation_id, const char *meeting_id, json_t *body, json_t *errors,
                    json_t **out);
/* The research of meeting_id about situation_id as the caller may see it
 * (NULL meeting_id: every item of the situation, as information_view). */
json_t *research_view(req *r, const char *meeting_id, const char *situation_id);
/* The legal bases explained in r's language: [{id, explanation, law}]
 * (data/legal-bases.json). New reference, or NULL. */
json_t *legal_bases(req *r);

#endif
