//! Taking back what can still be read from a damaged journal.
//!
//! A journal found damaged is set aside (never deleted) and a fresh one
//! started; then every row that can still be read from the damaged file is
//! copied into the fresh one, table by table, skipping over what cannot be
//! read. Rows keep their ids (mats, people, check-ins), so sync stays exactly
//! once: a mat the plan already has is not brought in twice.

use std::path::Path;

use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};

use super::db::StoreError;

/// How much came back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Mats (started).
    pub mats: usize,
    /// Mats finished, of those.
    pub finished: usize,
    pub placements: usize,
    pub check_ins: usize,
    /// Rows that could not be read, as far as the damaged file can tell.
    pub lost: usize,
    /// Finished mats left unfinished in the new journal because some of
    /// what was done on them could not be read: never a mat in the plan
    /// without all its evidence.
    pub kept_out: usize,
}

/// The journal's tables, each after those its rows point to.
const TABLES: [&str; 12] = [
    "people",
    "sessions",
    "placements",
    "undos",
    "skips",
    "marks",
    "session_ends",
    "pauses",
    "resumes",
    "kept_mats",
    "check_ins",
    "ignored_presses",
];

/// Copies what can be read from the journal at `damaged` into the (fresh,
/// migrated) journal at `into`, with the damaged one's device id and home.
pub fn recover_journal(damaged: &Path, into: &Path) -> Result<Recovered, StoreError> {
    // Read from a copy: the damaged file (and its write-ahead log) is
    // evidence, and opening it could change it.
    let scratch =
        tempfile::tempdir_in(into.parent().unwrap_or(Path::new("."))).map_err(|source| {
            StoreError::CreateDir {
                path: into.to_path_buf(),
                cause: source,
            }
        })?;
    let copy = scratch.path().join("damaged.sqlite");
    for suffix in ["", "-wal"] {
        let from = std::path::PathBuf::from(format!("{}{suffix}", damaged.display()));
        if from.exists() {
            let to = std::path::PathBuf::from(format!("{}{suffix}", copy.display()));
            std::fs::copy(&from, &to).map_err(|source| StoreError::CreateDir {
                path: to.clone(),
                cause: source,
            })?;
        }
    }
    let from = Connection::open_with_flags(&copy, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    let mut to = Connection::open(into)?;
    to.busy_timeout(super::db::BUSY_TIMEOUT)?;
    // A row whose mat or person could not be read is still worth keeping
    // (a card's placement, a check-in): nothing blocks what can be saved.
    to.pragma_update(None, "foreign_keys", false)?;
    let mut recovered = Recovered::default();

    // The device keeps its id and its home.
    if let Ok(rows) = read_rows(&from, "device", &["key".into(), "value".into()]) {
        let tx = to.transaction()?;
        for row in rows.rows {
            tx.execute(
                "INSERT OR REPLACE INTO device (key, value) VALUES (?1, ?2)",
                rusqlite::params_from_iter(row),
            )?;
        }
        tx.commit()?;
    }

    for table in TABLES {
        let Some(columns) = shared_columns(&from, &to, table) else {
            continue;
        };
        let Ok(read) = read_rows(&from, table, &columns) else {
            continue;
        };
        recovered.lost += read.lost;
        let tx = to.transaction()?;
        let sql = format!(
            "INSERT OR IGNORE INTO {table} ({}) VALUES ({})",
            columns.join(", "),
            vec!["?"; columns.len()].join(", ")
        );
        let mut added = 0;
        {
            let mut insert = tx.prepare(&sql)?;
            let mat_column = columns.iter().position(|c| c == "session_id");
            for row in read.rows {
                if table == "session_ends" {
                    let mat = mat_column.and_then(|i| match &row[i] {
                        Value::Text(id) => Some(id.clone()),
                        _ => None,
                    });
                    if !mat.is_some_and(|id| every_action_read(&tx, &id)) {
                        recovered.kept_out += 1;
                        continue;
                    }
                }
                match insert.execute(rusqlite::params_from_iter(row)) {
                    Ok(n) => added += n,
                    Err(_) => recovered.lost += 1,
                }
            }
        }
        tx.commit()?;
        match table {
            "sessions" => recovered.mats = added,
            "session_ends" => recovered.finished = added,
            "placements" => recovered.placements = added,
            "check_ins" => recovered.check_ins = added,
            _ => {}
        }
    }
    Ok(recovered)
}

/// Whether a mat and everything done on it came back: its actions
/// (placements, undos, skips, marks) share one sequence from 1, so a mat
/// with none, or with a number missing, lost some.
fn every_action_read(to: &rusqlite::Transaction, session_id: &str) -> bool {
    to.query_row(
        "SELECT EXISTS (SELECT 1 FROM sessions WHERE id = ?1), count(*), coalesce(max(seq), 0)
         FROM (SELECT seq FROM placements WHERE session_id = ?1
               UNION ALL SELECT seq FROM undos WHERE session_id = ?1
               UNION ALL SELECT seq FROM skips WHERE session_id = ?1
               UNION ALL SELECT seq FROM marks WHERE session_id = ?1)",
        [session_id],
        |row| {
            Ok((
                row.get::<_, bool>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, i64>(2)?,
            ))
        },
    )
    .is_ok_and(|(mat, count, last)| mat && count > 0 && count == last)
}

/// The columns a table has in both files (an older journal has fewer).
fn shared_columns(from: &Connection, to: &Connection, table: &str) -> Option<Vec<String>> {
    let names = |conn: &Connection| -> Option<Vec<String>> {
        let mut statement = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .ok()?;
        let names = statement
            .query_map([], |row| row.get::<_, String>(0))
            .ok()?
            .collect::<Result<Vec<_>, _>>()
            .ok()?;
        (!names.is_empty()).then_some(names)
    };
    let theirs = names(from)?;
    let ours = names(to)?;
    Some(theirs.into_iter().filter(|c| ours.contains(c)).collect())
}

struct Read {
    rows: Vec<Vec<Value>>,
    lost: usize,
}

/// Every row of a table that can be read, in rowid order. Where a read
/// fails (a damaged page), it starts again just past the row it stopped at.
fn read_rows(conn: &Connection, table: &str, columns: &[String]) -> Result<Read, rusqlite::Error> {
    // Unknown when the table's last page is the damaged one: then reading
    // stops at the first row that fails.
    let last_rowid: Option<i64> = conn
        .query_row(&format!("SELECT max(rowid) FROM {table}"), [], |row| {
            row.get::<_, Option<i64>>(0)
        })
        .ok()
        .flatten();
    let sql = format!(
        "SELECT rowid, {} FROM {table} WHERE rowid > ?1 ORDER BY rowid",
        columns.join(", ")
    );
    let mut statement = conn.prepare(&sql)?;
    let mut read = Read {
        rows: Vec::new(),
        lost: 0,
    };
    let mut after = 0i64;
    loop {
        let mut rows = statement.query([after])?;
        let failed = loop {
            match rows.next() {
                Ok(Some(row)) => {
                    let values: Result<Vec<Value>, _> = (1..=columns.len())
                        .map(|i| row.get::<_, Value>(i))
                        .collect();
                    match (row.get::<_, i64>(0), values) {
                        (Ok(rowid), Ok(values)) => {
                            after = rowid;
                            read.rows.push(values);
                        }
                        _ => break true,
                    }
                }
                Ok(None) => break false,
                Err(_) => break true,
            }
        };
        match last_rowid {
            Some(last) if failed && after < last => {
                // Past the row that could not be read.
                after += 1;
                read.lost += 1;
            }
            None if failed => {
                read.lost += 1;
                return Ok(read);
            }
            _ => return Ok(read),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Company, InputMethod, Record, Spot};
    use crate::store::Journal;
    use chrono::TimeZone;

    fn mat(journal: &mut Journal, person: &str, n: u32) -> String {
        let id = format!("0190a000-0000-7000-8000-{n:012}");
        let at = chrono::Utc.with_ymd_and_hms(2026, 11, n, 9, 0, 0).unwrap();
        let mut records = vec![Record::Started {
            session_id: id.clone().into(),
            person_id: person.into(),
            set_id: "demo".into(),
            topic_id: "food".into(),
            topic_title: "Food".into(),
            company: Company::default(),
            at,
        }];
        for (seq, card) in [(1, "tea"), (2, "cake"), (3, "chips")] {
            records.push(Record::Placed {
                session_id: id.clone().into(),
                seq,
                card_id: card.into(),
                card_label: card.into(),
                spot: Spot::on(0),
                point_label: "like".into(),
                at,
                via: InputMethod::Touch,
                response_ms: 900,
                helped: false,
            });
        }
        records.push(Record::Finished {
            session_id: id.clone().into(),
            at,
            via: InputMethod::Touch,
        });
        journal.record_all(&records).unwrap();
        id
    }

    #[test]
    fn rows_that_lost_their_mat_are_kept_and_a_mat_missing_a_card_never_counts_as_finished() {
        let dir = tempfile::tempdir().unwrap();
        let damaged = dir.path().join("damaged.sqlite");
        let mut journal = Journal::open(&damaged).unwrap();
        let at = chrono::Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let person = journal.add_person("Alex", at).unwrap();
        let whole = mat(&mut journal, &person.id, 1);
        let missing_a_card = mat(&mut journal, &person.id, 2);
        let without_its_row = mat(&mut journal, &person.id, 3);
        drop(journal);
        // What unreadable pages leave: a placement and a mat's own row gone.
        let db = Connection::open(&damaged).unwrap();
        db.execute_batch(
            "DROP TRIGGER placements_append_only_d; DROP TRIGGER sessions_append_only_d;
             PRAGMA foreign_keys = OFF;",
        )
        .unwrap();
        db.execute(
            "DELETE FROM placements WHERE session_id = ?1 AND seq = 2",
            [&missing_a_card],
        )
        .unwrap();
        db.execute("DELETE FROM sessions WHERE id = ?1", [&without_its_row])
            .unwrap();
        drop(db);

        let fresh = dir.path().join("journal.sqlite");
        drop(Journal::open(&fresh).unwrap());
        let recovered = recover_journal(&damaged, &fresh).unwrap();
        assert_eq!(recovered.kept_out, 2, "{recovered:?}");
        assert_eq!(recovered.finished, 1);
        assert_eq!(recovered.placements, 8, "every placement that was there");
        let journal = Journal::open(&fresh).unwrap();
        assert_eq!(
            journal.finished_session_ids().unwrap(),
            [crate::core::SessionId::from(whole.as_str())]
        );
    }
}
