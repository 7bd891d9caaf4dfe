//! Sync: a device and the support plan, exactly once, whatever fails.
//!
//! Up go the journal's records (finished mats, kept mats' pictures,
//! check-ins, mats left part-way), the device's pictures, and what its
//! staff line says; down come news ("you said, we did") and the home's
//! picture sets. One entry, [`run`]; the plan is reached only through
//! [`DevicePlan`], so a plan file today and the home's hub tomorrow are two
//! ways to reach the same port.
//!
//! Architecture invariant: sync knows the journal, the device port and the
//! device's files; nothing of the UI, the voice or the web app.

pub mod join;
pub mod pictures;
pub mod planner;
pub mod sets;
mod up;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tracing::{info, warn};

use crate::core::time::SinceBoot;
use crate::library::plan_sets::SETS_DIR;
use crate::store::{DevicePlan, Journal, StoreError};
pub use join::{join, JoinError};
pub use pictures::ToShare;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Finished sessions brought into the plan by this run.
    pub sessions: usize,
    /// Cards with new evidence.
    pub placements: usize,
    /// Times a batch found the plan held by another writer and was tried again.
    pub busy_retries: u32,
    /// Finished mats recorded before the clock was set, held back until it is.
    pub waiting_for_clock: usize,
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
    /// Without them only records go up and news comes down.
    pub files: Option<Arc<ToShare>>,
    /// What the device's staff line says, for staff's What's new. A sync
    /// from the command line cannot know, and says nothing.
    pub staff_line: Option<Vec<String>>,
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
            #[cfg(feature = "fault-injection")]
            fail_at_statement: None,
            #[cfg(feature = "fault-injection")]
            on_busy: None,
        }
    }
}

/// Where a device's support plan is: a file. The local plan is made on
/// first use; a plan elsewhere (a network share) must already exist, so an
/// unmounted share is not replaced by an empty plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanTarget {
    pub path: PathBuf,
    pub create_if_missing: bool,
}

impl PlanTarget {
    /// A plan that must already be there.
    pub fn existing(path: &Path) -> PlanTarget {
        PlanTarget {
            path: path.to_path_buf(),
            create_if_missing: false,
        }
    }

    fn connect(&self, busy_timeout: Duration) -> Result<Box<dyn DevicePlan>, StoreError> {
        let plan = crate::store::open_plan_file(&self.path, self.create_if_missing, busy_timeout)?;
        Ok(Box::new(plan))
    }
}

/// Syncs the journal at `journal` with the plan at `target`.
pub fn run(
    journal: &Path,
    target: &PlanTarget,
    now: DateTime<Utc>,
    options: &SyncOptions,
) -> Result<SyncReport, StoreError> {
    let journal = Journal::open(journal)?;
    let mut plan = target.connect(options.busy_timeout)?;
    with_plan(&journal, &mut *plan, now, options)
}

/// [`run`], with the journal and the plan open already.
pub fn with_plan(
    journal: &Journal,
    plan: &mut dyn DevicePlan,
    now: DateTime<Utc>,
    options: &SyncOptions,
) -> Result<SyncReport, StoreError> {
    let mut up = up::Up::start(journal, plan, options, now)?;
    up.finished_mats()?;
    up.kept_mats()?;
    up.check_ins()?;
    up.partial_mats()?;
    up.news()?;
    let report = up.report;
    if report.waiting_for_clock > 0 {
        info!(
            mats = report.waiting_for_clock,
            "mats recorded before the clock was set wait for it"
        );
    }
    let mut problems = Vec::new();
    if let Some(files) = &options.files {
        let shared = pictures::share_pictures(plan, journal.device_id(), files, now)?;
        if shared.added > 0 || shared.changed > 0 {
            info!(
                added = shared.added,
                changed = shared.changed,
                "pictures carried to the support plan"
            );
        }
        problems = shared.problems;
        // The mats are in the plan already: a set not taken now is taken
        // at the next sync, and the kiosk works on with what it has.
        match sets::take_newest(plan, &files.data_dir.join(SETS_DIR)) {
            Ok(0) => {}
            Ok(sets) => info!(sets, "picture sets taken from the support plan"),
            Err(e) => {
                warn!("picture sets not taken from the support plan: {e}");
                problems.push(format!("New picture sets could not be taken: {e}"));
            }
        }
    }
    if let Some(staff_line) = &options.staff_line {
        let mut said = staff_line.clone();
        said.extend(problems);
        plan.report_device(journal.device_id(), &said, now)?;
    }
    Ok(report)
}
