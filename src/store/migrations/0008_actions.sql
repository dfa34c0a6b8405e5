-- 0008: the safety net. Actions around the persons of a situation (the
-- victim, a child... or the perpetrator an action targets), each owned by
-- an agency taking part, with a due date, a status and follow-up notes.
-- Titles, blocked reasons and notes are personal text: stored encrypted.

CREATE TABLE actions (
    id                 TEXT PRIMARY KEY,
    situation_id       TEXT NOT NULL REFERENCES situations(id),
    title_enc          TEXT NOT NULL,
    phase              TEXT NOT NULL CHECK (phase IN ('first_contact_safety','risk_assessment_safety_plan',
                         'protective_orders','child_protection','perpetrator_monitoring','relocation',
                         'long_term_recovery')),
    protects_person_id TEXT NOT NULL REFERENCES persons(id),
    owner_agency_id    TEXT NOT NULL REFERENCES agencies(id),
    owner_user_id      TEXT REFERENCES users(id),
    due_on             TEXT,                 -- YYYY-MM-DD
    status             TEXT NOT NULL DEFAULT 'planned'
                         CHECK (status IN ('planned','in_progress','done','cancelled','blocked')),
    blocked_reason_enc TEXT,
    created_by         TEXT NOT NULL REFERENCES users(id),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1,
    FOREIGN KEY (situation_id, protects_person_id) REFERENCES situation_persons(situation_id, person_id)
);
CREATE INDEX actions_situation ON actions(situation_id);
CREATE INDEX actions_owner ON actions(owner_agency_id, status, due_on);

CREATE TABLE action_notes (
    id        TEXT PRIMARY KEY,
    action_id TEXT NOT NULL REFERENCES actions(id),
    author    TEXT NOT NULL REFERENCES users(id),
    at        TEXT NOT NULL,
    text_enc  TEXT NOT NULL
);
CREATE INDEX action_notes_action ON action_notes(action_id, at);
