-- What became of each daily check-in: one row per person and window.

CREATE TABLE check_ins (
    person_id     TEXT NOT NULL REFERENCES people(id),
    check_in      TEXT NOT NULL,             -- topic and local date: "breakfast@2026-11-02"
    topic_id      TEXT NOT NULL,
    window_opens  TEXT NOT NULL,             -- RFC 3339, UTC
    window_closes TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('answered', 'declined', 'not-offered')),
    session_id    TEXT REFERENCES sessions(id),  -- the mat that answered it
    recorded_at   TEXT NOT NULL,
    PRIMARY KEY (person_id, check_in)
);

CREATE TRIGGER check_ins_append_only_u BEFORE UPDATE ON check_ins BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER check_ins_append_only_d BEFORE DELETE ON check_ins BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
