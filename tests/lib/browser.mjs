// Browser helpers for the end-to-end suites: Debian's Chromium driven by
// playwright-core, axe-core accessibility checks, screenshots.
//
// CHROMIUM chooses the browser binary (default /usr/bin/chromium).
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SCREENSHOT_DIR = resolve('build/screenshots');
const AXE_PATH = resolve('node_modules/axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
}

// Collects what goes wrong on a page: console errors (Chromium logs CSP
// violations there too), uncaught exceptions, failed requests, HTTP errors
// on sub-resources. Returns the live array; call before the first goto.
// allow: regexps for expected entries (e.g. the 404 of a 404 page).
export function watchPage(page, { allow = [] } = {}) {
  const problems = [];
  const add = (msg) => { if (!allow.some((re) => re.test(msg))) problems.push(msg); };
  page.on('console', (m) => {
    if (m.type() === 'error') add(`console error: ${m.text()} (${m.location()?.url || '?'})`);
  });
  page.on('pageerror', (e) => add(`page error: ${e.message}`));
  page.on('requestfailed', (r) => add(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== 'document')
      add(`HTTP ${r.status()} for ${r.url()}`);
  });
  return problems;
}

// Records securitypolicyviolation events in every document of the context
// (the init script is injected by the browser, not subject to the page CSP).
// Read them with cspViolations(page). Needs JavaScript enabled.
export async function recordCSPViolations(context) {
  await context.addInitScript(() => {
    window.__filetCSP = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__filetCSP.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
}

export async function cspViolations(page) {
  return page.evaluate(() => window.__filetCSP || ['(CSP recorder missing)']);
}

// Runs axe-core on the current page and returns its violations. The app's
// CSP forbids injected scripts, so the page must come from a context made
// with bypassCSP: true (see axeContext).
let axeSource;
export async function runAxe(page) {
  axeSource ??= readFileSync(AXE_PATH, 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ content: axeSource }).catch((e) => { throw new Error(`axe injection failed: ${e.message}`); });
    if (!(await page.evaluate(() => typeof window.axe === 'object')))
      throw new Error('axe-core was not injected: the CSP blocked it? Use a context from axeContext() (bypassCSP: true)');
  }
  const res = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS);
  return res.violations;
}

// A browser context able to run axe (CSP bypassed for the injected script).
// Use a separate, normal context to check that the page itself raises no CSP
// violations.
export async function axeContext(browser, options = {}) {
  return browser.newContext({ viewport: DESKTOP, ...options, bypassCSP: true });
}

// One readable paragraph per violation: id, impact, help, each target.
export function formatViolations(violations) {
  if (!violations.length) return 'no axe violations';
  return violations.map((v) => {
    const nodes = v.nodes.map((n) => {
      const why = (n.failureSummary || '').split('\n').map((l) => l.trim()).filter(Boolean).slice(1, 3).join('; ');
      return `    - ${n.target.join(' ')}${why ? `  (${why})` : ''}`;
    }).join('\n');
    return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
  }).join('\n');
}

// Saves a full-page PNG under build/screenshots/ and returns its path.
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, name.endsWith('.png') ? name : `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

// The password `filet demo` drew for a demo user (tests/lib/filet.mjs).
export const demoPassword = (f, username) => f.demoData.users.find((x) => x.username === username).password;

// Signs a demo user in through the French sign-in page (a --demo server
// asks no second factor) and waits for the home page.
export async function signIn(page, f, username) {
  await page.goto(f.base + '/');
  await page.getByLabel('Nom d’utilisateur').fill(username);
  await page.getByLabel('Mot de passe').fill(demoPassword(f, username));
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: /Bienvenue/ }).waitFor();
}

// Opens url (200 expected) with cookies in a fresh French context, runs
// steps on the page if given, and asserts axe finds no WCAG 2.1 A/AA
// violation.
export async function assertAccessible(browser, url, cookies, name, steps) {
  const ctx = await axeContext(browser, { viewport: DESKTOP, locale: 'fr-CA' });
  await ctx.addCookies(cookies);
  const page = await ctx.newPage();
  const res = await page.goto(url);
  assert.equal(res.status(), 200, `${name}: ${url}`);
  if (steps) await steps(page);
  const v = await runAxe(page);
  await ctx.close();
  assert.equal(v.length, 0, `${name}: ${formatViolations(v)}`);
}
