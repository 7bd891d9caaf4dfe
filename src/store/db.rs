//! Opening a database the same careful way every time, and migrating it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// How long a write waits for another writer (another device syncing into
/// the same plan, a staff tool) before giving up with "busy".
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    // Said once: SQLite's own words already name the trouble.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("cannot create the folder {path}: {cause}")]
    CreateDir {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{path} does not exist (is the drive or network share there?)")]
    Missing { path: PathBuf },
    #[error(
        "{path} was written by a newer version of sayso (schema {found}, this version knows up to {known}); it was left untouched"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{path} is not a sayso database it can read ({reason}); it was left untouched")]
    NotADatabase { path: PathBuf, reason: String },
    #[error("{path} is damaged (integrity check: {detail}); nothing was written to it")]
    Damaged { path: PathBuf, detail: String },
    #[error(
        "{plan} belongs to a different home (its people are not this device's); nothing was \
         written to it. If this kiosk now belongs to that home, move it there with \
         `sayso plan join {plan}`"
    )]
    DifferentHome { plan: PathBuf },
    #[error("{path} already exists; it was left as it is")]
    AlreadyExists { path: PathBuf },
    #[error("there is no person {0} in the support plan to merge (or it is the same person)")]
    NoSuchPerson(String),
    #[error("the home's hub at {url} cannot be reached ({cause}); mats are kept on this kiosk until it can")]
    HubUnreachable { url: String, cause: String },
    #[error("the home's hub at {url} refused this kiosk ({reason}); nothing was sent. Pair it again with a new code from the web app's Kiosks page")]
    HubRefused { url: String, reason: String },
    #[error(
        "the home's hub at {url} showed a different key from the one this kiosk paired with; \
         nothing was sent. If the hub was replaced, pair this kiosk again"
    )]
    HubCertificate { url: String },
    #[error(
        "{path} (this kiosk's hub: its address, token and key) cannot be read ({reason}); \
         nothing is synced until the kiosk is paired again"
    )]
    HubFile { path: PathBuf, reason: String },
    #[error("the home's hub at {url} could not take this sync: {said}")]
    HubAnswer { url: String, said: String },
    #[error("a timestamp in the database is not RFC 3339: {0}")]
    BadTimestamp(String),
    #[cfg(feature = "fault-injection")]
    #[error("injected failure at statement {0} (a test of crash safety)")]
    Injected(usize),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Sqlite(e)
    }
}

impl StoreError {
    /// True when the home's hub could not be reached, refused this kiosk,
    /// showed another key, or its file on the kiosk cannot be read.
    pub fn is_about_the_hub(&self) -> bool {
        matches!(
            self,
            StoreError::HubUnreachable { .. }
                | StoreError::HubRefused { .. }
                | StoreError::HubCertificate { .. }
                | StoreError::HubFile { .. }
                | StoreError::HubAnswer { .. }
        )
    }

    /// True when the file exists but is damaged or is not a database at all.
    pub fn is_corrupt(&self) -> bool {
        matches!(
            self,
            StoreError::NotADatabase { .. } | StoreError::Damaged { .. }
        )
    }

    /// True when the disk (or the file system) is full.
    pub fn is_full(&self) -> bool {
        matches!(self, StoreError::Sqlite(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull))
    }

    /// True when another writer held the database for longer than the busy timeout.
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Sqlite(e) if matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        ))
    }
}

/// How SQLite keeps a transaction safe until it is committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JournalMode {
    /// Write-ahead log: fast commits, readers never blocked. Needs shared
    /// memory, so only for files on this machine (the device journal).
    Wal,
    /// Rollback journal: works on a network share, where the support plan
    /// may live and WAL's shared memory does not work.
    Rollback,
}

