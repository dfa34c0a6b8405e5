// Identity over HTTP: sign-in with password and TOTP, replay, throttling
// and lock, sessions (fixation, expiry, logout, disabling), CSRF, cookie
// flags, password change policy, drafts, and the audit rows of each.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startFilet, request } from '../lib/filet.mjs';
import { totp } from '../lib/totp.mjs';

const json = { 'Content-Type': 'application/json' };
const formType = { 'Content-Type': 'application/x-www-form-urlencoded' };
const sql = (db, q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
const pw = (f, u) => f.demoData.users.find((x) => x.username === u).password;
const apiLogin = (f, body) => request(f.port, { method: 'POST', path: '/api/v1/login', body: JSON.stringify(body), headers: json });
const auditActions = (f) => sql(f.db, 'SELECT action FROM audit_log ORDER BY seq').split('\n');

// Enrols a demo user's second factor through the pages, as at a first
// sign-in on a real server; returns the base32 secret.
async function enrol(f, username) {
  const form = new URLSearchParams({ username, password: pw(f, username), totp: '' }).toString();
  const r = await request(f.port, { method: 'POST', path: '/login', body: form, headers: { ...formType, Origin: f.base } });
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/account/mfa', 'first sign-in goes to enrolment');
  const cookie = /^(__Host-filet=[^;]+)/.exec(r.headers['set-cookie'][0])[1];
  const locked = await request(f.port, { path: '/account', headers: { Cookie: cookie } });
  assert.equal(locked.status, 303, 'nothing else is open before enrolment');
  assert.equal(locked.headers.location, '/account/mfa');
  const page = await request(f.port, { path: '/account/mfa', headers: { Cookie: cookie } });
  assert.equal(page.status, 200);
  assert.match(page.body, /<svg[^>]*role="img"/, 'QR code drawn as SVG');
  const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(page.body)[1].replace(/ /g, '');
  assert.equal(secret.length, 32);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)[1];
  const bad = await request(f.port, { method: 'POST', path: '/account/mfa', headers: { ...formType, Cookie: cookie, Origin: f.base },
    body: new URLSearchParams({ csrf, totp: '000000' }).toString() });
  assert.equal(bad.status, 400);
  const ok = await request(f.port, { method: 'POST', path: '/account/mfa', headers: { ...formType, Cookie: cookie, Origin: f.base },
    body: new URLSearchParams({ csrf, totp: totp(secret, f.now()) }).toString() });
  assert.equal(ok.status, 303);
  const newCookie = /^(__Host-filet=[^;]+)/.exec(ok.headers['set-cookie'][0])[1];
  assert.notEqual(newCookie, cookie, 'new token once the second factor is confirmed');
  const old = await request(f.port, { path: '/api/v1/me', headers: { Cookie: cookie } });
  assert.equal(old.status, 401, 'the enrolment session is gone');
  return secret;
}

