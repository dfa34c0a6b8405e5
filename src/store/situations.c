/*
 * situations.c - SQL for situations and what hangs on them; see
 * situations.h. Every statement binds its parameters.
 */
#include "store/situations.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "lib/id.h"
#include "store/sqlutil.h"

static void now_text(char *out, size_t n)
{
    time_rfc3339(clock_now(), out, n);
}

int store_territory_settings_get(store_conn *c, const char *territory_id, store_territory_settings *out)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT escalation_threshold, target_urgent_hours, target_conference_hours, "
                            "target_clinical_hours, retention_months, meeting_quorum, adult_women FROM territories WHERE id = ?",
                         &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, territory_id);
    int s = sqlite3_step(st);
    memset(out, 0, sizeof(*out));
    if (s == SQLITE_ROW) {
        out->escalation_threshold = sqlite3_column_int(st, 0);
        out->target_hours[0] = sqlite3_column_int(st, 1);
        out->target_hours[1] = sqlite3_column_int(st, 2);
        out->target_hours[2] = sqlite3_column_int(st, 3);
        out->retention_months = sqlite3_column_int(st, 4);
        out->meeting_quorum = sqlite3_column_int(st, 5);
        out->adult_women = sqlite3_column_type(st, 6) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 6);
        rc = STORE_OK;
    } else {
        rc = s == SQLITE_DONE ? STORE_NOTFOUND : sql_rc(c->db, s, "territory_settings");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_territory_settings_set(store_conn *c, const char *territory_id, const store_territory_settings *in)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "UPDATE territories SET escalation_threshold = ?, target_urgent_hours = ?, "
                            "target_conference_hours = ?, target_clinical_hours = ?, retention_months = ?, "
                            "meeting_quorum = ?, adult_women = ?, version = version + 1 WHERE id = ?", &st);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, in->escalation_threshold);
    for (int i = 0; i < 3; i++)
        sqlite3_bind_int64(st, 2 + i, in->target_hours[i]);
    sqlite3_bind_int(st, 5, in->retention_months);
    sqlite3_bind_int(st, 6, in->meeting_quorum);
    if (in->adult_women > 0)
        sqlite3_bind_int64(st, 7, in->adult_women);
    else
        sqlite3_bind_null(st, 7);
    sql_bind_texts(st, 8, 1, territory_id);
    return sql_exec_changed(c, st, "territory_settings_set");
}

int store_person_add(store_conn *c, const char *id, const char *given_enc, const char *family_enc,
                     const char *birth_enc, const char *match_hash, const char *match_key_id)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "INSERT INTO persons(id, given_name_enc, family_name_enc, birth_date_enc, "
                            "match_hash, match_key_id, created_at) VALUES (?,?,?,?,?,?,?)", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 1, id);
    sql_bind_text_or_null(st, 2, given_enc);
    sql_bind_text_or_null(st, 3, family_enc);
    sql_bind_text_or_null(st, 4, birth_enc);
    sql_bind_text_or_null(st, 5, match_hash);
    sql_bind_text_or_null(st, 6, match_key_id);
    sql_bind_texts(st, 7, 1, now);
    return sql_exec_done(c, st, "person_add");
}

int store_person_by_match(store_conn *c, const char *match_hash, char id[STORE_ID_LEN + 1])
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT id FROM persons WHERE match_hash = ? ORDER BY created_at LIMIT 1", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, match_hash);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        sql_col(st, 0, id, STORE_ID_LEN + 1);
        rc = STORE_OK;
    } else {
        rc = s == SQLITE_DONE ? STORE_NOTFOUND : sql_rc(c->db, s, "person_by_match");
    }
    sqlite3_finalize(st);
    return rc;
}

