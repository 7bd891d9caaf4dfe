//! Storage: the device journal and the support plan (SQLite), and the
//! ports through which the rest of sayso reaches the plan.
//!
//! Architecture invariant: this module knows SQLite and the domain types in
//! `crate::core`, and nothing of the UI, voice or input. Both databases use
//! `synchronous=FULL`, so a committed row survives the plug being pulled; the
//! journal is in WAL mode, the plan in rollback-journal mode because it may
//! sit on a network share.

pub mod accounts;
pub mod backup;
mod db;
mod device_port;
mod home_settings;
mod house_pictures;
mod house_questions;
mod house_record;
mod ids;
#[cfg(any(test, feature = "test-fixtures"))]
mod inspect;
pub mod journal;
mod kiosks;
pub mod ops;
mod pages;
pub mod pictures;
pub mod plan;
pub mod ports;
pub mod private_file;
pub mod recover;
pub mod reserve;
pub(crate) mod secrets;
pub mod set_versions;
pub mod staff;
mod staff_reads;
mod told_back;

pub use db::{StoreError, BUSY_TIMEOUT};
pub use journal::{FinishedSession, Journal};
pub use ops::PlanOp;
pub use plan::{Confirmation, ConfirmationKind, Faults, Plan, PLAN_SCHEMA_VERSION};
pub use ports::staff::{ActionStatus, PreferenceRow, ProfileSection};
pub use ports::DevicePlan;

use chrono::{DateTime, SecondsFormat, Utc};

/// File names inside the data directory.
pub const JOURNAL_FILE: &str = "journal.sqlite";
pub const PLAN_FILE: &str = "plan.sqlite";

pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::BadTimestamp(text.to_string()))
}

/// Opens a plan file (a device's sync, the web app), made on first use
/// when `create`; a writer that holds it waits up to `busy_timeout`.
pub fn open_plan_file(
    path: &std::path::Path,
    create: bool,
    busy_timeout: std::time::Duration,
) -> Result<Plan, StoreError> {
    let mut plan = if create {
        Plan::open_or_create(path)?
    } else {
        Plan::open(path)?
    };
    plan.set_busy_timeout(busy_timeout)?;
    Ok(plan)
}

/// Bytes as lowercase hex: how hashes and tokens are written in the plan.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// A file's size and the SHA-256 of its bytes (lowercase hex), read as a
/// stream: what pictures are named by and backups are checked with.
pub fn file_sha256(path: &std::path::Path) -> std::io::Result<(u64, String)> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut bytes = 0u64;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        bytes += read as u64;
        hasher.update(&buffer[..read]);
    }
    Ok((bytes, hex(&hasher.finalize())))
}