describe('sign-in with the second factor (not demo)', () => {
  let f, secret;
  before(async () => {
    f = await startFilet({ demo: false });
    secret = await enrol(f, 'police');
    f.advance(30);
  });
  after(async () => { await f.stop(); });

  it('needs the right password and the current code', async () => {
    const ok = await apiLogin(f, { username: 'police', password: pw(f, 'police'), totp: totp(secret, f.now()) });
    assert.equal(ok.status, 200);
    const body = JSON.parse(ok.body);
    assert.match(body.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(body.user.username, 'police');
    assert.equal(body.user.role, 'representative');
    assert.ok(!('password_hash' in body.user));
    f.advance(30);
  });

  it('gives one answer for a wrong password, a wrong code, a missing code and an unknown user', async () => {
    const cases = [
      { username: 'police', password: 'not the password at all', totp: totp(secret, f.now()) },
      { username: 'police', password: pw(f, 'police'), totp: '123456' },
      { username: 'police', password: pw(f, 'police') },
      { username: 'nobody-here', password: pw(f, 'police'), totp: totp(secret, f.now()) },
    ];
    const answers = [];
    for (const c of cases) {
      const t0 = process.hrtime.bigint();
      const r = await apiLogin(f, c);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      assert.equal(r.status, 401, JSON.stringify(c));
      answers.push({ body: r.body, ms });
    }
    assert.equal(new Set(answers.map((a) => a.body)).size, 1, 'same message whatever was wrong');
    // The unknown user still costs a full password hash: no fast "no such user".
    const known = answers[0].ms, unknown = answers[3].ms;
    assert.ok(unknown > known / 4, `unknown user answered in ${unknown} ms vs ${known} ms`);
    f.advance(3600); // let the back-off from these failures pass
  });

  it('refuses a code used twice (replay), even within its window', async () => {
    const code = totp(secret, f.now());
    const first = await apiLogin(f, { username: 'police', password: pw(f, 'police'), totp: code });
    assert.equal(first.status, 200);
    const again = await apiLogin(f, { username: 'police', password: pw(f, 'police'), totp: code });
    assert.equal(again.status, 401);
    const previous = await apiLogin(f, { username: 'police', password: pw(f, 'police'), totp: totp(secret, f.now() - 30) });
    assert.equal(previous.status, 401, 'an older code after a newer one is refused');
    f.advance(3600);
  });

  it('accepts the neighbouring step (clock drift) but not two steps away', async () => {
    const far = await apiLogin(f, { username: 'police', password: pw(f, 'police'), totp: totp(secret, f.now() + 90) });
    assert.equal(far.status, 401);
    f.advance(3600);
    const next = await apiLogin(f, { username: 'police', password: pw(f, 'police'), totp: totp(secret, f.now() + 30) });
    assert.equal(next.status, 200);
    f.advance(120);
  });

  it('never stores the TOTP secret or a password in clear', () => {
    const raw = readFileSync(f.db);
    assert.equal(raw.indexOf(Buffer.from(secret)), -1, 'TOTP secret found in the database file');
    for (const u of f.demoData.users) assert.equal(raw.indexOf(Buffer.from(u.password)), -1, `password of ${u.username}`);
  });
});

describe('throttling and lock', () => {
  let f;
  before(async () => { f = await startFilet(); });
  after(async () => { await f.stop(); });

  it('backs off exponentially, then locks the account, with Retry-After', async () => {
    const wrong = { username: 'cavac', password: 'wrong password here' };
    for (let i = 0; i < 3; i++) assert.equal((await apiLogin(f, wrong)).status, 401);
    const t4 = await apiLogin(f, wrong);
    assert.equal(t4.status, 401, 'the 4th failure is still answered');
    const blocked = await apiLogin(f, { username: 'cavac', password: pw(f, 'cavac') });
    assert.equal(blocked.status, 429, 'even the right password waits during the back-off');
    assert.ok(Number(blocked.headers['retry-after']) >= 1);
    // Failures 5..10, each after its back-off has passed.
    for (let i = 5; i <= 10; i++) {
      f.advance(61);
      assert.equal((await apiLogin(f, wrong)).status, 401, `failure ${i}`);
    }
    const locked = await apiLogin(f, { username: 'cavac', password: pw(f, 'cavac') });
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers['retry-after']) > 800, 'a lock of about 15 minutes');
    f.advance(14 * 60);
    assert.equal((await apiLogin(f, { username: 'cavac', password: pw(f, 'cavac') })).status, 429, 'still locked');
    f.advance(2 * 60);
    assert.equal((await apiLogin(f, { username: 'cavac', password: pw(f, 'cavac') })).status, 200, 'unlocked after the lock');
    // An unknown name is throttled exactly like a real one.
    for (let i = 0; i < 4; i++) await apiLogin(f, { username: 'ghost', password: 'x'.repeat(12) });
    assert.equal((await apiLogin(f, { username: 'ghost', password: 'x'.repeat(12) })).status, 429);
  });

  it('shows the wait on the sign-in page too', async () => {
    for (let i = 0; i < 4; i++) {
      await request(f.port, { method: 'POST', path: '/login', headers: { ...formType, Origin: f.base },
        body: 'username=dpj&password=wrongwrongwrong' });
    }
    const r = await request(f.port, { method: 'POST', path: '/login', headers: { ...formType, Origin: f.base },
      body: 'username=dpj&password=wrongwrongwrong' });
    assert.equal(r.status, 429);
    assert.match(r.body, /Trop de tentatives/);
    assert.ok(r.headers['retry-after']);
  });

  it('records failed and successful sign-ins in the audit trail', () => {
    const actions = auditActions(f);
    assert.ok(actions.includes('login_failed'));
    assert.ok(actions.includes('login_ok'));
    const failedUnknown = sql(f.db, "SELECT count(*) FROM audit_log WHERE action='login_failed' AND user_id IS NULL");
    assert.ok(Number(failedUnknown) >= 4, 'failures for an unknown name are recorded without a user');
    assert.doesNotMatch(sql(f.db, 'SELECT * FROM audit_log'), /wrong password here|wrongwrongwrong/, 'no password in the trail');
  });
});