#define SITUATION_COLS "id, territory_id, referring_agency_id, referring_user_id, status, summary_enc, " \
    "consent_status, consent_scope_enc, consent_conditions_enc, consent_excluded_sectors, legal_basis, " \
    "justification_enc, perpetrator_unknown, repeat_of, COALESCE(incidents_12m, -1), mental_health, " \
    "addiction, child_maltreatment, separation, release_from_custody, court_date, imminent_threat, " \
    "triage_route, triage_reason_enc, triaged_at, created_at, updated_at, version"

static void situation_row(arena *a, sqlite3_stmt *st, store_situation *s)
{
    memset(s, 0, sizeof(*s));
    sql_col(st, 0, s->id, sizeof(s->id));
    sql_col(st, 1, s->territory_id, sizeof(s->territory_id));
    sql_col(st, 2, s->referring_agency_id, sizeof(s->referring_agency_id));
    sql_col(st, 3, s->referring_user_id, sizeof(s->referring_user_id));
    sql_col(st, 4, s->status, sizeof(s->status));
    s->summary_enc = sql_col_a(a, st, 5);
    sql_col(st, 6, s->consent_status, sizeof(s->consent_status));
    s->consent_scope_enc = sql_col_a(a, st, 7);
    s->consent_conditions_enc = sql_col_a(a, st, 8);
    s->consent_excluded_sectors = sql_col_a(a, st, 9);
    sql_col(st, 10, s->legal_basis, sizeof(s->legal_basis));
    s->justification_enc = sql_col_a(a, st, 11);
    s->perpetrator_unknown = sqlite3_column_int(st, 12);
    s->repeat_of = sql_col_a(a, st, 13);
    s->incidents_12m = sqlite3_column_int(st, 14);
    s->mental_health = sqlite3_column_int(st, 15);
    s->addiction = sqlite3_column_int(st, 16);
    s->child_maltreatment = sqlite3_column_int(st, 17);
    s->separation = sqlite3_column_int(st, 18);
    s->release_from_custody = sqlite3_column_int(st, 19);
    s->court_date = sqlite3_column_int(st, 20);
    s->imminent_threat = sqlite3_column_int(st, 21);
    s->triage_route = sql_col_a(a, st, 22);
    s->triage_reason_enc = sql_col_a(a, st, 23);
    s->triaged_at = sql_col_a(a, st, 24);
    s->created_at = sql_col_a(a, st, 25);
    s->updated_at = sql_col_a(a, st, 26);
    s->version = sqlite3_column_int64(st, 27);
}

int store_situation_add(store_conn *c, const store_situation *s)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "INSERT INTO situations(id, territory_id, referring_agency_id, referring_user_id, "
                            "status, summary_enc, consent_status, consent_scope_enc, consent_conditions_enc, "
                            "consent_excluded_sectors, legal_basis, justification_enc, perpetrator_unknown, "
                            "repeat_of, incidents_12m, mental_health, addiction, child_maltreatment, separation, "
                            "release_from_custody, court_date, imminent_threat, created_at, updated_at) "
                            "VALUES (?,?,?,?,'referred',?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 6, s->id, s->territory_id, s->referring_agency_id, s->referring_user_id,
                   s->summary_enc, s->consent_status);
    sql_bind_text_or_null(st, 7, s->consent_scope_enc);
    sql_bind_text_or_null(st, 8, s->consent_conditions_enc);
    sql_bind_texts(st, 9, 2, s->consent_excluded_sectors ? s->consent_excluded_sectors : "", s->legal_basis);
    sql_bind_text_or_null(st, 11, s->justification_enc);
    sqlite3_bind_int(st, 12, s->perpetrator_unknown);
    sql_bind_text_or_null(st, 13, s->repeat_of);
    if (s->incidents_12m >= 0)
        sqlite3_bind_int(st, 14, s->incidents_12m);
    else
        sqlite3_bind_null(st, 14);
    int flags[] = {s->mental_health, s->addiction, s->child_maltreatment, s->separation,
                   s->release_from_custody, s->court_date, s->imminent_threat};
    for (int i = 0; i < 7; i++)
        sqlite3_bind_int(st, 15 + i, flags[i] ? 1 : 0);
    sql_bind_texts(st, 22, 2, now, now);
    return sql_exec_done(c, st, "situation_add");
}

