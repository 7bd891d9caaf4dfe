-- Version 5: the accounts of the staff and family web app, their signed-in
-- sessions, and audit rows that say what a change replaced.

-- A staff member (the people of the home) or a family member (one person).
-- No account has a passphrase until its owner sets one with the one-time
-- set-up code `sayso staff add` printed; there is no default password.
CREATE TABLE accounts (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role            TEXT NOT NULL CHECK (role IN ('staff', 'family')),
    person_id       TEXT REFERENCES people(id),   -- a family account's one person
    passphrase      TEXT,                         -- argon2id, PHC string
    pin             TEXT,                         -- argon2id, PHC string: the kiosk's staff screen
    setup_code      TEXT,                         -- SHA-256 of the one-time code; NULL once used
    setup_expires   TEXT,
    failed_signins  INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,                         -- RFC 3339, UTC
    last_looked     TEXT,                         -- "What's new" is what came after this
    created_at      TEXT NOT NULL,
    CHECK (role = 'staff' OR person_id IS NOT NULL)
);

-- A signed-in browser. Only a hash of the cookie's token is kept, so a copy
-- of the plan file signs nobody in.
CREATE TABLE web_sessions (
    token_hash  TEXT PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

-- What a change replaced, and what it became (NULL where there was nothing).
ALTER TABLE audit_log ADD COLUMN before TEXT;
ALTER TABLE audit_log ADD COLUMN after TEXT;

-- What became of an action that is done, or why it was dropped.
ALTER TABLE actions ADD COLUMN outcome_note TEXT;

-- "You said, we did": what the person said about the card when the action
-- was made, and the words staff wrote for the person when it was done. An
-- action done with words is told on the kiosk, and the person's answer comes
-- back as evidence under the topic 'you-said-we-did', card 'action-<id>'.
ALTER TABLE actions ADD COLUMN about_view TEXT;
ALTER TABLE actions ADD COLUMN tell_person TEXT;

-- Each kiosk of the home as its last sync left it: when, and what its staff
-- line said then (one problem a line; empty when all is well).
CREATE TABLE devices (
    device_id TEXT PRIMARY KEY,
    last_sync TEXT NOT NULL,
    problems  TEXT NOT NULL DEFAULT ''
);

-- What's new and a person's page look things up by person: with a year of
-- eight daily mats for twenty people, these keep each page well under 50 ms.
CREATE INDEX synced_sessions_by_person ON synced_sessions (person_id, synced_at, outcome);
CREATE INDEX synced_sessions_by_person_finished ON synced_sessions (person_id, finished_at);
CREATE INDEX evidence_tell_me_more ON evidence (person_id, topic_id, card_id) WHERE tell_me_more = 1;
CREATE INDEX check_ins_by_person ON check_ins (person_id, window_closes);
CREATE INDEX synced_sessions_by_device ON synced_sessions (device_id, synced_at);
CREATE INDEX evidence_by_person_time ON evidence (person_id, placed_at);