describe('sessions', () => {
  let f;
  before(async () => { f = await startFilet(); });
  after(async () => { await f.stop(); });

  it('sets the session cookie with all its flags', async () => {
    const r = await request(f.port, { method: 'POST', path: '/login', headers: { ...formType, Origin: f.base },
      body: new URLSearchParams({ username: 'refuge', password: pw(f, 'refuge') }).toString() });
    assert.equal(r.status, 303);
    const c = r.headers['set-cookie'][0];
    assert.match(c, /^__Host-filet=[A-Za-z0-9_-]{43};/);
    for (const flag of ['Path=/', 'Secure', 'HttpOnly', 'SameSite=Strict']) assert.ok(c.includes(flag), flag);
    assert.doesNotMatch(c, /Domain=/i);
  });

  it('issues a new token at sign-in, whatever cookie came with it (no fixation)', async () => {
    const planted = '__Host-filet=' + 'A'.repeat(43);
    const r = await request(f.port, { method: 'POST', path: '/login', headers: { ...formType, Origin: f.base, Cookie: planted },
      body: new URLSearchParams({ username: 'refuge', password: pw(f, 'refuge') }).toString() });
    assert.equal(r.status, 303);
    assert.ok(!r.headers['set-cookie'][0].includes('A'.repeat(43)));
    const a = await f.login('refuge');
    const b = await f.login('refuge');
    assert.notEqual(a, b);
  });

  it('never stores a token, only its hash', async () => {
    const t = await f.login('dpj');
    assert.equal(readFileSync(f.db).indexOf(Buffer.from(t)), -1);
    assert.equal(sql(f.db, `SELECT count(*) FROM sessions WHERE token_hash = '${t}'`), '0');
  });

  it('logout kills the token', async () => {
    const t = await f.login('dpj');
    const auth = { Authorization: `Bearer ${t}` };
    assert.equal((await request(f.port, { path: '/api/v1/me', headers: auth })).status, 200);
    assert.equal((await request(f.port, { method: 'POST', path: '/api/v1/logout', headers: auth })).status, 204);
    assert.equal((await request(f.port, { path: '/api/v1/me', headers: auth })).status, 401);
    assert.ok(auditActions(f).includes('logout'));
  });

  it('ends after 30 minutes idle, and after 12 hours whatever the activity', async () => {
    const t = await f.login('coordo');
    const auth = { Authorization: `Bearer ${t}` };
    f.advance(29 * 60);
    assert.equal((await request(f.port, { path: '/api/v1/me', headers: auth })).status, 200, 'alive at 29 min');
    f.advance(29 * 60);
    assert.equal((await request(f.port, { path: '/api/v1/me', headers: auth })).status, 200, 'activity kept it alive');
    f.advance(31 * 60);
    assert.equal((await request(f.port, { path: '/api/v1/me', headers: auth })).status, 401, 'idle 31 min');
    const u = await f.login('coordo');
    for (let i = 0; i < 25; i++) {
      f.advance(29 * 60);
      const r = await request(f.port, { path: '/api/v1/me', headers: { Authorization: `Bearer ${u}` } });
      if (i < 24) assert.equal(r.status, 200, `at ${(i + 1) * 29} min`);
      else assert.equal(r.status, 401, 'past 12 hours');
    }
  });

  it('lists my own sessions and lets me end one, not anyone else\'s', async () => {
    const mine1 = await f.login('cavac');
    const mine2 = await f.login('cavac');
    const theirs = await f.login('programme');
    const list = JSON.parse((await request(f.port, { path: '/api/v1/sessions', headers: { Authorization: `Bearer ${mine1}` } })).body).sessions;
    assert.ok(list.length >= 2);
    assert.ok(list.some((s) => s.current));
    const other = JSON.parse((await request(f.port, { path: '/api/v1/sessions', headers: { Authorization: `Bearer ${theirs}` } })).body).sessions[0];
    const steal = await request(f.port, { method: 'DELETE', path: `/api/v1/sessions/${other.id}`, headers: { Authorization: `Bearer ${mine1}` } });
    assert.equal(steal.status, 404);
    assert.equal((await request(f.port, { path: '/api/v1/me', headers: { Authorization: `Bearer ${theirs}` } })).status, 200);
    const second = list.find((s) => !s.current);
    assert.equal((await request(f.port, { method: 'DELETE', path: `/api/v1/sessions/${second.id}`, headers: { Authorization: `Bearer ${mine1}` } })).status, 204);
    const alive = await Promise.all([mine1, mine2].map((t) => request(f.port, { path: '/api/v1/me', headers: { Authorization: `Bearer ${t}` } })));
    assert.deepEqual(alive.map((r) => r.status).sort(), [200, 401]);
  });

  it('a disabled user\'s sessions die at once', async () => {
    const t = await f.login('programme');
    sql(f.db, "UPDATE users SET active = 0 WHERE username = 'programme'");
    assert.equal((await request(f.port, { path: '/api/v1/me', headers: { Authorization: `Bearer ${t}` } })).status, 401);
    assert.equal((await apiLogin(f, { username: 'programme', password: pw(f, 'programme') })).status, 401);
    sql(f.db, "UPDATE users SET active = 1 WHERE username = 'programme'");
  });

  it('refuses anonymous callers: 401 for the API, the sign-in page for pages', async () => {
    assert.equal((await request(f.port, { path: '/api/v1/me' })).status, 401);
    assert.equal((await request(f.port, { path: '/api/v1/me', headers: { Authorization: 'Bearer ' + 'x'.repeat(43) } })).status, 401);
    const page = await request(f.port, { path: '/account' });
    assert.equal(page.status, 303);
    assert.equal(page.headers.location, '/');
  });
});