int store_situation_get(store_conn *c, arena *a, const char *id, store_situation *out)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT " SITUATION_COLS " FROM situations WHERE id = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        situation_row(a, st, out);
        rc = STORE_OK;
    } else {
        rc = s == SQLITE_DONE ? STORE_NOTFOUND : sql_rc(c->db, s, "situation_get");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_situation_person_add(store_conn *c, const char *situation_id, const store_sperson *p)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "INSERT INTO situation_persons(situation_id, person_id, ref, role, unborn, "
                            "due_date_enc, child_of_perpetrator, stepchild, safe_address_enc, safe_phone_enc, "
                            "visible_to) VALUES (?,?,?,?,?,?,?,?,?,?,?)", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 4, situation_id, p->person_id, p->ref, p->role);
    sqlite3_bind_int(st, 5, p->unborn);
    sql_bind_text_or_null(st, 6, p->due_date_enc);
    sqlite3_bind_int(st, 7, p->child_of_perpetrator);
    sqlite3_bind_int(st, 8, p->stepchild);
    sql_bind_text_or_null(st, 9, p->safe_address_enc);
    sql_bind_text_or_null(st, 10, p->safe_phone_enc);
    sql_bind_texts(st, 11, 1, p->visible_to ? p->visible_to : "");
    return sql_exec_done(c, st, "situation_person_add");
}

int store_situation_persons_each(store_conn *c, arena *a, const char *situation_id,
                                 int (*fn)(void *ctx, const store_sperson *p), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT sp.person_id, sp.ref, sp.role, sp.unborn, sp.child_of_perpetrator, "
                            "sp.stepchild, sp.due_date_enc, sp.safe_address_enc, sp.safe_phone_enc, sp.visible_to, "
                            "p.given_name_enc, p.family_name_enc, p.birth_date_enc FROM situation_persons sp "
                            "JOIN persons p ON p.id = sp.person_id WHERE sp.situation_id = ? "
                            "ORDER BY CASE sp.role WHEN 'victim' THEN 0 WHEN 'child' THEN 1 "
                            "WHEN 'perpetrator' THEN 2 WHEN 'new_partner' THEN 3 ELSE 4 END, sp.ref", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, situation_id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_sperson p;
        memset(&p, 0, sizeof(p));
        sql_col(st, 0, p.person_id, sizeof(p.person_id));
        p.ref = sql_col_a(a, st, 1);
        sql_col(st, 2, p.role, sizeof(p.role));
        p.unborn = sqlite3_column_int(st, 3);
        p.child_of_perpetrator = sqlite3_column_int(st, 4);
        p.stepchild = sqlite3_column_int(st, 5);
        p.due_date_enc = sql_col_a(a, st, 6);
        p.safe_address_enc = sql_col_a(a, st, 7);
        p.safe_phone_enc = sql_col_a(a, st, 8);
        p.visible_to = sql_col_a(a, st, 9);
        p.given_enc = sql_col_a(a, st, 10);
        p.family_enc = sql_col_a(a, st, 11);
        p.birth_enc = sql_col_a(a, st, 12);
        if (fn(ctx, &p))
            break;
    }
    return sql_each_done(c, st, s, "situation_persons_each");
}

/* A participation is live when it has no end date or ends today or later. */
#define LIVE_PARTICIPATION "(p.ends_on IS NULL OR p.ends_on >= ?)"

