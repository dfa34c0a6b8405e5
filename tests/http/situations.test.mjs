// Referrals, assessments and triage over HTTP: the rules a referral must
// meet (422 with the problems listed), repeats within 12 months (11 months
// yes, 13 months no), "known elsewhere" without leaking, scoring by the
// server, professional judgement, triage by the coordinator, and who sees
// what (404 for everyone else).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startFilet, request } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };
const sql = (db, q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();

function jeanne(extra = {}) {
  return {
    summary: 'Menacée au couteau devant ses deux enfants; arme à feu au domicile.',
    persons: [
      { ref: 'v1', role: 'victim', given_name: 'Jeanne', family_name: 'Lavoie', birth_date: '1993-05-02',
        safe_address: '12 rue des Érables, Trois-Rivières', safe_phone: '819-555-0101' },
      { ref: 'p1', role: 'perpetrator', given_name: 'Jean', family_name: 'Roy', birth_date: '1990-01-10' },
      { ref: 'c1', role: 'child', given_name: 'Léa', family_name: 'Roy', birth_date: '2019-06-01', child_of_perpetrator: true },
      { ref: 'c2', role: 'child', unborn: true, due_date: '2027-03-01' },
    ],
    consent: { status: 'given', scope: 'la cellule', conditions: 'pas à la police', excluded_sectors: ['police'] },
    relationships: [{ from: 'p1', to: 'v1', kind: 'ex_partner' }, { from: 'p1', to: 'c1', kind: 'parent' }],
    incidents_12m: 1,
    urgency: { separation: true },
    ...extra,
  };
}

describe('referrals, assessments and triage', () => {
  let f, tok = {};
  const as = (u) => ({ ...J, Authorization: `Bearer ${tok[u]}` });
  const post = (u, path, body) => request(f.port, { method: 'POST', path, headers: as(u), body: JSON.stringify(body) });
  const get = (u, path) => request(f.port, { path, headers: as(u) });
  let dash;
  // Moves the server's clock; sessions do not survive months, so sign in again.
  async function travel(seconds) {
    f.advance(seconds);
    for (const u of Object.keys(tok)) tok[u] = await f.login(u);
  }

  before(async () => {
    f = await startFilet();
    for (const u of ['refuge', 'coordo', 'police', 'cavac', 'admin', 'audit', 'dpj']) tok[u] = await f.login(u);
    dash = JSON.parse((await get('refuge', '/api/v1/instruments/dash-24-structure')).body);
  });
  after(async () => { await f.stop(); });

  it('accepts a complete referral and says nothing about others', async () => {
    const r = await post('refuge', '/api/v1/referrals', jeanne());
    assert.equal(r.status, 201);
    const b = JSON.parse(r.body);
    assert.match(b.situation_id, /^[a-z2-7]{26}$/);
    assert.equal(b.repeat_of, null);
    assert.equal(b.known_elsewhere, false);
    assert.equal(b.version, 1);
  });

  it('refuses a referral without consent and without a legal basis, explaining the rule', async () => {
    const r = await post('refuge', '/api/v1/referrals', jeanne({ consent: { status: 'refused' } }));
    assert.equal(r.status, 422);
    const e = JSON.parse(r.body).error;
    assert.equal(e.code, 'referral_refused');
    const p = e.problems.find((x) => x.field === 'legal_basis');
    assert.ok(p, JSON.stringify(e.problems));
    assert.match(p.message, /exception de sécurité|safety exception/);
    const noJust = await post('refuge', '/api/v1/referrals', jeanne({ consent: { status: 'not_sought' }, legal_basis: 'safety_exception' }));
    assert.equal(noJust.status, 422);
    assert.ok(JSON.parse(noJust.body).error.problems.some((x) => x.field === 'justification'));
    const ok = await post('refuge', '/api/v1/referrals', jeanne({ consent: { status: 'refused' }, legal_basis: 'safety_exception',
      justification: 'Menaces de mort et arme à feu : risque sérieux et imminent.' }));
    assert.equal(ok.status, 201);
    const consentBasis = await post('refuge', '/api/v1/referrals', jeanne({ consent: { status: 'refused' }, legal_basis: 'consent' }));
    assert.equal(consentBasis.status, 422, 'consent cannot be the basis when it was refused');
  });

  it('lists every problem at once: victim, perpetrator, dates, roles', async () => {
    const r = await post('refuge', '/api/v1/referrals', {
      summary: '', consent: { status: 'given' },
      persons: [{ role: 'friend', given_name: 'X' }, { role: 'child', given_name: 'Y', birth_date: '2999-01-01' },
        { role: 'child', given_name: 'Z', birth_date: '2020-02-30' }],
    });
    assert.equal(r.status, 422);
    const fields = JSON.parse(r.body).error.problems.map((p) => p.field);
    for (const f1 of ['summary', 'persons[0].role', 'persons[1].birth_date', 'persons[2].birth_date', 'persons'])
      assert.ok(fields.includes(f1), `${f1} in ${fields}`);
    const unknownPerp = await post('refuge', '/api/v1/referrals', {
      summary: 'Agresseur non identifié', consent: { status: 'given' }, perpetrator_unknown: true,
      persons: [{ role: 'victim', given_name: 'Anne' }] });
    assert.equal(unknownPerp.status, 201, 'an explicitly unknown perpetrator is accepted');
  });

  it('refuses unknown fields with 400, and saves nothing half-way', async () => {
    const before = sql(f.db, 'SELECT count(*) FROM situations') + '/' + sql(f.db, 'SELECT count(*) FROM persons');
    const r = await post('refuge', '/api/v1/referrals', jeanne({ colour: 'blue' }));
    assert.equal(r.status, 400);
    assert.equal(JSON.parse(r.body).error.code, 'unknown_field');
    const p = await post('refuge', '/api/v1/referrals', { ...jeanne(), persons: [{ ...jeanne().persons[0], shoe_size: 38 }] });
    assert.equal(p.status, 400);
    const badRel = await post('refuge', '/api/v1/referrals', jeanne({ relationships: [{ from: 'p1', to: 'zz', kind: 'parent' }] }));
    assert.equal(badRel.status, 422, 'a relationship must name persons of the referral');
    const bad = await post('refuge', '/api/v1/referrals', { ...jeanne(), persons: [jeanne().persons[0]], perpetrator_unknown: false });
    assert.equal(bad.status, 422);
    assert.equal(sql(f.db, 'SELECT count(*) FROM situations') + '/' + sql(f.db, 'SELECT count(*) FROM persons'), before);
    const notJson = await request(f.port, { method: 'POST', path: '/api/v1/referrals', headers: as('refuge'), body: '{"summary":' });
    assert.equal(notJson.status, 400);
  });

  it('refuses referrals from admins and auditors', async () => {
    for (const u of ['admin', 'audit']) assert.equal((await post(u, '/api/v1/referrals', jeanne())).status, 403, u);
  });

  it('stores names, addresses and the summary encrypted', () => {
    const raw = readFileSync(f.db);
    for (const s of ['Lavoie', 'rue des', '819-555-0101', 'couteau', '1993-05-02'])
      assert.equal(raw.indexOf(Buffer.from(s)), -1, `${s} in the database file`);
  });

  it('shows the situation to its participants and the coordinator; 404 to everyone else', async () => {
    const { situation_id: id } = JSON.parse((await post('refuge', '/api/v1/referrals', jeanne())).body);
    const mine = await get('refuge', `/api/v1/situations/${id}`);
    assert.equal(mine.status, 200);
    const s = JSON.parse(mine.body);
    assert.equal(s.persons.find((p) => p.ref === 'v1').safe_address, '12 rue des Érables, Trois-Rivières');
    assert.equal(s.persons.find((p) => p.ref === 'c2').unborn, true);
    assert.deepEqual(s.consent.excluded_sectors, ['police']);
    const byRef = Object.fromEntries(s.persons.map((p) => [p.ref, p.id]));
    assert.deepEqual(s.relationships.map((x) => [x.from, x.to, x.kind]).sort(),
      [[byRef.p1, byRef.c1, 'parent'], [byRef.p1, byRef.v1, 'ex_partner']].sort());
    assert.deepEqual(s.history.map((h) => h.kind), ['referred']);
    const coord = JSON.parse((await get('coordo', `/api/v1/situations/${id}`)).body);
    assert.equal(coord.persons.find((p) => p.ref === 'v1').safe_phone, '819-555-0101');
    for (const u of ['police', 'cavac', 'admin', 'audit']) {
      const r = await get(u, `/api/v1/situations/${id}`);
      const missing = await get(u, '/api/v1/situations/aaaaaaaaaaaaaaaaaaaaaaaaaa');
      assert.equal(r.status, 404, u);
      assert.equal(r.body, missing.body, `${u}: not visible looks exactly like missing`);
      const list = JSON.parse((await get(u, '/api/v1/situations')).body).situations;
      assert.ok(!list.some((x) => x.id === id), `${u} lists it`);
    }
    assert.ok(JSON.parse((await get('coordo', '/api/v1/situations')).body).situations.some((x) => x.id === id));
    const refused = sql(f.db, `SELECT count(*) FROM audit_log WHERE action='access_refused' AND object_id='${id}'`);
    assert.ok(Number(refused) >= 4, 'refusals recorded');
    const reads = sql(f.db, `SELECT count(*) FROM audit_log WHERE action='read' AND object_id='${id}'`);
    assert.ok(Number(reads) >= 2, 'reads recorded');
  });

  it('detects a repeat at 11 months and not at 13', async () => {
    const people = (given) => ({ ...jeanne(), relationships: [{ from: 'p1', to: 'v1', kind: 'partner' }], persons: [
      { ref: 'v1', role: 'victim', given_name: given, family_name: 'Bélanger', birth_date: '1988-08-08' },
      { ref: 'p1', role: 'perpetrator', given_name: 'Marc', family_name: 'Côté', birth_date: '1985-03-03' }] });
    const first = JSON.parse((await post('refuge', '/api/v1/referrals', people('Sophie'))).body);
    await travel(11 * 30 * 86400); // 330 days
    const again = await post('cavac', '/api/v1/referrals', people('sophie'));
    const b = JSON.parse(again.body);
    assert.equal(again.status, 201);
    assert.equal(b.repeat_of, first.situation_id, 'same victim and perpetrator, written differently');
    assert.equal(b.known_elsewhere, true, 'she is in an active situation');
    const a = await post('cavac', `/api/v1/situations/${b.situation_id}/assessments`, { instrument: 'dash-24-structure', answers: {} });
    assert.equal(a.status, 201);
    const ab = JSON.parse(a.body);
    assert.equal(ab.refer, true, 'a repeat is re-referred whatever the score');
    assert.deepEqual(ab.criteria, ['repeat']);
    await travel(13 * 31 * 86400); // 13 months after the latest referral of these two
    const third = JSON.parse((await post('dpj', '/api/v1/referrals', people('Sophie'))).body);
    assert.equal(third.repeat_of, null, '13 months after the last referral: not a repeat');
  });

  it('tells only "known elsewhere", and alerts the coordinator', async () => {
    const marina = (agencyNote) => ({ summary: agencyNote, consent: { status: 'given' }, persons: [
      { ref: 'v1', role: 'victim', given_name: 'Marina', family_name: 'Petrova', birth_date: '1990-11-11' },
      { ref: 'p1', role: 'perpetrator', given_name: 'James', family_name: 'Wilson', birth_date: '1982-02-02' }] });
    const first = JSON.parse((await post('refuge', '/api/v1/referrals', marina('Agression grave'))).body);
    const second = await post('dpj', '/api/v1/referrals', { ...marina('Enfants en danger'),
      persons: [{ ref: 'v1', role: 'victim', given_name: 'Marina', family_name: 'Petrova', birth_date: '1990-11-11' },
        { ref: 'p1', role: 'perpetrator', given_name: 'Someone', family_name: 'Else', birth_date: '1970-01-01' }] });
    const b = JSON.parse(second.body);
    assert.equal(b.known_elsewhere, true);
    assert.equal(Object.keys(b).sort().join(), 'known_elsewhere,repeat_of,situation_id,version', 'nothing else is said');
    assert.equal((await get('dpj', `/api/v1/situations/${first.situation_id}`)).status, 404, 'the other situation stays invisible');
    const alerts = JSON.parse((await get('coordo', '/api/v1/alerts')).body).alerts;
    assert.ok(alerts.some((a) => a.kind === 'known_elsewhere' && a.situation_id === first.situation_id));
    assert.deepEqual(JSON.parse((await get('dpj', '/api/v1/alerts')).body).alerts, [], 'practitioners get no one else\'s alerts');
  });

  it('scores on the server: thresholds, critical items, judgement, escalation', async () => {
    const { situation_id: id } = JSON.parse((await post('refuge', '/api/v1/referrals', jeanne())).body);
    const yes = (n) => Object.fromEntries(dash.items.slice(0, n).map((i) => [i.id, 'yes']));
    const assess = (body) => post('refuge', `/api/v1/situations/${id}/assessments`, body);
    let r = JSON.parse((await assess({ instrument: 'dash-24-structure', answers: yes(13) })).body);
    assert.equal(r.level, 'medium');
    assert.equal(r.refer, false);
    r = JSON.parse((await assess({ instrument: 'dash-24-structure', answers: yes(14) })).body);
    assert.equal(r.level, 'high');
    assert.equal(r.refer, true);
    assert.deepEqual(r.criteria, ['visible_high_risk']);
    const unknowns = Object.fromEntries(dash.items.map((i) => [i.id, 'unknown']));
    r = JSON.parse((await assess({ instrument: 'dash-24-structure', answers: unknowns })).body);
    assert.equal(r.score, 0, 'unknown answers do not count');
    r = JSON.parse((await assess({ instrument: 'dash-24-structure', answers: yes(2), incidents_12m: 3 })).body);
    assert.deepEqual(r.criteria, ['potential_escalation']);
    r = JSON.parse((await assess({ instrument: 'dash-24-structure', answers: yes(2),
      judgement: { level: 'high', reason: 'Elle dit qu’il va la tuer ce soir.' } })).body);
    assert.equal(r.level, 'high');
    assert.ok(r.criteria.includes('professional_judgement'));
    const homicide = JSON.parse((await get('refuge', '/api/v1/instruments/filet-homicide-risk')).body);
    const critical = homicide.items.find((i) => i.critical);
    r = JSON.parse((await assess({ instrument: 'filet-homicide-risk', answers: { [critical.id]: 'yes' } })).body);
    assert.equal(r.level, 'imminent');
    assert.ok(r.criteria.includes('critical_item'));
    assert.deepEqual(r.flags, [critical.id]);
    const bad = await assess({ instrument: 'dash-24-structure', answers: { nope: 'yes' } });
    assert.equal(bad.status, 422);
    const badValue = await assess({ instrument: 'dash-24-structure', answers: { [dash.items[0].id]: 'maybe' } });
    assert.equal(badValue.status, 422);
    const noReason = await assess({ instrument: 'dash-24-structure', answers: {}, judgement: { level: 'high' } });
    assert.equal(noReason.status, 422);
    assert.equal((await post('police', `/api/v1/situations/${id}/assessments`, { instrument: 'dash-24-structure', answers: {} })).status, 404,
      'a non-participant cannot assess');
    const stored = JSON.parse((await get('refuge', `/api/v1/situations/${id}`)).body).assessments;
    assert.ok(stored.length >= 6);
    assert.ok(stored.every((a) => a.instrument_version === 1), 'the instrument version is kept with each assessment');
  });

  it('keeps both levels when judgement lowers, until a coordinator approves', async () => {
    const { situation_id: id } = JSON.parse((await post('refuge', '/api/v1/referrals', jeanne())).body);
    const answers = Object.fromEntries(dash.items.slice(0, 15).map((i) => [i.id, 'yes']));
    const r = JSON.parse((await post('refuge', `/api/v1/situations/${id}/assessments`, { instrument: 'dash-24-structure', answers,
      judgement: { level: 'medium', reason: 'Il est incarcéré pour deux ans.' } })).body);
    assert.equal(r.lowered, true);
    assert.equal(r.level, 'high', 'the computed level stands until approved');
    assert.ok((JSON.parse((await get('coordo', '/api/v1/alerts')).body).alerts).some((a) => a.kind === 'lowering_to_approve' && a.situation_id === id));
    assert.equal((await post('refuge', `/api/v1/situations/${id}/assessments/${r.id}/approve`, {})).status, 403);
    assert.equal((await post('coordo', `/api/v1/situations/${id}/assessments/${r.id}/approve`, {})).status, 200);
    assert.ok(!(JSON.parse((await get('coordo', '/api/v1/alerts')).body).alerts).some((a) => a.kind === 'lowering_to_approve' && a.situation_id === id),
      'approved: the alert is dealt with');
    const a = JSON.parse((await get('coordo', `/api/v1/situations/${id}`)).body).assessments.find((x) => x.id === r.id);
    assert.equal(a.level, 'medium');
    assert.equal(a.computed_level, 'high', 'both levels kept');
    assert.equal(a.approved, true);
  });

  it('gives the coordinator a queue in order of urgency, with a suggested route, and takes the decision', async () => {
    const low = JSON.parse((await post('refuge', '/api/v1/referrals', jeanne({ urgency: {} }))).body).situation_id;
    const high = JSON.parse((await post('refuge', '/api/v1/referrals', jeanne())).body).situation_id;
    const homicide = JSON.parse((await get('refuge', '/api/v1/instruments/filet-homicide-risk')).body);
    const critical = homicide.items.find((i) => i.critical);
    await post('refuge', `/api/v1/situations/${high}/assessments`, { instrument: 'filet-homicide-risk', answers: { [critical.id]: 'yes' } });
    const q = JSON.parse((await get('coordo', '/api/v1/triage')).body).queue;
    const hi = q.findIndex((x) => x.id === high), lo = q.findIndex((x) => x.id === low);
    assert.ok(hi >= 0 && lo >= 0);
    assert.ok(hi < lo, 'the critical one first');
    assert.equal(q[hi].suggested_route, 'urgent_cell');
    assert.ok(q[hi].rule.length > 10, 'the rule is explained');
    for (const u of ['refuge', 'police', 'admin', 'audit']) assert.equal((await get(u, '/api/v1/triage')).status, 403, u);
    assert.equal((await post('refuge', `/api/v1/situations/${high}/triage`, { route: 'urgent_cell', reason: 'x' })).status, 403,
      'a participant who is not coordinator cannot triage');
    assert.equal((await post('police', `/api/v1/situations/${high}/triage`, { route: 'urgent_cell', reason: 'x' })).status, 404);
    assert.equal((await post('coordo', `/api/v1/situations/${high}/triage`, { route: 'urgent_cell' })).status, 422, 'a reason is required');
    const version = JSON.parse((await get('coordo', `/api/v1/situations/${high}`)).body).version;
    const ok = await post('coordo', `/api/v1/situations/${high}/triage`, { route: 'urgent_cell', reason: 'Élément critique', version });
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(ok.body).version, version + 1);
    const stale = await post('coordo', `/api/v1/situations/${high}/triage`, { route: 'conference', reason: 'Autre avis', version });
    assert.equal(stale.status, 409, 'two coordinators never silently overwrite each other');
    const s = JSON.parse((await get('coordo', `/api/v1/situations/${high}`)).body);
    assert.equal(s.status, 'triaged');
    assert.equal(s.triage.route, 'urgent_cell');
    assert.ok(!JSON.parse((await get('coordo', '/api/v1/triage')).body).queue.some((x) => x.id === high), 'out of the queue once triaged');
    // Past the territory's 72-hour target with no meeting: an alert.
    await travel(73 * 3600);
    const alerts = JSON.parse((await get('coordo', '/api/v1/alerts')).body).alerts;
    assert.ok(alerts.some((a) => a.kind === 'urgent_waiting' && a.situation_id === high));
  });
});