describe('CSRF and password change', () => {
  let f, s;
  before(async () => {
    f = await startFilet();
    s = await f.browserLogin('cavac');
  });
  after(async () => { await f.stop(); });

  const change = (headers, fields) => request(f.port, { method: 'POST', path: '/account/password',
    headers: { ...formType, Cookie: s.cookie, ...headers }, body: new URLSearchParams(fields).toString() });

  it('puts the token in every form and htmx header of a signed-in page', async () => {
    const page = await request(f.port, { path: '/account', headers: { Cookie: s.cookie } });
    assert.equal(page.status, 200);
    const forms = page.body.match(/<form method="post"[\s\S]*?<\/form>/g);
    assert.ok(forms.length >= 3);
    for (const form of forms.filter((x) => !x.includes('action="/lang"'))) assert.ok(form.includes(`name="csrf" value="${s.csrf}"`), form.slice(0, 80));
    assert.match(page.body, /hx-headers="\{&quot;X-CSRF-Token&quot;: &quot;[A-Za-z0-9_-]+&quot;\}"/);
    // Times in the territory's zone and the user's language, the UTC value
    // kept for machines: <time datetime="...Z">23 nov. 2026, 12 h 05</time>.
    assert.match(page.body, /<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">\d{1,2} [a-zéû.]+ \d{4}, \d{1,2} h \d\d<\/time>/);
  });

  it('refuses a cookie write without the token, with a wrong one, or from another origin', async () => {
    const fields = { current: pw(f, 'cavac'), new: 'a brand new passphrase', again: 'a brand new passphrase' };
    assert.equal((await change({ Origin: f.base }, fields)).status, 403, 'missing token');
    assert.equal((await change({ Origin: f.base }, { ...fields, csrf: 'x'.repeat(43) })).status, 403, 'wrong token');
    assert.equal((await change({ Origin: 'http://evil.example' }, { ...fields, csrf: s.csrf })).status, 403, 'cross-origin');
    assert.equal((await change({ Referer: 'http://evil.example/page' }, { ...fields, csrf: s.csrf })).status, 403, 'cross-site referer');
    assert.equal((await change({ Origin: 'null' }, { ...fields, csrf: s.csrf })).status, 403, 'opaque origin, nothing else');
    assert.equal((await change({ 'Sec-Fetch-Site': 'cross-site', Origin: f.base }, { ...fields, csrf: s.csrf })).status, 403, 'Sec-Fetch-Site cross-site wins');
    assert.equal((await change({ 'Sec-Fetch-Site': 'same-site' }, { ...fields, csrf: s.csrf })).status, 403, 'a sibling subdomain is not us');
    assert.ok(sql(f.db, "SELECT count(*) FROM audit_log WHERE action='access_refused' AND object_type='csrf'") >= 4);
    const logout = await request(f.port, { method: 'POST', path: '/logout', headers: { ...formType, Cookie: s.cookie, Origin: f.base }, body: '' });
    assert.equal(logout.status, 403, 'even sign-out needs the token');
  });

  it('accepts a browser form post: Origin null under no-referrer, Sec-Fetch-Site same-origin', async () => {
    const r = await change({ Origin: 'null', 'Sec-Fetch-Site': 'same-origin' }, { csrf: s.csrf, current: 'wrong', new: 'x', again: 'x' });
    assert.equal(r.status, 400, 'past the CSRF gate, stopped by the form check');
  });

  it('applies the password policy with clear messages', async () => {
    const cases = [
      [{ current: 'not my password!', new: 'a brand new passphrase', again: 'a brand new passphrase' }, /mot de passe actuel/],
      [{ current: pw(f, 'cavac'), new: 'short', again: 'short' }, /au moins 12 caractères/],
      [{ current: pw(f, 'cavac'), new: 'qwerty123456', again: 'qwerty123456' }, /mots de passe courants/],
      [{ current: pw(f, 'cavac'), new: 'a brand new passphrase', again: 'a different passphrase' }, /diffèrent/],
    ];
    for (const [fields, msg] of cases) {
      const r = await change({ Origin: f.base }, { ...fields, csrf: s.csrf });
      assert.equal(r.status, 400);
      assert.match(r.body, msg);
    }
  });

  it('changing the password ends every other session and keeps this one', async () => {
    const other = await f.login('cavac');
    const r = await change({ Origin: f.base }, { current: pw(f, 'cavac'), new: 'un filet tissé serré', again: 'un filet tissé serré', csrf: s.csrf });
    assert.equal(r.status, 200);
    assert.match(r.body, /a été changé/);
    assert.equal((await request(f.port, { path: '/api/v1/me', headers: { Authorization: `Bearer ${other}` } })).status, 401);
    const cookie = /^(__Host-filet=[^;]+)/.exec(r.headers['set-cookie'][0])[1];
    assert.notEqual(cookie, s.cookie);
    assert.equal((await request(f.port, { path: '/api/v1/me', headers: { Cookie: cookie } })).status, 200);
    assert.equal((await request(f.port, { path: '/api/v1/me', headers: { Cookie: s.cookie } })).status, 401);
    assert.equal((await apiLogin(f, { username: 'cavac', password: 'un filet tissé serré' })).status, 200);
    assert.equal(sql(f.db, "SELECT fields FROM audit_log WHERE action='update' AND object_type='user' ORDER BY seq DESC LIMIT 1"), 'password');
  });
});

describe('drafts', () => {
  let f;
  before(async () => { f = await startFilet(); });
  after(async () => { await f.stop(); });

  it('keeps a half-written form server-side, encrypted, for its author only', async () => {
    const t = await f.login('refuge');
    const other = await f.login('cavac');
    const auth = (tok) => ({ Authorization: `Bearer ${tok}`, ...json });
    const text = 'Elle a peur pour sa vie, rue des Érables';
    const saved = await request(f.port, { method: 'PUT', path: '/api/v1/drafts/referral-new', headers: auth(t), body: JSON.stringify({ summary: text }) });
    assert.equal(saved.status, 200);
    assert.match(JSON.parse(saved.body).saved_at, /^\d{4}-\d\d-\d\dT/);
    f.advance(31 * 60); // the session times out...
    assert.equal((await request(f.port, { path: '/api/v1/drafts/referral-new', headers: auth(t) })).status, 401);
    const t2 = await f.login('refuge'); // ...and after signing in again the draft is there
    const back = await request(f.port, { path: '/api/v1/drafts/referral-new', headers: auth(t2) });
    assert.equal(back.status, 200);
    assert.equal(JSON.parse(back.body).fields.summary, text);
    const theirs = await request(f.port, { path: '/api/v1/drafts/referral-new', headers: auth(await f.login('cavac')) });
    assert.equal(theirs.status, 200);
    assert.equal(JSON.parse(theirs.body).fields, null, 'another user has no such draft');
    assert.ok(other);
    assert.equal(readFileSync(f.db).indexOf(Buffer.from('rue des')), -1, 'draft stored encrypted');
    assert.equal((await request(f.port, { method: 'DELETE', path: '/api/v1/drafts/referral-new', headers: auth(t2) })).status, 204);
    assert.equal(JSON.parse((await request(f.port, { path: '/api/v1/drafts/referral-new', headers: auth(t2) })).body).fields, null, 'forgotten');
    assert.equal((await request(f.port, { method: 'PUT', path: '/api/v1/drafts/BAD%20KEY', headers: auth(t2), body: '{}' })).status, 400);
  });
});

describe('language preference', () => {
  let f;
  before(async () => { f = await startFilet(); });
  after(async () => { await f.stop(); });

  it('a signed-in user\'s switch becomes their preferred language, on any terminal', async () => {
    const s = await f.browserLogin('dpj');
    const r = await request(f.port, { method: 'POST', path: '/lang', headers: { ...formType, Cookie: s.cookie, Origin: f.base },
      body: 'lang=en&next=%2F' });
    assert.equal(r.status, 303);
    const elsewhere = await f.browserLogin('dpj'); // a new terminal: no language cookie
    const home = await request(f.port, { path: '/', headers: { Cookie: elsewhere.cookie, 'Accept-Language': 'fr-CA' } });
    assert.match(home.body, /<html lang="en">/);
    assert.match(home.body, /Welcome, Marc/);
    assert.equal(sql(f.db, "SELECT lang FROM users WHERE username='dpj'"), 'en');
    assert.equal(sql(f.db, "SELECT fields FROM audit_log WHERE action='update' ORDER BY seq DESC LIMIT 1"), 'lang');
  });
});
