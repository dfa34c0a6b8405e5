// The safety net on the pages, with a browser's cookie session: the
// "Filet de sécurité" section of the situation page, the form to add an
// action (with the suggested actions of a phase, without JavaScript), the
// follow-up form (owner agency and coordinator only; a stale version comes
// back 409 with the note kept), and /actions, overdue first.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const day = (f, n) => new Date((f.now() + n * 86400) * 1000).toISOString().slice(0, 10);

describe('safety-net pages', () => {
  let f, S, victim, act;
  const s = {}, tok = {}, users = {};
  const get = (u, path) => request(f.port, { path, headers: { Cookie: s[u].cookie } });
  const post = (u, path, fields) => request(f.port, {
    method: 'POST', path,
    body: new URLSearchParams({ ...fields, csrf: s[u].csrf }).toString(),
    headers: { Cookie: s[u].cookie, Origin: f.base, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  const api = (u, method, path, body) => request(f.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok[u]}` },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const signIn = async () => {
    for (const u of ['refuge', 'coordo', 'police', 'dpj', 'admin']) {
      s[u] = await f.browserLogin(u);
      tok[u] = await f.login(u);
    }
  };

  before(async () => {
    f = await startFilet();
    await signIn();
    for (const u of JSON.parse((await api('admin', 'GET', '/api/v1/users')).body).users) users[u.username] = u;
    const r = await api('refuge', 'POST', '/api/v1/referrals', {
      summary: 'Menaces répétées; séparation annoncée.',
      persons: [
        { ref: 'v1', role: 'victim', given_name: 'Annie', family_name: 'Tremblay' },
        { ref: 'p1', role: 'perpetrator', given_name: 'Marc', family_name: 'Tremblay' }],
      consent: { status: 'given' },
    });
    assert.equal(r.status, 201, r.body);
    S = JSON.parse(r.body).situation_id;
    victim = JSON.parse((await api('refuge', 'GET', `/api/v1/situations/${S}`)).body).persons.find((p) => p.role === 'victim').id;
    assert.equal((await api('coordo', 'POST', `/api/v1/situations/${S}/participants`, { agency_id: users.dpj.agency_id,
      basis: 'safety_exception', justification: 'Enfants exposés.' })).status, 201);
  });
  after(async () => { await f.stop(); });

  it('offers the suggested actions of the chosen phase without JavaScript', async () => {
    const r = await post('coordo', `/situations/${S}/actions`, { phase: 'protective_orders', suggest: '1' });
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /<select id="action-suggestion" name="suggestion"/);
    assert.match(r.body, /<option value="protective_orders" selected>Ordonnances de protection/);
    assert.match(text(r.body), /Filet de sécurité/);
  });

  it('adds an action through the form (303) and shows it around the person', async () => {
    const r = await post('coordo', `/situations/${S}/actions`, { title: 'Plan de sécurité avec Annie',
      phase: 'risk_assessment_safety_plan', protects: victim, owner_agency_id: users.refuge.agency_id, due_on: day(f, 2) });
    assert.equal(r.status, 303, r.body);
    assert.equal(r.headers.location, `/situations/${S}?action_added=1#safety-net`);
    const p = await get('refuge', `/situations/${S}?action_added=1`);
    assert.equal(p.status, 200);
    const t = text(p.body);
    assert.match(t, /L’action a été ajoutée au filet de sécurité/);
    assert.match(t, /Autour de Annie Tremblay/);
    assert.match(t, /Plan de sécurité avec Annie/);
    assert.match(t, /Évaluation du risque et plan de sécurité/);
    act = /id="action-([^"]+)"/.exec(p.body)[1];
    assert.match(p.body, new RegExp(`action="/situations/${S}/actions/${act}#action-${act}"`));
  });

  it('refuses a title left empty (422) and keeps what was typed', async () => {
    const r = await post('coordo', `/situations/${S}/actions`, { title: '', phase: 'relocation', protects: victim,
      owner_agency_id: users.refuge.agency_id, due_on: '2031-01-01' });
    assert.equal(r.status, 422);
    assert.match(r.body, /id="add-action-error"/);
    assert.match(r.body, /value="2031-01-01"/);
  });

  it('lets only the owner agency and the coordinator update: a participant gets 403 and no form', async () => {
    const p = await get('dpj', `/situations/${S}`);
    assert.equal(p.status, 200);
    assert.doesNotMatch(p.body, new RegExp(`action="/situations/${S}/actions/${act}`));
    const r = await post('dpj', `/situations/${S}/actions/${act}`, { status: 'done', version: '1' });
    assert.equal(r.status, 403);
  });

  it('the owner records the follow-up (303)', async () => {
    const r = await post('refuge', `/situations/${S}/actions/${act}`, { status: 'in_progress', note: 'Rencontre fixée jeudi', version: '1' });
    assert.equal(r.status, 303, r.body);
    assert.equal(r.headers.location, `/situations/${S}?action_updated=1#action-${act}`);
    const t = text((await get('refuge', `/situations/${S}`)).body);
    assert.match(t, /Statut : En cours/);
    assert.match(t, /Rencontre fixée jeudi/);
  });

  it('a stale version comes back 409 with a clear message and the note kept', async () => {
    const r = await post('refuge', `/situations/${S}/actions/${act}`, { status: 'done', note: 'NOTE-GARDEE pour plus tard', version: '1' });
    assert.equal(r.status, 409);
    assert.match(r.body, new RegExp(`id="action-${act}-error"`));
    assert.match(text(r.body), /Rechargez/);
    assert.match(r.body, /NOTE-GARDEE pour plus tard<\/textarea>/);
  });

  it('blocked needs a reason (422)', async () => {
    const r = await post('refuge', `/situations/${S}/actions/${act}`, { status: 'blocked', version: '2' });
    assert.equal(r.status, 422);
    assert.match(r.body, new RegExp(`id="action-${act}-error"`));
  });

  it('a non-participant gets 404 on the situation and its forms', async () => {
    assert.equal((await get('police', `/situations/${S}`)).status, 404);
    assert.equal((await post('police', `/situations/${S}/actions`, { title: 'x', phase: 'relocation', protects: victim,
      owner_agency_id: users.police.agency_id })).status, 404);
    assert.equal((await post('police', `/situations/${S}/actions/${act}`, { status: 'done', version: '2' })).status, 404);
    assert.equal((await post('police', `/situations/${S}/actions`, { phase: 'relocation', suggest: '1' })).status, 404);
  });

  it('/actions lists the agency\'s actions, overdue first, marked in text', async () => {
    const later = await api('coordo', 'POST', `/api/v1/situations/${S}/actions`, { title: 'Relogement à planifier',
      phase: 'relocation', protects: 'v1', owner_agency_id: users.refuge.agency_id, due_on: day(f, 60) });
    assert.equal(later.status, 201, later.body);
    f.advance(4 * 86400);
    await signIn();
    const r = await get('refuge', '/actions');
    assert.equal(r.status, 200);
    const t = text(r.body);
    assert.ok(t.indexOf('Plan de sécurité avec Annie') >= 0 && t.indexOf('Plan de sécurité avec Annie') < t.indexOf('Relogement à planifier'), t);
    assert.match(t, /Plan de sécurité avec Annie .*En retard/);
    assert.match(r.body, /<tr class="action-row overdue">/);
    assert.match(r.body, new RegExp(`href="/situations/${S}#action-${act}"`));
    assert.match(r.body, /href="\/actions">Mes actions</);
    const d = await get('dpj', '/actions');
    assert.equal(d.status, 200);
    assert.doesNotMatch(d.body, /Plan de sécurité avec Annie/);
    const a = await get('admin', '/actions');
    assert.equal(a.status, 200);
    assert.doesNotMatch(a.body, /href="\/actions">/);
  });
});
