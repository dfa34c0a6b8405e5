-- 0014: the practitioners' evaluations after cell meetings (issue 7).
--
-- Anonymous in the results, and in the file: who answered which meeting is
-- kept only to refuse a second answer (evaluation_done), and the answers
-- themselves carry no user, no meeting and no time - only the territory
-- and the month of the meeting, which is what the results are counted by.
-- Both answer tables are WITHOUT ROWID with random keys, so the order rows
-- were written in is not kept: nothing links a "done" row to its answers.

-- Who has answered which meeting (no time, no link to the answers).
CREATE TABLE evaluation_done (
    meeting_id   TEXT NOT NULL REFERENCES meetings(id),
    user_id      TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (meeting_id, user_id)
) WITHOUT ROWID;

-- One anonymous questionnaire: its random id, where and when (the month of
-- the meeting, in the territory's time zone), and the free comment,
-- encrypted.
CREATE TABLE evaluation_responses (
    id           TEXT PRIMARY KEY,         -- random (lib/id.c)
    territory_id TEXT NOT NULL REFERENCES territories(id),
    month        TEXT NOT NULL,            -- YYYY-MM
    form_id      TEXT NOT NULL,            -- data/evaluation.json "id"
    form_version INTEGER NOT NULL,
    comment_enc  TEXT
) WITHOUT ROWID;
CREATE INDEX evaluation_responses_period ON evaluation_responses(territory_id, month);

-- Its answers: one Likert value (1 strongly disagree .. 5 strongly agree)
-- per statement answered.
CREATE TABLE evaluation_answers (
    response_id  TEXT NOT NULL REFERENCES evaluation_responses(id),
    statement    TEXT NOT NULL,
    value        INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),
    PRIMARY KEY (response_id, statement)
) WITHOUT ROWID;
