// Need-to-know sharing on the pages, with a browser's cookie session: the
// situation page's "information by agency" (restricted items say whom to
// ask, never their value), the form to share or to record a decision not
// to share (a refused form comes back 422 with what was typed), the
// coordinator's forms (add an agency, exclude a user, who reads the
// contact details, close - all refused to a practitioner), and the
// disclosure register page for coordinators and auditors only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request } from '../lib/filet.mjs';

const J = { 'Content-Type': 'application/json' };
const ITEM = 'PAGE-ITEM Trois appels au 911 depuis janvier';
const SENSITIVE = 'SENSITIVE-PAGE-ITEM Suivi au CLSC de Shawinigan';
const ADDRESS = 'SECRET-ADDRESS 9 rue des Ormes';
const EXCL_REASON = 'EXCL-REASON beau-frere de la personne violente';
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('sharing pages', () => {
  let f, S, victim;
  const s = {}, tok = {}, users = {}, agencies = {};
  const get = (u, path) => request(f.port, { path, headers: { Cookie: s[u].cookie } });
  const post = (u, path, fields) => request(f.port, {
    method: 'POST', path,
    body: (fields instanceof URLSearchParams ? fields : new URLSearchParams(fields)).toString() + `&csrf=${encodeURIComponent(s[u].csrf)}`,
    headers: { Cookie: s[u].cookie, Origin: f.base, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  const api = (u, method, path, body) => request(f.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok[u]}` },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const page = async (u) => (await get(u, `/situations/${S}`));

  before(async () => {
    f = await startFilet();
    for (const u of ['refuge', 'coordo', 'police', 'dpj', 'cavac', 'audit', 'admin']) {
      s[u] = await f.browserLogin(u);
      tok[u] = await f.login(u);
    }
    for (const u of JSON.parse((await api('admin', 'GET', '/api/v1/users')).body).users) users[u.username] = u;
    for (const a of JSON.parse((await api('admin', 'GET', '/api/v1/agencies')).body).agencies) agencies[a.id] = a.name;
    const r = await api('refuge', 'POST', '/api/v1/referrals', {
      summary: 'Menaces de mort; elle demande que la police ne soit pas informée.',
      persons: [
        { ref: 'v1', role: 'victim', given_name: 'Mireille', family_name: 'Gagnon', safe_address: ADDRESS },
        { ref: 'p1', role: 'perpetrator', given_name: 'Yves', family_name: 'Gagnon' }],
      consent: { status: 'given', scope: 'la cellule', conditions: 'pas à la police', excluded_sectors: ['police'] },
      relationships: [{ from: 'p1', to: 'v1', kind: 'ex_partner' }],
    });
    assert.equal(r.status, 201, r.body);
    S = JSON.parse(r.body).situation_id;
    victim = JSON.parse((await api('refuge', 'GET', `/api/v1/situations/${S}`)).body).persons.find((p) => p.role === 'victim').id;
    // dpj takes part from the start (through the API).
    assert.equal((await api('coordo', 'POST', `/api/v1/situations/${S}/participants`, { agency_id: users.dpj.agency_id,
      basis: 'safety_exception', justification: 'Enfants exposés.' })).status, 201);
  });
  after(async () => { await f.stop(); });

  it('offers the referrer a form to share, with every legal basis explained and its law cited', async () => {
    const r = await page('refuge');
    assert.equal(r.status, 200);
    assert.match(r.body, new RegExp(`<form method="post" action="/situations/${S}/information#information"`));
    const form = /<form method="post" action="\/situations\/[^"]+\/information[\s\S]*?<\/form>/.exec(r.body)[0];
    assert.match(form, /name="csrf" value="[^"]+"/);
    for (const id of ['info-category', 'info-content', 'info-withhold', 'info-reason', 'info-basis-consent',
      'info-basis-safety_exception', 'info-basis-duty_to_report', 'info-basis-court_order', 'info-justification',
      'info-sensitive', 'info-expires'])
      assert.match(form, new RegExp(`id="${id}"`), id);
    assert.match(form, /<option value="protective_order">Ordonnance de protection/);
    assert.match(form, /id="info-basis-safety_exception-explain">[^<]*risque sérieux de mort[^<]*<span class="law">Loi : A-2\.1 art\. 59\.1/);
    assert.match(form, /LPJ art\. 39/);
    assert.match(text(r.body), /Liens entre les personnes .*Yves Gagnon \(Personne qui exerce la violence\) → Mireille Gagnon \(Victime\) — Ex-conjoint/);
    assert.match(text(r.body), /Organismes participants/);
  });

  it('shares through the form: 303 back to the information, then shown with its agency, category and basis', async () => {
    const r = await post('refuge', `/situations/${S}/information`, { category: 'incident_history', content: ITEM, basis: 'consent' });
    assert.equal(r.status, 303, r.body);
    assert.equal(r.headers.location, `/situations/${S}?shared=1#information`);
    const p = await get('refuge', r.headers.location.split('#')[0]);
    const t = text(p.body);
    assert.ok(t.includes(ITEM));
    assert.match(t, /Historique des incidents/);
    assert.match(t, /Fondement juridique : Consentement de la victime/);
    assert.match(p.body, /role="status"[^>]*>Le renseignement a été communiqué/);
    assert.ok(t.includes(agencies[users.refuge.agency_id]), 'the agency that shared it');
    const sens = await post('refuge', `/situations/${S}/information`, { category: 'health', content: SENSITIVE,
      basis: 'safety_exception', justification: 'Risque suicidaire et menaces.', sensitive: '1', expires_on: '2031-06-30' });
    assert.equal(sens.status, 303, sens.body);
    const p2 = text((await page('refuge')).body);
    assert.ok(p2.includes(SENSITIVE));
    assert.match(p2, /Sensible/);
    assert.match(p2, /Valide jusqu’au 30 juin 2031/);
  });

  it('refuses a form with problems (422) and keeps everything typed', async () => {
    const r = await post('refuge', `/situations/${S}/information`, { category: 'health', content: 'KEEP-THIS-TEXT état de santé',
      basis: 'safety_exception', justification: '', expires_on: '2030-01-01' });
    assert.equal(r.status, 422);
    const summary = /<div class="error-summary" role="alert"[\s\S]*?<\/div>/.exec(r.body);
    assert.ok(summary, 'problems listed at the top');
    assert.match(summary[0], /href="#info-justification"/);
    assert.match(r.body, /<textarea id="info-content" name="content"[^>]*>KEEP-THIS-TEXT état de santé<\/textarea>/);
    assert.match(r.body, /id="info-basis-safety_exception" name="basis" value="safety_exception"[^>]* checked/);
    assert.match(r.body, /<option value="health" selected>/);
    assert.match(r.body, /id="info-expires" name="expires_on" value="2030-01-01"/);
    assert.match(r.body, /id="info-justification"[^>]*aria-invalid="true"/);
    assert.match(r.body, /id="info-justification-error"/);
    const none = await post('refuge', `/situations/${S}/information`, { content: 'x' });
    assert.equal(none.status, 422, 'no category');
  });

  it('records a decision not to share, with its reason', async () => {
    const r = await post('dpj', `/situations/${S}/information`, { category: 'child_protection', withhold: '1',
      content: 'NOT-STORED ceci ne doit pas être gardé', reason: 'Évaluation en cours : communication prématurée.' });
    assert.equal(r.status, 303, r.body);
    assert.equal(r.headers.location, `/situations/${S}?withheld=1#information`);
    const t = text((await page('coordo')).body);
    assert.match(t, /Non communiqué : la décision est consignée\. Motif : Évaluation en cours/);
    assert.ok(!t.includes('NOT-STORED'), 'withholding keeps no content');
  });

  it('shows an agency not named only that an item exists and whom to ask — never its value', async () => {
    // The sensitive item is for the shelter (and the coordinators) only.
    const dpj = await page('dpj');
    assert.equal(dpj.status, 200);
    assert.ok(!dpj.body.includes(SENSITIVE) && !dpj.body.includes('SENSITIVE-PAGE'), 'the value never reaches the page');
    assert.ok(dpj.body.includes(ITEM), 'a consent item for all participants');
    assert.ok(text(dpj.body).includes(`Accès restreint — adressez-vous à ${agencies[users.refuge.agency_id]}`), 'says whom to ask');
    assert.ok(text((await page('coordo')).body).includes(SENSITIVE), 'the coordinator reads it');
    assert.equal((await page('police')).status, 404, 'police does not take part yet');
  });

  it('lets the coordinator add an agency; a practitioner is refused', async () => {
    const coord = await page('coordo');
    for (const action of ['participants', 'exclusions', 'close', `persons/${victim}/contact-visibility`]) {
      const form = new RegExp(`<form method="post" action="/situations/${S}/${action}"[\\s\\S]*?</form>`).exec(coord.body);
      assert.ok(form, action);
      assert.match(form[0], /name="csrf" value="[^"]+"/, action);
    }
    assert.doesNotMatch((await page('refuge')).body, /action="\/situations\/[^"]+\/(participants|exclusions|close)"/);
    const body = { agency_id: users.police.agency_id, basis: 'safety_exception',
      justification: 'Arme à feu au domicile : risque sérieux et imminent.' };
    assert.equal((await post('refuge', `/situations/${S}/participants`, body)).status, 403);
    const none = await post('coordo', `/situations/${S}/participants`, { ...body, justification: '' });
    assert.equal(none.status, 422);
    assert.match(none.body, /id="add-agency-error"[^>]*><p>Expliquez pourquoi cette base légale s’applique/);
    assert.match(none.body, new RegExp(`<option value="${users.police.agency_id}" selected>`), 'the choice is kept');
    const r = await post('coordo', `/situations/${S}/participants`, body);
    assert.equal(r.status, 303, r.body);
    assert.equal(r.headers.location, `/situations/${S}?participant=1#participants`);
    const police = await page('police');
    assert.equal(police.status, 200, 'police takes part now');
    assert.ok(!police.body.includes(ITEM) && !police.body.includes('PAGE-ITEM'), 'the victim refused it to police');
    assert.ok(!police.body.includes(ADDRESS), 'contact details not for police');
    assert.ok(text(police.body).includes(`Accès restreint — adressez-vous à ${agencies[users.refuge.agency_id]}`), 'says whom to ask');
  });

  it('lets the coordinator choose who reads the contact details; a practitioner is refused', async () => {
    const path = `/situations/${S}/persons/${victim}/contact-visibility`;
    const form = new URLSearchParams([['agency', users.refuge.agency_id], ['agency', users.dpj.agency_id], ['agency', users.police.agency_id]]);
    assert.equal((await post('refuge', path, form)).status, 403);
    assert.ok(!(await page('dpj')).body.includes(ADDRESS));
    const r = await post('coordo', path, form);
    assert.equal(r.status, 303, r.body);
    assert.equal(r.headers.location, `/situations/${S}?contacts=1#coordination`);
    assert.ok((await page('dpj')).body.includes(ADDRESS), 'dpj named now');
    assert.ok(!(await page('police')).body.includes(ADDRESS), 'named, but the victim\'s consent excludes police');
    const coord = (await page('coordo')).body;
    assert.match(coord, new RegExp(`id="vis-${victim}-${users.dpj.agency_id}" name="agency" value="${users.dpj.agency_id}" checked`));
    const none = await post('coordo', path, new URLSearchParams([['agency', users.refuge.agency_id]]));
    assert.equal(none.status, 303);
    assert.ok(!(await page('dpj')).body.includes(ADDRESS), 'no longer named');
    assert.doesNotMatch((await page('coordo')).body, new RegExp(`id="vis-${victim}-${users.dpj.agency_id}" name="agency" value="${users.dpj.agency_id}" checked`));
  });

  it('lets the coordinator exclude a user by name; a practitioner is refused', async () => {
    await api('coordo', 'POST', `/api/v1/situations/${S}/participants`, { agency_id: users.cavac.agency_id, basis: 'consent' });
    assert.equal((await page('cavac')).status, 200);
    const coord = (await page('coordo')).body;
    assert.match(coord, new RegExp(`<option value="${users.cavac.id}">`), 'users of participating agencies are offered');
    const body = { user_id: users.cavac.id, reason: EXCL_REASON };
    assert.equal((await post('dpj', `/situations/${S}/exclusions`, body)).status, 403);
    const r = await post('coordo', `/situations/${S}/exclusions`, body);
    assert.equal(r.status, 303, r.body);
    assert.equal((await page('cavac')).status, 404);
    const again = await post('coordo', `/situations/${S}/exclusions`, body);
    assert.equal(again.status, 409);
    assert.match(again.body, /id="exclude-error"[^>]*><p>Cet utilisateur est déjà exclu/);
    assert.ok(!(await page('coordo')).body.includes(EXCL_REASON), 'the reason is never shown');
  });

  it('keeps the register page for coordinators and auditors; others get 403', async () => {
    for (const u of ['coordo', 'audit']) {
      const home = await get(u, '/');
      assert.match(home.body, /<a href="\/disclosures">Registre des communications<\/a>/, `${u}: nav link`);
      const r = await get(u, `/disclosures?situation_id=${S}`);
      assert.equal(r.status, 200, u);
      const t = text(r.body);
      assert.match(t, /Registre des communications/);
      assert.match(t, /Historique des incidents .*Communiqué .*Consentement de la victime Tous les participants sauf : Police/);
      assert.match(t, /Non communiqué .*Évaluation en cours/);
      assert.match(t, /Risque suicidaire et menaces\./, 'the justification');
      for (const v of [ITEM, SENSITIVE, ADDRESS, 'PAGE-ITEM', 'NOT-STORED', EXCL_REASON]) assert.ok(!r.body.includes(v), `${u}: ${v}`);
      assert.match(r.body, new RegExp(`href="/api/v1/disclosures\\?format=csv&amp;situation_id=${S}"`));
      const csv = await get(u, `/api/v1/disclosures?format=csv&situation_id=${S}`);
      assert.equal(csv.status, 200, 'the export works with the cookie session');
      assert.match(csv.headers['content-type'], /^text\/csv/);
    }
    assert.match((await get('coordo', '/disclosures')).body, new RegExp(`<a href="/situations/${S}">`), 'the coordinator can open it');
    assert.doesNotMatch((await get('audit', '/disclosures')).body, new RegExp(`<a href="/situations/${S}">`), 'the auditor cannot');
    for (const u of ['refuge', 'police', 'dpj', 'admin']) {
      assert.equal((await get(u, '/disclosures')).status, 403, u);
      assert.doesNotMatch((await get(u, '/')).body, /href="\/disclosures"/, `${u}: no nav link`);
    }
    const blank = await get('coordo', `/disclosures?situation_id=${S}&from=&to=`);
    assert.equal(blank.status, 303);
    assert.equal(blank.headers.location, `/disclosures?situation_id=${S}`);
    const bad = await get('coordo', '/disclosures?from=2025-13-45');
    assert.equal(bad.status, 400);
    assert.match(bad.body, /id="f-from-error"/);
    const later = await get('coordo', '/disclosures?from=2099-01-01');
    assert.equal(later.status, 200);
    assert.match(text(later.body), /Rien n’est consigné pour ces filtres/);
  });

  it('lets the coordinator close: stale version 409 keeps the notes; a practitioner is refused', async () => {
    const version = JSON.parse((await api('coordo', 'GET', `/api/v1/situations/${S}`)).body).version;
    const body = { reason: 'risk_reduced', notes: 'NOTES-KEPT risque sous le seuil', version: String(version) };
    assert.equal((await post('refuge', `/situations/${S}/close`, body)).status, 403);
    const stale = await post('coordo', `/situations/${S}/close`, { ...body, version: String(version - 1) });
    assert.equal(stale.status, 409);
    assert.match(stale.body, /id="close-error"[^>]*><p>Quelqu’un a modifié cette situation/);
    assert.match(stale.body, /<textarea id="close-notes" name="notes" rows="2">NOTES-KEPT risque sous le seuil<\/textarea>/);
    assert.match(stale.body, /<option value="risk_reduced" selected>/);
    assert.match(stale.body, new RegExp(`name="version" value="${version}"`), 'the fresh version');
    const transfer = await post('coordo', `/situations/${S}/close`, { ...body, reason: 'moved_out_of_territory' });
    assert.equal(transfer.status, 422);
    assert.match(transfer.body, /id="close-error"[^>]*><p>Rédigez la note de transfert/);
    const r = await post('coordo', `/situations/${S}/close`, body);
    assert.equal(r.status, 303, r.body);
    assert.equal(r.headers.location, `/situations/${S}?closed=1`);
    const closed = await get('coordo', r.headers.location);
    const t = text(closed.body);
    assert.match(t, /La situation est fermée\./);
    assert.match(t, /Fermeture Fermée le .* Motif de la fermeture Risque réduit Remarques NOTES-KEPT/);
    assert.match(t, /Historique .*Situation fermée — Risque réduit/);
    assert.doesNotMatch(closed.body, /action="\/situations\/[^"]+\/(close|information)"/, 'no forms on a closed situation');
  });
});
