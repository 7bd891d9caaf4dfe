-- A kiosk joins a home's hub with a one-time pairing code that staff make
-- in the web app: short, typed on a keypad, good for 15 minutes and once.
-- Neither the code nor the kiosk's token is kept, only their SHA-256: a
-- copy of the plan lets nobody pair or sync as a kiosk.
CREATE TABLE pairing_codes (
    code_hash  TEXT PRIMARY KEY,   -- SHA-256 of the code as typed, letters and digits only, upper case
    made_by    TEXT NOT NULL,      -- the staff account's name
    made_at    TEXT NOT NULL,      -- RFC 3339, UTC
    expires_at TEXT NOT NULL,      -- RFC 3339, UTC
    used_at    TEXT,               -- NULL: not used yet
    used_by    TEXT                -- the device that used it
);

CREATE TABLE paired_kiosks (
    device_id  TEXT PRIMARY KEY,   -- the kiosk's own id (its journal's device id)
    token_hash TEXT NOT NULL UNIQUE, -- SHA-256 of the token the kiosk syncs with
    paired_at  TEXT NOT NULL,      -- RFC 3339, UTC
    revoked_at TEXT,               -- NULL: may sync
    revoked_by TEXT
);
