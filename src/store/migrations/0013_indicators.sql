-- 0013: indicators. A territory's adult female population (for the volume
-- per 10,000 adult women; NULL until set) and the time an action was done
-- (for "done on time"; actions done before this migration take the time of
-- their last change).
ALTER TABLE territories ADD COLUMN adult_women INTEGER CHECK (adult_women IS NULL OR adult_women >= 1);
ALTER TABLE actions ADD COLUMN done_at TEXT;
UPDATE actions SET done_at = updated_at WHERE status = 'done';
