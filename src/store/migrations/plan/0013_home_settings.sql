-- The home file as the hub gives it to its kiosks: a version each time the
-- hub's own file (or one of its photos) changes, its people's photos named
-- by the plan's pictures.
CREATE TABLE home_settings (
    version     INTEGER PRIMARY KEY,
    source_hash TEXT NOT NULL UNIQUE,
    home_toml   TEXT NOT NULL,
    saved_at    TEXT NOT NULL,
    -- Photos that could not be used, one a line, for staff.
    problems    TEXT NOT NULL DEFAULT ''
);
CREATE TABLE home_settings_photos (
    version INTEGER NOT NULL REFERENCES home_settings (version),
    hash    TEXT NOT NULL REFERENCES pictures (hash),
    PRIMARY KEY (version, hash)
);
