// The daily e-mail digest of alerts (issue 6). Users get an optional e-mail
// address (admin API, admin page, `filet user add --email`, `filet user
// set-email`; validated, audited).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request, cliRaw } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };
const GOOD_PASSWORD = 'violet-canoe-mirror-harbour-19';

describe('users\' digest addresses', { concurrency: false }, () => {
  let f, users, agencies;
  const tok = {};
  const call = async (u, method, path, body) => {
    const r = await request(f.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok[u]}` },
      body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: r.body ? JSON.parse(r.body) : null, raw: r.body };
  };
  const list = async () => {
    const r = await call('admin', 'GET', '/api/v1/users');
    assert.equal(r.status, 200);
    return Object.fromEntries(r.body.users.map((u) => [u.username, u]));
  };
  const auditOf = async (id) => (await call('audit', 'GET',
    `/api/v1/audit?${new URLSearchParams({ object_type: 'user', object_id: id })}`)).body.rows;

  before(async () => {
    f = await startFilet();
    for (const u of ['admin', 'audit', 'coordo']) tok[u] = await f.login(u);
    users = await list();
    agencies = (await call('admin', 'GET', '/api/v1/agencies')).body.agencies;
  });
  after(async () => { await f?.stop(); });

  it('the admin API sets, shows and clears an address; 422 for a bad one; audited', async () => {
    const id = users.refuge.id;
    assert.ok(!('email' in users.refuge), 'none by default');
    for (const bad of ['julie', 'julie@', 'julie@refuge', 'a b@refuge.org', 'julie@refuge.org\r\nBcc: x@y.org',
      'julie@refuge.org,x@y.org']) {
      const r = await call('admin', 'PATCH', `/api/v1/users/${id}`, { email: bad });
      assert.equal(r.status, 422, `${JSON.stringify(bad)}: ${r.raw}`);
      assert.equal(r.body.error.code, 'invalid_email');
    }
    assert.equal((await call('admin', 'PATCH', `/api/v1/users/${id}`, { email: 3 })).status, 400);
    assert.equal((await call('admin', 'PATCH', `/api/v1/users/${id}`, {})).status, 400);
    assert.equal((await call('admin', 'PATCH', `/api/v1/users/${id}`, { email: 'a@b.org', x: 1 })).status, 400);
    assert.equal((await call('admin', 'PATCH', '/api/v1/users/aaaaaaaaaaaaaaaaaaaaaaaaaa', { email: 'a@b.org' })).status, 404);
    assert.equal((await call('coordo', 'PATCH', `/api/v1/users/${id}`, { email: 'a@b.org' })).status, 403);
    assert.ok(!('email' in (await list()).refuge), 'nothing changed by the refusals');
    const ok = await call('admin', 'PATCH', `/api/v1/users/${id}`, { email: 'julie@refuge.example.org' });
    assert.equal(ok.status, 200, ok.raw);
    assert.deepEqual(ok.body, { id, email: 'julie@refuge.example.org' });
    assert.equal((await list()).refuge.email, 'julie@refuge.example.org');
    const rows = await auditOf(id);
    assert.ok(rows.some((x) => x.action === 'update' && x.fields === 'email'), JSON.stringify(rows));
    assert.ok(!JSON.stringify(rows).includes('julie@refuge'), 'the audit names the field, not the value');
    const clear = await call('admin', 'PATCH', `/api/v1/users/${id}`, { email: null });
    assert.deepEqual(clear.body, { id, email: null });
    assert.ok(!('email' in (await list()).refuge));
  });

  it('POST /api/v1/users takes an optional address (422 when bad)', async () => {
    const agency = agencies[0].id;
    const bad = await call('admin', 'POST', '/api/v1/users', { username: 'nouvelle.a', agency_id: agency,
      role: 'practitioner', password: GOOD_PASSWORD, email: 'pas une adresse' });
    assert.equal(bad.status, 422, bad.raw);
    assert.ok(!(await list())['nouvelle.a'], 'not created');
    const ok = await call('admin', 'POST', '/api/v1/users', { username: 'nouvelle.a', agency_id: agency,
      role: 'practitioner', password: GOOD_PASSWORD, email: 'nouvelle@example.org' });
    assert.equal(ok.status, 201, ok.raw);
    assert.equal((await list())['nouvelle.a'].email, 'nouvelle@example.org');
  });

  it('the admin page shows the address, and its form takes one', async () => {
    const s = await f.browserLogin('admin');
    const page = (await request(f.port, { path: '/admin', headers: { Cookie: s.cookie } })).body;
    assert.match(page, /<th scope="col">Courriel pour le résumé<\/th>/);
    assert.match(page, /<td>nouvelle@example\.org<\/td>/);
    assert.match(page, /<input id="u-email" name="email" type="email"/);
    const post = (fields) => request(f.port, { method: 'POST', path: '/admin/users',
      body: new URLSearchParams({ csrf: s.csrf, ...fields }).toString(),
      headers: { Cookie: s.cookie, Origin: f.base, 'Content-Type': 'application/x-www-form-urlencoded' } });
    const fields = { username: 'page.user', display_name: 'Page', agency_id: agencies[0].id, role: 'practitioner',
      lang: 'fr', password: GOOD_PASSWORD };
    const bad = await post({ ...fields, email: 'page@' });
    assert.equal(bad.status, 422);
    assert.match(bad.body, /Donnez une adresse courriel valide/);
    assert.match(bad.body, /id="u-email" name="email" type="email"[^>]*value="page@"/, 'what was typed is kept');
    assert.equal((await post({ ...fields, email: 'page@example.org' })).status, 200);
    assert.equal((await list())['page.user'].email, 'page@example.org');
  });

  it('filet user add --email and filet user set-email, validated and audited', async () => {
    const base = ['--db', f.db, '--key', f.key];
    const bad = cliRaw(['user', 'add', ...base, '--username', 'cli.user', '--agency', agencies[0].id,
      '--role', 'practitioner', '--email', 'nope'], { input: `${GOOD_PASSWORD}\n` });
    assert.equal(bad.status, 1, bad.stderr);
    assert.match(bad.stderr, /--email is not a valid e-mail address/);
    const add = cliRaw(['user', 'add', ...base, '--username', 'cli.user', '--agency', agencies[0].id,
      '--role', 'practitioner', '--email', 'cli@example.org', '--json'], { input: `${GOOD_PASSWORD}\n` });
    assert.equal(add.status, 0, add.stderr);
    assert.equal((await list())['cli.user'].email, 'cli@example.org');
    const set = cliRaw(['user', 'set-email', ...base, '--username', 'coordo', '--email', 'karine@csvc.example.org', '--json']);
    assert.equal(set.status, 0, set.stderr);
    assert.deepEqual(JSON.parse(set.stdout), { ok: true });
    assert.equal((await list()).coordo.email, 'karine@csvc.example.org');
    assert.ok((await auditOf(users.coordo.id)).some((x) => x.action === 'update' && x.fields === 'email'));
    const wrong = cliRaw(['user', 'set-email', ...base, '--username', 'coordo', '--email', 'karine@csvc']);
    assert.equal(wrong.status, 1);
    assert.equal((await list()).coordo.email, 'karine@csvc.example.org', 'unchanged');
    assert.equal(cliRaw(['user', 'set-email', ...base, '--username', 'coordo']).status, 2);
    const clear = cliRaw(['user', 'set-email', ...base, '--username', 'coordo', '--email', '']);
    assert.equal(clear.status, 0, clear.stderr);
    assert.ok(!('email' in (await list()).coordo));
    const listed = JSON.parse(cliRaw(['user', 'list', '--db', f.db, '--json']).stdout).users;
    assert.equal(listed.find((u) => u.username === 'cli.user').email, 'cli@example.org');
  });
});
