// The situation pages over HTTP with a browser's cookie session: the
// referral form (a refused form comes back 422 with every problem listed
// and everything typed kept; a good one is 303 to the situation and the
// draft is gone), the situation page, the one-screen assessment (compute
// without saving, save, professional judgement), the coordinator's triage
// (stale version 409 keeps the reason) and queue, and who sees what: 404
// for non-participants, 403 for the queue, lists that hold only what the
// policy shows, and a victim's safe address on no page that should hide it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request } from '../lib/filet.mjs';

const ADDRESS = '12 rue des Érables, Trois-Rivières';
const PHONE = '819-555-0101';

// Jeanne's story as the form sends it.
function jeanneForm(extra = {}) {
  return {
    summary: 'Menacée au couteau devant ses deux enfants; arme à feu au domicile.',
    p0_given_name: 'Jeanne', p0_family_name: 'Lavoie', p0_birth_date: '1993-05-02',
    p0_safe_address: ADDRESS, p0_safe_phone: PHONE,
    p1_given_name: 'Jean', p1_family_name: 'Roy', p1_birth_date: '1990-01-10',
    p2_given_name: 'Léa', p2_family_name: 'Roy', p2_birth_date: '2019-06-01', p2_child_of_perpetrator: '1',
    p3_given_name: 'Noah', p3_family_name: 'Lavoie', p3_birth_date: '2016-02-11', p3_stepchild: '1',
    consent_status: 'given', consent_scope: 'la cellule', consent_conditions: 'pas à la police', excluded_police: '1',
    incidents_12m: '2', ur_separation: '1',
    ...extra,
  };
}

