/*
 * rekey.c - encrypted values still under an old key, and their in-place
 * replacement; see rekey.h. All statements are constant and bind their
 * parameters: ?1 keep_prefix and ?2 limit in the SELECTs, ?1 the new value
 * and ?2 (?3) the row's key(s) in the UPDATEs.
 */
#include "store/rekey.h"

#include <sqlite3.h>

#include "store/sqlutil.h"

/* One encrypted column. select returns (k1, k2 or NULL, value) of the rows
 * to re-encrypt, in key order; update replaces the value of one row. */
typedef struct rekey_column {
    const char *name;   /* table.column */
    const char *object; /* audit object type */
    const char *aad;    /* AAD prefix: "<aad>:<k1>[:<k2>]" */
    int keys;           /* 1 or 2 */
    const char *select;
    const char *update;
} rekey_column;

/* THE REGISTRY: every encrypted column, with the AAD its writer binds
 * (src/web/account.c, src/web/situations.c, src/web/sharing.c...). A new encrypted column
 * needs one entry here, nothing else in rekey. */
static const rekey_column columns[] = {
    {"users.totp_secret_enc", "user", "users.totp", 1,
     "SELECT id, NULL, totp_secret_enc FROM users WHERE totp_secret_enc IS NOT NULL AND totp_secret_enc <> '' "
     "AND substr(totp_secret_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE users SET totp_secret_enc = ?1 WHERE id = ?2"},
    {"drafts.body", "draft", "drafts", 2,
     "SELECT user_id, form_key, body FROM drafts WHERE body IS NOT NULL AND body <> '' "
     "AND substr(body, 1, length(?1)) <> ?1 ORDER BY user_id, form_key LIMIT ?2",
     "UPDATE drafts SET body = ?1 WHERE user_id = ?2 AND form_key = ?3"},
    {"persons.given_name_enc", "person", "persons.given", 1,
     "SELECT id, NULL, given_name_enc FROM persons WHERE given_name_enc IS NOT NULL AND given_name_enc <> '' "
     "AND substr(given_name_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE persons SET given_name_enc = ?1 WHERE id = ?2"},
    {"persons.family_name_enc", "person", "persons.family", 1,
     "SELECT id, NULL, family_name_enc FROM persons WHERE family_name_enc IS NOT NULL AND family_name_enc <> '' "
     "AND substr(family_name_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE persons SET family_name_enc = ?1 WHERE id = ?2"},
    {"persons.birth_date_enc", "person", "persons.birth", 1,
     "SELECT id, NULL, birth_date_enc FROM persons WHERE birth_date_enc IS NOT NULL AND birth_date_enc <> '' "
     "AND substr(birth_date_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE persons SET birth_date_enc = ?1 WHERE id = ?2"},
    {"situations.summary_enc", "situation", "situations.summary", 1,
     "SELECT id, NULL, summary_enc FROM situations WHERE summary_enc IS NOT NULL AND summary_enc <> '' "
     "AND substr(summary_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE situations SET summary_enc = ?1 WHERE id = ?2"},
    {"situations.consent_scope_enc", "situation", "situations.consent_scope", 1,
     "SELECT id, NULL, consent_scope_enc FROM situations WHERE consent_scope_enc IS NOT NULL "
     "AND consent_scope_enc <> '' AND substr(consent_scope_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE situations SET consent_scope_enc = ?1 WHERE id = ?2"},
    {"situations.consent_conditions_enc", "situation", "situations.consent_conditions", 1,
     "SELECT id, NULL, consent_conditions_enc FROM situations WHERE consent_conditions_enc IS NOT NULL "
     "AND consent_conditions_enc <> '' AND substr(consent_conditions_enc, 1, length(?1)) <> ?1 "
     "ORDER BY id LIMIT ?2",
     "UPDATE situations SET consent_conditions_enc = ?1 WHERE id = ?2"},
    {"situations.justification_enc", "situation", "situations.justification", 1,
     "SELECT id, NULL, justification_enc FROM situations WHERE justification_enc IS NOT NULL "
     "AND justification_enc <> '' AND substr(justification_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE situations SET justification_enc = ?1 WHERE id = ?2"},
    {"situations.triage_reason_enc", "situation", "situations.triage_reason", 1,
     "SELECT id, NULL, triage_reason_enc FROM situations WHERE triage_reason_enc IS NOT NULL "
     "AND triage_reason_enc <> '' AND substr(triage_reason_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE situations SET triage_reason_enc = ?1 WHERE id = ?2"},
    {"situations.closure_notes_enc", "situation", "situations.closure_notes", 1,
     "SELECT id, NULL, closure_notes_enc FROM situations WHERE closure_notes_enc IS NOT NULL "
     "AND closure_notes_enc <> '' AND substr(closure_notes_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE situations SET closure_notes_enc = ?1 WHERE id = ?2"},
    {"situations.transfer_note_enc", "situation", "situations.transfer_note", 1,
     "SELECT id, NULL, transfer_note_enc FROM situations WHERE transfer_note_enc IS NOT NULL "
     "AND transfer_note_enc <> '' AND substr(transfer_note_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE situations SET transfer_note_enc = ?1 WHERE id = ?2"},
    {"situation_persons.due_date_enc", "situation_person", "situation_persons.due", 2,
     "SELECT situation_id, person_id, due_date_enc FROM situation_persons WHERE due_date_enc IS NOT NULL "
     "AND due_date_enc <> '' AND substr(due_date_enc, 1, length(?1)) <> ?1 "
     "ORDER BY situation_id, person_id LIMIT ?2",
     "UPDATE situation_persons SET due_date_enc = ?1 WHERE situation_id = ?2 AND person_id = ?3"},
    {"situation_persons.safe_address_enc", "situation_person", "situation_persons.address", 2,
     "SELECT situation_id, person_id, safe_address_enc FROM situation_persons WHERE safe_address_enc IS NOT NULL "
     "AND safe_address_enc <> '' AND substr(safe_address_enc, 1, length(?1)) <> ?1 "
     "ORDER BY situation_id, person_id LIMIT ?2",
     "UPDATE situation_persons SET safe_address_enc = ?1 WHERE situation_id = ?2 AND person_id = ?3"},
    {"situation_persons.safe_phone_enc", "situation_person", "situation_persons.phone", 2,
     "SELECT situation_id, person_id, safe_phone_enc FROM situation_persons WHERE safe_phone_enc IS NOT NULL "
     "AND safe_phone_enc <> '' AND substr(safe_phone_enc, 1, length(?1)) <> ?1 "
     "ORDER BY situation_id, person_id LIMIT ?2",
     "UPDATE situation_persons SET safe_phone_enc = ?1 WHERE situation_id = ?2 AND person_id = ?3"},
    {"assessments.judgement_reason_enc", "assessment", "assessments.judgement", 1,
     "SELECT id, NULL, judgement_reason_enc FROM assessments WHERE judgement_reason_enc IS NOT NULL "
     "AND judgement_reason_enc <> '' AND substr(judgement_reason_enc, 1, length(?1)) <> ?1 "
     "ORDER BY id LIMIT ?2",
     "UPDATE assessments SET judgement_reason_enc = ?1 WHERE id = ?2"},
    {"participations.justification_enc", "participation", "participations.justification", 2,
     "SELECT situation_id, agency_id, justification_enc FROM participations WHERE justification_enc IS NOT NULL "
     "AND justification_enc <> '' AND substr(justification_enc, 1, length(?1)) <> ?1 "
     "ORDER BY situation_id, agency_id LIMIT ?2",
     "UPDATE participations SET justification_enc = ?1 WHERE situation_id = ?2 AND agency_id = ?3"},
    {"information.content_enc", "information", "information.content", 1,
     "SELECT id, NULL, content_enc FROM information WHERE content_enc IS NOT NULL AND content_enc <> '' "
     "AND substr(content_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE information SET content_enc = ?1 WHERE id = ?2"},
    {"information.reason_enc", "information", "information.reason", 1,
     "SELECT id, NULL, reason_enc FROM information WHERE reason_enc IS NOT NULL AND reason_enc <> '' "
     "AND substr(reason_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE information SET reason_enc = ?1 WHERE id = ?2"},
    {"information.justification_enc", "information", "information.justification", 1,
     "SELECT id, NULL, justification_enc FROM information WHERE justification_enc IS NOT NULL "
     "AND justification_enc <> '' AND substr(justification_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE information SET justification_enc = ?1 WHERE id = ?2"},
    {"exclusions.reason_enc", "exclusion", "exclusions.reason", 2,
     "SELECT situation_id, user_id, reason_enc FROM exclusions WHERE reason_enc IS NOT NULL AND reason_enc <> '' "
     "AND substr(reason_enc, 1, length(?1)) <> ?1 ORDER BY situation_id, user_id LIMIT ?2",
     "UPDATE exclusions SET reason_enc = ?1 WHERE situation_id = ?2 AND user_id = ?3"},
    {"meetings.place_enc", "meeting", "meetings.place", 1,
     "SELECT id, NULL, place_enc FROM meetings WHERE place_enc IS NOT NULL AND place_enc <> '' "
     "AND substr(place_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE meetings SET place_enc = ?1 WHERE id = ?2"},
    {"minutes.text_enc", "minutes", "minutes.text", 2,
     "SELECT meeting_id, situation_id, text_enc FROM minutes WHERE text_enc IS NOT NULL AND text_enc <> '' "
     "AND substr(text_enc, 1, length(?1)) <> ?1 ORDER BY meeting_id, situation_id LIMIT ?2",
     "UPDATE minutes SET text_enc = ?1 WHERE meeting_id = ?2 AND situation_id = ?3"},
    {"minutes.decisions_enc", "minutes", "minutes.decisions", 2,
     "SELECT meeting_id, situation_id, decisions_enc FROM minutes WHERE decisions_enc IS NOT NULL "
     "AND decisions_enc <> '' AND substr(decisions_enc, 1, length(?1)) <> ?1 "
     "ORDER BY meeting_id, situation_id LIMIT ?2",
     "UPDATE minutes SET decisions_enc = ?1 WHERE meeting_id = ?2 AND situation_id = ?3"},
    {"actions.title_enc", "action", "actions.title", 1,
     "SELECT id, NULL, title_enc FROM actions WHERE title_enc IS NOT NULL AND title_enc <> '' "
     "AND substr(title_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE actions SET title_enc = ?1 WHERE id = ?2"},
    {"actions.blocked_reason_enc", "action", "actions.blocked_reason", 1,
     "SELECT id, NULL, blocked_reason_enc FROM actions WHERE blocked_reason_enc IS NOT NULL "
     "AND blocked_reason_enc <> '' AND substr(blocked_reason_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE actions SET blocked_reason_enc = ?1 WHERE id = ?2"},
    {"action_notes.text_enc", "action_note", "action_notes.text", 1,
     "SELECT id, NULL, text_enc FROM action_notes WHERE text_enc IS NOT NULL AND text_enc <> '' "
     "AND substr(text_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE action_notes SET text_enc = ?1 WHERE id = ?2"},
    /* src/web/evaluations.c: the anonymous questionnaire's free comment */
    {"evaluation_responses.comment_enc", "evaluation_response", "evaluation_responses.comment", 1,
     "SELECT id, NULL, comment_enc FROM evaluation_responses WHERE comment_enc IS NOT NULL AND comment_enc <> '' "
     "AND substr(comment_enc, 1, length(?1)) <> ?1 ORDER BY id LIMIT ?2",
     "UPDATE evaluation_responses SET comment_enc = ?1 WHERE id = ?2"},
};

