/*
 * vocab.h - the English msgids (labels, translated through the catalogues)
 * of the API's vocabulary ids: roles, agency sectors, categories of
 * information, legal bases, reasons for closing, relationships.
 */
#ifndef FILET_VOCAB_H
#define FILET_VOCAB_H

/* Label msgid of an id, or the id itself when unknown. */
const char *vocab_role(const char *id);
const char *vocab_person_role(const char *id); /* victim, perpetrator, child, ... */
const char *vocab_sector(const char *id);
const char *vocab_category(const char *id);     /* information items */
const char *vocab_basis(const char *id);        /* legal bases, "referrer", "none" */
const char *vocab_close_reason(const char *id); /* closing a situation */
const char *vocab_relationship(const char *id); /* between two persons */
const char *vocab_phase(const char *id);         /* phases of a safety-net action */
const char *vocab_action_status(const char *id); /* statuses of an action */
const char *vocab_meeting_kind(const char *id); /* urgent, scheduled, clinical */

#endif
