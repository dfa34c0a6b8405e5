// Key rotation while serving, without downtime: filet key add, SIGHUP,
// filet rekey (while filet serves), filet key drop-old, SIGHUP. Everything
// written before, during and after stays readable; the audit chain holds.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startFilet, request, cli } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };
const waitLog = async (f, re) => {
  for (let i = 0; i < 100; i++) {
    if (re.test(f.log())) return;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error(`log never matched ${re}:\n${f.log()}`);
};

describe('key rotation while serving', () => {
  let f;
  before(async () => { f = await startFilet(); });
  after(async () => { await f.stop(); });

  it('reloads the key file on SIGHUP and never loses a value', async () => {
    const refuge = { ...J, Authorization: `Bearer ${await f.login('refuge')}` };
    const refer = async (addr) => JSON.parse((await request(f.port, { method: 'POST', path: '/api/v1/referrals', headers: refuge,
      body: JSON.stringify({ summary: `Résumé ${addr}`, consent: { status: 'given' }, perpetrator_unknown: true,
        persons: [{ role: 'victim', given_name: 'Anne', birth_date: '1980-01-01', safe_address: addr }] }) })).body).situation_id;
    const read = async (id) => JSON.parse((await request(f.port, { path: `/api/v1/situations/${id}`, headers: refuge })).body);
    const before = await refer('ADDR-BEFORE');
    const oldId = JSON.parse(cli(['audit', 'verify', '--db', f.db, '--key', f.key, '--json'])).ok;
    assert.equal(oldId, true);

    cli(['key', 'add', '--key', f.key]);
    assert.equal(readFileSync(f.key, 'utf8').trim().split('\n').length, 2);
    f.proc.kill('SIGHUP');
    await waitLog(f, /event=key_reloaded current_key=\w+ keys=2/);
    const during = await refer('ADDR-DURING'); // sealed and encrypted with the new key

    const rk = JSON.parse(cli(['rekey', '--db', f.db, '--key', f.key, '--json']));
    assert.equal(rk.ok, true);
    assert.ok(rk.reencrypted >= 3, JSON.stringify(rk));
    cli(['key', 'drop-old', '--key', f.key, '--db', f.db]);
    assert.equal(readFileSync(f.key, 'utf8').trim().split('\n').length, 1);
    f.proc.kill('SIGHUP');
    await waitLog(f, /event=key_reloaded current_key=\w+ keys=1/);

    const after1 = await refer('ADDR-AFTER');
    for (const [id, addr] of [[before, 'ADDR-BEFORE'], [during, 'ADDR-DURING'], [after1, 'ADDR-AFTER']]) {
      const s = await read(id);
      assert.equal(s.persons[0].safe_address, addr);
      assert.equal(s.summary, `Résumé ${addr}`);
    }
    assert.doesNotMatch(f.log(), /decrypt_failed|handler_failed/);
    const v = JSON.parse(cli(['audit', 'verify', '--db', f.db, '--key', f.key, '--json']));
    assert.equal(v.ok, true, JSON.stringify(v));
  });

  it('keeps serving with the old keys when the key file is broken', async () => {
    const { writeFileSync } = await import('node:fs');
    const good = readFileSync(f.key, 'utf8');
    writeFileSync(f.key, 'not a key\n');
    f.proc.kill('SIGHUP');
    await waitLog(f, /event=key_reload_failed/);
    writeFileSync(f.key, good);
    const r = await request(f.port, { path: '/healthz' });
    assert.equal(r.status, 200);
    assert.equal((await request(f.port, { path: '/api/v1/me', headers: { Authorization: `Bearer ${await f.login('coordo')}` } })).status, 200);
  });
});
