// Retention: `filet retention run` deletes what is personal about the
// situations closed longer ago than their territory's retention period,
// keeps anonymous counts, tombstones the audit rows naming them (the trail
// still verifies) and leaves nothing of them in the database file.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, startFilet, request } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };
const call = (f, tok, method, path, body) => request(f.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok}` },
  body: body === undefined ? undefined : JSON.stringify(body) });
const sql = (db, q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
// The CLI on the server's test clock.
const run = (f, args) => JSON.parse(execFileSync(BIN, [...args, '--db', f.db, '--key', f.key, '--json'], {
  encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FILET_TEST_CLOCK_FILE: join(f.dir, 'clock') } }));
const dbBytes = (db) => Buffer.concat([readFileSync(db), ...(existsSync(db + '-wal') ? [readFileSync(db + '-wal')] : [])]);
const TABLES = ['persons', 'situation_persons', 'situations', 'relationships', 'information', 'exclusions',
  'participations', 'assessments', 'situation_events', 'minutes', 'agenda', 'actions', 'action_notes', 'alerts',
  'drafts', 'audit_log', 'retained_stats'];
const counts = (db) => Object.fromEntries(TABLES.map((t) => [t, Number(sql(db, `SELECT count(*) FROM ${t}`))]));

describe('retention', () => {
  it('purges closed situations past the period, and only them', async () => {
    const f = await startFilet();
    try {
      const refuge = await f.login('refuge');
      const coordo = await f.login('coordo');
      const users = {};
      for (const u of JSON.parse((await call(f, await f.login('admin'), 'GET', '/api/v1/users')).body).users) users[u.username] = u;
      const referral = (given, family) => ({ summary: `Menaces de ${given}.`, persons: [
        { ref: 'v1', role: 'victim', given_name: given, family_name: family, birth_date: '1993-05-02',
          safe_address: `12 rue ${family}, Trois-Rivières`, safe_phone: '819-555-0101' },
        { ref: 'p1', role: 'perpetrator', given_name: 'Jean', family_name: `${family}-Roy`, birth_date: '1990-01-10' }],
      consent: { status: 'given', scope: 'la cellule', conditions: 'pas de courriel' } });
      const mk = async (given, family) => {
        const r = await call(f, refuge, 'POST', '/api/v1/referrals', referral(given, family));
        assert.equal(r.status, 201, r.body);
        return JSON.parse(r.body).situation_id;
      };
      const gone = await mk('Jeanne', 'Lavoie');
      const open = await mk('Sophie', 'Gagnon');
      for (const id of [gone, open]) {
        const share = (tok, path, body) => call(f, tok, 'POST', `/api/v1/situations/${id}/${path}`, body);
        const done = [
          await share(refuge, 'assessments', { instrument: 'dash-24-structure', answers: {},
            judgement: { level: 'high', reason: 'Elle dit qu’il va la tuer.' } }),
          await share(coordo, 'participants', { agency_id: users.dpj.agency_id, basis: 'safety_exception',
            justification: 'Enfants exposés : risque sérieux et imminent.' }),
          await share(refuge, 'information', { category: 'weapons_access', content: 'Carabine dans le garage',
            basis: 'safety_exception', justification: 'Arme à feu : risque de mort.' }),
          await share(refuge, 'information', { category: 'health', shared: false, reason: 'Secret médical.' }),
          await share(coordo, 'exclusions', { user_id: users.cavac.id, reason: 'Cousine de l’agresseur.' }),
          await share(coordo, 'actions', { title: 'Demander une ordonnance de protection', phase: 'protective_orders',
            protects: 'v1', owner_agency_id: users.refuge.agency_id, due_on: '2099-01-01' })];
        for (const x of done) assert.equal(x.status, 201, x.body);
        const mt = await call(f, coordo, 'POST', '/api/v1/meetings', { kind: 'urgent', starts_at: '2031-01-15T14:00:00Z',
          place: 'Salle 4', invited: [users.dpj.agency_id] });
        assert.equal(mt.status, 201, mt.body);
        const mid = JSON.parse(mt.body).id;
        assert.equal((await call(f, coordo, 'POST', `/api/v1/meetings/${mid}/agenda`, { situation_id: id })).status, 201);
        const mn = await call(f, coordo, 'POST', `/api/v1/meetings/${mid}/minutes`, { situation_id: id,
          text: 'Plan de sécurité revu.', decisions: 'Accompagnement au tribunal.' });
        assert.equal(mn.status, 201, mn.body);
        assert.equal((await call(f, coordo, 'GET', `/api/v1/situations/${id}`)).status, 200);
      }
      const version = JSON.parse((await call(f, coordo, 'GET', `/api/v1/situations/${gone}`)).body).version;
      const closed = await call(f, coordo, 'POST', `/api/v1/situations/${gone}/close`, { reason: 'risk_reduced',
        version, notes: 'Partie chez sa sœur.' });
      assert.equal(closed.status, 200, closed.body);
      // The ciphertexts and hashes that must not survive the purge.
      const secrets = sql(f.db, `SELECT summary_enc FROM situations WHERE id = '${gone}' UNION ALL ` +
        `SELECT closure_notes_enc FROM situations WHERE id = '${gone}' UNION ALL ` +
        `SELECT given_name_enc FROM persons WHERE id IN (SELECT person_id FROM situation_persons WHERE situation_id = '${gone}') UNION ALL ` +
        `SELECT match_hash FROM persons WHERE id IN (SELECT person_id FROM situation_persons WHERE situation_id = '${gone}') UNION ALL ` +
        `SELECT safe_address_enc FROM situation_persons WHERE situation_id = '${gone}' AND safe_address_enc IS NOT NULL UNION ALL ` +
        `SELECT content_enc FROM information WHERE situation_id = '${gone}' AND content_enc IS NOT NULL UNION ALL ` +
        `SELECT judgement_reason_enc FROM assessments WHERE situation_id = '${gone}' UNION ALL ` +
        `SELECT reason_enc FROM exclusions WHERE situation_id = '${gone}' UNION ALL ` +
        `SELECT text_enc FROM minutes WHERE situation_id = '${gone}' UNION ALL ` +
        `SELECT title_enc FROM actions WHERE situation_id = '${gone}'`).split('\n').filter(Boolean);
      assert.ok(secrets.length >= 10, secrets.join('\n'));
      const openBefore = (await call(f, coordo, 'GET', `/api/v1/situations/${open}`)).body;

      // Not yet: closed today, 60 months by default.
      assert.deepEqual(run(f, ['retention', 'run']), { purged: 0, dry_run: false, situations: [] });
      f.advance(61 * 31 * 86400);

      // A dry run lists it and changes nothing.
      const before = counts(f.db);
      const dry = run(f, ['retention', 'run', '--dry-run']);
      assert.equal(dry.dry_run, true);
      assert.equal(dry.purged, 0);
      assert.deepEqual(dry.situations.map((s) => s.id), [gone]);
      assert.ok(dry.situations[0].closed_at);
      assert.equal(dry.situations[0].rows.situations, 1);
      assert.equal(dry.situations[0].rows.persons, 2);
      assert.equal(dry.situations[0].rows.information, 2);
      assert.deepEqual(counts(f.db), before);

      const res = run(f, ['retention', 'run']);
      assert.equal(res.purged, 1);
      assert.equal(res.dry_run, false);
      assert.deepEqual(res.situations.map((s) => s.id), [gone]);
      const after = counts(f.db);
      assert.equal(after.situations, before.situations - 1);
      assert.equal(after.persons, before.persons - 2);
      assert.equal(after.information, before.information - 2);
      assert.equal(after.audit_log, before.audit_log + 1);
      assert.equal(sql(f.db, "SELECT count FROM retained_stats WHERE close_reason = 'risk_reduced'"), '1');
      assert.equal(sql(f.db, "SELECT count(*) FROM audit_log WHERE action = 'purge' AND object_id = 'tombstone'"), '1');

      // Nothing of it is left in the file, free pages and log included.
      let bytes = dbBytes(f.db).toString('latin1');
      for (const v of [gone, ...secrets]) assert.ok(!bytes.includes(v), `still in the file: ${v}`);
      sql(f.db, 'PRAGMA wal_checkpoint(TRUNCATE)');
      bytes = dbBytes(f.db).toString('latin1');
      for (const v of [gone, ...secrets]) assert.ok(!bytes.includes(v), `still in the file: ${v}`);
      assert.ok(bytes.includes(open));

      // The open one is untouched, the purged one gone, the trail intact
      // (signed in again: five years have passed).
      const coordo2 = await f.login('coordo');
      assert.equal((await call(f, coordo2, 'GET', `/api/v1/situations/${open}`)).body, openBefore);
      assert.equal((await call(f, coordo2, 'GET', `/api/v1/situations/${gone}`)).status, 404);
      assert.equal(run(f, ['audit', 'verify']).ok, true);
      // Once is enough.
      assert.deepEqual(run(f, ['retention', 'run']), { purged: 0, dry_run: false, situations: [] });
      assert.equal(run(f, ['audit', 'verify']).ok, true);
    } finally {
      await f.stop();
    }
  });

  it('follows the retention period the administrator sets for the territory', async () => {
    const f = await startFilet();
    try {
      const refuge = await f.login('refuge');
      const coordo = await f.login('coordo');
      const admin = await f.login('admin');
      const set = await call(f, admin, 'PATCH', `/api/v1/territories/${f.demoData.territory}`, { retention_months: 12 });
      assert.equal(set.status, 200, set.body);
      const r = await call(f, refuge, 'POST', '/api/v1/referrals', { summary: 'Menaces.', consent: { status: 'given' },
        perpetrator_unknown: true, persons: [{ role: 'victim', given_name: 'Lise', family_name: 'Courte' }] });
      assert.equal(r.status, 201, r.body);
      const id = JSON.parse(r.body).situation_id;
      const version = JSON.parse((await call(f, coordo, 'GET', `/api/v1/situations/${id}`)).body).version;
      assert.equal((await call(f, coordo, 'POST', `/api/v1/situations/${id}/close`, { reason: 'risk_reduced', version })).status, 200);
      f.advance(11 * 31 * 86400);
      assert.deepEqual(run(f, ['retention', 'run', '--dry-run']).situations, [], 'eleven months: kept');
      f.advance(2 * 31 * 86400);
      assert.deepEqual(run(f, ['retention', 'run', '--dry-run']).situations.map((x) => x.id), [id],
        'thirteen months: past the 12 months set (not the 60 by default)');
    } finally {
      await f.stop();
    }
  });

  it('answers --help', () => {
    const out = execFileSync(BIN, ['retention', 'run', '--help'], { encoding: 'utf8' });
    assert.match(out, /^Usage: filet retention run/);
    assert.match(execFileSync(BIN, ['retention', '--help'], { encoding: 'utf8' }), /run/);
  });
});
