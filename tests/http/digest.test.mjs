// The daily e-mail digest of alerts (issue 6). Users get an optional e-mail
// address (admin API, admin page, `filet user add --email`, `filet user
// set-email`; validated, audited). `filet digest run` sends, through a fake
// SMTP server written here (loopback only), one message per user and day
// to active users with an address and at least one alert: the counts by
// kind and a link to public_url/alerts, in the user's language, and no
// name or id of any person; re-running sends nothing new; --dry-run sends
// nothing; no mail server configured gives a clear message; a password is
// never sent over smtp:// without STARTTLS. The scheduler inside `serve`
// (scheduler = on) does the same and stops cleanly.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { execFile } from 'node:child_process';
import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { startFilet, request, cliRaw, BIN } from '../lib/filet.mjs';

// A minimal SMTP server: EHLO without STARTTLS or AUTH, MAIL, RCPT, DATA.
// Records every command and every message.
function fakeSmtp() {
  const messages = [];
  const commands = [];
  const server = net.createServer((sock) => {
    let buf = '';
    let inData = false;
    let env = { from: null, to: [] };
    sock.write('220 fake.test ESMTP\r\n');
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const data = buf.slice(0, end).replace(/^\.\./gm, '.');
          buf = buf.slice(end + 5);
          inData = false;
          messages.push({ from: env.from, to: env.to, data: Buffer.from(data, 'latin1').toString('utf8') });
          env = { from: null, to: [] };
          sock.write('250 2.0.0 queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        commands.push(line);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') sock.write('250-fake.test\r\n250 8BITMIME\r\n');
        else if (verb === 'HELO') sock.write('250 fake.test\r\n');
        else if (verb === 'MAIL') { env.from = /<([^>]*)>/.exec(line)?.[1]; sock.write('250 2.1.0 ok\r\n'); }
        else if (verb === 'RCPT') { env.to.push(/<([^>]*)>/.exec(line)?.[1]); sock.write('250 2.1.5 ok\r\n'); }
        else if (verb === 'DATA') { inData = true; sock.write('354 go ahead\r\n'); }
        else if (verb === 'QUIT') { sock.write('221 bye\r\n'); sock.end(); return; }
        else if (verb === 'RSET' || verb === 'NOOP') sock.write('250 ok\r\n');
        else sock.write('502 5.5.2 not implemented\r\n');
      }
    });
    sock.on('error', () => {});
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({
    port: server.address().port, messages, commands, close: () => new Promise((done) => server.close(done)),
  })));
}

// Headers (unfolded) and the decoded text body of a message.
function parseMessage(data) {
  const sep = data.indexOf('\r\n\r\n');
  const head = data.slice(0, sep).replace(/\r\n[ \t]+/g, ' ');
  const headers = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const words = (v) => v.replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/g, (m, b) => Buffer.from(b, 'base64').toString('utf8'));
  headers.subject = words(headers.subject || '');
  assert.equal(headers['content-transfer-encoding'], 'base64');
  const body = Buffer.from(data.slice(sep + 4).replace(/\r\n/g, ''), 'base64').toString('utf8');
  return { headers, body, raw: data };
}

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
    const positional = cliRaw(['user', 'set-email', 'coordo', 'karine2@csvc.example.org', ...base]);
    assert.equal(positional.status, 0, positional.stderr);
    assert.equal((await list()).coordo.email, 'karine2@csvc.example.org', 'set-email USER EMAIL');
    const clear = cliRaw(['user', 'set-email', ...base, '--username', 'coordo', '--email', '']);
    assert.equal(clear.status, 0, clear.stderr);
    assert.ok(!('email' in (await list()).coordo));
    const listed = JSON.parse(cliRaw(['user', 'list', '--db', f.db, '--json']).stdout).users;
    assert.equal(listed.find((u) => u.username === 'cli.user').email, 'cli@example.org');
  });
});

