-- 0009: a review date per situation, set by the coordinator; an alert is
-- due when it is reached and the situation is not closed.
ALTER TABLE situations ADD COLUMN review_on TEXT; -- YYYY-MM-DD
