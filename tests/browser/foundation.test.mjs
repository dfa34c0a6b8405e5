// The foundation as a person sees it in a real browser (Debian's Chromium):
// French first, the DEMO warning, a labelled sign-in form, the language
// switch (with and without JavaScript), no console errors or CSP
// violations, and no WCAG 2.1 A/AA violations found by axe-core.
//
//   make all && FILET_BIN=build/filet node --test tests/browser/
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet } from '../lib/filet.mjs';
import {
  launchBrowser, axeContext, runAxe, formatViolations, screenshot, watchPage,
  recordCSPViolations, cspViolations, DESKTOP, PHONE,
} from '../lib/browser.mjs';

// A browser that states no preference for French or English gets French.
const NEUTRAL_LOCALE = 'de-DE';

// Per test: generous for a loaded CI machine, short enough to stop a hang.
const T = { timeout: 30000 };

describe('foundation pages in Chromium', () => {
  let filet;
  let browser;

  before(async () => {
    [filet, browser] = await Promise.all([startFilet(), launchBrowser()]);
  });

  after(async () => {
    if (browser) await browser.close();
    if (filet) await filet.stop();
  });

  // A normal context (CSP enforced) with the problem watchers attached.
  async function openPage({ javaScriptEnabled = true, viewport = DESKTOP, locale = NEUTRAL_LOCALE, allow } = {}) {
    const context = await browser.newContext({ viewport, locale, javaScriptEnabled });
    if (javaScriptEnabled) await recordCSPViolations(context);
    const page = await context.newPage();
    const problems = watchPage(page, { allow });
    return { context, page, problems };
  }

  async function assertClean(page, problems, jsEnabled = true) {
    assert.deepEqual(problems, [], `the browser reported problems on ${page.url()}:\n${problems.join('\n')}`);
    if (jsEnabled) {
      const csp = await cspViolations(page);
      assert.deepEqual(csp, [], `CSP violations on ${page.url()}:\n${csp.join('\n')}`);
    }
  }

  async function assertNoAxeViolations(page, what) {
    const v = await runAxe(page);
    assert.equal(v.length, 0, `axe found ${v.length} WCAG 2.1 A/AA violation(s) on ${what}:\n${formatViolations(v)}`);
  }

  it('shows the home page in French by default, with the DEMO warning and a labelled sign-in form', T, async () => {
    const { context, page, problems } = await openPage();
    try {
      const res = await page.goto(filet.base + '/');
      assert.equal(res.status(), 200);
      assert.equal(await page.getAttribute('html', 'lang'), 'fr-CA');
      assert.match(await page.title(), /^Se connecter · filet$/);
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'filet');
      assert.equal(await page.getByRole('heading', { level: 2, name: 'Se connecter' }).count(), 1);
      assert.equal(await page.getByRole('button', { name: 'Se connecter' }).count(), 1);

      const banner = page.locator('.demo-banner');
      assert.ok(await banner.isVisible(), 'the DEMO banner is visible');
      const bannerText = await banner.innerText();
      assert.match(bannerText, /DÉMO — aucune donnée réelle/);
      assert.match(bannerText, /n’y saisissez jamais de vrais renseignements/);

      // Each field is reachable by its visible label (what a screen reader announces).
      for (const [label, id] of [['Nom d’utilisateur', 'username'], ['Mot de passe', 'password'], ['Code de vérification', 'totp']]) {
        const field = page.getByLabel(label, { exact: true });
        assert.equal(await field.count(), 1, `one field labelled "${label}"`);
        assert.equal(await field.getAttribute('id'), id);
        assert.ok(await field.isVisible(), `field "${label}" is visible`);
      }
      assert.equal(await page.getByRole('button', { name: 'English' }).getAttribute('lang'), 'en');
      // The stylesheets were applied (Pico sets the body font; app.css the banner colour).
      assert.equal(await banner.evaluate((e) => getComputedStyle(e).color), 'rgb(124, 45, 18)');

      await screenshot(page, 'home-fr.png');
      await assertClean(page, problems);
    } finally {
      await context.close();
    }
  });

  it('follows the browser language when it names English or French', T, async () => {
    for (const [locale, lang, heading] of [['en-US', 'en', 'Sign in'], ['fr-CA', 'fr-CA', 'Se connecter']]) {
      const { context, page, problems } = await openPage({ locale });
      try {
        await page.goto(filet.base + '/');
        assert.equal(await page.getAttribute('html', 'lang'), lang, `browser locale ${locale}`);
        assert.equal(await page.getByRole('heading', { level: 2 }).innerText(), heading);
        await assertClean(page, problems);
      } finally {
        await context.close();
      }
    }
  });

  it('switches to English with the language button, and the choice persists on reload', T, async () => {
    const { context, page, problems } = await openPage();
    try {
      await page.goto(filet.base + '/');
      assert.equal(await page.getAttribute('html', 'lang'), 'fr-CA');
      await Promise.all([
        page.waitForURL(filet.base + '/', { waitUntil: 'load' }),
        page.waitForResponse((r) => r.url() === filet.base + '/lang' && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'English' }).click(),
      ]);
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      assert.equal(await page.getByRole('heading', { level: 2 }).innerText(), 'Sign in');
      assert.ok(await page.getByLabel('Username', { exact: true }).isVisible());
      assert.match(await page.locator('.demo-banner').innerText(), /DEMO — no real data/);
      assert.equal(await page.getByRole('button', { name: 'Français' }).getAttribute('lang'), 'fr');

      await page.reload();
      assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice survives a reload');
      assert.equal(await page.getByRole('heading', { level: 2 }).innerText(), 'Sign in');
      const cookie = (await context.cookies()).find((c) => c.name === 'filet-lang');
      assert.ok(cookie, 'a filet-lang cookie was set');
      assert.equal(cookie.value, 'en');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Strict');

      await screenshot(page, 'home-en.png');
      await assertClean(page, problems);

      // And back to French.
      await Promise.all([
        page.waitForResponse((r) => r.url() === filet.base + '/lang'),
        page.getByRole('button', { name: 'Français' }).click(),
      ]);
      await page.waitForFunction(() => document.documentElement.lang === 'fr-CA');
      assert.equal(await page.getByRole('heading', { level: 2 }).innerText(), 'Se connecter');
      await assertClean(page, problems);
    } finally {
      await context.close();
    }
  });

  it('switches language with JavaScript disabled (plain form post)', T, async () => {
    const { context, page, problems } = await openPage({ javaScriptEnabled: false });
    try {
      await page.goto(filet.base + '/');
      assert.equal(await page.getAttribute('html', 'lang'), 'fr-CA');
      await Promise.all([
        page.waitForResponse((r) => r.url() === filet.base + '/lang' && r.status() === 303),
        page.getByRole('button', { name: 'English' }).click(),
      ]);
      await page.waitForLoadState('load');
      await page.locator('html[lang="en"]').waitFor({ state: 'attached', timeout: 5000 });
      assert.equal(await page.getByRole('heading', { level: 2 }).innerText(), 'Sign in');
      await page.reload();
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await assertClean(page, problems, false);
    } finally {
      await context.close();
    }
  });

  it('shows a translated 404 page without errors', T, async () => {
    // The page's own 404 status is expected; anything else is a problem.
    const allow = [/status of 404 .*\/no-such-page/];
    const { context, page, problems } = await openPage({ allow });
    try {
      const res = await page.goto(filet.base + '/no-such-page');
      assert.equal(res.status(), 404);
      assert.equal(await page.getAttribute('html', 'lang'), 'fr-CA');
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Page introuvable');
      assert.ok(await page.getByText('La page demandée n’existe pas').isVisible());
      const home = page.getByRole('link', { name: 'Retour à l’accueil' });
      assert.equal(await home.getAttribute('href'), '/');
      await screenshot(page, '404.png');
      await assertClean(page, problems);
      await Promise.all([page.waitForURL(filet.base + '/'), home.click()]);
      assert.equal(await page.getByRole('heading', { level: 2 }).innerText(), 'Se connecter');
    } finally {
      await context.close();
    }
  });

  it('fits a 390x844 phone screen without sideways scrolling', T, async () => {
    const { context, page, problems } = await openPage({ viewport: PHONE });
    try {
      await page.goto(filet.base + '/');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone screen`);
      for (const label of ['Nom d’utilisateur', 'Mot de passe', 'Code de vérification']) {
        const box = await page.getByLabel(label, { exact: true }).boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, `"${label}" fits on screen`);
      }
      assert.ok(await page.getByRole('button', { name: 'English' }).isVisible());
      assert.ok(await page.locator('.demo-banner').isVisible());
      await screenshot(page, 'home-phone.png');
      await assertClean(page, problems);
    } finally {
      await context.close();
    }
  });

  describe('axe-core: no WCAG 2.1 A/AA violations', () => {
    let context;
    before(async () => { context = await axeContext(browser, { locale: NEUTRAL_LOCALE }); });
    after(async () => { if (context) await context.close(); });

    async function check(path, what, { viewport = DESKTOP, lang } = {}) {
      const page = await context.newPage();
      try {
        await page.setViewportSize(viewport);
        if (lang) await context.addCookies([{ name: 'filet-lang', value: lang, url: filet.base }]);
        else await context.clearCookies();
        await page.goto(filet.base + path);
        assert.equal(await page.getAttribute('html', 'lang'), lang === 'en' ? 'en' : 'fr-CA', `${what} is in the expected language`);
        await assertNoAxeViolations(page, what);
      } finally {
        await page.close();
      }
    }

    it('home page in French', T, () => check('/', 'the French home page'));
    it('home page in English', T, () => check('/', 'the English home page', { lang: 'en' }));
    it('404 page', T, () => check('/no-such-page', 'the 404 page'));
    it('home page on a 390x844 phone', T, () => check('/', 'the phone-size home page', { viewport: PHONE }));
  });
});
