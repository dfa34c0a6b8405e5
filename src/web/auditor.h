/*
 * auditor.h - reading the audit trail: the JSON API, the /audit page with
 * its filters, the CSV export and the verification of the hash chain.
 * Auditors only (the access policy decides); every reading is recorded.
 */
#ifndef FILET_AUDITOR_H
#define FILET_AUDITOR_H

#include "web/http.h"

int api_audit(req *r);
int page_audit(req *r);
int page_audit_csv(req *r);
int page_audit_verify(req *r);

#endif
