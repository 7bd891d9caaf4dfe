//! The shell around the flow: one running kiosk's adapters (journal, voice,
//! keys, scanning, lights, background jobs) and the loop that carries out
//! the flow's effects in order. The rules are in [`crate::core::flow`];
//! the shell decides nothing about what a person sees or says.
//!
//! Everything reaches a kiosk as one [`KioskInput`]. Each part keeps its
//! own fields: the journal writer (records kept in memory, the reserve, a
//! full disk), the jobs (a thread or a process each, typed results), the
//! settings in force, the staff screen, the sets in use, and opening.
//!
//! Failures here never stop the person: a journal that cannot be written
//! keeps its records in memory and retries on the next one; a damaged journal
//! is kept aside and a new one started; a support plan that cannot be reached
//! is synced later. Each of these leaves a notice for staff.
//!
//! Nothing here waits: syncs and kept mats run on threads of their own and
//! report back through a channel that the tick reads without blocking.

mod home_change;
mod jobs;
mod journal_writer;
mod opening;
mod paths;
mod sets;
mod settings;
mod staff;
mod staff_actions;

use std::time::Duration;

use tracing::{error, info, warn};

use crate::access::gpio::NewTiming;
use crate::access::keys::Key;
use crate::access::lights::{lit_roles, Lights};
use crate::access::settings::AccessSettings;
use crate::access::AccessOutput;
use crate::clock::{Clock, KioskClock};
use crate::core::housekeeping::{Chore, Housekeeping, Moment};
use crate::core::staff_screen::StaffInput;
use crate::core::{
    Display, Event, Flow, FlowEffect, FlowEvent, Input, KioskView, MatSession, NewIds, Now, Record,
    Screen, SessionId, SyncResult, Utterance,
};
use crate::library::plan_sets::SETS_DIR;
use crate::library::LoadedSet;
use crate::store::backup::{Nightly, Sources};
use crate::store::StoreError;
use crate::sync::SyncOptions;
use crate::voice::Voice;
use jobs::{JobDone, Jobs, JournalCheck, Keeper};
use journal_writer::{JournalWriter, Written, WRITING_INTO_RESERVE};
use sets::HomeInUse;
use settings::InForce;
use staff::StaffSide;

pub use jobs::SyncOutcome;
pub use paths::KioskPaths;
pub use staff::{Power, StaffPages, StaffScreenView, SystemPower};

/// The one person of a kiosk with no home file.
pub const DEMO_PERSON: &str = "Alex";

/// Everything that reaches a running kiosk from outside.
#[derive(Debug, Clone)]
pub enum KioskInput {
    /// A person's action: a tap, or what a key or button became. With auto
    /// scanning, any switch is "the switch": it chooses, or starts the scan.
    Person(Input),
    /// A key went down (a keyboard, or a USB switch interface).
    KeyDown { key: Key, repeat: bool },
    /// A key was let go.
    KeyUp(Key),
    /// What a GPIO button made of a press.
    Access(AccessOutput),
    /// Time passing for the access adapters (every few tens of ms): the key
    /// timing filter settles releases, and auto scanning moves the highlight.
    AccessTick,
    /// Time passing for the flow (about once a second): check-ins, idle
    /// mats, retries, housekeeping; and background jobs that have ended.
    Tick,
    /// Staff on the staff screen (by touch only: no key, switch or scan
    /// leads here).
    Staff(StaffInput),
    /// Staff on the mat: the supporter starts or stops helping.
    ToggleHelping,
    /// Something for staff to know, from an adapter.
    Problem(String),
}

pub struct Kiosk {
    paths: KioskPaths,
    set: LoadedSet,
    flow: Flow<chrono::Local>,
    /// The system's clock, watched for a wall clock not yet set.
    clock: KioskClock,
    voice: Box<dyn Voice>,
    journal: JournalWriter,
    settings: InForce,
    jobs: Jobs,
    staff: StaffSide,
    /// The sets from the plan, the device's settings for people the home
    /// file gives none, and what staff were told about the home file.
    home: HomeInUse,
    /// `backup.toml`: a backup every night, if staff turned it on.
    nightly: Option<Nightly>,
    housekeeping: Housekeeping,
}

