//! The plan read back and written directly, for tests of the engine and
//! the pages: what sync brought in, the whole plan as text, and the writes
//! staff make through the web app, without the web app. None of it is
//! reachable from the product.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

use super::db::StoreError;
use super::plan::{Confirmation, Plan};
use super::ports::staff::{ActionStatus, ProfileSection};
use super::timestamp;
use crate::core::SessionId;

impl Plan {
    pub fn synced_session_ids(&self) -> Result<HashSet<SessionId>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT session_id FROM synced_sessions")?;
        let rows = statement.query_map([], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A person's check-ins: (window key, outcome), oldest first.
    pub fn check_ins(&self, person_name: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT c.check_in, c.outcome FROM check_ins c JOIN people p ON p.id = c.person_id
             WHERE p.name = ?1 ORDER BY c.window_opens",
        )?;
        let rows = statement.query_map([person_name], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The kept picture of a synced mat, if it has one.
    pub fn mat_picture(&self, session_id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT mat_picture FROM synced_sessions WHERE session_id = ?1",
                [session_id],
                |row| row.get(0),
            )
            .optional()?
            .flatten())
    }

    pub fn evidence_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM evidence", [], |row| row.get(0))?)
    }

    /// Staff confirm or dispute a view, or add a note to it.
    pub fn add_confirmation(&mut self, c: &Confirmation) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO confirmations (person_id, topic_id, card_id, kind, body, by_whom, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                c.person_id,
                c.topic_id,
                c.card_id,
                c.kind.as_str(),
                c.body,
                c.by_whom,
                timestamp(c.at)
            ],
        )?;
        audit(
            &tx,
            c.at,
            &c.by_whom,
            c.kind.as_str(),
            &format!("{}/{}: {}", c.topic_id, c.card_id, c.body),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Writes one section of the person's one-page profile, replacing what it said before.
    pub fn set_profile_section(
        &mut self,
        person_id: &str,
        section: ProfileSection,
        body: &str,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO profile_sections (person_id, section, body, updated_by, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![person_id, section.as_str(), body, by_whom, timestamp(at)],
        )?;
        audit(
            &tx,
            at,
            by_whom,
            "profile",
            &format!("{}: {body}", section.as_str()),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records an action that follows from what the person said.
    pub fn add_action(
        &mut self,
        person_id: &str,
        card: Option<(&str, &str)>,
        what: &str,
        who: &str,
        due: Option<chrono::NaiveDate>,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO actions (person_id, topic_id, card_id, what, who, due, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            params![person_id, card.map(|c| c.0), card.map(|c| c.1), what, who, due.map(|d| d.to_string()), timestamp(at)],
        )?;
        let id = tx.last_insert_rowid();
        audit(&tx, at, who, "action added", &format!("#{id}: {what}"))?;
        tx.commit()?;
        Ok(id)
    }

    /// Marks an action done or dropped (or open again).
    pub fn set_action_status(
        &mut self,
        id: i64,
        status: ActionStatus,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE actions SET status = ?1, updated_at = ?2 WHERE id = ?3",
            params![status.as_str(), timestamp(at), id],
        )?;
        if changed > 0 {
            audit(
                &tx,
                at,
                by_whom,
                "action status",
                &format!("#{id}: {}", status.as_str()),
            )?;
        }
        tx.commit()?;
        Ok(changed > 0)
    }

    /// Every row of every table, in a fixed order: two plans with the same
    /// contents give the same text, whatever order they were written in.
    pub fn contents(&self) -> Result<String, StoreError> {
        let tables: Vec<String> = {
            let mut statement = self
                .conn
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?;
            let rows = statement.query_map([], |row| row.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut out = String::new();
        for table in tables {
            // Row ids of the audit log depend on how many tries it took, and
            // which evidence row a view was last brought up to date with on
            // the order the rows came in; the rows themselves do not.
            let columns = match table.as_str() {
                "audit_log" => "at, actor, action, detail",
                "preferences" => {
                    "person_id, topic_id, topic_title, card_id, card_label, current_view, \
                     times_asked, times_said, times_skipped, since, last_at, changed_from, \
                     changed_until, latest_at, latest_session, view_counts"
                }
                _ => "*",
            };
            let mut statement = self
                .conn
                .prepare(&format!("SELECT {columns} FROM \"{table}\""))?;
            let width = statement.column_count();
            let mut rows: Vec<String> = statement
                .query_map([], |row| {
                    (0..width)
                        .map(|i| row.get_ref(i).map(show_value))
                        .collect::<Result<Vec<_>, _>>()
                        .map(|cells| cells.join(" | "))
                })?
                .collect::<Result<_, _>>()?;
            rows.sort();
            out.push_str(&format!("[{table}]\n"));
            for row in rows {
                out.push_str(&row);
                out.push('\n');
            }
        }
        Ok(out)
    }
}

fn show_value(value: rusqlite::types::ValueRef) -> String {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => "NULL".into(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(r) => r.to_string(),
        ValueRef::Text(t) => format!("{:?}", String::from_utf8_lossy(t)),
        ValueRef::Blob(b) => b.iter().map(|byte| format!("{byte:02x}")).collect(),
    }
}

fn audit(
    tx: &Transaction,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    detail: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, detail) VALUES (?1, ?2, ?3, ?4)",
        params![timestamp(at), actor, action, detail],
    )?;
    Ok(())
}
