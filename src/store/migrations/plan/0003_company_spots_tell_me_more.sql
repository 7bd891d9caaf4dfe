-- Version 3: who was with the person, exactly where each card went, and the
-- cards the person asked staff to follow up ("tell me more").

-- NULL: the person was on their own.
ALTER TABLE synced_sessions ADD COLUMN supporter TEXT;
ALTER TABLE synced_sessions ADD COLUMN supporter_helped INTEGER NOT NULL DEFAULT 0;

-- How far from the centre of its point the card was put, in percent of the
-- distance to the next point (negative: to the left); 0 = right under it.
ALTER TABLE evidence ADD COLUMN spot_offset INTEGER NOT NULL DEFAULT 0;
-- 1: a supporter placed this card, helping the person.
ALTER TABLE evidence ADD COLUMN helped INTEGER NOT NULL DEFAULT 0;
-- 1: the person marked this card "tell me more" on this mat.
ALTER TABLE evidence ADD COLUMN tell_me_more INTEGER NOT NULL DEFAULT 0;
