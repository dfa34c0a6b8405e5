/*
 * indicators.c - the counting SQL behind the indicators; see indicators.h.
 * Every statement binds ?1 territory (NULL: all), ?2 from, ?3 to (exclusive),
 * ?4 now, and answers (key, count) rows. No statement reads a personal or
 * encrypted column.
 */
#include "store/indicators.h"

#include <sqlite3.h>
#include <string.h>

#include "store/sqlutil.h"

/* Situations referred in the period, as s. */
#define REFERRED "(?1 IS NULL OR s.territory_id = ?1) AND s.created_at >= ?2 AND s.created_at < ?3"
/* Meetings held in the period (started by now), as m. */
#define HELD "(?1 IS NULL OR m.territory_id = ?1) AND m.starts_at >= ?2 AND m.starts_at < ?3 AND m.starts_at <= ?4"
/* The newest assessment of s, column col. */
#define LATEST(col) "(SELECT x." col " FROM assessments x WHERE x.situation_id = s.id " \
                    "ORDER BY x.created_at DESC, x.rowid DESC LIMIT 1)"

static const struct {
    const char *table;
    const char *sql;
} queries[] = {
    {"referrals_by_month", "SELECT substr(s.created_at, 1, 7), count(*) FROM situations s WHERE " REFERRED
                           " GROUP BY 1"},
    {"referrals_by_sector", "SELECT a.sector, count(*) FROM situations s JOIN agencies a "
                            "ON a.id = s.referring_agency_id WHERE " REFERRED " GROUP BY 1"},
    {"referrals_by_agency", "SELECT s.referring_agency_id, count(*) FROM situations s WHERE " REFERRED
                            " GROUP BY 1"},
    {"referrals_by_territory", "SELECT s.territory_id, count(*) FROM situations s WHERE " REFERRED " GROUP BY 1"},
    {"repeat", "SELECT CASE WHEN s.repeat_of IS NULL THEN 'first' ELSE 'repeat' END, count(*) "
               "FROM situations s WHERE " REFERRED " GROUP BY 1"},
    {"risk_levels", "SELECT COALESCE(" LATEST("level") ", 'not_assessed'), count(*) FROM situations s WHERE "
                    REFERRED " GROUP BY 1"},
    {"risk_criteria", "WITH latest(c) AS (SELECT ',' || COALESCE(" LATEST("criteria") ", '') || ',' "
                      "FROM situations s WHERE " REFERRED "), "
                      "names(n) AS (VALUES ('visible_high_risk'), ('professional_judgement'), "
                      "('potential_escalation'), ('repeat'), ('critical_item')) "
                      "SELECT names.n, (SELECT count(*) FROM latest WHERE instr(latest.c, ',' || names.n || ',') > 0) "
                      "FROM names"},
    {"triage_routes", "SELECT COALESCE(s.triage_route, 'not_triaged'), count(*) FROM situations s WHERE " REFERRED
                      " GROUP BY 1"},
    {"summary", "SELECT 'referrals', count(*) FROM situations s WHERE " REFERRED
                " UNION ALL SELECT 'children', count(DISTINCT sp.person_id) FROM situation_persons sp "
                "JOIN situations s ON s.id = sp.situation_id WHERE sp.role = 'child' AND " REFERRED
                " UNION ALL SELECT 'open_at_end', count(*) FROM situations s WHERE (?1 IS NULL OR s.territory_id = ?1) "
                "AND s.created_at < ?3 AND (s.closed_at IS NULL OR s.closed_at >= ?3)"
                " UNION ALL SELECT 'meetings_held', count(*) FROM meetings m WHERE " HELD},
    {"quorum", "SELECT CASE WHEN (SELECT count(*) FROM attendance t WHERE t.meeting_id = m.id) >= m.quorum "
               "THEN 'met' ELSE 'not_met' END, count(*) FROM meetings m WHERE " HELD " GROUP BY 1"},
    {"attendance_by_sector", "SELECT a.sector, count(*) FROM attendance t JOIN meetings m ON m.id = t.meeting_id "
                             "JOIN agencies a ON a.id = t.agency_id WHERE " HELD " GROUP BY 1"},
    {"invitations_by_sector", "SELECT a.sector, count(*) FROM meeting_agencies t JOIN meetings m "
                              "ON m.id = t.meeting_id JOIN agencies a ON a.id = t.agency_id WHERE " HELD
                              " GROUP BY 1"},
    {"actions_by_phase", "SELECT x.phase, count(*) FROM actions x JOIN situations s ON s.id = x.situation_id "
                         "WHERE (?1 IS NULL OR s.territory_id = ?1) AND x.created_at >= ?2 AND x.created_at < ?3 "
                         "GROUP BY 1"},
    {"actions_by_owner_sector", "SELECT a.sector, count(*) FROM actions x JOIN situations s "
                                "ON s.id = x.situation_id JOIN agencies a ON a.id = x.owner_agency_id "
                                "WHERE (?1 IS NULL OR s.territory_id = ?1) AND x.created_at >= ?2 "
                                "AND x.created_at < ?3 GROUP BY 1"},
    {"actions_by_status", "SELECT x.status, count(*) FROM actions x JOIN situations s ON s.id = x.situation_id "
                          "WHERE (?1 IS NULL OR s.territory_id = ?1) AND x.created_at >= ?2 AND x.created_at < ?3 "
                          "GROUP BY 1"},
    {"actions_done", "SELECT CASE WHEN x.due_on IS NULL THEN 'no_due_date' "
                     "WHEN substr(x.done_at, 1, 10) <= x.due_on THEN 'on_time' ELSE 'late' END, count(*) "
                     "FROM actions x JOIN situations s ON s.id = x.situation_id "
                     "WHERE (?1 IS NULL OR s.territory_id = ?1) AND x.status = 'done' "
                     "AND x.done_at >= ?2 AND x.done_at < ?3 GROUP BY 1"},
    /* With the anonymous counts kept for situations retention deleted
     * (retained_stats, by month: the months wholly inside the period). */
    {"closures_by_reason", "SELECT reason, sum(n) FROM ("
                           "SELECT COALESCE(s.close_reason, 'other') AS reason, count(*) AS n FROM situations s "
                           "WHERE (?1 IS NULL OR s.territory_id = ?1) AND s.status = 'closed' "
                           "AND s.closed_at >= ?2 AND s.closed_at < ?3 GROUP BY 1 "
                           "UNION ALL SELECT CASE WHEN close_reason = '' THEN 'other' ELSE close_reason END, "
                           "sum(count) FROM retained_stats WHERE (?1 IS NULL OR territory_id = ?1) "
                           "AND closed_month || '-01' >= ?2 AND date(closed_month || '-01', '+1 month') <= ?3 "
                           "GROUP BY 1) GROUP BY reason"},
};

