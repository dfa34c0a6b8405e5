// The access matrix: who may do what to a situation, generated from tables.
//
// One world (tests/lib/world.mjs): situation S referred by the shelter, with
// dpj and cavac taking part, the cavac user excluded by name, police and the
// perpetrator programme outside; S2 with police taking part on the victim's
// consent, which says "not to police"; a second territory with its own
// coordinator and practitioner.
//
// Tables, read top to bottom:
//   API and PAGES  route rows x caller columns -> the expected status; each
//                  cell is one case "<caller> <METHOD path> -> <status>".
//   SENSITIVE      each secret value x each caller who may open the
//                  situation -> sees the value, or only that it is restricted.
// Every answer of every case is also searched for the secrets the caller may
// not read there and for the id of a situation the caller may not see; a 404
// for a situation that exists must be byte-identical to the 404 for one that
// does not; every refusal must leave an access_refused row in the audit
// trail, and an excluded user's attempts an alert for the coordinator.
// Rows whose route `filet routes --json` does not list are left out (pages
// are being added), and a route of scope without a row fails the coverage
// case.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request, cli } from '../lib/filet.mjs';
import { buildWorld, SECRETS, PASSWORD } from '../lib/world.mjs';

// --- the callers: their relation to S ---------------------------------------
const CALLERS = {
  ref: 'refuge',       // the referrer (shelter)
  part: 'dpj',         // a participating agency (safety exception)
  pol: 'police',       // not taking part in S (takes part in S2, on consent)
  prog: 'programme',   // not taking part (perpetrator programme)
  excl: 'cavac',       // excluded by name; the agency takes part
  coord: 'coordo',     // coordinator of the territory
  coord2: 'coord2',    // coordinator of another territory
  prac2: 'prac2',      // practitioner of another territory
  admin: 'admin',
  audit: 'audit',      // auditor
  anon: null,          // no credentials
};
const COLS = Object.keys(CALLERS);
const who = (col) => CALLERS[col] ?? 'anonymous';

