-- 0005: how the persons of a situation are related (partner, ex-partner,
-- parent, step-parent, new partner, relative), as the referral states it.
CREATE TABLE relationships (
    situation_id TEXT NOT NULL REFERENCES situations(id),
    from_person  TEXT NOT NULL REFERENCES persons(id),
    to_person    TEXT NOT NULL REFERENCES persons(id),
    kind         TEXT NOT NULL CHECK (kind IN ('partner','ex_partner','parent','step_parent',
                   'new_partner','relative')),
    PRIMARY KEY (situation_id, from_person, to_person, kind)
);
