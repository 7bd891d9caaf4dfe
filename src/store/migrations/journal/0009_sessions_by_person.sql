-- Each person's most recent mat, found at start without reading the whole
-- journal (a kiosk's start costs the same after a month or a hundred years).
CREATE INDEX sessions_by_person ON sessions (person_id);
