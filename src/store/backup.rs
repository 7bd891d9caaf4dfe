//! Backup and restore of a device: the journal and the plan copied with
//! SQLite's online backup API (a consistent copy while the kiosk writes),
//! the settings, the kept mats' pictures and the picture set in use, with a
//! manifest of every file's size and SHA-256.
//!
//! A restore checks every file against the manifest before it touches
//! anything, refuses to replace a device's own mats unless told, and puts
//! each file in place by renaming a full copy, so a restore cut off leaves
//! either the old file or the new one.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use super::db::corrupt_or;
use super::{JOURNAL_FILE, PLAN_FILE};

/// The manifest's file name inside a backup.
pub const MANIFEST: &str = "manifest.toml";
/// The settings files of a data directory that a backup carries.
pub const SETTINGS: [&str; 5] = [
    "home.toml",
    "access.toml",
    "voice.toml",
    "web.toml",
    "backup.toml",
];
/// Kept mats' pictures, inside the data directory.
const MATS_DIR: &str = "mats";
/// The picture set, inside a backup.
const SET_DIR: &str = "set";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("cannot {what} {path}: {cause}")]
    File {
        what: &'static str,
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{path}: {cause}")]
    Database {
        path: PathBuf,
        cause: super::StoreError,
    },
    #[error("{0} is not a sayso backup (it has no {MANIFEST})")]
    NotABackup(PathBuf),
    #[error("the backup's {MANIFEST} cannot be read: {0}")]
    BadManifest(String),
    #[error("the backup is damaged: {0} is not as it was written (size or checksum); nothing was restored")]
    Damaged(String),
    #[error("the backup names a file outside itself ({0}); nothing was restored")]
    Outside(String),
    #[error(
        "this device already has {mats} mat(s) in its journal, the newest from {newest}; \
         restoring would replace them. Give --overwrite to replace them anyway"
    )]
    WouldReplace { mats: i64, newest: String },
    #[error(
        "the support plan {path} already has {mats} mat(s), maybe from other kiosks of the \
         home; restoring would replace it with the backup's. Give --overwrite to replace it anyway"
    )]
    WouldReplacePlan { path: PathBuf, mats: i64 },
}

