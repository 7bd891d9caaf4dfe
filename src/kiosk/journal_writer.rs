//! Writing the journal, whatever the disk does: every record goes in now,
//! after any that could not be written before, in order. A journal that
//! could not be opened is tried again while records wait for it; a full
//! disk gives up the space kept in reserve; still full, records stay in
//! memory (and the person is no longer told "saved") until there is room.

use std::path::PathBuf;

use tracing::{error, info, warn};

use crate::clock::{Clock, KioskClock};
use crate::core::flow::FlowPerson;
use crate::core::{Now, Record, SessionId};
use crate::store::reserve::Reserve;
use crate::store::{Journal, StoreError};

pub(super) struct JournalWriter {
    /// Where the journal is, to open it again or set it aside.
    path: PathBuf,
    pub journal: Option<Journal>,
    /// Records not yet in the journal (it could not be opened or written).
    unsaved: Vec<Record>,
    /// Space kept aside for the journal when the disk fills.
    reserve: Reserve,
    /// Finished mats whose picture waits for the journal to have room.
    keep_later: Vec<SessionId>,
}

/// What became of the records waiting to be written.
#[derive(Debug)]
pub(super) enum Written {
    /// None were waiting.
    Nothing,
    /// All are in the journal; `reopened`: it could be opened at last.
    All { reopened: bool },
    /// There is no journal to write to: kept in memory.
    NoJournal,
    /// The journal would not take them: kept in memory; what staff are told.
    Kept(String),
}

/// Said to staff when the reserve is given up.
pub(super) const WRITING_INTO_RESERVE: &str =
    "The disk is full: sayso is writing into the space it kept in reserve. Free some space.";

impl JournalWriter {
    /// `journal` as opened from `path`; the reserve is taken (what staff
    /// must be told if there is no room for it).
    pub fn new(
        path: PathBuf,
        journal: Option<Journal>,
        reserve: Reserve,
    ) -> (JournalWriter, Option<String>) {
        let mut notice = None;
        if journal.is_some() {
            if let Err(e) = reserve.take() {
                warn!("no room for the journal's reserve: {e}");
                notice = Some(
                    "The disk is nearly full: no space could be kept in reserve for the journal"
                        .to_string(),
                );
            }
        }
        let writer = JournalWriter {
            path,
            journal,
            unsaved: Vec::new(),
            reserve,
            keep_later: Vec::new(),
        };
        (writer, notice)
    }

    pub fn push(&mut self, record: Record) {
        self.unsaved.push(record);
    }

    pub fn has_unsaved(&self) -> bool {
        !self.unsaved.is_empty()
    }

    /// A finished mat's picture is drawn once the mat is in the journal.
    pub fn keep_mat_later(&mut self, session_id: SessionId) {
        self.keep_later.push(session_id);
    }

    /// The mats whose pictures waited for the journal to have room.
    pub fn take_mats_to_keep(&mut self) -> Vec<SessionId> {
        std::mem::take(&mut self.keep_later)
    }

    /// With everything written, the reserve is taken again (after it was
    /// given up, or could not be taken).
    pub fn keep_reserve(&self) {
        if self.journal.is_some() && !self.reserve.is_held() {
            let _ = self.reserve.take();
        }
    }

    /// Writes what waits (the clock's marks first, before the records whose
    /// times they explain); a journal not yet open is opened, knowing the
    /// home's `people` before their records. True in the
    /// second place when the reserve was given up for them.
    pub fn write(&mut self, clock: &KioskClock, people: &[FlowPerson]) -> (Written, bool) {
        if self.unsaved.is_empty() && !clock.has_marks() {
            return (Written::Nothing, false);
        }
        let reopened = self.journal.is_none();
        if reopened && !self.reopen(people, clock.now()) {
            return (Written::NoJournal, false);
        }
        let mut outcome = self.write_in_order(clock);
        let mut gave_up_reserve = false;
        if outcome.as_ref().is_err_and(StoreError::is_full) && self.reserve.release() {
            warn!("the disk is full: the journal's reserve was given up");
            gave_up_reserve = true;
            outcome = self.write_in_order(clock);
        }
        let written = match outcome {
            Ok(()) => Written::All { reopened },
            Err(e) => {
                error!("cannot write to the journal: {e}");
                Written::Kept(if e.is_full() {
                    "Not saving: the disk is full. What the person does is kept in memory \
                     and written when there is room; free some space, and do not switch off."
                        .to_string()
                } else {
                    format!("Not saving right now: {e}")
                })
            }
        };
        (written, gave_up_reserve)
    }

    /// A journal that could not be opened (a full disk at the start, a
    /// folder that could not be written) is tried again while records wait.
    fn reopen(&mut self, people: &[FlowPerson], now: Now) -> bool {
        let Ok(journal) = Journal::open_unchecked(&self.path) else {
            return false;
        };
        if introduce(&journal, people, now).is_err() {
            return false;
        }
        info!("the journal could be opened at last: writing what was kept in memory");
        self.journal = Some(journal);
        true
    }

    fn write_in_order(&mut self, clock: &KioskClock) -> Result<(), StoreError> {
        let Some(journal) = &self.journal else {
            return Ok(());
        };
        let marks = clock.take_marks();
        if !marks.is_empty() {
            if let Err(e) = journal.record_clock_marks(&marks) {
                clock.put_back_marks(marks);
                return Err(e);
            }
        }
        let mut written = 0;
        let mut outcome = Ok(());
        for record in &self.unsaved {
            if let Err(e) = journal.record(record) {
                outcome = Err(e);
                break;
            }
            written += 1;
        }
        self.unsaved.drain(..written);
        outcome
    }

    /// The journal was found damaged while the kiosk runs: it is closed,
    /// set aside and what can be read recovered into a fresh one, which
    /// knows `people`; what staff must be told.
    pub fn recover(&mut self, why: &StoreError, people: &[FlowPerson], now: Now) -> Vec<String> {
        self.journal = None;
        let mut notices = Vec::new();
        self.journal =
            crate::store::recover::set_aside_and_recover(&self.path, why, now.wall, &mut notices);
        if let Some(journal) = &self.journal {
            let _ = introduce(journal, people, now);
        }
        notices
    }
}

/// Makes sure `journal` knows the home's people before their records reach
/// it (a journal started afresh).
fn introduce(journal: &Journal, people: &[FlowPerson], now: Now) -> Result<(), StoreError> {
    for person in people {
        journal
            .ensure_person(&person.person, now.wall)
            .inspect_err(|e| error!("cannot add a person to the journal: {e}"))?;
    }
    Ok(())
}
