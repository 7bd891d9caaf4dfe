-- What each current view is kept up to date from, so that a sync adds in
-- the answers that are new instead of working a card's view out again from
-- all of its evidence (src/store/plan.rs, `refresh_preference`). Evidence
-- rows are never deleted, so their rowids only grow: every row after
-- `folded_rowid` is new. A row without these (made before) is worked out
-- again from all its evidence the next time, and has them from then on.
ALTER TABLE preferences ADD COLUMN folded_rowid INTEGER;   -- the last evidence row taken in
ALTER TABLE preferences ADD COLUMN latest_at TEXT;         -- the latest answer taken in (any kind)...
ALTER TABLE preferences ADD COLUMN latest_session TEXT;    -- ...and its mat: answers are ordered by both
ALTER TABLE preferences ADD COLUMN view_counts TEXT;       -- JSON: how often each view was given

-- How far each device's journal has been brought in, per kind of row
-- (`finished`: finished mats, by `session_ends`; `kept_mats`: their
-- pictures; `check_ins`: what became of check-ins): every journal row up to
-- `journal_row` (its rowid) is in the plan, so a sync reads only the rows
-- after it. `row_key` is what that row holds (its mat's id; a check-in's
-- person id and window, with a space between): a journal that no longer holds it there (recovered
-- from damage, restored from a backup) is read again from its beginning.
CREATE TABLE device_marks (
    device_id   TEXT NOT NULL,
    stream      TEXT NOT NULL CHECK (stream IN ('finished', 'kept_mats', 'check_ins')),
    journal_row INTEGER NOT NULL,
    row_key     TEXT NOT NULL,
    PRIMARY KEY (device_id, stream)
);