impl Kiosk {
    /// Takes in one input. True when it meant something to the kiosk: a
    /// key it knows, time that moved something on the screen; every other
    /// input always does.
    pub fn input(&mut self, input: KioskInput) -> bool {
        match input {
            KioskInput::Person(input) => self.person(input),
            KioskInput::KeyDown { key, repeat } => {
                let now = self.clock.now().mono.millis();
                let outputs = self.settings.keys.press(key, repeat, now);
                return self.access_outputs(outputs);
            }
            KioskInput::KeyUp(key) => {
                let now = self.clock.now().mono.millis();
                let outputs = self.settings.keys.release(key, now);
                return self.access_outputs(outputs);
            }
            KioskInput::Access(output) => self.access_output(output),
            KioskInput::AccessTick => return self.tick_access(),
            KioskInput::Tick => self.tick(),
            KioskInput::Staff(input) => self.staff_input(input),
            KioskInput::ToggleHelping => {
                let now = self.clock.now();
                self.run(FlowEvent::ToggleHelping, now);
            }
            KioskInput::Problem(problem) => self.problem(problem),
        }
        true
    }

    fn person(&mut self, input: Input) {
        // Staff at the kiosk, or the kiosk paused: the mat waits untouched.
        if !self.staff.screen.lets_person_through() {
            return;
        }
        let now = self.clock.now();
        let events = match (&mut self.settings.scanner, input.event) {
            (Some(scanner), Event::Select | Event::MoveHighlight(_)) => {
                scanner.press(now.mono.millis())
            }
            _ => vec![input.event],
        };
        for event in events {
            self.run(FlowEvent::Input(Input::new(event, input.via)), now);
        }
        self.update_lights();
    }

    /// What the key map made of a key; false for a key it does not know.
    fn access_outputs(&mut self, outputs: Option<Vec<AccessOutput>>) -> bool {
        match outputs {
            Some(outputs) => {
                outputs.into_iter().for_each(|o| self.access_output(o));
                true
            }
            None => false,
        }
    }

    fn access_output(&mut self, output: AccessOutput) {
        match output {
            AccessOutput::Input(input) => self.person(input),
            AccessOutput::Warning(warning) => {
                warn!("{warning}");
                self.problem(warning);
            }
        }
    }

    fn tick_access(&mut self) -> bool {
        let now = self.clock.now();
        let outputs = self.settings.keys.tick(now.mono.millis());
        let mut acted = !outputs.is_empty();
        outputs.into_iter().for_each(|o| self.access_output(o));
        let choices = self.flow.choice_count();
        let Some(scanner) = &mut self.settings.scanner else {
            return acted;
        };
        if !self.staff.screen.lets_person_through() {
            return acted;
        }
        let steps = scanner.tick(now.mono.millis(), choices);
        for event in steps {
            if let Event::MoveHighlight(step) = event {
                self.run(FlowEvent::ScanStep(step), now);
                acted = true;
            }
        }
        if acted {
            self.update_lights();
        }
        acted
    }

    fn tick(&mut self) {
        self.clock.watch();
        while let Some(done) = self.jobs.ended() {
            let _ = self.job_done(done);
        }
        // Records kept in memory are written the moment there is room, and
        // the reserve is taken again after.
        if !self.journal.has_unsaved() && !self.clock.has_marks() {
            self.journal.keep_reserve();
        } else {
            self.write_unsaved();
        }
        let now = self.clock.now();
        self.staff.screen.tick(now.mono);
        self.run(FlowEvent::Tick, now);
        self.housekeeping(now);
    }

    /// The journal's daily full check and the night's backup, when due.
    fn housekeeping(&mut self, now: Now) {
        let moment = Moment {
            mono: now.mono,
            local: now.wall.with_timezone(&chrono::Local).naive_local(),
            // Screens where nobody is in the middle of something.
            quiet: matches!(
                self.flow.screen(),
                Screen::People | Screen::Topics | Screen::Finished
            ),
            journal_open: self.journal.journal.is_some(),
            backing_up: self.jobs.backing_up(),
        };
        for chore in self.housekeeping.due(moment) {
            match chore {
                // Damage found is set aside and recovered at once.
                Chore::FullCheck => self
                    .jobs
                    .check_journal(self.paths.journal(), JournalCheck::Full),
                Chore::Backup => {
                    let Some(nightly) = self.nightly.clone() else {
                        continue;
                    };
                    let sources = Sources {
                        data_dir: self.paths.data_dir.clone(),
                        plan: self.paths.plan.clone(),
                        set_dir: Some(self.paths.set_folder()).filter(|dir| {
                            *dir != crate::library::default_set_path().with_file_name("")
                        }),
                    };
                    self.jobs.back_up(sources, nightly, now.wall);
                }
            }
        }
    }

