-- Version 8: where the wall clock could be believed. A Raspberry Pi has no
-- real-time clock: until a time service answers, the kiosk goes on from the
-- latest time that can be right and writes a mark with `wall_set` = 0; once
-- the clock is set, a mark with `wall_set` = 1. Times recorded between the
-- two are put right by sync from `boot_ms` (monotonic milliseconds since the
-- machine's boot `boot_id`); the rows themselves are never changed.

CREATE TABLE clock_marks (
    seq      INTEGER PRIMARY KEY,
    boot_id  TEXT NOT NULL,
    boot_ms  INTEGER NOT NULL,
    wall     TEXT NOT NULL,
    wall_set INTEGER NOT NULL CHECK (wall_set IN (0, 1))
);

CREATE TRIGGER clock_marks_append_only_u BEFORE UPDATE ON clock_marks BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER clock_marks_append_only_d BEFORE DELETE ON clock_marks BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
