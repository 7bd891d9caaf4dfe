-- Who was there, where exactly each card went, skips and "tell me more".

-- NULL: the person was on their own.
ALTER TABLE sessions ADD COLUMN supporter TEXT;
ALTER TABLE sessions ADD COLUMN supporter_helped INTEGER NOT NULL DEFAULT 0;

-- How far from the centre of its point a card was put, in percent of the
-- distance to the next point (negative: to the left); 0 = right under it.
ALTER TABLE placements ADD COLUMN spot_offset INTEGER NOT NULL DEFAULT 0;

CREATE TABLE skips (
    session_id   TEXT NOT NULL REFERENCES sessions(id),
    seq          INTEGER NOT NULL,
    card_id      TEXT NOT NULL,
    card_label   TEXT NOT NULL,
    skipped_at   TEXT NOT NULL,
    input_method TEXT NOT NULL CHECK (input_method IN ('touch', 'key', 'gpio')),
    response_ms  INTEGER NOT NULL,
    PRIMARY KEY (session_id, seq)
);

-- A card the person marked "tell me more", for staff to follow up.
CREATE TABLE marks (
    session_id   TEXT NOT NULL REFERENCES sessions(id),
    seq          INTEGER NOT NULL,
    card_id      TEXT NOT NULL,
    card_label   TEXT NOT NULL,
    marked_at    TEXT NOT NULL,
    input_method TEXT NOT NULL CHECK (input_method IN ('touch', 'key', 'gpio')),
    PRIMARY KEY (session_id, seq)
);

CREATE TRIGGER skips_append_only_u BEFORE UPDATE ON skips BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER skips_append_only_d BEFORE DELETE ON skips BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER marks_append_only_u BEFORE UPDATE ON marks BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER marks_append_only_d BEFORE DELETE ON marks BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
