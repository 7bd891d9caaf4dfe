-- Version 6: "you said, we did". What staff did about something the person
-- said, brought down from the support plan by sync, to be told to the person
-- the next time they are chosen. Told once: the person's answer is a mat on
-- the topic 'you-said-we-did' with the card 'action-<action_id>'; one told
-- (and answered) on another kiosk of the home is marked settled here.

CREATE TABLE news (
    action_id   INTEGER PRIMARY KEY,      -- the plan's action
    person_id   TEXT NOT NULL,
    topic_id    TEXT NOT NULL,            -- the card the person spoke about
    card_id     TEXT NOT NULL,
    card_label  TEXT NOT NULL,
    said_view   TEXT NOT NULL,            -- what they said about it then
    words       TEXT NOT NULL,            -- what staff wrote for them
    received_at TEXT NOT NULL
);

CREATE TABLE news_settled (
    action_id  INTEGER PRIMARY KEY REFERENCES news(action_id),
    settled_at TEXT NOT NULL
);

CREATE TRIGGER news_append_only_u BEFORE UPDATE ON news BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER news_append_only_d BEFORE DELETE ON news BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER news_settled_append_only_u BEFORE UPDATE ON news_settled BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER news_settled_append_only_d BEFORE DELETE ON news_settled BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
