-- How far this kiosk's finished mats have reached the support plan (the
-- last row of session_ends the plan has every mat up to), and when a sync
-- last took them there: the staff screen tells "saved on this kiosk" from
-- "reached the plan". One row, rewritten by each sync.
CREATE TABLE plan_reached (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    finished_row INTEGER NOT NULL,  -- rowid in session_ends
    at           TEXT NOT NULL      -- RFC 3339, UTC
);
