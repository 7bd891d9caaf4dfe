-- Version 15: a resident who leaves the home.

-- When they left, and who recorded it (NULL: they live here). Their answers
-- to the house's questions stay counted, and are never shown by name once
-- they have left; no new question is made for them.
ALTER TABLE people ADD COLUMN left_home_at TEXT;
ALTER TABLE people ADD COLUMN left_home_recorded_by TEXT;
