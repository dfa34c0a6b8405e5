// Need-to-know sharing in Chromium: the shelter worker shares a piece of
// information, choosing its legal basis after reading what it means (a
// refused form comes back with everything kept); the coordinator adds the
// police as a participant and opens the disclosure register; the police
// officer sees that the victim's consent keeps an item from them - only
// whom to ask. axe finds no WCAG 2.1 A/AA violation on the situation page
// (with its information and its forms) nor on the register; no page logs
// an error or breaks the CSP; each page is photographed on screen and in
// print, where the forms are gone and the restricted markers stay.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startFilet, request } from '../lib/filet.mjs';
import {
  launchBrowser, screenshot, watchPage, recordCSPViolations, cspViolations, DESKTOP, signIn,
  assertAccessible,
} from '../lib/browser.mjs';

const T = { timeout: 90000 };
const J = { 'Content-Type': 'application/json' };
// A form may look for a saved draft ("none yet" is a 404 Chromium logs);
// the refused form is a 422 on purpose; a download ends its navigation.
const ALLOW = [/status of 404 .*\/api\/v1\/drafts\//, /status of 422 .*\/information\)?/,
  /request failed: .*\/api\/v1\/disclosures\?format=csv.* net::ERR_ABORTED$/];
const ITEM = 'Trois appels au 911 depuis janvier; il a une arme à feu à la maison.';

// The page as printed: a screenshot, no form left, and what must stay.
async function printed(page, name) {
  await page.emulateMedia({ media: 'print' });
  await screenshot(page, name);
  for (const form of await page.locator('main form').all())
    assert.equal(await form.isVisible(), false, `${name}: a form is printed`);
  assert.equal(await page.locator('.site-header').isVisible(), false, `${name}: the navigation is printed`);
  assert.equal(await page.locator('main .print-only').first().isVisible(), true, `${name}: no confidentiality notice`);
  await page.emulateMedia({ media: 'screen' });
}