int store_situation_access_get(store_conn *c, const char *situation_id, const char *agency_id,
                               const char *user_id, const char *today, store_situation_access *out)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT s.territory_id, s.status, s.referring_agency_id, "
                            "EXISTS (SELECT 1 FROM participations p WHERE p.situation_id = s.id "
                            "AND p.agency_id = ? AND " LIVE_PARTICIPATION "), "
                            "EXISTS (SELECT 1 FROM exclusions x WHERE x.situation_id = s.id AND x.user_id = ?) "
                            "FROM situations s WHERE s.id = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 4, agency_id ? agency_id : "", today, user_id ? user_id : "", situation_id);
    int s = sqlite3_step(st);
    memset(out, 0, sizeof(*out));
    if (s == SQLITE_ROW) {
        sql_col(st, 0, out->territory_id, sizeof(out->territory_id));
        sql_col(st, 1, out->status, sizeof(out->status));
        sql_col(st, 2, out->referring_agency_id, sizeof(out->referring_agency_id));
        out->participates = sqlite3_column_int(st, 3);
        out->excluded = sqlite3_column_int(st, 4);
        rc = STORE_OK;
    } else {
        rc = s == SQLITE_DONE ? STORE_NOTFOUND : sql_rc(c->db, s, "situation_access");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_situations_visible_each(store_conn *c, arena *a, const char *territory_id, int coordinator,
                                  const char *agency_id, const char *user_id, const char *today,
                                  int (*fn)(void *ctx, const store_situation *s), void *ctx)
{
    sqlite3_stmt *st;
    /* The same rule as policy_check(OBJ_SITUATION): the list never loads a
     * situation the page may not show. */
    int rc = sql_prepare(c, "SELECT " SITUATION_COLS " FROM situations s WHERE "
                            "((?1 = 1 AND s.territory_id = ?2) OR EXISTS (SELECT 1 FROM participations p "
                            "WHERE p.situation_id = s.id AND p.agency_id = ?3 AND (p.ends_on IS NULL OR p.ends_on >= ?4))) "
                            "AND NOT EXISTS (SELECT 1 FROM exclusions x WHERE x.situation_id = s.id AND x.user_id = ?5) "
                            "ORDER BY s.created_at DESC", &st);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, coordinator ? 1 : 0);
    sql_bind_texts(st, 2, 4, territory_id ? territory_id : "", agency_id ? agency_id : "", today,
                   user_id ? user_id : "");
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_situation x;
        situation_row(a, st, &x);
        if (fn(ctx, &x))
            break;
    }
    return sql_each_done(c, st, s, "situations_visible_each");
}

int store_situation_triage(store_conn *c, const char *id, long long version, const char *route,
                           const char *reason_enc, const char *user_id)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "UPDATE situations SET triage_route = ?, triage_reason_enc = ?, triaged_at = ?, "
                            "triaged_by = ?, status = CASE WHEN status = 'referred' THEN 'triaged' ELSE status END, "
                            "updated_at = ?, version = version + 1 WHERE id = ? AND version = ?", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 6, route, reason_enc, now, user_id, now, id);
    sqlite3_bind_int64(st, 7, version);
    rc = sql_exec_changed(c, st, "situation_triage");
    return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
}

int store_situation_close(store_conn *c, const char *id, long long version, const char *reason,
                          const char *notes_enc, const char *transfer_enc, const char *yesterday)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "UPDATE situations SET status = 'closed', close_reason = ?, closure_notes_enc = ?, "
                            "transfer_note_enc = ?, closed_at = ?, updated_at = ?, version = version + 1 "
                            "WHERE id = ? AND version = ? AND status <> 'closed'", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 1, reason);
    sql_bind_text_or_null(st, 2, notes_enc);
    sql_bind_text_or_null(st, 3, transfer_enc);
    sql_bind_texts(st, 4, 3, now, now, id);
    sqlite3_bind_int64(st, 7, version);
    rc = sql_exec_changed(c, st, "situation_close");
    if (rc != STORE_OK)
        return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
    /* Need to know ends with the situation (the referrer keeps the record). */
    rc = sql_prepare(c, "UPDATE participations SET ends_on = ? WHERE situation_id = ? AND basis <> 'referrer' "
                        "AND (ends_on IS NULL OR ends_on > ?)", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 3, yesterday, id, yesterday);
    return sql_exec_done(c, st, "participations_end_at_close");
}

