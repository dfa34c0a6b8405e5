-- 0002: second factor, sessions, sign-in throttling, the audit trail, drafts.

ALTER TABLE users ADD COLUMN totp_secret_enc TEXT;            -- encrypted (fieldcrypt)
ALTER TABLE users ADD COLUMN totp_confirmed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0; -- replay guard
ALTER TABLE users ADD COLUMN updated_at TEXT;

-- Sessions: the token itself is never stored, only its BLAKE2b hash.
-- Browser cookies and API bearer tokens are the same sessions.
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,           -- public id, to list and end
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL REFERENCES users(id),
    csrf         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('browser','api')),
    stage        TEXT NOT NULL CHECK (stage IN ('full','enrol')),
    created_at   INTEGER NOT NULL,           -- epoch seconds
    last_seen    INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,           -- absolute limit
    source       TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed sign-ins per account name and per source address.
CREATE TABLE throttle (
    key           TEXT PRIMARY KEY,          -- 'u:<username>' or 'ip:<address>'
    failures      INTEGER NOT NULL,
    last_failure  INTEGER NOT NULL,
    blocked_until INTEGER NOT NULL
);

-- Append-only, hash-chained audit trail. hash = keyed BLAKE2b over the
-- previous row's hash and this row's fields; ref_digest covers the
-- references to personal data so that retention can replace them with a
-- tombstone and the chain still verifies.
CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    user_id      TEXT,
    agency_id    TEXT,
    source       TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL DEFAULT '',
    object_id    TEXT NOT NULL DEFAULT '',
    fields       TEXT NOT NULL DEFAULT '',   -- changed field names, never values
    ref_digest   TEXT NOT NULL,
    key_id       TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_object ON audit_log(object_type, object_id);
CREATE INDEX audit_user ON audit_log(user_id);
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NEW.seq IS NOT OLD.seq OR NEW.at IS NOT OLD.at OR NEW.user_id IS NOT OLD.user_id
  OR NEW.agency_id IS NOT OLD.agency_id OR NEW.source IS NOT OLD.source
  OR NEW.action IS NOT OLD.action OR NEW.ref_digest IS NOT OLD.ref_digest
  OR (NEW.object_id IS NOT OLD.object_id AND NEW.object_id <> 'tombstone')
  OR (NEW.fields IS NOT OLD.fields AND NEW.object_id <> 'tombstone')
  OR (NEW.object_type IS NOT OLD.object_type AND NEW.object_id <> 'tombstone')
  OR ((NEW.hash IS NOT OLD.hash OR NEW.key_id IS NOT OLD.key_id) AND NOT EXISTS
      (SELECT 1 FROM audit_rekey WHERE active = 1))
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Set only by 'filet rekey' while it re-seals the chain under a new key.
CREATE TABLE audit_rekey (active INTEGER NOT NULL);
INSERT INTO audit_rekey(active) VALUES (0);

-- Server-side drafts, so a session timeout never loses a half-written form.
CREATE TABLE drafts (
    user_id     TEXT NOT NULL REFERENCES users(id),
    form_key    TEXT NOT NULL,
    body        TEXT NOT NULL,               -- encrypted (fieldcrypt)
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, form_key)
);