#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))

static const char *col_text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? (const char *)t : "";
}

static const char *col_or_null(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? (const char *)t : NULL;
}

size_t store_rekey_column_count(void)
{
    return N_COLUMNS;
}

const char *store_rekey_column_name(size_t i)
{
    return i < N_COLUMNS ? columns[i].name : NULL;
}

const char *store_rekey_column_aad(size_t i)
{
    return i < N_COLUMNS ? columns[i].aad : NULL;
}

const char *store_rekey_column_object(size_t i)
{
    return i < N_COLUMNS ? columns[i].object : NULL;
}

int store_rekey_column_each(store_conn *c, size_t i, const char *keep_prefix, long limit,
                            int (*fn)(void *ctx, const char *k1, const char *k2, const char *enc),
                            void *ctx)
{
    sqlite3_stmt *st;
    if (i >= N_COLUMNS)
        return STORE_NOTFOUND;
    int rc = sql_prepare(c, columns[i].select, &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, keep_prefix);
    sqlite3_bind_int64(st, 2, limit > 0 ? limit : 1);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *k2 = columns[i].keys == 2 ? col_text(st, 1) : NULL;
        if (fn(ctx, col_text(st, 0), k2, col_text(st, 2)))
            break;
    }
    rc = (s == SQLITE_ROW || s == SQLITE_DONE) ? STORE_OK : sql_rc(c->db, s, columns[i].name);
    sqlite3_finalize(st);
    return rc;
}

