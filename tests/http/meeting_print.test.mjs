// Printable minutes: GET /meetings/{id}/minutes gives the territory, the
// date in the territory's time zone, the attendance with the undertakings,
// and per situation of the agenda the caller may see its research, minutes
// and decisions - never a value the caller may not read (a restricted one
// says whom to ask), nothing of a situation the caller may not see, no
// place. Agencies not invited get the 404 of a missing meeting; the read
// is audited; the meeting page links to it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };
const PLACE = 'Print-Place-Wd4 rue du refuge';
const MINUTES = 'Print-Minutes-Lk8 plan de sécurité revu';
const DECISIONS = 'Print-Decision-Rt5 accompagnement au tribunal';
const MINUTES2 = 'Print-Minutes-Other-Yc2 deuxième situation';
const OPEN = 'Print-Research-Open-Nb6 bris de conditions';
const SENSITIVE = 'Print-Research-Sens-Gh3 adresse de la soeur';
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('printable minutes', { concurrency: false }, () => {
  let f, M, S, S2;
  const tok = {}, users = {}, s = {};
  const as = (u) => ({ ...J, Authorization: `Bearer ${tok[u]}` });
  const post = (u, path, body) => request(f.port, { method: 'POST', path, headers: as(u), body: JSON.stringify(body) });
  const get = (u, path) => request(f.port, { path, headers: as(u) });
  const page = (u, path) => request(f.port, { path, headers: { Cookie: s[u].cookie } });
  const minutes = (u) => page(u, `/meetings/${M}/minutes`);

  before(async () => {
    f = await startFilet();
    for (const u of ['refuge', 'coordo', 'police', 'dpj', 'programme', 'admin', 'audit']) {
      tok[u] = await f.login(u);
      s[u] = await f.browserLogin(u);
    }
    for (const u of JSON.parse((await get('admin', '/api/v1/users')).body).users) users[u.username] = u;
    const referral = async (summary) => {
      const r = await post('refuge', '/api/v1/referrals', { summary, consent: { status: 'given' }, perpetrator_unknown: true,
        persons: [{ ref: 'v1', role: 'victim', given_name: 'Ana', family_name: 'Imprimee' }] });
      assert.equal(r.status, 201, r.body);
      return JSON.parse(r.body).situation_id;
    };
    S = await referral('Situation imprimée');
    S2 = await referral('Deuxième situation imprimée');
    // 23:30 UTC on 31 Jan is 18:30 on 31 Jan in Quebec, 1 Feb in UTC.
    const m = await post('coordo', '/api/v1/meetings', { kind: 'scheduled', starts_at: '2031-01-31T23:30:00Z', place: PLACE,
      invited: ['dpj', 'police', 'programme'].map((u) => users[u].agency_id) });
    assert.equal(m.status, 201, m.body);
    M = JSON.parse(m.body).id;
    for (const sid of [S, S2]) assert.equal((await post('coordo', `/api/v1/meetings/${M}/agenda`, { situation_id: sid })).status, 201);
    // programme no longer takes part in S2.
    const end = await request(f.port, { method: 'PATCH', headers: as('coordo'),
      path: `/api/v1/situations/${S2}/participants/${users.programme.agency_id}`, body: JSON.stringify({ ends_on: '2020-01-01' }) });
    assert.equal(end.status, 200, end.body);
    for (const u of ['dpj', 'police'])
      assert.equal((await post('coordo', `/api/v1/meetings/${M}/attendance`, { agency_id: users[u].agency_id,
        undertaking_accepted: true })).status, 201);
    const research = (content, sensitive) => post('dpj', `/api/v1/meetings/${M}/research`, { situation_id: S,
      category: 'criminal_record', content, basis: 'safety_exception', justification: 'Menaces de mort.', sensitive });
    assert.equal((await research(OPEN, false)).status, 201);
    assert.equal((await research(SENSITIVE, true)).status, 201);
    assert.equal((await post('coordo', `/api/v1/meetings/${M}/minutes`, { situation_id: S, text: MINUTES,
      decisions: DECISIONS })).status, 201);
    assert.equal((await post('coordo', `/api/v1/meetings/${M}/minutes`, { situation_id: S2, text: MINUTES2 })).status, 201);
  });
  after(async () => { await f?.stop(); });

  it('prints the territory, the local date, the attendance with the undertakings, the minutes and decisions', async () => {
    const r = await minutes('coordo');
    assert.equal(r.status, 200);
    const t = text(r.body);
    const territory = JSON.parse((await get('admin', '/api/v1/territories')).body).territories[0].name;
    assert.ok(t.includes(territory), 'territory name');
    assert.match(t, /31 janv\. 2031, 18 h 30/, 'the date in the territory\'s zone');
    assert.match(t, /Compte rendu de la rencontre/);
    assert.ok(t.includes(MINUTES) && t.includes(DECISIONS) && t.includes(MINUTES2));
    assert.ok(t.includes(OPEN) && t.includes(SENSITIVE), 'the coordinator reads every value');
    assert.match(t, /Engagement de confidentialité/);
    const rows = [...r.body.matchAll(/<tr><td>([^<]*)<\/td><td>([^<]*)<\/td>/g)].map((x) => [x[1], x[2]]);
    assert.equal(rows.length, 2, 'two agencies present');
    for (const [, undertaking] of rows) assert.equal(undertaking, 'accepté');
    assert.ok(!r.body.includes(PLACE), 'no place on the printed minutes');
    assert.match(r.body, /@media print|app\.[0-9a-f]+\.css|\/static\//, 'the print stylesheet is linked');
    assert.match(r.body, /class="print-only"/, 'the confidentiality line prints');
    const main = r.body.slice(r.body.indexOf('<main'), r.body.indexOf('</main>'));
    assert.ok(main.includes(MINUTES));
    assert.doesNotMatch(main, /<form/, 'nothing to fill in on the minutes');
  });

  it('never prints a value the reader may not read, nor a situation they may not see', async () => {
    const pol = await minutes('police');
    assert.equal(pol.status, 200);
    const t = text(pol.body);
    assert.ok(t.includes(OPEN), 'open research');
    assert.ok(!pol.body.includes(SENSITIVE), 'the restricted value is absent');
    assert.match(t, /Accès restreint — adressez-vous à Direction de la protection de la jeunesse/, 'says it is restricted, and whom to ask');
    assert.ok(t.includes(MINUTES) && t.includes(MINUTES2));
    const prog = await minutes('programme');
    assert.equal(prog.status, 200);
    assert.ok(!prog.body.includes(MINUTES2) && !prog.body.includes(S2.slice(0, 8)),
      'nothing of a situation programme no longer takes part in');
    assert.ok(prog.body.includes(OPEN), 'the research of S, in which programme still takes part');
  });

  it('refuses those who may not see the meeting with the 404 of a missing one', async () => {
    const missing = await page('refuge', '/meetings/abcdefghijklmnopqrstuvwxyz/minutes');
    assert.equal(missing.status, 404);
    for (const u of ['refuge', 'admin', 'audit']) {
      const r = await minutes(u);
      assert.equal(r.status, 404, u);
      assert.ok(!r.body.includes(MINUTES), u);
    }
    const anon = await request(f.port, { path: `/meetings/${M}/minutes` });
    assert.equal(anon.status, 303);
  });

  it('is linked from the meeting page, and each print is audited', async () => {
    const p = await page('dpj', `/meetings/${M}`);
    assert.match(p.body, new RegExp(`href="/meetings/${M}/minutes"`));
    const rows = JSON.parse((await get('audit', `/api/v1/audit?object_type=minutes&object_id=${M}`)).body).rows;
    const prints = rows.filter((x) => x.action === 'read' && x.fields === 'print');
    for (const u of ['coordo', 'police', 'programme'])
      assert.ok(prints.some((x) => x.user_id === users[u].id), `${u}'s print is audited`);
    const refused = JSON.parse((await get('audit', `/api/v1/audit?object_type=meeting&object_id=${M}`)).body).rows;
    assert.ok(refused.some((x) => x.action === 'access_refused' && x.user_id === users.refuge.id), 'refusal recorded');
  });
});
