// The meeting screen's new action in two keystrokes: the coordinator's
// quick form on the screen (Alt+N to its title) posts, with the minutes
// typed, to POST /situations/{sid}/actions; the action joins the safety
// net and the screen comes back on the same situation with the minutes
// typed kept (as the coordinator's draft), or, refused, with the message
// and everything typed. Nobody else gets the form; the persons are named
// by role, never by name, on the projected screen.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };
const FAMILY = 'Projetee-Xq4';
const TYPED = 'Minutes-Quick-Vb7 la DPJ rencontre la mère demain';
const SAVED = 'Minutes-Saved-Jn2 version enregistrée';
const TITLE = 'Action-Quick-Rm5 accompagner au tribunal';

describe('the meeting screen\'s quick action', { concurrency: false }, () => {
  let f, M, S, S2, victim;
  const s = {}, tok = {}, users = {};
  const page = (u, path) => request(f.port, { path, headers: { Cookie: s[u].cookie } });
  const form = (u, path, fields) => request(f.port, { method: 'POST', path,
    body: new URLSearchParams({ ...fields, csrf: s[u].csrf }).toString(),
    headers: { Cookie: s[u].cookie, Origin: f.base, 'Content-Type': 'application/x-www-form-urlencoded' } });
  const api = (u, method, path, body) => request(f.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok[u]}` },
    body: body === undefined ? undefined : JSON.stringify(body) });
  // What the screen's one form sends with the "Add the action" button.
  const quick = (extra) => ({ meeting_id: M, situation_id: S, item: '1', version: '1', started: '2031-04-02T13:00:00Z',
    text: TYPED, decisions: '', phase: 'protective_orders', protects: victim, owner_agency_id: users.dpj.agency_id,
    due_on: '2031-05-01', title: TITLE, ...extra });

  before(async () => {
    f = await startFilet();
    for (const u of ['refuge', 'coordo', 'dpj', 'admin']) {
      s[u] = await f.browserLogin(u);
      tok[u] = await f.login(u);
    }
    for (const u of JSON.parse((await api('admin', 'GET', '/api/v1/users')).body).users) users[u.username] = u;
    const referral = async (summary) => {
      const r = await api('refuge', 'POST', '/api/v1/referrals', { summary, consent: { status: 'given' },
        persons: [{ ref: 'v1', role: 'victim', given_name: 'Ana', family_name: FAMILY },
          { ref: 'p1', role: 'perpetrator', given_name: 'Jean', family_name: FAMILY }] });
      assert.equal(r.status, 201, r.body);
      return JSON.parse(r.body).situation_id;
    };
    S = await referral('Situation à l’écran');
    S2 = await referral('Situation hors ordre du jour');
    victim = JSON.parse((await api('refuge', 'GET', `/api/v1/situations/${S}`)).body).persons.find((p) => p.ref === 'v1').id;
    const m = await api('coordo', 'POST', '/api/v1/meetings', { kind: 'urgent', starts_at: '2031-04-02T13:00:00Z',
      invited: [users.dpj.agency_id] });
    M = JSON.parse(m.body).id;
    assert.equal((await api('coordo', 'POST', `/api/v1/meetings/${M}/agenda`, { situation_id: S })).status, 201);
    assert.equal((await api('coordo', 'POST', `/api/v1/meetings/${M}/minutes`, { situation_id: S, text: SAVED })).status, 201);
  });
  after(async () => { await f?.stop(); });

  it('gives the coordinator a short form reached with Alt+N, persons by role only', async () => {
    const r = await page('coordo', `/meetings/${M}/screen?item=1`);
    assert.equal(r.status, 200);
    assert.match(r.body, /<form method="post" action="\/meetings\/[^"]+\/minutes"[^>]*id="minutes-form"/);
    assert.match(r.body, /<input id="qa-title" name="title" form="minutes-form"[^>]*accesskey="n"/);
    assert.match(r.body, new RegExp(`<button type="submit" form="minutes-form" formaction="/situations/${S}/actions">Ajouter l’action</button>`));
    const section = r.body.slice(r.body.indexOf('id="quick-action"'), r.body.indexOf('id="minutes-heading"'));
    assert.match(section, /<option value="[a-z2-7]{26}">1\. Victime<\/option>/);
    assert.match(section, /2\. Personne qui exerce la violence/);
    assert.ok(!r.body.includes(FAMILY), 'no name on the projected screen');
    assert.ok(r.body.indexOf('formaction=') < r.body.indexOf('Enregistrer le compte rendu'),
      'the action button comes first: Enter in its fields adds the action');
    const dpj = await page('dpj', `/meetings/${M}/screen?item=1`);
    assert.equal(dpj.status, 200);
    assert.doesNotMatch(dpj.body, /id="quick-action"/);
  });

  it('adds the action and returns to the screen with the minutes typed kept', async () => {
    const r = await form('coordo', `/situations/${S}/actions`, quick());
    assert.equal(r.status, 303, r.body.slice(0, 300));
    assert.equal(r.headers.location, `/meetings/${M}/screen?item=1&action_added=1&started=2031-04-02T13:00:00Z#quick-action`);
    const actions = JSON.parse((await api('coordo', 'GET', `/api/v1/situations/${S}/actions`)).body);
    assert.ok(JSON.stringify(actions).includes(TITLE), 'the action is in the safety net');
    const back = await page('coordo', r.headers.location.split('#')[0]);
    assert.match(back.body, /role="status">L’action a été ajoutée au filet de sécurité\./);
    assert.ok(back.body.includes(`>${TYPED}</textarea>`), 'the minutes typed, not yet saved, are in the form');
    assert.match(back.body, /<p data-draft-note>/, 'and it says the draft is restored');
    assert.match(back.body, /<input id="qa-title" name="title" form="minutes-form" value=""/, 'the title is empty again');
    // The saved minutes are unchanged until the coordinator saves them.
    const m = JSON.parse((await api('coordo', 'GET', `/api/v1/meetings/${M}`)).body);
    assert.equal(m.agenda[0].minutes.text, SAVED);
    // Saving the minutes forgets the draft.
    assert.equal((await form('coordo', `/meetings/${M}/minutes`, quick({ title: '', text: `${TYPED} (fin)` }))).status, 303);
    const after = await page('coordo', `/meetings/${M}/screen?item=1`);
    assert.ok(after.body.includes(`>${TYPED} (fin)</textarea>`));
    assert.match(after.body, /<p data-draft-note hidden>/);
  });

  it('a refused action brings the screen back with the message and everything typed', async () => {
    const r = await form('coordo', `/situations/${S}/actions`, quick({ title: '', due_on: '2031-06-07', text: `${TYPED} bis` }));
    assert.equal(r.status, 422);
    assert.match(r.body, /id="quick-action-error"/);
    assert.match(r.body, /<div class="meeting-screen">/, 'the screen, not the situation page');
    assert.match(r.body, /<input type="date" id="qa-due" name="due_on" form="minutes-form" value="2031-06-07"/);
    assert.match(r.body, /<option value="protective_orders" selected>/);
    assert.ok(r.body.includes(`>${TYPED} bis</textarea>`), 'the minutes typed are kept');
  });

  it('outside the screen of a meeting the caller runs, the action form answers as it always does', async () => {
    assert.equal((await form('refuge', `/situations/${S}/actions`, quick({ title: 'Par le refuge' }))).status, 303,
      'a participant adds an action, back to the situation (not a meeting it runs)');
    const admin = await form('admin', `/situations/${S}/actions`, quick());
    assert.equal(admin.status, 404);
    // A situation not on that meeting's agenda: the usual answer of the action form.
    const other = await form('coordo', `/situations/${S2}/actions`, quick({ situation_id: S2, protects: 'v1' }));
    assert.equal(other.status, 303);
    assert.match(other.headers.location, new RegExp(`^/situations/${S2}\\?action_added=1`));
  });
});
