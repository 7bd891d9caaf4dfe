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
            for row in read.rows {
                added += insert.execute(rusqlite::params_from_iter(row))?;
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
