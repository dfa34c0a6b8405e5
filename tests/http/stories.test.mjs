// The two acceptance stories (shared/seeds/004: the "Jeanne" and "Marina"
// case tables), played end to end through the API as the cell would: the
// referral, the assessment, the triage, the urgent meeting with its
// invitations, agenda, attendance (undertaking, quorum) and minutes, then
// EVERY measure of the table as actions owned by the partners named there,
// protecting the victim or the children, their follow-up by the owner
// agencies, and the closure. Marina adds the safety exception (she denies
// everything), the imminent level from critical items, and the exclusion of
// a named user at risk of conflict of interest.
//
// The tables below map each row of the case tables to its actions, so a
// reader can check "every measure, every partner": `partners` are the
// sectors of the "Partenaires impliqués" column (the test asserts each has
// at least one action in its row); `actions` may add partners named in the
// "Déroulement du travail" column. `protects` lists person refs; one action
// is created per protected person. Sector `coordination` is the
// coordination's own agency (the MARAC coordinator); `victim_support` is
// the CAVAC (also the helpline); `shelter` is the domestic-violence
// specialist.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFilet, request } from '../lib/filet.mjs';

const JEANNE_TABLE = {
  1: { measure: 'Incident initial et signalement', partners: ['police', 'victim_support'], actions: [
    { title: 'Documenter les preuves de la violence et évaluer le risque immédiat', phase: 'first_contact_safety', sector: 'police', protects: ['v1'] },
    { title: 'Évaluer la détresse des enfants lors de l’intervention', phase: 'first_contact_safety', sector: 'police', protects: ['c1', 'c2'] },
    { title: 'Informer Jeanne des possibilités de soutien', phase: 'first_contact_safety', sector: 'victim_support', protects: ['v1'] },
  ] },
  2: { measure: 'Évaluation des risques et renvoi au MARAC', partners: ['police', 'victim_support', 'coordination'], actions: [
    { title: 'Compléter l’évaluation DASH', phase: 'risk_assessment_safety_plan', sector: 'police', protects: ['v1'] },
    { title: 'Contribuer à l’évaluation du risque avec Jeanne', phase: 'risk_assessment_safety_plan', sector: 'victim_support', protects: ['v1'] },
    { title: 'Inscrire la situation à la cellule et convoquer les partenaires', phase: 'risk_assessment_safety_plan', sector: 'coordination', protects: ['v1'] },
  ] },
  3: { measure: 'Réunion du MARAC et échange d’informations', partners: ['police', 'victim_support', 'social_services', 'shelter', 'child_protection', 'probation'], actions: [
    { title: 'Partager l’historique des interventions et l’arme à feu déclarée', phase: 'risk_assessment_safety_plan', sector: 'police', protects: ['v1'] },
    { title: 'Élaborer le plan de sécurité avec Jeanne', phase: 'risk_assessment_safety_plan', sector: 'victim_support', protects: ['v1'] },
    { title: 'Présenter les ressources disponibles pour la famille', phase: 'risk_assessment_safety_plan', sector: 'social_services', protects: ['v1'] },
    { title: 'Apporter l’expertise en violence conjugale au plan de sécurité', phase: 'risk_assessment_safety_plan', sector: 'shelter', protects: ['v1'] },
    { title: 'Partager la situation des enfants', phase: 'child_protection', sector: 'child_protection', protects: ['c1', 'c2'] },
    { title: 'Vérifier le casier et les conditions de Jean', phase: 'perpetrator_monitoring', sector: 'probation', protects: ['v1'] },
  ] },
  4: { measure: 'Mesures de protection immédiates', partners: ['legal_aid', 'social_services', 'victim_support'], actions: [
    { title: 'Demander une ordonnance de protection d’urgence', phase: 'protective_orders', sector: 'legal_aid', protects: ['v1'] },
    { title: 'Veiller au bien-être et à la sécurité des enfants', phase: 'child_protection', sector: 'social_services', protects: ['c1', 'c2'] },
    { title: 'Planifier la sécurité et trouver un hébergement', phase: 'first_contact_safety', sector: 'victim_support', protects: ['v1'] },
    { title: 'Retirer l’arme à feu du domicile; arrêter Jean si nécessaire', phase: 'protective_orders', sector: 'police', protects: ['v1'] },
    { title: 'Organiser un logement d’urgence', phase: 'first_contact_safety', sector: 'shelter', protects: ['v1'] },
  ] },
  5: { measure: 'Soutien juridique et financier', partners: ['social_services', 'police', 'child_protection'], actions: [
    { title: 'Accès aux prestations et à l’indépendance financière', phase: 'long_term_recovery', sector: 'social_services', protects: ['v1'] },
    { title: 'Signifier l’ordonnance de protection à Jean', phase: 'protective_orders', sector: 'police', protects: ['v1'] },
    { title: 'Éclairer la garde des enfants', phase: 'child_protection', sector: 'child_protection', protects: ['c1', 'c2'] },
    { title: 'Divorce, garde et ordonnance de protection', phase: 'protective_orders', sector: 'legal_aid', protects: ['v1'] },
    { title: 'Expliquer à Jeanne ses droits et ses options juridiques', phase: 'protective_orders', sector: 'victim_support', protects: ['v1'] },
  ] },
  6: { measure: 'Soutien et surveillance continus', partners: ['police', 'victim_support', 'social_services', 'child_protection'], actions: [
    { title: 'Surveiller le respect des ordonnances et enquêter sur les menaces', phase: 'perpetrator_monitoring', sector: 'police', protects: ['v1'] },
    { title: 'Soutien émotionnel permanent', phase: 'long_term_recovery', sector: 'victim_support', protects: ['v1'] },
    { title: 'Soutien pratique : logement et emploi', phase: 'long_term_recovery', sector: 'social_services', protects: ['v1'] },
    { title: 'Veiller au bien-être des enfants et proposer une thérapie', phase: 'child_protection', sector: 'child_protection', protects: ['c1', 'c2'] },
  ] },
  7: { measure: 'Rétablissement et réintégration à long terme', partners: ['social_services', 'mental_health', 'victim_support'], actions: [
    { title: 'Indépendance financière, logement stable et emploi', phase: 'long_term_recovery', sector: 'social_services', protects: ['v1'] },
    { title: 'Soutien psychologique continu', phase: 'long_term_recovery', sector: 'mental_health', protects: ['v1', 'c1', 'c2'] },
    { title: 'Prendre des nouvelles de Jeanne', phase: 'long_term_recovery', sector: 'victim_support', protects: ['v1'] },
  ] },
};

