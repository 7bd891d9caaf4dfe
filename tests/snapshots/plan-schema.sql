-- index check_ins_by_person
CREATE INDEX check_ins_by_person ON check_ins (person_id, window_closes);
-- index confirmations_by_card
CREATE INDEX confirmations_by_card ON confirmations (person_id, topic_id, card_id);
-- index evidence_by_card
CREATE INDEX evidence_by_card ON evidence (person_id, topic_id, card_id);
-- index evidence_by_person_time
CREATE INDEX evidence_by_person_time ON evidence (person_id, placed_at);
-- index evidence_tell_me_more
CREATE INDEX evidence_tell_me_more ON evidence (person_id, topic_id, card_id) WHERE tell_me_more = 1;
-- index partial_mats_by_person
CREATE INDEX partial_mats_by_person ON partial_mats (person_id, left_at);
-- index picture_sets_by_person
CREATE INDEX picture_sets_by_person ON picture_sets (person_id);
-- index pictures_by_source
CREATE INDEX pictures_by_source ON pictures (source_hash);
-- index practice_sessions
CREATE INDEX practice_sessions ON synced_sessions (session_id) WHERE practice = 1;
-- index set_version_files_by_hash
CREATE INDEX set_version_files_by_hash ON set_version_files (hash);
-- index synced_sessions_by_device
CREATE INDEX synced_sessions_by_device ON synced_sessions (device_id, synced_at);
-- index synced_sessions_by_person
CREATE INDEX synced_sessions_by_person ON synced_sessions (person_id, synced_at, outcome);
-- index synced_sessions_by_person_finished
CREATE INDEX synced_sessions_by_person_finished ON synced_sessions (person_id, finished_at);
-- index synced_sessions_by_topic
CREATE INDEX synced_sessions_by_topic ON synced_sessions (topic_id, person_id);
-- table accounts
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
    created_at      TEXT NOT NULL, disabled_at TEXT, manages_home INTEGER NOT NULL DEFAULT 0,
    CHECK (role = 'staff' OR person_id IS NOT NULL)
);
-- table actions
CREATE TABLE actions (
    id         INTEGER PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id),
    topic_id   TEXT,
    card_id    TEXT,
    what       TEXT NOT NULL,
    who        TEXT NOT NULL,
    due        TEXT,                       -- a date, YYYY-MM-DD
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
, outcome_note TEXT, about_view TEXT, tell_person TEXT, house_decision INTEGER REFERENCES house_decisions (id));
-- table audit_log
CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,                  -- 'device:<id>' or a staff member's name
    action TEXT NOT NULL,
    detail TEXT NOT NULL