static void bind_period(sqlite3_stmt *st, const store_ind_period *p)
{
    sql_bind_text_or_null(st, 1, p->territory_id);
    sql_bind_texts(st, 2, 3, p->from, p->to_excl, p->now);
}

int store_indicators_counts(store_conn *c, const store_ind_period *p, store_ind_count_fn fn, void *ctx)
{
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        sqlite3_stmt *st;
        int rc = sql_prepare(c, queries[i].sql, &st);
        if (rc)
            return rc;
        bind_period(st, p);
        int s, stop = 0;
        while (!stop && (s = sqlite3_step(st)) == SQLITE_ROW) {
            const char *key = (const char *)sqlite3_column_text(st, 0);
            stop = fn(ctx, queries[i].table, key ? key : "", (long)sqlite3_column_int64(st, 1)) != 0;
        }
        rc = sql_each_done(c, st, s, queries[i].table);
        if (rc || stop)
            return rc;
    }
    return STORE_OK;
}

int store_indicators_delays(store_conn *c, const store_ind_period *p,
                            int (*fn)(void *ctx, const store_ind_delay *d), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(
        c,
        "SELECT CASE WHEN s.triaged_at IS NULL THEN -1 ELSE "
        "  CAST(round((julianday(s.triaged_at) - julianday(s.created_at)) * 1440) AS INTEGER) END, "
        "(SELECT CAST(round((julianday(min(m.starts_at)) - julianday(s.created_at)) * 1440) AS INTEGER) "
        "   FROM agenda g JOIN meetings m ON m.id = g.meeting_id "
        "   WHERE g.situation_id = s.id AND m.starts_at <= ?4 AND m.starts_at >= s.created_at), "
        "CASE s.triage_route WHEN 'urgent_cell' THEN t.target_urgent_hours "
        "  WHEN 'conference' THEN t.target_conference_hours "
        "  WHEN 'clinical_concertation' THEN t.target_clinical_hours ELSE 0 END "
        "FROM situations s JOIN territories t ON t.id = s.territory_id WHERE " REFERRED,
        &st);
    if (rc)
        return rc;
    bind_period(st, p);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_ind_delay d;
        d.triage_minutes = (long)sqlite3_column_int64(st, 0);
        d.meeting_minutes = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : (long)sqlite3_column_int64(st, 1);
        d.target_hours = (long)sqlite3_column_int64(st, 2);
        if (fn(ctx, &d) != 0)
            break;
    }
    return sql_each_done(c, st, s, "indicators_delays");
}

int store_indicators_adult_women(store_conn *c, const char *territory_id, long long *out)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT CASE WHEN count(*) > 0 AND count(adult_women) = count(*) "
                            "THEN sum(adult_women) ELSE 0 END FROM territories WHERE (?1 IS NULL OR id = ?1)", &st);
    if (rc)
        return rc;
    sql_bind_text_or_null(st, 1, territory_id);
    int s = sqlite3_step(st);
    *out = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    return sql_each_done(c, st, s == SQLITE_ROW ? SQLITE_DONE : s, "indicators_adult_women");
}
