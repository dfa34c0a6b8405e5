// Practitioner evaluations over HTTP: an attendee (a cell user of an agency
// recorded present) answers a meeting's questionnaire once, from its start
// for 30 days; a user of an agency invited but absent gets 403, one who
// cannot see the meeting 404. Results are counts only: under 5 everything
// is suppressed, from 5 the figures are exact (checked against values
// computed by hand below), with the TCVCM reference beside each share. The
// database keeps no link between an answer and its author.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFilet, request, cli, cliRaw } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };
const PASSWORD = 'Evaluation-passe-8RtYw31k';
const sql = (db, q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const COMMENT1 = 'Commentaire-Anon-Zq1 la police a rappele vite';
const COMMENT2 = 'Commentaire-Anon-Wx2 roles enfin clairs';
const HOUR = 3600, DAY = 86400;

// Who answers what. ev1..ev4 are practitioners of the shelter (refuge's
// agency); dpj's agency is present too; police is invited but absent.
const ANSWERS = {
  refuge: { safety: 5, practice: 4, options: 3, roles: 2, model: 5 },
  dpj: { safety: 4, practice: 2, options: 4, roles: 4, model: 5 },
  ev1: { safety: 5, practice: 5, options: 1, model: 4 },
  ev2: { safety: 2, practice: 4, options: 4, roles: 5, model: 5 },
  ev3: { safety: 4, practice: 3, options: 5, roles: 4 },
  ev4: { safety: 5, practice: 5, options: 2, model: 5 }, // through the page
};

describe('practitioner evaluations', { concurrency: false }, () => {
  let f, M, M2, T2, month;
  const tok = {}, users = {};
  const names = ['refuge', 'coordo', 'police', 'dpj', 'programme', 'admin', 'audit', 'ev1', 'ev2', 'ev3', 'ev4', 'coordx'];
  const login = async () => {
    for (const u of names) tok[u] = await f.login(u, u.startsWith('ev') || u === 'coordx' ? { password: PASSWORD } : {});
  };
  const as = (u) => ({ ...J, Authorization: `Bearer ${tok[u]}` });
  const post = (u, path, body) => request(f.port, { method: 'POST', path, headers: as(u), body: JSON.stringify(body) });
  const get = (u, path) => request(f.port, { path, headers: as(u) });
  const answer = (u, body, mid = M) => post(u, `/api/v1/meetings/${mid}/evaluation`, body);
  const results = async (u = 'coordo', q = '') => {
    const r = await get(u, `/api/v1/evaluations/results${q}`);
    assert.equal(r.status, 200, r.body);
    return JSON.parse(r.body);
  };
  const st = (res, id) => res.statements.find((s) => s.id === id);
  const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

  before(async () => {
    f = await startFilet();
    for (const u of ['admin', 'coordo', 'refuge']) tok[u] = await f.login(u);
    for (const u of JSON.parse((await get('admin', '/api/v1/users')).body).users) users[u.username] = u;
    for (const u of ['ev1', 'ev2', 'ev3', 'ev4']) {
      const r = await post('admin', '/api/v1/users', { username: u, display_name: u, agency_id: users.refuge.agency_id,
        role: 'practitioner', password: PASSWORD });
      assert.equal(r.status, 201, r.body);
    }
    T2 = JSON.parse((await post('admin', '/api/v1/territories', { name: 'Autre territoire', timezone: 'America/Montreal' })).body).id;
    const ag2 = JSON.parse((await post('admin', '/api/v1/agencies', { name: 'Refuge T2', sector: 'shelter', territory: T2 })).body).id;
    assert.equal((await post('admin', '/api/v1/users', { username: 'coordx', display_name: 'coordx', agency_id: ag2,
      role: 'coordinator', password: PASSWORD })).status, 201);
    for (const u of JSON.parse((await get('admin', '/api/v1/users')).body).users) users[u.username] = u;
    await login();
    // M starts in an hour: the shelter and dpj are recorded present,
    // police is invited but absent.
    const start = f.now() + HOUR;
    const r = await post('coordo', '/api/v1/meetings', { kind: 'scheduled', starts_at: iso(start),
      invited: [users.refuge.agency_id, users.dpj.agency_id, users.police.agency_id] });
    assert.equal(r.status, 201, r.body);
    M = JSON.parse(r.body).id;
    for (const u of ['refuge', 'dpj'])
      assert.equal((await post('coordo', `/api/v1/meetings/${M}/attendance`,
        { agency_id: users[u].agency_id, undertaking_accepted: true })).status, 201);
    // The meeting's month in its territory (from the parts: locale data
    // differ between Node builds, 2026-12 here and 12/2026 there).
    const part = (type) => new Intl.DateTimeFormat('en', { timeZone: 'America/Montreal', year: 'numeric', month: '2-digit' })
      .formatToParts(new Date(start * 1000)).find((x) => x.type === type).value;
    month = `${part('year')}-${part('month')}`;
  });
  after(async () => { await f?.stop(); });

  it('opens when the meeting starts, for the attendees only', async () => {
    const early = await answer('refuge', { answers: { safety: 5 } });
    assert.equal(early.status, 422, early.body);
    assert.equal(JSON.parse(early.body).error.code, 'not_started');
    assert.deepEqual(JSON.parse((await get('refuge', '/api/v1/evaluations/pending')).body).pending, []);
    f.advance(2 * HOUR);
    await login();
    const p = JSON.parse((await get('ev1', '/api/v1/evaluations/pending')).body);
    assert.deepEqual(p.pending.map((x) => x.meeting_id), [M], 'every user of an agency present');
    assert.deepEqual(p.questionnaire.statements.map((s) => s.id), ['safety', 'practice', 'options', 'roles', 'model']);
    assert.equal(p.questionnaire.scale.length, 5);
    assert.deepEqual(JSON.parse((await get('police', '/api/v1/evaluations/pending')).body).pending, [],
      'invited but absent: nothing pending');
    // Invited but absent, and the coordinator whose agency is not present: 403.
    for (const u of ['police', 'coordo'])
      assert.equal((await answer(u, { answers: { safety: 4 } })).status, 403, u);
    // Not invited, another territory, admin and auditor: the meeting does not exist for them.
    for (const u of ['programme', 'coordx', 'admin', 'audit'])
      assert.equal((await answer(u, { answers: { safety: 4 } })).status, 404, u);
    assert.equal((await answer('refuge', { answers: { safety: 4 } }, 'aaaaaaaaaaaaaaaaaaaaaaaaaa')).status, 404);
    // The nav link for someone with a questionnaire waiting.
    const s = await f.browserLogin('ev1', { password: PASSWORD });
    const home = await request(f.port, { path: '/', headers: { Cookie: s.cookie } });
    assert.match(home.body, /<a href="\/evaluations">Évaluations<\/a>/);
    const sp = await f.browserLogin('programme');
    assert.doesNotMatch((await request(f.port, { path: '/', headers: { Cookie: sp.cookie } })).body, /href="\/evaluations/);
  });

  it('refuses answers out of range, unknown statements, empty answers and long comments (422)', async () => {
    const cases = [
      [{ answers: { safety: 6 } }, 'answers.safety'],
      [{ answers: { safety: 0 } }, 'answers.safety'],
      [{ answers: { practice: '4' } }, 'answers.practice'],
      [{ answers: { weather: 3 } }, 'answers.weather'],
      [{ answers: {} }, 'answers'],
      [{ answers: { safety: 4 }, comment: 'x'.repeat(2001) }, 'comment'],
    ];
    for (const [body, field] of cases) {
      const r = await answer('dpj', body);
      assert.equal(r.status, 422, r.body);
      const e = JSON.parse(r.body).error;
      assert.ok(e.problems.some((p) => p.field === field), `${field} in ${r.body}`);
    }
    assert.equal((await answer('dpj', { answers: { safety: 4 }, colour: 'red' })).status, 400);
    assert.equal(sql(f.db, 'SELECT count(*) FROM evaluation_done'), '0', 'nothing half-saved');
  });

  it('takes one answer per attendee (409 on a second)', async () => {
    const r = await answer('refuge', { answers: ANSWERS.refuge, comment: COMMENT1 });
    assert.equal(r.status, 201, r.body);
    assert.deepEqual(JSON.parse(r.body), { meeting_id: M, answered: true });
    const again = await answer('refuge', { answers: { safety: 1 } });
    assert.equal(again.status, 409, again.body);
    assert.equal(JSON.parse(again.body).error.code, 'already_answered');
    assert.deepEqual(JSON.parse((await get('refuge', '/api/v1/evaluations/pending')).body).pending, []);
  });

  it('suppresses everything under 5 questionnaires, and shows no comment', async () => {
    for (const u of ['dpj', 'ev1']) assert.equal((await answer(u, { answers: ANSWERS[u] })).status, 201, u);
    assert.equal((await answer('ev2', { answers: ANSWERS.ev2, comment: COMMENT2 })).status, 201);
    const res = await results();
    assert.equal(res.responses, '<5');
    assert.equal(res.from <= month && month <= res.to, true);
    for (const s of res.statements) {
      assert.equal(s.answers, '<5', s.id);
      assert.equal(s.agree_pct, null, s.id);
    }
    // 4 answers of safety: 5, 4, 5, 2.
    assert.deepEqual(st(res, 'safety').distribution, [0, '<5', 0, '<5', '<5']);
    assert.equal(st(res, 'safety').reference_pct, 86.8);
    assert.deepEqual(res.comments, []);
    assert.equal(res.comments_shown, false);
    assert.ok(!JSON.stringify(res).includes('Commentaire-Anon'));
  });

  it('publishes exact figures from 5 answers, against the hand-computed values', async () => {
    assert.equal((await answer('ev3', { answers: ANSWERS.ev3 })).status, 201);
    let res = await results();
    assert.equal(res.responses, 5);
    // safety: 5, 4, 5, 2, 4 -> 5 answers, 4 agreeing, 80.0 %
    assert.deepEqual([st(res, 'safety').answers, st(res, 'safety').agree, st(res, 'safety').agree_pct], [5, '<5', 80]);
    // model: 5, 5, 4, 5 (ev3 left it out) -> 4 answers: suppressed
    assert.deepEqual([st(res, 'model').answers, st(res, 'model').agree_pct], ['<5', null]);

    // The sixth, through the page (ev4).
    const s = await f.browserLogin('ev4', { password: PASSWORD });
    const page = await request(f.port, { path: '/evaluations', headers: { Cookie: s.cookie } });
    assert.equal(page.status, 200);
    assert.match(page.body, /<fieldset class="item"[^>]*>\s*<legend id="ev-[a-z2-7]+-safety">La concertation a amélioré la sécurité des victimes\.<\/legend>/);
    assert.match(page.body, /<input type="radio" id="ev-[a-z2-7]+-safety-5" name="answer_safety" value="5"> Tout à fait en accord/);
    const form = (o) => new URLSearchParams({ csrf: s.csrf, ...o }).toString();
    const send = (o) => request(f.port, { method: 'POST', path: `/evaluations/${M}`, body: form(o),
      headers: { Cookie: s.cookie, 'Content-Type': 'application/x-www-form-urlencoded', Origin: f.base } });
    // A bad value comes back with what was typed.
    const bad = await send({ answer_safety: '9', answer_practice: '5', comment: 'Gardé-Typé-4' });
    assert.equal(bad.status, 422);
    assert.match(bad.body, /role="alert"/);
    assert.match(bad.body, /Choisissez une réponse de 1 \(tout à fait en désaccord\) à 5 \(tout à fait en accord\)/);
    assert.match(bad.body, /name="answer_practice" value="5" checked>/);
    assert.match(bad.body, /<fieldset class="item" aria-invalid="true" aria-describedby="(ev-[a-z2-7]+)-error">\s*<legend id="ev-[a-z2-7]+-safety">/);
    assert.match(bad.body, /<div class="error-summary" role="alert" tabindex="-1" id="ev-[a-z2-7]+-error">/);
    assert.match(bad.body, />Gardé-Typé-4<\/textarea>/);
    const o = Object.fromEntries(Object.entries(ANSWERS.ev4).map(([k, v]) => [`answer_${k}`, String(v)]));
    const ok = await send(o);
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.location, '/evaluations?answered=1');
    const twice = await send(o);
    assert.equal(twice.status, 409);
    assert.match(twice.body, /Vous avez déjà répondu au questionnaire de cette rencontre\./);

    res = await results();
    // By hand, six questionnaires:
    //   safety   5 4 5 2 4 5  -> 6 answers, 5 agree, 5/6 = 83.33 -> 83.3
    //   practice 4 2 5 4 3 5  -> 6 answers, 4 agree, 4/6 = 66.67 -> 66.7
    //   options  3 4 1 4 5 2  -> 6 answers, 3 agree, 3/6 = 50.0
    //   roles    2 4 5 4      -> 4 answers: suppressed
    //   model    5 5 4 5 5    -> 5 answers, 5 agree, 100.0
    assert.equal(res.responses, 6);
    const want = {
      safety: { answers: 6, agree: 5, agree_pct: 83.3, reference_pct: 86.8, distribution: [0, '<5', 0, '<5', '<5'] },
      practice: { answers: 6, agree: '<5', agree_pct: 66.7, reference_pct: 87.9, distribution: [0, '<5', '<5', '<5', '<5'] },
      options: { answers: 6, agree: '<5', agree_pct: 50, reference_pct: null, distribution: ['<5', '<5', '<5', '<5', '<5'] },
      roles: { answers: '<5', agree: '<5', agree_pct: null, reference_pct: null, distribution: [0, '<5', 0, '<5', '<5'] },
      model: { answers: 5, agree: 5, agree_pct: 100, reference_pct: 100, distribution: [0, 0, 0, '<5', '<5'] },
    };
    for (const [id, w] of Object.entries(want)) {
      const { text, id: _id, ...got } = st(res, id);
      assert.deepEqual(got, w, id);
      assert.ok(text.length > 10);
    }
    // Comments, without author, for the territory's coordinator and auditor.
    assert.equal(res.comments_shown, true);
    assert.deepEqual([...res.comments].sort(), [COMMENT1, COMMENT2].sort());
    const audit = await results('audit');
    assert.deepEqual([...audit.comments].sort(), [COMMENT1, COMMENT2].sort());
    // The admin reads every territory's counts, never the comments.
    const all = await results('admin');
    assert.equal(all.territory_id, null);
    assert.equal(all.responses, 6);
    assert.deepEqual(all.comments, []);
    // Another period: nothing.
    const none = await results('coordo', '?from=2020-01&to=2020-12');
    assert.equal(none.responses, 0);
    assert.equal(st(none, 'safety').answers, 0);
    assert.equal(st(none, 'safety').agree_pct, null);
    // The meeting's month alone, as months or dates.
    assert.equal((await results('coordo', `?from=${month}-01&to=${month}`)).responses, 6);
    for (const q of ['?from=2026-13', '?from=2026-05&to=2026-04', '?to=yesterday'])
      assert.equal((await get('coordo', `/api/v1/evaluations/results${q}`)).status, 422, q);
  });

  it('lets only the coordinators and auditors of the territory (and the admin) read the results', async () => {
    for (const u of ['refuge', 'ev1', 'dpj', 'police'])
      assert.equal((await get(u, '/api/v1/evaluations/results')).status, 403, u);
    const T1 = JSON.parse((await get('coordo', '/api/v1/evaluations/results')).body).territory_id;
    assert.equal((await get('coordx', `/api/v1/evaluations/results?territory=${T1}`)).status, 403, 'another territory');
    assert.equal((await get('coordo', `/api/v1/evaluations/results?territory=${T2}`)).status, 403);
    const own = await results('coordx');
    assert.equal(own.responses, 0, 'the other territory has its own (empty) results');
    assert.equal((await get('admin', `/api/v1/evaluations/results?territory=${T2}`)).status, 200);
    // Reads are audited; refusals too.
    const rows = JSON.parse((await get('audit', '/api/v1/audit?object_type=evaluation_results')).body).rows;
    assert.ok(rows.some((x) => x.action === 'read' && x.user_id === users.coordo.id));
    assert.ok(rows.some((x) => x.action === 'access_refused' && x.user_id === users.refuge.id));
  });

  it('gives the table as CSV, and the results page with the reference side by side', async () => {
    const s = await f.browserLogin('coordo');
    const csv = await request(f.port, { path: '/evaluations/results.csv', headers: { Cookie: s.cookie } });
    assert.equal(csv.status, 200);
    assert.match(csv.headers['content-type'], /^text\/csv/);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(lines[0], '"from","to","statement_id","statement","answers","agree","agree_pct","reference_pct","n1","n2","n3","n4","n5"');
    const safety = lines.find((l) => l.includes('"safety"'));
    assert.match(safety, /"6","5","83\.3","86\.8","0","<5","0","<5","<5"$/);
    assert.match(lines.find((l) => l.includes('"roles"')), /"<5","<5","","","0","<5","0","<5","<5"$/);
    assert.ok(!csv.body.includes('Commentaire-Anon'), 'no comment in the CSV');
    const page = await request(f.port, { path: '/evaluations/results', headers: { Cookie: s.cookie } });
    assert.equal(page.status, 200);
    assert.match(page.body, /<th scope="row">La concertation a amélioré la sécurité des victimes\.<\/th>\s*<td>6<\/td>\s*<td>5<\/td>\s*<td>83,3 %<\/td>\s*<td>86,8 %<\/td>/);
    assert.match(page.body, /non affichée \(moins de 5 réponses\)/);
    assert.ok(page.body.includes(COMMENT1) && page.body.includes(COMMENT2));
    // The annual report of the indicators carries the same table, without the comments.
    const year = JSON.parse((await get('coordo', `/api/v1/meetings/${M}`)).body).starts_at.slice(0, 4);
    const report = await request(f.port, { path: `/indicators/report?year=${year}`, headers: { Cookie: s.cookie } });
    assert.equal(report.status, 200);
    assert.match(report.body, /<h2 id="ind-evaluations">Évaluations des intervenantes et intervenants<\/h2>/);
    assert.match(report.body, /<th scope="row">La concertation a amélioré la sécurité des victimes\.<\/th>\s*<td>6<\/td>\s*<td>5<\/td>\s*<td>83,3 %<\/td>\s*<td>86,8 %<\/td>/);
    assert.ok(!report.body.includes(COMMENT1) && !report.body.includes(COMMENT2), 'no comment in the report');
    const sp = await f.browserLogin('refuge');
    assert.equal((await request(f.port, { path: '/evaluations/results.csv', headers: { Cookie: sp.cookie } })).status, 403);
    assert.equal((await request(f.port, { path: '/evaluations/results', headers: { Cookie: sp.cookie } })).status, 403);
    const bad = await request(f.port, { path: '/evaluations/results?from=2026-99', headers: { Cookie: s.cookie } });
    assert.equal(bad.status, 422);
    assert.match(bad.body, /Indiquez la période en mois/);
  });

  it('keeps nothing in the database that links an answer to its author', async () => {
    const cols = (t) => sql(f.db, `SELECT name FROM pragma_table_info('${t}')`).split('\n');
    assert.deepEqual(cols('evaluation_answers'), ['response_id', 'statement', 'value']);
    assert.deepEqual(cols('evaluation_responses'), ['id', 'territory_id', 'month', 'form_id', 'form_version', 'comment_enc']);
    assert.deepEqual(cols('evaluation_done'), ['meeting_id', 'user_id']);
    for (const t of ['evaluation_answers', 'evaluation_responses']) {
      for (const c of cols(t)) assert.doesNotMatch(c, /user|meeting|agency|_at$|time/, `${t}.${c}`);
      assert.match(sql(f.db, `SELECT sql FROM sqlite_master WHERE name = '${t}'`), /WITHOUT ROWID/);
    }
    assert.equal(sql(f.db, 'SELECT count(*) FROM evaluation_done'), '6');
    assert.equal(sql(f.db, 'SELECT count(*) FROM evaluation_responses'), '6');
    assert.equal(sql(f.db, 'SELECT DISTINCT month FROM evaluation_responses'), month);
    // The comment is encrypted, nowhere in clear in the files.
    assert.equal(sql(f.db, "SELECT count(*) FROM evaluation_responses WHERE comment_enc LIKE 'enc1:%'"), '2');
    sql(f.db, 'PRAGMA wal_checkpoint(FULL)');
    for (const file of [f.db, `${f.db}-wal`])
      if (existsSync(file)) assert.ok(!readFileSync(file).includes('Commentaire-Anon'), file);
    // The audit rows of the answers say the same thing for everyone.
    const rows = JSON.parse((await get('audit', '/api/v1/audit?object_type=evaluation')).body).rows
      .filter((x) => x.action === 'create');
    assert.equal(rows.length, 6);
    for (const x of rows) {
      assert.equal(x.object_id, M);
      assert.equal(x.fields, 'answers');
    }
  });

  it('closes 30 days after the meeting', async () => {
    // M2, started an hour ago, the shelter present; ev1 has not answered it.
    const r = await post('coordo', '/api/v1/meetings', { kind: 'clinical', starts_at: iso(f.now() - HOUR),
      invited: [users.refuge.agency_id] });
    M2 = JSON.parse(r.body).id;
    assert.equal((await post('coordo', `/api/v1/meetings/${M2}/attendance`,
      { agency_id: users.refuge.agency_id, undertaking_accepted: true })).status, 201);
    assert.deepEqual(JSON.parse((await get('ev1', '/api/v1/evaluations/pending')).body).pending.map((x) => x.meeting_id), [M2]);
    f.advance(30 * DAY);
    await login();
    assert.deepEqual(JSON.parse((await get('ev1', '/api/v1/evaluations/pending')).body).pending, []);
    const late = await answer('ev1', { answers: { safety: 5 } }, M2);
    assert.equal(late.status, 422);
    assert.equal(JSON.parse(late.body).error.code, 'closed');
    const s = await f.browserLogin('ev1', { password: PASSWORD });
    const page = await request(f.port, { path: '/evaluations', headers: { Cookie: s.cookie } });
    assert.match(page.body, /Aucun questionnaire ne vous attend/);
  });
});

describe('serve and a broken questionnaire', () => {
  it('refuses to start, naming the file, line and reason', () => {
    const share = mkdtempSync(join(tmpdir(), 'filet-share-'));
    for (const d of ['web', 'instruments']) symlinkSync(resolve(d), join(share, d));
    mkdirSync(join(share, 'data'));
    for (const d of ['common-passwords.txt', 'legal-bases.json', 'suggested-actions.json'])
      symlinkSync(resolve('data', d), join(share, 'data', d));
    const good = readFileSync('data/evaluation.json', 'utf8');
    writeFileSync(join(share, 'data', 'evaluation.json'), good.replace('"reference_pct": 87.9', '"reference_pct": 187.9'));
    cli(['keygen', '--out', join(share, 'key')]);
    cli(['init', '--db', join(share, 'db')]);
    const r = cliRaw(['serve', '--db', join(share, 'db'), '--key', join(share, 'key'), '--listen', '127.0.0.1:0',
      '--share-dir', share]);
    assert.equal(r.status, 1);
    const line = good.split('\n').findIndex((l) => l.includes('87.9')) + 1;
    assert.match(r.stderr, new RegExp(`evaluation\\.json:${line}: statement 'practice': reference_pct 187\\.9 is outside 0\\.\\.100`));
    rmSync(share, { recursive: true, force: true });
  });
});
