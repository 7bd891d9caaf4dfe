-- Version 7: picture sets kept in the plan, for every kiosk of the home.
-- A family member or staff member saves a person's set in the web app (or a
-- laptop imports one); each save is a new version, written in one
-- transaction, so a kiosk syncing meanwhile sees the old version or the new
-- one whole. Going back to an old version saves it again as the newest.
-- Only the newest versions are kept (see `docs/support-plan.md`).

-- A set, and whose it is. `id` is the set's own id (its set.toml `id`).
CREATE TABLE picture_sets (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id),
    created_at TEXT NOT NULL
);
CREATE INDEX picture_sets_by_person ON picture_sets (person_id);

-- Each saved version: the set file's text as it was saved, who saved it.
CREATE TABLE set_versions (
    set_id   TEXT NOT NULL REFERENCES picture_sets(id),
    version  INTEGER NOT NULL CHECK (version >= 1),
    saved_at TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    set_toml TEXT NOT NULL,
    PRIMARY KEY (set_id, version)
);

-- The pictures and clips of the sets, each once, named by the SHA-256 of
-- its bytes (lowercase hex): already prepared by sayso (pictures scaled and
-- stripped of metadata, clips as mono WAV).
CREATE TABLE set_files (
    hash  TEXT PRIMARY KEY,
    bytes BLOB NOT NULL
);

-- Which files a version has, under the names its set file uses
-- (`pictures/mug.jpg`, `clips/mug.wav`).
CREATE TABLE set_version_files (
    set_id  TEXT NOT NULL,
    version INTEGER NOT NULL,
    name    TEXT NOT NULL,
    hash    TEXT NOT NULL REFERENCES set_files(hash),
    PRIMARY KEY (set_id, version, name),
    FOREIGN KEY (set_id, version) REFERENCES set_versions(set_id, version)
);
CREATE INDEX set_version_files_by_hash ON set_version_files (hash);
