-- 0012: a perpetrator's release date on an information item (an alert is
-- due 14 days before it), an optional e-mail address per user (for the
-- daily digest of alerts), and the digests sent (one per user per day:
-- re-running `filet digest run` sends nothing new).
ALTER TABLE information ADD COLUMN release_on TEXT; -- YYYY-MM-DD
ALTER TABLE users ADD COLUMN email TEXT;           -- NULL: no digest
CREATE TABLE digests_sent (
    user_id  TEXT NOT NULL REFERENCES users(id),
    day      TEXT NOT NULL,                        -- YYYY-MM-DD (UTC)
    sent_at  TEXT NOT NULL,
    alerts   INTEGER NOT NULL,                     -- how many were counted
    PRIMARY KEY (user_id, day)
);
