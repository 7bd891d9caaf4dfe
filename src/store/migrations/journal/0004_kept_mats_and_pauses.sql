-- The picture of each finished mat, like the photo of a paper mat: the
-- evidence of what the person said that day.

CREATE TABLE kept_mats (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id),
    picture    TEXT NOT NULL,               -- PNG, relative to the data directory
    kept_at    TEXT NOT NULL
);

CREATE TRIGGER kept_mats_append_only_u BEFORE UPDATE ON kept_mats BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER kept_mats_append_only_d BEFORE DELETE ON kept_mats BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;

-- A mat left untouched is saved as partial: its placements are all in the
-- journal already; this says when it was left, and when (if) it was taken up
-- again.
CREATE TABLE pauses (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    paused_at  TEXT NOT NULL,
    PRIMARY KEY (session_id, paused_at)
);
CREATE TABLE resumes (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    resumed_at TEXT NOT NULL,
    PRIMARY KEY (session_id, resumed_at)
);

CREATE TRIGGER pauses_append_only_u BEFORE UPDATE ON pauses BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER pauses_append_only_d BEFORE DELETE ON pauses BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER resumes_append_only_u BEFORE UPDATE ON resumes BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER resumes_append_only_d BEFORE DELETE ON resumes BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
