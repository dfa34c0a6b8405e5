// The administrative command line: territories, agencies, users, the audit
// trail's verification (and tampering with it), and key rotation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, existsSync, copyFileSync, chmodSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliRaw, startFilet, request } from '../lib/filet.mjs';

const PASSWORD = 'correct horse battery staple';
const sql = (db, q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const json = (args, input) => JSON.parse(cli([...args, '--json'], { input }));

// A fresh directory with a key file and an empty database.
function fresh() {
  const dir = mkdtempSync(join(tmpdir(), 'filet-ident-'));
  const db = join(dir, 'f.db');
  const key = join(dir, 'key');
  cli(['keygen', '--out', key]);
  cli(['init', '--db', db]);
  const base = ['--db', db, '--key', key];
  return { dir, db, key, base, done: () => rmSync(dir, { recursive: true, force: true }) };
}

// fresh() plus a territory, an agency and a user.
function withUser(username = 'alice') {
  const f = fresh();
  f.territory = json(['territory', 'add', ...f.base, '--name', 'Mauricie']).id;
  f.agency = json(['agency', 'add', ...f.base, '--name', 'Police', '--sector', 'police', '--territory', f.territory]).id;
  f.user = json(['user', 'add', ...f.base, '--username', username, '--agency', f.agency, '--role', 'coordinator'],
    PASSWORD + '\n');
  return f;
}

// Every byte the database holds on disk (main file and write-ahead log).
function dbBytes(db) {
  const parts = [readFileSync(db)];
  if (existsSync(db + '-wal')) parts.push(readFileSync(db + '-wal'));
  return Buffer.concat(parts);
}

const addSession = (db, id, userId) => sql(db, 'INSERT INTO sessions(id, token_hash, user_id, csrf, kind, stage, ' +
  `created_at, last_seen, expires_at) VALUES ('${id}', 'hash-${id}', '${userId}', 'c', 'browser', 'full', 1, 1, 9999999999)`);
const auditRows = (db) => sql(db, "SELECT action || '|' || object_type || '|' || object_id || '|' || fields || '|' || " +
  "source || '|' || ifnull(user_id, 'NULL') FROM audit_log ORDER BY seq").split('\n');
const keyLines = (key) => readFileSync(key, 'utf8').split('\n').filter((l) => /^[0-9a-f]{64}$/.test(l.trim()));

describe('administrative command line', () => {
  it('every new command answers --help on stdout with exit 0', () => {
    const cmds = [['territory', 'add'], ['agency', 'add'], ['user', 'add'], ['user', 'disable'], ['user', 'enable'],
      ['user', 'reset-mfa'], ['user', 'passwd'], ['user', 'list'], ['audit', 'verify'], ['key', 'add'],
      ['key', 'drop-old'], ['rekey']];
    for (const c of cmds) {
      const out = cli([...c, '--help']);
      assert.match(out, new RegExp(`^Usage: filet ${c.join(' ')}`), c.join(' '));
    }
    assert.match(cli(['user', '--help']), /add[\s\S]*disable[\s\S]*enable[\s\S]*reset-mfa[\s\S]*passwd[\s\S]*list/);
    assert.match(cli(['user', 'add', '--help']), /first line of standard\s+input \(never an argument\)/);
    const rekey = cli(['rekey', '--help']);
    assert.match(rekey, /1\. filet key add[\s\S]*SIGHUP[\s\S]*2\. filet rekey[\s\S]*3\. filet key drop-old/);
    assert.match(rekey, /--list-columns[\s\S]*match hashes[\s\S]*"rehashed": H/);
    assert.match(cli(['--help']), /territory[\s\S]*agency[\s\S]*user[\s\S]*audit[\s\S]*rekey/);
    const none = cliRaw(['user']);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /Usage: filet user/);
    const unknown = cliRaw(['user', 'frob']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command 'user frob'/);
  });

  it('territory -> agency -> user, with the JSON shapes of API.md and an audit row for each', () => {
    const f = fresh();
    try {
      const t = json(['territory', 'add', ...f.base, '--name', 'Mauricie', '--timezone', 'America/Toronto']);
      assert.deepEqual(Object.keys(t), ['id']);
      assert.equal(sql(f.db, `SELECT name || '|' || timezone FROM territories WHERE id = '${t.id}'`), 'Mauricie|America/Toronto');
      const a = json(['agency', 'add', ...f.base, '--name', 'Refuge', '--sector', 'shelter', '--territory', t.id]);
      assert.deepEqual(Object.keys(a), ['id']);
      assert.equal(sql(f.db, `SELECT sector || '|' || territory_id FROM agencies WHERE id = '${a.id}'`), `shelter|${t.id}`);
      const u = json(['user', 'add', ...f.base, '--username', 'Julie.B', '--agency', a.id, '--role', 'practitioner',
        '--display-name', 'Julie B.', '--lang', 'en'], PASSWORD + '\n');
      assert.deepEqual(Object.keys(u).sort(), ['id', 'otpauth_uri', 'totp_secret']);
      assert.match(u.totp_secret, /^[A-Z2-7]{32}$/);
      assert.ok(u.otpauth_uri.startsWith('otpauth://totp/filet:julie.b?'), u.otpauth_uri);
      assert.ok(u.otpauth_uri.includes(`secret=${u.totp_secret}`));
      const list = json(['user', 'list', '--db', f.db]);
      assert.deepEqual(list, { users: [{ id: u.id, username: 'julie.b', display_name: 'Julie B.', agency_id: a.id,
        role: 'practitioner', active: true, totp_confirmed: false }] });
      assert.equal(sql(f.db, `SELECT lang FROM users WHERE id = '${u.id}'`), 'en');
      assert.deepEqual(auditRows(f.db), [
        `create|territory|${t.id}|name,timezone|cli|NULL`,
        `create|agency|${a.id}|name,sector,territory_id|cli|NULL`,
        `create|user|${u.id}|username,display_name,agency_id,role,lang,password,totp|cli|NULL`,
      ]);
      const text = cli(['user', 'add', ...f.base, '--username', 'marc', '--agency', a.id, '--role', 'auditor'],
        { input: PASSWORD + '\n' });
      assert.match(text, /shown this once only/);
      assert.match(text, /secret: [A-Z2-7]{32}/);
      assert.match(cli(['user', 'list', '--db', f.db]), /marc\s+auditor/);
    } finally {
      f.done();
    }
  });

  it('refuses bad sectors, roles, agencies, territories, usernames and missing options, changing nothing', () => {
    const f = withUser('alice');
    try {
      const before = sql(f.db, 'SELECT (SELECT count(*) FROM agencies) || (SELECT count(*) FROM users) || (SELECT count(*) FROM audit_log)');
      const fail = (args, re, status = 1, input = PASSWORD + '\n') => {
        const r = cliRaw(args, { input });
        assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, re, args.join(' '));
        assert.match(r.stderr, /^filet[ :]/);
      };
      fail(['agency', 'add', ...f.base, '--name', 'X', '--sector', 'cops', '--territory', f.territory],
        /unknown sector 'cops'.*police.*victim_support.*perpetrator_programme/);
      fail(['agency', 'add', ...f.base, '--name', 'X', '--sector', 'police', '--territory', 'nope'], /no territory with id 'nope'/);
      fail(['agency', 'add', ...f.base, '--name', 'Police', '--sector', 'police', '--territory', f.territory], /already exists/);
      fail(['territory', 'add', ...f.base, '--name', 'Mauricie'], /already exists/);
      fail(['territory', 'add', ...f.base, '--name', 'Other', '--timezone', '../etc/passwd'], /not a time zone/);
      const user = (username, agency, role) => ['user', 'add', ...f.base, '--username', username, '--agency', agency, '--role', role];
      fail(user('bob', f.agency, 'boss'), /unknown role 'boss'.*admin, coordinator, representative, practitioner, auditor/);
      fail(user('bob', 'nope', 'admin'), /no agency with id 'nope'/);
      fail(user('ab', f.agency, 'admin'), /3 to 64 characters/);
      fail(user('bad name', f.agency, 'admin'), /3 to 64 characters/);
      fail(user('x'.repeat(65), f.agency, 'admin'), /3 to 64 characters/);
      fail(user('ALICE', f.agency, 'admin'), /username already taken/);
      fail(['user', 'add', ...f.base, '--username', 'bob', '--role', 'admin'], /needs --username U, --agency ID and --role ROLE/, 2);
      fail(['territory', 'add', ...f.base], /needs --name/, 2);
      fail([...user('bob', f.agency, 'admin'), '--password', PASSWORD], /unknown option --password/, 2);
      fail(['territory', 'add', '--db', f.db, '--name', 'Nokey'], /needs the key file/);
      fail(['user', 'disable', ...f.base, '--username', 'nobody'], /no user named 'nobody'/);
      const after = sql(f.db, 'SELECT (SELECT count(*) FROM agencies) || (SELECT count(*) FROM users) || (SELECT count(*) FROM audit_log)');
      assert.equal(after, before, 'nothing was written');
      const j = cliRaw([...user('bob', f.agency, 'boss'), '--json'], { input: PASSWORD + '\n' });
      assert.equal(j.status, 1);
      assert.match(JSON.parse(j.stdout).error, /unknown role/);
    } finally {
      f.done();
    }
  });

  it('reads the key path from the configuration when --key is not given', () => {
    const f = fresh();
    try {
      const conf = join(f.dir, 'filet.conf');
      writeFileSync(conf, `db = ${f.db}\nkey = ${f.key}\n`);
      const t = json(['territory', 'add', '--config', conf, '--name', 'Conf']);
      assert.equal(sql(f.db, `SELECT count(*) FROM audit_log WHERE object_id = '${t.id}'`), '1');
      assert.equal(json(['audit', 'verify', '--config', conf]).ok, true);
    } finally {
      f.done();
    }
  });

  it('takes the password from stdin, applies the policy, and stores neither it nor the TOTP secret in clear', () => {
    const f = withUser('alice');
    try {
      const add = (name, input) => cliRaw(['user', 'add', ...f.base, '--username', name, '--agency', f.agency,
        '--role', 'practitioner', '--json'], { input });
      const short = add('bob', 'short\n');
      assert.equal(short.status, 1);
      assert.match(short.stderr, /at least 12 characters/);
      const common = add('bob', 'qwerty123456\n');
      assert.equal(common.status, 1);
      assert.match(common.stderr, /on the list of common or breached passwords/);
      const empty = add('bob', '');
      assert.equal(empty.status, 1);
      assert.match(empty.stderr, /no password on stdin/);
      const same = add('bobbybobbybob', 'bobbybobbybob\n');
      assert.equal(same.status, 1);
      assert.match(same.stderr, /must not be the username/);
      assert.equal(sql(f.db, "SELECT count(*) FROM users WHERE username LIKE 'bob%'"), '0');
      // Only the first line is the password; CRLF is stripped.
      const secretPw = 'Un mot de passe bien long 42';
      const ok = add('bob', `${secretPw}\r\nsecond line\n`);
      assert.equal(ok.status, 0, ok.stderr);
      const bob = JSON.parse(ok.stdout);
      assert.match(sql(f.db, `SELECT password_hash FROM users WHERE id = '${bob.id}'`), /^\$argon2id\$/);
      assert.match(sql(f.db, `SELECT totp_secret_enc FROM users WHERE id = '${bob.id}'`), /^enc1:[0-9a-f]{8}:/);
      const bytes = dbBytes(f.db);
      for (const secret of [secretPw, PASSWORD, bob.totp_secret, f.user.totp_secret])
        assert.equal(bytes.indexOf(Buffer.from(secret)), -1, `${secret} is in the database file`);
      assert.equal(bytes.indexOf(Buffer.from('second line')), -1);
      assert.ok(bytes.indexOf(Buffer.from('bob')) >= 0, 'the search itself works');
    } finally {
      f.done();
    }
  });

  it('disable ends every session of the user and is audited; enable lets them back', () => {
    const f = withUser('alice');
    try {
      const other = json(['user', 'add', ...f.base, '--username', 'carol', '--agency', f.agency, '--role', 'admin'], PASSWORD + '\n');
      addSession(f.db, 's1', f.user.id);
      addSession(f.db, 's2', f.user.id);
      addSession(f.db, 's3', other.id);
      assert.deepEqual(json(['user', 'disable', ...f.base, '--username', 'alice']), { ok: true });
      assert.equal(sql(f.db, `SELECT count(*) FROM sessions WHERE user_id = '${f.user.id}'`), '0');
      assert.equal(sql(f.db, `SELECT count(*) FROM sessions WHERE user_id = '${other.id}'`), '1');
      const alice = () => json(['user', 'list', '--db', f.db]).users.find((u) => u.username === 'alice');
      assert.equal(alice().active, false);
      assert.equal(auditRows(f.db).at(-1), `update|user|${f.user.id}|active|cli|NULL`);
      assert.deepEqual(json(['user', 'enable', ...f.base, '--username', 'Alice']), { ok: true });
      assert.equal(alice().active, true);
      assert.equal(auditRows(f.db).at(-1), `update|user|${f.user.id}|active|cli|NULL`);
    } finally {
      f.done();
    }
  });

  it('reset-mfa gives a new, unconfirmed, encrypted secret and ends the sessions', () => {
    const f = withUser('alice');
    try {
      sql(f.db, `UPDATE users SET totp_confirmed = 1, totp_last_step = 99 WHERE id = '${f.user.id}'`);
      const oldEnc = sql(f.db, `SELECT totp_secret_enc FROM users WHERE id = '${f.user.id}'`);
      addSession(f.db, 's1', f.user.id);
      const r = json(['user', 'reset-mfa', ...f.base, '--username', 'alice']);
      assert.deepEqual(Object.keys(r).sort(), ['id', 'otpauth_uri', 'totp_secret']);
      assert.equal(r.id, f.user.id);
      assert.match(r.totp_secret, /^[A-Z2-7]{32}$/);
      assert.notEqual(r.totp_secret, f.user.totp_secret);
      assert.ok(r.otpauth_uri.includes(r.totp_secret));
      assert.equal(sql(f.db, `SELECT totp_confirmed || '|' || totp_last_step FROM users WHERE id = '${f.user.id}'`), '0|0');
      assert.notEqual(sql(f.db, `SELECT totp_secret_enc FROM users WHERE id = '${f.user.id}'`), oldEnc);
      assert.equal(sql(f.db, 'SELECT count(*) FROM sessions'), '0');
      assert.equal(dbBytes(f.db).indexOf(Buffer.from(r.totp_secret)), -1);
      assert.equal(auditRows(f.db).at(-1), `update|user|${f.user.id}|totp|cli|NULL`);
    } finally {
      f.done();
    }
  });

  it('passwd checks the new password, changes the hash and ends the sessions', () => {
    const f = withUser('alice');
    try {
      const hash = () => sql(f.db, `SELECT password_hash FROM users WHERE id = '${f.user.id}'`);
      const before = hash();
      addSession(f.db, 's1', f.user.id);
      const bad = cliRaw(['user', 'passwd', ...f.base, '--username', 'alice'], { input: 'qwerty123456\n' });
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /common or breached/);
      assert.equal(hash(), before);
      assert.equal(sql(f.db, 'SELECT count(*) FROM sessions'), '1', 'a refused change ends nothing');
      assert.deepEqual(json(['user', 'passwd', ...f.base, '--username', 'alice'], 'A brand new passphrase!\n'), { ok: true });
      assert.notEqual(hash(), before);
      assert.match(hash(), /^\$argon2id\$/);
      assert.equal(sql(f.db, 'SELECT count(*) FROM sessions'), '0');
      assert.equal(auditRows(f.db).at(-1), `update|user|${f.user.id}|password|cli|NULL`);
      assert.equal(dbBytes(f.db).indexOf(Buffer.from('A brand new passphrase!')), -1);
    } finally {
      f.done();
    }
  });

  it('audit verify passes after several commands', () => {
    const f = withUser('alice');
    try {
      cli(['user', 'disable', ...f.base, '--username', 'alice']);
      cli(['user', 'enable', ...f.base, '--username', 'alice']);
      cli(['user', 'reset-mfa', ...f.base, '--username', 'alice']);
      const n = Number(sql(f.db, 'SELECT count(*) FROM audit_log'));
      assert.equal(n, 6);
      assert.deepEqual(json(['audit', 'verify', ...f.base]), { ok: true, rows: n });
      assert.match(cli(['audit', 'verify', ...f.base]), /intact: 6 rows/);
    } finally {
      f.done();
    }
  });

  it('detects an edited row, naming its seq', () => {
    const f = withUser('alice');
    try {
      cli(['user', 'disable', ...f.base, '--username', 'alice']);
      assert.throws(() => sql(f.db, "UPDATE audit_log SET action = 'read' WHERE seq = 2"), /append-only/);
      sql(f.db, 'DROP TRIGGER audit_log_no_update');
      sql(f.db, "UPDATE audit_log SET action = 'read' WHERE seq = 2");
      const r = cliRaw(['audit', 'verify', ...f.base, '--json']);
      assert.equal(r.status, 1);
      const out = JSON.parse(r.stdout);
      assert.equal(out.ok, false);
      assert.equal(out.first_bad_row, 2);
      assert.equal(out.rows, 2);
      assert.equal(typeof out.reason, 'string');
      assert.match(r.stderr, /broken at row 2/);
      // Rekey refuses a broken chain and re-encrypts nothing.
      const enc = sql(f.db, 'SELECT totp_secret_enc FROM users');
      cli(['key', 'add', '--key', f.key]);
      const rk = cliRaw(['rekey', ...f.base]);
      assert.equal(rk.status, 1);
      assert.match(rk.stderr, /broken at row 2/);
      assert.equal(sql(f.db, 'SELECT totp_secret_enc FROM users'), enc);
    } finally {
      f.done();
    }
  });

  it('detects a deleted middle row, and a changed object reference', () => {
    const f = withUser('alice');
    try {
      cli(['user', 'disable', ...f.base, '--username', 'alice']);
      cli(['user', 'enable', ...f.base, '--username', 'alice']);
      assert.equal(json(['audit', 'verify', ...f.base]).rows, 5);
      sql(f.db, 'DROP TRIGGER audit_log_no_delete');
      sql(f.db, 'DELETE FROM audit_log WHERE seq = 3');
      const r = cliRaw(['audit', 'verify', ...f.base, '--json']);
      assert.equal(r.status, 1);
      assert.equal(JSON.parse(r.stdout).first_bad_row, 4);

      const g = withUser('bob');
      try {
        sql(g.db, 'DROP TRIGGER audit_log_no_update');
        sql(g.db, "UPDATE audit_log SET object_id = 'someone-else' WHERE seq = 3");
        const s = cliRaw(['audit', 'verify', ...g.base, '--json']);
        assert.equal(s.status, 1);
        assert.equal(JSON.parse(s.stdout).first_bad_row, 3);
      } finally {
        g.done();
      }
    } finally {
      f.done();
    }
  });

  it('audit verify fails with a different key file', () => {
    const f = withUser('alice');
    try {
      const other = join(f.dir, 'other-key');
      cli(['keygen', '--out', other]);
      const r = cliRaw(['audit', 'verify', '--db', f.db, '--key', other, '--json']);
      assert.equal(r.status, 1);
      const out = JSON.parse(r.stdout);
      assert.equal(out.ok, false);
      assert.equal(out.first_bad_row, 1);
      assert.match(out.reason, /not in the key file/);
      const nokey = cliRaw(['audit', 'verify', '--db', f.db]);
      assert.equal(nokey.status, 1);
      assert.match(nokey.stderr, /needs the key file/);
    } finally {
      f.done();
    }
  });

  it('rotates the key: key add, rekey, key drop-old; the data stays readable under the new key', () => {
    const f = withUser('alice');
    try {
      json(['user', 'add', ...f.base, '--username', 'bob', '--agency', f.agency, '--role', 'admin'], PASSWORD + '\n');
      sql(f.db, `UPDATE users SET totp_confirmed = 1, totp_last_step = 7 WHERE id = '${f.user.id}'`);
      const oldKeyFile = join(f.dir, 'old-key');
      copyFileSync(f.key, oldKeyFile);
      chmodSync(oldKeyFile, 0o600);
      const oldId = sql(f.db, 'SELECT DISTINCT key_id FROM audit_log');
      assert.match(oldId, /^[0-9a-f]{8}$/);

      // 1. a new current key; the old one stays.
      const added = json(['key', 'add', '--key', f.key]);
      assert.deepEqual(Object.keys(added).sort(), ['key_file', 'key_id', 'keys']);
      assert.equal(added.keys, 2);
      assert.notEqual(added.key_id, oldId);
      assert.equal(keyLines(f.key).length, 2);
      // Dropping now would lose data: refused.
      const early = cliRaw(['key', 'drop-old', ...f.base]);
      assert.equal(early.status, 1);
      assert.match(early.stderr, /run filet rekey first/);
      assert.equal(keyLines(f.key).length, 2);

      // 2. re-encrypt and re-seal.
      const before = Number(sql(f.db, 'SELECT count(*) FROM audit_log'));
      const rk = json(['rekey', ...f.base]);
      assert.deepEqual(Object.keys(rk).sort(), ['ok', 'reencrypted', 'rehashed', 'resealed']);
      assert.equal(rk.ok, true);
      assert.equal(rk.reencrypted, 2);
      assert.equal(rk.rehashed, 0, 'no persons yet');
      assert.equal(rk.resealed, before + 1, 'every row, and the rekey record');
      const encs = sql(f.db, 'SELECT totp_secret_enc FROM users').split('\n');
      for (const e of encs) assert.ok(e.startsWith(`enc1:${added.key_id}:`), e);
      assert.equal(sql(f.db, `SELECT totp_confirmed || '|' || totp_last_step FROM users WHERE id = '${f.user.id}'`), '1|7',
        'rekey keeps the confirmation and the replay guard');
      assert.equal(sql(f.db, 'SELECT DISTINCT key_id FROM audit_log'), added.key_id);
      assert.equal(auditRows(f.db).at(-1), 'rekey|user||totp_secret_enc|cli|NULL');
      // Running it again finds nothing left to re-encrypt.
      assert.equal(json(['rekey', ...f.base]).reencrypted, 0);

      // 3. drop the old key.
      const dropped = json(['key', 'drop-old', ...f.base]);
      assert.deepEqual(dropped, { key_file: f.key, key_id: added.key_id, dropped: 1 });
      assert.equal(keyLines(f.key).length, 1);
      assert.deepEqual(json(['audit', 'verify', ...f.base]), { ok: true, rows: before + 1 });
      const withOld = cliRaw(['audit', 'verify', '--db', f.db, '--key', oldKeyFile]);
      assert.equal(withOld.status, 1, 'the old key alone no longer verifies');

      // The re-encrypted secrets decrypt under the new key: a second
      // rotation has to decrypt every one of them.
      cli(['key', 'add', '--key', f.key]);
      assert.equal(json(['rekey', ...f.base]).reencrypted, 2);
      assert.equal(json(['key', 'drop-old', ...f.base]).dropped, 1);
      assert.equal(json(['audit', 'verify', ...f.base]).ok, true);
      // And the old key cannot read them: rekey with it fails loudly.
      const wrong = cliRaw(['rekey', '--db', f.db, '--key', oldKeyFile]);
      assert.equal(wrong.status, 1);
    } finally {
      f.done();
    }
  });

  it('rekey fails loudly on a value it cannot decrypt, drafts included', () => {
    const f = withUser('alice');
    try {
      sql(f.db, `INSERT INTO drafts(user_id, form_key, body, updated_at) VALUES ('${f.user.id}', 'case:new', 'not encrypted', 'now')`);
      cli(['key', 'add', '--key', f.key]);
      const r = cliRaw(['rekey', ...f.base, '--json']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, new RegExp(`drafts\\.body of row ${f.user.id} / case:new cannot be decrypted`));
      assert.match(JSON.parse(r.stdout).error, /cannot be decrypted/);
      const drop = cliRaw(['key', 'drop-old', ...f.base]);
      assert.equal(drop.status, 1, 'the draft still needs an old key');
      sql(f.db, 'DELETE FROM drafts');
      assert.equal(json(['rekey', ...f.base]).ok, true);
      assert.equal(json(['key', 'drop-old', ...f.base]).dropped, 1);
    } finally {
      f.done();
    }
  });

  it('every column of the rekey registry exists in the schema, and every encrypted column is in it', () => {
    const f = fresh();
    try {
      const cols = cli(['rekey', '--list-columns']).trim().split('\n');
      assert.deepEqual(json(['rekey', '--list-columns']).columns, cols);
      assert.ok(cols.includes('users.totp_secret_enc') && cols.includes('drafts.body'), cols.join());
      for (const c of cols) {
        const m = /^([a-z_]+)\.([a-z_]+)$/.exec(c);
        assert.ok(m, c);
        // Fails (no such table / column) when the schema renamed it.
        sql(f.db, `SELECT ${m[2]} FROM ${m[1]} LIMIT 0`);
      }
      // The other way round: an encrypted column (named *_enc) that rekey
      // does not know would keep needing the old key for ever.
      const encCols = sql(f.db, "SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p " +
        "WHERE m.type = 'table' AND p.name LIKE '%\\_enc' ESCAPE '\\' ORDER BY 1").split('\n').filter(Boolean);
      assert.ok(encCols.length > 10, encCols.join());
      const missing = encCols.filter((c) => !cols.includes(c));
      assert.deepEqual(missing, [], 'encrypted columns missing from the rekey registry (src/store/rekey.c)');
    } finally {
      f.done();
    }
  });

  it('rotates a database with situations: every encrypted column, and the match hashes', async () => {
    const J = { 'Content-Type': 'application/json' };
    const call = (s, tok, method, path, body) => request(s.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok}` },
      body: body === undefined ? undefined : JSON.stringify(body) });
    const victim = { ref: 'v1', role: 'victim', given_name: 'Jeanne', family_name: 'Lavoie', birth_date: '1993-05-02',
      safe_address: '12 rue des Érables, Trois-Rivières', safe_phone: '819-555-0101' };
    const perp = { ref: 'p1', role: 'perpetrator', given_name: 'Jean', family_name: 'Roy', birth_date: '1990-01-10' };
    const referral = (persons, extra = {}) => ({ summary: 'Menacée au couteau; arme à feu au domicile.', persons,
      consent: { status: 'given', scope: 'la cellule', conditions: 'pas de courriel' }, ...extra });
    const keep = mkdtempSync(join(tmpdir(), 'filet-rotate-'));
    const db = join(keep, 'filet.db');
    const key = join(keep, 'key');
    let f = await startFilet();
    let g = null;
    try {
      // A situation that fills every encrypted column: names, birth dates,
      // a due date, an address and a phone, consent, an assessment's
      // judgement, a triage reason; another one with a justification; a
      // draft.
      const refuge = await f.login('refuge');
      const coordo = await f.login('coordo');
      const r = await call(f, refuge, 'POST', '/api/v1/referrals', referral([victim, perp,
        { ref: 'c1', role: 'child', unborn: true, due_date: '2027-03-01' }]));
      assert.equal(r.status, 201, r.body);
      const id = JSON.parse(r.body).situation_id;
      const a = await call(f, refuge, 'POST', `/api/v1/situations/${id}/assessments`,
        { instrument: 'dash-24-structure', answers: {}, judgement: { level: 'high', reason: 'Elle dit qu’il va la tuer.' } });
      assert.equal(a.status, 201, a.body);
      const version = JSON.parse((await call(f, coordo, 'GET', `/api/v1/situations/${id}`)).body).version;
      const t = await call(f, coordo, 'POST', `/api/v1/situations/${id}/triage`, { route: 'urgent_cell', reason: 'Arme à feu', version });
      assert.equal(t.status, 200, t.body);
      const other = await call(f, refuge, 'POST', '/api/v1/referrals', referral([
        { ref: 'v1', role: 'victim', given_name: 'Sophie', family_name: 'Gagnon', birth_date: '1988-11-20' }],
      { consent: { status: 'refused' }, legal_basis: 'safety_exception', perpetrator_unknown: true,
        justification: 'Menaces de mort : risque sérieux et imminent.' }));
      assert.equal(other.status, 201, other.body);
      const otherId = JSON.parse(other.body).situation_id;
      // Closed, moved out of the territory: closure notes and a transfer note.
      const otherVersion = JSON.parse((await call(f, coordo, 'GET', `/api/v1/situations/${otherId}`)).body).version;
      const closed = await call(f, coordo, 'POST', `/api/v1/situations/${otherId}/close`, { reason: 'moved_out_of_territory',
        version: otherVersion, notes: 'Partie chez sa sœur.', transfer_note: 'Transmis à la cellule de Québec.' });
      assert.equal(closed.status, 200, closed.body);
      assert.equal((await call(f, refuge, 'PUT', '/api/v1/drafts/referral-new', { summary: 'à compléter' })).status, 200);
      // Sharing: a participation's justification, information shared (with
      // a justification) and withheld (with a reason), an exclusion.
      const users = {};
      for (const u of JSON.parse((await call(f, await f.login('admin'), 'GET', '/api/v1/users')).body).users) users[u.username] = u;
      const share = (tok, path, body) => call(f, tok, 'POST', `/api/v1/situations/${id}/${path}`, body);
      const shared = [
        await share(coordo, 'participants', { agency_id: users.dpj.agency_id, basis: 'safety_exception',
          justification: 'Enfants exposés : risque sérieux et imminent.' }),
        await share(refuge, 'information', { category: 'weapons_access', content: 'Carabine dans le garage',
          basis: 'safety_exception', justification: 'Arme à feu : risque de mort.' }),
        await share(refuge, 'information', { category: 'health', shared: false, reason: 'Secret médical.' }),
        await share(coordo, 'exclusions', { user_id: users.cavac.id, reason: 'Cousine de l’agresseur.' })];
      for (const x of shared) assert.equal(x.status, 201, x.body);
      const infoBefore = JSON.parse((await call(f, coordo, 'GET', `/api/v1/situations/${id}/information`)).body);
      for (const v of ['Carabine dans le garage', 'Arme à feu : risque de mort.', 'Secret médical.'])
        assert.ok(JSON.stringify(infoBefore).includes(v), v);
      // The safety net: an action's title, its blocked reason and a note.
      const act = await call(f, coordo, 'POST', `/api/v1/situations/${id}/actions`, { title: 'Demander une ordonnance de protection',
        phase: 'protective_orders', protects: 'v1', owner_agency_id: users.refuge.agency_id, due_on: '2099-01-01' });
      assert.equal(act.status, 201, act.body);
      const blocked = await call(f, coordo, 'PATCH', `/api/v1/actions/${JSON.parse(act.body).id}`,
        { status: 'blocked', reason: 'Audience reportée.', note: 'Appel au greffe.', version: 1 });
      assert.equal(blocked.status, 200, blocked.body);
      const netBefore = JSON.parse((await call(f, coordo, 'GET', `/api/v1/situations/${id}/actions`)).body);
      // A meeting: its place, and minutes with decisions.
      const mt = await call(f, coordo, 'POST', '/api/v1/meetings', { kind: 'urgent', starts_at: '2031-01-15T14:00:00Z',
        place: 'Salle 4, 12 rue Cachée', invited: [users.dpj.agency_id] });
      assert.equal(mt.status, 201, mt.body);
      const mid = JSON.parse(mt.body).id;
      assert.equal((await call(f, coordo, 'POST', `/api/v1/meetings/${mid}/agenda`, { situation_id: id })).status, 201);
      const mn = await call(f, coordo, 'POST', `/api/v1/meetings/${mid}/minutes`, { situation_id: id,
        text: 'Plan de sécurité revu.', decisions: 'Accompagnement au tribunal.' });
      assert.equal(mn.status, 201, mn.body);
      const meetingBefore = JSON.parse((await call(f, coordo, 'GET', `/api/v1/meetings/${mid}`)).body);
      // An evaluation's comment: a meeting that started an hour ago, refuge present.
      const past = new Date((f.now() - 3600) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const mt2 = await call(f, coordo, 'POST', '/api/v1/meetings', { kind: 'scheduled', starts_at: past,
        invited: [users.refuge.agency_id] });
      assert.equal(mt2.status, 201, mt2.body);
      const mid2 = JSON.parse(mt2.body).id;
      assert.equal((await call(f, coordo, 'POST', `/api/v1/meetings/${mid2}/attendance`,
        { agency_id: users.refuge.agency_id, undertaking_accepted: true })).status, 201);
      const ev = await call(f, refuge, 'POST', `/api/v1/meetings/${mid2}/evaluation`,
        { answers: { safety: 5 }, comment: 'Très utile.' });
      assert.equal(ev.status, 201, ev.body);
      const before = JSON.parse((await call(f, coordo, 'GET', `/api/v1/situations/${id}`)).body);
      const beforeOther = JSON.parse((await call(f, coordo, 'GET', `/api/v1/situations/${otherId}`)).body);
      assert.equal(before.persons.find((p) => p.ref === 'v1').safe_address, victim.safe_address);
      assert.equal(beforeOther.justification, 'Menaces de mort : risque sérieux et imminent.');

      // A consistent copy of the database and the key, then the server goes.
      sql(f.db, `.backup '${db}'`);
      copyFileSync(f.key, key);
      chmodSync(key, 0o600);
      const demoData = f.demoData;
      await f.stop();
      f = null;
      const base = ['--db', db, '--key', key];
      json(['user', 'reset-mfa', ...base, '--username', 'cavac']); // a second-factor secret too

      // Every registry column holds at least one value to move.
      const cols = cli(['rekey', '--list-columns']).trim().split('\n');
      const countAll = () => cols.map((c) => {
        const [table, col] = c.split('.');
        const n = Number(sql(db, `SELECT count(*) FROM ${table} WHERE ${col} IS NOT NULL AND ${col} <> ''`));
        assert.ok(n > 0, `${c} holds no value: the test does not cover it`);
        return n;
      }).reduce((x, y) => x + y, 0);
      const total = countAll();
      const hashesBefore = sql(db, 'SELECT id || ":" || match_hash FROM persons WHERE match_hash IS NOT NULL ORDER BY id').split('\n');
      assert.equal(hashesBefore.length, 3, 'victim, perpetrator, and the other victim: those with a birth date');
      const persons = sql(db, 'SELECT count(*) FROM persons');

      const added = json(['key', 'add', '--key', key]);
      const early = cliRaw(['key', 'drop-old', ...base]);
      assert.equal(early.status, 1);
      assert.match(early.stderr, /users\.totp_secret_enc.*run filet rekey first/);
      const rk = json(['rekey', ...base]);
      assert.deepEqual(Object.keys(rk).sort(), ['ok', 'reencrypted', 'rehashed', 'resealed']);
      assert.equal(rk.reencrypted, total, 'every encrypted value of every column');
      assert.equal(rk.rehashed, 3);
      for (const c of cols) {
        const [table, col] = c.split('.');
        assert.equal(sql(db, `SELECT count(*) FROM ${table} WHERE ${col} <> '' AND ${col} NOT LIKE 'enc1:${added.key_id}:%'`), '0', c);
      }
      assert.equal(sql(db, 'SELECT DISTINCT match_key_id FROM persons WHERE match_hash IS NOT NULL'), added.key_id);
      const hashesAfter = sql(db, 'SELECT id || ":" || match_hash FROM persons WHERE match_hash IS NOT NULL ORDER BY id').split('\n');
      for (let i = 0; i < 3; i++) {
        assert.equal(hashesAfter[i].split(':')[0], hashesBefore[i].split(':')[0]);
        assert.notEqual(hashesAfter[i], hashesBefore[i], 'the hash changes with the key');
      }
      const rows = auditRows(db).filter((x) => x.startsWith('rekey|'));
      for (const x of ['rekey|person||given_name_enc|cli|NULL', 'rekey|situation_person||safe_address_enc|cli|NULL',
        'rekey|assessment||judgement_reason_enc|cli|NULL', 'rekey|person||match_hash|cli|NULL'])
        assert.ok(rows.includes(x), `${x} in ${rows}`);
      const again0 = json(['rekey', ...base]);
      assert.deepEqual([again0.reencrypted, again0.rehashed], [0, 0], 'nothing left under the old key');
      assert.equal(json(['key', 'drop-old', ...base]).dropped, 1);
      assert.equal(json(['audit', 'verify', ...base]).ok, true);

      // The rotated database, served with the new key alone.
      g = await startFilet({ db, key, demoData });
      const coordo2 = await g.login('coordo');
      const after = await call(g, coordo2, 'GET', `/api/v1/situations/${id}`);
      assert.equal(after.status, 200);
      const s = JSON.parse(after.body);
      assert.deepEqual(s, before, 'names, birth dates, address, phone, consent, judgement, triage: all read back');
      assert.equal(s.persons.find((p) => p.ref === 'v1').given_name, 'Jeanne');
      assert.deepEqual(JSON.parse((await call(g, coordo2, 'GET', `/api/v1/situations/${otherId}`)).body), beforeOther);
      assert.deepEqual(JSON.parse((await call(g, coordo2, 'GET', `/api/v1/situations/${id}/information`)).body), infoBefore,
        'shared information, its justification and the reason for withholding: all read back');
      assert.deepEqual(JSON.parse((await call(g, coordo2, 'GET', `/api/v1/situations/${id}/actions`)).body).safety_net,
        netBefore.safety_net, 'action titles, blocked reasons and notes: all read back');
      assert.deepEqual(JSON.parse((await call(g, coordo2, 'GET', `/api/v1/meetings/${mid}`)).body), meetingBefore,
        'the meeting place, minutes and decisions: all read back');
      // The same victim and perpetrator, written differently: still a repeat.
      const again = await call(g, await g.login('refuge'), 'POST', '/api/v1/referrals', referral([
        { ...victim, given_name: 'JEANNE', family_name: 'lavoie' }, { ...perp, given_name: 'Jéan' }]));
      assert.equal(again.status, 201, again.body);
      assert.equal(JSON.parse(again.body).repeat_of, id, 'match hashes re-keyed');
      assert.equal(sql(db, 'SELECT count(*) FROM persons'), persons, 'the known persons are found again, not added');
      await g.stop();
      g = null;
      // Values no API shows (a participation's justification, an
      // exclusion's reason) decrypt under the rotated key too: one more
      // rotation has to decrypt every value, with the AAD of its row.
      json(['key', 'add', '--key', key]);
      const twice = json(['rekey', ...base]);
      assert.equal(twice.reencrypted, countAll());
      assert.equal(twice.rehashed, 3);
      assert.equal(json(['key', 'drop-old', ...base]).dropped, 1);
    } finally {
      if (f) await f.stop();
      if (g) await g.stop();
      rmSync(keep, { recursive: true, force: true });
    }
  });
});
