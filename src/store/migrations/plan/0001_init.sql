-- The person's support plan: what the device heard, as staff read it.
-- Schema version: PRAGMA user_version. Documented in docs/architecture.md.

CREATE TABLE people (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

-- One row per finished mat brought in from a device's journal. Its presence
-- is what makes sync exactly-once: a session is applied in one transaction
-- together with this row, or not at all.
CREATE TABLE synced_sessions (
    session_id  TEXT PRIMARY KEY,
    device_id   TEXT NOT NULL,
    person_id   TEXT NOT NULL REFERENCES people(id),
    set_id      TEXT NOT NULL,
    topic_id    TEXT NOT NULL,
    topic_title TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    synced_at   TEXT NOT NULL
);

-- Where each card ended on each finished mat: the evidence for a preference.
CREATE TABLE evidence (
    session_id  TEXT NOT NULL REFERENCES synced_sessions(session_id),
    card_id     TEXT NOT NULL,
    person_id   TEXT NOT NULL REFERENCES people(id),
    topic_id    TEXT NOT NULL,
    card_label  TEXT NOT NULL,
    point       INTEGER NOT NULL,
    view        TEXT NOT NULL,             -- the scale point's label
    placed_seq  INTEGER NOT NULL,          -- placements.seq in the device journal
    placed_at   TEXT NOT NULL,
    PRIMARY KEY (session_id, card_id)
);
CREATE INDEX evidence_by_card ON evidence (person_id, topic_id, card_id);

-- The person's current view of each card, derived from `evidence` by the rule
-- in src/core/preference.rs. Rebuilt for a card whenever its evidence grows.
CREATE TABLE preferences (
    person_id    TEXT NOT NULL REFERENCES people(id),
    topic_id     TEXT NOT NULL,
    topic_title  TEXT NOT NULL,
    card_id      TEXT NOT NULL,
    card_label   TEXT NOT NULL,
    current_view TEXT NOT NULL,
    times_asked  INTEGER NOT NULL,
    times_said   INTEGER NOT NULL,
    since        TEXT NOT NULL,
    last_at      TEXT NOT NULL,
    changed_from TEXT,                     -- the view before, if it changed
    PRIMARY KEY (person_id, topic_id, card_id)
);
