// Administration over HTTP: territories, agencies and users through the
// API and the /admin page; the access matrix of every admin route (403 and
// its access_refused record for every other role, 401 without a session);
// validation (422), unknown fields (400), duplicates (409); disabling and
// resetting a second factor end the person's sessions.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request } from '../lib/filet.mjs';

const json = { 'Content-Type': 'application/json' };
const formType = { 'Content-Type': 'application/x-www-form-urlencoded' };
const GOOD_PASSWORD = 'violet-canoe-mirror-harbour-19';
const ID = /^[a-z2-7]{26}$/;

// One API call; body objects are sent as JSON, strings as they are.
async function api(f, token, method, path, body) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  if (body !== undefined) Object.assign(headers, json);
  const r = await request(f.port, { method, path, headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  let data = null;
  try { data = JSON.parse(r.body); } catch { /* not JSON */ }
  return { ...r, data };
}

const form = (o) => new URLSearchParams(o).toString();

async function postForm(f, session, path, fields, { csrf = true } = {}) {
  const body = form(csrf ? { csrf: session.csrf, ...fields } : fields);
  return request(f.port, { method: 'POST', path, body, headers: { ...formType, Cookie: session.cookie, Origin: f.base } });
}

async function auditRows(f, auditor, query) {
  const r = await api(f, auditor, 'GET', `/api/v1/audit?${new URLSearchParams(query)}`);
  assert.equal(r.status, 200, r.body);
  return r.data.rows;
}

describe('administration API', () => {
  let f, admin, auditor, territory, agency;
  const tokens = {};
  const ids = {};

  before(async () => {
    f = await startFilet();
    for (const u of ['admin', 'coordo', 'police', 'refuge', 'audit']) {
      tokens[u] = await f.login(u);
      ids[u] = (await api(f, tokens[u], 'GET', '/api/v1/me')).data.id;
    }
    admin = tokens.admin;
    auditor = tokens.audit;
  });
  after(async () => { await f.stop(); });

  it('admin creates a territory, an agency and a user; the lists have the documented shapes', async () => {
    const t = await api(f, admin, 'POST', '/api/v1/territories', { name: 'Estrie (test)', timezone: 'America/Toronto' });
    assert.equal(t.status, 201, t.body);
    assert.deepEqual(Object.keys(t.data), ['id']);
    assert.match(t.data.id, ID);
    territory = t.data.id;

    const tl = await api(f, tokens.refuge, 'GET', '/api/v1/territories');
    assert.equal(tl.status, 200);
    assert.deepEqual(tl.data.territories.find((x) => x.id === territory),
      { id: territory, name: 'Estrie (test)', timezone: 'America/Toronto' });

    const a = await api(f, admin, 'POST', '/api/v1/agencies', { name: 'Refuge du Lac (test)', sector: 'shelter', territory });
    assert.equal(a.status, 201, a.body);
    assert.deepEqual(Object.keys(a.data), ['id']);
    agency = a.data.id;

    // Every signed-in user reads the agency list.
    const al = await api(f, tokens.police, 'GET', '/api/v1/agencies');
    assert.equal(al.status, 200);
    assert.deepEqual(al.data.agencies.find((x) => x.id === agency),
      { id: agency, name: 'Refuge du Lac (test)', sector: 'shelter', territory });
    assert.ok(al.data.agencies.length >= 14, 'the demo agencies are listed too');

    const u = await api(f, admin, 'POST', '/api/v1/users', { username: 'nadia.t', display_name: 'Nadia T. (test)',
      agency_id: agency, role: 'practitioner', password: GOOD_PASSWORD, lang: 'en' });
    assert.equal(u.status, 201, u.body);
    assert.deepEqual(Object.keys(u.data).sort(), ['id', 'otpauth_uri', 'totp_secret']);
    assert.match(u.data.id, ID);
    assert.match(u.data.totp_secret, /^[A-Z2-7]{32}$/);
    assert.ok(u.data.otpauth_uri.startsWith(`otpauth://totp/filet:nadia.t?secret=${u.data.totp_secret}&issuer=filet`));

    const ul = await api(f, admin, 'GET', '/api/v1/users');
    assert.equal(ul.status, 200);
    assert.deepEqual(ul.data.users.find((x) => x.id === u.data.id), {
      id: u.data.id, username: 'nadia.t', display_name: 'Nadia T. (test)', agency_id: agency,
      role: 'practitioner', lang: 'en', active: true, totp_confirmed: false });
    assert.doesNotMatch(ul.body, /argon2|enc1:|password|totp_secret/i, 'no hash or secret in the list');

    // Each write left its record: field names, never values.
    const rows = await auditRows(f, auditor, { user_id: ids.admin });
    const created = (type, id) => rows.find((r) => r.action === 'create' && r.object_type === type && r.object_id === id);
    assert.equal(created('territory', territory).fields, 'name,timezone');
    assert.equal(created('agency', agency).fields, 'name,sector,territory');
    assert.match(created('user', u.data.id).fields, /^username,.*password/);
    assert.doesNotMatch(JSON.stringify(rows), new RegExp(GOOD_PASSWORD));
  });

  it('a created user can sign in (demo mode: no second factor) with their role and agency', async () => {
    const token = await f.login('nadia.t', { password: GOOD_PASSWORD });
    const me = await api(f, token, 'GET', '/api/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.data.role, 'practitioner');
    assert.equal(me.data.agency.id, agency);
    assert.equal(me.data.territory_id, territory);
  });

  it('validation errors are 422 with a clear message in the caller\'s language', async () => {
    const base = { username: 'valid.name', display_name: 'Valid', agency_id: agency, role: 'coordinator', password: GOOD_PASSWORD };
    const cases = [
      ['/api/v1/agencies', { name: 'X', sector: 'circus', territory }, 'invalid_sector', /secteur/],
      ['/api/v1/agencies', { name: 'X', sector: 'police', territory: 'nowhere' }, 'unknown_territory', /territoire existant/],
      ['/api/v1/agencies', { name: '   ', sector: 'police', territory }, 'invalid_name', /nom/],
      ['/api/v1/agencies', { sector: 'police', territory }, 'invalid_name', /nom/],
      ['/api/v1/territories', { name: 'Y', timezone: '../../etc/passwd' }, 'invalid_timezone', /fuseau/],
      ['/api/v1/users', { ...base, username: 'AB' }, 'invalid_username', /3 à 64/],
      ['/api/v1/users', { ...base, username: 'Big.Name' }, 'invalid_username', /minuscules/],
      ['/api/v1/users', { ...base, role: 'king' }, 'invalid_role', /rôle/],
      ['/api/v1/users', { ...base, agency_id: 'nope' }, 'unknown_agency', /organisme existant/],
      ['/api/v1/users', { ...base, lang: 'de' }, 'invalid_lang', /langue/],
      ['/api/v1/users', { ...base, password: 'short-pw' }, 'weak_password', /au moins 12 caractères/],
      ['/api/v1/users', { ...base, password: 'password1234' }, 'weak_password', /courants ou divulgués/],
      ['/api/v1/users', { ...base, username: 'longusername1', password: 'LongUsername1' }, 'weak_password', /nom d’utilisateur/],
    ];
    for (const [path, body, code, message] of cases) {
      const r = await api(f, admin, 'POST', path, body);
      assert.equal(r.status, 422, `${path} ${JSON.stringify(body)}: ${r.body}`);
      assert.equal(r.data.error.code, code, JSON.stringify(body));
      assert.match(r.data.error.message, message, JSON.stringify(body));
    }
    const users = (await api(f, admin, 'GET', '/api/v1/users')).data.users;
    assert.ok(!users.some((u) => ['valid.name', 'AB', 'longusername1'].includes(u.username)), 'nothing was created');
  });

  it('unknown fields, wrong types and malformed JSON are 400', async () => {
    const cases = [
      ['/api/v1/territories', { name: 'Z', colour: 'red' }, 'unknown_field'],
      ['/api/v1/agencies', { name: 'Z', sector: 'police', territory, id: 'mine' }, 'unknown_field'],
      ['/api/v1/users', { username: 'zed', display_name: 'Z', agency_id: agency, role: 'admin', password: GOOD_PASSWORD, is_admin: true }, 'unknown_field'],
      ['/api/v1/agencies', { name: 7, sector: 'police', territory }, 'invalid_field'],
      ['/api/v1/agencies', '{"name": "Z", "name": "Z2"}', 'invalid_json'],
      ['/api/v1/territories', '[1, 2]', 'invalid_json'],
    ];
    for (const [path, body, code] of cases) {
      const r = await api(f, admin, 'POST', path, body);
      assert.equal(r.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.equal(r.data.error.code, code);
    }
    const users = (await api(f, admin, 'GET', '/api/v1/users')).data.users;
    assert.ok(!users.some((u) => u.username === 'zed'));
  });

  it('territory settings: retention period and meeting quorum, each value out of range listed (422), audited', async () => {
    const demo = f.demoData.territory;
    const patch = (token, body) => api(f, token, 'PATCH', `/api/v1/territories/${demo}`, body);
    const ok = await patch(admin, { retention_months: 24, meeting_quorum: 2 });
    assert.equal(ok.status, 200, ok.body);
    assert.equal(ok.data.retention_months, 24);
    assert.equal(ok.data.meeting_quorum, 2);
    assert.equal(ok.data.escalation_threshold >= 1, true, 'the other settings are kept');
    // Defaults until changed: 60 months, 3 agencies.
    const t = await api(f, admin, 'PATCH', `/api/v1/territories/${territory}`, {});
    assert.equal(t.status, 200, t.body);
    assert.equal(t.data.retention_months, 60);
    assert.equal(t.data.meeting_quorum, 3);
    for (const [body, fields] of [
      [{ retention_months: 11 }, ['retention_months']],
      [{ retention_months: 241, meeting_quorum: 0 }, ['retention_months', 'meeting_quorum']],
      [{ meeting_quorum: 51, escalation_threshold: 2 }, ['meeting_quorum']],
      [{ meeting_quorum: '3' }, ['meeting_quorum']],
      [{ retention_months: 12.5 }, ['retention_months']],
    ]) {
      const r = await patch(admin, body);
      assert.equal(r.status, 422, JSON.stringify(body));
      assert.deepEqual(r.data.error.problems.map((p) => p.field), fields, JSON.stringify(body));
      for (const p of r.data.error.problems) assert.ok(p.message.length > 0);
    }
    const fr = await patch(admin, { retention_months: 300 });
    assert.match(fr.data.error.problems[0].message, /12 à 240 mois/);
    // Nothing was changed by the refused requests.
    assert.equal((await patch(admin, {})).data.retention_months, 24);
    assert.equal((await patch(admin, {})).data.escalation_threshold, ok.data.escalation_threshold);
    for (const u of ['coordo', 'police', 'audit']) assert.equal((await patch(tokens[u], { meeting_quorum: 4 })).status, 403, u);
    const rows = await auditRows(f, auditor, { object_type: 'territory', object_id: demo });
    assert.ok(rows.some((x) => x.action === 'update' && x.fields === 'retention_months,meeting_quorum'), JSON.stringify(rows));
    assert.ok(!rows.some((x) => x.action === 'update' && !x.fields), 'an empty PATCH changes nothing and writes no row');
  });

  it('duplicates are 409: territory name, agency name in its territory, username', async () => {
    const t = await api(f, admin, 'POST', '/api/v1/territories', { name: 'Estrie (test)' });
    assert.equal(t.status, 409);
    assert.equal(t.data.error.code, 'conflict');
    const a = await api(f, admin, 'POST', '/api/v1/agencies', { name: 'Refuge du Lac (test)', sector: 'police', territory });
    assert.equal(a.status, 409);
    assert.match(a.data.error.message, /existe déjà dans ce territoire/);
    // The same name in another territory is another agency.
    const demoTerritory = f.demoData.territory;
    const other = await api(f, admin, 'POST', '/api/v1/agencies', { name: 'Refuge du Lac (test)', sector: 'shelter', territory: demoTerritory });
    assert.equal(other.status, 201);
    const u = await api(f, admin, 'POST', '/api/v1/users', { username: 'coordo', display_name: 'Twin', agency_id: agency,
      role: 'admin', password: GOOD_PASSWORD });
    assert.equal(u.status, 409);
    assert.match(u.data.error.message, /déjà pris/);
  });

  describe('access matrix', () => {
    let victim;
    before(async () => {
      const u = await api(f, admin, 'POST', '/api/v1/users', { username: 'victim.of.tests', display_name: 'Target',
        agency_id: agency, role: 'practitioner', password: GOOD_PASSWORD });
      assert.equal(u.status, 201);
      victim = u.data.id;
    });

    const routes = () => [
      ['GET', '/api/v1/users', undefined, 'user'],
      ['POST', '/api/v1/territories', { name: 'Refused territory' }, 'territory'],
      ['POST', '/api/v1/agencies', { name: 'Refused agency', sector: 'police', territory }, 'agency'],
      ['POST', '/api/v1/users', { username: 'refused.user', display_name: 'R', agency_id: agency, role: 'admin', password: GOOD_PASSWORD }, 'user'],
      ['POST', `/api/v1/users/${victim}/disable`, undefined, 'user'],
      ['POST', `/api/v1/users/${victim}/enable`, undefined, 'user'],
      ['POST', `/api/v1/users/${victim}/reset-mfa`, undefined, 'user'],
    ];

    for (const [username, role] of [['coordo', 'coordinator'], ['refuge', 'practitioner'], ['police', 'representative'], ['audit', 'auditor']]) {
      it(`every admin route is refused to a ${role} (403), and each refusal is recorded`, async () => {
        const before = (await auditRows(f, auditor, { user_id: ids[username] })).filter((r) => r.action === 'access_refused');
        for (const [method, path, body] of routes()) {
          const r = await api(f, tokens[username], method, path, body);
          assert.equal(r.status, 403, `${role} ${method} ${path}: ${r.body}`);
          assert.equal(r.data.error.code, 'forbidden');
        }
        const after = (await auditRows(f, auditor, { user_id: ids[username] })).filter((r) => r.action === 'access_refused');
        const fresh = after.filter((r) => !before.some((b) => b.seq === r.seq));
        assert.deepEqual(fresh.map((r) => r.object_type).reverse(), routes().map((x) => x[3]),
          'one access_refused row per refused request, oldest first');
        const me = (await api(f, tokens[username], 'GET', '/api/v1/me')).data;
        assert.ok(fresh.every((r) => r.user_id === me.id && r.agency_id === me.agency_id));
        // Nothing happened.
        const users = (await api(f, admin, 'GET', '/api/v1/users')).data.users;
        assert.ok(!users.some((u) => u.username === 'refused.user'));
        assert.equal(users.find((u) => u.id === victim).active, true);
        const territories = (await api(f, admin, 'GET', '/api/v1/territories')).data.territories;
        assert.ok(!territories.some((t) => t.name === 'Refused territory'));
      });
    }

    it('without a session every admin route is 401, and the open lists too', async () => {
      for (const [method, path, body] of [...routes(), ['GET', '/api/v1/territories'], ['GET', '/api/v1/agencies']]) {
        const r = await api(f, null, method, path, body);
        assert.equal(r.status, 401, `${method} ${path}`);
        assert.equal(r.data.error.code, 'not_authenticated');
      }
      const dead = await api(f, 'not-a-real-token', 'GET', '/api/v1/users');
      assert.equal(dead.status, 401);
    });
  });

  it('disabling a user ends their sessions at once; enabling lets them back; not one\'s own account', async () => {
    const u = await api(f, admin, 'POST', '/api/v1/users', { username: 'leaving.user', display_name: 'Leaving',
      agency_id: agency, role: 'representative', password: GOOD_PASSWORD });
    assert.equal(u.status, 201);
    const token = await f.login('leaving.user', { password: GOOD_PASSWORD });
    assert.equal((await api(f, token, 'GET', '/api/v1/me')).status, 200);

    const d = await api(f, admin, 'POST', `/api/v1/users/${u.data.id}/disable`);
    assert.equal(d.status, 200, d.body);
    assert.deepEqual(d.data, { id: u.data.id, active: false });
    assert.equal((await api(f, token, 'GET', '/api/v1/me')).status, 401, 'the live token died with the account');
    await assert.rejects(f.login('leaving.user', { password: GOOD_PASSWORD }), /401/);
    const listed = (await api(f, admin, 'GET', '/api/v1/users')).data.users.find((x) => x.id === u.data.id);
    assert.equal(listed.active, false);

    const e = await api(f, admin, 'POST', `/api/v1/users/${u.data.id}/enable`);
    assert.equal(e.status, 200);
    assert.deepEqual(e.data, { id: u.data.id, active: true });
    const again = await f.login('leaving.user', { password: GOOD_PASSWORD });
    assert.equal((await api(f, again, 'GET', '/api/v1/me')).status, 200);

    const rows = (await auditRows(f, auditor, { object_type: 'user', object_id: u.data.id })).filter((r) => r.action === 'update');
    assert.deepEqual(rows.map((r) => r.fields), ['active', 'active']);
    assert.ok(rows.every((r) => r.user_id === ids.admin));

    const self = await api(f, admin, 'POST', `/api/v1/users/${ids.admin}/disable`);
    assert.equal(self.status, 422);
    assert.equal(self.data.error.code, 'own_account');
    assert.equal((await api(f, admin, 'GET', '/api/v1/me')).status, 200);

    const missing = await api(f, admin, 'POST', '/api/v1/users/aaaaaaaaaaaaaaaaaaaaaaaaaa/disable');
    assert.equal(missing.status, 404);
  });

  it('resetting the second factor gives a new secret and ends the person\'s sessions', async () => {
    const u = await api(f, admin, 'POST', '/api/v1/users', { username: 'lost.phone', display_name: 'Lost phone',
      agency_id: agency, role: 'practitioner', password: GOOD_PASSWORD });
    const token = await f.login('lost.phone', { password: GOOD_PASSWORD });
    const r = await api(f, admin, 'POST', `/api/v1/users/${u.data.id}/reset-mfa`);
    assert.equal(r.status, 200, r.body);
    assert.equal(r.data.id, u.data.id);
    assert.match(r.data.totp_secret, /^[A-Z2-7]{32}$/);
    assert.notEqual(r.data.totp_secret, u.data.totp_secret);
    assert.ok(r.data.otpauth_uri.includes(`secret=${r.data.totp_secret}`));
    assert.equal((await api(f, token, 'GET', '/api/v1/me')).status, 401);
    const rows = await auditRows(f, auditor, { object_type: 'user', object_id: u.data.id });
    assert.equal(rows[0].action, 'update');
    assert.equal(rows[0].fields, 'totp');
  });
});

describe('administration page', () => {
  let f, admin, coordo, auditor;
  before(async () => {
    f = await startFilet();
    admin = await f.browserLogin('admin');
    coordo = await f.browserLogin('coordo');
    auditor = await f.login('audit');
  });
  after(async () => { await f.stop(); });

  const agencies = async () => (await api(f, auditor, 'GET', '/api/v1/agencies')).data.agencies;

  it('renders for an admin: lists, labelled forms, a CSRF field in every form', async () => {
    const r = await request(f.port, { path: '/admin', headers: { Cookie: admin.cookie } });
    assert.equal(r.status, 200);
    assert.match(r.body, /<h1>Administration<\/h1>/);
    assert.match(r.body, /<td>Maison d’hébergement La Traversée \(démo\)<\/td><td>Maison d’hébergement<\/td><td>Mauricie \(démo\)<\/td>/,
      'agency with its sector label and territory name');
    assert.match(r.body, /<td>coordo<\/td>\s*<td>Karine, coordonnatrice \(démo\)<\/td>\s*<td>Carrefour sécurité — coordination \(démo\)<\/td>\s*<td>Coordonnateur·trice<\/td>/);
    for (const action of ['/admin/territories', '/admin/agencies', '/admin/users'])
      assert.match(r.body, new RegExp(`<form method="post" action="${action}"[^>]*>\\s*<input type="hidden" name="csrf" value="${admin.csrf}">`));
    const main = r.body.slice(r.body.indexOf('<main'), r.body.indexOf('</main>'));
    const forms = main.match(/<form method="post"/g).length;
    const csrfs = main.match(new RegExp(`<form method="post"[^>]*>\\s*<input type="hidden" name="csrf" value="${admin.csrf}">`, 'g')).length;
    assert.equal(forms, 3 + 7 + 8 + 1, 'three add forms, disable for the 7 others, reset for all 8 demo users, the territory\'s settings');
    assert.equal(csrfs, forms, 'every form carries the token');
    for (const id of ['u-username', 'u-display', 'u-agency', 'u-role', 'u-password', 'ag-name', 'ag-sector', 'ag-territory', 't-name'])
      assert.match(r.body, new RegExp(`<label for="${id}">`), `label for ${id}`);
    assert.match(r.body, /<select id="ag-sector" name="sector" required>[\s\S]*<option value="child_protection">Protection de la jeunesse<\/option>/);
  });

  it('is refused to other roles (403) and sends anonymous visitors to sign in', async () => {
    const r = await request(f.port, { path: '/admin', headers: { Cookie: coordo.cookie } });
    assert.equal(r.status, 403);
    assert.doesNotMatch(r.body, /name="password"/);
    const anon = await request(f.port, { path: '/admin' });
    assert.equal(anon.status, 303);
    assert.equal(anon.headers.location, '/');
    const post = await postForm(f, coordo, '/admin/agencies', { name: 'By coordo', sector: 'police', territory: f.demoData.territory });
    assert.equal(post.status, 403);
    assert.ok(!(await agencies()).some((a) => a.name === 'By coordo'));
  });

  it('a form without the CSRF field is refused (403); with it the agency is added (303 to /admin)', async () => {
    const territory = f.demoData.territory;
    const bad = await postForm(f, admin, '/admin/agencies', { name: 'Sans jeton', sector: 'police', territory }, { csrf: false });
    assert.equal(bad.status, 403);
    assert.ok(!(await agencies()).some((a) => a.name === 'Sans jeton'));
    const good = await postForm(f, admin, '/admin/agencies', { name: 'Avec jeton', sector: 'housing', territory });
    assert.equal(good.status, 303);
    assert.equal(good.headers.location, '/admin');
    const added = (await agencies()).find((a) => a.name === 'Avec jeton');
    assert.deepEqual(added && { sector: added.sector, territory: added.territory }, { sector: 'housing', territory });
    const t = await postForm(f, admin, '/admin/territories', { name: 'Laurentides (test)', timezone: '' });
    assert.equal(t.status, 303);
    const page = await request(f.port, { path: '/admin', headers: { Cookie: admin.cookie } });
    assert.match(page.body, /<td>Laurentides \(test\)<\/td><td>America\/Montreal<\/td>/);
  });

  it('sets a territory\'s settings through its form; values out of range come back listed, with what was typed', async () => {
    const territory = f.demoData.territory;
    const action = `/admin/territories/${territory}/settings`;
    const page = await request(f.port, { path: '/admin', headers: { Cookie: admin.cookie } });
    assert.match(page.body, new RegExp(`<form method="post" action="${action}"`));
    const re = (x, flags) => new RegExp(x.replaceAll('TS', `ts-${territory}`), flags);
    assert.match(page.body, re('<label for="TS-retention_months">Conserver les situations fermées pendant \\(mois\\)</label>'));
    assert.match(page.body, re('id="TS-retention_months" name="retention_months" value="60"'), 'the current value: 60 by default');
    assert.match(page.body, re('id="TS-meeting_quorum" name="meeting_quorum" value="3"'));
    const current = Object.fromEntries([...page.body.matchAll(re('id="TS-(\\w+)" name="\\w+" value="(\\d+)"', 'g'))].map((m) => [m[1], m[2]]));
    assert.equal(Object.keys(current).length, 6, JSON.stringify(current));
    const bad = await postForm(f, admin, action, { ...current, retention_months: '6', meeting_quorum: 'beaucoup' });
    assert.equal(bad.status, 422);
    assert.match(bad.body, /Rien n’a été modifié/);
    assert.match(bad.body, /Gardez les situations fermées de 12 à 240 mois\./);
    assert.match(bad.body, /Le quorum est de 1 à 50 organismes\./);
    assert.match(bad.body, re('id="TS-retention_months" name="retention_months" value="6"[^>]*aria-invalid="true"'), 'what was typed is kept');
    assert.match(bad.body, re('id="TS-meeting_quorum" name="meeting_quorum" value="beaucoup"'));
    const unchanged = await api(f, await f.login('admin'), 'PATCH', `/api/v1/territories/${territory}`, {});
    assert.equal(unchanged.data.retention_months, 60);
    const good = await postForm(f, admin, action, { ...current, retention_months: '84', meeting_quorum: '4' });
    assert.equal(good.status, 303);
    assert.equal(good.headers.location, '/admin?settings=1');
    const after = await api(f, await f.login('admin'), 'PATCH', `/api/v1/territories/${territory}`, {});
    assert.equal(after.data.retention_months, 84);
    assert.equal(after.data.meeting_quorum, 4);
    assert.equal(String(after.data.escalation_threshold), current.escalation_threshold, 'the others kept');
    // The adult female population (indicators) is optional: empty means not set.
    assert.match(page.body, re('id="TS-adult_women" name="adult_women" value="" min="1" max="\\d+" inputmode'), 'empty, not required');
    assert.equal((await postForm(f, admin, action, { ...current, adult_women: '52000' })).status, 303);
    assert.equal((await api(f, await f.login('admin'), 'PATCH', `/api/v1/territories/${territory}`, {})).data.adult_women, 52000);
    assert.equal((await postForm(f, admin, action, { ...current, adult_women: '' })).status, 303);
    assert.equal((await api(f, await f.login('admin'), 'PATCH', `/api/v1/territories/${territory}`, {})).data.adult_women, null);
    assert.equal((await postForm(f, admin, action, { ...current, adult_women: '0' })).status, 422);
    const notice = await request(f.port, { path: '/admin?settings=1', headers: { Cookie: admin.cookie } });
    assert.match(notice.body, /role="status">Les paramètres du territoire sont enregistrés\./);
    assert.equal((await postForm(f, coordo, action, { ...current, meeting_quorum: '9' })).status, 403);
    const rows = await auditRows(f, auditor, { object_type: 'territory', object_id: territory });
    assert.ok(rows.some((x) => x.action === 'update' && x.fields.includes('retention_months')), 'audited');
  });

  it('a validation error re-renders the form with the message and the values typed', async () => {
    const r = await postForm(f, admin, '/admin/agencies', { name: 'Nom gardé <b>', sector: '', territory: f.demoData.territory });
    assert.equal(r.status, 422);
    assert.match(r.body, /<div class="error-summary" role="alert"><h4>L’organisme n’a pas été ajouté<\/h4><p>Choisissez le secteur de l’organisme dans la liste\.<\/p>/);
    assert.match(r.body, /id="ag-name" name="name"[^>]*value="Nom gardé &lt;b&gt;"/);
    assert.match(r.body, new RegExp(`<option value="${f.demoData.territory}" selected>`), 'the territory stays chosen');

    const weak = 'tooshort';
    const u = await postForm(f, admin, '/admin/users', { username: 'kept.name', display_name: 'Kept Name', agency_id: '',
      role: 'practitioner', password: weak, lang: 'en' });
    assert.equal(u.status, 422);
    assert.match(u.body, /role="alert"><h4>L’utilisateur n’a pas été ajouté<\/h4><p>Choisissez un organisme existant\./);
    assert.match(u.body, /id="u-username" name="username"[^>]*value="kept.name"/);
    assert.match(u.body, /id="u-display" name="display_name"[^>]*value="Kept Name"/);
    assert.match(u.body, /<option value="practitioner" selected>/);
    assert.match(u.body, /<option value="en" lang="en" selected>/);
    assert.ok(!u.body.includes(weak), 'the password is never sent back');
  });

  it('creating a user shows the second-factor key once, with its note', async () => {
    const agency = (await agencies()).find((a) => a.name.startsWith('CAVAC'));
    const r = await postForm(f, admin, '/admin/users', { username: 'new.page.user', display_name: 'Page User',
      agency_id: agency.id, role: 'practitioner', password: GOOD_PASSWORD, lang: 'fr' });
    assert.equal(r.status, 200);
    assert.match(r.body, /role="status">Le compte a été créé\./);
    assert.match(r.body, /Clé de second facteur de new\.page\.user/);
    assert.match(r.body, /id="new-totp-secret">[A-Z2-7]{4}( [A-Z2-7]{4}){7}</);
    assert.match(r.body, /n’est affichée qu’une seule fois/);
    assert.ok(!r.body.includes(GOOD_PASSWORD));
    const later = await request(f.port, { path: '/admin', headers: { Cookie: admin.cookie } });
    assert.doesNotMatch(later.body, /new-totp-secret/, 'not shown again');
    assert.match(later.body, /<td>new\.page\.user<\/td>/);
    const token = await f.login('new.page.user', { password: GOOD_PASSWORD });
    assert.ok(token);
  });

  it('disable, enable and reset the second factor through the page', async () => {
    const list = await request(f.port, { path: '/api/v1/users', headers: { Cookie: admin.cookie } });
    const userId = JSON.parse(list.body).users.find((u) => u.username === 'cavac').id;
    const cavacToken = await f.login('cavac');
    const d = await postForm(f, admin, `/admin/users/${userId}/disable`, {});
    assert.equal(d.status, 303);
    assert.equal((await api(f, cavacToken, 'GET', '/api/v1/me')).status, 401);
    const page = (await request(f.port, { path: '/admin', headers: { Cookie: admin.cookie } })).body;
    assert.match(page, new RegExp(`action="/admin/users/${userId}/enable"`));
    const e = await postForm(f, admin, `/admin/users/${userId}/enable`, {});
    assert.equal(e.status, 303);
    const token = await f.login('cavac');
    const reset = await postForm(f, admin, `/admin/users/${userId}/reset-mfa`, {});
    assert.equal(reset.status, 200);
    assert.match(reset.body, /Clé de second facteur de cavac/);
    assert.match(reset.body, /id="new-totp-secret">[A-Z2-7 ]{39}</);
    assert.equal((await api(f, token, 'GET', '/api/v1/me')).status, 401);
    const noCsrf = await postForm(f, admin, `/admin/users/${userId}/disable`, {}, { csrf: false });
    assert.equal(noCsrf.status, 403);
  });
});