describe('territory rules', () => {
  let f;
  before(async () => { f = await startFilet(); });
  after(async () => { await f.stop(); });

  it('an admin sets the escalation threshold; assessments follow it; nobody else may', async () => {
    const admin = { ...J, Authorization: `Bearer ${await f.login('admin')}` };
    const coord = { ...J, Authorization: `Bearer ${await f.login('coordo')}` };
    const refuge = { ...J, Authorization: `Bearer ${await f.login('refuge')}` };
    const territory = JSON.parse((await request(f.port, { path: '/api/v1/territories', headers: admin })).body).territories[0].id;
    const patch = (h, body) => request(f.port, { method: 'PATCH', path: `/api/v1/territories/${territory}`, headers: h, body: JSON.stringify(body) });
    assert.equal((await patch(coord, { escalation_threshold: 2 })).status, 403);
    assert.equal((await patch(admin, { escalation_threshold: 0 })).status, 422);
    assert.equal((await patch(admin, { colour: 1 })).status, 400);
    const ok = await patch(admin, { escalation_threshold: 2, target_urgent_hours: 48 });
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(ok.body).target_urgent_hours, 48);
    const { situation_id: id } = JSON.parse((await request(f.port, { method: 'POST', path: '/api/v1/referrals', headers: refuge,
      body: JSON.stringify({ summary: 'x', consent: { status: 'given' }, perpetrator_unknown: true, persons: [{ role: 'victim', given_name: 'A' }] }) })).body);
    const a = JSON.parse((await request(f.port, { method: 'POST', path: `/api/v1/situations/${id}/assessments`, headers: refuge,
      body: JSON.stringify({ instrument: 'dash-24-structure', answers: {}, incidents_12m: 2 }) })).body);
    assert.deepEqual(a.criteria, ['potential_escalation']);
    assert.match(sql(f.db, "SELECT fields FROM audit_log WHERE object_type='territory' AND action='update'"), /escalation_threshold/);
  });
});