fn file_error(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> BackupError {
    let path = path.to_path_buf();
    move |cause| BackupError::File { what, path, cause }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// This layout's version.
    pub format: u32,
    pub made_at: DateTime<Utc>,
    pub sayso_version: String,
    pub device_id: Option<String>,
    pub files: Vec<ManifestFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Relative to the backup folder, with `/` between parts.
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// What to back up.
#[derive(Debug, Clone)]
pub struct Sources {
    pub data_dir: PathBuf,
    pub plan: PathBuf,
    /// The picture set's folder, unless it is the bundled one (the package
    /// brings that back).
    pub set_dir: Option<PathBuf>,
}

/// Writes a backup of `sources` into a new folder inside `into`, named by
/// the device and the time; returns that folder.
pub fn backup(sources: &Sources, into: &Path, now: DateTime<Utc>) -> Result<PathBuf, BackupError> {
    let journal = sources.data_dir.join(JOURNAL_FILE);
    let device_id = device_id(&journal);
    let prefix = format!(
        "sayso-{}-",
        device_id
            .as_deref()
            .map_or("device", |id| &id[..id.len().min(8)]),
    );
    remove_cut_off(into, &prefix);
    let name = format!("{prefix}{}", now.format("%Y%m%dT%H%M%SZ"));
    // Two backups in one second each keep their own folder.
    let name = (1..)
        .map(|n| {
            if n == 1 {
                name.clone()
            } else {
                format!("{name}-{n}")
            }
        })
        .find(|name| !into.join(name).exists())
        .expect("a free name");
    let folder = into.join(&name);
    // Written under a temporary name, renamed when whole: a backup cut off
    // (the stick pulled out) is never taken for a good one.
    let partial = into.join(format!(".{name}.partial"));
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(file_error("remove", &partial))?;
    }
    std::fs::create_dir_all(&partial).map_err(file_error("make the folder", &partial))?;

    let mut files = Vec::new();
    if journal.is_file() {
        copy_database(&journal, &partial.join(JOURNAL_FILE))?;
        files.push(JOURNAL_FILE.to_string());
    }
    if sources.plan.is_file() {
        copy_database(&sources.plan, &partial.join(PLAN_FILE))?;
        files.push(PLAN_FILE.to_string());
    }
    for setting in SETTINGS {
        let from = sources.data_dir.join(setting);
        if from.is_file() {
            copy_file(&from, &partial.join(setting))?;
            files.push(setting.to_string());
        }
    }
    files.extend(copy_tree(
        &sources.data_dir.join(MATS_DIR),
        &partial,
        MATS_DIR,
    )?);
    if let Some(set_dir) = &sources.set_dir {
        files.extend(copy_tree(set_dir, &partial, SET_DIR)?);
    }

    let mut manifest = Manifest {
        format: 1,
        made_at: now,
        sayso_version: env!("CARGO_PKG_VERSION").to_string(),
        device_id,
        files: Vec::new(),
    };
    for path in files {
        let full = partial.join(&path);
        let (bytes, sha256) = size_and_hash(&full)?;
        manifest.files.push(ManifestFile {
            path,
            bytes,
            sha256,
        });
    }
    let text = toml::to_string(&manifest).map_err(|e| BackupError::BadManifest(e.to_string()))?;
    write_synced(&partial.join(MANIFEST), text.as_bytes())?;
    std::fs::rename(&partial, &folder).map_err(file_error("name the backup", &folder))?;
    Ok(folder)
}

/// `backup.toml` in the data directory: a backup every night into a folder
/// (a USB stick, a mounted share). Without the file, none.
pub const NIGHTLY_FILE: &str = "backup.toml";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nightly {
    /// The folder backups go into.
    pub to: PathBuf,
    /// Local time after which the night's backup is made, at the first
    /// moment nobody is in the middle of a mat.
    #[serde(default = "two_in_the_morning", with = "hour_minute")]
    pub at: chrono::NaiveTime,
    /// Backups of this device kept there; older ones are removed.
    #[serde(default = "a_week")]
    pub keep: usize,
}

fn two_in_the_morning() -> chrono::NaiveTime {
    chrono::NaiveTime::from_hms_opt(2, 0, 0).expect("a time")
}

fn a_week() -> usize {
    7
}

mod hour_minute {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<chrono::NaiveTime, D::Error> {
        let text = String::deserialize(d)?;
        chrono::NaiveTime::parse_from_str(&text, "%H:%M").map_err(|_| {
            serde::de::Error::custom(format!("\"{text}\" is not a time like \"02:00\""))
        })
    }
}

/// Why `backup.toml` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum NightlyError {
    #[error("{path}: {cause}")]
    Unreadable {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{path}: {problem}")]
    Invalid { path: PathBuf, problem: String },
}

impl Nightly {
    /// The settings in `path`; `None` without the file.
    pub fn load(path: &Path) -> Result<Option<Nightly>, NightlyError> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text)
                .map(Some)
                .map_err(|e| NightlyError::Invalid {
                    path: path.to_path_buf(),
                    problem: e.to_string().trim().to_string(),
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(cause) => Err(NightlyError::Unreadable {
                path: path.to_path_buf(),
                cause,
            }),
        }
    }
}

/// Removes the oldest backups of `device_id` in `folder` beyond `keep`
/// (the newest are kept); returns how many went.
pub fn prune(folder: &Path, device_id: Option<&str>, keep: usize) -> Result<usize, BackupError> {
    let prefix = format!(
        "sayso-{}-",
        device_id.map_or("device", |id| &id[..id.len().min(8)])
    );
    let mut mine: Vec<String> = std::fs::read_dir(folder)
        .map_err(file_error("read", folder))?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|name| name.starts_with(&prefix) && folder.join(name).join(MANIFEST).is_file())
        .collect();
    // The names hold the time: sorted, the oldest come first.
    mine.sort();
    let extra = mine.len().saturating_sub(keep.max(1));
    for name in &mine[..extra] {
        let path = folder.join(name);
        std::fs::remove_dir_all(&path).map_err(file_error("remove", &path))?;
    }
    Ok(extra)
}

