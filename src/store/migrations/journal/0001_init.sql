-- The device's own record. Append only: rows are never updated or deleted.

CREATE TABLE device (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE people (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,          -- UUIDv7, unique across devices
    device_id   TEXT NOT NULL,
    person_id   TEXT NOT NULL REFERENCES people(id),
    set_id      TEXT NOT NULL,
    topic_id    TEXT NOT NULL,
    topic_title TEXT NOT NULL,
    started_at  TEXT NOT NULL              -- RFC 3339, UTC
);

-- Placements and undos share one sequence per session (`seq`): the order in
-- which the person acted.
CREATE TABLE placements (
    session_id       TEXT NOT NULL REFERENCES sessions(id),
    seq              INTEGER NOT NULL,
    card_id          TEXT NOT NULL,
    card_label       TEXT NOT NULL,
    point            INTEGER NOT NULL,     -- 0 = leftmost scale point
    point_label      TEXT NOT NULL,
    placed_at        TEXT NOT NULL,
    input_method     TEXT NOT NULL CHECK (input_method IN ('touch', 'key', 'gpio')),
    response_ms      INTEGER NOT NULL,
    supporter_helped INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE undos (
    session_id   TEXT NOT NULL REFERENCES sessions(id),
    seq          INTEGER NOT NULL,
    undoes_seq   INTEGER NOT NULL,
    undone_at    TEXT NOT NULL,
    input_method TEXT NOT NULL CHECK (input_method IN ('touch', 'key', 'gpio')),
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE session_ends (
    session_id   TEXT PRIMARY KEY REFERENCES sessions(id),
    outcome      TEXT NOT NULL CHECK (outcome IN ('finished')),
    ended_at     TEXT NOT NULL,
    input_method TEXT NOT NULL CHECK (input_method IN ('touch', 'key', 'gpio'))
);

CREATE TRIGGER sessions_append_only_u BEFORE UPDATE ON sessions BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER sessions_append_only_d BEFORE DELETE ON sessions BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER placements_append_only_u BEFORE UPDATE ON placements BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER placements_append_only_d BEFORE DELETE ON placements BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER undos_append_only_u BEFORE UPDATE ON undos BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER undos_append_only_d BEFORE DELETE ON undos BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER session_ends_append_only_u BEFORE UPDATE ON session_ends BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER session_ends_append_only_d BEFORE DELETE ON session_ends BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
