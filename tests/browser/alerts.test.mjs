// The alerts page in Chromium: the refuge worker follows the "Alertes" link,
// sees the protective order and the perpetrator's release grouped by kind,
// and follows an alert to its situation; an empty list says so. axe finds
// no WCAG 2.1 A/AA violation on either, nor on /admin with the digest
// address; no page logs an error or breaks the CSP.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request } from '../lib/filet.mjs';
import {
  launchBrowser, screenshot, watchPage, recordCSPViolations, cspViolations, DESKTOP, signIn,
  assertAccessible,
} from '../lib/browser.mjs';

const T = { timeout: 90000 };
const J = { 'Content-Type': 'application/json' };
const ALLOW = [/status of 404 .*\/api\/v1\/drafts\//];

describe('the alerts page in Chromium', () => {
  let f, browser, S;
  before(async () => {
    [f, browser] = await Promise.all([startFilet(), launchBrowser()]);
    const tok = await f.login('refuge');
    const call = async (method, path, body) => {
      const r = await request(f.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok}` },
        body: body === undefined ? undefined : JSON.stringify(body) });
      assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.body}`);
      return JSON.parse(r.body);
    };
    const day = (n) => new Date((f.now() + n * 86400) * 1000).toISOString().slice(0, 10);
    S = (await call('POST', '/api/v1/referrals', {
      summary: 'Menaces de mort depuis la séparation.',
      persons: [
        { ref: 'v1', role: 'victim', given_name: 'Sophie', family_name: 'Tremblay' },
        { ref: 'p1', role: 'perpetrator', given_name: 'Marc', family_name: 'Bélanger' }],
      consent: { status: 'given' },
    })).situation_id;
    await call('POST', `/api/v1/situations/${S}/information`, { category: 'protective_order',
      content: 'Ordonnance de protection', basis: 'consent', expires_on: day(7) });
    await call('POST', `/api/v1/situations/${S}/information`, { category: 'criminal_record',
      content: 'Détention provinciale', basis: 'consent', release_on: day(10) });
  });
  after(async () => { if (browser) await browser.close(); if (f) await f.stop(); });

  it('the worker sees the alerts by kind and follows one to the situation', T, async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'fr-CA' });
    await recordCSPViolations(context);
    const page = await context.newPage();
    const problems = watchPage(page, { allow: ALLOW });
    await signIn(page, f, 'refuge');
    await page.getByRole('link', { name: 'Alertes' }).click();
    await page.getByRole('heading', { name: 'Alertes', level: 1 }).waitFor();
    const release = page.getByRole('region', { name: /Libérations d’agresseurs d’ici 14 jours/ });
    const orders = page.getByRole('region', { name: /Ordonnances de protection qui prennent fin d’ici 14 jours/ });
    assert.equal(await release.getByRole('link').count(), 1);
    assert.equal(await orders.getByRole('link').count(), 1);
    const body = await page.locator('main').textContent();
    for (const secret of ['Sophie', 'Tremblay', 'Marc', 'Bélanger', 'Détention']) assert.ok(!body.includes(secret), secret);
    await screenshot(page, 'alerts-page');
    await assertAccessible(browser, `${f.base}/alerts`, await context.cookies(), 'alerts page');
    await release.getByRole('link').click();
    await page.waitForURL(new RegExp(`/situations/${S}$`));
    assert.match(await page.locator('main').textContent(), /Libération de l’agresseur le/);
    assert.deepEqual(problems, []);
    assert.deepEqual(await cspViolations(page), []);
    await context.close();
  });

  it('the administration page, with the digest address, passes axe', T, async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'fr-CA' });
    await recordCSPViolations(context);
    const page = await context.newPage();
    const problems = watchPage(page, { allow: ALLOW });
    await signIn(page, f, 'admin');
    await page.goto(`${f.base}/admin`);
    await page.getByLabel('Courriel pour le résumé quotidien (facultatif)').waitFor();
    assert.equal(await page.getByRole('columnheader', { name: 'Courriel pour le résumé' }).count(), 1);
    await assertAccessible(browser, `${f.base}/admin`, await context.cookies(), 'administration page');
    assert.deepEqual(problems, []);
    assert.deepEqual(await cspViolations(page), []);
    await context.close();
  });

  it('an empty list says so, accessibly', T, async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'fr-CA' });
    await recordCSPViolations(context);
    const page = await context.newPage();
    const problems = watchPage(page, { allow: ALLOW });
    await signIn(page, f, 'police');
    await page.getByRole('link', { name: 'Alertes' }).click();
    await page.getByText('Aucune alerte pour vous en ce moment.').waitFor();
    await assertAccessible(browser, `${f.base}/alerts`, await context.cookies(), 'empty alerts page');
    assert.deepEqual(problems, []);
    assert.deepEqual(await cspViolations(page), []);
    await context.close();
  });
});
