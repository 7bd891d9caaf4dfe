//! The journal: the device's own append-only record of every session and
//! every action in it, each committed the moment it happens.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::db::{self, StoreError};
use super::{parse_timestamp, timestamp};
use crate::core::flow::{LeftMat, Restored};
use crate::core::time::ClockMark;
use crate::core::{
    CardId, Company, JournalAction, News, PersonId, PersonRef, Record, SessionId, Spot, TopicId,
    NEWS_TOPIC,
};

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/journal/0001_init.sql"),
    include_str!("migrations/journal/0002_mat_actions.sql"),
    include_str!("migrations/journal/0003_check_ins.sql"),
    include_str!("migrations/journal/0004_kept_mats_and_pauses.sql"),
    include_str!("migrations/journal/0005_ignored_presses.sql"),
    include_str!("migrations/journal/0006_news.sql"),
    include_str!("migrations/journal/0007_practice.sql"),
    include_str!("migrations/journal/0008_clock_marks.sql"),
    include_str!("migrations/journal/0009_sessions_by_person.sql"),
];

/// A kind of journal row that sync brings into the plan in the order it
/// was written, from where it last got to (see the plan's `device_marks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Finished mats (`session_ends`).
    Finished,
    /// Kept pictures of mats (`kept_mats`).
    KeptMats,
    /// What became of check-ins (`check_ins`).
    CheckIns,
}

impl Stream {
    pub fn name(self) -> &'static str {
        match self {
            Stream::Finished => "finished",
            Stream::KeptMats => "kept_mats",
            Stream::CheckIns => "check_ins",
        }
    }
}

pub struct Journal {
    conn: Connection,
    path: PathBuf,
    device_id: String,
}

/// A finished session as sync reads it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedSession {
    pub id: SessionId,
    pub device_id: String,
    pub person: PersonRef,
    pub set_id: String,
    pub topic_id: TopicId,
    pub topic_title: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub company: Company,
    /// The kept picture of the mat, relative to the data directory.
    pub mat_picture: Option<String>,
    /// A teaching or practice mat, marked by staff before it began.
    pub practice: bool,
    pub placements: Vec<PlacementRow>,
    pub skips: Vec<CardActionRow>,
    pub marks: Vec<CardActionRow>,
    pub undos: Vec<UndoRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacementRow {
    pub seq: u32,
    pub card_id: CardId,
    pub card_label: String,
    pub spot: Spot,
    pub point_label: String,
    pub placed_at: DateTime<Utc>,
    pub input_method: String,
    pub response_ms: i64,
    pub helped: bool,
}

/// A check-in's outcome as the journal has it (times as RFC 3339 text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInRow {
    pub person: PersonRef,
    pub key: String,
    pub topic_id: TopicId,
    pub opens: String,
    pub closes: String,
    pub outcome: String,
    pub session_id: Option<SessionId>,
}

/// A mat left part-way (saved as partial when nobody touched it, never
/// finished), as the staff pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialMat {
    pub session_id: SessionId,
    pub person: PersonRef,
    pub topic_id: TopicId,
    pub topic_title: String,
    pub started_at: String,
    pub left_at: String,
    /// Cards on the mat when it was left (placements not taken back).
    pub cards_placed: i64,
}

/// A skip or a "tell me more" mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardActionRow {
    pub seq: u32,
    pub card_id: CardId,
    pub card_label: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoRow {
    pub seq: u32,
    pub undoes: u32,
}

impl FinishedSession {
    /// A session with nothing in it yet, to fill in.
    fn empty(id: SessionId) -> FinishedSession {
        FinishedSession {
            id,
            device_id: String::new(),
            person: PersonRef {
                id: PersonId::default(),
                name: String::new(),
            },
            set_id: String::new(),
            topic_id: TopicId::default(),
            topic_title: String::new(),
            started_at: DateTime::<Utc>::default(),
            finished_at: DateTime::<Utc>::default(),
            company: Company::default(),
            mat_picture: None,
            practice: false,
            placements: Vec::new(),
            skips: Vec::new(),
            marks: Vec::new(),
            undos: Vec::new(),
        }
    }

    /// The session's actions in the form the core replays.
    pub fn actions(&self) -> Vec<JournalAction> {
        let placed = self.placements.iter().map(|p| JournalAction::Placed {
            seq: p.seq,
            card_id: p.card_id.clone(),
            spot: p.spot,
        });
        let skipped = self.skips.iter().map(|s| JournalAction::Skipped {
            seq: s.seq,
            card_id: s.card_id.clone(),
        });
        let marked = self.marks.iter().map(|m| JournalAction::Marked {
            seq: m.seq,
            card_id: m.card_id.clone(),
        });
        let undone = self.undos.iter().map(|u| JournalAction::Undone {
            seq: u.seq,
            undoes: u.undoes,
        });
        placed.chain(skipped).chain(marked).chain(undone).collect()
    }
}

