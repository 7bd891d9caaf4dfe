-- Version 4: what became of each daily check-in, from the devices' journals.

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