const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('situation pages', () => {
  let f;
  const s = {};
  const get = (u, path) => request(f.port, { path, headers: { Cookie: s[u].cookie } });
  const post = (u, path, fields, { csrf = true } = {}) => request(f.port, {
    method: 'POST', path,
    body: new URLSearchParams({ ...(csrf ? { csrf: s[u].csrf } : {}), ...fields }).toString(),
    headers: { Cookie: s[u].cookie, Origin: f.base, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  let sid; // Jeanne's situation, referred by the shelter

  before(async () => {
    f = await startFilet();
    for (const u of ['refuge', 'coordo', 'police', 'cavac', 'admin', 'audit', 'programme']) s[u] = await f.browserLogin(u);
  });
  after(async () => { await f.stop(); });

  it('shows the referral form to the cell roles only', async () => {
    const r = await get('refuge', '/referrals/new');
    assert.equal(r.status, 200);
    assert.match(r.body, /<form method="post" action="\/referrals" data-autosave="referral-new"/);
    assert.match(r.body, /name="csrf" value="[^"]+"/);
    for (const id of ['summary', 'p0_safe_address', 'p1_given_name', 'perpetrator_unknown', 'p2_child_of_perpetrator',
      'p2_stepchild', 'p6_unborn', 'p6_due_date', 'p7_role', 'consent_status-not_sought', 'excluded_police',
      'excluded_probation', 'excluded_perpetrator_programme', 'legal_basis-safety_exception', 'justification',
      'incidents_12m', 'cx_mental_health', 'ur_imminent_threat'])
      assert.match(r.body, new RegExp(`id="${id}"`), id);
    assert.match(r.body, /59\.1/, 'the safety exception cites A-2.1 s. 59.1');
    assert.match(r.body, /art\. 39/, 'the duty to report cites LPJ s. 39');
    assert.equal((await get('admin', '/referrals/new')).status, 403);
    assert.equal((await get('audit', '/referrals/new')).status, 403);
    assert.equal((await post('admin', '/referrals', jeanneForm())).status, 403);
  });

  it('refuses a form with problems, lists them, and keeps everything typed', async () => {
    const typed = jeanneForm({
      summary: '', p0_given_name: '', p0_family_name: '', p1_given_name: '', p1_family_name: '', p1_birth_date: '',
      consent_status: 'refused', legal_basis: 'safety_exception', justification: '',
      p3_birth_date: '2999-01-01', p7_given_name: 'Sylvie', p7_role: '', excluded_probation: '1',
      cx_addiction: '1', ur_court_date: '1', incidents_12m: '4',
    });
    const r = await post('refuge', '/referrals', typed);
    assert.equal(r.status, 422);
    const summary = /<div class="error-summary" role="alert"[\s\S]*?<\/div>/.exec(r.body);
    assert.ok(summary, 'an error summary at the top');
    for (const href of ['#summary', '#p0_given_name', '#p1_given_name', '#justification', '#p3_birth_date', '#p7_role'])
      assert.match(summary[0], new RegExp(`href="${href}"`), href);
    // Each message sits next to its field and is tied to it.
    assert.match(r.body, /<textarea id="summary" name="summary" rows="6" aria-describedby="summary-help summary-error" aria-invalid="true">/);
    assert.match(r.body, /id="summary-error"/);
    assert.match(r.body, /id="p3_birth_date"[^>]*aria-describedby="p3_birth_date-error"[^>]*aria-invalid="true"/);
    assert.match(r.body, /id="p1_given_name-error"[^>]*>[^<]*(inconnue|unknown)/);
    // Nothing lost.
    assert.match(r.body, new RegExp(`id="p0_safe_address" name="p0_safe_address" type="text" value="${ADDRESS}"`));
    assert.match(r.body, /id="p2_given_name" name="p2_given_name" type="text" value="Léa"/);
    assert.match(r.body, /id="p3_birth_date" name="p3_birth_date" type="date" value="2999-01-01"/);
    assert.match(r.body, /id="p7_given_name" name="p7_given_name" type="text" value="Sylvie"/);
    assert.match(r.body, /id="p2_child_of_perpetrator" name="p2_child_of_perpetrator" value="1" checked/);
    assert.match(r.body, /id="consent_status-refused" name="consent_status" value="refused" checked/);
    assert.match(r.body, /id="legal_basis-safety_exception" name="legal_basis" value="safety_exception"[^>]* checked/);
    assert.match(r.body, /id="excluded_police" name="excluded_police" value="1" checked/);
    assert.match(r.body, /id="excluded_probation" name="excluded_probation" value="1" checked/);
    assert.doesNotMatch(r.body, /id="excluded_justice" name="excluded_justice" value="1" checked/);
    assert.match(r.body, /id="cx_addiction" name="cx_addiction" value="1" checked/);
    assert.match(r.body, /id="ur_court_date" name="ur_court_date" value="1" checked/);
    assert.match(r.body, /id="ur_separation" name="ur_separation" value="1" checked/);
    assert.match(r.body, /name="incidents_12m" type="number"[^>]* value="4"/);
    assert.match(r.body, /name="consent_conditions" value="pas à la police"/);
  });

  it('creates the situation, deletes the draft and shows the situation', async () => {
    const token = await f.login('refuge');
    const bearer = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    assert.equal((await request(f.port, { method: 'PUT', path: '/api/v1/drafts/referral-new', headers: bearer,
      body: JSON.stringify({ summary: 'brouillon' }) })).status, 200);
    const r = await post('refuge', '/referrals', jeanneForm());
    assert.equal(r.status, 303, r.body);
    const m = /^\/situations\/([a-z2-7]{26})\?sent=1$/.exec(r.headers.location);
    assert.ok(m, r.headers.location);
    sid = m[1];
    assert.equal(JSON.parse((await request(f.port, { path: '/api/v1/drafts/referral-new', headers: bearer })).body).fields, null, 'draft deleted');
    const page = await get('refuge', r.headers.location);
    assert.equal(page.status, 200);
    const t = text(page.body);
    assert.match(page.body, /role="status"/);
    for (const want of ['Jeanne Lavoie', 'Jean Roy', 'Léa Roy', 'Noah Lavoie', ADDRESS, PHONE, 'Menacée au couteau', 'pas à la police'])
      assert.ok(t.includes(want), want);
    assert.match(t, /2 mai 1993/, 'dates are readable');
    assert.match(t, /Police/, 'the excluded sector is named');
    assert.match(page.body, new RegExp(`href="/situations/${sid}/assess"`));
    assert.doesNotMatch(page.body, /action="\/situations\/[^"]+\/triage"/, 'no triage form for a practitioner');
  });

  it('tells the referrer that a person is already known to the cell, and nothing more', async () => {
    const r = await post('refuge', '/referrals', jeanneForm({ summary: 'Nouvel incident', p1_given_name: 'Marc', p1_family_name: 'Côté', p1_birth_date: '1985-03-03' }));
    assert.equal(r.status, 303);
    assert.match(r.headers.location, /known=1/);
    const page = await get('refuge', r.headers.location);
    assert.match(text(page.body), /déjà connue de la cellule : la coordination en a été avisée/);
    assert.ok(!page.body.includes(sid), 'the other situation is not named');
  });

  it('answers 404 to agencies that do not take part, on every page of the situation', async () => {
    for (const u of ['police', 'cavac', 'programme']) {
      assert.equal((await get(u, `/situations/${sid}`)).status, 404, u);
      assert.equal((await get(u, `/situations/${sid}/assess`)).status, 404, u);
      assert.equal((await get(u, `/situations/${sid}/assess?instrument=dash-24-structure`)).status, 404, u);
      assert.equal((await post(u, `/situations/${sid}/assess`, { instrument: 'dash-24-structure', instrument_version: '1', a_injury: 'yes', action: 'save' })).status, 404, u);
      assert.equal((await post(u, `/situations/${sid}/triage`, { route: 'urgent_cell', reason: 'x', version: '1' })).status, 404, u);
    }
    assert.equal((await get('police', '/situations/aaaaaaaaaaaaaaaaaaaaaaaaaa')).status, 404);
    // Admin and auditor see no situation content either.
    assert.equal((await get('admin', `/situations/${sid}`)).status, 404);
    assert.equal((await get('audit', `/situations/${sid}`)).status, 404);
  });

  it('lists only the situations the policy shows', async () => {
    const mine = await get('refuge', '/situations');
    assert.equal(mine.status, 200);
    assert.ok(mine.body.includes(`/situations/${sid}`));
    assert.match(mine.body, /href="\/referrals\/new"/);
    const coord = await get('coordo', '/situations');
    assert.ok(coord.body.includes(`/situations/${sid}`));
    const police = await get('police', '/situations');
    assert.equal(police.status, 200);
    assert.doesNotMatch(police.body, /href="\/situations\/[a-z2-7]{26}"/, 'no situation of others');
    for (const u of ['admin', 'audit']) {
      const r = await get(u, '/situations');
      assert.equal(r.status, 200);
      assert.doesNotMatch(r.body, /href="\/situations\/[a-z2-7]{26}"/);
      assert.match(text(r.body), /ne voient le contenu d’aucune situation/);
      assert.doesNotMatch(r.body, /href="\/referrals\/new"/);
    }
  });

  it('computes an assessment without saving, then saves it and shows its level', async () => {
    const choose = await get('refuge', `/situations/${sid}/assess`);
    assert.equal(choose.status, 200);
    assert.match(choose.body, new RegExp(`href="/situations/${sid}/assess\\?instrument=dash-24-structure"`));
    const page = await get('refuge', `/situations/${sid}/assess?instrument=dash-24-structure`);
    assert.equal(page.status, 200);
    assert.equal((page.body.match(/<fieldset class="item/g) || []).length, 24);
    assert.match(page.body, /data-levels="\[\{&quot;id&quot;:&quot;standard&quot;/);
    assert.equal((await get('refuge', `/situations/${sid}/assess?instrument=nope`)).status, 404);
    const answers = {};
    for (const id of ['injury', 'fear', 'isolation', 'depression', 'separation', 'child_contact_conflict', 'stalking',
      'escalation_frequency', 'escalation_severity', 'strangulation', 'weapons', 'threats_to_kill', 'control_jealousy', 'breach_of_orders'])
      answers[`a_${id}`] = 'yes';
    answers.a_pregnancy = 'no';
    answers.a_animal_cruelty = 'unknown';
    const base = { instrument: 'dash-24-structure', instrument_version: '1', ...answers };
    const computed = await post('refuge', `/situations/${sid}/assess`, { ...base, action: 'compute' });
    assert.equal(computed.status, 200);
    const result = /<section class="result"[\s\S]*?<\/section>/.exec(computed.body);
    assert.ok(result, 'the server shows its result');
    assert.match(result[0], /risk risk-high/);
    assert.match(text(result[0]), /Score : 14/);
    assert.match(computed.body, /id="a_injury-yes" name="a_injury" value="yes" data-weight="1" checked/, 'answers kept');
    assert.match(computed.body, /id="a_pregnancy-no" name="a_pregnancy" value="no" checked/);
    assert.match(computed.body, /id="a_animal_cruelty-unknown" name="a_animal_cruelty" value="unknown" checked/);
    const before = JSON.parse((await request(f.port, { path: `/api/v1/situations/${sid}`, headers: { Authorization: `Bearer ${await f.login('refuge')}` } })).body);
    assert.equal(before.assessments.length, 0, 'compute saves nothing');

    // A judgement without its reason is refused, answers kept.
    const refused = await post('refuge', `/situations/${sid}/assess`, { ...base, judgement_level: 'medium', action: 'save' });
    assert.equal(refused.status, 422);
    assert.match(refused.body, /role="alert"/);
    assert.match(refused.body, /href="#judgement_reason"/);
    assert.match(refused.body, /id="a_weapons-yes" name="a_weapons" value="yes" data-weight="1" checked/);
    assert.match(refused.body, /<option value="medium" selected>/);

    const saved = await post('refuge', `/situations/${sid}/assess`, { ...base, action: 'save' });
    assert.equal(saved.status, 303);
    assert.match(saved.headers.location, new RegExp(`^/situations/${sid}\\?assessed=[a-z2-7]{26}$`));
    const sit = await get('refuge', saved.headers.location);
    assert.match(text(sit.body), /Évaluation enregistrée\. Niveau : Élevé\./);
    assert.match(sit.body, /<span class="risk risk-high">Élevé<\/span>/);
    assert.match(text(sit.body), /Risque élevé visible/);
  });

  it('shows the triage queue to coordinators only, with the suggested route and the rule', async () => {
    for (const u of ['refuge', 'police', 'admin', 'audit'])
      assert.equal((await get(u, '/triage')).status, 403, u);
    const q = await get('coordo', '/triage');
    assert.equal(q.status, 200);
    assert.ok(q.body.includes(`href="/situations/${sid}"`));
    const t = text(q.body);
    assert.match(t, /Orientation suggérée : Cellule d’intervention rapide/);
    assert.match(t, /En attente depuis \d+ min/);
    assert.doesNotMatch(q.body, new RegExp(ADDRESS), 'no contact detail in the queue');
  });

  it('records the triage; a stale version is 409 and keeps the reason; no reason is 422', async () => {
    const page = await get('coordo', `/situations/${sid}`);
    assert.match(page.body, /class="tag">suggérée/);
    const version = /name="version" value="(\d+)"/.exec(page.body)[1];
    const stale = await post('coordo', `/situations/${sid}/triage`, { route: 'conference', reason: 'Arme à feu, séparation récente', version: '1' });
    assert.equal(stale.status, 409);
    assert.match(stale.body, /id="triage-error"/);
    assert.match(stale.body, /<textarea id="triage-reason" name="reason" rows="3">Arme à feu, séparation récente<\/textarea>/);
    assert.match(stale.body, /id="route-conference" name="route" value="conference"[^>]* checked/);
    const noReason = await post('coordo', `/situations/${sid}/triage`, { route: 'urgent_cell', reason: '', version });
    assert.equal(noReason.status, 422);
    assert.equal((await post('refuge', `/situations/${sid}/triage`, { route: 'urgent_cell', reason: 'x', version })).status, 403);
    assert.equal((await post('coordo', `/situations/${sid}/triage`, { route: 'urgent_cell', reason: 'x', version }, { csrf: false })).status, 403, 'CSRF');
    const ok = await post('coordo', `/situations/${sid}/triage`, { route: 'urgent_cell', reason: 'Arme à feu, séparation récente', version });
    assert.equal(ok.status, 303);
    const after = text((await get('coordo', ok.headers.location)).body);
    assert.match(after, /La décision de triage a été enregistrée/);
    assert.match(after, /Orientation : Cellule d’intervention rapide/);
    assert.doesNotMatch((await get('coordo', '/triage')).body, new RegExp(`href="/situations/${sid}"`), 'no longer waiting');
  });

  it('a lower level by judgement waits for the coordinator, who approves it on the page', async () => {
    const lowered = await post('refuge', `/situations/${sid}/assess`, { instrument: 'dash-24-structure', instrument_version: '1',
      a_injury: 'yes', a_fear: 'yes', a_isolation: 'yes', a_depression: 'yes', a_separation: 'yes', a_stalking: 'yes',
      a_strangulation: 'yes', a_weapons: 'yes', a_threats_to_kill: 'yes', a_control_jealousy: 'yes',
      judgement_level: 'standard', judgement_reason: 'Agresseur incarcéré pour deux ans.', action: 'save' });
    assert.equal(lowered.status, 303);
    const mine = await get('refuge', `/situations/${sid}`);
    assert.match(text(mine.body), /attend l’approbation de la coordination/);
    assert.doesNotMatch(mine.body, /\/approve"/, 'only the coordinator approves');
    const coord = await get('coordo', `/situations/${sid}`);
    const action = /action="(\/situations\/[a-z2-7]{26}\/assessments\/[a-z2-7]{26}\/approve)"/.exec(coord.body);
    assert.ok(action, 'approve button for the coordinator');
    assert.equal((await post('refuge', action[1], {})).status, 403);
    const ok = await post('coordo', action[1], {});
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.location, `/situations/${sid}?approved=1`);
    assert.match(text((await get('coordo', ok.headers.location)).body), /Le niveau inférieur a été approuvé/);
  });

  it('never shows the safe address to those who may not see it', async (t) => {
    // The coordinator and the referring shelter see it.
    assert.ok((await get('coordo', `/situations/${sid}`)).body.includes(ADDRESS));
    assert.ok((await get('refuge', `/situations/${sid}`)).body.includes(ADDRESS));
    // No list or queue carries it.
    for (const [u, p] of [['refuge', '/situations'], ['coordo', '/situations'], ['coordo', '/triage'], ['police', '/situations']])
      assert.ok(!(await get(u, p)).body.includes(ADDRESS), `${u} ${p}`);
    // Another participant (CAVAC, once the coordinator adds it) sees the
    // situation but only that the address exists.
    const token = await f.login('coordo');
    const agencies = JSON.parse((await request(f.port, { path: '/api/v1/agencies', headers: { Authorization: `Bearer ${token}` } })).body).agencies;
    const cavac = agencies.find((a) => /CAVAC/.test(a.name));
    const add = await request(f.port, { method: 'POST', path: `/api/v1/situations/${sid}/participants`,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ agency_id: cavac.id, basis: 'consent' }) });
    if (add.status >= 300) { t.skip(`participants cannot be added yet (${add.status})`); return; }
    const page = await get('cavac', `/situations/${sid}`);
    assert.equal(page.status, 200);
    assert.ok(!page.body.includes(ADDRESS), 'address hidden from another participant');
    assert.ok(!page.body.includes(PHONE), 'phone hidden from another participant');
    assert.match(text(page.body), /restreint — demandez à la coordination/);
  });
});