impl Journal {
    /// Opens (or makes) the journal and checks it: damage anywhere in the
    /// file is found now, not by a sync days later.
    pub fn open(path: &Path) -> Result<Journal, StoreError> {
        let journal = Journal::open_unchecked(path)?;
        journal.check_quickly()?;
        Ok(journal)
    }

    /// Opens the journal without reading it whole first (a file that is
    /// not a database, or of a newer version, is still refused): for the
    /// kiosk, whose start must not wait on the journal's length; it checks
    /// the journal on a thread of its own straight after.
    pub fn open_unchecked(path: &Path) -> Result<Journal, StoreError> {
        let conn = db::open(
            path,
            MIGRATIONS,
            db::JournalMode::Wal,
            db::IfMissing::Create,
        )?;
        let device_id = device_id(&conn)?;
        Ok(Journal {
            conn,
            path: path.to_path_buf(),
            device_id,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This device's id, made once when the journal is created.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// The people this device knows, oldest first.
    pub fn people(&self) -> Result<Vec<PersonRef>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT id, name FROM people ORDER BY created_at, id")?;
        let rows = statement.query_map([], |row| {
            Ok(PersonRef {
                id: row.get(0)?,
                name: row.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Adds a person and returns them.
    pub fn add_person(&self, name: &str, now: DateTime<Utc>) -> Result<PersonRef, StoreError> {
        let person = PersonRef {
            id: PersonId::new(uuid::Uuid::now_v7().to_string()),
            name: name.to_string(),
        };
        self.conn.execute(
            "INSERT INTO people (id, name, created_at) VALUES (?1, ?2, ?3)",
            params![person.id, person.name, timestamp(now)],
        )?;
        Ok(person)
    }

    /// SQLite's full integrity check (slower than the one at every open):
    /// for a quiet moment, off the UI thread.
    /// SQLite's quick check: every page read, as on opening.
    pub fn check_quickly(&self) -> Result<(), StoreError> {
        db::quick_check(&self.conn, &self.path)
    }

    pub fn check_fully(&self) -> Result<(), StoreError> {
        db::check_integrity(&self.conn, &self.path)
    }

    /// Makes sure the journal knows a person of the home by their own id
    /// (the home's, not the device's), so their mats carry it.
    pub fn ensure_person(&self, person: &PersonRef, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO people (id, name, created_at) VALUES (?1, ?2, ?3)",
            params![person.id, person.name, timestamp(now)],
        )?;
        Ok(())
    }

    /// Writes one record, committed before this returns.
    pub fn record(&self, record: &Record) -> Result<(), StoreError> {
        #[cfg(feature = "fault-injection")]
        full_disk::check(&self.path)?;
        write_record(&self.conn, &self.device_id, record)
    }

    /// Writes where the wall clock could be believed, committed before this returns.
    pub fn record_clock_marks(&self, marks: &[ClockMark]) -> Result<(), StoreError> {
        #[cfg(feature = "fault-injection")]
        full_disk::check(&self.path)?;
        for mark in marks {
            self.conn.execute(
                "INSERT INTO clock_marks (boot_id, boot_ms, wall, wall_set) VALUES (?1, ?2, ?3, ?4)",
                params![
                    mark.boot,
                    i64::try_from(mark.boot_ms).unwrap_or(i64::MAX),
                    timestamp(mark.wall),
                    mark.set
                ],
            )?;
        }
        Ok(())
    }

    /// The latest time the kiosk has recorded: a wall clock reading earlier
    /// has not been set (time does not go backwards).
    pub fn latest_time(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        // The last row written to each table: the kiosk never writes a time
        // earlier than the journal's latest, so its last rows hold it, and
        // reading them costs the same however long the journal is.
        let latest: Option<String> = self.conn.query_row(
            "SELECT max(t) FROM (
                 SELECT (SELECT started_at FROM sessions ORDER BY rowid DESC LIMIT 1) AS t
                 UNION ALL SELECT (SELECT ended_at FROM session_ends ORDER BY rowid DESC LIMIT 1)
                 UNION ALL SELECT (SELECT placed_at FROM placements ORDER BY rowid DESC LIMIT 1)
                 UNION ALL SELECT (SELECT undone_at FROM undos ORDER BY rowid DESC LIMIT 1)
                 UNION ALL SELECT (SELECT skipped_at FROM skips ORDER BY rowid DESC LIMIT 1)
                 UNION ALL SELECT (SELECT marked_at FROM marks ORDER BY rowid DESC LIMIT 1)
                 UNION ALL SELECT (SELECT paused_at FROM pauses ORDER BY rowid DESC LIMIT 1)
                 UNION ALL SELECT (SELECT resumed_at FROM resumes ORDER BY rowid DESC LIMIT 1)
                 UNION ALL SELECT (SELECT wall FROM clock_marks ORDER BY seq DESC LIMIT 1))",
            [],
            |row| row.get(0),
        )?;
        latest.map(|t| parse_timestamp(&t)).transpose()
    }

    /// Every clock mark, in the order written.
    pub fn clock_marks(&self) -> Result<Vec<ClockMark>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT boot_id, boot_ms, wall, wall_set FROM clock_marks ORDER BY seq")?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, bool>(3)?,
            ))
        })?;
        let mut marks = Vec::new();
        for row in rows {
            let (boot, boot_ms, wall, set) = row?;
            marks.push(ClockMark {
                boot,
                boot_ms: u64::try_from(boot_ms).unwrap_or(0),
                wall: parse_timestamp(&wall)?,
                set,
            });
        }
        Ok(marks)
    }