// --- the API: expected status per caller -------------------------------------
// Options: reveals  secrets an entitled caller finds in a 200 answer;
//          lists    {S, S2}: the callers whose 200 answer names that situation
//                   (all others must not);
//          trail    the audit trail or the disclosure register: the auditor
//                   may find ids of situations there.
const API = [
  // route                                                         ref part pol prog excl coord co2 pr2 admin audit anon
  ['GET /api/v1/situations',                                       '200 200 200 200 200 200 200 200 200 200 401', { lists: { S: 'ref part coord', S2: 'ref pol coord' } }],
  ['GET /api/v1/situations/{MISSING}',                             '404 404 404 404 404 404 404 404 404 404 401'],
  ['GET /api/v1/situations/{S}',                                   '200 200 404 404 404 200 404 404 404 404 401', { reveals: ['addrS', 'phoneS', 'consentS', 'sensS'] }],
  ['GET /api/v1/situations/{S2}',                                  '200 404 200 404 404 200 404 404 404 404 401', { reveals: ['addrS2', 'phoneS2', 'consentS2', 'safetyS2'] }],
  ['GET /api/v1/situations/{S}/participants',                      '200 200 404 404 404 200 404 404 404 404 401'],
  ['GET /api/v1/situations/{S}/information',                       '200 200 404 404 404 200 404 404 404 404 401', { reveals: ['consentS', 'sensS'] }],
  ['GET /api/v1/situations/{S2}/information',                      '200 404 200 404 404 200 404 404 404 404 401', { reveals: ['consentS2', 'safetyS2'] }],
  ['POST /api/v1/situations/{S}/assessments',                      '201 201 404 404 404 201 404 404 404 404 401'],
  ['POST /api/v1/situations/{S}/information',                      '201 201 404 404 404 201 404 404 404 404 401'],
  ['POST /api/v1/situations/{S2}/information',                     '201 404 201 404 404 201 404 404 404 404 401'],
  ['POST /api/v1/situations/{S}/triage',                           '403 403 404 404 404 200 404 404 404 404 401'],
  // The coordinator's close uses a stale version (409): the gate is what is
  // tested here, and S must stay open for the other rows.
  ['POST /api/v1/situations/{S}/close',                            '403 403 404 404 404 409 404 404 404 404 401'],
  // the review date: a stale version too (409), so S keeps no review date.
  ['PATCH /api/v1/situations/{S}/review',                          '403 403 404 404 404 409 404 404 404 404 401'],
  ['POST /api/v1/situations/{S}/assessments/{AID}/approve',        '403 403 404 404 404 200 404 404 404 404 401'],
  ['POST /api/v1/situations/{S}/participants',                     '403 403 404 404 404 201 404 404 404 404 401'],
  ['PATCH /api/v1/situations/{S}/participants/{AGA}',              '403 403 404 404 404 200 404 404 404 404 401'],
  ['POST /api/v1/situations/{S}/exclusions',                       '403 403 404 404 404 201 404 404 404 404 401'],
  ['PUT /api/v1/situations/{S}/persons/{P}/contact-visibility',    '403 403 404 404 404 200 404 404 404 404 401'],
  // the safety net (actions.c): ACT is owned by refuge; its PATCH bodies
  // carry the version each allowed caller finds (refuge first, then coordo).
  ['POST /api/v1/situations/{S}/actions',                          '201 201 404 404 404 201 404 404 404 404 401'],
  ['GET /api/v1/situations/{S}/actions',                           '200 200 404 404 404 200 404 404 404 404 401'],
  ['PATCH /api/v1/actions/{ACT}',                                  '200 403 404 404 404 200 404 404 404 404 401'],
  ['GET /api/v1/actions?mine=1',                                   '200 200 200 200 200 200 200 200 200 200 401', { lists: { S: 'ref' } }],
  ['GET /api/v1/suggested-actions',                                '200 200 200 200 200 200 200 200 200 200 401'],
  ['POST /api/v1/referrals',                                       '201 201 201 201 201 201 201 201 403 403 401'],
  ['GET /api/v1/triage',                                           '403 403 403 403 403 200 200 403 403 403 401'],
  ['GET /api/v1/alerts',                                           '200 200 200 200 200 200 200 200 200 200 401'],
  ['GET /api/v1/disclosures',                                      '403 403 403 403 403 200 200 403 403 200 401', { trail: true }],
  ['GET /api/v1/disclosures?situation_id={S}',                     '403 403 403 403 403 200 200 403 403 200 401', { trail: true, lists: { S: 'coord audit' } }],
  ['GET /api/v1/legal-bases',                                      '200 200 200 200 200 200 200 200 200 200 401'],
  ['GET /api/v1/audit',                                            '403 403 403 403 403 403 403 403 403 200 401', { trail: true }],
  ['GET /api/v1/audit?object_type=situation&object_id={S}',        '403 403 403 403 403 403 403 403 403 200 401', { trail: true, lists: { S: 'audit' } }],
  ['GET /api/v1/territories',                                      '200 200 200 200 200 200 200 200 200 200 401'],
  ['POST /api/v1/territories',                                     '403 403 403 403 403 403 403 403 201 403 401'],
  ['PATCH /api/v1/territories/{T2}',                               '403 403 403 403 403 403 403 403 200 403 401'],
  ['GET /api/v1/agencies',                                         '200 200 200 200 200 200 200 200 200 200 401'],
  ['POST /api/v1/agencies',                                        '403 403 403 403 403 403 403 403 201 403 401'],
  ['GET /api/v1/users',                                            '403 403 403 403 403 403 403 403 200 403 401'],
  ['POST /api/v1/users',                                           '403 403 403 403 403 403 403 403 201 403 401'],
  ['POST /api/v1/users/{SPARE2}/disable',                          '403 403 403 403 403 403 403 403 200 403 401'],
  ['POST /api/v1/users/{SPARE2}/enable',                           '403 403 403 403 403 403 403 403 200 403 401'],
  ['POST /api/v1/users/{SPARE2}/reset-mfa',                        '403 403 403 403 403 403 403 403 200 403 401'],
  // cell meetings: M is urgent, of T1, with dpj (part) invited and S on its agenda
  ['GET /api/v1/meetings',                                         '200 200 200 200 200 200 200 200 403 403 401'],
  ['POST /api/v1/meetings',                                        '403 403 403 403 403 201 403 403 403 403 401'],
  ['GET /api/v1/meetings/{M}',                                     '404 200 404 404 404 200 404 404 404 404 401'],
  ['POST /api/v1/meetings/{M}/invitations',                        '404 403 404 404 404 201 404 404 404 404 401'],
  ['POST /api/v1/meetings/{M}/agenda',                             '404 403 404 404 404 201 404 404 404 404 401'],
  ['POST /api/v1/meetings/{M}/attendance',                         '404 201 404 404 404 201 404 404 404 404 401'],
  ['POST /api/v1/meetings/{M}/minutes',                            '404 403 404 404 404 201 404 404 404 404 401'],
  ['GET /api/v1/meetings/{M}/calendar.ics',                        '404 200 404 404 404 200 404 404 404 404 401'],
  // (alerts and digest rows)
  // dealing with a stored alert: the territory's coordinator (none is open with that id: 404)
  ['POST /api/v1/alerts/{MISSING}/resolve',                        '403 403 403 403 403 404 404 403 403 403 401'],
  ['PATCH /api/v1/users/{SPARE2}',                                 '403 403 403 403 403 403 403 403 200 403 401'],

  // (meeting follow-up rows)
  ['GET /api/v1/meetings/{M}/research',                            '404 200 404 404 404 200 404 404 404 404 401'],
  ['POST /api/v1/meetings/{M}/research',                           '404 201 404 404 404 201 404 404 404 404 401'],

  // (indicators rows)
  ['GET /api/v1/indicators',                                       '403 403 403 403 403 200 200 403 200 200 401'],
  ['GET /api/v1/indicators?territory={T2}',                        '403 403 403 403 403 403 200 403 200 403 401'],

  // (evaluations rows)
  // practitioner evaluations: M starts in 2031, so its one attendee (dpj,
  // recorded present above) gets 422 "not started"; the coordinator sees M
  // but her agency is not present (403); nobody else sees M (404).
  ['GET /api/v1/evaluations/pending',                              '200 200 200 200 200 200 200 200 403 403 401'],
  ['POST /api/v1/meetings/{M}/evaluation',                         '404 422 404 404 404 403 404 404 404 404 401'],
  ['GET /api/v1/evaluations/results',                              '403 403 403 403 403 200 200 403 200 200 401'],
  ['GET /api/v1/evaluations/results?territory={T2}',               '403 403 403 403 403 403 200 403 200 403 401'],
];

