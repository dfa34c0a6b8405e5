/*
 * alertlist.c - the alerts one user is told about; see alertlist.h.
 */
#include "jobs/alertlist.h"

#include <string.h>

#include "lib/id.h"
#include "store/alerts.h"
#include "store/sharing.h"
#include "store/situations.h"

typedef struct list_ctx {
    store_conn *c;
    arena *a;
    const actor *who;
    const char *today;
    int coordinator;
    int (*fn)(void *ctx, const alert_item *al);
    void *ctx;
    int stopped;
} list_ctx;

/* The kinds computed on the fly (`alerts run` stores them too, for the
 * record: the list shows the live computation, not the stored copy). */
static int computed_kind(const char *kind)
{
    static const char *const kinds[] = {"action_overdue", "protective_order_expiring", "perpetrator_release",
                                        "review_due", "urgent_waiting", NULL};
    for (size_t i = 0; kinds[i]; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return 1;
    return 0;
}

static int emit(list_ctx *x, const char *id, const char *kind, const char *sid, const char *since)
{
    alert_item it = {.id = arena_strdup(x->a, id), .kind = arena_strdup(x->a, kind),
                     .situation_id = arena_strdup(x->a, sid), .since = since ? arena_strdup(x->a, since) : NULL};
    if (!it.id || !it.kind || !it.situation_id || (since && !it.since))
        return x->stopped = 1;
    return x->stopped = x->fn(x->ctx, &it) != 0;
}

static int stored_cb(void *ctx, const store_alert *al)
{
    list_ctx *x = ctx;
    if (computed_kind(al->kind))
        return 0;
    return emit(x, al->id, al->kind, al->situation_id, al->created_at);
}

/* May who see the situation (the policy's answer, as the API's)? */
static int situation_visible(list_ctx *x, const char *sid)
{
    store_situation_access acc;
    if (!id_valid(sid) ||
        store_situation_access_get(x->c, sid, x->who->agency_id, x->who->user_id, x->today, &acc) != STORE_OK)
        return 0;
    policy_target t = {.type = OBJ_SITUATION, .territory_id = acc.territory_id, .participates = acc.participates,
                       .excluded = acc.excluded};
    return policy_check(x->who, VERB_READ, &t);
}

/* A perpetrator's release: the id names the item, not the date; the date
 * only for whoever may read the item. */
static int release_cb(list_ctx *x, const store_computed_alert *al)
{
    char item_id[ID_LEN + 1];
    store_info it;
    const char *p = al->key + strlen("release:");
    if (strcspn(p, ":") != ID_LEN)
        return 0;
    memcpy(item_id, p, ID_LEN);
    item_id[ID_LEN] = '\0';
    if (store_info_get(x->c, x->a, item_id, &it) != STORE_OK)
        return 0;
    policy_item pi = {.coordinator = policy_coordinates(x->who, al->territory_id), .visible_to = it.visible_to,
                      .shared_by_agency = it.agency_id, .basis = it.basis,
                      .excluded_sectors = it.consent_excluded_sectors};
    const char *id = arena_printf(x->a, "release:%s", item_id);
    return emit(x, id ? id : "", al->kind, al->situation_id, policy_item_visible(x->who, &pi) ? al->since : NULL);
}

static int computed_cb(void *ctx, const store_computed_alert *al)
{
    list_ctx *x = ctx;
    if (!x->coordinator &&
        (!al->agency_id[0] || strcmp(al->agency_id, x->who->agency_id) != 0 || !situation_visible(x, al->situation_id)))
        return 0;
    if (strcmp(al->kind, "perpetrator_release") == 0)
        return release_cb(x, al);
    return emit(x, al->key, al->kind, al->situation_id, al->since);
}

int alerts_for_actor(store_conn *c, arena *a, const actor *who, const char *today, const char *now,
                     int (*fn)(void *ctx, const alert_item *al), void *ctx)
{
    policy_target t = {.type = OBJ_TRIAGE, .territory_id = who->territory_id};
    list_ctx x = {.c = c, .a = a, .who = who, .today = today, .fn = fn, .ctx = ctx,
                  .coordinator = policy_check(who, VERB_LIST, &t)};
    int rc = STORE_OK;
    if (x.coordinator)
        rc = store_alerts_open_each(c, who->territory_id, stored_cb, &x);
    if (rc == STORE_OK && !x.stopped)
        rc = store_alerts_computed_each(c, x.coordinator ? who->territory_id : NULL, today, now, computed_cb, &x);
    return rc;
}