    /// Writes several records in one transaction: all or none (imports, tests).
    pub fn record_all(&mut self, records: &[Record]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for record in records {
            write_record(&tx, &self.device_id, record)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The ids of every finished session, oldest first.
    pub fn finished_session_ids(&self) -> Result<Vec<SessionId>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT s.id FROM sessions s JOIN session_ends e ON e.session_id = s.id
             WHERE e.outcome = 'finished' ORDER BY e.ended_at, s.id",
        )?;
        let rows = statement.query_map([], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Finished mats whose end was written after journal row `after` (of
    /// `session_ends`), in the order they ended: (row, mat).
    pub fn finished_after(&self, after: i64) -> Result<Vec<(i64, SessionId)>, StoreError> {
        self.rows_after(
            "SELECT rowid, session_id FROM session_ends
             WHERE rowid > ?1 AND outcome = 'finished' ORDER BY rowid",
            after,
        )
    }

    /// Kept pictures of mats written after journal row `after` (of
    /// `kept_mats`): (row, mat, picture).
    pub fn kept_mats_after(&self, after: i64) -> Result<Vec<(i64, SessionId, String)>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT rowid, session_id, picture FROM kept_mats WHERE rowid > ?1 ORDER BY rowid",
        )?;
        let rows =
            statement.query_map([after], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// What journal row `row` of a stream holds, as the plan's mark names
    /// it (its mat; for a check-in, its person and window), if the journal
    /// has that row.
    pub fn key_at_row(&self, stream: Stream, row: i64) -> Result<Option<String>, StoreError> {
        let sql = match stream {
            Stream::Finished => "SELECT session_id FROM session_ends WHERE rowid = ?1",
            Stream::KeptMats => "SELECT session_id FROM kept_mats WHERE rowid = ?1",
            Stream::CheckIns => {
                "SELECT person_id || ' ' || check_in FROM check_ins WHERE rowid = ?1"
            }
        };
        Ok(self.conn.query_row(sql, [row], |r| r.get(0)).optional()?)
    }

    /// Check-in outcomes written after journal row `after`, in the order
    /// they were written: (row, check-in).
    pub fn check_ins_after(&self, after: i64) -> Result<Vec<(i64, CheckInRow)>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT c.rowid, c.person_id, p.name, c.check_in, c.topic_id, c.window_opens,
                    c.window_closes, c.outcome, c.session_id
             FROM check_ins c JOIN people p ON p.id = c.person_id
             WHERE c.rowid > ?1 ORDER BY c.rowid",
        )?;
        let rows = statement.query_map([after], |row| {
            Ok((
                row.get(0)?,
                CheckInRow {
                    person: PersonRef {
                        id: row.get(1)?,
                        name: row.get(2)?,
                    },
                    key: row.get(3)?,
                    topic_id: row.get(4)?,
                    opens: row.get(5)?,
                    closes: row.get(6)?,
                    outcome: row.get(7)?,
                    session_id: row.get(8)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn rows_after(&self, sql: &str, after: i64) -> Result<Vec<(i64, SessionId)>, StoreError> {
        let mut statement = self.conn.prepare_cached(sql)?;
        let rows = statement.query_map([after], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Check-in outcomes for a person: (window key, outcome), oldest first.
    pub fn check_ins(&self, person_id: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT check_in, outcome FROM check_ins WHERE person_id = ?1 ORDER BY window_opens",
        )?;
        let rows = statement.query_map([person_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Sessions left untouched and saved as partial, never finished:
    /// (session id, when left), newest pause of each.
    pub fn partial_sessions(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT p.session_id, MAX(p.paused_at) FROM pauses p
             WHERE NOT EXISTS (SELECT 1 FROM session_ends e WHERE e.session_id = p.session_id)
             GROUP BY p.session_id ORDER BY 2",
        )?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Marks a mat as a teaching or practice mat (staff said so before it
    /// began).
    pub fn mark_practice(&self, session: &SessionId, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO practice_mats (session_id, marked_at) VALUES (?1, ?2)",
            params![session.as_str(), super::timestamp(at)],
        )?;
        Ok(())
    }

    /// Mats started on this device since the start of local day `day`.
    pub fn mats_since(&self, day: chrono::NaiveDate) -> Result<i64, StoreError> {
        let start = day
            .and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(chrono::Local).earliest())
            .map(|t| super::timestamp(t.with_timezone(&chrono::Utc)))
            .unwrap_or_default();
        Ok(self.conn.query_row(
            "SELECT count(*) FROM sessions WHERE started_at >= ?1",
            [start],
            |row| row.get(0),
        )?)
    }

    /// Every mat left part-way and not finished since.
    /// (Read from the mats ever left, not from every mat: the cost follows
    /// how many were left part-way, not the journal's length.)
    pub fn partial_mats(&self) -> Result<Vec<PartialMat>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT s.id, s.person_id, pe.name, s.topic_id, s.topic_title, s.started_at,
                    (SELECT max(paused_at) FROM pauses p WHERE p.session_id = s.id),
                    (SELECT count(DISTINCT card_id) FROM placements pl
                     WHERE pl.session_id = s.id AND NOT EXISTS
                       (SELECT 1 FROM undos u WHERE u.session_id = s.id AND u.undoes_seq = pl.seq))
             FROM (SELECT DISTINCT session_id FROM pauses) left_mats
             JOIN sessions s ON s.id = left_mats.session_id
             JOIN people pe ON pe.id = s.person_id
             WHERE NOT EXISTS (SELECT 1 FROM session_ends e WHERE e.session_id = s.id)
             ORDER BY s.started_at",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(PartialMat {
                session_id: row.get(0)?,
                person: PersonRef {
                    id: row.get(1)?,
                    name: row.get(2)?,
                },
                topic_id: row.get(3)?,
                topic_title: row.get(4)?,
                started_at: row.get(5)?,
                left_at: row.get(6)?,
                cards_placed: row.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every kept mat picture: (session id, picture).
    pub fn kept_mats(&self) -> Result<Vec<(SessionId, String)>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT session_id, picture FROM kept_mats ORDER BY kept_at")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The home this device belongs to, once it has synced into a plan.
    pub fn home_id(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM device WHERE key = 'home_id'",
                [],
                |row| row.get(0),
            )
            .optional()?)
    }

    pub(crate) fn bind_home(&self, home_id: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO device (key, value) VALUES ('home_id', ?1)",
            [home_id],
        )?;
        Ok(())
    }

    /// Moves this device to another home (`sayso plan join`): its history
    /// goes with it at the next sync. Only after the people were checked.
    pub(crate) fn move_home(&self, home_id: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO device (key, value) VALUES ('home_id', ?1)",
            [home_id],
        )?;
        Ok(())
    }

    /// One finished session, or `None` if it does not exist or is not finished.
    pub fn finished_session(&self, id: &str) -> Result<Option<FinishedSession>, StoreError> {
        let head = self
            .conn
            .query_row(
                "SELECT s.device_id, s.person_id, p.name, s.set_id, s.topic_id, s.topic_title,
                        s.started_at, e.ended_at, s.supporter, s.supporter_helped, k.picture,
                        EXISTS (SELECT 1 FROM practice_mats m WHERE m.session_id = s.id)
                 FROM sessions s
                 JOIN people p ON p.id = s.person_id
                 JOIN session_ends e ON e.session_id = s.id AND e.outcome = 'finished'
                 LEFT JOIN kept_mats k ON k.session_id = s.id
                 WHERE s.id = ?1",
                [id],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        PersonRef {
                            id: row.get(1)?,
                            name: row.get(2)?,
                        },
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, String>(5)?,
                        row.get::<_, String>(6)?,
                        row.get::<_, String>(7)?,
                        Company {
                            supporter: row.get(8)?,
                            helped: row.get(9)?,
                        },
                        row.get::<_, Option<String>>(10)?,
                        row.get::<_, bool>(11)?,
                    ))
                },
            )
            .optional()?;
        let Some((
            device_id,
            person,
            set_id,
            topic_id,
            topic_title,
            started_at,
            finished_at,
            company,
            mat_picture,
            practice,
        )) = head
        else {
            return Ok(None);
        };
        Ok(Some(FinishedSession {
            id: SessionId::new(id),
            device_id,
            person,
            set_id,
            topic_id: TopicId::new(topic_id),
            topic_title,
            started_at: parse_timestamp(&started_at)?,
            finished_at: parse_timestamp(&finished_at)?,
            company,
            mat_picture,
            practice,
            placements: self.placements(id)?,
            skips: self.card_actions("skips", "skipped_at", id)?,
            marks: self.card_actions("marks", "marked_at", id)?,
            undos: self.undos(id)?,
        }))
    }

    /// What the kiosk's flow takes up again after a restart: each person's
    /// most recent mat if it was never finished (with everything done on
    /// it), and the check-in windows already settled.
    /// Reads from the end of the journal, person by person, so a long one
    /// costs no more than a short one: check-ins only from the week before
    /// `now` (the flow looks no further back than yesterday).
    pub fn restored(&self, now: DateTime<Utc>) -> Result<Restored, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT id, person_id, topic_id, supporter, supporter_helped
             FROM (SELECT * FROM sessions INDEXED BY sessions_by_person
                   WHERE person_id = ?1 ORDER BY rowid DESC LIMIT 1) s
             WHERE NOT EXISTS (SELECT 1 FROM session_ends e WHERE e.session_id = s.id)",
        )?;
        let mut heads = Vec::new();
        for person in self.people()? {
            let head = statement
                .query_row([&person.id], |row| {
                    Ok((
                        row.get::<_, SessionId>(0)?,
                        row.get::<_, PersonId>(1)?,
                        row.get::<_, TopicId>(2)?,
                        Company {
                            supporter: row.get(3)?,
                            helped: row.get(4)?,
                        },
                    ))
                })
                .optional()?;
            heads.extend(head);
        }
        let mut left_mats = Vec::with_capacity(heads.len());
        for (session_id, person_id, topic_id, company) in heads {
            let session = FinishedSession {
                placements: self.placements(&session_id)?,
                skips: self.card_actions("skips", "skipped_at", &session_id)?,
                marks: self.card_actions("marks", "marked_at", &session_id)?,
                undos: self.undos(&session_id)?,
                ..FinishedSession::empty(session_id.clone())
            };
            left_mats.push(LeftMat {
                actions: session.actions(),
                session_id,
                person_id,
                topic_id,
                company,
            });
        }
        // Written in the order windows were settled, each at most a day or
        // two after it closed: from the end back to a week before now.
        let since = timestamp(now - chrono::Duration::days(7));
        let mut statement = self.conn.prepare(
            "SELECT person_id, check_in, window_closes FROM check_ins ORDER BY rowid DESC",
        )?;
        let mut rows = statement.query([])?;
        let mut settled_check_ins = HashSet::new();
        while let Some(row) = rows.next()? {
            let closes: String = row.get(2)?;
            if closes < since {
                break;
            }
            settled_check_ins.insert((row.get(0)?, row.get(1)?));
        }
        Ok(Restored {
            left_mats,
            settled_check_ins,
            news: self.pending_news()?,
        })
    }

    /// Keeps what the plan says staff did, to be told (once each).
    pub fn store_news(&self, news: &[News], now: DateTime<Utc>) -> Result<(), StoreError> {
        for item in news {
            self.conn.execute(
                "INSERT OR IGNORE INTO news (action_id, person_id, topic_id, card_id, card_label,
                                             said_view, words, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    item.action_id,
                    item.person_id,
                    item.topic_id,
                    item.card_id,
                    item.card_label,
                    item.said_view,
                    item.words,
                    timestamp(now)
                ],
            )?;
        }
        Ok(())
    }

