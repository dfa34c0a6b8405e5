// Agencies' "research" before a meeting: an invited agency taking part in
// a situation of the agenda brings what it knows about it, as an
// information item of the situation (basis, justification, visibility,
// encryption, disclosure register) marked with the meeting. Who reads and
// writes it is the research policy: the coordinator, and the invited
// agencies taking part in the situation. An agency not invited, or
// invited but no longer taking part, neither reads nor writes it; an
// excluded user is refused as elsewhere (404, alert). Restricted values
// stay restricted; the meeting page offers the form and lists the
// research, tagged with the meeting, as the screen and the situation page
// do.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };
const OPEN = 'Research-Open-Kx5 suivi probatoire en cours';
const SENSITIVE = 'Research-Sens-Qw9 adresse de la soeur';
const PAGE = 'Research-Page-Zt3 rencontre avec la victime';
const TYPED = 'Research-Typed-Hv6 texte gardé';
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('meeting research', { concurrency: false }, () => {
  let f, M, S, S2, openId, sensId;
  const tok = {}, users = {}, s = {};
  const as = (u) => ({ ...J, Authorization: `Bearer ${tok[u]}` });
  const post = (u, path, body) => request(f.port, { method: 'POST', path, headers: as(u), body: JSON.stringify(body) });
  const get = (u, path) => request(f.port, { path, headers: as(u) });
  const page = (u, path) => request(f.port, { path, headers: { Cookie: s[u].cookie } });
  const form = (u, path, fields) => request(f.port, { method: 'POST', path,
    body: new URLSearchParams({ ...fields, csrf: s[u].csrf }).toString(),
    headers: { Cookie: s[u].cookie, Origin: f.base, 'Content-Type': 'application/x-www-form-urlencoded' } });
  const research = (u) => get(u, `/api/v1/meetings/${M}/research`);
  const item = (body) => ({ situation_id: S, category: 'criminal_record', content: OPEN, basis: 'safety_exception',
    justification: 'Menaces de mort répétées.', ...body });

  before(async () => {
    f = await startFilet();
    for (const u of ['refuge', 'coordo', 'police', 'cavac', 'dpj', 'programme', 'admin', 'audit']) tok[u] = await f.login(u);
    for (const u of ['dpj', 'coordo', 'refuge']) s[u] = await f.browserLogin(u);
    for (const u of JSON.parse((await get('admin', '/api/v1/users')).body).users) users[u.username] = u;
    const referral = async (summary) => {
      const r = await post('refuge', '/api/v1/referrals', { summary, consent: { status: 'given' }, perpetrator_unknown: true,
        persons: [{ ref: 'v1', role: 'victim', given_name: 'Ana', family_name: 'Recherche' }] });
      assert.equal(r.status, 201, r.body);
      return JSON.parse(r.body).situation_id;
    };
    S = await referral('Situation de la rencontre');
    S2 = await referral('Situation hors ordre du jour');
    // dpj also takes part in S2, which is not on the agenda.
    assert.equal((await post('coordo', `/api/v1/situations/${S2}/participants`, { agency_id: users.dpj.agency_id,
      basis: 'safety_exception', justification: 'Enfants exposés.' })).status, 201);
    const m = await post('coordo', '/api/v1/meetings', { kind: 'urgent', starts_at: '2031-05-06T17:30:00Z',
      invited: ['dpj', 'police', 'programme', 'cavac'].map((u) => users[u].agency_id) });
    assert.equal(m.status, 201, m.body);
    M = JSON.parse(m.body).id;
    assert.equal((await post('coordo', `/api/v1/meetings/${M}/agenda`, { situation_id: S })).status, 201);
    // programme stays invited but no longer takes part in S; the cavac
    // user is excluded from S by name.
    const end = await request(f.port, { method: 'PATCH', headers: as('coordo'),
      path: `/api/v1/situations/${S}/participants/${users.programme.agency_id}`, body: JSON.stringify({ ends_on: '2020-01-01' }) });
    assert.equal(end.status, 200, end.body);
    assert.equal((await post('coordo', `/api/v1/situations/${S}/exclusions`, { user_id: users.cavac.id,
      reason: 'Conflit d’intérêts.' })).status, 201);
  });
  after(async () => { await f?.stop(); });

  it('an invited agency taking part brings research about a situation of the agenda', async () => {
    const r = await post('dpj', `/api/v1/meetings/${M}/research`, item());
    assert.equal(r.status, 201, r.body);
    const o = JSON.parse(r.body);
    openId = o.id;
    assert.equal(o.meeting_id, M);
    assert.equal(o.situation_id, S);
    const sens = await post('dpj', `/api/v1/meetings/${M}/research`, item({ category: 'housing', content: SENSITIVE, sensitive: true }));
    assert.equal(sens.status, 201, sens.body);
    sensId = JSON.parse(sens.body).id;

    const mine = JSON.parse((await research('dpj')).body);
    assert.equal(mine.meeting_id, M);
    assert.deepEqual(mine.situations.map((x) => x.situation_id), [S]);
    const items = mine.situations[0].research;
    assert.deepEqual(items.map((x) => x.id), [openId, sensId]);
    assert.equal(items[0].content, OPEN);
    assert.equal(items[0].meeting_id, M);
    assert.equal(items[0].meeting_starts_at, '2031-05-06T17:30:00Z');
    assert.equal(items[0].basis, 'safety_exception');
    assert.equal(items[1].content, SENSITIVE, 'the agency reads its own sensitive research');
  });

  it('follows the rules of information: the legal basis, the agenda, the fields', async () => {
    assert.equal((await post('dpj', `/api/v1/meetings/${M}/research`, item({ justification: '' }))).status, 422);
    assert.equal((await post('dpj', `/api/v1/meetings/${M}/research`, item({ category: 'gossip' }))).status, 422);
    const off = await post('dpj', `/api/v1/meetings/${M}/research`, item({ situation_id: S2 }));
    assert.equal(off.status, 422, 'a situation the agency sees but not on the agenda');
    assert.equal(JSON.parse(off.body).error.field, 'situation_id');
    assert.equal((await post('dpj', `/api/v1/meetings/${M}/research`, item({ situation_id: undefined }))).status, 422);
    assert.equal((await post('dpj', `/api/v1/meetings/${M}/research`, item({ colour: 'red' }))).status, 400);
  });

  it('restricted values stay restricted; the coordinator reads everything', async () => {
    const pol = JSON.parse((await research('police')).body).situations[0].research;
    const open = pol.find((x) => x.id === openId), sens = pol.find((x) => x.id === sensId);
    assert.equal(open.content, OPEN);
    assert.equal(sens.restricted, true);
    assert.ok(!('content' in sens), 'no content key');
    assert.ok(sens.ask.length > 0, 'says whom to ask');
    assert.ok(!(await research('police')).body.includes(SENSITIVE));
    const co = JSON.parse((await research('coordo')).body).situations[0].research;
    assert.deepEqual(co.map((x) => x.content), [OPEN, SENSITIVE]);
    // The same item in the situation's information, marked with the meeting.
    const info = JSON.parse((await get('police', `/api/v1/situations/${S}/information`)).body).information;
    assert.equal(info.find((x) => x.id === openId).meeting_id, M);
    assert.ok(!JSON.stringify(info).includes(SENSITIVE));
  });

  it('an agency not invited, or invited but not taking part, neither reads nor writes it', async () => {
    const missing = await get('refuge', '/api/v1/meetings/abcdefghijklmnopqrstuvwxyz/research');
    const r = await research('refuge');
    assert.equal(r.status, 404);
    assert.equal(r.body, missing.body, 'like a missing meeting');
    assert.equal((await post('refuge', `/api/v1/meetings/${M}/research`, item())).status, 404);
    // refuge takes part in S (the referrer) but is not invited: the
    // research is not in the situation's information for it either.
    const info = await get('refuge', `/api/v1/situations/${S}/information`);
    assert.equal(info.status, 200);
    assert.ok(!info.body.includes(OPEN) && !info.body.includes(openId), 'no research for an agency not invited');
    const sitPage = await page('refuge', `/situations/${S}`);
    assert.equal(sitPage.status, 200);
    assert.ok(!sitPage.body.includes(OPEN));
    // programme is invited but no longer takes part in S.
    const prog = await research('programme');
    assert.equal(prog.status, 200);
    assert.deepEqual(JSON.parse(prog.body).situations, []);
    assert.ok(!prog.body.includes(OPEN) && !prog.body.includes(S));
    assert.equal((await post('programme', `/api/v1/meetings/${M}/research`, item())).status, 404);
    for (const u of ['admin', 'audit']) assert.equal((await research(u)).status, 404, u);
  });

  it('an excluded user is refused like a non-participant, and the coordinator is alerted', async () => {
    const r = await research('cavac');
    assert.equal(r.status, 200, 'the meeting is visible to the invited agency');
    assert.deepEqual(JSON.parse(r.body).situations, []);
    assert.ok(!r.body.includes(OPEN));
    const w = await post('cavac', `/api/v1/meetings/${M}/research`, item());
    assert.equal(w.status, 404);
    const alerts = JSON.parse((await get('coordo', '/api/v1/alerts')).body).alerts;
    assert.ok(alerts.some((a) => a.kind === 'excluded_attempt' && a.situation_id === S), JSON.stringify(alerts));
  });

  it('is in the disclosure register and the audit trail', async () => {
    const reg = JSON.parse((await get('coordo', `/api/v1/disclosures?situation_id=${S}`)).body);
    assert.ok(JSON.stringify(reg).includes(openId), 'the register lists the research');
    assert.ok(!JSON.stringify(reg).includes(OPEN), 'without its content');
    const rows = JSON.parse((await get('audit', `/api/v1/audit?object_type=information&object_id=${openId}`)).body).rows;
    assert.ok(rows.some((x) => x.action === 'disclose' && x.fields.includes('meeting_id')), JSON.stringify(rows));
    const reads = JSON.parse((await get('audit', `/api/v1/audit?object_type=research&object_id=${M}`)).body).rows;
    assert.ok(reads.some((x) => x.action === 'read' && x.user_id === users.police.id), 'reads are audited');
    const refused = JSON.parse((await get('audit', `/api/v1/audit?object_type=situation&object_id=${S}&user_id=${users.programme.id}`)).body).rows;
    assert.ok(refused.some((x) => x.action === 'access_refused'), 'the refusal is recorded');
  });

  it('the meeting page offers the form and lists the research, tagged with the meeting', async () => {
    const p = await page('dpj', `/meetings/${M}`);
    assert.equal(p.status, 200);
    assert.match(p.body, new RegExp(`action="/meetings/${M}/research"`));
    assert.ok(p.body.includes(OPEN) && p.body.includes(SENSITIVE));
    assert.match(text(p.body), /Recherche pour la rencontre du 6 mai 2031/);
    const bad = await form('dpj', `/meetings/${M}/research`, { situation_id: S, category: 'health', content: TYPED,
      basis: '', justification: '' });
    assert.equal(bad.status, 422);
    assert.ok(bad.body.includes(TYPED), 'what was typed is kept');
    assert.match(bad.body, /role="alert"/);
    const ok = await form('dpj', `/meetings/${M}/research`, { situation_id: S, category: 'health', content: PAGE,
      basis: 'consent' });
    assert.equal(ok.status, 303, ok.body);
    assert.equal(ok.headers.location, `/meetings/${M}?researched=1#agenda`);
    const after = await page('dpj', `/meetings/${M}?researched=1`);
    assert.ok(after.body.includes(PAGE));
    assert.match(after.body, /role="status"/);
    // The coordinator's screen and the situation page tag it too.
    const screen = await page('coordo', `/meetings/${M}/screen?item=1`);
    assert.ok(screen.body.includes(PAGE));
    assert.match(text(screen.body), /Recherche pour la rencontre du 6 mai 2031/);
    const sit = await page('coordo', `/situations/${S}`);
    assert.ok(sit.body.includes(PAGE));
    assert.match(text(sit.body), /Recherche pour la rencontre du 6 mai 2031/);
    // Not for the agency not invited.
    assert.equal((await page('refuge', `/meetings/${M}`)).status, 404);
    assert.equal((await form('refuge', `/meetings/${M}/research`, { situation_id: S, category: 'health', content: PAGE,
      basis: 'consent' })).status, 404);
  });
});