// Request bodies: valid for an allowed caller, and fresh for each caller so
// that no write repeats another (w: the world, col: the caller).
const BODIES = {
  'POST /api/v1/situations/{S}/assessments': () => ({ instrument: 'dash-24-structure', answers: {} }),
  'POST /api/v1/situations/{S}/information': (w, col) => ({ category: 'other', content: `Note de ${col}`, basis: 'consent' }),
  'POST /api/v1/situations/{S2}/information': (w, col) => ({ category: 'other', content: `Note S2 de ${col}`,
    basis: 'safety_exception', justification: 'Risque sérieux et imminent.' }),
  'POST /api/v1/situations/{S}/triage': (w, col) => ({ route: 'urgent_cell', reason: `Décision de ${col}` }),
  'POST /api/v1/situations/{S}/close': () => ({ reason: 'risk_reduced', version: 0 }),
  'PATCH /api/v1/situations/{S}/review': () => ({ review_on: '2099-12-31', version: 0 }),
  'POST /api/v1/situations/{S}/participants': (w) => ({ agency_id: w.agB, basis: 'safety_exception', justification: 'Logement à trouver.' }),
  'PATCH /api/v1/situations/{S}/participants/{AGA}': () => ({ ends_on: '2099-12-31' }),
  'POST /api/v1/situations/{S}/exclusions': (w) => ({ user_id: w.users.spare, reason: 'Voisin de la personne violente.' }),
  'PUT /api/v1/situations/{S}/persons/{P}/contact-visibility': (w) => ({ visible_to: [w.agencyOf.refuge] }),
  'POST /api/v1/situations/{S}/actions': (w, col) => ({ title: `Action de ${col}`, phase: 'first_contact_safety',
    protects: 'v1', owner_agency_id: w.agencyOf.refuge }),
  'PATCH /api/v1/actions/{ACT}': (w, col) => ({ status: 'in_progress', note: `Suivi de ${col}`, version: col === 'coord' ? 2 : 1 }),
  'POST /api/v1/referrals': (w, col) => ({ summary: `Signalement de ${col}`, consent: { status: 'given' },
    perpetrator_unknown: true, persons: [{ role: 'victim', given_name: `Victime ${col}` }] }),
  'POST /api/v1/territories': (w, col) => ({ name: `Territoire de ${col}` }),
  'PATCH /api/v1/territories/{T2}': () => ({ target_urgent_hours: 48 }),
  'POST /api/v1/agencies': (w, col) => ({ name: `Agence de ${col}`, sector: 'other', territory: w.T2 }),
  'POST /api/v1/users': (w, col) => ({ username: `nouveau-${col}`, agency_id: w.agT2, role: 'practitioner', password: PASSWORD }),
  'POST /api/v1/meetings': (w) => ({ kind: 'scheduled', starts_at: '2031-02-01T13:00:00Z', territory: w.T1 }),
  'POST /api/v1/meetings/{M}/invitations': (w) => ({ agency_id: w.agB }),
  'POST /api/v1/meetings/{M}/agenda': (w) => ({ situation_id: w.S3 }),
  'POST /api/v1/meetings/{M}/attendance': (w) => ({ agency_id: w.agencyOf.dpj, undertaking_accepted: true }),
  'POST /api/v1/meetings/{M}/minutes': (w, col) => ({ situation_id: w.S, text: `Compte rendu de ${col}`, decisions: 'Suivi.' }),
  // (alerts and digest bodies)
  'PATCH /api/v1/users/{SPARE2}': (w, col) => ({ email: `spare2-${col}@example.org` }),

  // (meeting follow-up bodies)
  'POST /api/v1/meetings/{M}/research': (w, col) => ({ situation_id: w.S, category: 'other', content: `Recherche de ${col}`,
    basis: 'consent' }),

  // (indicators bodies)

  // (evaluations bodies)
  'POST /api/v1/meetings/{M}/evaluation': () => ({ answers: { safety: 4 } }),
};

