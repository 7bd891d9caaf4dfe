//! How many of this kiosk's finished mats have not reached the support
//! plan yet, and when some last did.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

use super::Journal;
use crate::store::{parse_timestamp, timestamp, StoreError};

/// Saved on this kiosk, or in the plan too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanReached {
    /// Finished mats the plan does not have yet.
    pub waiting: i64,
    /// When a sync last reached the plan (`None`: never).
    pub last_at: Option<DateTime<Utc>>,
}

impl Journal {
    /// A sync reached the plan at `at`: it has every finished mat up to
    /// `finished_row` of `session_ends`.
    pub fn note_plan_reached(
        &self,
        finished_row: i64,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO plan_reached (id, finished_row, at) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET finished_row = excluded.finished_row, at = excluded.at",
            rusqlite::params![finished_row, timestamp(at)],
        )?;
        Ok(())
    }

    pub fn plan_reached(&self) -> Result<PlanReached, StoreError> {
        let noted: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT finished_row, at FROM plan_reached WHERE id = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let (row, last_at) = match noted {
            Some((row, at)) => (row, Some(parse_timestamp(&at)?)),
            None => (0, None),
        };
        let waiting = self.conn.query_row(
            "SELECT count(*) FROM session_ends WHERE rowid > ?1 AND outcome = 'finished'",
            [row],
            |found| found.get(0),
        )?;
        Ok(PlanReached { waiting, last_at })
    }
}
