// The safety net over HTTP (issue 6): actions around the persons of a
// situation. Who creates them (participants and the coordinator; 404 for
// everyone else), the owner agency taking part from then on, what
// `protects` accepts, who follows them up (the owner agency and the
// coordinator; 403 for other participants, 404 for the rest), stale
// versions, blocked with a reason, notes with their author, the overdue
// flag on the test clock, encryption at rest, each agency's own list
// (overdue first), and the suggested actions drawn from the Marina and
// Jeanne tables.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { startFilet, request } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };
const PHASES = ['first_contact_safety', 'risk_assessment_safety_plan', 'protective_orders', 'child_protection',
  'perpetrator_monitoring', 'relocation', 'long_term_recovery'];
const day = (f, n) => new Date((f.now() + n * 86400) * 1000).toISOString().slice(0, 10);

describe('the safety net: actions', () => {
  let f, sid, other;
  const me = {};
  const tok = {};
  const as = (u) => ({ ...J, Authorization: `Bearer ${tok[u]}` });
  const call = async (u, method, path, body) => {
    const r = await request(f.port, { method, path, headers: as(u), body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: r.body ? JSON.parse(r.body) : null, raw: r.body };
  };
  const create = (u, body, s = sid) => call(u, 'POST', `/api/v1/situations/${s}/actions`, body);
  const patch = (u, id, body) => call(u, 'PATCH', `/api/v1/actions/${id}`, body);
  const net = async (u, s = sid) => (await call(u, 'GET', `/api/v1/situations/${s}/actions`)).body;
  const find = (n, id) => n.safety_net.flatMap((g) => g.actions).find((a) => a.id === id);
  async function signIn() { for (const u of ['refuge', 'coordo', 'police', 'dpj', 'cavac', 'programme', 'admin', 'audit']) tok[u] = await f.login(u); }

  before(async () => {
    f = await startFilet();
    await signIn();
    for (const u of Object.keys(tok)) me[u] = (await call(u, 'GET', '/api/v1/me')).body;
    const referral = (name) => ({ summary: 'Menacée au couteau devant ses enfants.',
      persons: [{ ref: 'v1', role: 'victim', given_name: name, family_name: 'Lavoie' },
        { ref: 'p1', role: 'perpetrator', given_name: 'Jean', family_name: 'Roy' },
        { ref: 'c1', role: 'child', given_name: 'Léa', birth_date: '2019-06-01' }],
      consent: { status: 'given', scope: 'la cellule' } });
    sid = (await call('refuge', 'POST', '/api/v1/referrals', referral('Jeanne'))).body.situation_id;
    other = (await call('refuge', 'POST', '/api/v1/referrals', referral('Marina'))).body.situation_id;
    assert.equal((await call('coordo', 'POST', `/api/v1/situations/${sid}/participants`,
      { agency_id: agencyOf('dpj'), basis: 'consent' })).status, 201);
  });
  after(async () => { await f?.stop(); });

  const agencyOf = (u) => me[u].agency_id ?? me[u].agency?.id;
  const userId = (u) => me[u].id ?? me[u].user?.id;
  const ids = {};

  it('lets participants and the coordinator create actions; 404 for anyone else', async () => {
    const body = (title) => ({ title, phase: 'risk_assessment_safety_plan', protects: 'v1', owner_agency_id: agencyOf('refuge'), due_on: day(f, 10) });
    const r = await create('refuge', body('Plan de sécurité TITRE-SECRET-1'));
    assert.equal(r.status, 201, r.raw);
    assert.match(r.body.id, /^[a-z2-7]{26}$/);
    assert.equal(r.body.version, 1);
    assert.equal(r.body.owner_joined, false);
    ids.plan = r.body.id;
    assert.equal((await create('dpj', { ...body('Évaluer la sécurité des enfants'), phase: 'child_protection', protects: 'c1', owner_agency_id: agencyOf('dpj') })).status, 201);
    assert.equal((await create('coordo', body('Suivi par la coordination'))).status, 201);
    for (const u of ['police', 'cavac', 'programme', 'admin', 'audit']) {
      const x = await create(u, body('Intrus'));
      assert.equal(x.status, 404, `${u}: ${x.raw}`);
      assert.ok(!x.raw.includes(sid));
    }
    assert.equal((await create('refuge', { ...body('x'), extra: 1 })).status, 400, 'unknown field');
    assert.equal((await create('refuge', { ...body('x'), phase: 'prayer' })).status, 422);
    assert.equal((await create('refuge', { ...body('x'), due_on: '2025-02-30' })).status, 422);
    assert.equal((await create('refuge', { ...body('x'), owner_agency_id: 'aaaaaaaaaaaaaaaaaaaaaaaaaa' })).status, 422);
    assert.equal((await create('refuge', { ...body('') })).status, 422);
  });

  it('accepts as protects a person id or ref of the situation, nothing else', async () => {
    const base = { title: 'Cible', phase: 'first_contact_safety', owner_agency_id: agencyOf('refuge') };
    const view = (await call('refuge', 'GET', `/api/v1/situations/${sid}`)).body;
    const perp = view.persons.find((p) => p.ref === 'p1').id;
    const byId = await create('refuge', { ...base, protects: perp });
    assert.equal(byId.status, 201, byId.raw);
    assert.equal(byId.body.protects, perp);
    const byRef = await create('refuge', { ...base, protects: 'c1' });
    assert.equal(byRef.body.protects, view.persons.find((p) => p.ref === 'c1').id);
    const otherView = (await call('refuge', 'GET', `/api/v1/situations/${other}`)).body;
    for (const bad of ['x9', otherView.persons[0].id, '', 42]) {
      const r = await create('refuge', { ...base, protects: bad });
      assert.equal(r.status, 422, `${bad}: ${r.raw}`);
      assert.equal(r.body.error.field, 'protects');
      assert.ok(r.body.error.message.length > 10);
    }
  });

  it('makes the owner agency a participant (basis action_owner): it could not see the situation, now it can', async () => {
    assert.equal((await call('police', 'GET', `/api/v1/situations/${sid}`)).status, 404);
    const r = await create('refuge', { title: 'Demander une ordonnance de protection d’urgence', phase: 'protective_orders',
      protects: 'v1', owner_agency_id: agencyOf('police'), due_on: day(f, 2) });
    assert.equal(r.status, 201, r.raw);
    assert.equal(r.body.owner_joined, true);
    ids.order = r.body.id;
    assert.equal((await call('police', 'GET', `/api/v1/situations/${sid}`)).status, 200);
    const parts = (await call('coordo', 'GET', `/api/v1/situations/${sid}/participants`)).body.participants;
    assert.equal(parts.find((p) => p.agency_id === agencyOf('police')).basis, 'action_owner');
  });

  it('lets the owner agency and the coordinator follow up; 403 for other participants, 404 for the rest', async () => {
    const ok = await patch('police', ids.order, { status: 'in_progress', note: 'Demande déposée NOTE-SECRETE-1', version: 1 });
    assert.equal(ok.status, 200, ok.raw);
    assert.deepEqual(ok.body, { id: ids.order, status: 'in_progress', version: 2 });
    const refused = await patch('dpj', ids.order, { status: 'done', version: 2 });
    assert.equal(refused.status, 403, refused.raw);
    assert.equal((await patch('refuge', ids.order, { status: 'done', version: 2 })).status, 403, 'the referrer is not the owner');
    for (const u of ['cavac', 'programme', 'admin', 'audit']) {
      const r = await patch(u, ids.order, { status: 'done', version: 2 });
      assert.equal(r.status, 404, u);
      assert.deepEqual(JSON.parse(r.raw), JSON.parse((await patch(u, 'aaaaaaaaaaaaaaaaaaaaaaaaaa', { status: 'done', version: 2 })).raw));
    }
    const coord = await patch('coordo', ids.order, { note: 'Vu en cellule', version: 2 });
    assert.equal(coord.status, 200, coord.raw);
    assert.equal(coord.body.version, 3);
    assert.equal(coord.body.status, 'in_progress');
  });

  it('refuses a stale version (409) and a malformed follow-up', async () => {
    const stale = await patch('police', ids.order, { status: 'done', version: 2 });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'stale_version');
    assert.equal((await patch('police', ids.order, { status: 'done' })).status, 422, 'no version');
    assert.equal((await patch('police', ids.order, { status: 'finished', version: 3 })).status, 422);
    assert.equal((await patch('police', ids.order, { version: 3 })).status, 422, 'nothing to do');
    assert.equal((await patch('police', ids.order, { status: 'done', version: 3, owner: 'x' })).status, 400);
  });

  it('needs a reason to block an action', async () => {
    const r = await patch('police', ids.order, { status: 'blocked', version: 3 });
    assert.equal(r.status, 422);
    assert.equal(r.body.error.field, 'reason');
    const ok = await patch('police', ids.order, { status: 'blocked', reason: 'En attente du tribunal BLOCAGE-SECRET', version: 3 });
    assert.equal(ok.status, 200, ok.raw);
    const a = find(await net('coordo'), ids.order);
    assert.equal(a.status, 'blocked');
    assert.equal(a.blocked_reason, 'En attente du tribunal BLOCAGE-SECRET');
    const back = await patch('police', ids.order, { status: 'in_progress', version: 4 });
    assert.equal(back.status, 200);
    assert.equal(find(await net('coordo'), ids.order).blocked_reason, null);
  });

  it('shows the safety net per protected person, with owner, due date and the notes with their author', async () => {
    const n = await net('dpj');
    assert.equal(n.situation_id, sid);
    assert.deepEqual(n.safety_net.map((g) => g.person.ref).sort(), ['c1', 'p1', 'v1']);
    const victim = n.safety_net.find((g) => g.person.ref === 'v1');
    assert.ok(victim.actions.every((a) => a.protects === victim.person.id));
    const a = find(n, ids.order);
    assert.equal(a.phase, 'protective_orders');
    assert.equal(a.owner_agency_id, agencyOf('police'));
    assert.match(a.owner_agency, /police/i);
    assert.equal(a.due_on, day(f, 2));
    assert.equal(a.overdue, false);
    assert.equal(a.version, 5);
    assert.equal(a.can_update, false, 'dpj is not the owner');
    assert.equal(find(await net('police'), ids.order).can_update, true);
    assert.deepEqual(a.notes.map((x) => [x.author_id, x.text]),
      [[userId('police'), 'Demande déposée NOTE-SECRETE-1'], [userId('coordo'), 'Vu en cellule']]);
    assert.ok(a.notes.every((x) => /^\d{4}-\d\d-\d\dT/.test(x.at) && x.author.length > 0));
    const kids = n.safety_net.find((g) => g.person.ref === 'c1').actions;
    assert.ok(kids.some((x) => x.phase === 'child_protection'));
    for (const u of ['cavac', 'programme', 'admin', 'audit'])
      assert.equal((await call(u, 'GET', `/api/v1/situations/${sid}/actions`)).status, 404, u);
  });

  it('flags overdue actions on the test clock (not done or cancelled ones)', async () => {
    const done = await create('police', { title: 'Arme retirée', phase: 'protective_orders', protects: 'v1',
      owner_agency_id: agencyOf('police'), due_on: day(f, 1) });
    assert.equal((await patch('police', done.body.id, { status: 'done', version: 1 })).status, 200);
    ids.done = done.body.id;
    const later = await create('police', { title: 'Surveiller le respect des conditions', phase: 'perpetrator_monitoring',
      protects: 'p1', owner_agency_id: agencyOf('police'), due_on: day(f, 30) });
    ids.later = later.body.id;
    f.advance(3 * 86400);
    await signIn();
    const n = await net('coordo');
    assert.equal(find(n, ids.order).overdue, true, 'due two days ago from now, in progress');
    assert.equal(find(n, ids.done).overdue, false, 'done');
    assert.equal(find(n, ids.later).overdue, false, 'not due yet');
    assert.equal(find(n, ids.plan).overdue, false);
  });

  it('lists the caller\'s agency\'s actions across situations, overdue first', async () => {
    // One more for police in the other situation, due later still.
    const o = await create('refuge', { title: 'Protection pendant le déménagement', phase: 'relocation', protects: 'v1',
      owner_agency_id: agencyOf('police'), due_on: day(f, 60) }, other);
    assert.equal(o.status, 201);
    const r = await call('police', 'GET', '/api/v1/actions?mine=1');
    assert.equal(r.status, 200, r.raw);
    const list = r.body.actions;
    assert.deepEqual(list.map((a) => a.id), [ids.order, ids.later, o.body.id, ids.done]);
    assert.equal(list[0].overdue, true);
    assert.ok(list.every((a) => a.owner_agency_id === agencyOf('police')));
    assert.deepEqual([...new Set(list.map((a) => a.situation_id))].sort(), [sid, other].sort());
    const dpj = (await call('dpj', 'GET', '/api/v1/actions?mine=1')).body.actions;
    assert.ok(dpj.length === 1 && dpj[0].phase === 'child_protection');
    for (const u of ['admin', 'audit', 'programme'])
      assert.deepEqual((await call(u, 'GET', '/api/v1/actions?mine=1')).body.actions, [], u);
    assert.equal((await call('police', 'GET', '/api/v1/actions')).status, 400);
  });

  it('keeps titles, reasons and notes out of the database file in clear', () => {
    const files = [f.db, `${f.db}-wal`].filter(existsSync);
    // The search works: plain columns (the phase ids) are found.
    assert.ok(files.some((file) => readFileSync(file).includes(Buffer.from('perpetrator_monitoring'))));
    for (const file of files) {
      const raw = readFileSync(file);
      for (const s of ['TITRE-SECRET-1', 'NOTE-SECRETE-1', 'BLOCAGE-SECRET', 'Protection pendant le déménagement'])
        assert.equal(raw.indexOf(Buffer.from(s)), -1, `${s} in ${file}`);
    }
  });

  it('serves suggested actions for every phase and every partner of the Marina and Jeanne tables', async () => {
    const r = await call('refuge', 'GET', '/api/v1/suggested-actions');
    assert.equal(r.status, 200, r.raw);
    const all = r.body.suggestions;
    for (const p of PHASES) assert.ok(all.some((s) => s.phase === p), `no suggestion for ${p}`);
    // Police, helpline and victim support, health, social services, the
    // domestic-violence specialist (shelter), the prosecutor (justice), legal
    // aid, child protection, immigration, mental health, probation, and the
    // perpetrator programme.
    const partners = ['police', 'victim_support', 'health', 'social_services', 'shelter', 'justice', 'legal_aid',
      'child_protection', 'immigration', 'mental_health', 'probation', 'perpetrator_programme'];
    for (const s of partners) assert.ok(all.some((x) => x.sector === s), `no suggestion for ${s}`);
    assert.ok(all.every((s) => s.fr && s.en && (s.title === s.fr || s.title === s.en)));
    assert.ok(all.some((s) => /ordonnance de protection d’urgence/.test(s.fr) && s.sector === 'police'));
    const some = (await call('refuge', 'GET', '/api/v1/suggested-actions?phase=relocation&sector=immigration')).body.suggestions;
    assert.ok(some.length >= 1 && some.every((s) => s.phase === 'relocation' && s.sector === 'immigration'));
    assert.equal((await call('refuge', 'GET', '/api/v1/suggested-actions?phase=prayer')).status, 400);
    const anon = await request(f.port, { path: '/api/v1/suggested-actions' });
    assert.equal(anon.status, 401);
  });
});