// --- the pages (cookie session): anonymous visitors are sent home (303) ------
// Option to: where a successful form sends the caller (303).
const PAGES = [
  // route                                                         ref part pol prog excl coord co2 pr2 admin audit anon
  ['GET /situations',                                              '200 200 200 200 200 200 200 200 200 200 303', { lists: { S: 'ref part coord', S2: 'ref pol coord' } }],
  ['GET /situations/{MISSING}',                                    '404 404 404 404 404 404 404 404 404 404 303'],
  ['GET /situations/{S}',                                          '200 200 404 404 404 200 404 404 404 404 303', { reveals: ['addrS', 'phoneS'], mayReveal: ['consentS', 'sensS'] }],
  ['GET /situations/{S2}',                                         '200 404 200 404 404 200 404 404 404 404 303', { reveals: ['addrS2', 'phoneS2'], mayReveal: ['consentS2', 'safetyS2'] }],
  ['GET /situations/{S}/assess',                                   '200 200 404 404 404 200 404 404 404 404 303'],
  ['POST /situations/{S}/assess',                                  '303 303 404 404 404 303 404 404 404 404 303', { to: '/situations/{S}?assessed=' }],
  ['POST /situations/{S}/triage',                                  '403 403 404 404 404 303 404 404 404 404 303', { to: '/situations/{S}?triaged=1' }],
  ['POST /situations/{S}/assessments/{AID2}/approve',              '403 403 404 404 404 303 404 404 404 404 303', { to: '/situations/{S}?approved=1' }],
  ['GET /triage',                                                  '403 403 403 403 403 200 200 403 403 403 303'],
  ['GET /referrals/new',                                           '200 200 200 200 200 200 200 200 403 403 303'],
  ['GET /audit',                                                   '403 403 403 403 403 403 403 403 403 200 303', { trail: true }],
  ['GET /admin',                                                   '403 403 403 403 403 403 403 403 200 403 303'],
  // sharing pages: the situation's forms and the disclosure register
  ['POST /situations/{S}/information',                             '303 303 404 404 404 303 404 404 404 404 303', { to: '/situations/{S}?shared=1' }],
  ['POST /situations/{S2}/information',                            '303 404 303 404 404 303 404 404 404 404 303', { to: '/situations/{S2}?shared=1' }],
  ['POST /situations/{S}/participants',                            '403 403 404 404 404 303 404 404 404 404 303', { to: '/situations/{S}?participant=1' }],
  ['POST /situations/{S}/exclusions',                              '403 403 404 404 404 303 404 404 404 404 303', { to: '/situations/{S}?excluded=1' }],
  ['POST /situations/{S}/persons/{P}/contact-visibility',          '403 403 404 404 404 303 404 404 404 404 303', { to: '/situations/{S}?contacts=1' }],
  // A stale version (409) brings the coordinator's page back; S stays open.
  ['POST /situations/{S}/close',                                   '403 403 404 404 404 409 404 404 404 404 303', { mayReveal: ['addrS', 'phoneS', 'consentS', 'sensS'] }],
  ['GET /disclosures',                                             '403 403 403 403 403 200 200 403 403 200 303', { trail: true }],
  // safety-net pages (action_pages.c): ACT is owned by refuge; the API rows
  // above moved it to version 3 (refuge, then coordo)
  ['POST /situations/{S}/actions',                                 '303 303 404 404 404 303 404 404 404 404 303', { to: '/situations/{S}?action_added=1' }],
  ['POST /situations/{S}/actions/{ACT}',                           '303 403 404 404 404 303 404 404 404 404 303', { to: '/situations/{S}?action_updated=1' }],
  ['GET /actions',                                                 '200 200 200 200 200 200 200 200 200 200 303'],
  // meeting pages: M (urgent, dpj invited, S and S3 on the agenda); the form
  // convenes in the caller's own territory, so coord2 may too. S3 is on the
  // agenda already (the API row), so the coordinator's form gets 409.
  ['GET /meetings',                                                '200 200 200 200 200 200 200 200 403 403 303'],
  ['POST /meetings',                                               '403 403 403 403 403 303 303 403 403 403 303', { to: '/meetings/' }],
  ['GET /meetings/{M}',                                            '404 200 404 404 404 200 404 404 404 404 303'],
  ['POST /meetings/{M}/attendance',                                '404 303 404 404 404 303 404 404 404 404 303', { to: '/meetings/{M}?present=1' }],
  ['POST /meetings/{M}/agenda',                                    '404 403 404 404 404 409 404 404 404 404 303'],
  ['GET /meetings/{M}/screen',                                     '404 200 404 404 404 200 404 404 404 404 303', { mayReveal: ['consentS', 'sensS'] }],
  ['POST /meetings/{M}/minutes',                                   '404 403 404 404 404 303 404 404 404 404 303', { to: '/meetings/{M}/screen?item=' }],
  // (alerts and digest pages)
  ['POST /alerts/{MISSING}/resolve',                               '403 403 403 403 403 404 404 403 403 403 303'],
  ['GET /alerts',                                                  '200 200 200 200 200 200 200 200 200 200 303'],

  // (meeting follow-up pages)
  ['GET /meetings/{M}/minutes',                                    '404 200 404 404 404 200 404 404 404 404 303'],
  ['POST /admin/territories/{T2}/settings',                         '403 403 403 403 403 403 403 403 303 403 303', { to: '/admin?settings=1' }],
  ['POST /meetings/{M}/research',                                  '404 303 404 404 404 303 404 404 404 404 303', { to: '/meetings/{M}?researched=1' }],

  // (indicators pages)
  ['GET /indicators',                                              '403 403 403 403 403 200 200 403 200 200 303'],
  ['GET /indicators?territory={T2}',                               '403 403 403 403 403 403 200 403 200 403 303'],
  ['GET /indicators/{CSV}?territory={T2}',                         '403 403 403 403 403 403 200 403 200 403 303'],
  ['GET /indicators/report?territory={T2}',                        '403 403 403 403 403 403 200 403 200 403 303'],

  // (evaluations pages)
  ['GET /evaluations',                                             '200 200 200 200 200 200 200 200 403 403 303'],
  ['POST /evaluations/{M}',                                        '404 422 404 404 404 403 404 404 404 404 303'],
  ['GET /evaluations/results',                                     '403 403 403 403 403 200 200 403 200 200 303'],
  ['GET /evaluations/results.csv',                                 '403 403 403 403 403 200 200 403 200 200 303'],
];
const FORMS = {
  'POST /situations/{S}/assess': () => ({ instrument: 'dash-24-structure', instrument_version: '1' }),
  'POST /situations/{S}/triage': (w, col) => ({ route: 'conference', reason: `Décision de ${col} (page)` }),
  'POST /situations/{S}/information': (w, col) => ({ category: 'other', content: `Note de ${col} (page)`, basis: 'consent' }),
  'POST /situations/{S2}/information': (w, col) => ({ category: 'other', content: `Note S2 de ${col} (page)`,
    basis: 'safety_exception', justification: 'Risque sérieux et imminent.' }),
  'POST /situations/{S}/participants': (w) => ({ agency_id: w.agB, basis: 'safety_exception', justification: 'Logement à trouver.' }),
  'POST /situations/{S}/exclusions': (w) => ({ user_id: w.users.spare2, reason: 'Collègue de la personne violente.' }),
  'POST /situations/{S}/persons/{P}/contact-visibility': (w) => ({ agency: w.agencyOf.refuge }),
  'POST /situations/{S}/close': () => ({ reason: 'risk_reduced', version: '0' }),
  'POST /situations/{S}/actions': (w, col) => ({ title: `Action de ${col} (page)`, phase: 'first_contact_safety',
    protects: w.victim, owner_agency_id: w.agencyOf.refuge }),
  'POST /situations/{S}/actions/{ACT}': (w, col) => ({ status: 'in_progress', note: `Suivi de ${col} (page)`,
    version: col === 'coord' ? '4' : '3' }),
  'POST /meetings': () => ({ kind: 'scheduled', starts_at: '2031-02-01T13:00', place: 'Salle du conseil' }),
  'POST /meetings/{M}/attendance': (w) => ({ agency_id: w.agencyOf.dpj, undertaking_accepted: '1' }),
  'POST /meetings/{M}/agenda': (w) => ({ situation_id: w.S3 }),
  'POST /meetings/{M}/minutes': (w, col) => ({ situation_id: w.S, item: '1', version: '1', text: `Compte rendu de ${col} (page)`,
    decisions: 'Suivi.' }),
  // (alerts and digest forms)

  // (meeting follow-up forms)
  'POST /admin/territories/{T2}/settings': () => ({ escalation_threshold: '3', target_urgent_hours: '72',
    target_conference_hours: '720', target_clinical_hours: '720', retention_months: '60', meeting_quorum: '3' }),
  'POST /meetings/{M}/research': (w, col) => ({ situation_id: w.S, category: 'other', content: `Recherche de ${col} (page)`,
    basis: 'consent' }),

  // (indicators forms)

  // (evaluations forms)
  'POST /evaluations/{M}': () => ({ answer_safety: '4', comment: 'Commentaire de la matrice' }),
};