    /// The journal was found damaged while the kiosk runs: set aside and
    /// recovered into a fresh one, which then takes what the person does
    /// (and what waited in memory).
    fn recover_damaged_journal(&mut self, why: &StoreError) {
        let now = self.clock.now();
        let people = &self.flow.config().people;
        let notices = self.journal.recover(why, people, now);
        for notice in notices {
            self.problem(notice);
        }
        self.write_unsaved();
    }

    fn problem(&mut self, problem: String) {
        let now = self.clock.now();
        self.run(FlowEvent::Problem(problem), now);
    }

    /// Staff said the mat that just began is a practice mat.
    fn mark_practice_mat(&mut self, session_id: &SessionId, now: Now) {
        let marked = self
            .journal
            .journal
            .as_ref()
            .map(|journal| journal.mark_practice(session_id, now.wall));
        match marked {
            Some(Ok(())) => info!("a practice mat began"),
            Some(Err(e)) => {
                warn!("the practice mat could not be marked: {e}");
                self.problem(
                    "The practice mat could not be marked: mark it on the staff web app".into(),
                );
            }
            None => self.problem(
                "The practice mat could not be marked: mark it on the staff web app".into(),
            ),
        }
    }

    /// Everything the screen shows now.
    pub fn view(&self) -> KioskView {
        let mut view = self.flow.view();
        view.no_sound = !self.voice.is_available();
        view.press_to_scan = (self.settings.scanner.as_ref()).is_some_and(|s| !s.is_scanning());
        if let Some(display) = self.settings.display_override {
            view.display = display;
        }
        view
    }

    fn run(&mut self, event: FlowEvent, now: Now) {
        let effects = self.flow.handle(event, now, &mut UuidIds);
        self.carry_out(effects, now);
    }

    fn carry_out(&mut self, effects: Vec<FlowEffect>, now: Now) {
        for effect in effects {
            match effect {
                FlowEffect::Say(utterance) => self.say(utterance, now),
                FlowEffect::Record(record) => {
                    let started = match &record {
                        Record::Started { session_id, .. } => Some(session_id.clone()),
                        _ => None,
                    };
                    self.save(record);
                    if let Some(session_id) = started.filter(|_| self.staff.screen.take_practice())
                    {
                        self.mark_practice_mat(&session_id, now);
                    }
                }
                FlowEffect::ApplySettings(whose) => {
                    self.settings.apply(whose, now, self.voice.as_mut());
                    self.update_lights();
                }
                FlowEffect::Preload(clips) => {
                    let clips: Vec<String> = clips.iter().map(|c| self.resolve(c)).collect();
                    self.voice.preload(&clips);
                }
                FlowEffect::StartSync => self.start_sync(),
                FlowEffect::KeepMat(session_id) => self.keep_mat(&session_id),
                FlowEffect::TakeUpHome => self.take_up_home(now),
            }
        }
    }

    fn say(&mut self, mut utterance: Utterance, now: Now) {
        self.settings
            .ready_voice(&mut utterance, now, self.voice.as_mut());
        utterance.clip = utterance.clip.map(|clip| self.resolve(&clip));
        if let Err(e) = self.voice.speak(&utterance) {
            warn!("cannot speak: {}", e.kind());
        }
    }

    fn resolve(&self, clip: &str) -> String {
        self.set.resolve(clip).to_string_lossy().into_owned()
    }

    /// Writes a record now, after any that could not be written before, in order.
    fn save(&mut self, record: Record) {
        self.journal.push(record);
        self.write_unsaved();
    }