int store_situation_closure(store_conn *c, arena *a, const char *id, const char **reason,
                            const char **closed_at, const char **notes_enc, const char **transfer_enc)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT close_reason, closed_at, closure_notes_enc, transfer_note_enc "
                            "FROM situations WHERE id = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *reason = sql_col_a(a, st, 0);
        *closed_at = sql_col_a(a, st, 1);
        *notes_enc = sql_col_a(a, st, 2);
        *transfer_enc = sql_col_a(a, st, 3);
        rc = STORE_OK;
    } else {
        rc = s == SQLITE_DONE ? STORE_NOTFOUND : sql_rc(c->db, s, "situation_closure");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_situation_touch_version(store_conn *c, const char *id)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "UPDATE situations SET updated_at = ?, version = version + 1 WHERE id = ?", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 2, now, id);
    return sql_exec_changed(c, st, "situation_touch");
}

int store_relationship_add(store_conn *c, const char *situation_id, const char *from_person,
                           const char *to_person, const char *kind)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "INSERT INTO relationships(situation_id, from_person, to_person, kind) "
                            "VALUES (?,?,?,?) ON CONFLICT DO NOTHING", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 4, situation_id, from_person, to_person, kind);
    return sql_exec_done(c, st, "relationship_add");
}

int store_relationships_each(store_conn *c, const char *situation_id,
                             int (*fn)(void *ctx, const char *from, const char *to, const char *kind), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT from_person, to_person, kind FROM relationships WHERE situation_id = ? "
                            "ORDER BY from_person, to_person", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, situation_id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        char from[STORE_ID_LEN + 1], to[STORE_ID_LEN + 1], kind[16];
        sql_col(st, 0, from, sizeof(from));
        sql_col(st, 1, to, sizeof(to));
        sql_col(st, 2, kind, sizeof(kind));
        if (fn(ctx, from, to, kind))
            break;
    }
    return sql_each_done(c, st, s, "relationships_each");
}

int store_participation_add(store_conn *c, const char *situation_id, const char *agency_id,
                            const char *basis, const char *justification_enc, const char *added_by)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "INSERT INTO participations(situation_id, agency_id, basis, justification_enc, "
                            "added_by, added_at) VALUES (?,?,?,?,?,?) ON CONFLICT(situation_id, agency_id) "
                            "DO UPDATE SET ends_on = NULL", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 3, situation_id, agency_id, basis);
    sql_bind_text_or_null(st, 4, justification_enc);
    sql_bind_text_or_null(st, 5, added_by);
    sql_bind_texts(st, 6, 1, now);
    return sql_exec_done(c, st, "participation_add");
}

int store_assessment_add(store_conn *c, const store_assessment *x)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "INSERT INTO assessments(id, situation_id, instrument_id, instrument_version, answers, "
                            "score, computed_level, level, judgement_level, judgement_reason_enc, lowered, criteria, "
                            "refer, incidents_12m, assessed_by, agency_id, created_at) "
                            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 3, x->id, x->situation_id, x->instrument_id);
    sqlite3_bind_int(st, 4, x->instrument_version);
    sql_bind_texts(st, 5, 1, x->answers);
    sqlite3_bind_int(st, 6, x->score);
    sql_bind_texts(st, 7, 2, x->computed_level, x->level);
    sql_bind_text_or_null(st, 9, x->judgement_level);
    sql_bind_text_or_null(st, 10, x->judgement_reason_enc);
    sqlite3_bind_int(st, 11, x->lowered);
    sql_bind_texts(st, 12, 1, x->criteria ? x->criteria : "");
    sqlite3_bind_int(st, 13, x->refer);
    if (x->incidents_12m >= 0)
        sqlite3_bind_int(st, 14, x->incidents_12m);
    else
        sqlite3_bind_null(st, 14);
    sql_bind_texts(st, 15, 3, x->assessed_by, x->agency_id, now);
    return sql_exec_done(c, st, "assessment_add");
}

