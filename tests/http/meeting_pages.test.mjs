// The meeting pages with a browser's cookie session: the coordinator
// convenes a meeting through the form (303), an invited agency opens it
// and an agency not invited gets 404; attendance without the
// confidentiality undertaking is refused (422) with the undertaking's text
// and the choice kept; the meeting screen shows one situation of the agenda
// at a time; minutes are saved through the form and a stale version is a
// 409 that keeps what was typed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };
const PLACE = 'Salle-Qx7 du CLSC';
const MINUTES = 'Minutes-Page-Zk3 plan de sécurité revu';
const STALE = 'Minutes-Stale-Wq8 texte tapé en retard';
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('meeting pages', { concurrency: false }, () => {
  let f, M, S, S2;
  const s = {}, tok = {}, users = {};
  const get = (u, path) => request(f.port, { path, headers: { Cookie: s[u].cookie } });
  const post = (u, path, fields) => request(f.port, {
    method: 'POST', path,
    body: (fields instanceof URLSearchParams ? fields : new URLSearchParams(fields)).toString() + `&csrf=${encodeURIComponent(s[u].csrf)}`,
    headers: { Cookie: s[u].cookie, Origin: f.base, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  const api = (u, method, path, body) => request(f.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok[u]}` },
    body: body === undefined ? undefined : JSON.stringify(body) });

  before(async () => {
    f = await startFilet();
    for (const u of ['refuge', 'coordo', 'police', 'dpj', 'admin']) {
      s[u] = await f.browserLogin(u);
      tok[u] = await f.login(u);
    }
    for (const u of JSON.parse((await api('admin', 'GET', '/api/v1/users')).body).users) users[u.username] = u;
    const referral = async (summary) => {
      const r = await api('refuge', 'POST', '/api/v1/referrals', { summary, consent: { status: 'given' },
        perpetrator_unknown: true, persons: [{ ref: 'v1', role: 'victim', given_name: 'Ana', family_name: 'Tremblay' }] });
      assert.equal(r.status, 201, r.body);
      return JSON.parse(r.body).situation_id;
    };
    S = await referral('Menaces répétées');
    S2 = await referral('Deuxième situation');
  });
  after(async () => { await f?.stop(); });

  it('lists meetings and offers the coordinator the form to convene one', async () => {
    const r = await get('coordo', '/meetings');
    assert.equal(r.status, 200);
    assert.match(r.body, /<form method="post" action="\/meetings">/);
    assert.match(r.body, /name="kind"/);
    assert.match(r.body, /type="datetime-local"/);
    assert.match(r.body, /href="\/meetings"/, 'nav link');
    const p = await get('dpj', '/meetings');
    assert.equal(p.status, 200);
    assert.doesNotMatch(p.body, /action="\/meetings"/);
  });

  it('convenes through the form (303), and a refused form comes back 422 with what was typed', async () => {
    const bad = await post('coordo', '/meetings', { kind: 'urgent', starts_at: 'demain', place: PLACE });
    assert.equal(bad.status, 422, bad.body);
    assert.ok(bad.body.includes(PLACE));
    const form = new URLSearchParams({ kind: 'urgent', starts_at: '2031-03-04T14:30', place: PLACE });
    form.append('invited', users.dpj.agency_id);
    form.append('invited', users.refuge.agency_id);
    const r = await post('coordo', '/meetings', form);
    assert.equal(r.status, 303, r.body);
    M = /^\/meetings\/([^?]+)\?created=1$/.exec(r.headers.location)[1];
    const m = JSON.parse((await api('coordo', 'GET', `/api/v1/meetings/${M}`)).body);
    assert.equal(m.starts_at, '2031-03-04T19:30:00Z', 'typed in the territory\'s time (Montreal, UTC-5 in March)');
    assert.equal(m.kind, 'urgent');
    assert.equal(m.invited.length, 2);
    const list = await get('coordo', '/meetings');
    assert.ok(list.body.includes(`/meetings/${M}`));
    assert.ok(text(list.body).includes('Rencontre urgente de la cellule'));
    assert.equal(m.place, PLACE);
  });

  it('takes the time typed as the territory\'s local time: a time the clocks skip is refused, a repeated one is the first', async () => {
    const page = await get('coordo', '/meetings');
    assert.match(text(page.body), /Début \(heure locale\)/);
    assert.match(text(page.body), /L’heure locale du territoire \(America\/Montreal\)/);
    // 9 March 2031: 02:00 jumps to 03:00 in Montreal.
    const gap = await post('coordo', '/meetings', { kind: 'scheduled', starts_at: '2031-03-09T02:30', place: PLACE });
    assert.equal(gap.status, 422);
    assert.match(text(gap.body), /Cette heure n’existe pas dans le territoire/);
    assert.match(gap.body, /id="meeting-starts" name="starts_at" value="2031-03-09T02:30"[^>]*aria-invalid="true"/);
    assert.ok(gap.body.includes(PLACE), 'what was typed is kept');
    // 2 November 2031: 01:00-02:00 happens twice; the first (EDT, UTC-4).
    const twice = await post('coordo', '/meetings', { kind: 'scheduled', starts_at: '2031-11-02T01:30' });
    assert.equal(twice.status, 303, twice.body);
    const id = /^\/meetings\/([^?]+)\?/.exec(twice.headers.location)[1];
    assert.equal(JSON.parse((await api('coordo', 'GET', `/api/v1/meetings/${id}`)).body).starts_at, '2031-11-02T05:30:00Z');
    // Summer: UTC-4.
    const summer = await post('coordo', '/meetings', { kind: 'clinical', starts_at: '2031-07-10T09:15' });
    const sid = /^\/meetings\/([^?]+)\?/.exec(summer.headers.location)[1];
    const m = JSON.parse((await api('coordo', 'GET', `/api/v1/meetings/${sid}`)).body);
    assert.equal(m.starts_at, '2031-07-10T13:15:00Z');
    assert.match(text((await get('coordo', `/meetings/${sid}`)).body), /10 juill\. 2031, 9 h 15/, 'shown as typed');
    const nonsense = await post('coordo', '/meetings', { kind: 'scheduled', starts_at: '2031-02-30T10:00' });
    assert.equal(nonsense.status, 422);
    assert.match(text(nonsense.body), /Indiquez la date et l’heure de la rencontre/);
  });

  it('is seen by an invited agency (200) and by no other (404)', async () => {
    const r = await get('dpj', `/meetings/${M}`);
    assert.equal(r.status, 200);
    assert.ok(r.body.includes(`/api/v1/meetings/${M}/calendar.ics`));
    assert.match(text(r.body), /quorum non atteint/);
    assert.equal((await get('police', `/meetings/${M}`)).status, 404);
    assert.equal((await get('police', `/meetings/${M}/screen`)).status, 404);
    assert.equal((await get('dpj', '/meetings')).body.includes(`/meetings/${M}`), true);
    assert.equal((await get('police', '/meetings')).body.includes(`/meetings/${M}`), false);
  });

  it('adds situations to the agenda through the coordinator\'s form, not an agency\'s', async () => {
    const page = await get('coordo', `/meetings/${M}`);
    assert.ok(page.body.includes(`<option value="${S}"`));
    for (const sid of [S, S2]) {
      const r = await post('coordo', `/meetings/${M}/agenda`, { situation_id: sid });
      assert.equal(r.status, 303, r.body);
    }
    assert.equal((await post('dpj', `/meetings/${M}/agenda`, { situation_id: S })).status, 403);
    const again = await post('coordo', `/meetings/${M}/agenda`, { situation_id: S });
    assert.equal(again.status, 409);
    assert.match(text(again.body), /déjà à l.ordre du jour/);
  });

  it('refuses attendance without the undertaking (422), its text and the choice kept', async () => {
    const r = await post('dpj', `/meetings/${M}/attendance`, { agency_id: users.dpj.agency_id });
    assert.equal(r.status, 422, r.body);
    assert.match(r.body, /id="attendance-error"/);
    assert.match(r.body, /id="undertaking-text"/);
    assert.ok(r.body.includes(`<option value="${users.dpj.agency_id}" selected>`));
    const ok = await post('dpj', `/meetings/${M}/attendance`, { agency_id: users.dpj.agency_id, undertaking_accepted: '1' });
    assert.equal(ok.status, 303, ok.body);
    const p = await get('coordo', `/meetings/${M}`);
    assert.match(text(p.body), /1 organismes? présents? sur 3/);
  });

  it('shows one situation at a time on the screen, with previous and next', async () => {
    const one = await get('coordo', `/meetings/${M}/screen`);
    assert.equal(one.status, 200, one.body);
    const agenda = JSON.parse((await api('coordo', 'GET', `/api/v1/meetings/${M}`)).body).agenda.map((a) => a.situation_id);
    assert.ok(one.body.includes(`name="situation_id" value="${agenda[0]}"`));
    assert.ok(!one.body.includes(`value="${agenda[1]}"`));
    assert.match(one.body, /href="\/meetings\/[^/]+\/screen\?item=2"/);
    assert.doesNotMatch(one.body, /rel="prev"/);
    assert.match(one.body, /data-timer-end="\d{4}-\d\d-\d\dT/);
    assert.match(one.body, new RegExp(`data-autosave="minutes-${M}-${agenda[0]}"`));
    const two = await get('coordo', `/meetings/${M}/screen?item=2`);
    assert.ok(two.body.includes(`name="situation_id" value="${agenda[1]}"`));
    assert.match(two.body, /rel="prev"/);
    assert.doesNotMatch(two.body, /rel="next"/);
    const dpj = await get('dpj', `/meetings/${M}/screen`);
    assert.equal(dpj.status, 200);
    assert.doesNotMatch(dpj.body, /action="\/meetings\/[^"]+\/minutes"/);
  });

  it('saves the minutes through the form, and a stale version is a 409 that keeps the text', async () => {
    const r = await post('coordo', `/meetings/${M}/minutes`, { situation_id: S, item: '1', version: '0', text: MINUTES, decisions: 'Suivi.' });
    assert.equal(r.status, 303, r.body);
    assert.match(r.headers.location, /\/screen\?item=1&saved=1/);
    const again = await get('coordo', r.headers.location.split('#')[0]);
    assert.ok(again.body.includes(MINUTES));
    assert.match(again.body, /name="version" value="1"/);
    const stale = await post('coordo', `/meetings/${M}/minutes`, { situation_id: S, item: '1', version: '0', text: STALE, decisions: '' });
    assert.equal(stale.status, 409, stale.body);
    assert.ok(stale.body.includes(STALE), 'the text typed is kept');
    assert.match(stale.body, /id="minutes-error"/);
    const m = JSON.parse((await api('coordo', 'GET', `/api/v1/meetings/${M}`)).body);
    assert.equal(m.agenda.find((a) => a.situation_id === S).minutes.text, MINUTES);
    assert.equal((await post('dpj', `/meetings/${M}/minutes`, { situation_id: S, version: '1', text: 'x' })).status, 403);
  });
});
