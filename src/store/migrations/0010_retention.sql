-- 0010: retention. Each territory keeps closed situations for a number of
-- months; `filet retention run` then deletes everything personal about them
-- and keeps only anonymous counts here (no ids, no dates finer than a month).
ALTER TABLE territories ADD COLUMN retention_months INTEGER NOT NULL DEFAULT 60
    CHECK (retention_months >= 1);
CREATE TABLE retained_stats (
    territory_id TEXT NOT NULL REFERENCES territories(id),
    closed_month TEXT NOT NULL,              -- YYYY-MM
    close_reason TEXT NOT NULL DEFAULT '',
    last_level   TEXT NOT NULL DEFAULT '',   -- the newest assessment's level, '' if none
    route        TEXT NOT NULL DEFAULT '',   -- triage route, '' if never triaged
    count        INTEGER NOT NULL,
    PRIMARY KEY (territory_id, closed_month, close_reason, last_level, route)
);
