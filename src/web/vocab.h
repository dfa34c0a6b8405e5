/*
 * vocab.h - the English msgids (labels, translated through the catalogues)
 * of the API's vocabulary ids: roles, agency sectors.
 */
#ifndef FILET_VOCAB_H
#define FILET_VOCAB_H

/* Label msgid of an id, or the id itself when unknown. */
const char *vocab_role(const char *id);
const char *vocab_sector(const char *id);

#endif
