-- Version 7: teaching or practice mats, marked by staff on the kiosk's
-- staff screen before the mat began. Kept like any mat, never counted
-- towards a view (sync carries the mark to the plan's
-- `synced_sessions.practice`).

CREATE TABLE practice_mats (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id),
    marked_at  TEXT NOT NULL
);

CREATE TRIGGER practice_mats_append_only_u BEFORE UPDATE ON practice_mats BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER practice_mats_append_only_d BEFORE DELETE ON practice_mats BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
