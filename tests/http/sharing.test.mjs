// Need-to-know sharing over HTTP: participation decided by the
// coordinator, information with its legal basis (and decisions not to
// share), consent conditions that bind ("not to police"), sensitive items
// and contact fields shown only to the agencies named, exclusions raising
// alerts, time-limited participation, and the disclosure register.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startFilet, request } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };

describe('need-to-know sharing', () => {
  let f, tok = {}, agencies = {}, users = {}, S;
  const as = (u) => ({ ...J, Authorization: `Bearer ${tok[u]}` });
  const post = (u, path, body) => request(f.port, { method: 'POST', path, headers: as(u), body: JSON.stringify(body) });
  const get = (u, path) => request(f.port, { path, headers: as(u) });
  const view = async (u) => (await get(u, `/api/v1/situations/${S}`));

  before(async () => {
    f = await startFilet();
    for (const u of ['refuge', 'coordo', 'police', 'cavac', 'dpj', 'programme', 'admin', 'audit']) tok[u] = await f.login(u);
    for (const a of JSON.parse((await get('refuge', '/api/v1/agencies')).body).agencies) agencies[a.sector + (a.name.includes('CAVAC') ? ':cavac' : '')] = a.id;
    for (const u of JSON.parse((await get('admin', '/api/v1/users')).body).users) users[u.username] = u;
    const r = await post('refuge', '/api/v1/referrals', {
      summary: 'Marina, agression grave; nie tout devant la police.',
      persons: [
        { ref: 'v1', role: 'victim', given_name: 'Marina', family_name: 'Kovacs', birth_date: '1990-11-11',
          safe_address: 'SECRET-ADDRESS 77 chemin du Lac', safe_phone: 'SECRET-PHONE 819-555-0177' },
        { ref: 'p1', role: 'perpetrator', given_name: 'James', family_name: 'Hart', birth_date: '1982-02-02' }],
      consent: { status: 'given', scope: 'cellule', conditions: 'pas à la police', excluded_sectors: ['police'] },
    });
    S = JSON.parse(r.body).situation_id;
  });
  after(async () => { await f.stop(); });

  it('the coordinator adds agencies on a basis with a justification; nobody else can', async () => {
    const add = (u, body) => post(u, `/api/v1/situations/${S}/participants`, body);
    assert.equal((await add('refuge', { agency_id: users.dpj.agency_id, basis: 'safety_exception', justification: 'x' })).status, 403);
    assert.equal((await add('police', { agency_id: users.police.agency_id, basis: 'safety_exception', justification: 'x' })).status, 404);
    assert.equal((await add('coordo', { agency_id: users.dpj.agency_id, basis: 'safety_exception' })).status, 422, 'justification needed');
    assert.equal((await view('dpj')).status, 404, 'not yet a participant');
    for (const u of ['dpj', 'police', 'cavac', 'programme']) {
      const r = await add('coordo', { agency_id: users[u].agency_id, basis: 'safety_exception',
        justification: 'Enfants exposés; menaces de mort : risque sérieux et imminent.' });
      assert.equal(r.status, 201, u);
    }
    assert.equal((await view('dpj')).status, 200, 'a participant now');
    const parts = JSON.parse((await get('dpj', `/api/v1/situations/${S}/participants`)).body).participants;
    assert.ok(parts.some((p) => p.basis === 'referrer'));
    assert.ok(parts.some((p) => p.agency_id === users.police.agency_id && p.basis === 'safety_exception'));
  });

  it('shows contact fields only to the agencies named on them, never to the perpetrator programme by default', async () => {
    for (const u of ['refuge', 'coordo']) {
      const b = (await view(u)).body;
      assert.ok(b.includes('SECRET-ADDRESS'), u);
      assert.ok(b.includes('SECRET-PHONE'), u);
    }
    for (const u of ['dpj', 'police', 'programme', 'cavac']) {
      const r = await view(u);
      assert.equal(r.status, 200, u);
      assert.ok(!r.body.includes('SECRET-ADDRESS') && !r.body.includes('SECRET-PHONE'), `${u} sees the contact details`);
      const victim = JSON.parse(r.body).persons.find((p) => p.role === 'victim');
      assert.deepEqual(Object.keys(victim.safe_address).sort(), ['ask', 'restricted']);
    }
    const victim = JSON.parse((await view('coordo')).body).persons.find((p) => p.role === 'victim');
    const put = await request(f.port, { method: 'PUT', path: `/api/v1/situations/${S}/persons/${victim.id}/contact-visibility`,
      headers: as('coordo'), body: JSON.stringify({ visible_to: [users.refuge.agency_id, users.dpj.agency_id] }) });
    assert.equal(put.status, 200);
    assert.ok((await view('dpj')).body.includes('SECRET-ADDRESS'), 'named now');
    assert.ok(!(await view('programme')).body.includes('SECRET-ADDRESS'));
    const outsider = await request(f.port, { method: 'PUT', path: `/api/v1/situations/${S}/persons/${victim.id}/contact-visibility`,
      headers: as('coordo'), body: JSON.stringify({ visible_to: [users.admin.agency_id === users.coordo.agency_id ? 'zzzzzzzzzzzzzzzzzzzzzzzzzz' : users.admin.agency_id] }) });
    assert.equal(outsider.status, 422, 'only participating agencies can be named');
  });

  it('binds the victim\'s consent conditions: not to police, unless another basis is recorded', async () => {
    const r1 = await post('refuge', `/api/v1/situations/${S}/information`, { category: 'incident_history',
      content: 'CONSENT-ITEM trois appels au 911 cette année', basis: 'consent' });
    assert.equal(r1.status, 201);
    const r2 = await post('dpj', `/api/v1/situations/${S}/information`, { category: 'child_protection',
      content: 'SAFETY-ITEM signalement retenu pour les trois enfants', basis: 'safety_exception',
      justification: 'Sécurité des enfants : risque sérieux.' });
    assert.equal(r2.status, 201);
    const police = (await get('police', `/api/v1/situations/${S}/information`)).body;
    assert.ok(!police.includes('CONSENT-ITEM'), 'police sees what the victim refused to share with police');
    assert.ok(police.includes('SAFETY-ITEM'));
    const item = JSON.parse(police).information.find((i) => i.category === 'incident_history');
    assert.equal(item.restricted, true);
    assert.ok(item.ask.length > 0, 'says whom to ask');
    for (const u of ['refuge', 'dpj', 'coordo', 'programme']) assert.ok((await get(u, `/api/v1/situations/${S}/information`)).body.includes('CONSENT-ITEM'), u);
  });

  it('refuses sharing without a valid basis, and records decisions not to share', async () => {
    const noJust = await post('dpj', `/api/v1/situations/${S}/information`, { category: 'health', content: 'x', basis: 'duty_to_report' });
    assert.equal(noJust.status, 422);
    const badCat = await post('dpj', `/api/v1/situations/${S}/information`, { category: 'gossip', content: 'x', basis: 'consent' });
    assert.equal(badCat.status, 422);
    const unknown = await post('dpj', `/api/v1/situations/${S}/information`, { category: 'health', content: 'x', basis: 'consent', colour: 1 });
    assert.equal(unknown.status, 400);
    const withheld = await post('police', `/api/v1/situations/${S}/information`, { category: 'criminal_record', shared: false,
      reason: 'Enquête en cours : communication prématurée.' });
    assert.equal(withheld.status, 201);
    assert.equal(JSON.parse(withheld.body).shared, false);
  });

  it('shows a sensitive item only to the agencies named, and says it exists to others', async () => {
    const r = await post('refuge', `/api/v1/situations/${S}/information`, { category: 'health', sensitive: true,
      content: 'SENSITIVE-ITEM suivi psychiatrique', basis: 'consent' });
    assert.equal(r.status, 201);
    assert.ok((await get('refuge', `/api/v1/situations/${S}/information`)).body.includes('SENSITIVE-ITEM'));
    assert.ok((await get('coordo', `/api/v1/situations/${S}/information`)).body.includes('SENSITIVE-ITEM'));
    for (const u of ['dpj', 'programme', 'police']) {
      const b = (await get(u, `/api/v1/situations/${S}/information`)).body;
      assert.ok(!b.includes('SENSITIVE-ITEM'), u);
      assert.ok(JSON.parse(b).information.some((i) => i.category === 'health' && i.restricted), `${u} learns it exists`);
    }
  });

  it('keeps the disclosure register for coordinators and auditors, shared and withheld, without contents', async () => {
    for (const u of ['coordo', 'audit']) {
      const r = await get(u, `/api/v1/disclosures?situation_id=${S}`);
      assert.equal(r.status, 200, u);
      const rows = JSON.parse(r.body).disclosures;
      assert.ok(rows.some((x) => x.shared === false && x.reason.includes('Enquête')), 'decisions not to share are listed');
      assert.ok(rows.some((x) => x.basis === 'safety_exception' && x.justification.includes('enfants')));
      assert.ok(!r.body.includes('SAFETY-ITEM') && !r.body.includes('CONSENT-ITEM'), 'no contents in the register');
      const consentRow = rows.find((x) => x.basis === 'consent' && x.category === 'incident_history');
      assert.deepEqual(consentRow.except_sectors, ['police'], 'the register says police did not get it');
    }
    for (const u of ['refuge', 'police', 'admin']) assert.equal((await get(u, '/api/v1/disclosures')).status, 403, u);
    const csv = await get('audit', `/api/v1/disclosures?situation_id=${S}&format=csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers['content-type'], /^text\/csv/);
    assert.match(csv.body, /"at","situation_id","category","shared"/);
    assert.ok(!csv.body.includes('SECRET-') && !csv.body.includes('-ITEM'), 'no values in the export');
    const audit = JSON.parse((await get('audit', '/api/v1/audit?object_type=disclosures')).body).rows;
    assert.ok(audit.some((x) => x.action === 'export'), 'the export is audited');
  });

  it('excludes a named user: treated as a non-participant, each attempt alerts the coordinator', async () => {
    assert.equal((await view('cavac')).status, 200);
    assert.equal((await post('cavac', `/api/v1/situations/${S}/exclusions`, { user_id: users.cavac.id, reason: 'x' })).status, 403);
    const ex = await post('coordo', `/api/v1/situations/${S}/exclusions`, { user_id: users.cavac.id,
      reason: 'Cousine de l’agresseur.' });
    assert.equal(ex.status, 201);
    const tries = [await view('cavac'), await get('cavac', `/api/v1/situations/${S}/information`)];
    for (const t of tries) assert.equal(t.status, 404);
    const missing = await get('cavac', '/api/v1/situations/aaaaaaaaaaaaaaaaaaaaaaaaaa');
    assert.equal(tries[0].body, missing.body, 'indistinguishable from a missing situation');
    assert.ok(!JSON.parse((await get('cavac', '/api/v1/situations')).body).situations.some((s) => s.id === S));
    const alerts = JSON.parse((await get('coordo', '/api/v1/alerts')).body).alerts.filter((a) => a.kind === 'excluded_attempt' && a.situation_id === S);
    assert.ok(alerts.length >= 2, 'each attempt raises an alert');
    assert.equal((await post('coordo', `/api/v1/situations/${S}/exclusions`, { user_id: users.cavac.id, reason: 'again' })).status, 409);
  });

  it('ends a participation on its end date', async () => {
    const r = await request(f.port, { method: 'PATCH', path: `/api/v1/situations/${S}/participants/${users.programme.agency_id}`,
      headers: as('coordo'), body: JSON.stringify({ ends_on: '2026-12-31' }) });
    assert.equal(r.status, 200);
    assert.equal((await view('programme')).status, 200, 'until the end date');
    f.advance(45 * 86400);
    tok.programme = await f.login('programme');
    tok.coordo = await f.login('coordo');
    assert.equal((await view('programme')).status, 404, 'after it');
    assert.equal((await view('coordo')).status, 200);
  });

  it('keeps every value out of the database file in clear', () => {
    const raw = readFileSync(f.db);
    for (const s of ['SECRET-ADDRESS', 'SECRET-PHONE', 'CONSENT-ITEM', 'SAFETY-ITEM', 'SENSITIVE-ITEM', 'Enquête en cours', 'Cousine'])
      assert.equal(raw.indexOf(Buffer.from(s)), -1, s);
  });
});

describe('closure ends need to know', () => {
  let f;
  before(async () => { f = await startFilet(); });
  after(async () => { await f.stop(); });

  it('only the referrer and the coordinators keep access once closed', async () => {
    const tok = {};
    for (const u of ['refuge', 'coordo', 'dpj', 'admin']) tok[u] = await f.login(u);
    const as = (u) => ({ ...J, Authorization: `Bearer ${tok[u]}` });
    const users = Object.fromEntries(JSON.parse((await request(f.port, { path: '/api/v1/users', headers: as('admin') })).body).users.map((u) => [u.username, u]));
    const S = JSON.parse((await request(f.port, { method: 'POST', path: '/api/v1/referrals', headers: as('refuge'),
      body: JSON.stringify({ summary: 'x', consent: { status: 'given' }, perpetrator_unknown: true, persons: [{ role: 'victim', given_name: 'A' }] }) })).body).situation_id;
    await request(f.port, { method: 'POST', path: `/api/v1/situations/${S}/participants`, headers: as('coordo'),
      body: JSON.stringify({ agency_id: users.dpj.agency_id, basis: 'safety_exception', justification: 'risque' }) });
    assert.equal((await request(f.port, { path: `/api/v1/situations/${S}`, headers: as('dpj') })).status, 200);
    const close = (u, body) => request(f.port, { method: 'POST', path: `/api/v1/situations/${S}/close`, headers: as(u), body: JSON.stringify(body) });
    const v = JSON.parse((await request(f.port, { path: `/api/v1/situations/${S}`, headers: as('coordo') })).body).version;
    assert.equal((await close('refuge', { reason: 'risk_reduced', version: v })).status, 403);
    assert.equal((await close('coordo', { reason: 'moved_out_of_territory', version: v })).status, 422, 'a transfer note is needed');
    assert.equal((await close('coordo', { reason: 'risk_reduced', version: v - 1 })).status, 409);
    const ok = await close('coordo', { reason: 'risk_reduced', version: v, notes: 'Risque sous le seuil depuis trois mois.' });
    assert.equal(ok.status, 200);
    assert.equal((await request(f.port, { path: `/api/v1/situations/${S}`, headers: as('dpj') })).status, 404, 'participation ended');
    const rec = JSON.parse((await request(f.port, { path: `/api/v1/situations/${S}`, headers: as('refuge') })).body);
    assert.equal(rec.status, 'closed');
    assert.equal(rec.closure.reason, 'risk_reduced');
    assert.equal((await request(f.port, { path: `/api/v1/situations/${S}`, headers: as('coordo') })).status, 200);
    assert.equal((await close('coordo', { reason: 'other', version: v + 1 })).status, 409, 'already closed');
  });
});
