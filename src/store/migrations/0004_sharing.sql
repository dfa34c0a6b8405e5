-- 0004: need-to-know sharing. Information an agency brings to a situation
-- (or its decision not to share) with its legal basis, who may read it,
-- and exclusions of named users (conflicts of interest).

ALTER TABLE territories ADD COLUMN jurisdiction TEXT NOT NULL DEFAULT 'qc';

CREATE TABLE information (
    id               TEXT PRIMARY KEY,
    situation_id     TEXT NOT NULL REFERENCES situations(id),
    category         TEXT NOT NULL CHECK (category IN ('incident_history','criminal_record',
                       'protective_order','child_protection','health','mental_health','addiction',
                       'housing','weapons_access','other')),
    shared           INTEGER NOT NULL,       -- 1 shared; 0 a recorded decision not to share
    content_enc      TEXT,                   -- encrypted; NULL for a decision not to share
    reason_enc       TEXT,                   -- why not shared (decisions not to share)
    basis            TEXT NOT NULL CHECK (basis IN ('consent','safety_exception','duty_to_report',
                       'court_order','none')),
    justification_enc TEXT,
    visible_to       TEXT NOT NULL DEFAULT '', -- agency ids; '' = every participant
    sensitive        INTEGER NOT NULL DEFAULT 0,
    expires_on       TEXT,                   -- e.g. a protective order's end date
    agency_id        TEXT NOT NULL REFERENCES agencies(id),
    user_id          TEXT NOT NULL REFERENCES users(id),
    created_at       TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX information_situation ON information(situation_id);

CREATE TABLE exclusions (
    situation_id TEXT NOT NULL REFERENCES situations(id),
    user_id      TEXT NOT NULL REFERENCES users(id),
    reason_enc   TEXT NOT NULL,
    excluded_by  TEXT NOT NULL REFERENCES users(id),
    created_at   TEXT NOT NULL,
    PRIMARY KEY (situation_id, user_id)
);
