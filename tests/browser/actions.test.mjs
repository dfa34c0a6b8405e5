// The safety net in Chromium: the coordinator adds an action from a
// suggestion of its phase (the "Suggest" button re-renders the form, no
// JavaScript needed), the owner agency's worker marks it done; axe finds
// no WCAG 2.1 A/AA violation on the situation page with the safety net nor
// on /actions; no page logs an error or breaks the CSP.
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

describe('the safety net in Chromium', () => {
  let f, browser, S, url, suggestion;
  const ids = {};
  before(async () => {
    [f, browser] = await Promise.all([startFilet(), launchBrowser()]);
    const tok = {};
    for (const u of ['refuge', 'admin']) tok[u] = await f.login(u);
    const call = async (u, method, path, body) => {
      const r = await request(f.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok[u]}` },
        body: body === undefined ? undefined : JSON.stringify(body) });
      assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.body}`);
      return JSON.parse(r.body);
    };
    for (const u of (await call('admin', 'GET', '/api/v1/users')).users) ids[u.username] = u.agency_id;
    S = (await call('refuge', 'POST', '/api/v1/referrals', {
      summary: 'Menaces de mort depuis la séparation.',
      persons: [
        { ref: 'v1', role: 'victim', given_name: 'Sophie', family_name: 'Tremblay' },
        { ref: 'p1', role: 'perpetrator', given_name: 'Marc', family_name: 'Bélanger' }],
      consent: { status: 'given' },
    })).situation_id;
    url = `${f.base}/situations/${S}`;
  });
  after(async () => { if (browser) await browser.close(); if (f) await f.stop(); });

  it('the coordinator adds an action from a suggestion of its phase', T, async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'fr-CA' });
    await recordCSPViolations(context);
    const page = await context.newPage();
    const problems = watchPage(page, { allow: ALLOW });
    await signIn(page, f, 'coordo');
    await page.goto(url);
    await page.getByRole('heading', { name: 'Filet de sécurité', level: 2 }).waitFor();
    await page.locator('#action-phase').selectOption('protective_orders');
    await page.getByRole('button', { name: 'Suggérer des actions pour cette phase' }).click();
    await page.locator('#action-suggestion').waitFor();
    const options = await page.locator('#action-suggestion option').all();
    assert.ok(options.length > 1, 'suggestions offered');
    suggestion = await options[1].getAttribute('value');
    await page.locator('#action-suggestion').selectOption(suggestion);
    await page.locator('#action-protects').selectOption({ label: 'Sophie Tremblay (Victime)' });
    await page.locator('#action-owner').selectOption(ids.refuge);
    await page.locator('#action-due').fill('2031-06-01');
    await page.getByRole('button', { name: 'Ajouter l’action' }).click();
    await page.waitForURL(/\?action_added=1#safety-net$/);
    const net = page.locator('#safety-net');
    assert.ok((await net.textContent()).includes(suggestion));
    assert.match(await net.textContent(), /Ordonnances de protection/);
    await screenshot(page, 'safety-net-coordinator');
    await assertAccessible(browser, url, await context.cookies(), 'situation page with the safety net');
    assert.deepEqual(problems, []);
    assert.deepEqual(await cspViolations(page), []);
    await context.close();
  });

  it('the owner agency marks it done; /actions lists it', T, async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'fr-CA' });
    await recordCSPViolations(context);
    const page = await context.newPage();
    const problems = watchPage(page, { allow: ALLOW });
    await signIn(page, f, 'refuge');
    await page.getByRole('link', { name: 'Mes actions' }).click();
    await page.getByRole('heading', { name: 'Mes actions', level: 1 }).waitFor();
    await page.getByRole('link', { name: suggestion }).click();
    await page.getByRole('heading', { name: 'Filet de sécurité', level: 2 }).waitFor();
    const form = page.locator('#safety-net form.action-form').first();
    await form.getByLabel('Statut').selectOption('done');
    await form.getByLabel('Note de suivi').fill('Ordonnance signifiée.');
    await form.getByRole('button', { name: 'Enregistrer le suivi' }).click();
    await page.waitForURL(/\?action_updated=1#action-/);
    const net = page.locator('#safety-net');
    assert.match(await net.textContent(), /Statut : Terminée/);
    assert.match(await net.textContent(), /Ordonnance signifiée\./);
    await assertAccessible(browser, url, await context.cookies(), 'situation page, action done');
    await assertAccessible(browser, `${f.base}/actions`, await context.cookies(), 'my agency\'s actions');
    assert.deepEqual(problems, []);
    assert.deepEqual(await cspViolations(page), []);
    await context.close();
  });
});
