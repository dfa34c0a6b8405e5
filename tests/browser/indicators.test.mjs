// Indicators in Chromium (issue 7): the coordinator follows the navigation
// link to the indicators, changes the period with the form (no
// JavaScript needed), reads the figures as text beside the charts, and
// opens the printable annual report. axe finds no WCAG 2.1 A/AA violation
// on the page nor on the report; no page logs an error or breaks the CSP;
// each is photographed, the report also in print, where the navigation and
// the forms are gone and the charts stay.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request } from '../lib/filet.mjs';
import {
  launchBrowser, screenshot, watchPage, recordCSPViolations, cspViolations, DESKTOP, signIn,
  assertAccessible,
} from '../lib/browser.mjs';

const T = { timeout: 90000 };
const J = { 'Content-Type': 'application/json' };

describe('indicators in Chromium', () => {
  let f, browser, from, to;
  before(async () => {
    [f, browser] = await Promise.all([startFilet(), launchBrowser()]);
    const tok = {};
    for (const u of ['refuge', 'police', 'coordo']) tok[u] = await f.login(u);
    const call = async (u, method, path, body) => {
      const r = await request(f.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok[u]}` },
        body: body === undefined ? undefined : JSON.stringify(body) });
      assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.body}`);
      return JSON.parse(r.body);
    };
    // Seven referrals (six by the shelter, one by the police), five triaged.
    const sids = [];
    for (let i = 0; i < 7; i++)
      sids.push((await call(i < 6 ? 'refuge' : 'police', 'POST', '/api/v1/referrals', { summary: `Situation ${i}`,
        consent: { status: 'given' }, perpetrator_unknown: true,
        persons: [{ role: 'victim', given_name: 'Victime', family_name: `Indicateur ${i}` }] })).situation_id);
    f.advance(20 * 60);
    for (const s of sids.slice(0, 5)) await call('coordo', 'POST', `/api/v1/situations/${s}/triage`, { route: 'urgent_cell', reason: 'Urgent.' });
    const day = (t) => new Date(t * 1000).toISOString().slice(0, 10);
    from = day(f.now() - 86400);
    to = day(f.now() + 30 * 86400);
  });
  after(async () => { if (browser) await browser.close(); if (f) await f.stop(); });

  it('the coordinator reads the indicators and opens the printable report', T, async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'fr-CA' });
    await recordCSPViolations(context);
    const page = await context.newPage();
    const problems = watchPage(page);
    await signIn(page, f, 'coordo');
    await page.getByRole('link', { name: 'Indicateurs' }).click();
    await page.getByRole('heading', { name: 'Indicateurs', level: 1 }).waitFor();
    await page.getByLabel('Du (inclusivement)').fill(from);
    await page.getByLabel('Au (inclusivement)').fill(to);
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.waitForURL(new RegExp(`from=${from}&to=${to}`));
    const key = page.locator('section[aria-labelledby="key-figures-title"]');
    assert.match(await key.textContent(), /Signalements\s*7/);
    // The sectors: shelter 6, police 1 (small, so <5) - and the shelter too, or 7 - 6 would give it.
    const sectors = page.locator('section[aria-labelledby="t-referrals_by_sector"]');
    const chart = sectors.getByRole('img');
    assert.match(await chart.getAttribute('aria-label'), /Signalements par secteur/);
    assert.match(await sectors.locator('table').textContent(), /Maison d’hébergement\s*<5/);
    assert.match(await sectors.locator('table').textContent(), /Total\s*7/);
    assert.match(await chart.textContent(), /<5/);
    await screenshot(page, 'indicators');

    await page.getByRole('link', { name: 'Rapport annuel imprimable' }).click();
    await page.getByRole('heading', { name: /Rapport annuel/, level: 1 }).waitFor();
    assert.match(await page.locator('main').textContent(), new RegExp(`${from}\\s*–\\s*${to}`));
    await screenshot(page, 'indicators-report');
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, 'indicators-report-print');
    assert.equal(await page.locator('.site-header').isVisible(), false, 'the navigation is printed');
    assert.equal(await page.locator('main .no-print').first().isVisible(), false, 'the screen-only line is printed');
    assert.equal(await page.locator('main svg[role="img"]').first().isVisible(), true, 'the charts are not printed');
    await page.emulateMedia({ media: 'screen' });

    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems, []);
    const cookies = await context.cookies();
    await context.close();
    await assertAccessible(browser, `${f.base}/indicators?from=${from}&to=${to}`, cookies, 'indicators');
    await assertAccessible(browser, `${f.base}/indicators/report?from=${from}&to=${to}`, cookies, 'report');
  });
});