const MARINA_TABLE = {
  1: { measure: 'Déclaration initiale de l’incident', partners: ['police', 'victim_support', 'health'], actions: [
    { title: 'Consigner le signalement de l’amie', phase: 'first_contact_safety', sector: 'police', protects: ['v1'] },
    { title: 'Ligne d’assistance : consigner l’appel de l’amie', phase: 'first_contact_safety', sector: 'victim_support', protects: ['v1'] },
    { title: 'Documenter les blessures', phase: 'first_contact_safety', sector: 'health', protects: ['v1'] },
  ] },
  2: { measure: 'Premier contact et évaluation de la sécurité', partners: ['police', 'victim_support', 'health'], actions: [
    { title: 'Évaluer le risque immédiat malgré le déni', phase: 'first_contact_safety', sector: 'police', protects: ['v1'] },
    { title: 'Offrir un soutien émotionnel et des solutions de sécurité', phase: 'first_contact_safety', sector: 'victim_support', protects: ['v1'] },
    { title: 'Confirmer les blessures', phase: 'first_contact_safety', sector: 'health', protects: ['v1'] },
  ] },
  3: { measure: 'Évaluation des risques et plan de sécurité', partners: ['police', 'social_services', 'victim_support', 'shelter'], actions: [
    { title: 'Évaluer le risque d’homicide', phase: 'risk_assessment_safety_plan', sector: 'police', protects: ['v1'] },
    { title: 'Évaluer les risques pour la famille', phase: 'risk_assessment_safety_plan', sector: 'social_services', protects: ['v1'] },
    { title: 'Élaborer le plan de sécurité', phase: 'risk_assessment_safety_plan', sector: 'victim_support', protects: ['v1'] },
    { title: 'Hébergement sécuritaire immédiat', phase: 'risk_assessment_safety_plan', sector: 'shelter', protects: ['v1'] },
  ] },
  4: { measure: 'Ordonnances de protection et soutien juridique', partners: ['police', 'justice', 'legal_aid', 'shelter'], actions: [
    { title: 'Demander une ordonnance de protection d’urgence', phase: 'protective_orders', sector: 'police', protects: ['v1'] },
    { title: 'Conditions de protection au dossier de James', phase: 'protective_orders', sector: 'justice', protects: ['v1'] },
    { title: 'Garde des enfants et séparation', phase: 'protective_orders', sector: 'legal_aid', protects: ['v1'] },
    { title: 'Accompagner Marina au tribunal', phase: 'protective_orders', sector: 'shelter', protects: ['v1'] },
  ] },
  5: { measure: 'Protection de l’enfance', partners: ['social_services', 'police', 'child_protection'], actions: [
    { title: 'Soutenir la famille autour des enfants', phase: 'child_protection', sector: 'social_services', protects: ['c1', 'c2', 'c3'] },
    { title: 'Intervenir en cas d’inquiétude immédiate pour les enfants', phase: 'child_protection', sector: 'police', protects: ['c1', 'c2', 'c3'] },
    { title: 'Évaluer la sécurité des enfants', phase: 'child_protection', sector: 'child_protection', protects: ['c1', 'c2', 'c3'] },
  ] },
  6: { measure: 'Soutien et surveillance continus', partners: ['victim_support', 'police', 'social_services', 'health', 'legal_aid'], actions: [
    { title: 'Garder le contact et le soutien émotionnel', phase: 'long_term_recovery', sector: 'victim_support', protects: ['v1'] },
    { title: 'Surveiller les mouvements de James et le respect des ordonnances', phase: 'perpetrator_monitoring', sector: 'police', protects: ['v1'] },
    { title: 'Contrôles réguliers', phase: 'perpetrator_monitoring', sector: 'social_services', protects: ['v1'] },
    { title: 'Suivi de santé', phase: 'long_term_recovery', sector: 'health', protects: ['v1'] },
    { title: 'Assistance juridique continue', phase: 'protective_orders', sector: 'legal_aid', protects: ['v1'] },
  ] },
  7: { measure: 'Planification du relogement', partners: ['police', 'social_services', 'victim_support', 'immigration'], actions: [
    { title: 'Protection pendant le déménagement', phase: 'relocation', sector: 'police', protects: ['v1'] },
    { title: 'Planifier le relogement', phase: 'relocation', sector: 'social_services', protects: ['v1'] },
    { title: 'Préparer le départ avec la sœur de Marina', phase: 'relocation', sector: 'victim_support', protects: ['v1'] },
    { title: 'Documents de séjour pour Marina et les enfants', phase: 'relocation', sector: 'immigration', protects: ['v1', 'c1', 'c2', 'c3'] },
  ] },
  8: { measure: 'Rétablissement et réintégration à long terme', partners: ['social_services', 'mental_health', 'victim_support', 'legal_aid'], actions: [
    { title: 'Logement et aide financière', phase: 'long_term_recovery', sector: 'social_services', protects: ['v1'] },
    { title: 'Thérapie des traumatismes', phase: 'long_term_recovery', sector: 'mental_health', protects: ['v1'] },
    { title: 'Soutien au rétablissement', phase: 'long_term_recovery', sector: 'victim_support', protects: ['v1'] },
    { title: 'Divorce et garde des enfants', phase: 'long_term_recovery', sector: 'legal_aid', protects: ['v1'] },
  ] },
};