int store_assessments_each(store_conn *c, arena *a, const char *situation_id,
                           int (*fn)(void *ctx, const store_assessment *x), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT id, situation_id, instrument_id, instrument_version, answers, score, "
                            "computed_level, level, judgement_level, judgement_reason_enc, lowered, criteria, refer, "
                            "COALESCE(incidents_12m, -1), approved_by, approved_at, assessed_by, agency_id, "
                            "created_at, version FROM assessments WHERE situation_id = ? ORDER BY created_at, id", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, situation_id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_assessment x;
        memset(&x, 0, sizeof(x));
        sql_col(st, 0, x.id, sizeof(x.id));
        sql_col(st, 1, x.situation_id, sizeof(x.situation_id));
        x.instrument_id = sql_col_a(a, st, 2);
        x.instrument_version = sqlite3_column_int(st, 3);
        x.answers = sql_col_a(a, st, 4);
        x.score = sqlite3_column_int(st, 5);
        x.computed_level = sql_col_a(a, st, 6);
        x.level = sql_col_a(a, st, 7);
        x.judgement_level = sql_col_a(a, st, 8);
        x.judgement_reason_enc = sql_col_a(a, st, 9);
        x.lowered = sqlite3_column_int(st, 10);
        x.criteria = sql_col_a(a, st, 11);
        x.refer = sqlite3_column_int(st, 12);
        x.incidents_12m = sqlite3_column_int(st, 13);
        x.approved_by = sql_col_a(a, st, 14);
        x.approved_at = sql_col_a(a, st, 15);
        sql_col(st, 16, x.assessed_by, sizeof(x.assessed_by));
        sql_col(st, 17, x.agency_id, sizeof(x.agency_id));
        x.created_at = sql_col_a(a, st, 18);
        x.version = sqlite3_column_int64(st, 19);
        if (fn(ctx, &x))
            break;
    }
    return sql_each_done(c, st, s, "assessments_each");
}

int store_assessment_approve(store_conn *c, const char *id, const char *situation_id, const char *user_id)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "UPDATE assessments SET approved_by = ?, approved_at = ?, level = judgement_level, "
                            "version = version + 1 WHERE id = ? AND situation_id = ? AND lowered = 1 "
                            "AND approved_by IS NULL", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 4, user_id, now, id, situation_id);
    return sql_exec_changed(c, st, "assessment_approve");
}

int store_situation_event_add(store_conn *c, const char *situation_id, const char *user_id,
                              const char *agency_id, const char *kind, const char *detail)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "INSERT INTO situation_events(situation_id, at, user_id, agency_id, kind, detail) "
                            "VALUES (?,?,?,?,?,?)", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 2, situation_id, now);
    sql_bind_text_or_null(st, 3, user_id);
    sql_bind_text_or_null(st, 4, agency_id);
    sql_bind_texts(st, 5, 2, kind, detail ? detail : "");
    return sql_exec_done(c, st, "situation_event_add");
}

int store_situation_events_each(store_conn *c, arena *a, const char *situation_id,
                                int (*fn)(void *ctx, const char *at, const char *user_id,
                                          const char *kind, const char *detail), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT at, COALESCE(user_id, ''), kind, detail FROM situation_events "
                            "WHERE situation_id = ? ORDER BY seq", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, situation_id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, sql_col_a(a, st, 0), sql_col_a(a, st, 1), sql_col_a(a, st, 2), sql_col_a(a, st, 3)))
            break;
    return sql_each_done(c, st, s, "situation_events_each");
}

