// Practitioner evaluations in Chromium: a shelter worker whose agency was
// present at two meetings finds "Évaluations" in the navigation, answers
// the first questionnaire by its radio groups (one fieldset and legend per
// statement) and sends an empty second one, which comes back with the
// problem; the coordinator reads the results, suppressed under 5. axe finds
// no WCAG 2.1 A/AA violation on the questionnaires (with and without the
// error) or the results; no page logs an error or breaks the CSP.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request } from '../lib/filet.mjs';
import {
  launchBrowser, axeContext, runAxe, formatViolations, screenshot, watchPage, recordCSPViolations,
  cspViolations, DESKTOP, signIn,
} from '../lib/browser.mjs';

const T = { timeout: 90000 };
const J = { 'Content-Type': 'application/json' };
const SAFETY = 'La concertation a amélioré la sécurité des victimes.';

async function axeOn(browser, url, cookies, name, { status = 200, act } = {}) {
  const ctx = await axeContext(browser, { viewport: DESKTOP, locale: 'fr-CA' });
  await ctx.addCookies(cookies);
  const page = await ctx.newPage();
  const res = await page.goto(url);
  assert.equal(res.status(), 200, `${name}: ${url}`);
  if (act) assert.equal(await act(page), status, name);
  const v = await runAxe(page);
  await ctx.close();
  assert.equal(v.length, 0, `${name}: ${formatViolations(v)}`);
}

describe('practitioner evaluations in Chromium', () => {
  let f, browser;
  before(async () => {
    [f, browser] = await Promise.all([startFilet(), launchBrowser()]);
    const tok = {};
    for (const u of ['coordo', 'admin']) tok[u] = await f.login(u);
    const call = async (u, method, path, body) => {
      const r = await request(f.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok[u]}` },
        body: body === undefined ? undefined : JSON.stringify(body) });
      assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.body}`);
      return JSON.parse(r.body);
    };
    const ids = {};
    for (const u of (await call('admin', 'GET', '/api/v1/users')).users) ids[u.username] = u.agency_id;
    // Two meetings that started, the shelter present at both.
    for (const hours of [3, 1]) {
      const starts = new Date((f.now() - hours * 3600) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const m = await call('coordo', 'POST', '/api/v1/meetings', { kind: 'clinical', starts_at: starts, invited: [ids.refuge] });
      await call('coordo', 'POST', `/api/v1/meetings/${m.id}/attendance`, { agency_id: ids.refuge, undertaking_accepted: true });
    }
  });
  after(async () => { if (browser) await browser.close(); if (f) await f.stop(); });

  it('an attendee answers by radio groups; the coordinator reads suppressed results', T, async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'fr-CA' });
    await recordCSPViolations(context);
    const page = await context.newPage();
    // The refused form answers 422, which Chromium logs.
    const problems = watchPage(page, { allow: [/status of 422 .*\/evaluations\/[a-z2-7]+\)?$/] });
    await signIn(page, f, 'refuge');
    await page.getByRole('link', { name: 'Évaluations' }).click();
    await page.getByRole('heading', { name: 'Évaluations', level: 1 }).waitFor();
    const forms = page.locator('section.evaluation');
    assert.equal(await forms.count(), 2);
    const cookies = await context.cookies();
    await axeOn(browser, `${f.base}/evaluations`, cookies, 'questionnaires');
    await screenshot(page, 'evaluations');

    const first = forms.first();
    const safety = first.getByRole('group', { name: SAFETY });
    await safety.getByRole('radio', { name: 'Tout à fait en accord' }).check();
    await first.getByRole('group', { name: 'La concertation a amélioré ma pratique.' })
      .getByRole('radio', { name: 'Plutôt en accord' }).check();
    await first.getByLabel('Commentaire (facultatif)').fill('Très utile pour le plan de sécurité.');
    await first.getByRole('button', { name: 'Envoyer ma réponse' }).click();
    await page.waitForURL(/\/evaluations\?answered=1$/);
    await page.getByRole('status').filter({ hasText: 'Merci : votre réponse est enregistrée, sans votre nom.' }).waitFor();
    assert.equal(await page.locator('section.evaluation').count(), 1, 'the answered one is gone');

    // The other one, sent empty, comes back with the problem.
    await page.locator('section.evaluation').getByRole('button', { name: 'Envoyer ma réponse' }).click();
    await page.getByRole('alert').filter({ hasText: 'Répondez à au moins un énoncé.' }).waitFor();
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems, []);
    await axeOn(browser, `${f.base}/evaluations`, cookies, 'questionnaire refused', { status: 422, act: async (p) => {
      const [res] = await Promise.all([p.waitForNavigation(), p.getByRole('button', { name: 'Envoyer ma réponse' }).click()]);
      return res.status();
    } });
    await context.close();

    const coord = await browser.newContext({ viewport: DESKTOP, locale: 'fr-CA' });
    await recordCSPViolations(coord);
    const cp = await coord.newPage();
    const cproblems = watchPage(cp);
    await signIn(cp, f, 'coordo');
    await cp.getByRole('link', { name: 'Évaluations' }).click();
    await cp.getByRole('heading', { name: 'Résultats des évaluations', level: 1 }).waitFor();
    const row = cp.getByRole('row', { name: new RegExp(SAFETY.replace('.', '\\.')) });
    assert.match(await row.textContent(), /<5[\s\S]*<5[\s\S]*non affichée \(moins de 5 réponses\)[\s\S]*86,8 %/);
    assert.match(await cp.locator('main').textContent(), /Questionnaires comptés : <5/);
    assert.doesNotMatch(await cp.locator('main').textContent(), /Très utile/);
    await screenshot(cp, 'evaluation-results');
    assert.deepEqual(await cspViolations(cp), []);
    assert.deepEqual(cproblems, []);
    await axeOn(browser, `${f.base}/evaluations/results`, await coord.cookies(), 'results');
    await coord.close();
  });
});