    /// Writes the records kept in memory, and tells the flow (and staff)
    /// whether what the person does is being saved.
    fn write_unsaved(&mut self) {
        let people = &self.flow.config().people;
        let (written, gave_up_reserve) = self.journal.write(&self.clock, people);
        if gave_up_reserve {
            self.problem(WRITING_INTO_RESERVE.to_string());
        }
        match written {
            Written::Nothing => {}
            Written::All { reopened } => {
                if reopened {
                    self.jobs
                        .check_journal(self.paths.journal(), JournalCheck::Quick);
                }
                if !self.flow.saving() {
                    info!("the journal can be written again");
                    self.run(FlowEvent::Saving(true), self.clock.now());
                    for session_id in self.journal.take_mats_to_keep() {
                        self.keep_mat(&session_id);
                    }
                }
                if self.jobs.sync_owed() {
                    self.start_sync();
                }
            }
            Written::NoJournal => {
                if self.flow.saving() {
                    self.run(FlowEvent::Saving(false), self.clock.now());
                }
            }
            Written::Kept(notice) => {
                if self.flow.saving() {
                    self.run(FlowEvent::Saving(false), self.clock.now());
                }
                self.problem(notice);
            }
        }
    }

    /// Has the picture of a finished mat drawn and kept in the journal, by
    /// `sayso keep-mat` in a process of its own, so the kiosk never waits.
    fn keep_mat(&mut self, session_id: &SessionId) {
        let Some(program) = &self.paths.keeper else {
            return;
        };
        if self.journal.has_unsaved() {
            // Drawn when the mat is in the journal: when there is room.
            self.journal.keep_mat_later(session_id.clone());
            return;
        }
        let keeper = Keeper {
            program,
            data_dir: &self.paths.data_dir,
            set: &self.paths.set,
        };
        if let Err(e) = self.jobs.keep_mat(keeper, session_id) {
            warn!("cannot start {} to keep the mat: {e}", program.display());
            self.problem("The mat's picture was not kept (see the log)".to_string());
        }
    }

    /// Starts a sync on a thread of its own; with one under way, it runs
    /// again when that one ends.
    fn start_sync(&mut self) {
        if self.journal.journal.is_none() {
            return;
        }
        if self.journal.has_unsaved() {
            self.jobs.owe_sync();
            return;
        }
        if !self.jobs.sync_wanted() {
            return;
        }
        // The staff line as it stands, but for the sync's own notice.
        let staff_line: Vec<String> = self
            .flow
            .notices()
            .iter()
            .filter(|n| Some(n.as_str()) != self.flow.sync_notice())
            .cloned()
            .collect();
        let target = self.paths.plan_target();
        let options = SyncOptions {
            clock: Some(self.clock.since_boot()),
            files: Some(self.home.sets.to_share.clone()),
            staff_line: Some(staff_line),
            home_file: self.paths.home_from_hub(&target),
            ..SyncOptions::default()
        };
        let now = self.clock.now().wall;
        self.jobs.sync(self.paths.journal(), target, now, options);
    }

    /// A sync brought a new version of a set from the support plan: the
    /// flow takes its topics up when a person next comes to their topics.
    fn take_up_changed_sets(&mut self) {
        let sets_dir = self.paths.data_dir.join(SETS_DIR);
        let Some((changed, problems)) = self.home.sets.changed(&self.set.set.topics, &sets_dir)
        else {
            return;
        };
        for problem in problems {
            self.problem(problem);
        }
        self.flow.change_topics(changed);
    }

    /// Takes in one ended job; a sync's outcome is handed back as well.
    fn job_done(&mut self, done: JobDone) -> Option<SyncOutcome> {
        let now = self.clock.now();
        match done {
            JobDone::Sync(outcome) => {
                self.sync_done(&outcome, now);
                return Some(outcome);
            }
            JobDone::JournalChecked(Ok(())) => {}
            JobDone::JournalChecked(Err(e)) if e.is_corrupt() => {
                error!("the journal's check found damage: {e}");
                if self.jobs.syncing() {
                    // Not moved while a sync still reads (and writes) it.
                    self.jobs.damaged_journal = Some(e);
                } else {
                    self.recover_damaged_journal(&e);
                }
            }
            JobDone::JournalChecked(Err(e)) => warn!("the journal could not be checked: {e}"),
            JobDone::PinChecked(check) => self.staff.screen.pin_checked(check, now.mono),
            JobDone::HubKeySeen(seen) => self.staff.screen.hub_key_seen(seen, now.mono),
            JobDone::JoinedHome(outcome) => {
                let joined = outcome.is_ok();
                self.staff.screen.hub_joined(outcome, now.mono);
                if joined {
                    // Sets, news and pictures from the hub, and a staff line of its own.
                    self.start_sync();
                }
            }
            JobDone::BackedUp(Ok(_)) => info!("the nightly backup is made"),
            JobDone::BackedUp(Err(e)) => {
                warn!("the nightly backup failed: {e}");
                self.problem(format!(
                    "Last night's backup failed (is the USB stick plugged in?): {e}"
                ));
            }
            JobDone::MatKept(true) => self.run(FlowEvent::MatKept, now),
            JobDone::MatKept(false) => {
                self.problem("The mat's picture was not kept (see the log)".to_string())
            }
        }
        None
    }