describe('need-to-know sharing in Chromium', () => {
  let f, browser, S, url;
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
      summary: 'Menaces de mort depuis la séparation; arme à feu au domicile.',
      persons: [
        { ref: 'v1', role: 'victim', given_name: 'Sophie', family_name: 'Tremblay', safe_address: '5 rue du Moulin, Nicolet' },
        { ref: 'p1', role: 'perpetrator', given_name: 'Marc', family_name: 'Bélanger' },
        { ref: 'c1', role: 'child', given_name: 'Émile', family_name: 'Bélanger', birth_date: '2018-04-02' }],
      relationships: [{ from: 'p1', to: 'v1', kind: 'ex_partner' }, { from: 'p1', to: 'c1', kind: 'parent' }],
      consent: { status: 'given', scope: 'la cellule', conditions: 'pas à la police', excluded_sectors: ['police'] },
    })).situation_id;
    url = `${f.base}/situations/${S}`;
    await call('coordo', 'POST', `/api/v1/situations/${S}/participants`, { agency_id: ids.dpj, basis: 'safety_exception',
      justification: 'Un enfant exposé aux menaces.' });
  });
  after(async () => { if (browser) await browser.close(); if (f) await f.stop(); });

  it('the shelter worker shares, choosing the legal basis after reading its explanation', T, async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'fr-CA' });
    await recordCSPViolations(context);
    const page = await context.newPage();
    const problems = watchPage(page, { allow: ALLOW });
    await signIn(page, f, 'refuge');
    await page.goto(url);
    await page.getByRole('heading', { name: 'Renseignements par organisme', level: 2 }).waitFor();
    assert.match(await page.locator('main').textContent(), /Aucun renseignement communiqué pour l’instant/);

    const form = page.locator('form[action$="/information#information"]');
    await form.getByLabel('Type de renseignement').selectOption({ label: 'Historique des incidents' });
    await form.getByLabel('Renseignement à communiquer').fill(ITEM);
    // The victim's consent does not reach the police: read what the safety exception allows.
    const safety = form.getByRole('radio', { name: 'Exception de sécurité' });
    const explain = page.locator(`#${await safety.getAttribute('aria-describedby')}`);
    assert.match(await explain.textContent(), /risque sérieux de mort ou de blessures graves/);
    assert.match(await explain.textContent(), /A-2\.1 art\. 59\.1/);
    await safety.check();
    await form.getByRole('button', { name: 'Enregistrer' }).click();

    // No justification: refused, nothing lost.
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /Rien n’a été enregistré/);
    assert.equal(await page.locator('#info-content').inputValue(), ITEM);
    assert.ok(await page.locator('#info-basis-safety_exception').isChecked());
    assert.equal(await page.locator('#info-category').inputValue(), 'incident_history');
    await alert.getByRole('link').first().click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'info-justification');
    await page.locator('#info-justification').fill('Arme à feu et menaces de mort : risque sérieux et imminent pour elle et l’enfant.');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForURL(/\?shared=1#information$/);
    await page.getByRole('status').filter({ hasText: 'Le renseignement a été communiqué' }).waitFor();
    const info = page.locator('#information');
    assert.match(await info.textContent(), new RegExp(ITEM.slice(0, 30)));
    assert.match(await info.textContent(), /Fondement juridique : Exception de sécurité/);
    assert.match(await info.textContent(), /Maison d’hébergement La Traversée/);

    // A sensitive item: for the shelter and the coordinators only.
    await page.locator('#info-category').selectOption('housing');
    await page.locator('#info-content').fill('Hébergée à la maison La Traversée jusqu’au 15 mars.');
    await page.locator('#info-basis-consent').check();
    await page.getByLabel(/Sensible : seuls mon organisme/).check();
    await page.getByLabel('Valide jusqu’au (facultatif)').fill('2031-03-15');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForURL(/\?shared=1#information$/);
    assert.match(await info.textContent(), /Valide jusqu’au 15 mars 2031/);

    // And a decision not to share.
    await page.locator('#info-category').selectOption('health');
    await page.getByLabel('Ne pas communiquer — consigner la décision').check();
    await page.getByLabel('Motif de la non-communication').fill('Elle refuse que son suivi médical soit communiqué.');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForURL(/\?withheld=1#information$/);
    assert.match(await info.textContent(), /Non communiqué : la décision est consignée\. Motif : Elle refuse/);
    assert.match(await page.locator('#history').textContent(), /Décision de ne pas communiquer consignée — Santé/);

    const cookies = await context.cookies();
    await assertAccessible(browser, url, cookies, 'situation page with information and the form');
    await screenshot(page, 'sharing-situation');
    await printed(page, 'sharing-situation-print');
    assert.deepEqual(problems, []);
    assert.deepEqual(await cspViolations(page), []);
    await context.close();
  });

  it('the coordinator adds the police as a participant and opens the register', T, async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'fr-CA' });
    await recordCSPViolations(context);
    const page = await context.newPage();
    const problems = watchPage(page, { allow: ALLOW });
    await signIn(page, f, 'coordo');
    await page.goto(url);
    const coordination = page.locator('#coordination');
    await coordination.getByRole('heading', { name: 'Ajouter un organisme à la situation' }).waitFor();
    const cookies = await context.cookies();
    await assertAccessible(browser, url, cookies, 'situation page with the coordinator\'s forms');
    await screenshot(page, 'sharing-situation-coordinator');

    const add = page.locator('form[action$="/participants"]');
    await add.getByLabel('Organisme').selectOption(ids.police);
    const radio = add.getByRole('radio', { name: 'Exception de sécurité' });
    assert.match(await page.locator(`#${await radio.getAttribute('aria-describedby')}`).textContent(), /sentiment d’urgence/);
    await radio.check();
    await add.getByLabel('Pourquoi ce fondement s’applique').fill('Arme à feu au domicile : la police doit pouvoir intervenir.');
    await add.getByRole('button', { name: 'Ajouter l’organisme' }).click();
    await page.waitForURL(/\?participant=1#participants$/);
    await page.getByRole('status').filter({ hasText: 'L’organisme participe maintenant à la situation.' }).waitFor();
    assert.match(await page.locator('#participants').textContent(), /Service de police[^]*Exception de sécurité/);

    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Registre des communications' }).click();
    await page.getByRole('heading', { name: 'Registre des communications', level: 1 }).waitFor();
    const table = page.locator('table.register');
    assert.match(await table.textContent(), /Historique des incidents[^]*Communiqué[^]*Exception de sécurité/);
    assert.match(await table.textContent(), /Non communiqué[^]*Elle refuse que son suivi/);
    assert.match(await table.textContent(), /Exception de sécurité\s*Tous les participants/);
    assert.match(await table.textContent(), /Logement[^]*Consentement de la victime\s*Maison d’hébergement La Traversée \(démo\)\s*sauf : Police/);
    assert.doesNotMatch(await table.textContent(), /Trois appels au 911/, 'never the contents');
    await page.getByLabel('Situation (identifiant)').fill(S);
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(new RegExp(`/disclosures\\?situation_id=${S}$`));
    const exportLink = page.getByRole('link', { name: 'Exporter en CSV' });
    assert.equal(await exportLink.getAttribute('href'), `/api/v1/disclosures?format=csv&situation_id=${S}`);
    const [download] = await Promise.all([page.waitForEvent('download'), exportLink.click()]);
    assert.equal(download.suggestedFilename(), 'filet-disclosures.csv', 'the export with the cookie session');
    const csv = readFileSync(await download.path(), 'utf8');
    assert.match(csv, /"at","situation_id","category","shared"/);
    assert.doesNotMatch(csv, /Trois appels au 911/, 'never the contents');
    await assertAccessible(browser, page.url(), cookies, 'disclosure register');
    await screenshot(page, 'disclosure-register');
    await printed(page, 'disclosure-register-print');
    assert.deepEqual(problems, []);
    assert.deepEqual(await cspViolations(page), []);
    await context.close();
  });

  it('the police officer sees only whom to ask for what the victim refused to share with police', T, async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'fr-CA' });
    await recordCSPViolations(context);
    const page = await context.newPage();
    const problems = watchPage(page, { allow: ALLOW });
    await signIn(page, f, 'police');
    await page.goto(url);
    const info = page.locator('#information');
    await info.waitFor();
    const restricted = info.locator('.restricted');
    assert.ok(await restricted.count() >= 1);
    assert.match(await restricted.first().textContent(), /Accès restreint — adressez-vous à Maison d’hébergement La Traversée/);
    assert.match(await info.textContent(), /Trois appels au 911/, 'the item shared under the safety exception reaches police');
    assert.doesNotMatch(await page.content(), /Hébergée à la maison La Traversée/, 'the sensitive value never reaches the page');
    assert.doesNotMatch(await page.content(), /5 rue du Moulin/);
    await assertAccessible(browser, url, await context.cookies(), 'situation page with restricted items');
    await screenshot(page, 'sharing-situation-restricted');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await restricted.first().isVisible(), true, 'the restricted marker is printed');
    await page.emulateMedia({ media: 'screen' });
    await printed(page, 'sharing-situation-restricted-print');
    assert.deepEqual(problems, []);
    assert.deepEqual(await cspViolations(page), []);
    await context.close();
  });
});
