-- Each kiosk's clock marks: where its wall clock could be believed (a Pi
-- has no real-time clock), so the times of its records can be checked.
CREATE TABLE device_clock_marks (
    device_id   TEXT NOT NULL,
    boot_id     TEXT NOT NULL,
    boot_ms     INTEGER NOT NULL,
    wall        TEXT NOT NULL,
    wall_set    INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (device_id, boot_id, boot_ms, wall)
);

-- How far each device's clock marks reached the plan, as for its other
-- streams: the table is made again with the new stream allowed.
CREATE TABLE device_marks_12 (
    device_id   TEXT NOT NULL,
    stream      TEXT NOT NULL
        CHECK (stream IN ('finished', 'kept_mats', 'check_ins', 'clock_marks')),
    journal_row INTEGER NOT NULL,
    row_key     TEXT NOT NULL,
    PRIMARY KEY (device_id, stream)
);
INSERT INTO device_marks_12 SELECT device_id, stream, journal_row, row_key FROM device_marks;
DROP TABLE device_marks;
ALTER TABLE device_marks_12 RENAME TO device_marks;