const J = { 'Content-Type': 'application/json' };
// The demo user who acts for an agency sector (the coordinator for the others).
const ACTOR = { police: 'police', victim_support: 'cavac', child_protection: 'dpj', shelter: 'refuge' };

function checkTable(table) {
  for (const [row, { partners, actions }] of Object.entries(table))
    for (const p of partners) assert.ok(actions.some((a) => a.sector === p), `row ${row}: no action for ${p}`);
}

// One story's world: a fresh server, every demo user signed in.
function world() {
  const w = { tok: {}, users: {}, agency: {} };
  w.as = (u) => ({ ...J, Authorization: `Bearer ${w.tok[u]}` });
  w.call = async (u, method, path, body) => {
    const r = await request(w.f.port, { method, path, headers: w.as(u), body: body === undefined ? undefined : JSON.stringify(body) });
    let parsed = null;
    try { parsed = r.body ? JSON.parse(r.body) : null; } catch { /* not JSON */ }
    return { status: r.status, body: parsed, raw: r.body };
  };
  w.post = (u, path, body) => w.call(u, 'POST', path, body);
  w.get = (u, path) => w.call(u, 'GET', path);
  w.day = (n) => new Date((w.f.now() + n * 86400) * 1000).toISOString().slice(0, 10);
  w.start = async () => {
    w.f = await startFilet();
    for (const u of ['admin', 'coordo', 'police', 'dpj', 'refuge', 'cavac', 'programme', 'audit']) w.tok[u] = await w.f.login(u);
    for (const u of (await w.get('admin', '/api/v1/users')).body.users) w.users[u.username] = u;
    for (const a of (await w.get('coordo', '/api/v1/agencies')).body.agencies) {
      if (a.id === w.users.coordo.agency_id) w.agency.coordination = a.id;
      else w.agency[a.sector] = a.id;
    }
    for (const s of ['police', 'victim_support', 'child_protection', 'shelter', 'social_services', 'legal_aid', 'probation',
      'health', 'mental_health', 'justice', 'immigration', 'perpetrator_programme'])
      assert.ok(w.agency[s], `the demo territory has a ${s} agency`);
    assert.equal(w.agency.victim_support, w.users.cavac.agency_id, 'victim_support is the CAVAC');
  };
  // Creates one action per protected person for every row; returns them with their ids.
  w.actionsFrom = async (sid, table) => {
    const made = [];
    for (const [row, { actions }] of Object.entries(table))
      for (const a of actions)
        for (const ref of a.protects) {
          const r = await w.post('coordo', `/api/v1/situations/${sid}/actions`,
            { title: `${row}. ${a.title}`, phase: a.phase, protects: ref, owner_agency_id: w.agency[a.sector], due_on: w.day(7 + Number(row)) });
          assert.equal(r.status, 201, `row ${row} ${a.sector} ${a.title}: ${r.raw}`);
          made.push({ ...a, row: Number(row), ref, id: r.body.id, version: r.body.version });
        }
    return made;
  };
  // The safety net as `u` sees it: every action under its protected person, owner and phase as planned.
  w.checkNet = async (u, sid, made) => {
    const r = await w.get(u, `/api/v1/situations/${sid}/actions`);
    assert.equal(r.status, 200, `${u}: ${r.raw}`);
    for (const m of made) {
      const g = r.body.safety_net.find((x) => x.person.ref === m.ref);
      assert.ok(g, `${u}: no group for ${m.ref}`);
      const a = g.actions.find((x) => x.id === m.id);
      assert.ok(a, `${u}: row ${m.row} ${m.sector} "${m.title}" not under ${m.ref}`);
      assert.equal(a.owner_agency_id, w.agency[m.sector]);
      assert.equal(a.phase, m.phase);
      assert.equal(a.protects, g.person.id);
    }
    return r.body;
  };
  w.patch = async (u, m, body) => {
    const r = await w.call(u, 'PATCH', `/api/v1/actions/${m.id}`, { ...body, version: m.version });
    assert.equal(r.status, 200, `${u} ${m.title}: ${r.raw}`);
    m.version = r.body.version;
    return r.body;
  };
  return w;
}

