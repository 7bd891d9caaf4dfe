//! Taking back what can still be read from a damaged journal.
//!
//! A journal found damaged is set aside (never deleted) and a fresh one
//! started; then every row that can still be read from the damaged file is
//! copied into the fresh one. Rows are read twice over: through SQLite, table
//! by table, skipping what it cannot read (this also sees what is still in
//! the write-ahead log); and page by page from the file itself
//! (`super::pages`), which finds the rows SQLite cannot reach behind a
//! damaged schema or branch page, or past the end of a truncated file. Rows
//! keep their ids and rowids, so sync stays exactly once: a mat the plan
//! already has is not brought in twice.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use tracing::{error, warn};

use super::db::StoreError;
use super::journal::Journal;
use super::pages::{self, StoredRow};

/// How much came back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Rows read back, of every table.
    pub rows: usize,
    /// Mats (started).
    pub mats: usize,
    /// Mats finished, of those.
    pub finished: usize,
    pub placements: usize,
    pub check_ins: usize,
    /// Rows that could not be read, as far as the damaged file can tell.
    pub lost: usize,
    /// Pages missing from the end of a file cut short: the rows on them
    /// are lost too, and cannot be counted.
    pub missing_pages: usize,
    /// Finished mats left unfinished in the new journal because some of
    /// what was done on them could not be read: never a mat in the plan
    /// without all its evidence.
    pub kept_out: usize,
}