// --- sensitive values: who reads them in the situation ----------------------
// see: the value is there; restricted: {"restricted": true, "ask": ...} and
// the value nowhere in the answer; -: the caller cannot open the situation.
// Everybody else never reads any of them, anywhere.
const SENSITIVE = [
  // secret       field                 in    ref    part          pol           coord
  ['addrS',     'safe_address',        'S',  'see', 'restricted', '-',          'see'],
  ['phoneS',    'safe_phone',          'S',  'see', 'restricted', '-',          'see'],
  ['consentS',  'item (consent)',      'S',  'see', 'see',        '-',          'see'],
  ['sensS',     'item (sensitive)',    'S',  'see', 'restricted', '-',          'see'],
  ['addrS2',    'safe_address',        'S2', 'see', '-',          'restricted', 'see'],
  ['phoneS2',   'safe_phone',          'S2', 'see', '-',          'restricted', 'see'],
  ['consentS2', 'item (consent)',      'S2', 'see', '-',          'restricted', 'see'],
  ['safetyS2',  'item (safety exc.)',  'S2', 'see', '-',          'see',        'see'],
];
const SENS_COLS = ['ref', 'part', 'pol', 'coord'];
const entitled = (col, secret) => {
  const row = SENSITIVE.find((s) => s[0] === secret);
  return !!row && SENS_COLS.includes(col) && row[3 + SENS_COLS.indexOf(col)] === 'see';
};

