-- What staff call each kiosk ("Lounge", "Sam's room"): What's new names
-- kiosks by it; empty until someone names it, when its short id is shown.
ALTER TABLE devices ADD COLUMN name TEXT NOT NULL DEFAULT '';
