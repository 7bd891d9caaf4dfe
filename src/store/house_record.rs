//! The residents as the house's questions know them (consent to be named,
//! leaving the home) and every step of the house's questions as the plan's
//! audit log keeps it, in the SQLite plan.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::db::StoreError;
use super::plan::{audit_change, Plan};
use super::ports::house::{HouseError, HouseStep, Resident};
use super::{parse_timestamp, timestamp};
use crate::core::{PersonId, PersonRef};

impl Plan {
    pub(in crate::store) fn read_residents(&self) -> Result<Vec<Resident>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT id, name, named_at_meetings_by, named_at_meetings_at,
                    left_home_recorded_by, left_home_at
             FROM people ORDER BY name",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((
                PersonRef {
                    id: row.get(0)?,
                    name: row.get(1)?,
                },
                [row.get::<_, Option<String>>(2)?, row.get(3)?],
                [row.get::<_, Option<String>>(4)?, row.get(5)?],
            ))
        })?;
        let recorded = |[by, at]: [Option<String>; 2]| match (by, at) {
            (Some(by), Some(at)) => parse_timestamp(&at).map(|at| Some((by, at))),
            _ => Ok(None),
        };
        rows.map(|row| {
            let (person, named, left) = row?;
            Ok(Resident {
                person,
                named_at_meetings: recorded(named)?,
                left_home: recorded(left)?,
            })
        })
        .collect()
    }

    pub(in crate::store) fn keep_leaving(
        &mut self,
        person: &PersonId,
        left: bool,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<(), HouseError> {
        let mark = PersonMark {
            columns: "left_home_recorded_by = ?1, left_home_at = ?2",
            set: "resident left the home",
            unset: "resident's leaving recorded by mistake, undone",
        };
        self.mark_person(person, &mark, left, by_whom, now)
    }

    pub(in crate::store) fn keep_meeting_consent(
        &mut self,
        person: &PersonId,
        given: bool,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<(), HouseError> {
        let mark = PersonMark {
            columns: "named_at_meetings_by = ?1, named_at_meetings_at = ?2",
            set: "consent to be named at meetings recorded",
            unset: "consent to be named at meetings withdrawn",
        };
        self.mark_person(person, &mark, given, by_whom, now)
    }

    /// Records who marked a person, and when (or clears the mark), with
    /// its line in the audit log.
    fn mark_person(
        &mut self,
        person: &PersonId,
        mark: &PersonMark,
        on: bool,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<(), HouseError> {
        let tx = self.conn.transaction().map_err(StoreError::from)?;
        let (by, at) = if on {
            (Some(by_whom), Some(timestamp(now)))
        } else {
            (None, None)
        };
        let changed = tx
            .execute(
                &format!("UPDATE people SET {} WHERE id = ?3", mark.columns),
                params![by, at, person.as_str()],
            )
            .map_err(StoreError::from)?;
        if changed == 0 {
            return Err(HouseError::NoSuchPerson(person.to_string()));
        }
        let what = if on { mark.set } else { mark.unset };
        audit_change(
            &tx,
            now,
            by_whom,
            what,
            None,
            Some(&format!("person {person}")),
        )?;
        tx.commit().map_err(StoreError::from)?;
        Ok(())
    }

    pub(in crate::store) fn read_house_steps(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<HouseStep>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT at, actor, action, detail FROM audit_log
             WHERE at >= ?1 AND at < ?2
               AND (action LIKE 'house %' OR action LIKE 'consent to be named at meetings %'
                    OR action LIKE 'resident%left the home%'
                    OR action LIKE 'resident''s leaving %')
             ORDER BY at, id",
        )?;
        let rows = statement.query_map(params![timestamp(from), timestamp(to)], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
            ))
        })?;
        rows.map(|row| {
            let (at, by, action, detail) = row?;
            Ok(HouseStep {
                at: parse_timestamp(&at)?,
                by,
                action,
                detail,
            })
        })
        .collect()
    }

    pub(in crate::store) fn keep_evidence_made(
        &mut self,
        period: &str,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        audit_change(&tx, now, by_whom, "house evidence made", None, Some(period))?;
        tx.commit()?;
        Ok(())
    }
}

/// A mark the plan keeps on a person with who made it and when: its two
/// columns, and what the audit log says when it is made and cleared.
struct PersonMark {
    columns: &'static str,
    set: &'static str,
    unset: &'static str,
}
