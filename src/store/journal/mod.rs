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
    CardId, Company, JournalAction, PersonId, PersonRef, Record, SessionId, Spot, ToldBack,
    TopicId, TOLD_BACK_TOPIC,
};

mod plan_reached;
mod reading;
mod write;

pub use plan_reached::PlanReached;
use write::write_record;

const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/journal/0001_init.sql"),
    include_str!("../migrations/journal/0002_mat_actions.sql"),
    include_str!("../migrations/journal/0003_check_ins.sql"),
    include_str!("../migrations/journal/0004_kept_mats_and_pauses.sql"),
    include_str!("../migrations/journal/0005_ignored_presses.sql"),
    include_str!("../migrations/journal/0006_news.sql"),
    include_str!("../migrations/journal/0007_practice.sql"),
    include_str!("../migrations/journal/0008_clock_marks.sql"),
    include_str!("../migrations/journal/0009_sessions_by_person.sql"),
    include_str!("../migrations/journal/0010_plan_reached.sql"),
];

/// A kind of journal row that sync brings into the plan in the order it
/// was written, from where it last got to (see the plan's `device_marks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    /// Finished mats (`session_ends`).
    Finished,
    /// Kept pictures of mats (`kept_mats`).
    KeptMats,
    /// What became of check-ins (`check_ins`).
    CheckIns,
    /// Where the wall clock could be believed (`clock_marks`).
    ClockMarks,
}

impl Stream {
    pub fn name(self) -> &'static str {
        match self {
            Stream::Finished => "finished",
            Stream::KeptMats => "kept_mats",
            Stream::CheckIns => "check_ins",
            Stream::ClockMarks => "clock_marks",
        }
    }
}

pub struct Journal {
    conn: Connection,
    path: PathBuf,
    device_id: String,
}

/// A finished session as sync reads it back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// A practice mat, marked by staff before it began.
    pub practice: bool,
    pub placements: Vec<PlacementRow>,
    pub skips: Vec<CardActionRow>,
    pub marks: Vec<CardActionRow>,
    pub undos: Vec<UndoRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CardActionRow {
    pub seq: u32,
    pub card_id: CardId,
    pub card_label: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
        Ok(self
            .clock_marks_after(0)?
            .into_iter()
            .map(|(_, mark)| mark)
            .collect())
    }

    /// Clock marks written after journal row `after` (their `seq`), in the
    /// order written: (row, mark).
    pub fn clock_marks_after(&self, after: i64) -> Result<Vec<(i64, ClockMark)>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT seq, boot_id, boot_ms, wall, wall_set FROM clock_marks
             WHERE seq > ?1 ORDER BY seq",
        )?;
        let rows = statement.query_map([after], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, bool>(4)?,
            ))
        })?;
        let mut marks = Vec::new();
        for row in rows {
            let (seq, boot, boot_ms, wall, set) = row?;
            let mark = ClockMark {
                boot,
                boot_ms: u64::try_from(boot_ms).unwrap_or(0),
                wall: parse_timestamp(&wall)?,
                set,
            };
            marks.push((seq, mark));
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
            Stream::ClockMarks => {
                "SELECT boot_id || ' ' || boot_ms FROM clock_marks WHERE seq = ?1"
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

    /// Marks a mat as a practice mat (staff said so before it
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

/// A `ToldBack` from a row whose first seven columns are, in order, the action
/// id, person, topic, card, card label, view said and the staff's words
/// (the plan's actions and the journal's news table alike).
pub(crate) fn told_back_from_row(row: &rusqlite::Row) -> rusqlite::Result<ToldBack> {
    Ok(ToldBack {
        action_id: row.get(0)?,
        person_id: row.get(1)?,
        topic_id: row.get(2)?,
        card_id: row.get(3)?,
        card_label: row.get(4)?,
        said_view: row.get(5)?,
        words: row.get(6)?,
    })
}

/// For tests: a journal whose disk is full, without filling a disk.
#[cfg(feature = "fault-injection")]
pub mod full_disk;

#[cfg(test)]
mod tests;
