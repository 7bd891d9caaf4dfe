//! A device that used a plan of its own joins a shared one.

use chrono::{DateTime, Utc};
use tracing::warn;

use super::options::{SyncOptions, SyncReport};
use crate::store::{DevicePlan, Journal, StoreError};

/// Why a device cannot join a plan's home.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error(
        "{name} is {device} on this device but {plan} in the plan: give {name} the plan's id in \
         home.toml (or merge them in the plan first, `sayso plan merge-people`), then join again"
    )]
    PersonMismatch {
        name: String,
        device: String,
        plan: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A device that used a plan of its own joins a shared one (`sayso plan
/// join`): its people must match the plan's by id (a person with the same
/// name under another id is refused, never guessed at); then the device
/// moves to the plan's home and its history is synced in, exactly once.
pub fn join(
    journal: &Journal,
    plan: &mut dyn DevicePlan,
    now: DateTime<Utc>,
) -> Result<SyncReport, JoinError> {
    plan.check_integrity_once()?;
    let theirs = plan.people()?;
    for person in journal.people()? {
        if let Some(other) = theirs
            .iter()
            .find(|p| p.name == person.name && p.id != person.id)
        {
            return Err(JoinError::PersonMismatch {
                name: person.name,
                device: person.id.to_string(),
                plan: other.id.to_string(),
            });
        }
    }
    if let (Some(ours), Some(home)) = (journal.home_id()?, plan.home_id()?) {
        if ours != home {
            warn!("this device moves to the shared plan's home");
            journal.move_home(&home)?;
        }
    }
    Ok(super::with_plan(
        journal,
        plan,
        now,
        &SyncOptions::default(),
    )?)
}