/// The journal's tables, each after those its rows point to; the device's
/// own first (its id and home).
const TABLES: [&str; 13] = [
    "device",
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

/// A row on its way into the fresh journal: its fields by the fresh
/// table's columns, `None` where the damaged file had no such column.
type Row = Vec<Option<Value>>;

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
    let mut to = Connection::open(into)?;
    to.busy_timeout(super::db::BUSY_TIMEOUT)?;
    // A row whose mat or person could not be read is still worth keeping
    // (a card's placement, a check-in): nothing blocks what can be saved.
    to.pragma_update(None, "foreign_keys", false)?;
    let columns: HashMap<&str, Vec<Column>> = TABLES
        .iter()
        .filter_map(|&table| Some((table, columns_of(&to, table)?)))
        .collect();

    let mut found: HashMap<&str, Table> = HashMap::new();
    let from = Connection::open_with_flags(&copy, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    // What is still only in the write-ahead log goes into the file, where
    // the page reader sees it too (where the damage allows).
    let _ = from.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    for (&table, ours) in &columns {
        read_through_sqlite(&from, table, ours, found.entry(table).or_default());
    }
    drop(from);
    let mut recovered = Recovered::default();
    match std::fs::read(&copy) {
        Ok(bytes) => {
            let read = read_pages(&bytes, &to, &columns, &mut found);
            recovered.lost = read.unplaced;
            recovered.missing_pages = read.missing_pages;
        }
        Err(e) => warn!("cannot read the damaged journal's pages: {e}"),
    }
    for table in TABLES {
        let (Some(ours), Some(read)) = (columns.get(table), found.remove(table)) else {
            continue;
        };
        let tx = to.transaction()?;
        let mut added = 0;
        let rows_read = read.rows.len();
        for (rowid, row) in read.rows {
            if table == "session_ends" {
                let mat = match &row[0] {
                    Some(Value::Text(id)) => Some(id.clone()),
                    _ => None,
                };
                if !mat.is_some_and(|id| every_action_read(&tx, &id)) {
                    recovered.kept_out += 1;
                    continue;
                }
            }
            match insert(&tx, table, ours, rowid, row) {
                Ok(n) => added += n,
                Err(e) => {
                    warn!(table, rowid, "a recovered row could not be written: {e}");
                    recovered.lost += 1;
                }
            }
        }
        tx.commit()?;
        // Journal rows are only ever added, so their rowids run 1, 2, 3…:
        // every number below the highest seen that did not come back is a
        // row lost.
        recovered.lost += (read.highest_rowid.max(0) as usize).saturating_sub(rows_read);
        recovered.rows += added;
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

/// One of the fresh journal's columns, as far as telling rows apart needs.
#[derive(Debug, Clone)]
struct Column {
    name: String,
    kind: ColumnKind,
    nullable: bool,
    /// Has a default, so a row written before the column was added may
    /// lack it.
    defaulted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnKind {
    Text,
    Integer,
    /// `INTEGER PRIMARY KEY`: the rowid itself, stored as NULL in the row.
    Rowid,
    Other,
}

fn columns_of(conn: &Connection, table: &str) -> Option<Vec<Column>> {
    let mut statement = conn
        .prepare(
            "SELECT name, upper(type), \"notnull\", dflt_value IS NOT NULL, pk,
                    (SELECT count(*) FROM pragma_table_info(?1) WHERE pk > 0)
             FROM pragma_table_info(?1) ORDER BY cid",
        )
        .ok()?;
    let columns = statement
        .query_map([table], |row| {
            let kind: String = row.get(1)?;
            let pk: i64 = row.get(4)?;
            let keys: i64 = row.get(5)?;
            Ok(Column {
                name: row.get(0)?,
                kind: match kind.as_str() {
                    "INTEGER" if pk == 1 && keys == 1 => ColumnKind::Rowid,
                    "INTEGER" => ColumnKind::Integer,
                    "TEXT" => ColumnKind::Text,
                    _ => ColumnKind::Other,
                },
                nullable: !row.get::<_, bool>(2)?,
                defaulted: row.get(3)?,
            })
        })
        .ok()?
        .collect::<Result<Vec<_>, _>>()
        .ok()?;
    (!columns.is_empty()).then_some(columns)
}

/// The rows found for one table, by rowid.
#[derive(Default)]
struct Table {
    rows: BTreeMap<i64, Row>,
    highest_rowid: i64,
}

impl Table {
    fn add(&mut self, rowid: i64, row: Row) {
        self.highest_rowid = self.highest_rowid.max(rowid);
        self.rows.entry(rowid).or_insert(row);
    }
}

/// Every row SQLite can still read of a table, in rowid order. Where a read
/// fails (a damaged page), it starts again just past the row it stopped at.
fn read_through_sqlite(conn: &Connection, table: &str, ours: &[Column], into: &mut Table) {
    let theirs: Vec<String> = match conn
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
        .and_then(|mut s| {
            s.query_map([], |row| row.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()
        }) {
        Ok(names) if !names.is_empty() => names,
        _ => return,
    };
    let shared: Vec<usize> = (0..ours.len())
        .filter(|&i| theirs.contains(&ours[i].name))
        .collect();
    if shared.is_empty() {
        return;
    }
    // Unknown when the table's last page is the damaged one: then reading
    // stops at the first row that fails.
    let last_rowid: Option<i64> = conn
        .query_row(&format!("SELECT max(rowid) FROM {table}"), [], |row| {
            row.get::<_, Option<i64>>(0)
        })
        .ok()
        .flatten();
    if let Some(last) = last_rowid {
        into.highest_rowid = into.highest_rowid.max(last);
    }
    let sql = format!(
        "SELECT rowid, {} FROM {table} WHERE rowid > ?1 ORDER BY rowid",
        shared
            .iter()
            .map(|&i| ours[i].name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let Ok(mut statement) = conn.prepare(&sql) else {
        return;
    };
    let mut after = 0i64;
    loop {
        let Ok(mut rows) = statement.query([after]) else {
            return;
        };
        let failed = loop {
            match rows.next() {
                Ok(Some(row)) => {
                    let mut values: Row = vec![None; ours.len()];
                    let mut whole = true;
                    for (n, &i) in shared.iter().enumerate() {
                        match row.get::<_, Value>(n + 1) {
                            Ok(value) => values[i] = Some(value),
                            Err(_) => whole = false,
                        }
                    }
                    match row.get::<_, i64>(0) {
                        Ok(rowid) if whole => {
                            after = rowid;
                            into.add(rowid, values);
                        }
                        _ => break true,
                    }
                }
                Ok(None) => break false,
                Err(_) => break true,
            }
        };
        match last_rowid {
            // Past the row that could not be read.
            Some(last) if failed && after < last => after += 1,
            _ => return,
        }
    }
}

struct PagesFound {
    /// Rows that fit no one table (or several), and so were not kept.
    unplaced: usize,
    missing_pages: usize,
}

/// Adds the rows of every table leaf page in the file's bytes: those of a
/// tree the schema still names go to that table, and a tree whose schema
/// row is lost goes to the one table all its rows fit.
fn read_pages<'t>(
    bytes: &[u8],
    to: &Connection,
    columns: &HashMap<&'t str, Vec<Column>>,
    found: &mut HashMap<&'t str, Table>,
) -> PagesFound {
    let read = pages::read_pages(bytes);
    for (root, &highest) in &read.highest_rowid {
        if let Some((&table, _)) = read
            .tables
            .get(root)
            .and_then(|n| columns.get_key_value(n.as_str()))
        {
            let table = found.entry(table).or_default();
            table.highest_rowid = table.highest_rowid.max(highest);
        }
    }
    if read.unreadable_pages > 0 {
        warn!(
            pages = read.unreadable_pages,
            "pages of the damaged journal that hold nothing readable"
        );
    }
    let mut orphans: BTreeMap<Option<u32>, Vec<StoredRow>> = BTreeMap::new();
    for leaf in &read.leaves {
        match read.table_of(leaf) {
            Some(name) => {
                if let Some((&table, ours)) = columns.get_key_value(name) {
                    for row in &leaf.rows {
                        if let Some(fields) = fitted(ours, row) {
                            found.entry(table).or_default().add(row.rowid, fields);
                        }
                    }
                }
            }
            // sqlite_schema and tables the journal no longer copies.
            None if leaf
                .root
                .is_some_and(|root| read.tables.contains_key(&root)) => {}
            None => orphans
                .entry(leaf.root.or(Some(leaf.page)))
                .or_default()
                .extend(leaf.rows.iter().cloned()),
        }
    }
    let mut unplaced = 0;
    let constraints = constraint_checker(to);
    for rows in orphans.into_values() {
        // The schema's own rows fit no table of the journal.
        if rows.iter().all(|r| r.fields.len() == 5 && is_schema_row(r)) {
            continue;
        }
        let fitting: Vec<&'t str> = columns
            .iter()
            .filter(|(table, ours)| {
                rows.iter().all(|row| fitted(ours, row).is_some())
                    && constraints
                        .as_ref()
                        .is_some_and(|c| accepts(c, table, ours, &rows))
            })
            .map(|(&table, _)| table)
            .collect();
        match fitting.as_slice() {
            [table] => {
                let ours = &columns[table];
                let into = found.entry(table).or_default();
                for row in &rows {
                    if let Some(fields) = fitted(ours, row) {
                        into.add(row.rowid, fields);
                    }
                }
            }
            _ => {
                warn!(
                    rows = rows.len(),
                    tables = fitting.len(),
                    "rows whose table cannot be told are left in the damaged file"
                );
                unplaced += rows.len();
            }
        }
    }
    PagesFound {
        unplaced,
        missing_pages: read.missing_pages,
    }
}

fn is_schema_row(row: &StoredRow) -> bool {
    matches!(&row.fields[..], [Value::Text(kind), Value::Text(_), Value::Text(_), Value::Integer(_), _]
        if ["table", "index", "view", "trigger"].contains(&kind.as_str()))
}

/// A stored row as the fields of a table, if it has that table's shape:
/// no more fields than columns (fewer when it was written before columns
/// were added), each of its column's type.
fn fitted(ours: &[Column], row: &StoredRow) -> Option<Row> {
    if row.fields.len() > ours.len() || row.fields.is_empty() {
        return None;
    }
    let mut fitted = Vec::with_capacity(ours.len());
    for (i, column) in ours.iter().enumerate() {
        let value = match (row.fields.get(i), column.kind) {
            (Some(Value::Null), ColumnKind::Rowid) => Value::Integer(row.rowid),
            (None, _) if column.defaulted || column.nullable => {
                fitted.push(None);
                continue;
            }
            (None, _) | (Some(_), ColumnKind::Rowid) => return None,
            (Some(Value::Null), _) if column.nullable => Value::Null,
            // A time is a time: a check-in's mat id is not when a mat started.
            (Some(Value::Text(text)), ColumnKind::Text)
                if column.name.ends_with("_at")
                    && chrono::DateTime::parse_from_rfc3339(text).is_err() =>
            {
                return None
            }
            (Some(v @ Value::Text(_)), ColumnKind::Text) => v.clone(),
            (Some(v @ Value::Integer(_)), ColumnKind::Integer) => v.clone(),
            (Some(v), ColumnKind::Other) if *v != Value::Null || column.nullable => v.clone(),
            _ => return None,
        };
        fitted.push(Some(value));
    }
    Some(fitted)
}

/// An empty copy of the journal's tables, to try rows against their
/// constraints (a CHECK tells an ended mat from an ignored press).
fn constraint_checker(to: &Connection) -> Option<Connection> {
    let checker = Connection::open_in_memory().ok()?;
    // Which table a row is, not whether its mat survived.
    checker.pragma_update(None, "foreign_keys", false).ok()?;
    let mut statement = to
        .prepare(
            "SELECT sql FROM sqlite_schema
             WHERE type = 'table' AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%'",
        )
        .ok()?;
    let tables = statement
        .query_map([], |row| row.get::<_, String>(0))
        .ok()?
        .collect::<Result<Vec<_>, _>>()
        .ok()?;
    for sql in tables {
        checker.execute_batch(&sql).ok()?;
    }
    Some(checker)
}

/// Whether every row is one the table's constraints accept.
fn accepts(checker: &Connection, table: &str, ours: &[Column], rows: &[StoredRow]) -> bool {
    let Ok(tx) = checker.unchecked_transaction() else {
        return false;
    };
    let accepted = rows.iter().all(|row| {
        fitted(ours, row).is_some_and(|fields| insert(&tx, table, ours, row.rowid, fields).is_ok())
    });
    let _ = tx.rollback();
    accepted
}

fn insert(
    tx: &Connection,
    table: &str,
    ours: &[Column],
    rowid: i64,
    row: Row,
) -> rusqlite::Result<usize> {
    let (names, values): (Vec<&str>, Vec<Value>) = ours
        .iter()
        .zip(row)
        .filter_map(|(column, value)| Some((column.name.as_str(), value?)))
        .unzip();
    // The fresh journal made its own device id: the recovered one wins.
    let or = if table == "device" {
        "REPLACE"
    } else {
        "IGNORE"
    };
    let sql = format!(
        "INSERT OR {or} INTO {table} (rowid, {}) VALUES (?{})",
        names.join(", "),
        ", ?".repeat(names.len())
    );
    tx.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(
        std::iter::once(Value::Integer(rowid)).chain(values),
    ))
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

/// Opens a kiosk's journal without reading it whole (the kiosk does that
/// on a thread of its own afterwards). One that is not a database, or that a
/// newer sayso wrote, is set aside and a fresh one started; any other
/// failure (a full disk, a folder that cannot be written) leaves the kiosk
/// running unsaved until it can be opened.
pub fn open_journal(path: &Path, now: DateTime<Utc>, notices: &mut Vec<String>) -> Option<Journal> {
    match Journal::open_unchecked(path) {
        Ok(journal) => Some(journal),
        Err(e) if e.is_corrupt() || matches!(e, StoreError::NewerSchema { .. }) => {
            error!("{e}");
            set_aside_and_recover(path, &e, now, notices)
        }
        Err(e) => {
            error!("cannot open the journal: {e}");
            notices.push(format!("Not saving: {e}"));
            None
        }
    }
}

/// Moves a damaged journal (or one a newer sayso wrote) aside, never
/// deleting it, starts a fresh one and copies into it every row that can
/// still be read; staff are told what came back.
pub fn set_aside_and_recover(
    path: &Path,
    why: &StoreError,
    now: DateTime<Utc>,
    notices: &mut Vec<String>,
) -> Option<Journal> {
    let stamp = now.format("%Y%m%dT%H%M%SZ");
    let (kind, what) = if why.is_corrupt() {
        ("damaged", "was damaged")
    } else {
        ("newer", "was written by a newer version of sayso")
    };
    let aside = path.with_extension(format!("sqlite.{kind}-{stamp}"));
    error!(
        "moving the journal to {} and starting a new one",
        aside.display()
    );
    for suffix in ["", "-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", path.display()));
        if from.exists() {
            let to = PathBuf::from(format!("{}{suffix}", aside.display()));
            if let Err(e) = std::fs::rename(&from, &to) {
                error!("cannot move {} aside: {e}", from.display());
            }
        }
    }
    let fresh = match Journal::open(path) {
        Ok(journal) => journal,
        Err(e) => {
            error!("cannot start a new journal: {e}");
            notices.push(format!("Not saving: {e}"));
            return None;
        }
    };
    drop(fresh);
    let recovered = recover_journal(&aside, path);
    let notice = match &recovered {
        Ok(r) => {
            warn!(
                rows = r.rows,
                mats = r.mats,
                finished = r.finished,
                placements = r.placements,
                check_ins = r.check_ins,
                lost = r.lost,
                missing_pages = r.missing_pages,
                kept_out = r.kept_out,
                "recovered what could be read from the journal set aside"
            );
            let kept_out = match r.kept_out {
                0 => String::new(),
                n => format!(
                    "; {n} finished mat(s) kept out of the plan, some of their cards unreadable"
                ),
            };
            let cut_short = match r.missing_pages {
                0 => "",
                _ => " (more, past where the file was cut short)",
            };
            format!(
                "The journal {what} (kept as {}); recovered {} row(s): {} mat(s) ({} finished), \
                 {} card placement(s), {} check-in(s); about {} row(s) could not be read\
                 {cut_short}{kept_out}",
                aside.display(),
                r.rows,
                r.mats,
                r.finished,
                r.placements,
                r.check_ins,
                r.lost
            )
        }
        Err(e) => {
            error!("nothing could be recovered from the journal set aside: {e}");
            format!(
                "The journal {what}; it was kept as {}, and nothing could be recovered from it",
                aside.display()
            )
        }
    };
    notices.push(notice);
    Journal::open_unchecked(path)
        .inspect_err(|e| {
            error!("cannot start a new journal: {e}");
            notices.push(format!("Not saving: {e}"));
        })
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Company, InputMethod, Record, Spot};
    use crate::store::Journal;
    use chrono::TimeZone;
    use std::collections::BTreeMap;

    fn mat(journal: &mut Journal, person: &str, n: u32) -> String {
        let id = format!("0190a000-0000-7000-8000-{n:012}");
        let at = chrono::Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap()
            + chrono::Duration::minutes(n.into());
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

    /// A journal of 300 mats of three cards, each with a check-in: each
    /// table over several pages.
    fn long_journal(path: &Path) {
        let mut journal = Journal::open(path).unwrap();
        let at = chrono::Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let person = journal.add_person("Alex", at).unwrap();
        for n in 0..300 {
            let session = mat(&mut journal, &person.id, n);
            journal
                .record_all(&[Record::CheckIn {
                    person_id: person.id.clone(),
                    key: format!("breakfast@{n}"),
                    topic_id: "food".into(),
                    opens: at,
                    closes: at,
                    outcome: crate::core::schedule::Outcome::Answered,
                    session_id: Some(session.into()),
                    at,
                }])
                .unwrap();
        }
    }

    type Rows = BTreeMap<i64, Vec<Value>>;

    fn rows_of(path: &Path, table: &str) -> Rows {
        let db = Connection::open(path).unwrap();
        let mut statement = db
            .prepare(&format!("SELECT rowid, * FROM {table}"))
            .unwrap();
        let width = statement.column_count();
        statement
            .query_map([], |row| {
                Ok((
                    row.get(0)?,
                    (1..width).map(|i| row.get(i)).collect::<Result<_, _>>()?,
                ))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// The leaf page each row of a table sits on: the leaves in the tree's
    /// order hold its rows in rowid order.
    fn leaf_page_of_rows(path: &Path, table: &str) -> BTreeMap<i64, u32> {
        let db = Connection::open(path).unwrap();
        let leaves: Vec<(u32, i64)> = db
            .prepare(
                "SELECT pageno, ncell FROM dbstat WHERE name = ?1 AND pagetype = 'leaf'
                 ORDER BY path",
            )
            .unwrap()
            .query_map([table], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let rowids = rows_of(path, table).into_keys();
        let pages = leaves
            .into_iter()
            .flat_map(|(page, cells)| std::iter::repeat_n(page, cells as usize));
        rowids.zip(pages).collect()
    }

    fn pages_of(path: &Path, name: &str) -> Vec<u32> {
        Connection::open(path)
            .unwrap()
            .prepare("SELECT pageno FROM dbstat WHERE name = ?1 ORDER BY pageno")
            .unwrap()
            .query_map([name], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// Damages a copy of a long journal (`damage` returns the pages it
    /// destroyed), recovers it, and checks that every row on a page left
    /// whole came back, unchanged and with its rowid, and nothing else; and
    /// that what syncs from the new journal is every mat with all its cards.
    fn recovers_every_readable_row(damage: impl Fn(&Path, &mut Vec<u8>) -> Vec<u32>) {
        let dir = tempfile::tempdir().unwrap();
        let whole = dir.path().join("whole.sqlite");
        long_journal(&whole);
        let damaged = dir.path().join("damaged.sqlite");
        let mut bytes = std::fs::read(&whole).unwrap();
        let destroyed = damage(&whole, &mut bytes);
        std::fs::write(&damaged, &bytes).unwrap();

        let fresh = dir.path().join("journal.sqlite");
        drop(Journal::open(&fresh).unwrap());
        let recovered = recover_journal(&damaged, &fresh).unwrap();

        let mut expected_lost = 0;
        for table in [
            "people",
            "sessions",
            "placements",
            "session_ends",
            "check_ins",
        ] {
            let on_page = leaf_page_of_rows(&whole, table);
            let readable: Rows = rows_of(&whole, table)
                .into_iter()
                .filter(|(rowid, _)| !destroyed.contains(&on_page[rowid]))
                .collect();
            let mut got = rows_of(&fresh, table);
            if table == "session_ends" {
                // Finished mats that lost a card stay unfinished.
                assert!(got.len() <= readable.len());
                got.retain(|rowid, _| readable.contains_key(rowid));
                assert_eq!(
                    got.len() + recovered.kept_out,
                    readable.len(),
                    "{recovered:?}"
                );
                expected_lost += on_page.len() - readable.len();
                let got_all = rows_of(&fresh, table);
                for (rowid, row) in &got_all {
                    assert_eq!(readable.get(rowid), Some(row), "session_ends {rowid}");
                }
                continue;
            }
            expected_lost += on_page.len() - readable.len();
            assert_eq!(
                got.len(),
                readable.len(),
                "{table}: every readable row, and only those ({recovered:?})"
            );
            assert_eq!(got, readable, "{table}: the same rows, the same rowids");
        }
        if recovered.missing_pages == 0 {
            assert_eq!(recovered.lost, expected_lost, "every row lost is counted");
        } else {
            // Past the cut, only what the branch pages name can be counted.
            assert!(
                recovered.lost > 0 && recovered.lost <= expected_lost,
                "{} rows lost, {} counted",
                expected_lost,
                recovered.lost
            );
        }

        // What reaches the plan is every finished mat with all its cards.
        let journal = Journal::open(&fresh).unwrap();
        let mut plan = crate::store::Plan::create(&dir.path().join("plan.sqlite")).unwrap();
        let now = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        crate::sync::with_plan(
            &journal,
            &mut plan,
            now,
            &crate::sync::SyncOptions::default(),
        )
        .unwrap();
        drop(plan);
        let db = Connection::open(dir.path().join("plan.sqlite")).unwrap();
        let thin: i64 = db
            .query_row(
                "SELECT count(*) FROM synced_sessions m WHERE
                   (SELECT count(*) FROM evidence e WHERE e.session_id = m.session_id) != 3",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(thin, 0, "no mat in the plan without all its cards");
        let synced: i64 = db
            .query_row("SELECT count(*) FROM synced_sessions", [], |row| row.get(0))
            .unwrap();
        assert_eq!(synced as usize, recovered.finished);
        assert!(recovered.finished > 0);
    }

    fn scribble(bytes: &mut [u8], page: u32) {
        let start = (page as usize - 1) * 4096;
        bytes[start..start + 4096].fill(0xA5);
    }

    #[test]
    fn a_scribbled_page_of_the_schema_loses_no_row() {
        recovers_every_readable_row(|whole, bytes| {
            let schema = pages_of(whole, "sqlite_schema");
            assert!(schema.len() > 2, "the schema spans pages: {schema:?}");
            // Not page 1, whose first bytes say what the file is.
            scribble(bytes, schema[schema.len() / 2]);
            vec![schema[schema.len() / 2]]
        });
    }

    #[test]
    fn a_scribbled_first_page_with_the_files_header_loses_no_row() {
        recovers_every_readable_row(|_, bytes| {
            scribble(bytes, 1);
            vec![1]
        });
    }

    #[test]
    fn a_scribbled_page_of_mats_loses_only_the_mats_on_it() {
        recovers_every_readable_row(|whole, bytes| {
            let leaves = leaf_page_of_rows(whole, "sessions");
            let page = *leaves.values().nth(leaves.len() / 2).unwrap();
            scribble(bytes, page);
            vec![page]
        });
    }

    #[test]
    fn a_scribbled_page_of_placements_keeps_its_mats_out_of_the_plan() {
        recovers_every_readable_row(|whole, bytes| {
            let leaves = leaf_page_of_rows(whole, "placements");
            let page = *leaves.values().nth(leaves.len() / 2).unwrap();
            scribble(bytes, page);
            vec![page]
        });
    }

    #[test]
    fn a_scribbled_branch_page_loses_no_row_below_it() {
        recovers_every_readable_row(|whole, bytes| {
            let leaves: Vec<u32> = leaf_page_of_rows(whole, "placements")
                .into_values()
                .collect();
            let branch = *pages_of(whole, "placements")
                .iter()
                .find(|p| !leaves.contains(p))
                .expect("a tree of more than one page");
            scribble(bytes, branch);
            vec![branch]
        });
    }

    #[test]
    fn a_truncated_file_gives_back_every_page_before_the_cut() {
        recovers_every_readable_row(|_, bytes| {
            // Not on a page boundary: the last page is cut in the middle.
            let pages = bytes.len() / 4096;
            let cut = pages * 3 / 5 * 4096 + 1000;
            bytes.truncate(cut);
            let destroyed: Vec<u32> = ((pages * 3 / 5 + 1) as u32..=pages as u32).collect();
            destroyed
        });
    }
}
