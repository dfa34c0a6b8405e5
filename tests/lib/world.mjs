// A small, fixed world for access tests, built through the public API of a
// demo server (startFilet()): the demo territory T1 and a second territory
// T2 (its own coordinator and practitioner), and two situations of T1 whose
// sensitive values are known strings, so a test can search any answer for
// them.
//
//   S  referred by "refuge" (shelter): a victim with a safe address and
//      phone, a perpetrator; consent given "not to police". The coordinator
//      adds dpj (safety exception), cavac and the spare agency A, then
//      excludes the cavac user by name. Refuge shares one item under
//      consent (all participants) and one sensitive item for its own agency
//      only; two assessments lowered by judgement wait for approval.
//      police and programme do not take part.
//   S2 referred by "refuge", consent "not to police"; the coordinator adds
//      police on the basis of consent. Refuge shares one item under consent
//      (so not for police) and one under the safety exception (police too).
//   M  an urgent meeting of T1: dpj invited, S on the agenda; S3 a third
//      situation of refuge for the agenda route.
import { randomInt } from 'node:crypto';
import { request } from './filet.mjs';

const J = { 'Content-Type': 'application/json' };

// Only [A-Za-z0-9 -]: the same bytes in JSON and in HTML, never escaped.
export const SECRETS = {
  addrS: '418 chemin Zephyrin-Qwx Shawinigan',
  phoneS: '819-555-7301',
  consentS: 'Consent item S Kwazulu-7Hq menaces repetees',
  sensS: 'Sensitive item S Jolicoeur-4Vx adresse du refuge',
  exclReason: 'Exclusion reason Brzezinski-9Tk cousin of the perpetrator',
  addrS2: '77 rang Yamachiche-Pvj Louiseville',
  phoneS2: '819-555-7302',
  consentS2: 'Consent item S2 Oxbridge-3Lm not for police',
  safetyS2: 'Safety item S2 Quimper-8Rd firearm at home',
};

export const PASSWORD = 'Matrice-passe-7QnLx92z';

// 26 characters of [a-z2-7]: looks like an id, names nothing.
export function randomId() {
  const a = 'abcdefghijklmnopqrstuvwxyz234567';
  let s = '';
  for (let i = 0; i < 26; i++) s += a[randomInt(32)];
  return s;
}