    fn sync_done(&mut self, outcome: &SyncOutcome, now: Now) {
        if let Some(why) = self.jobs.damaged_journal.take() {
            self.recover_damaged_journal(&why);
        }
        let result = match outcome {
            Ok(report) => {
                info!(
                    sessions = report.sessions,
                    cards = report.placements,
                    "synced to the support plan"
                );
                if report.home_taken.is_some() || report.questions_changed {
                    self.run(FlowEvent::HomeChanged, now);
                }
                if let Some(why) = &report.home_refused {
                    self.run(FlowEvent::Problem(why.clone()), now);
                }
                SyncResult::Synced
            }
            Err(e) => {
                warn!("sync to the support plan failed; it will be tried again: {e}");
                SyncResult::Failed(self.paths.plan_target().trouble(e))
            }
        };
        self.run(FlowEvent::SyncDone(result), now);
        if result == SyncResult::Synced {
            self.take_up_changed_sets();
            // What staff did, brought down by the sync, to be told.
            if let Some(journal) = &self.journal.journal {
                match journal.pending_told_back() {
                    Ok(told_back) => self.run(FlowEvent::ToldBack(told_back), now),
                    Err(e) => warn!("news from the support plan cannot be read: {e}"),
                }
            }
        }
        if self.jobs.take_sync_again() {
            self.start_sync();
        }
    }

    /// A sync with the support plan is under way, as a job beside the
    /// person's screens.
    pub fn syncing(&self) -> bool {
        self.jobs.syncing()
    }

    /// Waits up to `timeout` for the background jobs under way (and those
    /// they start) to end, and takes them in; returns the last sync's
    /// outcome, if one ended. For shutting down and for tests, never for the
    /// UI thread while it runs.
    pub fn wait_for_jobs(&mut self, timeout: Duration) -> Option<SyncOutcome> {
        let deadline = std::time::Instant::now() + timeout;
        let mut last = None;
        while let Some(done) = self.jobs.wait_ended(deadline) {
            if let Some(outcome) = self.job_done(done) {
                last = Some(outcome);
            }
        }
        last
    }

    fn update_lights(&mut self) {
        let roles = lit_roles(self.flow.mat_highlight(), self.flow.just_chosen());
        self.settings.show_lights(&roles);
    }

    /// Lights on the buttons, from now on.
    pub fn attach_lights(&mut self, lights: Lights) {
        self.settings.attach_lights(lights);
        self.update_lights();
    }

    /// The GPIO buttons' timing follows whoever's settings are in force.
    pub fn attach_button_timing(&mut self, timing: NewTiming) {
        self.settings.attach_button_timing(timing);
    }

    /// One display for everyone, whoever's turn it is.
    pub fn override_display(&mut self, display: Display) {
        self.settings.display_override = Some(display);
    }

    /// The settings for pressing in force now (the device's or the person's).
    pub fn access(&self) -> &AccessSettings {
        self.settings.access()
    }

    pub fn flow(&self) -> &Flow<chrono::Local> {
        &self.flow
    }

    pub fn set(&self) -> &LoadedSet {
        &self.set
    }

    pub fn screen(&self) -> Screen {
        self.flow.screen()
    }

    /// The mat under way (or just finished); `None` before a topic is picked.
    pub fn session(&self) -> Option<&MatSession> {
        self.flow.session()
    }

    /// Short messages for staff, newest last.
    pub fn notices(&self) -> &[String] {
        self.flow.notices()
    }

    /// The person at the kiosk's topics, as indices into the set.
    pub fn person_topics(&self) -> &[usize] {
        self.flow.person_topics()
    }

    /// The idle time of the home, in milliseconds.
    pub fn idle_ms(&self) -> u64 {
        self.flow.config().idle_ms
    }
}

/// Session ids that sort by when they were made.
struct UuidIds;

impl NewIds for UuidIds {
    fn new_session_id(&mut self) -> SessionId {
        SessionId::new(uuid::Uuid::now_v7().to_string())
    }
}
