-- Version 2: the rest of the support plan. The person's one-page profile,
-- staff confirmations and notes, the actions that follow, an audit log, and
-- what sync needs to keep skips, declined check-ins and changes of view apart.

-- Facts about this plan file. `home_id` ties the plan to the devices of one
-- home: it is taken from the first device that syncs into it.
CREATE TABLE plan_info (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE profile_sections (
    person_id  TEXT NOT NULL REFERENCES people(id),
    section    TEXT NOT NULL CHECK (section IN ('appreciate', 'important', 'support', 'communication')),
    body       TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (person_id, section)
);

-- A finished mat is 'finished'; a check-in the person said no to is 'declined'.
ALTER TABLE synced_sessions ADD COLUMN outcome TEXT NOT NULL DEFAULT 'finished'
    CHECK (outcome IN ('finished', 'declined'));
-- The kept picture of the finished mat, relative to the device's data directory.
ALTER TABLE synced_sessions ADD COLUMN mat_picture TEXT;

-- A card the person skipped is evidence too, but never a view.
ALTER TABLE evidence ADD COLUMN kind TEXT NOT NULL DEFAULT 'placed'
    CHECK (kind IN ('placed', 'skipped'));

ALTER TABLE preferences ADD COLUMN times_skipped INTEGER NOT NULL DEFAULT 0;
-- With `changed_from`: the last time the earlier view was given.
ALTER TABLE preferences ADD COLUMN changed_until TEXT;

CREATE TABLE confirmations (
    id         INTEGER PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id),
    topic_id   TEXT NOT NULL,
    card_id    TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('confirmed', 'disputed', 'note')),
    body       TEXT NOT NULL DEFAULT '',
    by_whom    TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX confirmations_by_card ON confirmations (person_id, topic_id, card_id);

CREATE TABLE actions (
    id         INTEGER PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id),
    topic_id   TEXT,
    card_id    TEXT,
    what       TEXT NOT NULL,
    who        TEXT NOT NULL,
    due        TEXT,                       -- a date, YYYY-MM-DD
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Who changed what, and when. Sync, staff and tools all write here.
CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,                  -- 'device:<id>' or a staff member's name
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
