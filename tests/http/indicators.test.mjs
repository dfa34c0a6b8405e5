// Indicators over HTTP (issue 7): a known dataset is built through the API
// in a territory of its own (referrals, repeats, assessments, triage,
// meetings with attendance, actions, closures), the clock moved with
// f.advance, and every published figure is checked against values
// computed by hand below; then the suppression of small counts in the CSV,
// the page and the report, and who may read them (coordinators and
// auditors of the territory, admins; 403 for everyone else) with no
// personal data anywhere in the answers.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, startFilet, request } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };
const PASSWORD = 'Indicateurs-passe-7QnLx92z';
const HOUR = 3600;
// Personal values of the dataset: none may appear in any answer.
const NAMES = ['Zephyrine', 'Quatrefages', 'Bartholomew', 'Wojciechowska', 'Xanthippe', 'Kowalczyk'];
const ADDRESS = '8123 rue Yggdrasil-Vxq';

describe('indicators', { concurrency: false }, () => {
  let f, T, period, q;
  const tok = {}, ids = {}, creds = {};
  const sit = [];
  const monthOf = [];

  async function login(u) { tok[u] = await f.login(u, creds[u] ? { password: creds[u] } : {}); }
  async function call(u, method, path, body, want) {
    const go = () => request(f.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok[u]}` },
      body: body === undefined ? undefined : JSON.stringify(body) });
    let r = await go();
    if (r.status === 401) { await login(u); r = await go(); }
    if (want && r.status !== want) throw new Error(`${u} ${method} ${path}: ${r.status} ${r.body}`);
    let json = null;
    try { json = r.body && (r.headers['content-type'] || '').includes('json') ? JSON.parse(r.body) : null; } catch { json = null; }
    return { status: r.status, body: json, raw: r.body, headers: r.headers };
  }
  const day = (t) => new Date(t * 1000).toISOString().slice(0, 10);

  before(async () => {
    f = await startFilet();
    for (const u of ['admin', 'coordo', 'audit']) await login(u);
    T = (await call('admin', 'POST', '/api/v1/territories', { name: 'Territoire indicateurs', timezone: 'America/Montreal' }, 201)).body.id;
    const agency = async (name, sector) => (await call('admin', 'POST', '/api/v1/agencies', { name, sector, territory: T }, 201)).body.id;
    ids.shelter = await agency('Maison indicateurs', 'shelter');
    ids.police = await agency('Police indicateurs', 'police');
    ids.health = await agency('CLSC indicateurs', 'health');
    const user = async (username, agency_id, role) => {
      await call('admin', 'POST', '/api/v1/users', { username, display_name: username, agency_id, role, password: PASSWORD }, 201);
      creds[username] = PASSWORD;
      await login(username);
    };
    await user('icoord', ids.shelter, 'coordinator');
    await user('iref', ids.shelter, 'practitioner');
    await user('ipol', ids.police, 'practitioner');
    await user('irep', ids.health, 'representative');
    await user('iaudit', ids.health, 'auditor');
    await call('admin', 'PATCH', `/api/v1/territories/${T}`, { adult_women: 25000, target_urgent_hours: 18 }, 200);

    const t0 = f.now();
    period = { from: day(t0), to: day(t0 + 89 * 86400) };
    q = `territory=${T}&from=${period.from}&to=${period.to}`;

    // Ten referrals at t0: pairs A..E referred once by the shelter (R1..R5),
    // then again (repeats, R6..R10): R6..R8 by the shelter, R9 and R10 by
    // the police. R1, R2 have two children each, R3 one.
    const pair = (k) => [
      { ref: 'v1', role: 'victim', given_name: NAMES[k], family_name: NAMES[(k + 1) % 5], birth_date: `198${k}-03-0${k + 1}`, safe_address: ADDRESS },
      { ref: 'p1', role: 'perpetrator', given_name: NAMES[(k + 2) % 5], family_name: NAMES[(k + 3) % 5], birth_date: `197${k}-05-0${k + 1}` },
    ];
    const kids = [2, 2, 1, 0, 0];
    for (let i = 0; i < 10; i++) {
      const k = i % 5;
      const persons = pair(k);
      if (i < 5) for (let c = 0; c < kids[k]; c++) persons.push({ ref: `c${c + 1}`, role: 'child', given_name: `Enfant ${NAMES[c]}` });
      const by = i < 8 ? 'iref' : 'ipol';
      const r = await call(by, 'POST', '/api/v1/referrals', { summary: `Situation ${NAMES[k]} ${i}`, persons,
        consent: { status: 'given', scope: 'la cellule' } }, 201);
      assert.equal(r.body.repeat_of !== null, i >= 5, `referral ${i} repeat_of`);
      sit.push(r.body.situation_id);
      monthOf.push(day(f.now()).slice(0, 7));
    }

    // Assessments (dash-24-structure, a count of "yes": 14+ high, 10+ medium).
    const dash = (await call('iref', 'GET', '/api/v1/instruments/dash-24-structure', undefined, 200)).body;
    const yes = (n) => Object.fromEntries(dash.items.slice(0, n).map((x) => [x.id, 'yes']));
    const assess = async (u, s, body) => (await call(u, 'POST', `/api/v1/situations/${sit[s]}/assessments`,
      { instrument: 'dash-24-structure', ...body }, 201)).body;
    for (let s = 0; s < 5; s++) await assess('iref', s, { answers: yes(15), ...(s === 1 ? { incidents_12m: 5 } : {}) });
    f.advance(60);
    await assess('iref', 0, { answers: {} }); // R1's latest: standard, no criteria
    await assess('iref', 5, { answers: yes(15) }); // high, visible + repeat
    await assess('iref', 6, { answers: yes(10) }); // medium + repeat
    await assess('iref', 7, { answers: yes(10) }); // medium + repeat
    const j = await assess('ipol', 8, { answers: {}, judgement: { level: 'high', reason: 'Menaces de mort répétées.' } });
    assert.deepEqual(j.criteria.sort(), ['professional_judgement', 'repeat']);
    // R10 is never assessed.

    // Meetings convened at t0: M1 urgent at t0+20h (R1..R5), M2 scheduled at
    // t0+100h (R6, R7 and R1 again), M3 in the future at t0+2000h (R9).
    const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const meeting = async (kind, at, agenda) => {
      const m = (await call('icoord', 'POST', '/api/v1/meetings', { kind, starts_at: iso(at), quorum: 3,
        invited: [ids.shelter, ids.police, ids.health] }, 201)).body.id;
      for (const s of agenda) await call('icoord', 'POST', `/api/v1/meetings/${m}/agenda`, { situation_id: sit[s] }, 201);
      return m;
    };
    // Triage first (the agenda takes triaged situations): R1..R8 two hours
    // apart from t0+2h, so 2, 4, ..., 16 hours after their referral (the
    // minute already spent above counted).
    const routes = ['urgent_cell', 'urgent_cell', 'urgent_cell', 'urgent_cell', 'urgent_cell', 'conference', 'conference', 'not_retained'];
    f.advance(2 * HOUR - 60);
    for (let s = 0; s < 8; s++) {
      if (s) f.advance(2 * HOUR);
      await call('icoord', 'POST', `/api/v1/situations/${sit[s]}/triage`, { route: routes[s], reason: 'Décision de la coordination.' }, 200);
    }
    // Now t0+16h.
    ids.M1 = await meeting('urgent', t0 + 20 * HOUR, [0, 1, 2, 3, 4]);
    ids.M2 = await meeting('scheduled', t0 + 100 * HOUR, [5, 6, 0]);
    ids.M3 = await meeting('scheduled', t0 + 2000 * HOUR, [8]);
    ids.invited = (await call('icoord', 'GET', `/api/v1/meetings/${ids.M1}`, undefined, 200)).body.invited;

    // Actions of R2, created at t0+16h: five first-contact actions owned
    // by the shelter due in 30 days, one protective-order action owned by
    // the police due tomorrow.
    const act = async (phase, owner, due) => (await call('icoord', 'POST', `/api/v1/situations/${sit[1]}/actions`,
      { title: `Action ${NAMES[0]}`, phase, protects: 'v1', owner_agency_id: owner, due_on: due }, 201)).body.id;
    ids.actions = [];
    for (let i = 0; i < 5; i++) ids.actions.push(await act('first_contact_safety', ids.shelter, day(f.now() + 30 * 86400)));
    ids.actions.push(await act('protective_orders', ids.police, day(f.now() + 86400)));

    // M1 at t0+20h: shelter, police and health attend (quorum 3 met).
    f.advance(5 * HOUR);
    for (const a of [ids.shelter, ids.police, ids.health].filter((a) => ids.invited.some((x) => x.agency_id === a)))
      await call('icoord', 'POST', `/api/v1/meetings/${ids.M1}/attendance`, { agency_id: a, undertaking_accepted: true }, 201);
    ids.attendedM1 = ids.invited.length;
    // Four first-contact actions done on time; the fifth in progress.
    for (let i = 0; i < 4; i++) await call('icoord', 'PATCH', `/api/v1/actions/${ids.actions[i]}`, { status: 'done', version: 1 }, 200);
    await call('icoord', 'PATCH', `/api/v1/actions/${ids.actions[4]}`, { status: 'in_progress', version: 1 }, 200);
    // M2 at t0+100h: police attends alone (quorum not met).
    f.advance(80 * HOUR);
    await call('icoord', 'POST', `/api/v1/meetings/${ids.M2}/attendance`, { agency_id: ids.police, undertaking_accepted: true }, 201);
    // The protective-order action done late (due t0+1 day, done t0+101h).
    await call('icoord', 'PATCH', `/api/v1/actions/${ids.actions[5]}`, { status: 'done', version: 1 }, 200);
    // Two closures: R8 (not retained) and R10 (unreachable).
    ids.closedYear = day(f.now()).slice(0, 4);
    for (const [s, reason] of [[7, 'other'], [9, 'unreachable']]) {
      const v = (await call('icoord', 'GET', `/api/v1/situations/${sit[s]}`, undefined, 200)).body.version;
      await call('icoord', 'POST', `/api/v1/situations/${sit[s]}/close`, { reason, version: v, notes: `Notes ${NAMES[3]}` }, 200);
    }
    f.advance(HOUR); // now t0+102h: M1 and M2 held, M3 not yet
    for (const u of Object.keys(tok)) await login(u); // sessions ended while the clock moved
  });
  after(async () => { await f?.stop(); });

  const get = async (u, path) => call(u, 'GET', path);
  const table = (body, id) => body.tables.find((t) => t.id === id);
  const counts = (body, id) => Object.fromEntries(table(body, id).rows.map((r) => [r.key, r.count]));
  const hidden = (body, id) => table(body, id).rows.filter((r) => r.suppressed).map((r) => r.key).sort();

  it('publishes every figure as computed by hand', async () => {
    const r = await get('icoord', `/api/v1/indicators?${q}`);
    assert.equal(r.status, 200, r.raw);
    const b = r.body;
    assert.deepEqual(b.territory, { id: T, name: 'Territoire indicateurs' });
    assert.deepEqual(b.period, { ...period, days: 90 });
    assert.equal(b.min_count, 5);
    assert.deepEqual(counts(b, 'summary'), { referrals: 10, children: 5, open_at_end: 8, meetings_held: 2 });
    const byMonth = {};
    for (const m of monthOf) byMonth[m] = (byMonth[m] || 0) + 1;
    for (const [m, n] of Object.entries(counts(b, 'referrals_by_month'))) assert.equal(n, byMonth[m] || 0, m);
    assert.equal(table(b, 'referrals_by_month').total, 10);
    assert.deepEqual(counts(b, 'referrals_by_sector'), { police: 2, shelter: 8 });
    assert.deepEqual(counts(b, 'referrals_by_agency'), { [ids.shelter]: 8, [ids.police]: 2 });
    assert.deepEqual(table(b, 'referrals_by_agency').rows.map((x) => x.name).sort(), ['Maison indicateurs', 'Police indicateurs']);
    assert.deepEqual(counts(b, 'referrals_by_territory'), { [T]: 10 });
    assert.deepEqual(table(b, 'referrals_by_territory').rows.map((x) => x.name), ['Territoire indicateurs']);
    assert.deepEqual(counts(b, 'repeat'), { first: 5, repeat: 5 });
    assert.deepEqual(b.figures.repeat_rate, { percent: 50, suppressed: false });
    assert.deepEqual(counts(b, 'risk_levels'), { not_assessed: 1, standard: 1, medium: 2, high: 6 });
    assert.deepEqual(counts(b, 'risk_criteria'), { visible_high_risk: 5, professional_judgement: 1,
      potential_escalation: 1, repeat: 4, critical_item: 0 });
    assert.deepEqual(counts(b, 'triage_routes'), { not_triaged: 2, urgent_cell: 5, conference: 2,
      clinical_concertation: 0, single_agency: 0, not_retained: 1 });
    // Referral to triage: 2, 4, ..., 16 hours. Nearest rank: median = 4th = 8 h, P90 = 8th = 16 h.
    assert.deepEqual(b.figures.referral_to_triage, { n: 8, median_hours: 8, p90_hours: 16, suppressed: false });
    // Referral to first meeting held: R1..R5 20 h (M1), R6, R7 100 h (M2);
    // sorted 20,20,20,20,20,100,100: median = 4th = 20 h, P90 = 7th = 100 h.
    assert.deepEqual(b.figures.referral_to_first_meeting, { n: 7, median_hours: 20, p90_hours: 100, suppressed: false });
    // Targets: urgent 18 h (set above), so R1..R5 beyond; conference 720 h, R6, R7 within.
    assert.deepEqual(counts(b, 'first_meeting_target'), { within: 2, beyond: 5 });
    assert.deepEqual(b.figures.first_meeting_within_target_rate, { percent: null, suppressed: true });
    assert.deepEqual(b.figures.target_hours, { urgent_cell: 18, conference: 720, clinical_concertation: 720 });
    // 10 referrals for 25,000 adult women: 4.0 per 10,000 in 90 days, 4.0 x 365 / 90 = 16.2 a year.
    assert.deepEqual(b.figures.per_10000_adult_women, { adult_women: 25000, period: 4, annualised: 16.2, uk_norm: 40, suppressed: false });
    assert.deepEqual(counts(b, 'quorum'), { met: 1, not_met: 1 });
    assert.deepEqual(b.figures.quorum_rate, { percent: null, suppressed: true });
    const inv = {};
    for (const x of ids.invited) inv[x.sector] = (inv[x.sector] || 0) + 2;
    assert.deepEqual(counts(b, 'invitations_by_sector'), inv);
    const att = {};
    for (const x of ids.invited) att[x.sector] = 1;
    att.police = 2;
    assert.deepEqual(counts(b, 'attendance_by_sector'), att);
    assert.equal(table(b, 'attendance_by_sector').total, ids.attendedM1 + 1);
    assert.deepEqual(counts(b, 'actions_by_phase'), { first_contact_safety: 5, risk_assessment_safety_plan: 0,
      protective_orders: 1, child_protection: 0, perpetrator_monitoring: 0, relocation: 0, long_term_recovery: 0 });
    assert.deepEqual(counts(b, 'actions_by_owner_sector'), { police: 1, shelter: 5 });
    assert.deepEqual(counts(b, 'actions_by_status'), { planned: 0, in_progress: 1, done: 5, cancelled: 0, blocked: 0 });
    assert.deepEqual(counts(b, 'actions_done'), { on_time: 4, late: 1, no_due_date: 0 });
    assert.deepEqual(b.figures.actions_on_time_rate, { percent: null, suppressed: true });
    assert.deepEqual(counts(b, 'closures_by_reason'), { risk_reduced: 0, relocated: 0, unreachable: 1,
      moved_out_of_territory: 0, other: 1 });
  });

  it('says which cells are suppressed: small counts, a second cell where a total would give one away, derived figures', async () => {
    const b = (await get('icoord', `/api/v1/indicators?${q}`)).body;
    // police 2 is small; shelter 8 goes too, or 10 - 8 would give it.
    assert.deepEqual(hidden(b, 'referrals_by_sector'), ['police', 'shelter']);
    assert.equal(table(b, 'referrals_by_sector').total_suppressed, false);
    assert.deepEqual(hidden(b, 'referrals_by_agency'), [ids.police, ids.shelter].sort());
    assert.deepEqual(hidden(b, 'repeat'), []);
    assert.deepEqual(hidden(b, 'risk_levels'), ['medium', 'not_assessed', 'standard']);
    assert.deepEqual(hidden(b, 'risk_criteria'), ['potential_escalation', 'professional_judgement', 'repeat']);
    assert.deepEqual(hidden(b, 'first_meeting_target'), ['beyond', 'within']);
    assert.deepEqual(hidden(b, 'quorum'), ['met', 'not_met']);
    assert.equal(table(b, 'quorum').total_suppressed, true);
    assert.deepEqual(hidden(b, 'actions_done'), ['late', 'on_time']);
    assert.deepEqual(hidden(b, 'summary'), ['meetings_held']);
  });

  it('exports every table as CSV with small counts shown as <5', async () => {
    const csv = async (id) => {
      const r = await get('iaudit', `/indicators/${id}.csv?${q}`);
      assert.equal(r.status, 200, `${id}: ${r.raw}`);
      assert.match(r.headers['content-type'], /^text\/csv/);
      assert.match(r.headers['content-disposition'], new RegExp(`filet-${id}-${period.from}-${period.to}\\.csv`));
      return Object.fromEntries(r.raw.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1)
        .map((l) => l.split('","')).map((c) => [c[0].slice(1), c[2].slice(0, -1)]));
    };
    assert.deepEqual(await csv('referrals_by_sector'), { police: '<5', shelter: '<5', total: '10' });
    assert.deepEqual(await csv('referrals_by_agency'), { [ids.shelter]: '<5', [ids.police]: '<5', total: '10' });
    assert.deepEqual(await csv('repeat'), { first: '5', repeat: '5', total: '10' });
    assert.deepEqual(await csv('risk_levels'), { not_assessed: '<5', standard: '<5', medium: '<5', high: '6', total: '10' });
    assert.deepEqual(await csv('quorum'), { met: '<5', not_met: '<5', total: '<5' });
    assert.deepEqual(await csv('actions_done'), { on_time: '<5', late: '<5', no_due_date: '0', total: '5' });
    assert.deepEqual(await csv('summary'), { referrals: '10', children: '5', open_at_end: '8', meetings_held: '<5' });
    const b = (await get('icoord', `/api/v1/indicators?${q}`)).body;
    for (const t of b.tables) {
      const rows = await csv(t.id);
      for (const row of t.rows) {
        if (row.suppressed) assert.equal(rows[row.key], '<5', `${t.id}.${row.key}`);
        else assert.equal(rows[row.key], String(row.count), `${t.id}.${row.key}`);
      }
      for (const v of Object.values(rows)) assert.ok(!/^[1-4]$/.test(v), `${t.id}: a small count published`);
    }
    // The key figures as shown (French: decimal comma), derived figures from small counts hidden.
    const hiddenText = 'masqué (petits nombres)';
    assert.deepEqual(await csv('key_figures'), {
      referrals: '10', repeat_rate_percent: '50,0\u00a0%', per_10000_adult_women_year: '16,2',
      referral_to_triage_median: '8,0 h', referral_to_triage_p90: '16,0 h',
      referral_to_first_meeting_median: '20,0 h', referral_to_first_meeting_p90: '100,0 h',
      first_meeting_within_target_percent: hiddenText, quorum_met_percent: hiddenText,
      actions_on_time_percent: hiddenText, children: '5', open_at_end: '8' });
    assert.equal((await get('iaudit', `/indicators/nothing.csv?${q}`)).status, 404);
  });

  it('shows the page and the report with the figures as text and small counts suppressed', async () => {
    for (const path of [`/indicators?${q}`, `/indicators/report?${q}`]) {
      const r = await get('icoord', path);
      assert.equal(r.status, 200, r.raw);
      assert.match(r.raw, /Territoire indicateurs/);
      assert.match(r.raw, /<svg [^>]*role="img"/);
      assert.match(r.raw, /&lt;5/);
      assert.match(r.raw, /16[.,]2/); // per 10,000 a year
      assert.match(r.raw, /50,0\u00a0%/); // repeat rate, French typography
      assert.ok(!/>\s*[1-4]\s*</.test(r.raw.replace(/<option[^>]*>[^<]*<\/option>/g, '').replace(/<time[^>]*>[^<]*<\/time>/g, '')
        .replace(/<svg[\s\S]*?<\/svg>/g, (s) => s.replace(/<text[^>]*font-size="11"[^>]*>[^<]*<\/text>/g, ''))),
      `${path}: a small count shown`);
    }
  });

  it('lets the coordinators and auditors of the territory in, and an admin any territory or all; 403 for the rest', async () => {
    for (const u of ['icoord', 'iaudit', 'admin']) assert.equal((await get(u, `/api/v1/indicators?${q}`)).status, 200, u);
    for (const u of ['iref', 'ipol', 'irep', 'coordo', 'audit']) {
      for (const path of [`/api/v1/indicators?${q}`, `/indicators?${q}`, `/indicators/summary.csv?${q}`, `/indicators/report?${q}`])
        assert.equal((await get(u, path)).status, 403, `${u} ${path}`);
    }
    assert.equal((await get('icoord', `/api/v1/indicators?territory=all&from=${period.from}&to=${period.to}`)).status, 403);
    const all = await get('admin', `/api/v1/indicators?territory=all&from=${period.from}&to=${period.to}`);
    assert.equal(all.status, 200);
    assert.equal(all.body.territory, null);
    assert.ok(counts(all.body, 'summary').referrals >= 10);
    // All territories: each by name, this one with its 10 referrals.
    const byTerritory = table(all.body, 'referrals_by_territory');
    assert.equal(byTerritory.rows.find((x) => x.key === T).count, 10);
    assert.equal(byTerritory.rows.find((x) => x.key === T).name, 'Territoire indicateurs');
    assert.equal(byTerritory.total, counts(all.body, 'summary').referrals);
    // One's own territory by default, the current year by default.
    const own = await get('icoord', '/api/v1/indicators');
    assert.equal(own.body.territory.id, T);
    assert.equal(own.body.period.from.slice(5), '01-01');
    assert.equal((await get('icoord', `/api/v1/indicators?territory=${T}&year=20x6`)).status, 400);
    assert.equal((await get('icoord', `/api/v1/indicators?territory=${T}&from=2026-02-30&to=2026-03-01`)).status, 400);
    assert.equal((await get('icoord', `/api/v1/indicators?territory=${T}&from=2026-03-01&to=2026-02-01`)).status, 400);
    assert.equal((await get('admin', '/api/v1/indicators?territory=aaaaaaaaaaaaaaaaaaaaaaaaaa')).status, 404);
  });

  it('records every reading and export in the audit trail', async () => {
    const rows = (await get('audit', '/api/v1/audit?object_type=indicators')).body.rows;
    assert.ok(rows.some((x) => x.action === 'read' && x.object_id === T));
    assert.ok(rows.some((x) => x.action === 'export' && x.object_id === T && /report/.test(x.fields)));
    assert.ok(rows.some((x) => x.action === 'export' && /summary/.test(x.fields)));
  });

  it('shows no personal data: no name, no address, no summary', async () => {
    const answers = [
      (await get('icoord', `/api/v1/indicators?${q}`)).raw,
      (await get('icoord', `/indicators?${q}`)).raw,
      (await get('icoord', `/indicators/report?${q}`)).raw,
    ];
    const b = JSON.parse(answers[0]);
    for (const t of b.tables) answers.push((await get('icoord', `/indicators/${t.id}.csv?${q}`)).raw);
    for (const a of answers) {
      for (const secret of [...NAMES, ADDRESS, 'Menaces de mort', 'Situation ', 'Enfant ', 'Notes '])
        assert.ok(!a.includes(secret), `"${secret}" in an answer`);
      for (const s of sit) assert.ok(!a.includes(s), 'a situation id in an answer');
    }
  });

  it('takes the adult female population as a territory setting (admin), a whole number', async () => {
    for (const bad of [0, -5, 1.5, 'beaucoup', 100000001])
      assert.equal((await call('admin', 'PATCH', `/api/v1/territories/${T}`, { adult_women: bad })).status, 422, String(bad));
    assert.equal((await call('icoord', 'PATCH', `/api/v1/territories/${T}`, { adult_women: 30000 })).status, 403);
    const ok = await call('admin', 'PATCH', `/api/v1/territories/${T}`, { adult_women: 20000 });
    assert.equal(ok.status, 200, ok.raw);
    assert.equal(ok.body.adult_women, 20000);
    // 10 referrals for 20,000: 5.0 in the period, 5.0 x 365 / 90 = 20.3 a year.
    const b = (await get('icoord', `/api/v1/indicators?${q}`)).body;
    assert.deepEqual(b.figures.per_10000_adult_women, { adult_women: 20000, period: 5, annualised: 20.3, uk_norm: 40, suppressed: false });
    const terr = (await call('admin', 'GET', '/api/v1/territories')).body.territories;
    assert.ok(terr.length >= 2);
  });

  it('still counts the closures of situations retention deleted, in whole months', async () => {
    const yearQ = `territory=${T}&year=${ids.closedYear}`;
    const before = counts((await get('icoord', `/api/v1/indicators?${yearQ}`)).body, 'closures_by_reason');
    assert.equal(before.unreachable, 1);
    assert.equal(before.other, 1);
    f.advance(61 * 31 * 86400);
    const res = JSON.parse(execFileSync(BIN, ['retention', 'run', '--db', f.db, '--key', f.key, '--json'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FILET_TEST_CLOCK_FILE: join(f.dir, 'clock') } }));
    assert.deepEqual(res.situations.map((x) => x.id).sort(), [sit[7], sit[9]].sort(), JSON.stringify(res));
    const after = (await get('icoord', `/api/v1/indicators?${yearQ}`)).body;
    assert.deepEqual(counts(after, 'closures_by_reason'), before);
    assert.equal(counts(after, 'summary').referrals, 8, 'the deleted situations are no longer referrals');
  });
});