int store_rekey_column_set(store_conn *c, size_t i, const char *k1, const char *k2, const char *enc)
{
    sqlite3_stmt *st;
    if (i >= N_COLUMNS || (columns[i].keys == 2 && !k2))
        return STORE_NOTFOUND;
    int rc = sql_prepare(c, columns[i].update, &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, enc, k1);
    if (columns[i].keys == 2)
        sql_bind_texts(st, 3, 1, k2);
    return sql_exec_changed(c, st, columns[i].name);
}

int store_rekey_persons_each(store_conn *c, const char *keep_key_id, long limit,
                             int (*fn)(void *ctx, const char *id, const char *given_enc,
                                       const char *family_enc, const char *birth_enc),
                             void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT id, given_name_enc, family_name_enc, birth_date_enc FROM persons "
                            "WHERE match_hash IS NOT NULL AND match_hash <> '' "
                            "AND match_key_id IS NOT ?1 ORDER BY id LIMIT ?2", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, keep_key_id);
    sqlite3_bind_int64(st, 2, limit > 0 ? limit : 1);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, col_text(st, 0), col_or_null(st, 1), col_or_null(st, 2), col_or_null(st, 3)))
            break;
    rc = (s == SQLITE_ROW || s == SQLITE_DONE) ? STORE_OK : sql_rc(c->db, s, "rekey_persons_each");
    sqlite3_finalize(st);
    return rc;
}

int store_rekey_person_match(store_conn *c, const char *id, const char *hash, const char *key_id)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "UPDATE persons SET match_hash = ?1, match_key_id = ?2 WHERE id = ?3", &st);
    if (rc)
        return rc;
    sql_bind_text_or_null(st, 1, hash);
    sql_bind_text_or_null(st, 2, hash && *hash ? key_id : NULL);
    sql_bind_texts(st, 3, 1, id);
    return sql_exec_changed(c, st, "rekey_person_match");
}
