// The cell's meetings in Chromium: the coordinator convenes an urgent
// meeting through the form, adds a situation to its agenda, opens the
// meeting screen (one situation, its timer counting down) and types the
// minutes, which autosave as a draft and are then saved; while typing more
// minutes, Alt+N and Enter add an action to the safety net and the screen
// comes back with the minutes typed kept. axe finds no WCAG
// 2.1 A/AA violation on the list, the meeting page, the screen or the
// printable minutes; no page
// logs an error or breaks the CSP.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request } from '../lib/filet.mjs';
import {
  launchBrowser, screenshot, watchPage, recordCSPViolations, cspViolations, DESKTOP, signIn,
  assertAccessible,
} from '../lib/browser.mjs';

const T = { timeout: 90000 };
const J = { 'Content-Type': 'application/json' };
// A form looks for a saved draft ("none yet" is a 404 Chromium logs).
const ALLOW = [/status of 404 .*\/api\/v1\/drafts\//, /HTTP 404 for .*\/api\/v1\/drafts\//];
const MINUTES = 'La DPJ rencontre la mère demain; le refuge garde une place.';
const MORE = `${MINUTES} La police vérifie les conditions de remise en liberté.`;

describe('cell meetings in Chromium', () => {
  let f, browser, S;
  const ids = {};
  before(async () => {
    [f, browser] = await Promise.all([startFilet(), launchBrowser()]);
    const tok = {};
    for (const u of ['refuge', 'coordo', 'admin']) tok[u] = await f.login(u);
    const call = async (u, method, path, body) => {
      const r = await request(f.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok[u]}` },
        body: body === undefined ? undefined : JSON.stringify(body) });
      assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.body}`);
      return JSON.parse(r.body);
    };
    for (const u of (await call('admin', 'GET', '/api/v1/users')).users) ids[u.username] = u.agency_id;
    S = (await call('refuge', 'POST', '/api/v1/referrals', {
      summary: 'Menaces de mort depuis la séparation.', consent: { status: 'given' }, perpetrator_unknown: true,
      persons: [{ ref: 'v1', role: 'victim', given_name: 'Sophie', family_name: 'Tremblay' }],
    })).situation_id;
    await call('refuge', 'POST', `/api/v1/situations/${S}/information`, { category: 'incident_history',
      content: 'Trois appels au 911 depuis janvier.', basis: 'consent' });
  });
  after(async () => { if (browser) await browser.close(); if (f) await f.stop(); });

  it('the coordinator convenes an urgent meeting, fills its agenda and runs it from the screen', T, async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'fr-CA' });
    await recordCSPViolations(context);
    const page = await context.newPage();
    const problems = watchPage(page, { allow: ALLOW });
    await signIn(page, f, 'coordo');
    await page.getByRole('link', { name: 'Rencontres' }).click();
    await page.getByRole('heading', { name: 'Rencontres', level: 1 }).waitFor();
    await page.getByLabel('Type de rencontre').selectOption('urgent');
    await page.getByLabel('Début (heure locale)').fill('2031-03-04T14:30');
    await page.getByLabel('Lieu ou lien de visioconférence').fill('Salle du CLSC');
    await page.getByLabel(/Direction de la protection de la jeunesse/).check();
    await page.getByLabel(/Maison d’hébergement La Traversée/).check();
    await page.getByRole('button', { name: 'Convoquer la rencontre' }).click();
    await page.waitForURL(/\/meetings\/[^/?]+\?created=1$/);
    const meetingUrl = page.url().split('?')[0];
    await page.getByRole('status').filter({ hasText: 'La rencontre est convoquée' }).waitFor();
    assert.match(await page.locator('#quorum').textContent(), /quorum non atteint/);
    assert.match(await page.locator('.meeting-facts').textContent(), /4 mars 2031, 14 h 30/, 'the time typed, in the territory');

    await page.getByLabel('Ajouter à l’ordre du jour').selectOption(S);
    await page.getByRole('button', { name: 'Ajouter à l’ordre du jour' }).click();
    await page.waitForURL(/\?added=1#agenda$/);
    assert.equal(await page.locator('ol.agenda li').count(), 1);

    await page.getByRole('link', { name: 'Ouvrir l’écran de rencontre' }).click();
    await page.waitForURL(/\/screen$/);
    await page.getByText('Situation 1 sur 1').waitFor();
    assert.match(await page.locator('main').textContent(), /Trois appels au 911/);
    const countdown = page.locator('[data-countdown]');
    await countdown.waitFor();
    assert.match(await countdown.textContent(), /^-?\d\d:\d\d$/);

    // Typing autosaves a draft, then the form saves the minutes.
    const draft = page.waitForResponse((r) => r.url().includes('/api/v1/drafts/minutes-') && r.request().method() === 'PUT');
    await page.locator('#minutes-text').fill(MINUTES);
    await page.getByLabel('Décisions').fill('Rencontre de suivi dans deux semaines.');
    assert.ok((await draft).ok());
    await page.getByRole('button', { name: 'Enregistrer le compte rendu' }).click();
    await page.waitForURL(/saved=1/);
    await page.getByRole('status').filter({ hasText: 'Le compte rendu est enregistré' }).waitFor();
    assert.equal(await page.locator('#minutes-text').inputValue(), MINUTES);
    await screenshot(page, 'meeting-screen');

    // A new action in two keystrokes while the minutes are being typed:
    // Alt+N to its title, Enter to add it; the minutes typed stay.
    await page.locator('#minutes-text').fill(MORE);
    await page.keyboard.press('Alt+N');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'qa-title');
    await page.keyboard.type('Accompagner la mère au tribunal');
    await page.getByLabel('Responsable de l’action').selectOption({ label: 'Direction de la protection de la jeunesse (démo) (Protection de la jeunesse)' });
    await page.locator('#qa-title').press('Enter');
    await page.waitForURL(/action_added=1/);
    await page.getByRole('status').filter({ hasText: 'L’action a été ajoutée au filet de sécurité' }).waitFor();
    assert.equal(await page.locator('#minutes-text').inputValue(), MORE, 'the minutes typed are kept');
    assert.equal(await page.locator('#qa-title').inputValue(), '');
    await screenshot(page, 'meeting-screen-action');

    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems, []);
    const cookies = await context.cookies();
    await context.close();

    await assertAccessible(browser, `${f.base}/meetings`, cookies, 'meetings');
    await assertAccessible(browser, meetingUrl, cookies, 'meeting');
    await assertAccessible(browser, `${meetingUrl}/screen`, cookies, 'meeting screen');
    await assertAccessible(browser, `${meetingUrl}/minutes`, cookies, 'printable minutes');
  });
});
