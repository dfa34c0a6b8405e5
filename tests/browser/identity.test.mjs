// Signing in as a person does it, in Chromium: the first sign-in enrols the
// second factor from the QR page, later sign-ins need the code, the account
// page lists sessions, sign-out ends the session, and the inactivity
// warning offers to stay signed in. axe finds no WCAG 2.1 A/AA violation on
// any of these pages, and no page logs an error or breaks the CSP.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFilet } from '../lib/filet.mjs';
import { totp } from '../lib/totp.mjs';
import {
  launchBrowser, screenshot, watchPage, recordCSPViolations, cspViolations, DESKTOP,
  assertAccessible,
} from '../lib/browser.mjs';

const T = { timeout: 60000 };
const pw = (f, u) => f.demoData.users.find((x) => x.username === u).password;

describe('signing in, in Chromium (second factor required)', () => {
  let f, browser;
  before(async () => { [f, browser] = await Promise.all([startFilet({ demo: false }), launchBrowser()]); });
  after(async () => { if (browser) await browser.close(); if (f) await f.stop(); });

  it('enrols at first sign-in from the QR page, then needs the code', T, async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'fr-CA' });
    await recordCSPViolations(context);
    const page = await context.newPage();
    // The one failed sign-in below answers 401, which Chromium logs.
    const problems = watchPage(page, { allow: [/status of 401 .*\/login/] });
    await page.goto(f.base + '/');
    await page.getByLabel("Nom d’utilisateur").fill('refuge');
    await page.getByLabel('Mot de passe').fill(pw(f, 'refuge'));
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL('**/account/mfa');
    await assert.doesNotReject(page.getByRole('img', { name: /Code QR/ }).waitFor());
    const secret = (await page.locator('#totp-secret').textContent()).replace(/\s/g, '');
    await screenshot(page, 'mfa-enrolment');
    const cookies = await context.cookies();
    await assertAccessible(browser, f.base + '/account/mfa', cookies, 'enrolment page');
    await page.getByLabel('Code de vérification').fill(totp(secret, f.now()));
    await page.getByRole('button', { name: 'Confirmer' }).click();
    await page.waitForURL(f.base + '/');
    await assert.doesNotReject(page.getByRole('heading', { name: /Bienvenue, Julie/ }).waitFor());
    await screenshot(page, 'dashboard');
    await assertAccessible(browser, f.base + '/', await context.cookies(), 'dashboard');

    await page.getByRole('link', { name: 'Mon compte' }).first().click();
    await assert.doesNotReject(page.getByRole('heading', { name: 'Mes sessions' }).waitFor());
    assert.match(await page.locator('tbody').textContent(), /cette session/);
    await assertAccessible(browser, f.base + '/account', await context.cookies(), 'account page');
    await screenshot(page, 'account');

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(f.base + '/');
    await assert.doesNotReject(page.getByRole('button', { name: 'Se connecter' }).waitFor());

    // The next sign-in asks for the code, and a wrong one fails politely.
    f.advance(30);
    await page.getByLabel("Nom d’utilisateur").fill('refuge');
    await page.getByLabel('Mot de passe').fill(pw(f, 'refuge'));
    await page.getByLabel('Code de vérification').fill('000000');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await assert.doesNotReject(page.getByRole('alert').filter({ hasText: 'La connexion a échoué' }).waitFor());
    assert.equal(await page.getByLabel('Mot de passe').inputValue(), '', 'the password is never sent back');
    assert.equal(await page.getByLabel("Nom d’utilisateur").inputValue(), 'refuge');
    await page.getByLabel('Mot de passe').fill(pw(f, 'refuge'));
    await page.getByLabel('Code de vérification').fill(totp(secret, f.now()));
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await assert.doesNotReject(page.getByRole('heading', { name: /Bienvenue/ }).waitFor());
    assert.deepEqual(problems, []);
    assert.deepEqual(await cspViolations(page), []);
    await context.close();
  });
});

describe('the inactivity warning', () => {
  let f, browser;
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'filet-conf-'));
    const conf = join(dir, 'filet.conf');
    writeFileSync(conf, 'session_idle_minutes = 1\n');
    [f, browser] = await Promise.all([startFilet({ extraArgs: ['--config', conf] }), launchBrowser()]);
  });
  after(async () => { if (browser) await browser.close(); if (f) await f.stop(); });

  it('warns before the session ends and keeps it on request', T, async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'fr-CA' });
    await recordCSPViolations(context);
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(f.base + '/');
    await page.getByLabel("Nom d’utilisateur").fill('coordo');
    await page.getByLabel('Mot de passe').fill(pw(f, 'coordo'));
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await assert.doesNotReject(page.getByRole('heading', { name: /Bienvenue/ }).waitFor());
    const warning = page.getByRole('alertdialog');
    assert.equal(await warning.isVisible(), false);
    await warning.waitFor({ state: 'visible', timeout: 15000 });
    await screenshot(page, 'session-warning');
    assert.match(await warning.textContent(), /se fermera dans deux minutes/);
    await page.getByRole('button', { name: 'Rester connecté·e' }).click();
    await warning.waitFor({ state: 'hidden', timeout: 5000 });
    assert.deepEqual(problems, []);
    assert.deepEqual(await cspViolations(page), []);
    await context.close();
  });
});
