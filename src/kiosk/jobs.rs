//! Background work, each job on a thread (or a process) of its own, its
//! result sent back typed through one channel that the UI thread reads
//! without waiting. At most one sync at a time: asked for while one runs,
//! it runs again when that one ends.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Instant;

use chrono::{DateTime, Utc};
use tracing::warn;

use crate::core::join_home::{JoinTrouble, JoinedHome, SeenKey};
use crate::core::staff_screen::PinCheck;
use crate::core::SessionId;
use crate::store::accounts::KioskPin;
use crate::store::backup::{BackupError, Nightly, Sources};
use crate::store::ports::AccountsPlan;
use crate::store::{Journal, Plan, StoreError};
use crate::sync::{HubPlan, PlanTarget, SyncOptions, SyncReport};

/// How a background sync ended.
pub type SyncOutcome = Result<SyncReport, StoreError>;

/// What a background job reports back to the UI thread.
pub(super) enum JobDone {
    Sync(SyncOutcome),
    /// `sayso keep-mat` ended; true if it kept the picture.
    MatKept(bool),
    /// The journal's check: at the start, or the full one at a quiet moment.
    JournalChecked(Result<(), StoreError>),
    /// What the plan said of a PIN typed on the staff screen.
    PinChecked(PinCheck),
    /// The night's backup: the folder made, or why not.
    BackedUp(Result<PathBuf, BackupError>),
    /// The key the home's hub showed, or why it could not be reached.
    HubKeySeen(Result<SeenKey, JoinTrouble>),
    /// Joined the home's hub (what came of it), or why not.
    JoinedHome(Result<JoinedHome, JoinTrouble>),
}

/// What joining the home's hub needs: its address, the pairing code, and
/// the key staff saw the words of.
pub(super) struct Pairing {
    pub url: String,
    pub code: String,
    pub key: String,
}

/// Why the kiosk did not join its hub, as the staff screen tells it.
fn join_trouble(e: crate::sync::hub::JoinHomeError) -> JoinTrouble {
    use crate::sync::hub::{JoinHomeError, PairError};
    match e {
        JoinHomeError::Pair(PairError::Refused(words)) => JoinTrouble::Refused(words),
        JoinHomeError::Pair(PairError::Store(StoreError::HubCertificate { .. })) => {
            JoinTrouble::OtherKey
        }
        JoinHomeError::Pair(PairError::Store(StoreError::HubUnreachable { cause, .. })) => {
            JoinTrouble::Unreached(cause)
        }
        JoinHomeError::Pair(PairError::Write { cause, .. }) => {
            JoinTrouble::NotKept(cause.to_string())
        }
        JoinHomeError::Pair(other) => JoinTrouble::Unreached(other.to_string()),
        JoinHomeError::People(e) => JoinTrouble::PeopleDiffer(e.to_string()),
        JoinHomeError::History { cause, .. } => JoinTrouble::Unreached(cause.to_string()),
    }
}

/// How the journal is read whole: SQLite's quick check (at start) or its
/// full integrity check (once a day).
#[derive(Debug, Clone, Copy)]
pub(super) enum JournalCheck {
    Quick,
    Full,
}

/// The kept mat's picture is drawn by `sayso keep-mat` in a process of its
/// own: the program and what it is told.
pub(super) struct Keeper<'a> {
    pub program: &'a std::path::Path,
    pub data_dir: &'a std::path::Path,
    pub set: &'a std::path::Path,
}

pub(super) struct Jobs {
    done_tx: Sender<JobDone>,
    done_rx: Receiver<JobDone>,
    syncing: bool,
    sync_again: bool,
    /// A sync was asked for while records were still waiting to be written.
    sync_owed: bool,
    /// `sayso keep-mat` processes not yet ended.
    keepers: usize,
    /// The journal's check is under way.
    checking: bool,
    /// Damage the check found, set aside once the sync under way has ended.
    pub damaged_journal: Option<StoreError>,
    backing_up: bool,
    checking_pin: bool,
    /// Reaching the home's hub to join it.
    joining: bool,
}

impl Jobs {
    pub fn new() -> Jobs {
        let (done_tx, done_rx) = mpsc::channel();
        Jobs {
            done_tx,
            done_rx,
            syncing: false,
            sync_again: false,
            sync_owed: false,
            keepers: 0,
            checking: false,
            damaged_journal: None,
            backing_up: false,
            checking_pin: false,
            joining: false,
        }
    }

