-- Presses that came too soon after a card (or the review) appeared to be an
-- answer to it: a bounce, a tremor, a double tap. Kept, never counted.

CREATE TABLE ignored_presses (
    session_id   TEXT NOT NULL REFERENCES sessions(id),
    pressed_at   TEXT NOT NULL,
    input_method TEXT NOT NULL CHECK (input_method IN ('touch', 'key', 'gpio')),
    would_have   TEXT NOT NULL CHECK (would_have IN ('answered', 'finished'))
);

CREATE TRIGGER ignored_presses_append_only_u BEFORE UPDATE ON ignored_presses BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER ignored_presses_append_only_d BEFORE DELETE ON ignored_presses BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