/// Removes what this device's backups cut off before (a kill, a stick
/// pulled out) left in `into`: their `.sayso-DEVICE-….partial` folders.
/// Other devices' (one may be writing now) are left alone.
fn remove_cut_off(into: &Path, prefix: &str) {
    let own = format!(".{prefix}");
    for entry in std::fs::read_dir(into).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(&own) && name.ends_with(".partial") {
            if let Err(e) = std::fs::remove_dir_all(entry.path()) {
                tracing::warn!("cannot remove a backup cut off before: {e}");
            }
        }
    }
}

/// The device id of the journal in `data_dir`, as backups are named by it.
pub fn device_of(data_dir: &Path) -> Option<String> {
    device_id(&data_dir.join(JOURNAL_FILE))
}

/// Where a restore puts things.
#[derive(Debug, Clone)]
pub struct Targets {
    pub data_dir: PathBuf,
    pub plan: PathBuf,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub manifest: Manifest,
    /// Where the backup's picture set was put, if it had one.
    pub set_dir: Option<PathBuf>,
}

/// Puts the backup in `from` back. Every file is checked first; the
/// device's own mats are replaced only with `overwrite`.
pub fn restore(from: &Path, to: &Targets, overwrite: bool) -> Result<Restored, BackupError> {
    let manifest = read_manifest(from)?;
    for file in &manifest.files {
        let path = inside(from, &file.path)?;
        let matches = size_and_hash(&path)
            .is_ok_and(|(bytes, sha256)| bytes == file.bytes && sha256 == file.sha256);
        if !matches {
            return Err(BackupError::Damaged(file.path.clone()));
        }
    }
    let journal = to.data_dir.join(JOURNAL_FILE);
    if !overwrite {
        if let Some((mats, newest)) = mats_in(&journal)? {
            return Err(BackupError::WouldReplace { mats, newest });
        }
        let has_plan = manifest.files.iter().any(|f| f.path == PLAN_FILE);
        if let Some(mats) = has_plan.then(|| plan_mats(&to.plan)).transpose()?.flatten() {
            return Err(BackupError::WouldReplacePlan {
                path: to.plan.clone(),
                mats,
            });
        }
    }
    std::fs::create_dir_all(&to.data_dir).map_err(file_error("make the folder", &to.data_dir))?;
    let mut set_dir = None;
    for file in &manifest.files {
        let source = inside(from, &file.path)?;
        let target = match file.path.as_str() {
            JOURNAL_FILE => journal.clone(),
            PLAN_FILE => to.plan.clone(),
            other => {
                if other.starts_with(&format!("{SET_DIR}/")) {
                    set_dir = Some(to.data_dir.join(SET_DIR));
                }
                inside(&to.data_dir, other)?
            }
        };
        if target == journal || target == to.plan {
            // The old database's write-ahead log must not be replayed into
            // the restored file.
            for suffix in ["-wal", "-shm", "-journal"] {
                let stale = PathBuf::from(format!("{}{suffix}", target.display()));
                if stale.exists() {
                    std::fs::remove_file(&stale).map_err(file_error("remove", &stale))?;
                }
            }
        }
        put_in_place(&source, &target)?;
    }
    Ok(Restored { manifest, set_dir })
}

pub fn read_manifest(from: &Path) -> Result<Manifest, BackupError> {
    let path = from.join(MANIFEST);
    if !path.is_file() {
        return Err(BackupError::NotABackup(from.to_path_buf()));
    }
    let text = std::fs::read_to_string(&path).map_err(file_error("read", &path))?;
    toml::from_str(&text).map_err(|e| BackupError::BadManifest(e.to_string().trim().to_string()))
}