    /// News told (and answered) on another kiosk of the home: not told here.
    pub fn settle_news(&self, action_ids: &[i64], now: DateTime<Utc>) -> Result<(), StoreError> {
        for id in action_ids {
            self.conn.execute(
                "INSERT OR IGNORE INTO news_settled (action_id, settled_at) VALUES (?1, ?2)",
                params![id, timestamp(now)],
            )?;
        }
        Ok(())
    }

    /// News not yet told: neither settled elsewhere nor answered on a
    /// finished mat here.
    pub fn pending_news(&self) -> Result<Vec<News>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT n.action_id, n.person_id, n.topic_id, n.card_id, n.card_label, n.said_view,
                    n.words
             FROM news n
             WHERE NOT EXISTS (SELECT 1 FROM news_settled t WHERE t.action_id = n.action_id)
               AND NOT EXISTS (
                   SELECT 1 FROM sessions s JOIN session_ends e ON e.session_id = s.id
                   WHERE s.topic_id = ?1 AND s.person_id = n.person_id
                     AND (EXISTS (SELECT 1 FROM placements p WHERE p.session_id = s.id
                                  AND p.card_id = 'action-' || n.action_id)
                          OR EXISTS (SELECT 1 FROM skips k WHERE k.session_id = s.id
                                  AND k.card_id = 'action-' || n.action_id)))
             ORDER BY n.action_id",
        )?;
        let rows = statement.query_map([NEWS_TOPIC], news_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// What staff did, as this kiosk was told it, by the plan's action id.
    pub fn news(&self, action_id: i64) -> Result<Option<News>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT action_id, person_id, topic_id, card_id, card_label, said_view, words
                 FROM news WHERE action_id = ?1",
                [action_id],
                news_from_row,
            )
            .optional()?)
    }

    pub fn placements(&self, session_id: &str) -> Result<Vec<PlacementRow>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT seq, card_id, card_label, point, point_label, placed_at, input_method, response_ms,
                    spot_offset, supporter_helped
             FROM placements WHERE session_id = ?1 ORDER BY seq",
        )?;
        let rows = statement.query_map([session_id], |row| {
            Ok((
                row.get::<_, u32>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, i64>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, String>(6)?,
                row.get::<_, i64>(7)?,
                row.get::<_, i8>(8)?,
                row.get::<_, bool>(9)?,
            ))
        })?;
        let mut placements = Vec::new();
        for row in rows {
            let (
                seq,
                card_id,
                card_label,
                point,
                point_label,
                placed_at,
                input_method,
                response_ms,
                offset,
                helped,
            ) = row?;
            placements.push(PlacementRow {
                seq,
                card_id: CardId::new(card_id),
                card_label,
                spot: Spot {
                    point: point as usize,
                    offset,
                },
                point_label,
                placed_at: parse_timestamp(&placed_at)?,
                input_method,
                response_ms,
                helped,
            });
        }
        Ok(placements)
    }

    /// Skips or marks: both are a card and a time.
    fn card_actions(
        &self,
        table: &str,
        at_column: &str,
        session_id: &str,
    ) -> Result<Vec<CardActionRow>, StoreError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT seq, card_id, card_label, {at_column} FROM {table}
             WHERE session_id = ?1 ORDER BY seq"
        ))?;
        let rows = statement.query_map([session_id], |row| {
            Ok((
                row.get::<_, u32>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
            ))
        })?;
        let mut actions = Vec::new();
        for row in rows {
            let (seq, card_id, card_label, at) = row?;
            actions.push(CardActionRow {
                seq,
                card_id: CardId::new(card_id),
                card_label,
                at: parse_timestamp(&at)?,
            });
        }
        Ok(actions)
    }

    fn undos(&self, session_id: &str) -> Result<Vec<UndoRow>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT seq, undoes_seq FROM undos WHERE session_id = ?1 ORDER BY seq")?;
        let rows = statement.query_map([session_id], |row| {
            Ok(UndoRow {
                seq: row.get(0)?,
                undoes: row.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn write_record(conn: &Connection, device_id: &str, record: &Record) -> Result<(), StoreError> {
    match record {
        Record::Started {
            session_id,
            person_id,
            set_id,
            topic_id,
            topic_title,
            company,
            at,
        } => {
            conn.execute(
                "INSERT INTO sessions (id, device_id, person_id, set_id, topic_id, topic_title,
                                       started_at, supporter, supporter_helped)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    session_id,
                    device_id,
                    person_id,
                    set_id,
                    topic_id,
                    topic_title,
                    timestamp(*at),
                    company.supporter,
                    company.helped
                ],
            )?;
        }
        Record::Placed {
            session_id,
            seq,
            card_id,
            card_label,
            spot,
            point_label,
            at,
            via,
            response_ms,
            helped,
        } => {
            conn.execute(
                "INSERT INTO placements (session_id, seq, card_id, card_label, point, point_label,
                                         placed_at, input_method, response_ms, spot_offset,
                                         supporter_helped)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    session_id,
                    seq,
                    card_id,
                    card_label,
                    spot.point as i64,
                    point_label,
                    timestamp(*at),
                    via.as_str(),
                    response_ms,
                    spot.offset,
                    helped
                ],
            )?;
        }
        Record::Skipped {
            session_id,
            seq,
            card_id,
            card_label,
            at,
            via,
            response_ms,
        } => {
            conn.execute(
                "INSERT INTO skips (session_id, seq, card_id, card_label, skipped_at, input_method,
                                    response_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    session_id,
                    seq,
                    card_id,
                    card_label,
                    timestamp(*at),
                    via.as_str(),
                    response_ms
                ],
            )?;
        }
        Record::Marked {
            session_id,
            seq,
            card_id,
            card_label,
            at,
            via,
        } => {
            conn.execute(
                "INSERT INTO marks (session_id, seq, card_id, card_label, marked_at, input_method)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    session_id,
                    seq,
                    card_id,
                    card_label,
                    timestamp(*at),
                    via.as_str()
                ],
            )?;
        }
        Record::Undone {
            session_id,
            seq,
            undoes,
            at,
            via,
        } => {
            conn.execute(
                "INSERT INTO undos (session_id, seq, undoes_seq, undone_at, input_method)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![session_id, seq, undoes, timestamp(*at), via.as_str()],
            )?;
        }
        Record::CheckIn {
            person_id,
            key,
            topic_id,
            opens,
            closes,
            outcome,
            session_id,
            at,
        } => {
            // Once per window: the first outcome known stands.
            conn.execute(
                "INSERT OR IGNORE INTO check_ins (person_id, check_in, topic_id, window_opens,
                                                  window_closes, outcome, session_id, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    person_id,
                    key,
                    topic_id,
                    timestamp(*opens),
                    timestamp(*closes),
                    outcome.as_str(),
                    session_id,
                    timestamp(*at)
                ],
            )?;
        }
        Record::Paused { session_id, at } => {
            conn.execute(
                "INSERT INTO pauses (session_id, paused_at) VALUES (?1, ?2)",
                params![session_id, timestamp(*at)],
            )?;
        }
        Record::Resumed { session_id, at } => {
            conn.execute(
                "INSERT INTO resumes (session_id, resumed_at) VALUES (?1, ?2)",
                params![session_id, timestamp(*at)],
            )?;
        }
        Record::Ignored {
            session_id,
            at,
            via,
            would_have,
        } => {
            conn.execute(
                "INSERT INTO ignored_presses (session_id, pressed_at, input_method, would_have)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    session_id,
                    timestamp(*at),
                    via.as_str(),
                    would_have.as_str()
                ],
            )?;
        }
        Record::MatKept {
            session_id,
            picture,
            at,
        } => {
            conn.execute(
                "INSERT OR IGNORE INTO kept_mats (session_id, picture, kept_at) VALUES (?1, ?2, ?3)",
                params![session_id, picture, timestamp(*at)],
            )?;
        }
        Record::Finished {
            session_id,
            at,
            via,
        } => {
            conn.execute(
                "INSERT INTO session_ends (session_id, outcome, ended_at, input_method)
                 VALUES (?1, 'finished', ?2, ?3)",
                params![session_id, timestamp(*at), via.as_str()],
            )?;
        }
    }
    Ok(())
}

