//! Opening a database the same careful way every time, and migrating it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot create the folder {path}: {source}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path} was written by a newer version of sayso (schema {found}, this version knows up to {known}); it was left untouched"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{path} is not a sayso database it can read ({reason})")]
    NotADatabase { path: PathBuf, reason: String },
    #[error("a timestamp in the database is not RFC 3339: {0}")]
    BadTimestamp(String),
}

impl StoreError {
    /// True when the file exists but is damaged or is not a database at all.
    pub fn is_corrupt(&self) -> bool {
        matches!(self, StoreError::NotADatabase { .. })
    }
}

/// Opens (creating if needed) a database and brings it to the latest schema.
/// `migrations[i]` takes the schema from version `i` to `i + 1`; shipped
/// migrations are never edited, only appended to.
pub(crate) fn open(path: &Path, migrations: &[&str]) -> Result<Connection, StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let mut conn = Connection::open(path)?;
    configure(&conn).map_err(|e| corrupt_or(e, path))?;
    migrate(&mut conn, path, migrations).map_err(|e| match e {
        StoreError::Sqlite(e) => corrupt_or(e, path),
        other => other,
    })?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<(), rusqlite::Error> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

fn migrate(conn: &mut Connection, path: &Path, migrations: &[&str]) -> Result<(), StoreError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let known = migrations.len() as i64;
    if found > known {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            known,
        });
    }
    for (version, sql) in migrations.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

fn corrupt_or(error: rusqlite::Error, path: &Path) -> StoreError {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    match error.sqlite_error_code() {
        Some(DatabaseCorrupt | NotADatabase) => StoreError::NotADatabase {
            path: path.to_path_buf(),
            reason: error.to_string(),
        },
        _ => StoreError::Sqlite(error),
    }
}
