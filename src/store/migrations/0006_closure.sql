-- 0006: closing a situation: the reason, outcome notes and, when the victim
-- moved out of the territory, a transfer note (both encrypted).
ALTER TABLE situations ADD COLUMN close_reason TEXT CHECK (close_reason IN ('risk_reduced','relocated',
    'unreachable','moved_out_of_territory','other'));
ALTER TABLE situations ADD COLUMN closure_notes_enc TEXT;
ALTER TABLE situations ADD COLUMN transfer_note_enc TEXT;
