-- 0003: situations, persons, referrals, assessments, triage, participation,
-- history and alerts. Personal values (names, birth dates, summaries,
-- addresses, phones, justifications, reasons) are stored encrypted
-- (fieldcrypt, bound to their row); matching a person across referrals uses
-- a keyed hash, never plaintext.

ALTER TABLE territories ADD COLUMN escalation_threshold INTEGER NOT NULL DEFAULT 3;
ALTER TABLE territories ADD COLUMN target_urgent_hours INTEGER NOT NULL DEFAULT 72;
ALTER TABLE territories ADD COLUMN target_conference_hours INTEGER NOT NULL DEFAULT 720;
ALTER TABLE territories ADD COLUMN target_clinical_hours INTEGER NOT NULL DEFAULT 720;

CREATE TABLE persons (
    id              TEXT PRIMARY KEY,
    given_name_enc  TEXT,
    family_name_enc TEXT,
    birth_date_enc  TEXT,
    match_hash      TEXT,                 -- HMAC of the normalised name and birth date
    match_key_id    TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX persons_match ON persons(match_hash);

CREATE TABLE situations (
    id                   TEXT PRIMARY KEY,
    territory_id         TEXT NOT NULL REFERENCES territories(id),
    referring_agency_id  TEXT NOT NULL REFERENCES agencies(id),
    referring_user_id    TEXT NOT NULL REFERENCES users(id),
    status               TEXT NOT NULL DEFAULT 'referred'
                           CHECK (status IN ('referred','triaged','active','closed')),
    summary_enc          TEXT NOT NULL,
    consent_status       TEXT NOT NULL CHECK (consent_status IN ('given','refused','not_sought')),
    consent_scope_enc    TEXT,
    consent_conditions_enc TEXT,
    consent_excluded_sectors TEXT NOT NULL DEFAULT '',  -- e.g. 'police': "not to police"
    legal_basis          TEXT NOT NULL CHECK (legal_basis IN ('consent','safety_exception',
                           'duty_to_report','court_order')),
    justification_enc    TEXT,
    perpetrator_unknown  INTEGER NOT NULL DEFAULT 0,
    repeat_of            TEXT REFERENCES situations(id),
    incidents_12m        INTEGER,
    -- complexity and urgency, for the triage rule
    mental_health        INTEGER NOT NULL DEFAULT 0,
    addiction            INTEGER NOT NULL DEFAULT 0,
    child_maltreatment   INTEGER NOT NULL DEFAULT 0,
    separation           INTEGER NOT NULL DEFAULT 0,
    release_from_custody INTEGER NOT NULL DEFAULT 0,
    court_date           INTEGER NOT NULL DEFAULT 0,
    imminent_threat      INTEGER NOT NULL DEFAULT 0,
    triage_route         TEXT CHECK (triage_route IN ('urgent_cell','conference',
                           'clinical_concertation','single_agency','not_retained')),
    triage_reason_enc    TEXT,
    triaged_at           TEXT,
    triaged_by           TEXT REFERENCES users(id),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    closed_at            TEXT,
    version              INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX situations_territory ON situations(territory_id, status);

CREATE TABLE situation_persons (
    situation_id     TEXT NOT NULL REFERENCES situations(id),
    person_id        TEXT NOT NULL REFERENCES persons(id),
    ref              TEXT NOT NULL,        -- the referral's own handle (v1, p1, c1)
    role             TEXT NOT NULL CHECK (role IN ('victim','child','perpetrator','relative','new_partner')),
    unborn           INTEGER NOT NULL DEFAULT 0,
    due_date_enc     TEXT,
    child_of_perpetrator INTEGER NOT NULL DEFAULT 0,
    stepchild        INTEGER NOT NULL DEFAULT 0,
    safe_address_enc TEXT,
    safe_phone_enc   TEXT,
    visible_to       TEXT NOT NULL DEFAULT '',  -- agency ids allowed to read the contact fields
    PRIMARY KEY (situation_id, person_id),
    UNIQUE (situation_id, ref)
);
CREATE INDEX situation_persons_person ON situation_persons(person_id);

-- Agencies taking part in a situation (need to know).
CREATE TABLE participations (
    situation_id     TEXT NOT NULL REFERENCES situations(id),
    agency_id        TEXT NOT NULL REFERENCES agencies(id),
    basis            TEXT NOT NULL,        -- referrer, consent, safety_exception, ...
    justification_enc TEXT,
    added_by         TEXT REFERENCES users(id),
    added_at         TEXT NOT NULL,
    ends_on          TEXT,
    PRIMARY KEY (situation_id, agency_id)
);
CREATE INDEX participations_agency ON participations(agency_id);

CREATE TABLE assessments (
    id                  TEXT PRIMARY KEY,
    situation_id        TEXT NOT NULL REFERENCES situations(id),
    instrument_id       TEXT NOT NULL,
    instrument_version  INTEGER NOT NULL,
    answers             TEXT NOT NULL,     -- raw answers, JSON
    score               INTEGER NOT NULL,
    computed_level      TEXT NOT NULL,
    level               TEXT NOT NULL,
    judgement_level     TEXT,
    judgement_reason_enc TEXT,
    lowered             INTEGER NOT NULL DEFAULT 0,  -- judgement below the computed level
    approved_by         TEXT REFERENCES users(id),   -- a coordinator's approval of a lowering
    approved_at         TEXT,
    criteria            TEXT NOT NULL DEFAULT '',
    refer               INTEGER NOT NULL,
    incidents_12m       INTEGER,
    assessed_by         TEXT NOT NULL REFERENCES users(id),
    agency_id           TEXT NOT NULL REFERENCES agencies(id),
    created_at          TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX assessments_situation ON assessments(situation_id);

-- What happened to a situation, without personal values.
CREATE TABLE situation_events (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    situation_id TEXT NOT NULL REFERENCES situations(id),
    at           TEXT NOT NULL,
    user_id      TEXT REFERENCES users(id),
    agency_id    TEXT REFERENCES agencies(id),
    kind         TEXT NOT NULL,   -- referred, assessed, triaged, ...
    detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX situation_events_situation ON situation_events(situation_id);

-- Alerts for coordinators (computed ones are recomputed; these are events).
CREATE TABLE alerts (
    id           TEXT PRIMARY KEY,
    territory_id TEXT NOT NULL REFERENCES territories(id),
    kind         TEXT NOT NULL,   -- known_elsewhere, urgent_waiting, ...
    situation_id TEXT REFERENCES situations(id),
    created_at   TEXT NOT NULL,
    resolved_at  TEXT,
    dedupe       TEXT NOT NULL UNIQUE
);
CREATE INDEX alerts_territory ON alerts(territory_id, resolved_at);