describe('filet digest run and the scheduler', { concurrency: false }, () => {
  let f, smtp, S, personIds, u;
  const tok = {};
  const NAMES = ['Alicia', 'Secretname', 'Jeannot', 'Roybaud', 'NOM-SECRET', 'Ordonnance Zorg', 'Détention'];
  const call = async (who, method, path, body) => {
    const r = await request(f.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok[who]}` },
      body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: r.body ? JSON.parse(r.body) : null, raw: r.body };
  };
  const day = (n) => new Date((f.now() + n * 86400) * 1000).toISOString().slice(0, 10);
  const config = (lines) => {
    const path = join(f.dir, `digest-${Math.random().toString(36).slice(2)}.conf`);
    writeFileSync(path, lines.join('\n') + '\n');
    return path;
  };
  const mailConf = (extra = []) => config([`smtp_url = smtp://127.0.0.1:${smtp.port}`,
    'smtp_from = filet@csvc.example.org', 'public_url = https://filet.example.org/', ...extra]);
  // Asynchronous: the fake SMTP server answers from this same process.
  const digest = (args) => new Promise((ok) => {
    execFile(BIN, ['digest', 'run', '--db', f.db, '--key', f.key, ...args],
      { encoding: 'utf8', env: { ...process.env, FILET_TEST_CLOCK_FILE: join(f.dir, 'clock') } },
      (e, stdout, stderr) => ok({ status: e ? e.code : 0, stdout, stderr }));
  });
  const alertCount = async (who) => (await call(who, 'GET', '/api/v1/alerts')).body.alerts.length;

  before(async () => {
    [f, smtp] = await Promise.all([startFilet(), fakeSmtp()]);
    for (const who of ['admin', 'refuge', 'coordo', 'audit']) tok[who] = await f.login(who);
    u = Object.fromEntries((await call('admin', 'GET', '/api/v1/users')).body.users.map((x) => [x.username, x]));
    const refugeAgency = u.refuge.agency_id;
    // An English-speaking worker of the shelter, and a disabled one.
    for (const [username, lang] of [['julie.en', 'en'], ['ancienne', 'fr']]) {
      const r = await call('admin', 'POST', '/api/v1/users', { username, agency_id: refugeAgency, role: 'practitioner',
        password: GOOD_PASSWORD, lang, email: `${username}@refuge.example.org` });
      assert.equal(r.status, 201, r.raw);
      u[username] = { id: r.body.id };
    }
    assert.equal((await call('admin', 'POST', `/api/v1/users/${u.ancienne.id}/disable`)).status, 200);
    for (const [who, email] of [['coordo', 'karine@csvc.example.org'], ['police', 'tremblay@police.example.org']])
      assert.equal((await call('admin', 'PATCH', `/api/v1/users/${u[who].id}`, { email })).status, 200);
    const ref = await call('refuge', 'POST', '/api/v1/referrals', { summary: 'Menaces NOM-SECRET.',
      persons: [{ ref: 'v1', role: 'victim', given_name: 'Alicia', family_name: 'Secretname' },
        { ref: 'p1', role: 'perpetrator', given_name: 'Jeannot', family_name: 'Roybaud' }],
      consent: { status: 'given' } });
    S = ref.body.situation_id;
    for (const body of [{ category: 'protective_order', content: 'Ordonnance Zorg', basis: 'consent', expires_on: day(5) },
      { category: 'criminal_record', content: 'Détention', basis: 'consent', release_on: day(3) }]) {
      const r = await call('refuge', 'POST', `/api/v1/situations/${S}/information`, body);
      assert.equal(r.status, 201, r.raw);
    }
    personIds = (await call('refuge', 'GET', `/api/v1/situations/${S}`)).body.persons.map((p) => p.id);
    assert.equal(personIds.length, 2);
  });
  after(async () => { await f?.stop(); await smtp?.close(); });

  it('no mail server configured: a clear message, nothing sent', async () => {
    const r = await digest([]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no mail server is configured: set smtp_url/);
    const half = await digest(['--config', config([`smtp_url = smtp://127.0.0.1:${smtp.port}`])]);
    assert.equal(half.status, 1);
    assert.match(half.stderr, /smtp_from/);
    const bad = await digest(['--config', config(['smtp_url = http://127.0.0.1/'])]);
    assert.equal(bad.status, 2, 'a bad config file is a usage error');
    assert.match(bad.stderr, /bad value for 'smtp_url'/);
    assert.equal(smtp.messages.length, 0);
  });

  it('--dry-run lists what would go and sends nothing', async () => {
    const r = await digest(['--config', mailConf(), '--dry-run', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const rep = JSON.parse(r.stdout);
    assert.equal(rep.dry_run, true);
    assert.equal(rep.sent, 0);
    const who = Object.fromEntries(rep.digests.map((d) => [d.username, d]));
    assert.deepEqual(Object.keys(who).sort(), ['coordo', 'julie.en']);
    for (const d of rep.digests) assert.equal(d.status, 'would_send');
    assert.equal(who.coordo.alerts, await alertCount('coordo'));
    assert.deepEqual(who['julie.en'].counts, { perpetrator_release: 1, protective_order_expiring: 1 });
    assert.equal(rep.no_alerts, 1, 'police has an address and no alert');
    assert.equal(smtp.messages.length, 0, 'nothing sent');
    assert.equal(smtp.commands.length, 0, 'not even a connection');
  });

  it('sends one digest per user: counts and a link, in their language, no person named', async () => {
    const r = await digest(['--config', mailConf(), '--json']);
    assert.equal(r.status, 0, r.stderr);
    const rep = JSON.parse(r.stdout);
    assert.equal(rep.sent, 2, r.stdout);
    assert.equal(smtp.messages.length, 2);
    const byTo = Object.fromEntries(smtp.messages.map((m) => [m.to[0], { ...m, ...parseMessage(m.data) }]));
    const k = byTo['karine@csvc.example.org'];
    const j = byTo['julie.en@refuge.example.org'];
    assert.ok(k && j, Object.keys(byTo).join());
    for (const m of [k, j]) {
      assert.equal(m.from, 'filet@csvc.example.org');
      assert.equal(m.headers.from, 'filet@csvc.example.org');
      assert.equal(m.headers.to, m.to[0]);
      assert.equal(m.to.length, 1);
      assert.ok(m.body.includes('https://filet.example.org/alerts'), m.body);
      for (const secret of [...NAMES, S, ...personIds, u.coordo.id, u.refuge.id, u['julie.en'].id])
        assert.ok(!m.raw.includes(secret) && !m.body.includes(secret) && !m.headers.subject.includes(secret), secret);
    }
    const nk = await alertCount('coordo');
    assert.equal(k.headers.subject, `filet : alertes pour vous (${nk})`);
    assert.match(k.body, /^Bonjour,/);
    assert.match(k.body, /- Libérations d’agresseurs d’ici 14 jours : 1\n/);
    assert.match(k.body, /- Ordonnances de protection qui prennent fin d’ici 14 jours : 1\n/);
    assert.equal(j.headers.subject, 'filet: alerts for you (2)');
    assert.match(j.body, /^Hello,/);
    assert.match(j.body, /- Perpetrator releases within 14 days: 1\n/);
    assert.match(j.body, /- Protective orders ending within 14 days: 1\n/);
    const rows = (await call('audit', 'GET', '/api/v1/audit?object_type=digest')).body.rows;
    assert.equal(rows.filter((x) => x.action === 'send').length, 2, JSON.stringify(rows));
  });

  it('running it again the same day sends nothing new; disabled users never', async () => {
    const r = await digest(['--config', mailConf(), '--json']);
    assert.equal(r.status, 0, r.stderr);
    const rep = JSON.parse(r.stdout);
    assert.equal(rep.sent, 0);
    assert.equal(rep.already_sent, 2);
    assert.equal(smtp.messages.length, 2);
    assert.ok(!smtp.messages.some((m) => m.to.includes('ancienne@refuge.example.org')));
    const text = await digest(['--config', mailConf()]);
    assert.match(text.stdout, /digest: 0 sent, 0 would be sent, 2 already sent today, 1 without alerts, 0 failed/);
  });

  it('never sends a password over smtp:// without STARTTLS; the next run retries', async () => {
    f.advance(86400); // a new day: new digests are due
    const pwFile = join(f.dir, 'smtp-password');
    writeFileSync(pwFile, 'motdepasse-SMTP-42\n');
    chmodSync(pwFile, 0o644);
    const loose = await digest(['--config', mailConf(['smtp_user = filet', `smtp_password_file = ${pwFile}`])]);
    assert.equal(loose.status, 1);
    assert.match(loose.stderr, /only its owner may read \(chmod 600\)/);
    chmodSync(pwFile, 0o600);
    const before = smtp.commands.length;
    const r = await digest(['--config', mailConf(['smtp_user = filet', `smtp_password_file = ${pwFile}`]), '--json']);
    assert.equal(r.status, 1);
    const rep = JSON.parse(r.stdout);
    assert.equal(rep.failed, 2);
    assert.equal(rep.sent, 0);
    for (const d of rep.digests) assert.match(d.error, /STARTTLS/);
    const said = smtp.commands.slice(before);
    assert.ok(!said.some((c) => /^AUTH|^MAIL/i.test(c)), said.join(' | '));
    assert.ok(!said.join('\n').includes('motdepasse'), 'the password never crossed the wire');
    assert.equal(smtp.messages.length, 2, 'nothing sent');
    const retry = JSON.parse((await digest(['--config', mailConf(), '--json'])).stdout);
    assert.equal(retry.sent, 2, 'the failed sends were not recorded as sent');
    assert.equal(smtp.messages.length, 4);
  });

  it('the scheduler inside serve sends the digest, and stops cleanly', async () => {
    // A second server on the same database, the scheduler on; its clock is
    // the real one: the day of the first runs above, when coordo and
    // julie.en had their digests already. A new coordinator has not.
    tok.admin = await f.login('admin'); // the day advanced: sessions ended
    const nc = await call('admin', 'POST', '/api/v1/users', { username: 'coordo.deux', agency_id: u.coordo.agency_id,
      role: 'coordinator', password: GOOD_PASSWORD, email: 'coordo.deux@csvc.example.org' });
    assert.equal(nc.status, 201, nc.raw);
    const before = smtp.messages.length;
    const conf = mailConf(['scheduler = on', 'scheduler_minutes = 5']);
    const g = await startFilet({ db: f.db, key: f.key, demoData: f.demoData, extraArgs: ['--config', conf] });
    try {
      const until = Date.now() + 20000;
      while (!/event=scheduler_digest/.test(g.log()) && Date.now() < until) await new Promise((ok) => setTimeout(ok, 100));
      assert.match(g.log(), /event=scheduler_started minutes=5/);
      assert.match(g.log(), /event=scheduler_digest sent=1 already_sent=2 failed=0/);
      assert.deepEqual(smtp.messages.slice(before).map((m) => m.to[0]), ['coordo.deux@csvc.example.org']);
      for (const m of smtp.messages.slice(before)) {
        const p = parseMessage(m.data);
        assert.ok(p.body.includes('https://filet.example.org/alerts'));
        for (const secret of [...NAMES, S, ...personIds]) assert.ok(!m.data.includes(secret) && !p.body.includes(secret));
      }
    } finally {
      await g.stop(); // throws unless it exits 0 on SIGTERM
    }
    assert.match(g.log(), /event=scheduler_stopped/);
    const bad = cliRaw(['serve', '--db', f.db, '--key', f.key, '--listen', '127.0.0.1:0', '--config',
      config(['scheduler_minutes = 2'])]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /bad value for 'scheduler_minutes'/);
  });
});
