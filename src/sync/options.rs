//! What a sync is asked to do, and what it did.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::pictures::ToShare;
use crate::core::time::SinceBoot;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Finished sessions brought into the plan by this run.
    pub sessions: usize,
    /// Cards with new evidence.
    pub placements: usize,
    /// Times a batch found the plan held by another writer and was tried again.
    pub busy_retries: u32,
    /// Finished mats recorded before the clock was set, held back until it is.
    pub waiting_for_clock: usize,
    /// The version of the hub's home file this run took, if it took one.
    pub home_taken: Option<i64>,
    /// Why the hub's home file was not taken, for the staff line.
    pub home_refused: Option<String>,
    /// The house's questions this kiosk asks changed (a new one, one
    /// changed, or one closed).
    pub questions_changed: bool,
}

#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Sessions per transaction.
    pub batch_size: usize,
    /// Retries of a batch that found the plan locked beyond the busy timeout.
    pub busy_retries: u32,
    /// How long one try waits for another writer before it counts as busy.
    pub busy_timeout: Duration,
    /// This machine's boot and the time since: mats recorded before the
    /// clock was set wait while this boot may still set it.
    pub clock: Option<SinceBoot>,
    /// The device's pictures to carry up, and where its sets come down to.
    /// Without them only records go up and what is told back comes down.
    pub files: Option<Arc<ToShare>>,
    /// What the device's staff line says, for staff's What's new. A sync
    /// from the command line cannot know, and says nothing.
    pub staff_line: Option<Vec<String>>,
    /// Where the home file a hub gives is kept (the kiosk's `home.toml`);
    /// `None`: it is not taken.
    pub home_file: Option<PathBuf>,
    /// For crash-safety tests: fail on purpose at this statement.
    #[cfg(feature = "fault-injection")]
    pub fail_at_statement: Option<usize>,
    /// For tests: told the number of each retry after a busy plan.
    #[cfg(feature = "fault-injection")]
    pub on_busy: Option<std::sync::mpsc::Sender<u32>>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            batch_size: 200,
            busy_retries: 3,
            busy_timeout: crate::store::BUSY_TIMEOUT,
            clock: None,
            files: None,
            staff_line: None,
            home_file: None,
            #[cfg(feature = "fault-injection")]
            fail_at_statement: None,
            #[cfg(feature = "fault-injection")]
            on_busy: None,
        }
    }
}