    pub fn syncing(&self) -> bool {
        self.syncing
    }

    pub fn backing_up(&self) -> bool {
        self.backing_up
    }

    /// A sync is wanted while records wait to be written: it starts once
    /// they are.
    pub fn owe_sync(&mut self) {
        self.sync_owed = true;
    }

    pub fn sync_owed(&self) -> bool {
        self.sync_owed
    }

    /// A sync is wanted now: true if one may start; with one under way, it
    /// runs again when that one ends.
    pub fn sync_wanted(&mut self) -> bool {
        self.sync_owed = false;
        if self.syncing {
            self.sync_again = true;
        }
        !self.syncing
    }

    /// After a sync ended: whether another was asked for meanwhile.
    pub fn take_sync_again(&mut self) -> bool {
        std::mem::take(&mut self.sync_again)
    }

    pub fn sync(
        &mut self,
        journal: PathBuf,
        target: PlanTarget,
        now: DateTime<Utc>,
        options: SyncOptions,
    ) {
        self.syncing = true;
        let done = self.done_tx.clone();
        std::thread::spawn(move || {
            let outcome = crate::sync::run(&journal, &target, now, &options);
            let _ = done.send(JobDone::Sync(outcome));
        });
    }

    /// Starts `sayso keep-mat` for the mat; an error if it cannot be started.
    pub fn keep_mat(&mut self, keeper: Keeper, session_id: &SessionId) -> std::io::Result<()> {
        let mut child = std::process::Command::new(keeper.program)
            .arg("--data-dir")
            .arg(keeper.data_dir)
            .arg("--set")
            .arg(keeper.set)
            .arg("keep-mat")
            .arg(session_id.as_str())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .spawn()?;
        self.keepers += 1;
        let done = self.done_tx.clone();
        std::thread::spawn(move || {
            let kept = match child.wait() {
                Ok(status) if status.success() => true,
                Ok(status) => {
                    warn!("drawing the kept mat failed ({status})");
                    false
                }
                Err(e) => {
                    warn!("drawing the kept mat failed: {e}");
                    false
                }
            };
            let _ = done.send(JobDone::MatKept(kept));
        });
        Ok(())
    }

    /// Reads the journal at `path` whole.
    pub fn check_journal(&mut self, path: PathBuf, how: JournalCheck) {
        self.checking = true;
        let done = self.done_tx.clone();
        std::thread::spawn(move || {
            let checked = Journal::open_unchecked(&path).and_then(|journal| match how {
                JournalCheck::Quick => journal.check_quickly(),
                JournalCheck::Full => journal.check_fully(),
            });
            let _ = done.send(JobDone::JournalChecked(checked));
        });
    }

    /// Makes the night's backup, then removes the oldest beyond those kept.
    pub fn back_up(&mut self, sources: Sources, nightly: Nightly, wall: DateTime<Utc>) {
        self.backing_up = true;
        let done = self.done_tx.clone();
        std::thread::spawn(move || {
            let made =
                crate::store::backup::backup(&sources, &nightly.to, wall).and_then(|folder| {
                    let device = crate::store::backup::device_of(&sources.data_dir);
                    crate::store::backup::prune(&nightly.to, device.as_deref(), nightly.keep)?;
                    Ok(folder)
                });
            let _ = done.send(JobDone::BackedUp(made));
        });
    }

    /// Asks the plan at `plan` whose PIN `pin` is (hashing is slow on
    /// purpose: off the UI thread).
    ///
    /// A paired kiosk asks its hub; while the hub cannot be reached (or
    /// refuses it), the PINs of the kiosk's own plan still open the screen,
    /// so staff can see what is wrong.
    pub fn check_pin(&mut self, plan: PlanTarget, own_plan: PathBuf, pin: String) {
        self.checking_pin = true;
        let done = self.done_tx.clone();
        std::thread::spawn(move || {
            let of_own_plan = || Plan::open(&own_plan).and_then(|p| p.kiosk_pin(&pin));
            let mut hub_unreached = false;
            let whose = match &plan {
                PlanTarget::File { path, .. } => Plan::open(path).and_then(|p| p.kiosk_pin(&pin)),
                PlanTarget::Hub(hub) => {
                    match HubPlan::connect(hub.clone()).and_then(|hub| hub.kiosk_pin(&pin)) {
                        Err(e) if e.is_about_the_hub() => {
                            warn!("the hub cannot check a PIN ({e}); the kiosk's own plan does");
                            hub_unreached = true;
                            of_own_plan()
                        }
                        answered => answered,
                    }
                }
                PlanTarget::HubFileUnreadable { .. } => of_own_plan(),
            };
            let check = match whose {
                Ok(KioskPin::Of(name)) => PinCheck::Right(name),
                Ok(KioskPin::Wrong) => PinCheck::Wrong,
                Ok(KioskPin::NoneSet) | Err(StoreError::Missing { .. }) if hub_unreached => {
                    PinCheck::HubUnreached
                }
                // No plan yet (nothing synced): no PIN either.
                Ok(KioskPin::NoneSet) | Err(StoreError::Missing { .. }) => PinCheck::NoneSet,
                Err(e) => {
                    warn!("the plan cannot check a PIN: {e}");
                    PinCheck::CannotCheck
                }
            };
            let _ = done.send(JobDone::PinChecked(check));
        });
    }