// --- generating ----------------------------------------------------------------
const ROUTES = JSON.parse(cli(['routes', '--json'])).routes;
const shape = (method, path) => `${method} ${path.split('?')[0].replace(/\{[^}]*\}/g, '{}')}`;
const served = new Set(ROUTES.map((r) => shape(r.method, r.path)));
const parse = ([route, statuses, opts = {}], kind) => {
  const [method, path] = route.split(' ');
  const expect = statuses.trim().split(/\s+/).map(Number);
  assert.equal(expect.length, COLS.length, `${route}: one status per caller`);
  return { route, method, path, kind, opts, expect: Object.fromEntries(COLS.map((c, i) => [c, expect[i]])) };
};
const apiRows = API.map((r) => parse(r, 'api')).filter((r) => served.has(shape(r.method, r.path)));
const pageRows = PAGES.map((r) => parse(r, 'page')).filter((r) => served.has(shape(r.method, r.path)));
const detailRow = (sit) => parse(API.find((r) => r[0] === `GET /api/v1/situations/{${sit}}`), 'api');
// Who may open S and S2 (from the table itself).
const opens = { S: detailRow('S').expect, S2: detailRow('S2').expect };

describe('access matrix', { concurrency: false }, () => {
  let f, w;
  const sessions = {};
  const refusals = Object.fromEntries(COLS.map((c) => [c, 0]));

  before(async () => {
    f = await startFilet();
    w = await buildWorld(f);
    // An action of S owned by the referrer's agency (refuge).
    const act = await request(f.port, { method: 'POST', path: `/api/v1/situations/${w.S}/actions`,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${w.tok.coordo}` },
      body: JSON.stringify({ title: 'Plan de sécurité', phase: 'risk_assessment_safety_plan', protects: 'v1',
        owner_agency_id: w.agencyOf.refuge, due_on: '2099-01-01' }) });
    assert.equal(act.status, 201, act.body);
    w.ACT = JSON.parse(act.body).id;
    if (pageRows.length)
      for (const col of COLS)
        if (CALLERS[col]) sessions[col] = await f.browserLogin(CALLERS[col], ['coord2', 'prac2'].includes(CALLERS[col]) ? { password: PASSWORD } : {});
  });
  after(async () => { await f?.stop(); });

  const fill = (path, sit) => path.replace(/\{(\w+)\}/g, (m, k) => {
    const v = { S: sit?.S ?? w.S, S2: sit?.S2 ?? w.S2, MISSING: w.MISSING, P: w.victim, AID: w.AID, AID2: w.AID2,
      T2: w.T2, SPARE2: w.users.spare2, AGA: w.agA, ACT: w.ACT, M: w.M,
      CSV: 'referrals_by_month.csv' }[k];
    if (!v) throw new Error(`no value for ${m}`);
    return v;
  });

  async function send(row, col, path) {
    const headers = {};
    let body;
    if (row.kind === 'api') {
      if (CALLERS[col]) headers.Authorization = `Bearer ${w.tok[CALLERS[col]]}`;
      if (row.method !== 'GET') {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify(BODIES[row.route] ? BODIES[row.route](w, col) : {});
      }
    } else {
      if (sessions[col]) headers.Cookie = sessions[col].cookie;
      if (row.method !== 'GET') {
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
        headers.Origin = f.base;
        body = new URLSearchParams({ ...(FORMS[row.route] ? FORMS[row.route](w, col) : {}),
          csrf: sessions[col]?.csrf ?? '' }).toString();
      }
    }
    return request(f.port, { method: row.method, path, headers, body });
  }

  // An answer may repeat the address it was asked for (a page's language
  // switch does): that tells the caller nothing.
  const own = (r, path) => r.body.split(path).join('{path}');

  // What no answer to this caller may contain here.
  function assertNoLeak(row, col, r, path) {
    const where = `${who(col)} ${row.method} ${row.path}`;
    const body = own(r, path);
    const readable = [...(row.opts.reveals ?? []), ...(row.opts.mayReveal ?? [])];
    for (const [name, value] of Object.entries(SECRETS))
      if (!(readable.includes(name) && entitled(col, name)))
        assert.ok(!body.includes(value), `${where}: leaks ${name} (${value})`);
    for (const sit of ['S', 'S2'])
      if (opens[sit][col] !== 200 && !(row.opts.trail && col === 'audit'))
        assert.ok(!body.includes(w[sit]), `${where}: names situation ${sit}, which ${who(col)} may not see`);
  }

  function matrix(rows) {
    for (const row of rows)
      for (const col of COLS) {
        const status = row.expect[col];
        it(`${who(col)} ${row.method} ${row.path} → ${status}`, async () => {
          const path = fill(row.path);
          const r = await send(row, col, path);
          assert.equal(r.status, status, `${who(col)} ${row.method} ${row.path}: ${r.body.slice(0, 300)}`);
          assertNoLeak(row, col, r, path);
          if (status === 303) {
            const to = CALLERS[col] ? fill(row.opts.to ?? '/') : '/';
            assert.ok(CALLERS[col] ? r.headers.location?.startsWith(to) : r.headers.location === to,
              `sent to ${r.headers.location}, not ${to}`);
          }
          if (status === 200)
            for (const name of row.opts.reveals ?? [])
              if (entitled(col, name)) assert.ok(r.body.includes(SECRETS[name]), `${name} missing for ${who(col)}`);
          if (status === 200 && row.opts.lists)
            for (const [sit, cols] of Object.entries(row.opts.lists))
              assert.equal(r.body.includes(w[sit]), cols.split(' ').includes(col),
                `${who(col)}: ${sit} ${cols.split(' ').includes(col) ? 'missing from' : 'listed in'} the answer`);
          if (CALLERS[col] && (status === 403 || status === 404) && /\/situations\/\{S\}/.test(row.path)) refusals[col]++;
          // Not visible looks exactly like missing.
          if (status === 404 && /\{S2?\}/.test(row.path)) {
            const other = fill(row.path, { S: w.MISSING, S2: w.MISSING });
            const missing = await send(row, col, other);
            assert.equal(missing.status, 404);
            assert.equal(own(r, path), own(missing, other), 'the 404 of a hidden situation differs from that of a missing one');
            assert.equal(r.headers['content-type'], missing.headers['content-type']);
          }
        });
      }
  }

  describe('API: status by caller', { concurrency: false }, () => matrix(apiRows));
  describe('pages: status by caller', { concurrency: false }, () => matrix(pageRows));

  describe('sensitive values in the situation', { concurrency: false }, () => {
    const api = (sit) => ({ kind: 'api', method: 'GET', path: `/api/v1/situations/{${sit}}`, opts: {} });
    for (const [secret, field, sit, ...cells] of SENSITIVE)
      SENS_COLS.forEach((col, i) => {
        const cell = cells[i];
        if (cell === '-') return;
        const item = field.startsWith('item');
        const views = [api(sit)];
        if (item) views.push({ ...api(sit), path: `/api/v1/situations/{${sit}}/information` });
        if (pageRows.some((r) => r.route === `GET /situations/{${sit}}`))
          views.push({ kind: 'page', method: 'GET', path: `/situations/{${sit}}`, opts: {} });
        for (const v of views) {
          // A page need not show every item; it must never show a restricted one.
          if (v.kind === 'page' && item && cell === 'see') continue;
          it(`${who(col)} ${v.method} ${v.path}: ${field} of ${sit} → ${cell}`, async () => {
            const r = await send(v, col, fill(v.path));
            assert.equal(r.status, 200);
            assert.equal(r.body.includes(SECRETS[secret]), cell === 'see', `${secret} in the answer`);
            if (v.kind !== 'api') return;
            const o = JSON.parse(r.body);
            let got;
            if (item) {
              const list = o.information ?? [];
              got = list.find((x) => x.id === w.items[secret]);
              assert.ok(got, 'the item is listed (its existence is not hidden from a participant)');
              if (cell === 'see') assert.equal(got.content, SECRETS[secret]);
              else {
                assert.equal(got.restricted, true);
                assert.ok(!('content' in got), 'no content key');
                assert.ok(typeof got.ask === 'string' && got.ask.length > 0, 'says whom to ask');
              }
            } else {
              got = o.persons.find((p) => p.ref === 'v1')[field];
              if (cell === 'see') assert.equal(got, SECRETS[secret]);
              else {
                assert.equal(got?.restricted, true, JSON.stringify(got));
                assert.ok(typeof got.ask === 'string' && got.ask.length > 0, 'says whom to ask');
              }
            }
          });
        }
      });
  });

  describe('afterwards', { concurrency: false }, () => {
    const get = (u, path) => request(f.port, { path, headers: { Authorization: `Bearer ${w.tok[u]}` } });

    it('the excluded user\'s attempts raised excluded_attempt alerts for the coordinator, and only for them', async () => {
      const mine = JSON.parse((await get('coordo', '/api/v1/alerts')).body).alerts;
      assert.ok(mine.some((a) => a.kind === 'excluded_attempt' && a.situation_id === w.S), JSON.stringify(mine));
      for (const col of COLS.filter((c) => CALLERS[c] && c !== 'coord')) {
        const r = await get(CALLERS[col], '/api/v1/alerts');
        assert.equal(r.status, 200);
        assert.ok(!r.body.includes('excluded_attempt'), `${who(col)} gets the coordinator's alert`);
      }
    });

    for (const col of COLS.filter((c) => CALLERS[c]))
      it(`every refusal of ${who(col)} on S left an access_refused row`, async () => {
        const q = `/api/v1/audit?object_type=situation&object_id=${w.S}&user_id=${w.users[CALLERS[col]]}`;
        const r = await get('audit', q);
        assert.equal(r.status, 200, r.body);
        const rows = JSON.parse(r.body).rows.filter((x) => x.action === 'access_refused');
        assert.ok(rows.length >= refusals[col], `${rows.length} access_refused rows for ${refusals[col]} refusals`);
        if (refusals[col] === 0) assert.equal(rows.length, 0, 'refusals recorded that did not happen');
      });

    it('every situation, sharing, triage, alert, disclosure, admin and audit route of the API has a row', () => {
      const scope = /^\/api\/v1\/(situations|referrals|triage|alerts|disclosures|legal-bases|territories|agencies|users|audit|actions|meetings|indicators|evaluations)\b/;
      const rows = new Set(API.map(([route]) => shape(...route.split(' '))));
      const missing = ROUTES.filter((r) => scope.test(r.path) && !rows.has(shape(r.method, r.path)))
        .map((r) => `${r.method} ${r.path}`);
      assert.deepEqual(missing, [], 'routes without a row in the access matrix');
    });
  });
});