fn device_id(conn: &Connection) -> Result<String, StoreError> {
    let existing: Option<String> = conn
        .query_row(
            "SELECT value FROM device WHERE key = 'device_id'",
            [],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id = uuid::Uuid::now_v7().to_string();
    conn.execute(
        "INSERT INTO device (key, value) VALUES ('device_id', ?1)",
        [&id],
    )?;
    Ok(id)
}

/// A `News` from a row whose first seven columns are, in order, the action
/// id, person, topic, card, card label, view said and the staff's words
/// (the plan's actions and the journal's news table alike).
pub(crate) fn news_from_row(row: &rusqlite::Row) -> rusqlite::Result<News> {
    Ok(News {
        action_id: row.get(0)?,
        person_id: row.get(1)?,
        topic_id: row.get(2)?,
        card_id: row.get(3)?,
        card_label: row.get(4)?,
        said_view: row.get(5)?,
        words: row.get(6)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::InputMethod;
    use chrono::TimeZone;

    fn at(second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, second).unwrap()
    }

    #[test]
    fn a_new_journal_is_wal_with_full_sync_and_keeps_its_device_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/journal.sqlite");
        let first = Journal::open(&path).unwrap();
        let mode: String = first
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        let sync: i64 = first
            .conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!((mode.as_str(), sync), ("wal", 2));
        let id = first.device_id().to_string();
        drop(first);
        assert_eq!(Journal::open(&path).unwrap().device_id(), id);
    }

    #[test]
    fn rows_cannot_be_changed_or_removed() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("j.sqlite")).unwrap();
        let person = journal.add_person("Alex", at(0)).unwrap();
        journal
            .record(&Record::Started {
                session_id: "s".into(),
                person_id: person.id,
                set_id: "demo".into(),
                topic_id: "food".into(),
                topic_title: "Food".into(),
                company: Company::default(),
                at: at(0),
            })
            .unwrap();
        journal
            .record(&Record::Placed {
                session_id: "s".into(),
                seq: 1,
                card_id: "tea".into(),
                card_label: "tea".into(),
                spot: Spot::on(0),
                point_label: "like".into(),
                at: at(1),
                via: InputMethod::Touch,
                response_ms: 1000,
                helped: false,
            })
            .unwrap();
        let update = journal.conn.execute("UPDATE placements SET point = 2", []);
        let delete = journal.conn.execute("DELETE FROM sessions", []);
        assert!(update.unwrap_err().to_string().contains("append-only"));
        assert!(delete.unwrap_err().to_string().contains("append-only"));
        assert_eq!(journal.placements("s").unwrap()[0].spot, Spot::on(0));
    }

    #[test]
    fn a_finished_session_reads_back_with_its_company_spots_skips_and_marks() {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = Journal::open(&dir.path().join("j.sqlite")).unwrap();
        let person = journal.add_person("Alex", at(0)).unwrap();
        let company = Company {
            supporter: Some("Jo".into()),
            helped: true,
        };
        let spot = Spot {
            point: 2,
            offset: -40,
        };
        journal
            .record_all(&[
                Record::Started {
                    session_id: "s".into(),
                    person_id: person.id,
                    set_id: "demo".into(),
                    topic_id: "food".into(),
                    topic_title: "Food".into(),
                    company: company.clone(),
                    at: at(0),
                },
                Record::Skipped {
                    session_id: "s".into(),
                    seq: 1,
                    card_id: "tea".into(),
                    card_label: "tea".into(),
                    at: at(1),
                    via: InputMethod::Key,
                    response_ms: 900,
                },
                Record::Marked {
                    session_id: "s".into(),
                    seq: 2,
                    card_id: "cake".into(),
                    card_label: "cake".into(),
                    at: at(2),
                    via: InputMethod::Touch,
                },
                Record::Placed {
                    session_id: "s".into(),
                    seq: 3,
                    card_id: "cake".into(),
                    card_label: "cake".into(),
                    spot,
                    point_label: "don't like".into(),
                    at: at(3),
                    via: InputMethod::Touch,
                    response_ms: 2000,
                    helped: true,
                },
                Record::Finished {
                    session_id: "s".into(),
                    at: at(4),
                    via: InputMethod::Touch,
                },
            ])
            .unwrap();
        let session = journal.finished_session("s").unwrap().unwrap();
        assert_eq!(session.company, company);
        assert_eq!(
            (session.placements[0].spot, session.placements[0].helped),
            (spot, true)
        );
        assert_eq!(session.skips[0].card_id, "tea");
        assert_eq!(session.marks[0].card_id, "cake");
        let mat = crate::core::replay(&session.actions());
        assert_eq!(mat.skipped, [(CardId::from("tea"), 1)]);
        assert_eq!(mat.marked, [(CardId::from("cake"), 2)]);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_reported_as_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.sqlite");
        std::fs::write(
            &path,
            b"this is not a database, it is a shopping list ".repeat(200),
        )
        .unwrap();
        let error = Journal::open(&path).err().expect("opening must fail");
        assert!(error.is_corrupt(), "{error}");
    }

    #[test]
    fn a_journal_from_a_newer_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.sqlite");
        drop(Journal::open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let error = Journal::open(&path).err().expect("opening must fail");
        assert!(
            matches!(error, StoreError::NewerSchema { found: 99, .. }),
            "{error}"
        );
    }
}

/// For tests: a journal whose disk is full, without filling a disk.
#[cfg(feature = "fault-injection")]
pub mod full_disk {
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    use super::StoreError;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Full {
        /// The next write fails; the one after has room (space was freed).
        Once,
        /// Every write fails until [`clear`].
        UntilCleared,
    }

    static FULL: Mutex<Vec<(PathBuf, Full)>> = Mutex::new(Vec::new());

    /// The disk of the journal at `path` is full, from now on.
    pub fn fill(path: &Path, how: Full) {
        let mut full = FULL.lock().expect("the full-disk list");
        full.retain(|(p, _)| p != path);
        full.push((path.to_path_buf(), how));
    }

    /// There is room again.
    pub fn clear(path: &Path) {
        FULL.lock()
            .expect("the full-disk list")
            .retain(|(p, _)| p != path);
    }

    pub(super) fn check(path: &Path) -> Result<(), StoreError> {
        let mut full = FULL.lock().expect("the full-disk list");
        let Some(at) = full.iter().position(|(p, _)| p == path) else {
            return Ok(());
        };
        if full[at].1 == Full::Once {
            full.remove(at);
        }
        Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            Some("database or disk is full".into()),
        )))
    }
}
