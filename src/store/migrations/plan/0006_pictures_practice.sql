-- Version 6: the pictures the staff pages show, carried into the plan so the
-- pages work wherever the plan is; and practice mats.

-- Each picture once, named by the SHA-256 of its bytes (lowercase hex). What
-- is kept is what the pages show: card pictures and photos scaled down and
-- re-encoded by sayso (PNG or JPEG, nothing else, no metadata), kept mats as
-- the kiosk drew them. `source_hash` is the SHA-256 of the file it was made
-- from, so an unchanged file is never prepared twice.
CREATE TABLE pictures (
    hash        TEXT PRIMARY KEY,
    source_hash TEXT NOT NULL,
    media_type  TEXT NOT NULL CHECK (media_type IN ('image/png', 'image/jpeg')),
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    bytes       BLOB NOT NULL,
    added_at    TEXT NOT NULL
);
CREATE INDEX pictures_by_source ON pictures (source_hash);

-- The picture each card of a topic has, as its kiosk's set last had it.
CREATE TABLE card_pictures (
    topic_id     TEXT NOT NULL,
    card_id      TEXT NOT NULL,
    picture_hash TEXT NOT NULL REFERENCES pictures(hash),
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (topic_id, card_id)
);

-- A person's photo from the home file.
ALTER TABLE people ADD COLUMN photo_hash TEXT REFERENCES pictures(hash);

-- The kept picture of a mat, in `pictures` (`mat_picture` stays: the file's
-- path on the kiosk that drew it).
ALTER TABLE synced_sessions ADD COLUMN mat_picture_hash TEXT REFERENCES pictures(hash);

-- A teaching or practice mat: kept with its evidence, but never counted
-- towards a view. Set on the kiosk before the mat or by staff afterwards.
ALTER TABLE synced_sessions ADD COLUMN practice INTEGER NOT NULL DEFAULT 0;
CREATE INDEX practice_sessions ON synced_sessions (session_id) WHERE practice = 1;