int store_repeat_candidates_each(store_conn *c, const char *victim_hash, const char *perp_hash,
                                 int (*fn)(void *ctx, const char *id, const char *created_at,
                                           const char *closed_at), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT s.id, s.created_at, s.closed_at FROM situations s "
                            "WHERE EXISTS (SELECT 1 FROM situation_persons v JOIN persons pv ON pv.id = v.person_id "
                            "  WHERE v.situation_id = s.id AND v.role = 'victim' AND pv.match_hash = ?) "
                            "AND EXISTS (SELECT 1 FROM situation_persons a JOIN persons pa ON pa.id = a.person_id "
                            "  WHERE a.situation_id = s.id AND a.role = 'perpetrator' AND pa.match_hash = ?) "
                            "ORDER BY s.created_at DESC", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, victim_hash, perp_hash);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        char id[STORE_ID_LEN + 1], created[32], closed[32];
        sql_col(st, 0, id, sizeof(id));
        sql_col(st, 1, created, sizeof(created));
        sql_col(st, 2, closed, sizeof(closed));
        if (fn(ctx, id, created, closed[0] ? closed : NULL))
            break;
    }
    return sql_each_done(c, st, s, "repeat_candidates");
}

int store_active_with_person_each(store_conn *c, const char *match_hash, const char *except_id,
                                  int (*fn)(void *ctx, const char *id, const char *territory_id), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT DISTINCT s.id, s.territory_id FROM situations s "
                            "JOIN situation_persons sp ON sp.situation_id = s.id JOIN persons p ON p.id = sp.person_id "
                            "WHERE p.match_hash = ? AND s.status <> 'closed' AND s.id <> ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 2, match_hash, except_id ? except_id : "");
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        char id[STORE_ID_LEN + 1], terr[STORE_ID_LEN + 1];
        sql_col(st, 0, id, sizeof(id));
        sql_col(st, 1, terr, sizeof(terr));
        if (fn(ctx, id, terr))
            break;
    }
    return sql_each_done(c, st, s, "active_with_person");
}

int store_alert_add(store_conn *c, const char *territory_id, const char *kind,
                    const char *situation_id, const char *dedupe)
{
    sqlite3_stmt *st;
    char now[32], id[STORE_ID_LEN + 1];
    int rc = sql_prepare(c, "INSERT INTO alerts(id, territory_id, kind, situation_id, created_at, dedupe) "
                            "VALUES (?,?,?,?,?,?) ON CONFLICT(dedupe) DO NOTHING", &st);
    if (rc)
        return rc;
    id_new(id);
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 3, id, territory_id, kind);
    sql_bind_text_or_null(st, 4, situation_id);
    sql_bind_texts(st, 5, 2, now, dedupe);
    return sql_exec_done(c, st, "alert_add");
}

int store_alert_resolve(store_conn *c, const char *territory_id, const char *id)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "UPDATE alerts SET resolved_at = ? WHERE id = ? AND territory_id = ? "
                            "AND resolved_at IS NULL", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 3, now, id, territory_id);
    return sql_exec_changed(c, st, "alert_resolve");
}

int store_alert_resolve_dedupe(store_conn *c, const char *dedupe)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "UPDATE alerts SET resolved_at = ? WHERE dedupe = ? AND resolved_at IS NULL", &st);
    if (rc)
        return rc;
    now_text(now, sizeof(now));
    sql_bind_texts(st, 1, 2, now, dedupe);
    return sql_exec_done(c, st, "alert_resolve_dedupe");
}

int store_alerts_open_each(store_conn *c, const char *territory_id,
                           int (*fn)(void *ctx, const store_alert *al), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT id, kind, COALESCE(situation_id, ''), created_at FROM alerts "
                            "WHERE territory_id = ? AND resolved_at IS NULL ORDER BY created_at DESC", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, territory_id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_alert al;
        sql_col(st, 0, al.id, sizeof(al.id));
        sql_col(st, 1, al.kind, sizeof(al.kind));
        sql_col(st, 2, al.situation_id, sizeof(al.situation_id));
        sql_col(st, 3, al.created_at, sizeof(al.created_at));
        if (fn(ctx, &al))
            break;
    }
    return sql_each_done(c, st, s, "alerts_open_each");
}
