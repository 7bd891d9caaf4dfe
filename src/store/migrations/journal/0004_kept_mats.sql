-- The picture of each finished mat, like the photo of a paper mat: the
-- evidence of what the person said that day.

CREATE TABLE kept_mats (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id),
    picture    TEXT NOT NULL,               -- PNG, relative to the data directory
    kept_at    TEXT NOT NULL
);

CREATE TRIGGER kept_mats_append_only_u BEFORE UPDATE ON kept_mats BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER kept_mats_append_only_d BEFORE DELETE ON kept_mats BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