, before TEXT, after TEXT);
-- table card_pictures
CREATE TABLE card_pictures (
    topic_id     TEXT NOT NULL,
    card_id      TEXT NOT NULL,
    picture_hash TEXT NOT NULL REFERENCES pictures(hash),
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (topic_id, card_id)
);
-- table check_ins
CREATE TABLE check_ins (
    person_id     TEXT NOT NULL REFERENCES people(id),
    check_in      TEXT NOT NULL,             -- topic and local date: "breakfast@2026-11-02"
    topic_id      TEXT NOT NULL,
    window_opens  TEXT NOT NULL,             -- RFC 3339, UTC
    window_closes TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('answered', 'declined', 'not-offered')),
    session_id    TEXT,                      -- the mat that answered it
    PRIMARY KEY (person_id, check_in)
);
-- table confirmations
CREATE TABLE confirmations (
    id         INTEGER PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id),
    topic_id   TEXT NOT NULL,
    card_id    TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('confirmed', 'disputed', 'note')),
    body       TEXT NOT NULL DEFAULT '',
    by_whom    TEXT NOT NULL,
    at         TEXT NOT NULL
);
-- table device_clock_marks
CREATE TABLE device_clock_marks (
    device_id   TEXT NOT NULL,
    boot_id     TEXT NOT NULL,
    boot_ms     INTEGER NOT NULL,
    wall        TEXT NOT NULL,
    wall_set    INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (device_id, boot_id, boot_ms, wall)
);
-- table device_marks
CREATE TABLE "device_marks" (
    device_id   TEXT NOT NULL,
    stream      TEXT NOT NULL
        CHECK (stream IN ('finished', 'kept_mats', 'check_ins', 'clock_marks')),
    journal_row INTEGER NOT NULL,
    row_key     TEXT NOT NULL,
    PRIMARY KEY (device_id, stream)
);
-- table devices
CREATE TABLE devices (
    device_id TEXT PRIMARY KEY,
    last_sync TEXT NOT NULL,
    problems  TEXT NOT NULL DEFAULT ''
, name TEXT NOT NULL DEFAULT '');
-- table evidence
CREATE TABLE evidence (
    session_id  TEXT NOT NULL REFERENCES synced_sessions(session_id),
    card_id     TEXT NOT NULL,
    person_id   TEXT NOT NULL REFERENCES people(id),
    topic_id    TEXT NOT NULL,
    card_label  TEXT NOT NULL,
    point       INTEGER NOT NULL,
    view        TEXT NOT NULL,             -- the scale point's label
    placed_seq  INTEGER NOT NULL,          -- placements.seq in the device journal
    placed_at   TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'placed'
    CHECK (kind IN ('placed', 'skipped')), spot_offset INTEGER NOT NULL DEFAULT 0, helped INTEGER NOT NULL DEFAULT 0, tell_me_more INTEGER NOT NULL DEFAULT 0, response_ms INTEGER,
    PRIMARY KEY (session_id, card_id)
);
-- table home_settings
CREATE TABLE home_settings (
    version     INTEGER PRIMARY KEY,
    source_hash TEXT NOT NULL UNIQUE,
    home_toml   TEXT NOT NULL,
    saved_at    TEXT NOT NULL,
    -- Photos that could not be used, one a line, for staff.
    problems    TEXT NOT NULL DEFAULT ''
);
-- table home_settings_photos
CREATE TABLE home_settings_photos (
    version INTEGER NOT NULL REFERENCES home_settings (version),
    hash    TEXT NOT NULL REFERENCES pictures (hash),
    PRIMARY KEY (version, hash)
);
-- table house_decisions
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
-- table house_question_cards
CREATE TABLE house_question_cards (
    question_id  TEXT NOT NULL REFERENCES house_questions (id),
    card_id      TEXT NOT NULL,
    label        TEXT NOT NULL,
    position     INTEGER NOT NULL,
    picture_hash TEXT REFERENCES pictures (hash),
    removed_at   TEXT,                     -- taken off: no longer offered, its answers kept
    PRIMARY KEY (question_id, card_id)
);
-- table house_question_people
CREATE TABLE house_question_people (
    question_id TEXT NOT NULL REFERENCES house_questions (id),
    person_id   TEXT NOT NULL REFERENCES people (id),
    PRIMARY KEY (question_id, person_id)
);
-- table house_questions
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
-- table paired_kiosks
CREATE TABLE paired_kiosks (
    device_id  TEXT PRIMARY KEY,   -- the kiosk's own id (its journal's device id)
    token_hash TEXT NOT NULL UNIQUE, -- SHA-256 of the token the kiosk syncs with
    paired_at  TEXT NOT NULL,      -- RFC 3339, UTC
    revoked_at TEXT,               -- NULL: may sync
    revoked_by TEXT
);
-- table pairing_codes
CREATE TABLE pairing_codes (
    code_hash  TEXT PRIMARY KEY,   -- SHA-256 of the code as typed, letters and digits only, upper case
    made_by    TEXT NOT NULL,      -- the staff account's name
    made_at    TEXT NOT NULL,      -- RFC 3339, UTC
    expires_at TEXT NOT NULL,      -- RFC 3339, UTC
    used_at    TEXT,               -- NULL: not used yet
    used_by    TEXT                -- the device that used it
);
-- table partial_mats
CREATE TABLE partial_mats (
    session_id   TEXT PRIMARY KEY,
    device_id    TEXT NOT NULL,
    person_id    TEXT NOT NULL REFERENCES people(id),
    topic_id     TEXT NOT NULL,
    topic_title  TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    left_at      TEXT NOT NULL,
    cards_placed INTEGER NOT NULL,
    synced_at    TEXT NOT NULL
);
-- table people
CREATE TABLE people (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
, photo_hash TEXT REFERENCES pictures(hash), views_shared INTEGER NOT NULL DEFAULT 0, named_at_meetings_by TEXT, named_at_meetings_at TEXT, left_home_at TEXT, left_home_recorded_by TEXT);
-- table picture_sets
CREATE TABLE picture_sets (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id),
    created_at TEXT NOT NULL
);
-- table pictures
CREATE TABLE pictures (
    hash        TEXT PRIMARY KEY,
    source_hash TEXT NOT NULL,
    media_type  TEXT NOT NULL CHECK (media_type IN ('image/png', 'image/jpeg')),
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    bytes       BLOB NOT NULL,
    added_at    TEXT NOT NULL
);
-- table plan_info
CREATE TABLE plan_info (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- table preferences
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
    changed_from TEXT, times_skipped INTEGER NOT NULL DEFAULT 0, changed_until TEXT, folded_rowid INTEGER, latest_at TEXT, latest_session TEXT, view_counts TEXT,                     -- the view before, if it changed
    PRIMARY KEY (person_id, topic_id, card_id)
);
-- table profile_sections
CREATE TABLE profile_sections (
    person_id  TEXT NOT NULL REFERENCES people(id),
    section    TEXT NOT NULL CHECK (section IN ('appreciate', 'important', 'support', 'communication')),
    body       TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (person_id, section)
);
-- table set_files
CREATE TABLE set_files (
    hash  TEXT PRIMARY KEY,
    bytes BLOB NOT NULL
);
-- table set_version_files
CREATE TABLE set_version_files (
    set_id  TEXT NOT NULL,
    version INTEGER NOT NULL,
    name    TEXT NOT NULL,
    hash    TEXT NOT NULL REFERENCES set_files(hash),
    PRIMARY KEY (set_id, version, name),
    FOREIGN KEY (set_id, version) REFERENCES set_versions(set_id, version)
);
-- table set_versions
CREATE TABLE set_versions (
    set_id   TEXT NOT NULL REFERENCES picture_sets(id),
    version  INTEGER NOT NULL CHECK (version >= 1),
    saved_at TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    set_toml TEXT NOT NULL,
    PRIMARY KEY (set_id, version)
);
-- table synced_sessions
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
, outcome TEXT NOT NULL DEFAULT 'finished'
    CHECK (outcome IN ('finished', 'declined')), mat_picture TEXT, supporter TEXT, supporter_helped INTEGER NOT NULL DEFAULT 0, mat_picture_hash TEXT REFERENCES pictures(hash), practice INTEGER NOT NULL DEFAULT 0);
-- table web_sessions
CREATE TABLE web_sessions (
    token_hash  TEXT PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