/// A path of the manifest, refused if it leads out of `root`.
fn inside(root: &Path, relative: &str) -> Result<PathBuf, BackupError> {
    let path = Path::new(relative);
    let plain = path
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain || relative.is_empty() {
        return Err(BackupError::Outside(relative.to_string()));
    }
    Ok(root.join(path))
}

/// How many mats the journal has, and the newest one's time; `None` if it
/// has none (or there is no journal).
fn mats_in(journal: &Path) -> Result<Option<(i64, String)>, BackupError> {
    if !journal.is_file() {
        return Ok(None);
    }
    let db = Connection::open_with_flags(journal, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| database_error(journal, e))?;
    let (mats, newest): (i64, Option<String>) = db
        .query_row(
            "SELECT count(*), max(started_at) FROM sessions",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .map_err(|e| database_error(journal, e))?;
    Ok((mats > 0).then(|| (mats, newest.unwrap_or_default())))
}

/// How many mats the plan at `plan` holds; `None` if none (or no plan).
fn plan_mats(plan: &Path) -> Result<Option<i64>, BackupError> {
    if !plan.is_file() {
        return Ok(None);
    }
    let db = Connection::open_with_flags(plan, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| database_error(plan, e))?;
    let mats: i64 = db
        .query_row("SELECT count(*) FROM synced_sessions", [], |row| row.get(0))
        .map_err(|e| database_error(plan, e))?;
    Ok((mats > 0).then_some(mats))
}

fn device_id(journal: &Path) -> Option<String> {
    let db = Connection::open_with_flags(journal, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    db.query_row(
        "SELECT value FROM device WHERE key = 'device_id'",
        [],
        |row| row.get(0),
    )
    .ok()
}

fn database_error(path: &Path, error: rusqlite::Error) -> BackupError {
    BackupError::Database {
        path: path.to_path_buf(),
        cause: corrupt_or(error, path),
    }
}

/// A consistent copy of a database while others write to it: the whole
/// copy in one step, inside one read transaction (a writer in WAL mode is
/// not held up; in rollback mode it waits for the copy, as for any reader).
fn copy_database(from: &Path, to: &Path) -> Result<(), BackupError> {
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| database_error(from, e))?;
    source
        .busy_timeout(super::db::BUSY_TIMEOUT)
        .map_err(|e| database_error(from, e))?;
    let mut target = Connection::open(to).map_err(|e| database_error(to, e))?;
    {
        let backup = Backup::new(&source, &mut target).map_err(|e| database_error(from, e))?;
        let mut tries = 0;
        loop {
            match backup.step(-1).map_err(|e| database_error(from, e))? {
                StepResult::Done => break,
                // Busy or locked: another writer holds it; its busy timeout
                // has passed once already.
                _ if tries < 10 => tries += 1,
                _ => {
                    return Err(database_error(
                        from,
                        rusqlite::Error::SqliteFailure(
                            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                            Some("still busy after ten tries".into()),
                        ),
                    ))
                }
            }
        }
    }
    // A standalone file: no write-ahead log beside it.
    target
        .pragma_update(None, "journal_mode", "DELETE")
        .map_err(|e| database_error(to, e))?;
    super::db::check_integrity(&target, to).map_err(|cause| BackupError::Database {
        path: to.to_path_buf(),
        cause,
    })?;
    drop(target);
    sync_file(to)
}

fn copy_file(from: &Path, to: &Path) -> Result<(), BackupError> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(file_error("make the folder", dir))?;
    }
    std::fs::copy(from, to).map_err(file_error("copy", from))?;
    sync_file(to)
}

