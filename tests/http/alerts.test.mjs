// Follow-up alerts over HTTP (issue 6), on the test clock: action overdue
// (owner agency and coordinator), protective order expiring within 14 days
// (sharing agency and coordinator), review date reached and urgent referral
// on no meeting within the target (coordinator). Nobody else is told, and
// no alert carries personal data. `filet alerts run` stores them once:
// running it twice adds nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startFilet, request, BIN } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };
const day = (f, n) => new Date((f.now() + n * 86400) * 1000).toISOString().slice(0, 10);

describe('alerts', { concurrency: false }, () => {
  let f, S, S2, S3, po10, po30;
  const tok = {};
  const me = {};
  const call = async (u, method, path, body) => {
    const r = await request(f.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok[u]}` },
      body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: r.body ? JSON.parse(r.body) : null, raw: r.body };
  };
  const alerts = async (u) => {
    const r = await call(u, 'GET', '/api/v1/alerts');
    assert.equal(r.status, 200, r.raw);
    return r.body.alerts;
  };
  const has = (list, kind, sid, idPart) => list.some((a) => a.kind === kind && a.situation_id === sid &&
    (!idPart || a.id.includes(idPart)));
  const runCli = () => JSON.parse(execFileSync(BIN, ['alerts', 'run', '--db', f.db, '--key', f.key, '--json'],
    { encoding: 'utf8', env: { ...process.env, FILET_TEST_CLOCK_FILE: join(f.dir, 'clock') } }));
  const referral = (name) => ({ summary: 'Menaces répétées NOM-SECRET.',
    persons: [{ ref: 'v1', role: 'victim', given_name: name, family_name: 'Secretname' },
      { ref: 'p1', role: 'perpetrator', given_name: 'Jean', family_name: 'Roy' }],
    consent: { status: 'given', scope: 'la cellule' } });

  before(async () => {
    f = await startFilet();
    for (const u of ['refuge', 'coordo', 'police', 'dpj']) {
      tok[u] = await f.login(u);
      me[u] = (await call(u, 'GET', '/api/v1/me')).body;
    }
    S = (await call('refuge', 'POST', '/api/v1/referrals', referral('Alice'))).body.situation_id;
    S2 = (await call('refuge', 'POST', '/api/v1/referrals', referral('Berthe'))).body.situation_id;
    S3 = (await call('refuge', 'POST', '/api/v1/referrals', referral('Carole'))).body.situation_id;
    const agency = me.refuge.agency_id ?? me.refuge.agency?.id;
    const a = await call('refuge', 'POST', `/api/v1/situations/${S}/actions`, { title: 'Plan de sécurité',
      phase: 'risk_assessment_safety_plan', protects: 'v1', owner_agency_id: agency, due_on: day(f, 1) });
    assert.equal(a.status, 201, a.raw);
    const info = (n) => call('refuge', 'POST', `/api/v1/situations/${S}/information`, { category: 'protective_order',
      content: 'Ordonnance de protection', basis: 'consent', expires_on: day(f, n) });
    const i10 = await info(10);
    assert.equal(i10.status, 201, i10.raw);
    po10 = i10.body.id;
    po30 = (await info(30)).body.id;
    for (const sid of [S2, S3]) {
      const version = (await call('coordo', 'GET', `/api/v1/situations/${sid}`)).body.version;
      const t = await call('coordo', 'POST', `/api/v1/situations/${sid}/triage`, { route: 'urgent_cell', reason: 'Urgent', version });
      assert.equal(t.status, 200, t.raw);
    }
    const starts = new Date((f.now() + 48 * 3600) * 1000).toISOString().slice(0, 19) + 'Z';
    const m = await call('coordo', 'POST', '/api/v1/meetings', { kind: 'urgent', starts_at: starts, place: 'Salle 1' });
    assert.equal(m.status, 201, m.raw);
    assert.equal((await call('coordo', 'POST', `/api/v1/meetings/${m.body.id}/agenda`, { situation_id: S3 })).status, 201);
  });
  after(async () => { await f?.stop(); });

  it('sets the review date: the coordinator only, 409 when stale, 422 when not a date', async () => {
    const version = (await call('coordo', 'GET', `/api/v1/situations/${S}`)).body.version;
    const path = `/api/v1/situations/${S}/review`;
    assert.equal((await call('refuge', 'PATCH', path, { review_on: day(f, 1), version })).status, 403);
    assert.equal((await call('police', 'PATCH', path, { review_on: day(f, 1), version })).status, 404);
    assert.equal((await call('coordo', 'PATCH', path, { review_on: '2026-02-30', version })).status, 422);
    assert.equal((await call('coordo', 'PATCH', path, { review_on: day(f, 1), version, x: 1 })).status, 400);
    const ok = await call('coordo', 'PATCH', path, { review_on: day(f, 1), version });
    assert.equal(ok.status, 200, ok.raw);
    assert.equal(ok.body.version, version + 1);
    assert.equal((await call('coordo', 'PATCH', path, { review_on: day(f, 2), version })).status, 409);
    assert.equal((await call('coordo', 'GET', `/api/v1/situations/${S}`)).body.review_on, day(f, 1));
  });

  it('before the dates: only the protective order expiring within 14 days', async () => {
    const c = await alerts('coordo');
    assert.ok(has(c, 'protective_order_expiring', S, po10), JSON.stringify(c));
    assert.ok(!has(c, 'protective_order_expiring', S, po30), 'an order ending in 30 days is not due');
    assert.ok(!has(c, 'action_overdue', S));
    assert.ok(!has(c, 'review_due', S));
    assert.ok(!c.some((a) => a.kind === 'urgent_waiting'));
    assert.ok(has(await alerts('refuge'), 'protective_order_expiring', S, po10), 'the agency that shared it');
    for (const u of ['police', 'dpj']) assert.deepEqual(await alerts(u), [], u);
  });

  it('past the dates: each kind for the right users, and for nobody else', async () => {
    f.advance(73 * 3600);
    for (const u of Object.keys(tok)) tok[u] = await f.login(u); // sessions expire meanwhile
    const c = await alerts('coordo');
    assert.ok(has(c, 'action_overdue', S), JSON.stringify(c));
    assert.ok(has(c, 'review_due', S));
    assert.ok(has(c, 'protective_order_expiring', S, po10));
    assert.ok(!has(c, 'protective_order_expiring', S, po30));
    assert.ok(has(c, 'urgent_waiting', S2), 'urgent and on no meeting within 72 h');
    assert.ok(!has(c, 'urgent_waiting', S3), 'on the agenda of a meeting within the target');
    const ref = await alerts('refuge');
    assert.ok(has(ref, 'action_overdue', S), 'the owner agency');
    assert.ok(has(ref, 'protective_order_expiring', S, po10));
    assert.ok(!ref.some((a) => a.kind === 'review_due' || a.kind === 'urgent_waiting'), 'coordinators only');
    for (const u of ['police', 'dpj']) assert.deepEqual(await alerts(u), [], u);
    for (const a of c) {
      assert.deepEqual(Object.keys(a).sort(), ['id', 'kind', 'since', 'situation_id']);
      assert.ok(!JSON.stringify(a).includes('Secretname') && !JSON.stringify(a).includes('Alice'));
    }
  });

  it('filet alerts run stores them once: twice adds nothing', async () => {
    const first = runCli();
    assert.ok(first.added >= 4, JSON.stringify(first));
    assert.equal(runCli().added, 0);
    const c = await alerts('coordo');
    const ids = c.map((a) => a.id);
    assert.equal(new Set(ids).size, ids.length, 'the stored copies do not double the list');
  });

  it('a done action is no longer overdue', async () => {
    const net = (await call('refuge', 'GET', `/api/v1/situations/${S}/actions`)).body;
    const act = net.safety_net.flatMap((g) => g.actions)[0];
    const r = await call('refuge', 'PATCH', `/api/v1/actions/${act.id}`, { status: 'done', version: act.version });
    assert.equal(r.status, 200, r.raw);
    assert.ok(!has(await alerts('coordo'), 'action_overdue', S));
    assert.ok(!has(await alerts('refuge'), 'action_overdue', S));
  });
});
