//! Sync: a device and the support plan, exactly once, whatever fails.
//!
//! Up go the journal's records (finished mats, kept mats' pictures,
//! check-ins, mats left part-way), the device's pictures, and what its
//! staff line says; down comes what is told back ("you said, we did"), the home's
//! picture sets and, from a hub, its home file. One entry, [`run`]; the plan is reached only through
//! [`DevicePlan`]: a plan file of the kiosk's own and the home's hub
//! ([`hub`]) are two ways to reach the same port.
//!
//! Architecture invariant: sync knows the journal, the device port and the
//! device's files; nothing of the UI, the voice or the web app.

pub mod home;
mod house;
pub mod hub;
pub mod join;
mod options;
pub mod pictures;
pub mod planner;
pub mod sets;
mod up;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tracing::{info, warn};

use crate::core::PlanTrouble;
use crate::library::plan_sets::SETS_DIR;
use crate::store::{DevicePlan, Journal, StoreError};
pub use hub::{HubLink, HubPlan};
pub use join::{join, JoinError};
pub use options::{SyncOptions, SyncReport};
pub use pictures::ToShare;

/// Where a device's support plan is: a file of its own, or the home's hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanTarget {
    /// The local plan is made on first use; a plan file elsewhere must
    /// already exist, so a drive not mounted is not replaced by an empty
    /// plan.
    File {
        path: PathBuf,
        create_if_missing: bool,
    },
    /// The home's hub, which alone opens the plan.
    Hub(HubLink),
    /// Paired with a hub whose file (`hub.toml`) cannot be read: nothing
    /// is synced anywhere else meanwhile, and staff are told.
    HubFileUnreadable { path: PathBuf, reason: String },
}

impl PlanTarget {
    /// Where it is, for messages.
    pub fn describe(&self) -> String {
        match self {
            PlanTarget::File { path, .. } => path.display().to_string(),
            PlanTarget::Hub(hub) => format!("the hub at {}", hub.url),
            PlanTarget::HubFileUnreadable { path, .. } => path.display().to_string(),
        }
    }

    /// Why a sync failed, as the staff line tells it. Only trouble with
    /// the plan's file is the plan's (a damaged journal is the kiosk's own
    /// to set aside and recover).
    pub fn trouble(&self, e: &StoreError) -> PlanTrouble {
        let about_plan =
            |path: &Path| matches!(self, PlanTarget::File { path: p, .. } if p == path);
        match e {
            e if e.is_busy() => PlanTrouble::Busy,
            StoreError::Missing { path } if about_plan(path) => PlanTrouble::Missing,
            StoreError::Damaged { path, .. } | StoreError::NotADatabase { path, .. }
                if about_plan(path) =>
            {
                PlanTrouble::Damaged
            }
            StoreError::NewerSchema { path, .. } if about_plan(path) => PlanTrouble::Newer,
            StoreError::DifferentHome { .. } => PlanTrouble::OtherHome,
            StoreError::HubUnreachable { .. } => PlanTrouble::HubUnreachable,
            StoreError::HubRefused { .. } => PlanTrouble::HubRefused,
            StoreError::HubCertificate { .. } => PlanTrouble::HubCertificate,
            StoreError::HubFile { .. } => PlanTrouble::HubRefused,
            _ => PlanTrouble::Other,
        }
    }

    fn connect(&self, busy_timeout: Duration) -> Result<Box<dyn DevicePlan>, StoreError> {
        match self {
            PlanTarget::File {
                path,
                create_if_missing,
            } => {
                let plan = crate::store::open_plan_file(path, *create_if_missing, busy_timeout)?;
                Ok(Box::new(plan))
            }
            PlanTarget::Hub(hub) => Ok(Box::new(HubPlan::connect(hub.clone())?)),
            PlanTarget::HubFileUnreadable { path, reason } => Err(StoreError::HubFile {
                path: path.clone(),
                reason: reason.clone(),
            }),
        }
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
    up.people()?;
    up.finished_mats()?;
    up.kept_mats()?;
    up.check_ins()?;
    up.clock_marks()?;
    up.partial_mats()?;
    up.told_back()?;
    let mut report = up.report;
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
        report.questions_changed =
            house::take_questions(journal, plan, &files.data_dir, now, &mut problems);
    }
    if let Some(home_file) = &options.home_file {
        match home::take_newest(plan, home_file, journal) {
            Ok(home::HomeTaken::Unchanged) => {}
            Ok(home::HomeTaken::Taken { version }) => report.home_taken = Some(version),
            Ok(home::HomeTaken::Refused(why)) => {
                problems.push(why.clone());
                report.home_refused = Some(why);
            }
            Err(e) => {
                warn!("the home file from the hub not taken: {e}");
                problems.push(format!("{}: {e}", home::HOME_NOT_TAKEN));
            }
        }
    }
    if let Some(staff_line) = &options.staff_line {
        let mut said = staff_line.clone();
        // The kiosk's line may say a problem of the last sync already.
        for problem in problems {
            if !said.contains(&problem) {
                said.push(problem);
            }
        }
        plan.report_device(journal.device_id(), &said, now)?;
    }
    Ok(report)
}
