-- 0001: territories, agencies, users - the frame every later table hangs on.
-- Ids are opaque random strings; times are RFC 3339 UTC text.

CREATE TABLE territories (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    timezone    TEXT NOT NULL DEFAULT 'America/Montreal',
    created_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE agencies (
    id            TEXT PRIMARY KEY,
    territory_id  TEXT NOT NULL REFERENCES territories(id),
    name          TEXT NOT NULL,
    sector        TEXT NOT NULL CHECK (sector IN ('police','shelter','child_protection',
                    'health','mental_health','addiction','justice','probation',
                    'victim_support','perpetrator_programme','legal_aid',
                    'social_services','housing','immigration','education','other')),
    created_at    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (territory_id, name)
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    agency_id      TEXT NOT NULL REFERENCES agencies(id),
    role           TEXT NOT NULL CHECK (role IN ('admin','coordinator','representative',
                     'practitioner','auditor')),
    lang           TEXT NOT NULL DEFAULT 'fr' CHECK (lang IN ('fr','en')),
    password_hash  TEXT NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX users_agency ON users(agency_id);
