// The /alerts page (issue 6): the caller's alerts - exactly what GET
// /api/v1/alerts lists for them - grouped by kind, each linking to its
// situation, in the user's language, with no personal data; an empty state;
// the nav link for cell users only; the reads of the page and of the API
// are audited.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const SECRETS = ['Gisèle', 'Zorglubian', 'Bertrand', 'NOM-SECRET', 'Ordonnance Zorglub'];

describe('alerts page', { concurrency: false }, () => {
  let f, S, S2;
  const tok = {}, s = {};
  const call = async (u, method, path, body) => {
    const r = await request(f.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok[u]}` },
      body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: r.body ? JSON.parse(r.body) : null, raw: r.body };
  };
  const page = (u, path = '/alerts') => request(f.port, { path, headers: { Cookie: s[u].cookie } });
  const day = (n) => new Date((f.now() + n * 86400) * 1000).toISOString().slice(0, 10);

  before(async () => {
    f = await startFilet();
    for (const u of ['refuge', 'coordo', 'police', 'admin', 'audit', 'cavac']) {
      tok[u] = await f.login(u);
      s[u] = await f.browserLogin(u);
    }
    const referral = { summary: 'Menaces NOM-SECRET.', consent: { status: 'given' },
      persons: [{ ref: 'v1', role: 'victim', given_name: 'Gisèle', family_name: 'Zorglubian' },
        { ref: 'p1', role: 'perpetrator', given_name: 'Bertrand', family_name: 'Zorglubian' }] };
    S = (await call('refuge', 'POST', '/api/v1/referrals', referral)).body.situation_id;
    S2 = (await call('refuge', 'POST', '/api/v1/referrals', referral)).body.situation_id;
    for (const [n, sid] of [[5, S], [9, S2]]) {
      const r = await call('refuge', 'POST', `/api/v1/situations/${sid}/information`, { category: 'protective_order',
        content: 'Ordonnance Zorglub', basis: 'consent', expires_on: day(n) });
      assert.equal(r.status, 201, r.raw);
    }
    const rel = await call('refuge', 'POST', `/api/v1/situations/${S}/information`, { category: 'criminal_record',
      content: 'Détention', basis: 'consent', release_on: day(3) });
    assert.equal(rel.status, 201, rel.raw);
  });
  after(async () => { await f?.stop(); });

  it('lists what the API lists for the caller, grouped by kind, with links and no personal data', async () => {
    for (const u of ['refuge', 'coordo']) {
      const api = (await call(u, 'GET', '/api/v1/alerts')).body.alerts;
      assert.ok(api.length >= 3, JSON.stringify(api));
      const r = await page(u);
      assert.equal(r.status, 200);
      const sections = r.body.split('<section class="alert-group"').slice(1);
      const headings = sections.map((x) => text(/<h2[^>]*>([\s\S]*?)<\/h2>/.exec(x)[1]).trim());
      assert.ok(headings.includes('Libérations d’agresseurs d’ici 14 jours 1'), `${u}: ${headings}`);
      assert.ok(headings.includes('Ordonnances de protection qui prennent fin d’ici 14 jours 2'), `${u}: ${headings}`);
      const links = [...r.body.matchAll(/<li><a href="\/situations\/([a-z2-7]{26})">/g)].map((m) => m[1]);
      assert.deepEqual(links.sort(), api.map((a) => a.situation_id).sort(), `${u}: one link per alert of the API`);
      assert.ok(links.includes(S) && links.includes(S2));
      assert.match(r.body, /Situation reçue le \d+(er)? \S+ \d{4}<\/a>/);
      for (const secret of SECRETS) assert.ok(!r.body.includes(secret), `${u}: ${secret}`);
    }
  });

  it('is in the user\'s language', async () => {
    const set = await request(f.port, { method: 'POST', path: '/lang', body: 'lang=en&next=%2Falerts',
      headers: { Cookie: s.refuge.cookie, Origin: f.base, 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.ok(set.status < 400, String(set.status));
    const cookie = [s.refuge.cookie, ...[].concat(set.headers['set-cookie'] || []).map((c) => c.split(';')[0])].join('; ');
    const r = await request(f.port, { path: '/alerts', headers: { Cookie: cookie } });
    assert.equal(r.status, 200);
    assert.match(r.body, /<h1>Alerts<\/h1>/);
    assert.match(text(r.body), /Perpetrator releases within 14 days 1/);
    assert.match(text(r.body), /Protective orders ending within 14 days 2/);
  });

  it('an empty state, and the nav link for cell users only', async () => {
    const pol = await page('police');
    assert.equal(pol.status, 200);
    assert.match(pol.body, /Aucune alerte pour vous en ce moment\./);
    assert.ok(!pol.body.includes('alert-group'));
    assert.match(pol.body, /<a href="\/alerts">Alertes<\/a>/, 'police is a cell user');
    for (const u of ['admin', 'audit']) {
      const r = await page(u);
      assert.equal(r.status, 200, u);
      assert.ok(!r.body.includes('href="/alerts"'), `${u}: no nav link`);
      assert.match(r.body, /class="notice"/);
    }
    const anon = await request(f.port, { path: '/alerts' });
    assert.equal(anon.status, 303);
  });

  it('audits the reads of the page and of the API', async () => {
    const users = (await call('admin', 'GET', '/api/v1/users')).body.users;
    const id = (u) => users.find((x) => x.username === u).id;
    const rows = (await call('audit', 'GET', `/api/v1/audit?object_type=alert_list&user_id=${id('refuge')}`)).body.rows;
    assert.ok(rows.filter((x) => x.action === 'read').length >= 3, JSON.stringify(rows));
    const pol = (await call('audit', 'GET', `/api/v1/audit?object_type=alert_list&user_id=${id('police')}`)).body.rows;
    assert.equal(pol.length, 1, 'one page read by police');
  });
  it('lets the coordinator mark a stored alert dealt with; a computed one ends with its cause', async () => {
    // An excluded user's attempt: a stored alert for the coordinator.
    const cavac = (await call('cavac', 'GET', '/api/v1/me')).body;
    const ex = await call('coordo', 'POST', `/api/v1/situations/${S2}/exclusions`, { user_id: cavac.id ?? cavac.user?.id,
      reason: 'Voisine de la personne violente.' });
    assert.equal(ex.status, 201, ex.raw);
    assert.equal((await call('cavac', 'GET', `/api/v1/situations/${S2}`)).status, 404);
    const open = async () => (await call('coordo', 'GET', '/api/v1/alerts')).body.alerts;
    const attempt = (await open()).find((a) => a.kind === 'excluded_attempt' && a.situation_id === S2);
    assert.ok(attempt, 'the attempt is alerted');
    // The page offers "Traitée" on it, and on no computed alert.
    const before = await page('coordo');
    const forms = [...before.body.matchAll(/<form method="post" action="\/alerts\/([^/"]+)\/resolve"/g)].map((m) => m[1]);
    assert.deepEqual(forms, [attempt.id], before.body);
    assert.match(before.body, new RegExp(`action="/alerts/${attempt.id}/resolve" class="inline-form">\\s*<input type="hidden" name="csrf" value="${s.coordo.csrf}">`));
    assert.match(before.body, /Traitée<span class="visually-hidden"> — Situation reçue le/);
    assert.ok(!(await page('refuge')).body.includes('/resolve'), 'only the coordinator deals with alerts');
    // Only the territory's coordinator; a computed alert cannot be closed by hand.
    assert.equal((await call('refuge', 'POST', `/api/v1/alerts/${attempt.id}/resolve`)).status, 403);
    assert.equal((await call('admin', 'POST', `/api/v1/alerts/${attempt.id}/resolve`)).status, 403);
    const computed = (await open()).find((a) => a.kind === 'protective_order_expiring');
    const c = await call('coordo', 'POST', `/api/v1/alerts/${encodeURIComponent(computed.id)}/resolve`);
    assert.equal(c.status, 422, c.raw);
    assert.match(c.body.error.message, /prend fin d’elle-même/);
    assert.equal((await call('coordo', 'POST', '/api/v1/alerts/aaaaaaaaaaaaaaaaaaaaaaaaaa/resolve')).status, 404);
    // The page's button: back to the list, the alert gone, the rest there.
    const r = await request(f.port, { method: 'POST', path: `/alerts/${attempt.id}/resolve`,
      headers: { Cookie: s.coordo.cookie, 'Content-Type': 'application/x-www-form-urlencoded', Origin: f.base },
      body: `csrf=${encodeURIComponent(s.coordo.csrf)}` });
    assert.equal(r.status, 303, r.body);
    assert.equal(r.headers.location, '/alerts?resolved=1');
    const after = await open();
    assert.ok(!after.some((a) => a.id === attempt.id), 'dealt with: off the list');
    assert.ok(after.some((a) => a.kind === 'protective_order_expiring'), 'the computed ones stay');
    assert.match((await page('coordo', '/alerts?resolved=1')).body, /L’alerte est marquée comme traitée\./);
    assert.equal((await call('coordo', 'POST', `/api/v1/alerts/${attempt.id}/resolve`)).status, 404, 'once');
    const trail = (await call('audit', 'GET', `/api/v1/audit?object_type=alert&object_id=${attempt.id}`)).body.rows;
    assert.ok(trail.some((x) => x.action === 'resolve'), JSON.stringify(trail));
  });
});