export async function buildWorld(f) {
  const tok = {};
  for (const u of f.demoData.users) tok[u.username] = await f.login(u.username);
  const call = async (u, method, path, body, want) => {
    const r = await request(f.port, { method, path, headers: { ...J, Authorization: `Bearer ${tok[u]}` },
      body: body === undefined ? undefined : JSON.stringify(body) });
    if (want && r.status !== want) throw new Error(`world: ${u} ${method} ${path}: ${r.status} ${r.body}`);
    return r.body ? JSON.parse(r.body) : null;
  };

  const T1 = (await call('admin', 'GET', '/api/v1/territories', undefined, 200)).territories[0].id;
  const T2 = (await call('admin', 'POST', '/api/v1/territories', { name: 'Territoire matrice T2', timezone: 'America/Montreal' }, 201)).id;
  const agency = async (name, sector, territory) => (await call('admin', 'POST', '/api/v1/agencies', { name, sector, territory }, 201)).id;
  const agT2 = await agency('Maison matrice T2', 'shelter', T2);
  const agA = await agency('Agence matrice A', 'housing', T1);
  const agB = await agency('Agence matrice B', 'education', T1);
  const user = (username, agency_id, role) =>
    call('admin', 'POST', '/api/v1/users', { username, display_name: username, agency_id, role, password: PASSWORD }, 201);
  await user('coord2', agT2, 'coordinator');
  await user('prac2', agT2, 'practitioner');
  await user('spare', agA, 'practitioner'); // an exclusion target
  await user('spare2', agA, 'practitioner'); // the target of account operations
  for (const u of ['coord2', 'prac2']) tok[u] = await f.login(u, { password: PASSWORD });

  const users = {}, agencyOf = {};
  for (const u of (await call('admin', 'GET', '/api/v1/users', undefined, 200)).users) {
    users[u.username] = u.id;
    agencyOf[u.username] = u.agency_id;
  }

  const referral = (tag, addr, phone) => ({
    summary: `Situation matrice ${tag}`,
    persons: [
      { ref: 'v1', role: 'victim', given_name: 'Victime', family_name: `Matrice ${tag}`, safe_address: addr, safe_phone: phone },
      { ref: 'p1', role: 'perpetrator', given_name: 'Auteur', family_name: `Matrice ${tag}` },
    ],
    consent: { status: 'given', scope: 'la cellule', conditions: 'pas a la police', excluded_sectors: ['police'] },
  });
  const S = (await call('refuge', 'POST', '/api/v1/referrals', referral('S', SECRETS.addrS, SECRETS.phoneS), 201)).situation_id;
  const S2 = (await call('refuge', 'POST', '/api/v1/referrals', referral('S2', SECRETS.addrS2, SECRETS.phoneS2), 201)).situation_id;

  const participant = (sid, agency_id, basis) => call('coordo', 'POST', `/api/v1/situations/${sid}/participants`,
    { agency_id, basis, justification: 'Risque sérieux de mort ou de blessures graves, urgence.' }, 201);
  await participant(S, agencyOf.dpj, 'safety_exception');
  await participant(S, agencyOf.cavac, 'consent');
  await participant(S, agA, 'consent');
  await call('coordo', 'POST', `/api/v1/situations/${S}/exclusions`, { user_id: users.cavac, reason: SECRETS.exclReason }, 201);
  await participant(S2, agencyOf.police, 'consent');

  const item = async (sid, body) => (await call('refuge', 'POST', `/api/v1/situations/${sid}/information`, body, 201)).id;
  const items = {
    consentS: await item(S, { category: 'incident_history', content: SECRETS.consentS, basis: 'consent' }),
    sensS: await item(S, { category: 'housing', content: SECRETS.sensS, basis: 'safety_exception',
      justification: 'Menaces de mort.', sensitive: true, visible_to: [agencyOf.refuge] }),
    consentS2: await item(S2, { category: 'incident_history', content: SECRETS.consentS2, basis: 'consent' }),
    safetyS2: await item(S2, { category: 'weapons_access', content: SECRETS.safetyS2, basis: 'safety_exception',
      justification: 'Arme à feu au domicile : risque sérieux et imminent.' }),
  };

  // Two assessments lowered by professional judgement: one to approve
  // through the API, one through the page.
  const dash = await call('refuge', 'GET', '/api/v1/instruments/dash-24-structure', undefined, 200);
  const answers = Object.fromEntries(dash.items.slice(0, 15).map((i) => [i.id, 'yes']));
  const lowered = async () => (await call('refuge', 'POST', `/api/v1/situations/${S}/assessments`,
    { instrument: 'dash-24-structure', answers, judgement: { level: 'medium', reason: 'Il est incarcéré.' } }, 201)).id;
  const AID = await lowered(), AID2 = await lowered();

  const view = await call('refuge', 'GET', `/api/v1/situations/${S}`, undefined, 200);
  const view2 = await call('refuge', 'GET', `/api/v1/situations/${S2}`, undefined, 200);
  const victim = view.persons.find((p) => p.ref === 'v1').id;
  const victim2 = view2.persons.find((p) => p.ref === 'v1').id;

  // A meeting M of T1, urgent, with dpj invited and S on its agenda; S3, a
  // third situation of refuge, waits to be put on the agenda.
  const M = (await call('coordo', 'POST', '/api/v1/meetings', { kind: 'urgent', starts_at: '2031-01-15T14:00:00Z',
    invited: [agencyOf.dpj] }, 201)).id;
  await call('coordo', 'POST', `/api/v1/meetings/${M}/agenda`, { situation_id: S }, 201);
  const S3 = (await call('refuge', 'POST', '/api/v1/referrals', {
    summary: 'Situation matrice S3', consent: { status: 'given' }, perpetrator_unknown: true,
    persons: [{ role: 'victim', given_name: 'Victime', family_name: 'Matrice S3' }] }, 201)).situation_id;

  return { tok, T1, T2, agT2, agA, agB, users, agencyOf, S, S2, S3, M, items, AID, AID2, victim, victim2,
    MISSING: randomId() };
}
