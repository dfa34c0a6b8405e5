/*
 * alerts.c - SQL for the computed alerts; see alerts.h. Every statement
 * binds its parameters.
 */
#include "store/alerts.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "lib/id.h"
#include "store/situations.h"
#include "store/sqlutil.h"

/* ?1 territory (NULL = all), ?2 today, ?3 now. The urgent deadline is the
 * triage time plus the territory's urgent target; a meeting starting by
 * then with the situation on its agenda answers it. */
static const char computed_sql[] =
    "SELECT 'action_overdue', 'overdue:' || a.id || ':' || a.due_on, s.id, a.owner_agency_id, a.due_on, "
    "s.territory_id FROM actions a JOIN situations s ON s.id = a.situation_id "
    "WHERE (?1 IS NULL OR s.territory_id = ?1) AND s.status <> 'closed' AND a.due_on IS NOT NULL "
    "AND a.due_on < ?2 AND a.status NOT IN ('done','cancelled') "
    "UNION ALL "
    "SELECT 'protective_order_expiring', 'expiring:' || i.id || ':' || i.expires_on, s.id, i.agency_id, "
    "i.expires_on, s.territory_id FROM information i JOIN situations s ON s.id = i.situation_id "
    "WHERE (?1 IS NULL OR s.territory_id = ?1) AND s.status <> 'closed' AND i.shared = 1 "
    "AND i.category = 'protective_order' AND i.expires_on IS NOT NULL AND i.expires_on >= ?2 "
    "AND i.expires_on <= date(?2, '+14 days') "
    "UNION ALL "
    "SELECT 'perpetrator_release', 'release:' || i.id || ':' || i.release_on, s.id, i.agency_id, "
    "i.release_on, s.territory_id FROM information i JOIN situations s ON s.id = i.situation_id "
    "WHERE (?1 IS NULL OR s.territory_id = ?1) AND s.status <> 'closed' AND i.shared = 1 "
    "AND i.release_on IS NOT NULL AND i.release_on >= ?2 AND i.release_on <= date(?2, '+14 days') "
    "UNION ALL "
    "SELECT 'review_due', 'review:' || s.id || ':' || s.review_on, s.id, '', s.review_on, s.territory_id "
    "FROM situations s WHERE (?1 IS NULL OR s.territory_id = ?1) AND s.status <> 'closed' "
    "AND s.review_on IS NOT NULL AND s.review_on <= ?2 "
    "UNION ALL "
    "SELECT 'urgent_waiting', 'urgent:' || s.id || ':' || s.triaged_at, s.id, '', s.triaged_at, s.territory_id "
    "FROM situations s JOIN territories t ON t.id = s.territory_id "
    "WHERE (?1 IS NULL OR s.territory_id = ?1) AND s.status <> 'closed' AND s.triage_route = 'urgent_cell' "
    "AND s.triaged_at IS NOT NULL "
    "AND strftime('%Y-%m-%dT%H:%M:%SZ', s.triaged_at, '+' || t.target_urgent_hours || ' hours') < ?3 "
    "AND NOT EXISTS (SELECT 1 FROM agenda g JOIN meetings m ON m.id = g.meeting_id "
    "  WHERE g.situation_id = s.id "
    "  AND m.starts_at <= strftime('%Y-%m-%dT%H:%M:%SZ', s.triaged_at, '+' || t.target_urgent_hours || ' hours')) "
    "ORDER BY 5 DESC";

int store_alerts_computed_each(store_conn *c, const char *territory_id, const char *today, const char *now,
                               int (*fn)(void *ctx, const store_computed_alert *al), void *ctx)
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, computed_sql, &st);
    if (rc)
        return rc;
    sql_bind_text_or_null(st, 1, territory_id);
    sql_bind_texts(st, 2, 2, today, now);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        store_computed_alert al;
        sql_col(st, 0, al.kind, sizeof(al.kind));
        sql_col(st, 1, al.key, sizeof(al.key));
        sql_col(st, 2, al.situation_id, sizeof(al.situation_id));
        sql_col(st, 3, al.agency_id, sizeof(al.agency_id));
        sql_col(st, 4, al.since, sizeof(al.since));
        sql_col(st, 5, al.territory_id, sizeof(al.territory_id));
        if (fn(ctx, &al))
            break;
    }
    rc = (s == SQLITE_ROW || s == SQLITE_DONE) ? STORE_OK : sql_rc(c->db, s, "alerts_computed");
    sqlite3_finalize(st);
    return rc;
}

typedef struct collect_ctx {
    store_computed_alert *v;
    size_t n, cap;
    int oom;
} collect_ctx;

static int collect_cb(void *ctx, const store_computed_alert *al)
{
    collect_ctx *x = ctx;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        store_computed_alert *v = realloc(x->v, cap * sizeof(*v));
        if (!v)
            return x->oom = 1;
        x->v = v;
        x->cap = cap;
    }
    x->v[x->n++] = *al;
    return 0;
}

int store_alerts_run(store_conn *c, const char *today, const char *now, int *added)
{
    collect_ctx x = {0};
    *added = 0;
    int rc = store_alerts_computed_each(c, NULL, today, now, collect_cb, &x);
    if (rc == STORE_OK && x.oom)
        rc = STORE_ERR;
    for (size_t i = 0; rc == STORE_OK && i < x.n; i++) {
        int before = sqlite3_total_changes(c->db);
        rc = store_alert_add(c, x.v[i].territory_id, x.v[i].kind, x.v[i].situation_id, x.v[i].key);
        if (rc == STORE_OK && sqlite3_total_changes(c->db) != before)
            (*added)++;
    }
    free(x.v);
    return rc;
}

int store_situation_review_set(store_conn *c, const char *id, long long version, const char *review_on)
{
    sqlite3_stmt *st;
    char now[32];
    int rc = sql_prepare(c, "UPDATE situations SET review_on = ?, updated_at = ?, version = version + 1 "
                            "WHERE id = ? AND version = ? AND status <> 'closed'", &st);
    if (rc)
        return rc;
    time_rfc3339(clock_now(), now, sizeof(now));
    sql_bind_text_or_null(st, 1, review_on);
    sql_bind_texts(st, 2, 2, now, id);
    sqlite3_bind_int64(st, 4, version);
    rc = sql_exec_changed(c, st, "situation_review_set");
    return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
}

int store_situation_review_get(store_conn *c, const char *id, char out[11])
{
    sqlite3_stmt *st;
    int rc = sql_prepare(c, "SELECT COALESCE(review_on, '') FROM situations WHERE id = ?", &st);
    if (rc)
        return rc;
    sql_bind_texts(st, 1, 1, id);
    int s = sqlite3_step(st);
    out[0] = '\0';
    if (s == SQLITE_ROW) {
        sql_col(st, 0, out, 11);
        rc = STORE_OK;
    } else {
        rc = s == SQLITE_DONE ? STORE_NOTFOUND : sql_rc(c->db, s, "situation_review_get");
    }
    sqlite3_finalize(st);
    return rc;
}