/// Copies every plain file under `from` into `root/name`; returns their
/// paths relative to `root`. Links and odd files are left out.
fn copy_tree(from: &Path, root: &Path, name: &str) -> Result<Vec<String>, BackupError> {
    let mut copied = Vec::new();
    if !from.is_dir() {
        return Ok(copied);
    }
    let mut folders = vec![(from.to_path_buf(), name.to_string())];
    while let Some((folder, relative)) = folders.pop() {
        let entries = std::fs::read_dir(&folder).map_err(file_error("read", &folder))?;
        for entry in entries {
            let entry = entry.map_err(file_error("read", &folder))?;
            let kind = entry
                .file_type()
                .map_err(file_error("read", &entry.path()))?;
            let Some(file_name) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            let inner = format!("{relative}/{file_name}");
            if kind.is_dir() {
                folders.push((entry.path(), inner));
            } else if kind.is_file() {
                copy_file(&entry.path(), &root.join(&inner))?;
                copied.push(inner);
            }
        }
    }
    copied.sort();
    Ok(copied)
}

fn size_and_hash(path: &Path) -> Result<(u64, String), BackupError> {
    super::file_sha256(path).map_err(file_error("read", path))
}

fn sync_file(path: &Path) -> Result<(), BackupError> {
    std::fs::File::open(path)
        .and_then(|file| file.sync_all())
        .map_err(file_error("write", path))
}

fn write_synced(path: &Path, data: &[u8]) -> Result<(), BackupError> {
    std::fs::write(path, data).map_err(file_error("write", path))?;
    sync_file(path)
}

/// A full copy beside the target, then a rename over it.
fn put_in_place(source: &Path, target: &Path) -> Result<(), BackupError> {
    let dir = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(file_error("make the folder", dir))?;
    let name = target
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let temporary = dir.join(format!(".{name}.restoring"));
    std::fs::copy(source, &temporary).map_err(file_error("copy", source))?;
    sync_file(&temporary)?;
    std::fs::rename(&temporary, target).map_err(file_error("put in place", target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_backup_cut_off_left_is_removed_by_the_next_and_other_devices_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        drop(crate::store::Journal::open(&data.join(JOURNAL_FILE)).unwrap());
        let device = device_of(&data).unwrap();
        let stick = dir.path().join("stick");
        let mine = stick.join(format!(".sayso-{}-20261120T020000Z.partial", &device[..8]));
        let theirs = stick.join(".sayso-0000aaaa-20261120T020000Z.partial");
        for cut_off in [&mine, &theirs] {
            std::fs::create_dir_all(cut_off).unwrap();
            std::fs::write(cut_off.join(JOURNAL_FILE), b"half").unwrap();
        }
        let sources = Sources {
            data_dir: data.clone(),
            plan: data.join(PLAN_FILE),
            set_dir: None,
        };
        let made = backup(&sources, &stick, "2026-11-21T02:00:00Z".parse().unwrap()).unwrap();
        assert!(made.join(MANIFEST).is_file());
        assert!(!mine.exists(), "this device's cut-off backup is gone");
        assert!(theirs.exists(), "another device's is left alone");
    }

    #[test]
    fn a_manifest_naming_a_file_outside_the_backup_restores_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("backup");
        std::fs::create_dir_all(&from).unwrap();
        std::fs::write(dir.path().join("evil.toml"), "x").unwrap();
        let (bytes, sha256) = size_and_hash(&dir.path().join("evil.toml")).unwrap();
        let manifest = Manifest {
            format: 1,
            made_at: "2026-11-20T02:00:00Z".parse().unwrap(),
            sayso_version: "0".into(),
            device_id: None,
            files: vec![ManifestFile {
                path: "../evil.toml".into(),
                bytes,
                sha256,
            }],
        };
        std::fs::write(from.join(MANIFEST), toml::to_string(&manifest).unwrap()).unwrap();
        let to = Targets {
            data_dir: dir.path().join("data"),
            plan: dir.path().join("data/plan.sqlite"),
        };
        let error = restore(&from, &to, true).unwrap_err();
        assert!(matches!(error, BackupError::Outside(_)), "{error}");
        assert!(!to.data_dir.exists());

        let not_one = restore(dir.path(), &to, true).unwrap_err();
        assert!(matches!(not_one, BackupError::NotABackup(_)));
    }
}
