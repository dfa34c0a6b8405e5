// The command line: --help, init and its refusals, key files, the demo
// switch, backup while serving and restore.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, chmodSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliRaw, startFilet } from '../lib/filet.mjs';

const tmp = () => mkdtempSync(join(tmpdir(), 'filet-cli-'));
const sql = (db, q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();

describe('command line', () => {
  it('every subcommand answers --help on stdout with exit 0', () => {
    for (const cmd of ['serve', 'init', 'keygen', 'demo', 'backup', 'restore', 'version']) {
      const out = cli([cmd, '--help']);
      assert.match(out, new RegExp(`^Usage: filet ${cmd}`), cmd);
    }
    assert.match(cli(['--help']), /Commands:[\s\S]*serve[\s\S]*backup/);
  });

  it('unknown commands and options fail with exit 2 and a message', () => {
    const a = cliRaw(['frobnicate']);
    assert.equal(a.status, 2);
    assert.match(a.stderr, /unknown command 'frobnicate'/);
    const b = cliRaw(['init', '--nope']);
    assert.equal(b.status, 2);
    assert.match(b.stderr, /unknown option --nope/);
  });

  it('version --json names the schema', () => {
    const v = JSON.parse(cli(['version', '--json']));
    assert.ok(v.schema_version >= 1);
    assert.equal(typeof v.version, 'string');
  });

  it('init creates a private database and is idempotent', () => {
    const d = tmp();
    const db = join(d, 'f.db');
    const out = JSON.parse(cli(['init', '--db', db, '--json']));
    assert.deepEqual(Object.keys(out).sort(), ['db', 'schema_version']);
    assert.equal(out.db, db);
    assert.equal(statSync(db).mode & 0o077, 0, 'database not readable by others');
    assert.equal(sql(db, 'PRAGMA journal_mode'), 'wal');
    const again = JSON.parse(cli(['init', '--db', db, '--json']));
    assert.equal(again.schema_version, out.schema_version);
    rmSync(d, { recursive: true });
  });

  it('init refuses a database newer than the binary, and one that is not filet\'s', () => {
    const d = tmp();
    const db = join(d, 'f.db');
    const { schema_version } = JSON.parse(cli(['init', '--db', db, '--json']));
    sql(db, `PRAGMA user_version=${schema_version + 1}`);
    const r = cliRaw(['init', '--db', db]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /newer than this filet/);
    const other = join(d, 'other.db');
    sql(other, 'CREATE TABLE t(x)');
    const o = cliRaw(['init', '--db', other]);
    assert.equal(o.status, 1);
    assert.match(o.stderr, /not a filet database/);
    rmSync(d, { recursive: true });
  });

  it('keygen makes a 0600 key and never overwrites one', () => {
    const d = tmp();
    const key = join(d, 'k');
    assert.deepEqual(JSON.parse(cli(['keygen', '--out', key, '--json'])), { key_file: key });
    assert.equal(statSync(key).mode & 0o777, 0o600);
    const again = cliRaw(['keygen', '--out', key]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /exists/);
    rmSync(d, { recursive: true });
  });

  it('serve refuses a key file others can read, a missing key, and demo mode off loopback', () => {
    const d = tmp();
    const db = join(d, 'f.db'), key = join(d, 'k');
    cli(['init', '--db', db]);
    cli(['keygen', '--out', key]);
    chmodSync(key, 0o644);
    const r = cliRaw(['serve', '--db', db, '--key', key, '--listen', '127.0.0.1:0']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /accessible to others/);
    const nokey = cliRaw(['serve', '--db', db, '--listen', '127.0.0.1:0']);
    assert.equal(nokey.status, 1);
    assert.match(nokey.stderr, /needs a key file/);
    chmodSync(key, 0o600);
    const demo = cliRaw(['serve', '--db', db, '--key', key, '--listen', '0.0.0.0:0', '--demo']);
    assert.equal(demo.status, 1);
    assert.match(demo.stderr, /only allowed on a loopback address/);
    rmSync(d, { recursive: true });
  });

  it('reads a config file, and flags override it', () => {
    const d = tmp();
    const conf = join(d, 'filet.conf');
    writeFileSync(conf, `# test\ndb = ${join(d, 'from-conf.db')}\n`);
    cli(['init', '--config', conf]);
    assert.ok(existsSync(join(d, 'from-conf.db')));
    cli(['init', '--config', conf, '--db', join(d, 'flag.db')]);
    assert.ok(existsSync(join(d, 'flag.db')));
    writeFileSync(conf, 'colour = blue\n');
    const bad = cliRaw(['init', '--config', conf]);
    assert.equal(bad.status, 2, 'a bad configuration is a usage error');
    assert.match(bad.stderr, /filet\.conf:1: unknown setting 'colour'/);
    rmSync(d, { recursive: true });
  });

  it('demo data loads once and prints each password once', () => {
    const d = tmp();
    const db = join(d, 'f.db');
    const out = JSON.parse(cli(['demo', '--db', db, '--json']));
    assert.ok(out.users.length >= 6);
    for (const u of out.users) assert.ok(u.password.length >= 12, `${u.username} password length`);
    const roles = new Set(out.users.map((u) => u.role));
    for (const r of ['admin', 'coordinator', 'representative', 'practitioner', 'auditor']) assert.ok(roles.has(r), r);
    const hashes = sql(db, 'SELECT password_hash FROM users');
    assert.match(hashes, /^\$argon2id\$/m);
    for (const u of out.users) assert.ok(!hashes.includes(u.password), 'password stored in clear');
    const again = cliRaw(['demo', '--db', db]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already loaded/);
    rmSync(d, { recursive: true });
  });

  it('backs up while serving, and restores a copy that holds the data', async () => {
    const f = await startFilet();
    const d = tmp();
    const copy = join(d, 'copy.db');
    try {
      assert.deepEqual(JSON.parse(cli(['backup', '--db', f.db, '--to', copy, '--json'])), { ok: true });
      assert.equal(statSync(copy).mode & 0o077, 0, 'backup not readable by others');
      const refuse = cliRaw(['backup', '--db', f.db, '--to', copy]);
      assert.equal(refuse.status, 1, 'backup never overwrites');
      const restored = join(d, 'restored.db');
      assert.deepEqual(JSON.parse(cli(['restore', '--from', copy, '--db', restored, '--json'])), { ok: true });
      assert.equal(sql(restored, "SELECT count(*) FROM users WHERE username='coordo'"), '1');
      assert.equal(sql(restored, 'SELECT count(*) FROM agencies'), sql(f.db, 'SELECT count(*) FROM agencies'));
      const over = cliRaw(['restore', '--from', copy, '--db', restored]);
      assert.equal(over.status, 1);
      assert.match(over.stderr, /--force/);
      writeFileSync(join(d, 'junk.db'), 'this is not a database at all, just text'.repeat(200));
      const junk = cliRaw(['restore', '--from', join(d, 'junk.db'), '--db', join(d, 'x.db')]);
      assert.equal(junk.status, 1);
      assert.match(junk.stderr, /damaged or not an SQLite database/);
      assert.ok(!existsSync(join(d, 'x.db')), 'nothing created from a bad backup');
    } finally {
      await f.stop();
      rmSync(d, { recursive: true });
    }
  });
});