describe('story: Jeanne (MARAC, high DASH risk)', { concurrency: false }, () => {
  const w = world();
  let S, M, made, persons;
  before(async () => { checkTable(JEANNE_TABLE); await w.start(); });
  after(async () => { await w.f?.stop(); });

  it('police refer Jeanne, Jean and the two children, with her consent', async () => {
    const r = await w.post('police', '/api/v1/referrals', {
      summary: 'Menaces au couteau devant les enfants; arme à feu autorisée au domicile; alcool; contrôle financier.',
      persons: [
        { ref: 'v1', role: 'victim', given_name: 'Jeanne', family_name: 'Tremblay', birth_date: '1994-03-14' },
        { ref: 'p1', role: 'perpetrator', given_name: 'Jean', family_name: 'Gagnon', birth_date: '1990-07-21' },
        { ref: 'c1', role: 'child', given_name: 'Lou', family_name: 'Gagnon', birth_date: '2020-02-10' },
        { ref: 'c2', role: 'child', given_name: 'Noé', family_name: 'Gagnon', birth_date: '2022-09-05' }],
      consent: { status: 'given', scope: 'la cellule d’intervention rapide' },
    });
    assert.equal(r.status, 201, r.raw);
    S = r.body.situation_id;
    assert.equal(r.body.repeat_of, null);
    const s = (await w.get('police', `/api/v1/situations/${S}`)).body;
    persons = Object.fromEntries(s.persons.map((p) => [p.ref, p]));
    assert.deepEqual(Object.keys(persons).sort(), ['c1', 'c2', 'p1', 'v1']);
    for (const u of ['refuge', 'dpj', 'cavac', 'programme']) assert.equal((await w.get(u, `/api/v1/situations/${S}`)).status, 404, u);
  });

  it('the DASH-structure assessment scores high and refers', async () => {
    const yes = ['injury', 'fear', 'isolation', 'separation', 'child_contact_conflict', 'stalking', 'child_abuse',
      'escalation_frequency', 'escalation_severity', 'weapons', 'threats_to_kill', 'financial_control', 'substance_misuse', 'control_jealousy'];
    const answers = Object.fromEntries(yes.map((id) => [id, 'yes']));
    answers.criminal_history = 'unknown';
    answers.strangulation = 'no';
    const r = await w.post('police', `/api/v1/situations/${S}/assessments`, { instrument: 'dash-24-structure', answers });
    assert.equal(r.status, 201, r.raw);
    assert.equal(r.body.score, 14);
    assert.equal(r.body.level, 'high');
    assert.equal(r.body.refer, true);
    assert.deepEqual(r.body.criteria, ['visible_high_risk']);
  });

  it('the coordinator triages to the urgent cell and convenes an urgent meeting with the partners of the table', async () => {
    const t = await w.post('coordo', `/api/v1/situations/${S}/triage`, { route: 'urgent_cell', reason: 'DASH élevé : arme à feu, menaces devant les enfants.' });
    assert.equal(t.status, 200, t.raw);
    const invited = ['police', 'victim_support', 'social_services', 'child_protection', 'legal_aid', 'shelter'].map((s) => w.agency[s]);
    const m = await w.post('coordo', '/api/v1/meetings', { kind: 'urgent', starts_at: new Date((w.f.now() + 86400) * 1000).toISOString().slice(0, 19) + 'Z', invited });
    assert.equal(m.status, 201, m.raw);
    M = m.body.id;
    assert.equal((await w.get('refuge', `/api/v1/situations/${S}`)).status, 404, 'invited, but Jeanne is not on the agenda yet');
    const a = await w.post('coordo', `/api/v1/meetings/${M}/agenda`, { situation_id: S });
    assert.equal(a.status, 201, a.raw);
    for (const u of ['refuge', 'cavac', 'dpj', 'police']) {
      assert.equal((await w.get(u, `/api/v1/situations/${S}`)).status, 200, `${u} sees Jeanne once invited`);
      const meeting = (await w.get(u, `/api/v1/meetings/${M}`)).body;
      assert.equal(meeting.kind, 'urgent');
      assert.ok(meeting.agenda.some((x) => x.situation_id === S && x.urgent), u);
    }
    assert.equal((await w.get('programme', `/api/v1/situations/${S}`)).status, 404, 'not invited');
  });

  it('probation is invited once police share that Jean has a record', async () => {
    const i = await w.post('police', `/api/v1/situations/${S}/information`, { category: 'criminal_record',
      content: 'Jean : condamnation antérieure pour voies de fait, sous probation.', basis: 'consent' });
    assert.equal(i.status, 201, i.raw);
    const w2 = await w.post('police', `/api/v1/situations/${S}/information`, { category: 'weapons_access',
      content: 'Arme à feu autorisée au domicile.', basis: 'consent' });
    assert.equal(w2.status, 201, w2.raw);
    const inv = await w.post('coordo', `/api/v1/meetings/${M}/invitations`, { agency_id: w.agency.probation });
    assert.equal(inv.status, 201, inv.raw);
    const parts = (await w.get('coordo', `/api/v1/situations/${S}/participants`)).body.participants;
    for (const s of ['police', 'victim_support', 'social_services', 'child_protection', 'legal_aid', 'shelter', 'probation'])
      assert.ok(parts.some((p) => p.agency_id === w.agency[s]), `${s} takes part`);
    const seen = await w.get('dpj', `/api/v1/situations/${S}/information`);
    assert.ok(seen.body.information.some((x) => x.category === 'weapons_access' && /Arme à feu/.test(x.content)), `child protection learns of the firearm: ${seen.raw}`);
  });

  it('attendance of four agencies with the undertaking meets the quorum; minutes are kept', async () => {
    const attend = (u, s) => w.post(u, `/api/v1/meetings/${M}/attendance`, { agency_id: w.agency[s], undertaking_accepted: true });
    assert.equal((await w.post('police', `/api/v1/meetings/${M}/attendance`, { agency_id: w.agency.police, undertaking_accepted: false })).status, 422);
    for (const [u, s] of [['police', 'police'], ['dpj', 'child_protection'], ['coordo', 'victim_support'], ['coordo', 'shelter']]) {
      const r = await attend(u, s);
      assert.equal(r.status, 201, `${u} for ${s}: ${r.raw}`);
    }
    assert.deepEqual((await w.get('cavac', `/api/v1/meetings/${M}`)).body.quorum, { required: 3, present: 4, met: true });
    const min = await w.post('coordo', `/api/v1/meetings/${M}/minutes`, { situation_id: S,
      text: 'Risque élevé confirmé : arme à feu, menaces au couteau devant les enfants, alcool, contrôle financier.',
      decisions: 'Plan de sécurité, retrait de l’arme, ordonnance de protection, hébergement d’urgence, suivi des enfants.' });
    assert.equal(min.status, 201, min.raw);
    const agenda = (await w.get('dpj', `/api/v1/meetings/${M}`)).body.agenda.find((x) => x.situation_id === S);
    assert.match(agenda.minutes.decisions, /retrait de l’arme/);
  });

  it('every measure of the table becomes actions owned by the partners named, in the safety net of Jeanne or the children', async () => {
    made = await w.actionsFrom(S, JEANNE_TABLE);
    const net = await w.checkNet('coordo', S, made);
    assert.deepEqual(net.safety_net.map((g) => g.person.ref).filter((r) => r !== 'p1').sort(), ['c1', 'c2', 'v1']);
    for (const u of ['police', 'dpj', 'refuge', 'cavac']) await w.checkNet(u, S, made);
    const rows = new Set(made.map((m) => m.row));
    assert.deepEqual([...rows].sort(), Object.keys(JEANNE_TABLE).map(Number));
    // Owners without a demo user still take part: mental health joined as action owner.
    const parts = (await w.get('coordo', `/api/v1/situations/${S}/participants`)).body.participants;
    assert.ok(parts.some((p) => p.agency_id === w.agency.mental_health && p.basis === 'action_owner'));
    const mine = (await w.get('dpj', '/api/v1/actions?mine=1')).body.actions;
    assert.equal(mine.length, made.filter((m) => m.sector === 'child_protection').length, 'child protection sees its own list');
  });

  it('the owner agencies follow up: in progress, done with a note, one blocked with a reason', async () => {
    const pick = (row, sector, re) => made.find((m) => m.row === row && m.sector === sector && re.test(m.title));
    const firearm = pick(4, 'police', /arme/);
    await w.patch('police', firearm, { status: 'in_progress', note: 'Mandat demandé.' });
    await w.patch('police', firearm, { status: 'done', note: 'Arme à feu saisie au domicile.' });
    const plan = pick(3, 'victim_support', /plan de sécurité/);
    await w.patch('cavac', plan, { status: 'done', note: 'Plan de sécurité remis à Jeanne.' });
    const kids = made.find((m) => m.row === 6 && m.sector === 'child_protection' && m.ref === 'c1');
    await w.patch('dpj', kids, { status: 'in_progress', note: 'Première rencontre avec Lou.' });
    const housing = pick(4, 'shelter', /logement/);
    const refused = await w.call('refuge', 'PATCH', `/api/v1/actions/${housing.id}`, { status: 'blocked', version: housing.version });
    assert.equal(refused.status, 422, 'a block needs its reason');
    await w.patch('refuge', housing, { status: 'blocked', reason: 'Aucune place ce soir : transfert demandé vers une autre maison.' });
    const other = await w.call('dpj', 'PATCH', `/api/v1/actions/${firearm.id}`, { status: 'cancelled', version: firearm.version });
    assert.equal(other.status, 403, 'only the owner agency and the coordinator follow up');
    const net = await w.checkNet('coordo', S, made);
    const find = (m) => net.safety_net.flatMap((g) => g.actions).find((a) => a.id === m.id);
    assert.equal(find(firearm).status, 'done');
    assert.deepEqual(find(firearm).notes.map((n) => n.text), ['Mandat demandé.', 'Arme à feu saisie au domicile.']);
    assert.equal(find(plan).status, 'done');
    assert.equal(find(kids).status, 'in_progress');
    assert.equal(find(housing).status, 'blocked');
    assert.match(find(housing).blocked_reason, /Aucune place/);
    await w.patch('refuge', housing, { status: 'done', note: 'Hébergée à la maison La Traversée.' });
  });

  it('the coordinator closes with risk reduced; only the referrer and the coordination keep access', async () => {
    const v = (await w.get('coordo', `/api/v1/situations/${S}`)).body.version;
    const c = await w.post('coordo', `/api/v1/situations/${S}/close`, { reason: 'risk_reduced', version: v,
      notes: 'Arme retirée, ordonnance en vigueur, Jeanne hébergée et suivie.' });
    assert.equal(c.status, 200, c.raw);
    const s = (await w.get('police', `/api/v1/situations/${S}`)).body;
    assert.equal(s.status, 'closed');
    assert.equal(s.closure.reason, 'risk_reduced');
    for (const u of ['dpj', 'refuge', 'cavac']) assert.equal((await w.get(u, `/api/v1/situations/${S}`)).status, 404, u);
  });
});

