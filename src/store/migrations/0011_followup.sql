-- 0011: meeting follow-up. An agency's "research" for a meeting is an
-- information item of the situation (same basis, visibility, encryption
-- and disclosure register) marked with the meeting it was prepared for;
-- a territory sets the quorum its meetings take when they set none.
ALTER TABLE information ADD COLUMN meeting_id TEXT REFERENCES meetings(id);
CREATE INDEX information_meeting ON information(meeting_id, situation_id);
ALTER TABLE territories ADD COLUMN meeting_quorum INTEGER NOT NULL DEFAULT 3
    CHECK (meeting_quorum BETWEEN 1 AND 50);
