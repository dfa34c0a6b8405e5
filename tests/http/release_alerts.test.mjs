// A perpetrator's release date on an information item (issue 6): validated
// (422), alerted as `perpetrator_release` from 14 days before the date until
// it passes, to the agency that shared the item and the territory's
// coordinator only, with no personal data; the date itself is shown only to
// those who may read the item. On the test clock (f.advance).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };
const DAY = 86400;

describe('perpetrator release alerts', { concurrency: false }, () => {
  let f, S, itemOpen, itemSensitive, releaseOpen, releaseSensitive;
  const tok = {};
  const me = {};
  const users = ['refuge', 'coordo', 'police', 'dpj', 'cavac'];
  const day = (n) => new Date((f.now() + n * DAY) * 1000).toISOString().slice(0, 10);
  const call = async (u, method, path, body) => {
    const r = await request(f.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok[u]}` },
      body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: r.body ? JSON.parse(r.body) : null, raw: r.body };
  };
  const relogin = async () => { for (const u of users) tok[u] = await f.login(u); };
  const releases = async (u) => {
    const r = await call(u, 'GET', '/api/v1/alerts');
    assert.equal(r.status, 200, r.raw);
    return r.body.alerts.filter((a) => a.kind === 'perpetrator_release' && a.situation_id === S);
  };

  before(async () => {
    f = await startFilet();
    await relogin();
    for (const u of users) me[u] = (await call(u, 'GET', '/api/v1/me')).body;
    const ref = await call('refuge', 'POST', '/api/v1/referrals', { summary: 'Menaces NOM-SECRET.',
      persons: [{ ref: 'v1', role: 'victim', given_name: 'Alicia', family_name: 'Secretname' },
        { ref: 'p1', role: 'perpetrator', given_name: 'Jeannot', family_name: 'Roybaud' }],
      consent: { status: 'given', scope: 'la cellule' } });
    assert.equal(ref.status, 201, ref.raw);
    S = ref.body.situation_id;
    const dpjAgency = me.dpj.agency_id ?? me.dpj.agency?.id;
    const p = await call('coordo', 'POST', `/api/v1/situations/${S}/participants`,
      { agency_id: dpjAgency, basis: 'safety_exception', justification: 'Enfants exposés.' });
    assert.equal(p.status, 201, p.raw);
    releaseOpen = day(20);
    releaseSensitive = day(25);
    const a = await call('refuge', 'POST', `/api/v1/situations/${S}/information`, { category: 'criminal_record',
      content: 'Détention provinciale', basis: 'consent', release_on: releaseOpen });
    assert.equal(a.status, 201, a.raw);
    itemOpen = a.body.id;
    const b = await call('refuge', 'POST', `/api/v1/situations/${S}/information`, { category: 'criminal_record',
      content: 'Adresse de sortie', basis: 'consent', sensitive: true, release_on: releaseSensitive,
      expires_on: '2031-03-17' });
    assert.equal(b.status, 201, b.raw);
    itemSensitive = b.body.id;
  });
  after(async () => { await f?.stop(); });

  it('refuses a release date that is not a date (422), and keeps nothing', async () => {
    for (const bad of ['2026-02-30', 'demain', '20270101', 12]) {
      const r = await call('refuge', 'POST', `/api/v1/situations/${S}/information`, { category: 'criminal_record',
        content: 'Note sans date valide', basis: 'consent', release_on: bad });
      assert.equal(r.status, 422, `${bad}: ${r.raw}`);
      assert.equal(r.body.error.field, 'release_on', r.raw);
    }
    const list = (await call('refuge', 'GET', `/api/v1/situations/${S}/information`)).body.information;
    assert.equal(list.length, 2);
  });

  it('shows the date only to those who may read the item', async () => {
    const mine = (await call('refuge', 'GET', `/api/v1/situations/${S}/information`)).body.information;
    assert.equal(mine.find((i) => i.id === itemOpen).release_on, releaseOpen);
    assert.equal(mine.find((i) => i.id === itemSensitive).release_on, releaseSensitive);
    const dpj = (await call('dpj', 'GET', `/api/v1/situations/${S}/information`)).body.information;
    assert.equal(dpj.find((i) => i.id === itemOpen).release_on, releaseOpen);
    const hidden = dpj.find((i) => i.id === itemSensitive);
    assert.equal(hidden.restricted, true);
    assert.ok(!('release_on' in hidden), JSON.stringify(hidden));
    assert.ok(!JSON.stringify(dpj).includes(releaseSensitive), 'the restricted date appears nowhere');
    // Its end date too (the order's or the condition's) is for its readers only.
    assert.equal(mine.find((i) => i.id === itemSensitive).expires_on, '2031-03-17');
    assert.ok(!('expires_on' in hidden) && !JSON.stringify(dpj).includes('2031-03-17'), JSON.stringify(hidden));
  });

  it('the situation page: the form field (kept on a refusal) and the date for readers only', async () => {
    const s = {};
    for (const u of ['refuge', 'dpj']) s[u] = await f.browserLogin(u);
    const post = (u, fields) => request(f.port, { method: 'POST', path: `/situations/${S}/information`,
      body: new URLSearchParams({ ...fields, csrf: s[u].csrf }).toString(),
      headers: { Cookie: s[u].cookie, Origin: f.base, 'Content-Type': 'application/x-www-form-urlencoded' } });
    const bad = await post('refuge', { category: 'criminal_record', content: 'KEEP-RELEASE-TEXT', basis: 'consent',
      release_on: '2031-02-30' });
    assert.equal(bad.status, 422);
    assert.match(bad.body, /href="#info-release"/);
    assert.match(bad.body, /id="info-release" name="release_on" value="2031-02-30"[^>]*aria-invalid="true"/);
    assert.match(bad.body, /id="info-release-error"[^>]*>Donnez la date de libération au format AAAA-MM-JJ\./);
    assert.match(bad.body, /KEEP-RELEASE-TEXT/);
    const page = async (u) => (await request(f.port, { path: `/situations/${S}`, headers: { Cookie: s[u].cookie } })).body;
    const mine = await page('refuge');
    assert.match(mine, /<label for="info-release">Date de libération de l’agresseur \(facultatif\)<\/label>/);
    const longDate = (iso) => new Date(`${iso}T12:00:00Z`).toLocaleDateString('fr-CA', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    const shown = (html, iso) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
      .includes(`Libération de l’agresseur le ${longDate(iso).replace(/^1 /, '1er ')}`);
    assert.ok(shown(mine, releaseOpen) && shown(mine, releaseSensitive), 'the sharing agency sees both dates');
    const dpj = await page('dpj');
    assert.ok(shown(dpj, releaseOpen), 'an item dpj may read');
    assert.ok(!shown(dpj, releaseSensitive), 'not the date of a restricted item');
  });

  it('no alert before 14 days; from 14 days to the sharing agency and the coordinator only', async () => {
    for (const u of users) assert.deepEqual(await releases(u), [], `${u} at 20 days`);
    f.advance(5 * DAY); // 15 days before
    await relogin();
    for (const u of users) assert.deepEqual(await releases(u), [], `${u} at 15 days`);
    f.advance(DAY); // 14 days before the first date
    await relogin();
    for (const u of ['coordo', 'refuge']) {
      const list = await releases(u);
      assert.equal(list.length, 1, `${u}: ${JSON.stringify(list)}`);
      assert.deepEqual(Object.keys(list[0]).sort(), ['id', 'kind', 'since', 'situation_id']);
      assert.equal(list[0].since, releaseOpen);
      assert.equal(list[0].id, `release:${itemOpen}`);
      const text = JSON.stringify(list);
      for (const secret of ['Alicia', 'Secretname', 'Jeannot', 'Roybaud', 'Détention']) assert.ok(!text.includes(secret));
    }
    for (const u of ['police', 'dpj', 'cavac']) assert.deepEqual(await releases(u), [], `${u} is not told`);
  });

  it('lasts until the date passes', async () => {
    f.advance(14 * DAY); // the first release day
    await relogin();
    const both = await releases('coordo');
    assert.deepEqual(both.map((a) => a.id).sort(), [`release:${itemOpen}`, `release:${itemSensitive}`].sort());
    assert.equal(both.find((a) => a.id === `release:${itemSensitive}`).since, releaseSensitive, 'the coordinator may read it');
    f.advance(DAY);
    await relogin();
    const after = await releases('refuge');
    assert.deepEqual(after.map((a) => a.id), [`release:${itemSensitive}`], 'the passed date is no longer alerted');
    for (const u of ['police', 'dpj', 'cavac']) assert.deepEqual(await releases(u), [], u);
  });
});
