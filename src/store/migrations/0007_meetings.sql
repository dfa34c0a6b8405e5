-- 0007: cell meetings. A meeting of a territory's cell (urgent cell,
-- scheduled conference, clinical concertation), the agencies invited, the
-- agenda of situations, attendance with the confidentiality undertaking,
-- and minutes per situation. The place (an address or a video link) and
-- the minutes are encrypted.

CREATE TABLE meetings (
    id           TEXT PRIMARY KEY,
    territory_id TEXT NOT NULL REFERENCES territories(id),
    kind         TEXT NOT NULL CHECK (kind IN ('urgent','scheduled','clinical')),
    starts_at    TEXT NOT NULL,            -- RFC 3339 UTC
    place_enc    TEXT,                     -- encrypted: place or video link
    quorum       INTEGER NOT NULL DEFAULT 3 CHECK (quorum >= 1),
    created_by   TEXT NOT NULL REFERENCES users(id),
    created_at   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX meetings_territory ON meetings(territory_id, starts_at);

-- Agencies invited: they see the meeting and take part in its situations.
CREATE TABLE meeting_agencies (
    meeting_id   TEXT NOT NULL REFERENCES meetings(id),
    agency_id    TEXT NOT NULL REFERENCES agencies(id),
    invited_by   TEXT NOT NULL REFERENCES users(id),
    invited_at   TEXT NOT NULL,
    PRIMARY KEY (meeting_id, agency_id)
);
CREATE INDEX meeting_agencies_agency ON meeting_agencies(agency_id);

-- Situations on the agenda, in order (urgent ones are read first).
CREATE TABLE agenda (
    meeting_id   TEXT NOT NULL REFERENCES meetings(id),
    situation_id TEXT NOT NULL REFERENCES situations(id),
    position     INTEGER NOT NULL,
    added_by     TEXT NOT NULL REFERENCES users(id),
    added_at     TEXT NOT NULL,
    PRIMARY KEY (meeting_id, situation_id)
);
CREATE INDEX agenda_situation ON agenda(situation_id);

-- One row per agency present; nobody attends without the undertaking.
CREATE TABLE attendance (
    meeting_id   TEXT NOT NULL REFERENCES meetings(id),
    agency_id    TEXT NOT NULL REFERENCES agencies(id),
    user_id      TEXT NOT NULL REFERENCES users(id),
    undertaking_accepted INTEGER NOT NULL CHECK (undertaking_accepted = 1),
    at           TEXT NOT NULL,
    PRIMARY KEY (meeting_id, agency_id)
);

-- Minutes: one per (meeting, situation), versioned.
CREATE TABLE minutes (
    meeting_id    TEXT NOT NULL REFERENCES meetings(id),
    situation_id  TEXT NOT NULL REFERENCES situations(id),
    text_enc      TEXT,
    decisions_enc TEXT,
    author        TEXT NOT NULL REFERENCES users(id),
    updated_at    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (meeting_id, situation_id)
);
CREATE INDEX minutes_situation ON minutes(situation_id);
