-- Version 14: questions for the whole house, answered by each resident on
-- the kiosk and counted for the residents' meeting.

-- A home manager may make questions for the house (and make others managers).
ALTER TABLE accounts ADD COLUMN manages_home INTEGER NOT NULL DEFAULT 0;

-- A resident's consent to their answers to the house's questions being shown
-- by name at the meeting: who recorded it and when (NULL: not given, and
-- their answers are only counted).
ALTER TABLE people ADD COLUMN named_at_meetings_by TEXT;
ALTER TABLE people ADD COLUMN named_at_meetings_at TEXT;

-- A question for the house. Residents answer it on the kiosk as a mat on the
-- topic 'house-' || id, so their answers are the synced_sessions and
-- evidence rows of that topic.
CREATE TABLE house_questions (
    id         TEXT PRIMARY KEY,           -- a UUIDv7, made when the question is
    title      TEXT NOT NULL,              -- "The garden"
    question   TEXT NOT NULL,              -- spoken: "What shall we plant in the garden?"
    scale      TEXT NOT NULL,              -- a built-in scale's name: 'like', 'want', …
    opens_at   TEXT NOT NULL,              -- RFC 3339, UTC: offered from then …
    closes_at  TEXT NOT NULL,              -- … until then
    asks_again TEXT REFERENCES house_questions (id), -- the earlier asking, for the change since
    made_by    TEXT NOT NULL,
    made_at    TEXT NOT NULL
);
CREATE TABLE house_question_cards (
    question_id  TEXT NOT NULL REFERENCES house_questions (id),
    card_id      TEXT NOT NULL,
    label        TEXT NOT NULL,
    position     INTEGER NOT NULL,
    picture_hash TEXT REFERENCES pictures (hash),
    removed_at   TEXT,                     -- taken off: no longer offered, its answers kept
    PRIMARY KEY (question_id, card_id)
);
-- Who a question is for. A resident who leaves the home stays here, so their
-- answers stay counted (never named once they have left).
CREATE TABLE house_question_people (
    question_id TEXT NOT NULL REFERENCES house_questions (id),
    person_id   TEXT NOT NULL REFERENCES people (id),
    PRIMARY KEY (question_id, person_id)
);
CREATE INDEX synced_sessions_by_topic ON synced_sessions (topic_id, person_id);

-- What a residents' meeting decided about a question's card, with who does
-- it and by when. Each resident whose answer placed the card gets an action
-- of their own for it (actions.house_decision), so that when the decision is
-- done with words for the residents, each hears it on their kiosk ("you said,
-- we did") and their answer comes back as evidence, as for one person.
CREATE TABLE house_decisions (
    id             INTEGER PRIMARY KEY,
    question_id    TEXT NOT NULL REFERENCES house_questions (id),
    card_id        TEXT NOT NULL,
    what           TEXT NOT NULL,
    who            TEXT NOT NULL,
    due            TEXT,                   -- a date, YYYY-MM-DD
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
    outcome_note   TEXT,
    tell_residents TEXT,                   -- told on the kiosk to each resident who answered
    made_by        TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
ALTER TABLE actions ADD COLUMN house_decision INTEGER REFERENCES house_decisions (id);
