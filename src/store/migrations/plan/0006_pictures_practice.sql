-- Version 6: the pictures the staff pages show, carried into the plan so the
-- pages work wherever the plan is; practice mats; how long each answer
-- took; mats left part-way; views shared with a person's family.

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

-- Staff have shared the person's views with their family accounts (read
-- only). Not shared unless staff say so.
ALTER TABLE people ADD COLUMN views_shared INTEGER NOT NULL DEFAULT 0;

-- The kept picture of a mat, in `pictures` (`mat_picture` stays: the file's
-- path on the kiosk that drew it).
ALTER TABLE synced_sessions ADD COLUMN mat_picture_hash TEXT REFERENCES pictures(hash);

-- A teaching or practice mat: kept with its evidence, but never counted
-- towards a view. Set on the kiosk before the mat or by staff afterwards.
ALTER TABLE synced_sessions ADD COLUMN practice INTEGER NOT NULL DEFAULT 0;
CREATE INDEX practice_sessions ON synced_sessions (session_id) WHERE practice = 1;

-- How long the person took to place the card, from it being shown, in
-- milliseconds (NULL for skipped cards and for plans synced before version 6).
ALTER TABLE evidence ADD COLUMN response_ms INTEGER;

-- Each kiosk's mats left part-way (saved as partial when nobody touched
-- them), as its last sync found them. Not evidence: a mat is final only once
-- the person has finished it, and a partial mat can still be carried on.
-- A row goes when its mat is finished (and is in `synced_sessions`) or
-- started afresh.
CREATE TABLE partial_mats (
    session_id   TEXT PRIMARY KEY,
    device_id    TEXT NOT NULL,
    person_id    TEXT NOT NULL REFERENCES people(id),
    topic_id     TEXT NOT NULL,
    topic_title  TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    left_at      TEXT NOT NULL,
    cards_placed INTEGER NOT NULL,
    synced_at    TEXT NOT NULL
);
CREATE INDEX partial_mats_by_person ON partial_mats (person_id, left_at);