impl JournalMode {
    fn pragma(self) -> &'static str {
        match self {
            JournalMode::Wal => "WAL",
            JournalMode::Rollback => "DELETE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IfMissing {
    Create,
    Refuse,
}

/// Opens a database and brings it to the latest schema. `migrations[i]` takes
/// the schema from version `i` to `i + 1`; shipped migrations are never
/// edited, only appended to. A database from a newer schema is refused before
/// anything is written to it.
pub(crate) fn open(
    path: &Path,
    migrations: &[&str],
    mode: JournalMode,
    if_missing: IfMissing,
) -> Result<Connection, StoreError> {
    if !path.exists() {
        if if_missing == IfMissing::Refuse {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_path_buf(),
                cause: source,
            })?;
        }
    }
    let flags = match if_missing {
        IfMissing::Create => OpenFlags::default(),
        IfMissing::Refuse => OpenFlags::default() - OpenFlags::SQLITE_OPEN_CREATE,
    };
    if if_missing == IfMissing::Create {
        create_private(path);
    }
    let mut conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| corrupt_or(e, path))?;
    let known = migrations.len() as i64;
    if found > known {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            known,
        });
    }
    configure(&conn, mode).map_err(|e| corrupt_or(e, path))?;
    migrate(&mut conn, found, migrations).map_err(|e| corrupt_or(e, path))?;
    // Every write transaction takes the write lock when it begins: one that
    // read first and then found another writer there (a kiosk's sync under
    // a staff member's change) would fail at once instead of waiting.
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    Ok(conn)
}

/// Runs SQLite's full integrity check; anything but "ok" is damage.
pub(crate) fn check_integrity(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    run_check(conn, path, "PRAGMA integrity_check")
}

/// The quicker check (page structure, not index contents), for every open.
pub(crate) fn quick_check(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    run_check(conn, path, "PRAGMA quick_check")
}

fn run_check(conn: &Connection, path: &Path, pragma: &str) -> Result<(), StoreError> {
    let mut statement = conn.prepare(pragma).map_err(|e| corrupt_or(e, path))?;
    let lines: Vec<String> = statement
        .query_map([], |row| row.get(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| corrupt_or(e, path))?;
    if lines == ["ok"] {
        Ok(())
    } else {
        Err(StoreError::Damaged {
            path: path.to_path_buf(),
            detail: lines.join("; "),
        })
    }
}

/// A new database file is made readable by its owner alone: it holds care
/// data (SQLite gives its journal and log files the same mode).
/// An existing file is left as it is; if it cannot be made, SQLite says
/// what is wrong (a folder in its place, no room) when it opens it.
#[cfg(unix)]
fn create_private(path: &Path) {
    use std::os::unix::fs::OpenOptionsExt;
    let _ = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
}

#[cfg(not(unix))]
fn create_private(_: &Path) {}

fn configure(conn: &Connection, mode: JournalMode) -> Result<(), rusqlite::Error> {
    conn.pragma_update_and_check(None, "journal_mode", mode.pragma(), |_| Ok(()))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Each step takes the write lock first and looks at the version again
/// under it: two processes opening a new database at the same moment (the
/// kiosk's sync and `sayso sync`, two devices) migrate it once between them.
fn migrate(conn: &mut Connection, found: i64, migrations: &[&str]) -> Result<(), rusqlite::Error> {
    for (version, sql) in migrations.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let now: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if now > version as i64 {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

pub(crate) fn corrupt_or(error: rusqlite::Error, path: &Path) -> StoreError {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    match error.sqlite_error_code() {
        Some(DatabaseCorrupt | NotADatabase) => StoreError::NotADatabase {
            path: path.to_path_buf(),
            reason: error.to_string(),
        },
        _ => StoreError::Sqlite(error),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn a_new_plan_or_journal_is_readable_by_its_owner_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plan = dir.path().join("plan.sqlite");
        drop(crate::store::Plan::open_or_create(&plan).unwrap());
        let journal = dir.path().join("journal.sqlite");
        drop(crate::store::Journal::open(&journal).unwrap());
        for file in [plan, journal] {
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", file.display());
        }
    }
}
