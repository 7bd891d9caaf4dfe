//! The support plan database: people and their current views, with the
//! evidence behind each view. Other tools may read it; its schema is
//! versioned with `PRAGMA user_version` and described in docs/architecture.md.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Transaction};

use super::db::{self, StoreError};
use super::journal::FinishedSession;
use super::{parse_timestamp, timestamp};
use crate::core::{current_view, final_mat, Answer};

const MIGRATIONS: &[&str] = &[include_str!("migrations/plan/0001_init.sql")];

/// The schema version this build writes.
pub const PLAN_SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub struct Plan {
    conn: Connection,
    path: PathBuf,
}

/// One line of the report: a person's current view of one card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreferenceRow {
    pub person: String,
    pub topic: String,
    pub card: String,
    pub current_view: String,
    pub times_asked: u32,
    pub times_said: u32,
    pub since: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
    pub changed_from: Option<String>,
}

impl Plan {
    pub fn open(path: &Path) -> Result<Plan, StoreError> {
        Ok(Plan {
            conn: db::open(path, MIGRATIONS)?,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn synced_session_ids(&self) -> Result<HashSet<String>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT session_id FROM synced_sessions")?;
        let rows = statement.query_map([], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Brings one finished session in, in one transaction. Returns how many
    /// cards it added evidence for: 0 if the session was already there.
    pub fn apply(
        &mut self,
        session: &FinishedSession,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR IGNORE INTO people (id, name) VALUES (?1, ?2)",
            params![session.person.id, session.person.name],
        )?;
        let new = tx.execute(
            "INSERT OR IGNORE INTO synced_sessions
                 (session_id, device_id, person_id, set_id, topic_id, topic_title, started_at, finished_at, synced_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                session.id,
                session.device_id,
                session.person.id,
                session.set_id,
                session.topic_id,
                session.topic_title,
                timestamp(session.started_at),
                timestamp(session.finished_at),
                timestamp(now),
            ],
        )?;
        if new == 0 {
            return Ok(0);
        }

        let mat = final_mat(&session.actions());
        for placement in &mat {
            let row = session
                .placements
                .iter()
                .find(|p| p.seq == placement.seq)
                .expect("final_mat only returns recorded placements");
            tx.execute(
                "INSERT OR IGNORE INTO evidence
                     (session_id, card_id, person_id, topic_id, card_label, point, view, placed_seq, placed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    session.id,
                    row.card_id,
                    session.person.id,
                    session.topic_id,
                    row.card_label,
                    row.point as i64,
                    row.point_label,
                    row.seq,
                    timestamp(row.placed_at),
                ],
            )?;
            refresh_preference(&tx, session, &row.card_id, &row.card_label)?;
        }
        tx.commit()?;
        Ok(mat.len())
    }

    /// Current views, by person, topic and card. `person` filters by name.
    pub fn preferences(&self, person: Option<&str>) -> Result<Vec<PreferenceRow>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT p.name, f.topic_title, f.card_label, f.current_view, f.times_asked, f.times_said,
                    f.since, f.last_at, f.changed_from
             FROM preferences f JOIN people p ON p.id = f.person_id
             WHERE ?1 IS NULL OR p.name = ?1 COLLATE NOCASE
             ORDER BY p.name, f.topic_title, f.card_label",
        )?;
        let rows = statement.query_map([person], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, u32>(4)?,
                row.get::<_, u32>(5)?,
                row.get::<_, String>(6)?,
                row.get::<_, String>(7)?,
                row.get::<_, Option<String>>(8)?,
            ))
        })?;
        let mut result = Vec::new();
        for row in rows {
            let (
                person,
                topic,
                card,
                current_view,
                times_asked,
                times_said,
                since,
                last_at,
                changed_from,
            ) = row?;
            result.push(PreferenceRow {
                person,
                topic,
                card,
                current_view,
                times_asked,
                times_said,
                since: parse_timestamp(&since)?,
                last_at: parse_timestamp(&last_at)?,
                changed_from,
            });
        }
        Ok(result)
    }

    pub fn evidence_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM evidence", [], |row| row.get(0))?)
    }
}

/// Re-derives one card's current view from all its evidence.
fn refresh_preference(
    tx: &Transaction,
    session: &FinishedSession,
    card_id: &str,
    card_label: &str,
) -> Result<(), StoreError> {
    let mut statement = tx.prepare(
        "SELECT e.placed_at, e.view FROM evidence e
         WHERE e.person_id = ?1 AND e.topic_id = ?2 AND e.card_id = ?3",
    )?;
    let rows = statement.query_map(
        params![session.person.id, session.topic_id, card_id],
        |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)),
    )?;
    let mut answers = Vec::new();
    for row in rows {
        let (at, view) = row?;
        answers.push(Answer {
            at: parse_timestamp(&at)?,
            view,
        });
    }
    let Some(summary) = current_view(&answers) else {
        return Ok(());
    };
    tx.execute(
        "INSERT OR REPLACE INTO preferences
             (person_id, topic_id, topic_title, card_id, card_label, current_view,
              times_asked, times_said, since, last_at, changed_from)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            session.person.id,
            session.topic_id,
            session.topic_title,
            card_id,
            card_label,
            summary.current_view,
            summary.times_asked,
            summary.times_said,
            timestamp(summary.since),
            timestamp(summary.last_at),
            summary.changed_from,
        ],
    )?;
    Ok(())
}