describe('story: Marina (safety exception, imminent risk, conflict of interest)', { concurrency: false }, () => {
  const w = world();
  let S, M, made;
  const referral = (extra) => ({
    summary: 'Signalement de l’amie : agression grave, Marina nie tout; menaces de mort si elle part avec les enfants.',
    persons: [
      { ref: 'v1', role: 'victim', given_name: 'Marina', family_name: 'Ionescu', birth_date: '1991-05-05' },
      { ref: 'p1', role: 'perpetrator', given_name: 'James', family_name: 'Morel', birth_date: '1983-12-01' },
      { ref: 'c1', role: 'child', given_name: 'Ana', family_name: 'Ionescu', birth_date: '2013-04-04' },
      { ref: 'c2', role: 'child', given_name: 'Dan', family_name: 'Ionescu', birth_date: '2015-08-08' },
      { ref: 'c3', role: 'child', given_name: 'Eli', family_name: 'Morel', birth_date: '2019-10-10' }],
    consent: { status: 'refused', conditions: 'Marina nie les violences devant la police et le procureur.' },
    ...extra,
  });
  before(async () => { checkTable(MARINA_TABLE); await w.start(); });
  after(async () => { await w.f?.stop(); });

  it('police refer without her consent, on the safety exception with its justification', async () => {
    const none = await w.post('police', '/api/v1/referrals', referral({}));
    assert.equal(none.status, 422, 'no consent and no legal basis');
    assert.ok(none.body.error.problems.some((p) => p.field === 'legal_basis'));
    const r = await w.post('police', '/api/v1/referrals', referral({ legal_basis: 'safety_exception',
      justification: 'Menaces de mort si elle quitte le pays avec les enfants (rapportées par son amie) : risque sérieux et imminent.' }));
    assert.equal(r.status, 201, r.raw);
    S = r.body.situation_id;
    // Row 1: health documented the injuries; the coordinator adds it on the same basis.
    const h = await w.post('coordo', `/api/v1/situations/${S}/participants`, { agency_id: w.agency.health, basis: 'safety_exception',
      justification: 'Blessures constatées près de l’urgence; menaces de mort.' });
    assert.equal(h.status, 201, h.raw);
  });

  it('the homicide-risk assessment finds critical items: imminent', async () => {
    const r = await w.post('police', `/api/v1/situations/${S}/assessments`, { instrument: 'filet-homicide-risk', answers: {
      threats_to_kill: 'yes', separation: 'yes', escalation: 'yes', jealousy_control: 'yes', isolation: 'no', victim_fear: 'unknown' } });
    assert.equal(r.status, 201, r.raw);
    assert.equal(r.body.level, 'imminent');
    assert.equal(r.body.refer, true);
    assert.ok(r.body.criteria.includes('critical_item'), JSON.stringify(r.body.criteria));
    assert.deepEqual([...r.body.flags].sort(), ['separation', 'threats_to_kill']);
  });

  it('urgent cell and meeting with the partners of the table; a user at risk of conflict of interest is excluded', async () => {
    const t = await w.post('coordo', `/api/v1/situations/${S}/triage`, { route: 'urgent_cell', reason: 'Niveau imminent : menaces de mort, séparation.' });
    assert.equal(t.status, 200, t.raw);
    // The table's partners, and the perpetrator programme (holding James to account).
    const invited = ['police', 'victim_support', 'health', 'social_services', 'justice', 'legal_aid', 'child_protection',
      'immigration', 'mental_health', 'shelter', 'perpetrator_programme'].map((s) => w.agency[s]);
    const m = await w.post('coordo', '/api/v1/meetings', { kind: 'urgent', starts_at: new Date((w.f.now() + 3600) * 1000).toISOString().slice(0, 19) + 'Z', invited });
    assert.equal(m.status, 201, m.raw);
    M = m.body.id;
    assert.equal((await w.post('coordo', `/api/v1/meetings/${M}/agenda`, { situation_id: S })).status, 201);
    for (const u of ['dpj', 'cavac', 'refuge', 'programme']) assert.equal((await w.get(u, `/api/v1/situations/${S}`)).status, 200, u);
    // James's family is locally powerful; the programme worker is close to it.
    const ex = await w.post('coordo', `/api/v1/situations/${S}/exclusions`, { user_id: w.users.programme.id,
      reason: 'Conflit d’intérêts : liens avec la famille de James.' });
    assert.equal(ex.status, 201, ex.raw);
    const missing = await w.get('programme', '/api/v1/situations/aaaaaaaaaaaaaaaaaaaaaaaaaa');
    const hidden = await w.get('programme', `/api/v1/situations/${S}`);
    assert.equal(hidden.status, 404);
    assert.equal(hidden.raw, missing.raw, 'indistinguishable from a missing situation');
    assert.equal((await w.get('programme', `/api/v1/situations/${S}/actions`)).status, 404);
    assert.ok(!(await w.get('programme', '/api/v1/situations')).body.situations.some((x) => x.id === S));
    const alerts = (await w.get('coordo', '/api/v1/alerts')).body.alerts;
    assert.ok(alerts.some((a) => a.kind === 'excluded_attempt' && a.situation_id === S), 'the coordinator is told of the attempt');
  });

  it('attendance with the undertaking meets the quorum; minutes are kept', async () => {
    for (const [u, s] of [['police', 'police'], ['dpj', 'child_protection'], ['coordo', 'victim_support'], ['coordo', 'health'], ['coordo', 'immigration']]) {
      const r = await w.post(u, `/api/v1/meetings/${M}/attendance`, { agency_id: w.agency[s], undertaking_accepted: true });
      assert.equal(r.status, 201, `${u} for ${s}: ${r.raw}`);
    }
    assert.deepEqual((await w.get('coordo', `/api/v1/meetings/${M}`)).body.quorum, { required: 3, present: 5, met: true });
    const min = await w.post('coordo', `/api/v1/meetings/${M}/minutes`, { situation_id: S,
      text: 'Niveau imminent : menaces de mort liées au départ; Marina nie; famille de James influente localement.',
      decisions: 'Ordonnance de protection, évaluation des enfants, relogement auprès de la sœur avec l’immigration.' });
    assert.equal(min.status, 201, min.raw);
  });

  it('every measure of the table becomes actions, relocation and long-term recovery included', async () => {
    made = await w.actionsFrom(S, MARINA_TABLE);
    const net = await w.checkNet('coordo', S, made);
    for (const ref of ['v1', 'c1', 'c2', 'c3']) assert.ok(net.safety_net.some((g) => g.person.ref === ref && g.actions.length > 0), ref);
    for (const u of ['police', 'dpj', 'cavac', 'refuge']) await w.checkNet(u, S, made);
    assert.ok(made.some((m) => m.phase === 'relocation' && m.sector === 'immigration'));
    assert.ok(made.some((m) => m.phase === 'long_term_recovery' && m.sector === 'mental_health'));
    assert.equal((await w.get('programme', `/api/v1/situations/${S}/actions`)).status, 404, 'still excluded');
    const order = made.find((m) => m.row === 4 && m.sector === 'police');
    await w.patch('police', order, { status: 'in_progress', note: 'Demande d’ordonnance déposée.' });
    await w.patch('police', order, { status: 'done', note: 'Ordonnance accordée.' });
    for (const m of made.filter((x) => x.row === 5 && x.sector === 'child_protection'))
      await w.patch('dpj', m, { status: 'done', note: 'Évaluation faite : enfants suivis jusqu’au départ.' });
    const papers = made.find((m) => m.sector === 'immigration' && m.ref === 'v1');
    await w.patch('coordo', papers, { status: 'blocked', reason: 'En attente de la confirmation du pays d’accueil.' });
    await w.patch('coordo', papers, { status: 'done', note: 'Documents obtenus.' });
    const safe = made.find((m) => m.row === 7 && m.sector === 'victim_support');
    await w.patch('cavac', safe, { status: 'done', note: 'Marina et les enfants sont chez sa sœur.' });
  });

  it('the coordinator closes: relocated', async () => {
    const v = (await w.get('coordo', `/api/v1/situations/${S}`)).body.version;
    const c = await w.post('coordo', `/api/v1/situations/${S}/close`, { reason: 'relocated', version: v,
      notes: 'Marina et ses trois enfants relogés en sécurité dans un autre pays de l’UE.' });
    assert.equal(c.status, 200, c.raw);
    const s = (await w.get('police', `/api/v1/situations/${S}`)).body;
    assert.equal(s.closure.reason, 'relocated');
    assert.equal((await w.get('programme', `/api/v1/situations/${S}`)).status, 404);
  });
});
