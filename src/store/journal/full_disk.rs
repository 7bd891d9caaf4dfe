//! For tests: a journal whose disk is full, without filling a disk.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::store::db::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// The next write fails; the one after has room (space was freed).
    Once,
    /// Every write fails until [`clear`].
    UntilCleared,
}

static FULL: Mutex<Vec<(PathBuf, Full)>> = Mutex::new(Vec::new());

/// The disk of the journal at `path` is full, from now on.
pub fn fill(path: &Path, how: Full) {
    let mut full = FULL.lock().expect("the full-disk list");
    full.retain(|(p, _)| p != path);
    full.push((path.to_path_buf(), how));
}

/// There is room again.
pub fn clear(path: &Path) {
    FULL.lock()
        .expect("the full-disk list")
        .retain(|(p, _)| p != path);
}

pub(super) fn check(path: &Path) -> Result<(), StoreError> {
    let mut full = FULL.lock().expect("the full-disk list");
    let Some(at) = full.iter().position(|(p, _)| p == path) else {
        return Ok(());
    };
    if full[at].1 == Full::Once {
        full.remove(at);
    }
    Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
        Some("database or disk is full".into()),
    )))
}