    /// Asks the hub at `url` for its key, for staff to compare its words.
    pub fn read_hub_key(&mut self, url: String) {
        self.joining = true;
        let done = self.done_tx.clone();
        std::thread::spawn(move || {
            let seen = crate::sync::hub::read_key(&url)
                .map(|key| SeenKey {
                    words: crate::sync::hub::pinning::fingerprint_words(&key),
                    key,
                })
                .map_err(|e| {
                    warn!("the hub's key could not be read: {e}");
                    join_trouble(crate::sync::hub::JoinHomeError::Pair(e))
                });
            let _ = done.send(JobDone::HubKeySeen(seen));
        });
    }

    /// Pairs this kiosk with the hub showing `key` and brings its history
    /// there (see [`crate::sync::hub::join_home`]).
    pub fn join_home(&mut self, data_dir: PathBuf, pairing: Pairing, now: DateTime<Utc>) {
        self.joining = true;
        let done = self.done_tx.clone();
        std::thread::spawn(move || {
            let joined = Journal::open(&data_dir.join(crate::store::JOURNAL_FILE))
                .map_err(crate::sync::hub::JoinHomeError::from)
                .and_then(|journal| {
                    crate::sync::hub::join_home(
                        &data_dir,
                        &journal,
                        &pairing.url,
                        &pairing.code,
                        Some(&pairing.key),
                        now,
                    )
                });
            let said = match joined {
                Ok(joined) => Ok(JoinedHome {
                    url: joined.hub.url,
                    mats: Some(joined.report.sessions),
                }),
                Err(crate::sync::hub::JoinHomeError::History { cause, .. }) => {
                    warn!(
                        "paired with the home's hub; its history goes with the next sync: {cause}"
                    );
                    Ok(JoinedHome {
                        url: pairing.url,
                        mats: None,
                    })
                }
                // Its words name the person: staff read them, the log does not.
                Err(e @ crate::sync::hub::JoinHomeError::People(_)) => {
                    warn!("the kiosk did not join the home's hub: its people are not the hub's");
                    Err(join_trouble(e))
                }
                Err(e) => {
                    warn!("the kiosk did not join the home's hub: {e}");
                    Err(join_trouble(e))
                }
            };
            let _ = done.send(JobDone::JoinedHome(said));
        });
    }

    /// A job that has ended, if any, without waiting.
    pub fn ended(&mut self) -> Option<JobDone> {
        let done = self.done_rx.try_recv().ok()?;
        self.note_ended(&done);
        Some(done)
    }

    /// Waits until `deadline` for a job under way to end; `None` when none
    /// is under way, or none ended in time.
    pub fn wait_ended(&mut self, deadline: Instant) -> Option<JobDone> {
        let under_way = self.syncing
            || self.keepers > 0
            || self.checking
            || self.backing_up
            || self.checking_pin
            || self.joining;
        if !under_way {
            return None;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let done = self.done_rx.recv_timeout(left).ok()?;
        self.note_ended(&done);
        Some(done)
    }

    fn note_ended(&mut self, done: &JobDone) {
        match done {
            JobDone::Sync(_) => self.syncing = false,
            JobDone::MatKept(_) => self.keepers = self.keepers.saturating_sub(1),
            JobDone::JournalChecked(_) => self.checking = false,
            JobDone::PinChecked(_) => self.checking_pin = false,
            JobDone::BackedUp(_) => self.backing_up = false,
            JobDone::HubKeySeen(_) | JobDone::JoinedHome(_) => self.joining = false,
        }
    }
}
