// Cell meetings over HTTP: only the territory's coordinators convene them;
// the invited agencies see the meeting and, from the invitation on, the
// situations of its agenda (need to know), urgent ones first; nobody else
// learns it exists (404). Attendance needs the confidentiality
// undertaking; the quorum counts distinct agencies present. Minutes are
// encrypted and versioned (409 on a stale version). The calendar
// invitation carries no personal data.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { startFilet, request } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };
const VICTIM = 'Zbigniewska';
const SUMMARY = 'Etranglement-Kq7 devant les enfants';
const PLACE = 'Maison Qwertz-9 12 rue Cachee';
const MINUTES = 'Minutes-Secret-Vx4 plan de securite revu';
const DECISIONS = 'Decision-Secret-Ty2 accompagnement au tribunal';

describe('cell meetings', { concurrency: false }, () => {
  let f, M, S, S2;
  const tok = {}, users = {};
  const as = (u) => ({ ...J, Authorization: `Bearer ${tok[u]}` });
  const post = (u, path, body) => request(f.port, { method: 'POST', path, headers: as(u), body: JSON.stringify(body) });
  const get = (u, path) => request(f.port, { path, headers: as(u) });
  const meeting = async (u) => JSON.parse((await get(u, `/api/v1/meetings/${M}`)).body);
  const attend = (u, agency, accepted = true) => post(u, `/api/v1/meetings/${M}/attendance`,
    { agency_id: users[agency].agency_id, undertaking_accepted: accepted });

  before(async () => {
    f = await startFilet();
    for (const u of ['refuge', 'coordo', 'police', 'cavac', 'dpj', 'programme', 'admin']) tok[u] = await f.login(u);
    for (const u of JSON.parse((await get('admin', '/api/v1/users')).body).users) users[u.username] = u;
    const referral = (summary, family) => post('refuge', '/api/v1/referrals', {
      summary, consent: { status: 'given' }, perpetrator_unknown: true,
      persons: [{ ref: 'v1', role: 'victim', given_name: 'Ana', family_name: family }] });
    S = JSON.parse((await referral(SUMMARY, VICTIM)).body).situation_id;
    S2 = JSON.parse((await referral('Deuxieme situation', 'Autre')).body).situation_id;
    const t = await post('coordo', `/api/v1/situations/${S}/triage`, { route: 'urgent_cell', reason: 'Menaces de mort.' });
    assert.equal(t.status, 200, t.body);
  });
  after(async () => { await f?.stop(); });

  it('is convened by the coordinator only', async () => {
    const body = { kind: 'urgent', starts_at: '2031-03-04T14:30:00Z', place: PLACE,
      invited: [users.dpj.agency_id] };
    for (const u of ['refuge', 'police', 'cavac', 'admin'])
      assert.equal((await post(u, '/api/v1/meetings', body)).status, 403, u);
    assert.equal((await post('coordo', '/api/v1/meetings', { ...body, kind: 'party' })).status, 422);
    assert.equal((await post('coordo', '/api/v1/meetings', { ...body, starts_at: '2031-03-04 14:30' })).status, 422);
    assert.equal((await post('coordo', '/api/v1/meetings', { ...body, colour: 'red' })).status, 400);
    const r = await post('coordo', '/api/v1/meetings', body);
    assert.equal(r.status, 201, r.body);
    M = JSON.parse(r.body).id;
    assert.equal(JSON.parse(r.body).version, 1);
    const m = await meeting('coordo');
    assert.equal(m.kind, 'urgent');
    assert.equal(m.place, PLACE);
    assert.deepEqual(m.quorum, { required: 3, present: 0, met: false });
  });

  it('is seen by the coordinator and the invited agencies only; others get the 404 of a missing one', async () => {
    assert.equal((await get('dpj', `/api/v1/meetings/${M}`)).status, 200);
    const hidden = await get('police', `/api/v1/meetings/${M}`);
    const missing = await get('police', '/api/v1/meetings/abcdefghijklmnopqrstuvwxyz');
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body, missing.body);
    for (const u of ['programme', 'refuge', 'admin']) assert.equal((await get(u, `/api/v1/meetings/${M}`)).status, 404, u);
    assert.ok((await get('dpj', '/api/v1/meetings')).body.includes(M));
    assert.ok((await get('coordo', '/api/v1/meetings')).body.includes(M));
    assert.ok(!(await get('programme', '/api/v1/meetings')).body.includes(M));
  });

  it('makes the invited agencies participants of the agenda situations, urgent first', async () => {
    assert.equal((await get('dpj', `/api/v1/situations/${S}`)).status, 404, 'not before the agenda');
    assert.equal((await post('dpj', `/api/v1/meetings/${M}/agenda`, { situation_id: S })).status, 403);
    assert.equal((await post('police', `/api/v1/meetings/${M}/agenda`, { situation_id: S })).status, 404);
    assert.equal((await post('coordo', `/api/v1/meetings/${M}/agenda`, { situation_id: 'abcdefghijklmnopqrstuvwxyz' })).status, 422);
    assert.equal((await post('coordo', `/api/v1/meetings/${M}/agenda`, { situation_id: S2 })).status, 201);
    assert.equal((await post('coordo', `/api/v1/meetings/${M}/agenda`, { situation_id: S })).status, 201);
    assert.equal((await post('coordo', `/api/v1/meetings/${M}/agenda`, { situation_id: S })).status, 409);
    assert.equal((await get('dpj', `/api/v1/situations/${S}`)).status, 200, 'a participant now');
    const parts = JSON.parse((await get('dpj', `/api/v1/situations/${S}/participants`)).body).participants;
    assert.ok(parts.some((p) => p.agency_id === users.dpj.agency_id && p.basis === 'meeting_invitation'));
    const agenda = (await meeting('dpj')).agenda;
    assert.deepEqual(agenda.map((a) => a.situation_id), [S, S2], 'urgent first');
    assert.equal(agenda[0].urgent, true);
    // Invited later: a participant of the whole agenda from the invitation on.
    assert.equal((await get('police', `/api/v1/situations/${S2}`)).status, 404);
    assert.equal((await post('dpj', `/api/v1/meetings/${M}/invitations`, { agency_id: users.police.agency_id })).status, 403);
    assert.equal((await post('coordo', `/api/v1/meetings/${M}/invitations`, { agency_id: users.police.agency_id })).status, 201);
    assert.equal((await post('coordo', `/api/v1/meetings/${M}/invitations`, { agency_id: users.police.agency_id })).status, 409);
    assert.equal((await get('police', `/api/v1/meetings/${M}`)).status, 200);
    assert.equal((await get('police', `/api/v1/situations/${S2}`)).status, 200);
    assert.equal((await get('programme', `/api/v1/situations/${S}`)).status, 404, 'not invited, not a participant');
  });

  it('records attendance only with the confidentiality undertaking, and counts the quorum', async () => {
    const no = await attend('police', 'police', false);
    assert.equal(no.status, 422);
    assert.match(JSON.parse(no.body).error.message, /confidentialit/i);
    assert.equal((await attend('police', 'dpj')).status, 403, 'a representative records for their own agency only');
    assert.equal((await attend('refuge', 'refuge')).status, 404, 'not invited');
    assert.equal((await attend('coordo', 'programme')).status, 422, 'the agency is not invited');
    const yes = await attend('police', 'police');
    assert.equal(yes.status, 201, yes.body);
    assert.deepEqual(JSON.parse(yes.body).quorum, { required: 3, present: 1, met: false });
    assert.equal((await attend('coordo', 'police')).status, 201, 'twice is still one agency');
    assert.equal((await attend('dpj', 'dpj')).status, 201);
    assert.deepEqual((await meeting('coordo')).quorum, { required: 3, present: 2, met: false });
    assert.equal((await post('coordo', `/api/v1/meetings/${M}/invitations`, { agency_id: users.refuge.agency_id })).status, 201);
    assert.equal((await attend('coordo', 'refuge')).status, 201);
    assert.deepEqual((await meeting('dpj')).quorum, { required: 3, present: 3, met: true });
  });

  it('keeps minutes per situation, versioned, encrypted at rest', async () => {
    const path = `/api/v1/meetings/${M}/minutes`;
    assert.equal((await post('dpj', path, { situation_id: S, text: 'x', decisions: 'y' })).status, 403);
    assert.equal((await post('programme', path, { situation_id: S, text: 'x', decisions: 'y' })).status, 404);
    const m0 = await post('coordo', '/api/v1/meetings', { kind: 'scheduled', starts_at: '2031-04-01T13:00:00Z' });
    const other = JSON.parse(m0.body).id;
    assert.equal((await post('coordo', `/api/v1/meetings/${other}/minutes`, { situation_id: S, text: 'x' })).status, 422, 'not on that agenda');
    const first = await post('coordo', path, { situation_id: S, text: MINUTES, decisions: DECISIONS });
    assert.equal(first.status, 201, first.body);
    assert.equal(JSON.parse(first.body).version, 1);
    assert.equal((await post('coordo', path, { situation_id: S, text: 'sans version' })).status, 409);
    const second = await post('coordo', path, { situation_id: S, text: `${MINUTES} (revu)`, decisions: DECISIONS, version: 1 });
    assert.equal(second.status, 200, second.body);
    assert.equal(JSON.parse(second.body).version, 2);
    const stale = await post('coordo', path, { situation_id: S, text: 'perdu', decisions: 'perdu', version: 1 });
    assert.equal(stale.status, 409);
    const m = (await meeting('dpj')).agenda.find((a) => a.situation_id === S).minutes;
    assert.equal(m.text, `${MINUTES} (revu)`);
    assert.equal(m.decisions, DECISIONS);
    assert.equal(m.version, 2);
    for (const file of [f.db, `${f.db}-wal`].filter(existsSync)) {
      const raw = readFileSync(file);
      for (const s of [MINUTES, DECISIONS, PLACE]) assert.equal(raw.indexOf(Buffer.from(s)), -1, `${s} in ${file}`);
    }
  });

  it('sends a calendar invitation without personal data, to the invited and the coordinator only', async () => {
    for (const u of ['dpj', 'coordo']) {
      const r = await get(u, `/api/v1/meetings/${M}/calendar.ics`);
      assert.equal(r.status, 200, u);
      assert.match(r.headers['content-type'], /^text\/calendar/);
      assert.match(r.body, /^BEGIN:VCALENDAR\r\n/);
      assert.match(r.body, /\r\nBEGIN:VEVENT\r\n/);
      assert.match(r.body, new RegExp(`\\r\\nUID:${M}@`));
      assert.match(r.body, /\r\nDTSTAMP:\d{8}T\d{6}Z\r\n/);
      assert.match(r.body, /\r\nDTSTART:20310304T143000Z\r\n/);
      assert.match(r.body, /\r\nSUMMARY:(Rencontre de la cellule \(urgente\)|Cell meeting \(urgent\))\r\n/);
      assert.match(r.body, /END:VCALENDAR\r\n$/);
      for (const s of [VICTIM, 'Ana', SUMMARY, 'Etranglement', PLACE, 'Qwertz', MINUTES, S, S2])
        assert.ok(!r.body.includes(s), `${s} in the calendar`);
    }
    for (const u of ['programme', 'cavac', 'admin'])
      assert.equal((await get(u, `/api/v1/meetings/${M}/calendar.ics`)).status, 404, u);
  });

  it('takes the territory\'s quorum when the meeting sets none, its own otherwise', async () => {
    const territory = JSON.parse((await get('admin', '/api/v1/territories')).body).territories[0].id;
    const set = await request(f.port, { method: 'PATCH', path: `/api/v1/territories/${territory}`, headers: as('admin'),
      body: JSON.stringify({ meeting_quorum: 2 }) });
    assert.equal(set.status, 200, set.body);
    const convene = async (extra) => {
      const r = await post('coordo', '/api/v1/meetings', { kind: 'clinical', starts_at: '2031-06-01T13:00:00Z',
        invited: [users.dpj.agency_id, users.police.agency_id], ...extra });
      assert.equal(r.status, 201, r.body);
      return JSON.parse(r.body).id;
    };
    const byTerritory = await convene({}), own = await convene({ quorum: 4 });
    const quorum = async (id) => JSON.parse((await get('coordo', `/api/v1/meetings/${id}`)).body).quorum;
    assert.deepEqual(await quorum(byTerritory), { required: 2, present: 0, met: false });
    assert.deepEqual(await quorum(own), { required: 4, present: 0, met: false });
    for (const u of ['dpj', 'police'])
      assert.equal((await post('coordo', `/api/v1/meetings/${byTerritory}/attendance`, { agency_id: users[u].agency_id,
        undertaking_accepted: true })).status, 201);
    assert.deepEqual(await quorum(byTerritory), { required: 2, present: 2, met: true });
  });
});
