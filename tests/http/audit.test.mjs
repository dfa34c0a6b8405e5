// The audit trail over HTTP: the auditor's API with its filters, the
// refusal of everyone else (itself recorded), the /audit page, the CSV
// export (escaping, formula neutralisation, recorded) and the verification
// of the hash chain, intact and then broken by hand.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startFilet, request } from '../lib/filet.mjs';

const json = { 'Content-Type': 'application/json' };
const formType = { 'Content-Type': 'application/x-www-form-urlencoded' };
const GOOD_PASSWORD = 'violet-canoe-mirror-harbour-19';
const ROW_KEYS = ['action', 'agency_id', 'at', 'fields', 'object_id', 'object_type', 'seq', 'source', 'user_id'];
const CSV_HEAD = ['seq', 'at', 'user_id', 'user_name', 'agency_id', 'agency_name', 'source', 'action', 'object_type', 'object_id', 'fields'];
const sql = (db, q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();

async function api(f, token, method, path, body) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  if (body !== undefined) Object.assign(headers, json);
  const r = await request(f.port, { method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  try { data = JSON.parse(r.body); } catch { /* not JSON */ }
  return { ...r, data };
}

const day = (offsetDays, nowSeconds) => new Date((nowSeconds + offsetDays * 86400) * 1000).toISOString().slice(0, 10);

// RFC 4180 reader: quoted fields, doubled quotes, CRLF rows; drops a BOM.
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

describe('audit trail', () => {
  let f, auditor, admin;
  const ids = {};

  before(async () => {
    f = await startFilet();
    auditor = await f.login('audit');
    admin = await f.login('admin');
    for (const u of ['audit', 'admin', 'coordo', 'refuge'])
      ids[u] = (await api(f, await f.login(u), 'GET', '/api/v1/me')).data.id;
  });
  after(async () => { await f.stop(); });

  const rows = async (query = {}) => {
    const r = await api(f, auditor, 'GET', `/api/v1/audit?${new URLSearchParams(query)}`);
    assert.equal(r.status, 200, r.body);
    return r.data.rows;
  };

  it('the auditor reads sign-ins, failed sign-ins and creations, newest first', async () => {
    // One failure only: throttling starts after three.
    const bad = await request(f.port, { method: 'POST', path: '/api/v1/login', headers: json,
      body: JSON.stringify({ username: 'coordo', password: 'not the password' }) });
    assert.equal(bad.status, 401);
    await f.login('coordo');
    const t = await api(f, admin, 'POST', '/api/v1/territories', { name: 'Outaouais (audit test)' });
    assert.equal(t.status, 201);

    const all = await rows();
    assert.ok(all.length > 0);
    for (const r of all) assert.deepEqual(Object.keys(r).sort(), ROW_KEYS);
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].seq > all[i].seq, 'newest first');
    assert.match(all[0].at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const coordo = all.filter((r) => r.user_id === ids.coordo);
    assert.equal(coordo.find((r) => r.action === 'login_failed')?.object_type, 'session');
    const ok = coordo.filter((r) => r.action === 'login_ok');
    assert.ok(ok.length >= 2, 'both sign-ins of coordo');
    assert.ok(coordo.findIndex((r) => r.action === 'login_ok') < coordo.findIndex((r) => r.action === 'login_failed'),
      'the later success comes before the failure');
    const created = all.find((r) => r.action === 'create' && r.object_id === t.data.id);
    assert.deepEqual([created.user_id, created.object_type, created.fields], [ids.admin, 'territory', 'name,timezone']);
    assert.equal(created.source, '127.0.0.1');
  });

  it('reading the trail is itself recorded', async () => {
    await rows({ user_id: ids.coordo, from: day(0, f.now()) });
    const mine = await rows({ user_id: ids.audit, object_type: 'audit' });
    const read = mine.find((r) => r.action === 'read' && r.fields === 'user_id,from');
    assert.ok(read, 'a read row naming the filters used');
  });

  it('filters by user, object and date (both bounds inclusive)', async () => {
    const byUser = await rows({ user_id: ids.coordo });
    assert.ok(byUser.length >= 3);
    assert.ok(byUser.every((r) => r.user_id === ids.coordo));

    const territories = await rows({ object_type: 'territory' });
    assert.ok(territories.length >= 1 && territories.every((r) => r.object_type === 'territory'));
    const one = await rows({ object_type: 'territory', object_id: territories[0].object_id });
    assert.deepEqual(one.map((r) => r.seq), [territories[0].seq]);

    const today = day(0, f.now());
    const todays = await rows({ user_id: ids.coordo, from: today, to: today });
    assert.equal(todays.length, byUser.length, 'from and to include today');
    assert.deepEqual(await rows({ user_id: ids.coordo, to: day(-1, f.now()) }), []);
    assert.deepEqual(await rows({ user_id: ids.coordo, from: day(1, f.now()) }), []);

    // situation_id is short for object_type=situation and that id.
    assert.deepEqual(await rows({ situation_id: 'abc' }), []);
    for (const q of [{ situation_id: 'abc', object_type: 'user' }, { from: '2025-02-30' }, { to: 'yesterday' }, { from: '2025-1-01' },
      { object_id: 'x'.repeat(65) }]) {
      const r = await api(f, auditor, 'GET', `/api/v1/audit?${new URLSearchParams(q)}`);
      assert.equal(r.status, 400, JSON.stringify(q));
      assert.equal(r.data.error.code, 'invalid_filter');
    }
  });

  it('rows on another day fall outside today\'s window', async () => {
    // A sign-in two days later (the server's clock is moved, not the rows).
    f.advance(2 * 86400);
    assert.equal((await api(f, auditor, 'GET', '/api/v1/audit')).status, 401, 'idle tokens expired meanwhile');
    await f.login('refuge');
    auditor = await f.login('audit');
    admin = await f.login('admin');
    const soon = day(0, f.now());
    const refuge = await rows({ user_id: ids.refuge });
    const inWindow = await rows({ user_id: ids.refuge, from: soon, to: soon });
    assert.deepEqual(inWindow.map((r) => r.action), ['login_ok']);
    const before = await rows({ user_id: ids.refuge, to: day(-1, f.now()) });
    assert.ok(before.length >= 1);
    assert.equal(before.length + inWindow.length, refuge.length);
  });

  it('refuses everyone but auditors (403), and records each refusal', async () => {
    for (const u of ['admin', 'coordo', 'refuge', 'police']) {
      const token = await f.login(u);
      const me = (await api(f, token, 'GET', '/api/v1/me')).data.id;
      const r = await api(f, token, 'GET', '/api/v1/audit');
      assert.equal(r.status, 403, u);
      assert.equal(r.data.error.code, 'forbidden');
      const page = await request(f.port, { path: '/audit', headers: { Authorization: `Bearer ${token}` } });
      assert.equal(page.status, 403);
      const csv = await request(f.port, { path: '/audit.csv', headers: { Authorization: `Bearer ${token}` } });
      assert.equal(csv.status, 403);
      assert.doesNotMatch(csv.headers['content-type'], /csv/);
      const refusals = (await rows({ user_id: me, object_type: 'audit' })).filter((x) => x.action === 'access_refused');
      assert.equal(refusals.length, 3, `${u}: API, page and export refusals recorded`);
    }
    const anon = await api(f, null, 'GET', '/api/v1/audit');
    assert.equal(anon.status, 401);
  });

  it('exports CSV: header, quoting, formula neutralisation, and the export is recorded', async () => {
    const territory = f.demoData.territory;
    const evil = "=cmd|' /C calc'!A0";
    const a = await api(f, admin, 'POST', '/api/v1/agencies', { name: evil, sector: 'other', territory });
    assert.equal(a.status, 201, a.body);
    const quoted = 'Doe, "Jim"';
    const u1 = await api(f, admin, 'POST', '/api/v1/users', { username: 'csv.quote', display_name: quoted,
      agency_id: a.data.id, role: 'practitioner', password: GOOD_PASSWORD });
    const u2 = await api(f, admin, 'POST', '/api/v1/users', { username: 'csv.plus', display_name: '+SUM(A1:A9)',
      agency_id: a.data.id, role: 'practitioner', password: GOOD_PASSWORD });
    assert.equal(u1.status, 201);
    assert.equal(u2.status, 201);
    await f.login('csv.quote', { password: GOOD_PASSWORD });
    await f.login('csv.plus', { password: GOOD_PASSWORD });

    const r = await request(f.port, { path: `/audit.csv?user_id=${u1.data.id}`, headers: { Authorization: `Bearer ${auditor}` } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/csv; charset=utf-8');
    assert.equal(r.headers['content-disposition'], 'attachment; filename="filet-audit.csv"');
    assert.match(r.body, /\r\n$/);
    const table = parseCsv(r.body);
    assert.deepEqual(table[0], CSV_HEAD);
    assert.equal(table.length, 2, 'header and the one sign-in of csv.quote');
    const row = Object.fromEntries(CSV_HEAD.map((h, i) => [h, table[1][i]]));
    assert.equal(row.action, 'login_ok');
    assert.equal(row.user_name, quoted);
    assert.ok(r.body.includes('"Doe, ""Jim"""'), 'quotes doubled inside a quoted field');
    assert.equal(row.agency_name, "'" + evil, 'the formula is neutralised');
    assert.ok(row.agency_name.startsWith("'="));

    const all = parseCsv((await request(f.port, { path: '/audit.csv', headers: { Authorization: `Bearer ${auditor}` } })).body);
    const plus = all.find((x) => x[2] === u2.data.id);
    assert.equal(plus[3], "'+SUM(A1:A9)");
    for (const cells of all) for (const c of cells) assert.doesNotMatch(c, /^[=+\-@\t\r]/, `cell ${c}`);
    assert.ok(all.length > 20);

    const exports = (await rows({ user_id: ids.audit, object_type: 'audit' })).filter((x) => x.action === 'export');
    assert.deepEqual(exports.map((x) => x.fields), ['', 'user_id'], 'both exports recorded, newest first');
  });

  describe('the /audit page', () => {
    let s;
    before(async () => { s = await f.browserLogin('audit'); });

    it('shows the rows with people\'s names, and the filter form', async () => {
      const r = await request(f.port, { path: `/audit?user_id=${ids.coordo}`, headers: { Cookie: s.cookie } });
      assert.equal(r.status, 200);
      assert.match(r.body, /<td>Karine, coordonnatrice \(démo\)<\/td>\s*<td>Carrefour sécurité — coordination \(démo\)<\/td>\s*<td><code>login_ok<\/code><\/td>/);
      assert.doesNotMatch(r.body, /<td>Sgt\. Tremblay/, 'only the chosen user');
      assert.match(r.body, new RegExp(`<option value="${ids.coordo}" selected>Karine, coordonnatrice \\(démo\\) \\(coordo\\)</option>`));
      for (const id of ['f-user', 'f-type', 'f-id', 'f-from', 'f-to']) assert.match(r.body, new RegExp(`<label for="${id}">`));
      assert.match(r.body, new RegExp(`href="/audit.csv\\?user_id=${ids.coordo}"`));
    });

    it('a bad date is an error in the page, not a crash', async () => {
      const r = await request(f.port, { path: '/audit?from=31/12/2025', headers: { Cookie: s.cookie } });
      assert.equal(r.status, 400);
      assert.match(r.body, /role="alert"><p>Écrivez les dates sous la forme AAAA-MM-JJ\./);
      assert.match(r.body, /id="f-from" name="from" type="date" value="31\/12\/2025"/);
    });

    it('verifies the chain (recorded), and finds a row changed behind its back', async () => {
      const noCsrf = await request(f.port, { method: 'POST', path: '/audit/verify', body: '',
        headers: { ...formType, Cookie: s.cookie, Origin: f.base } });
      assert.equal(noCsrf.status, 403);
      const ok = await request(f.port, { method: 'POST', path: '/audit/verify', body: `csrf=${s.csrf}`,
        headers: { ...formType, Cookie: s.cookie, Origin: f.base } });
      assert.equal(ok.status, 200);
      const count = Number(sql(f.db, 'SELECT count(*) FROM audit_log')) - 1;
      assert.match(ok.body, new RegExp(`id="verify-result">La chaîne est intacte \\(lignes vérifiées : ${count}\\)\\.`));
      const verified = (await rows({ user_id: ids.audit, object_type: 'audit' })).filter((x) => x.action === 'verify');
      assert.equal(verified.length, 1);

      const refused = await request(f.port, { method: 'POST', path: '/audit/verify', body: '',
        headers: { ...formType, Authorization: `Bearer ${admin}` } });
      assert.equal(refused.status, 403);

      // The database refuses the edit; someone with the file can drop the
      // trigger first, and the chain still shows it.
      assert.throws(() => sql(f.db, "UPDATE audit_log SET fields = 'name' WHERE seq = 3"), /append-only/);
      sql(f.db, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET fields = 'name' WHERE seq = 3;");
      const broken = await request(f.port, { method: 'POST', path: '/audit/verify', body: `csrf=${s.csrf}`,
        headers: { ...formType, Cookie: s.cookie, Origin: f.base } });
      assert.equal(broken.status, 200);
      assert.match(broken.body, /role="alert" id="verify-result"><p>La chaîne est rompue à la ligne 3 : l’objet ou les champs de la ligne ont été modifiés\./);
    });
  });
});
