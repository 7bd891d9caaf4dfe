//! The shell around the flow: one running kiosk's adapters (journal, voice,
//! keys, scanning, lights, background jobs) and the loop that carries out
//! the flow's effects in order. The rules are in [`crate::core::flow`];
//! this file decides nothing about what a person sees or says.
//!
//! Failures here never stop the person: a journal that cannot be written
//! keeps its records in memory and retries on the next one; a damaged journal
//! is kept aside and a new one started; a support plan that cannot be reached
//! is synced later. Each of these leaves a notice for staff.
//!
//! Nothing here waits: syncs and kept mats run on threads of their own and
//! report back through a channel that [`Kiosk::tick`] reads without blocking.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use tracing::{error, info, warn};

use crate::access::gpio::NewTiming;
use crate::access::keys::{Key, KeyInput};
use crate::access::lights::{lit_roles, Lights};
use crate::access::scan::AutoScanner;
use crate::access::settings::{AccessMethod, AccessSettings, ACCESS_FILE};
use crate::access::AccessOutput;
use crate::clock::{Clock, KioskClock};
use crate::core::flow::{FlowPerson, Restored};
use crate::core::staff_screen::{
    PinCheck, PowerAction, StaffEffect, StaffInput, StaffScreen, StaffView,
};
use crate::core::{
    ChangedTopics, Display, Event, Flow, FlowConfig, FlowEffect, FlowEvent, Input, KioskView,
    MatSession, NewIds, Now, PersonId, PersonRef, PlanTrouble, Record, Screen, SessionId,
    SyncResult, Utterance, Voicing, Whose,
};
use crate::library::home::{Home, HomePerson, HOME_FILE};
use crate::library::plan_sets::{combine, local_sets, plan_topics, LocalSet, SETS_DIR};
use crate::library::{load_set, LoadedSet};
use crate::store::accounts::KioskPin;
use crate::store::backup::{Nightly, NIGHTLY_FILE};
use crate::store::reserve::Reserve;
use crate::store::{self, Journal, Plan, StoreError};
use crate::sync::{PlanTarget, SyncOptions, SyncReport, ToShare};
use crate::voice::pack::TtsPrefs;
use crate::voice::volume::{VolumeSettings, VOICE_FILE};
use crate::voice::{Voice, VoicePack};

/// The one person of a kiosk with no home file.
pub const DEMO_PERSON: &str = "Alex";

#[derive(Debug, Clone)]
pub struct KioskPaths {
    pub data_dir: PathBuf,
    /// The picture set file (or its folder).
    pub set: PathBuf,
    /// The support plan database; by default in the data directory.
    pub plan: PathBuf,
    /// The voice pack folder; by default the bundled English one.
    pub voice_pack: PathBuf,
    /// The home file: the people and their settings; `None`: one person.
    pub home: Option<PathBuf>,
    /// The sayso program, to draw each finished mat's picture in a process
    /// of its own (`sayso keep-mat`); `None`: no pictures are kept.
    pub keeper: Option<PathBuf>,
}

impl KioskPaths {
    /// The usual layout: journal and plan side by side in the data directory.
    pub fn in_data_dir(data_dir: &Path, set: &Path) -> KioskPaths {
        KioskPaths {
            data_dir: data_dir.to_path_buf(),
            set: set.to_path_buf(),
            plan: data_dir.join(store::PLAN_FILE),
            voice_pack: crate::voice::pack::default_pack_dir(),
            home: None,
            keeper: None,
        }
    }

    pub fn journal(&self) -> PathBuf {
        self.data_dir.join(store::JOURNAL_FILE)
    }

    /// The picture set's folder (`set` names the file or the folder).
    pub fn set_folder(&self) -> PathBuf {
        if self.set.is_dir() {
            self.set.clone()
        } else {
            self.set.with_file_name("")
        }
    }

    /// The pictures a sync from the command line carries into the plan: the
    /// set's and the home's as far as they can be read (the kiosk says on
    /// its staff line what cannot), and the kept mats.
    pub fn to_share(&self) -> ToShare {
        let set = crate::library::load_set(&self.set).ok();
        let photos = match (&self.home, &set) {
            (Some(home), Some(set)) => Home::load(home, &set.set)
                .map(|home| {
                    home.people
                        .into_iter()
                        .filter_map(|p| Some((p.id?, p.photo?)))
                        .collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        ToShare {
            data_dir: self.data_dir.clone(),
            set,
            photos,
        }
    }

    /// The local plan is made on first use; a plan elsewhere (a network
    /// share) must already exist, so an unmounted share is not replaced by
    /// an empty plan.
    pub fn plan_target(&self) -> PlanTarget {
        PlanTarget {
            path: self.plan.clone(),
            create_if_missing: self.plan == self.data_dir.join(store::PLAN_FILE),
        }
    }
}

/// What the staff screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StaffScreenView {
    pub door: StaffView,
    /// The staff line: what is wrong, and what to do.
    pub problems: Vec<String>,
    /// The voice's volume now, 0 to 100.
    pub volume: u8,
    /// Mats started on this kiosk today.
    pub mats_today: i64,
    /// Where the staff web app answers, if this kiosk serves it.
    pub web_address: Option<String>,
    /// This kiosk as the web app's Kiosks list shows it until it is named:
    /// the first 8 characters of its id.
    pub short_id: Option<String>,
}

/// The staff web app, turned on and off from the staff screen.
pub trait StaffPages {
    /// Starts serving (and remembers it): the address to give people.
    fn turn_on(&mut self) -> anyhow::Result<String>;
    /// Stops serving (and remembers it).
    fn turn_off(&mut self) -> anyhow::Result<()>;
    /// Why nobody else could reach it now (no network), for staff.
    fn network_problem(&self) -> Option<String> {
        None
    }
}

/// Restarting and shutting down the machine.
pub trait Power {
    fn act(&mut self, action: PowerAction) -> anyhow::Result<()>;
}

/// The machine's own: `systemctl reboot` or `poweroff`, which systemd-logind
/// allows the kiosk's user by the package's polkit rule. systemd then stops
/// the kiosk like any service, after the journal has everything.
pub struct SystemPower;

impl Power for SystemPower {
    fn act(&mut self, action: PowerAction) -> anyhow::Result<()> {
        let verb = match action {
            PowerAction::Restart => "reboot",
            PowerAction::ShutDown => "poweroff",
        };
        let output = std::process::Command::new("systemctl")
            .arg(verb)
            .output()
            .map_err(|e| anyhow::anyhow!("systemctl cannot be run: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            let said = String::from_utf8_lossy(&output.stderr);
            anyhow::bail!("systemctl {verb} failed: {}", said.trim())
        }
    }
}

/// How a background sync ended.
pub type SyncOutcome = Result<SyncReport, StoreError>;

/// Settings that belong to the device, or to one person: how they press,
/// how loud, and the voice that speaks to them.
#[derive(Debug, Clone)]
struct Personal {
    access: AccessSettings,
    volume: VolumeSettings,
    tts: TtsPrefs,
}

/// What a background job reports back to the UI thread.
enum JobDone {
    Sync(SyncOutcome),
    /// `sayso keep-mat` ended; true if it kept the picture.
    MatKept(bool),
    /// The journal's full check at a quiet moment.
    JournalChecked(Result<(), StoreError>),
    /// What the plan said of a PIN typed on the staff screen.
    PinChecked(PinCheck),
    /// The night's backup: the folder made, or why not.
    BackedUp(Result<PathBuf, crate::store::backup::BackupError>),
}

/// How often the journal gets its full check, at a quiet moment (nobody at
/// the kiosk): once a day.
const FULL_CHECK_EVERY_MS: u64 = 24 * 60 * 60 * 1000;

/// How the journal is read whole: SQLite's quick check (at start) or its
/// full integrity check (once a day).
#[derive(Debug, Clone, Copy)]
enum JournalCheck {
    Quick,
    Full,
}

/// Background work: at most one sync at a time, and a "run again" flag
/// instead of ever waiting for the one under way.
struct Jobs {
    done_tx: Sender<JobDone>,
    done_rx: Receiver<JobDone>,
    sync_running: bool,
    sync_again: bool,
    /// A sync was asked for while records were still waiting to be written.
    sync_owed: bool,
    /// `sayso keep-mat` processes not yet ended.
    keepers_running: usize,
    /// The journal's full check is under way.
    checking: bool,
    /// Damage the check found, set aside once the sync under way has ended.
    damaged_journal: Option<StoreError>,
    /// The night's backup is under way.
    backing_up: bool,
    /// A PIN typed on the staff screen is being checked.
    checking_pin: bool,
}

pub struct Kiosk {
    paths: KioskPaths,
    set: LoadedSet,
    flow: Flow<chrono::Local>,
    journal: Option<Journal>,
    /// Records not yet in the journal (it could not be opened or written).
    unsaved: Vec<Record>,
    voice: Box<dyn Voice>,
    /// The system's clock, watched for a wall clock not yet set.
    clock: KioskClock,
    ids: UuidIds,
    device: Personal,
    /// By person of the home, in its order.
    people: Vec<Personal>,
    in_force: Personal,
    /// The volume the voice was last set to.
    volume_set: Option<u8>,
    keys: KeyInput,
    /// With one-switch auto scanning: what moves the highlight.
    scanner: Option<AutoScanner>,
    lights: Option<Lights>,
    /// The GPIO buttons' thread takes up new timing settings through this.
    button_timing: Option<NewTiming>,
    jobs: Jobs,
    /// Staff (or the screenshots) chose a display for everyone.
    display_override: Option<Display>,
    /// Space kept aside for the journal when the disk fills.
    reserve: Reserve,
    /// When the journal last had its full check.
    fully_checked_at: crate::core::Mono,
    /// Finished mats whose picture waits for the journal to have room.
    keep_later: Vec<SessionId>,
    /// The pictures each sync carries into the plan for the staff pages.
    to_share: std::sync::Arc<ToShare>,
    /// The staff screen, behind the held corner and a PIN.
    staff: StaffScreen,
    /// Staff turned the voice up or down on the staff screen, in steps of
    /// ten (until the kiosk restarts).
    volume_steps: i8,
    /// Where this kiosk serves the staff web app (`web.toml`), if it does.
    web_address: Option<String>,
    /// The staff web app, for the staff screen to turn on and off.
    staff_pages: Option<Box<dyn StaffPages>>,
    /// Restart and shut down, where the kiosk may (on the appliance).
    power: Option<Box<dyn Power>>,
    /// Each person of the home and their topics in the kiosk's own set,
    /// for adding the sets from the support plan to again when they change.
    home_topics: Vec<(PersonId, Vec<usize>)>,
    /// The sets from the support plan the topics were made with.
    plan_sets: Vec<LocalSet>,
    /// `backup.toml`: a backup every night, if staff turned it on.
    nightly: Option<Nightly>,
    /// The day of the last nightly backup made, or tried: one a night.
    backed_up_on: Option<chrono::NaiveDate>,
}

impl Kiosk {
    /// Loads the set and the home, opens the journal, and starts the flow.
    /// Only a set that cannot be loaded is an error: without pictures there
    /// is nothing to show.
    pub fn open(
        paths: KioskPaths,
        voice: Box<dyn Voice>,
        clock: Box<dyn Clock>,
    ) -> anyhow::Result<Kiosk> {
        let mut set = load_set(&paths.set)?;
        if set.set.topics.is_empty() {
            anyhow::bail!(
                "the picture set {} has no topic that can be used: {}",
                set.path.display(),
                set.set.set_aside.join("; ")
            );
        }
        let mut notices = Vec::new();
        // The log names no topic or card: counts there, the words for staff.
        if !set.warnings.is_empty() {
            warn!(
                files = set.warnings.len(),
                "picture set files missing; see `sayso check`"
            );
        }
        if !set.set.set_aside.is_empty() {
            warn!(
                topics = set.set.set_aside.len(),
                "picture set topics set aside; see `sayso check`"
            );
        }
        for problem in &set.set.set_aside {
            notices.push(format!("Picture set: {problem}"));
        }
        if !set.warnings.is_empty() {
            notices.push(format!(
                "{} picture set file(s) missing, see `sayso check`",
                set.warnings.len()
            ));
        }
        let journal = open_journal(&paths.journal(), clock.now(), &mut notices);
        let (latest, last_mark) = match &journal {
            Some(journal) => (
                journal.latest_time().unwrap_or_default(),
                journal.clock_marks().ok().and_then(|mut marks| marks.pop()),
            ),
            None => (None, None),
        };
        let clock = KioskClock::new(clock, latest, last_mark);
        let now = clock.now();
        let home = match &paths.home {
            Some(path) => {
                let root = path.parent().unwrap_or(Path::new("."));
                // Read only when the home file is not whole.
                let last_read = || crate::library::home::last_read(&paths.data_dir, root, &set.set);
                let loaded = load_home(path, &set.set, journal.as_ref(), last_read);
                match loaded.map_err(|e| (e, last_read())) {
                    Ok(home) => {
                        if home.people.iter().all(|p| p.id.is_some()) {
                            if let Err(e) =
                                crate::library::home::keep_last_read(path, &paths.data_dir)
                            {
                                warn!("cannot keep the home file as last read: {e}");
                            }
                        }
                        home
                    }
                    // Its text may quote a person's name: the reason goes to
                    // staff. Who is who stays as this kiosk last read it.
                    Err((e, Some(last_read))) => {
                        error!("the home file ({HOME_FILE}) cannot be used; the people as last read are kept; see the staff line");
                        notices.push(format!(
                            "Home file not read ({}): the people as last read are kept",
                            e.reason()
                        ));
                        last_read
                    }
                    Err((e, None)) => {
                        error!("the home file ({HOME_FILE}) cannot be used; see the staff line");
                        notices.push(format!("Home file not read ({})", e.reason()));
                        Home::single(DEMO_PERSON, &set.set)
                    }
                }
            }
            None => Home::single(DEMO_PERSON, &set.set),
        };
        if !home.problems.is_empty() {
            warn!(
                problems = home.problems.len(),
                "part of the home file was set aside; see the staff line"
            );
        }
        for problem in &home.problems {
            notices.push(format!("Home: {problem}"));
        }

        let access = AccessSettings::load(&paths.data_dir.join(ACCESS_FILE)).unwrap_or_else(|e| {
            warn!("{e}");
            notices.push(format!(
                "Access settings not read, see the log ({ACCESS_FILE})"
            ));
            AccessSettings::default()
        });
        let pack = load_pack(&paths.voice_pack, &mut notices);
        let volume = VolumeSettings::load(&paths.data_dir.join(VOICE_FILE)).unwrap_or_else(|e| {
            warn!("{e}; using the default volume");
            notices.push(format!(
                "Volume settings not read, see the log ({VOICE_FILE})"
            ));
            VolumeSettings::default()
        });
        if let Some(warning) = volume.warning() {
            warn!("{warning}");
            notices.push(warning);
        }

        let reserve = Reserve::in_data_dir(&paths.data_dir);
        if journal.is_some() {
            if let Err(e) = reserve.take() {
                warn!("no room for the journal's reserve: {e}");
                notices.push(
                    "The disk is nearly full: no space could be kept in reserve for the journal"
                        .to_string(),
                );
            }
        }
        let device = Personal {
            access,
            volume,
            tts: pack.tts.clone(),
        };
        let device_voicing = Voicing {
            phrases: pack.phrases.clone(),
            auditory_cues: device.access.auditory_scanning,
            display: Display::default(),
            answer_after_ms: device.access.answer_after_ms,
        };
        let mut people = Vec::new();
        let mut flow_people = Vec::new();
        for person in &home.people {
            let pack = match &person.voice_pack {
                Some(dir) => load_pack(dir, &mut notices),
                None => pack.clone(),
            };
            let personal = Personal {
                access: person
                    .access
                    .clone()
                    .unwrap_or_else(|| device.access.clone()),
                volume: person
                    .volume
                    .clone()
                    .unwrap_or_else(|| device.volume.clone()),
                tts: pack.tts.clone(),
            };
            flow_people.push(FlowPerson {
                person: person_ref(journal.as_ref(), person, now),
                photo: person.photo.clone(),
                topics: person.topics.clone(),
                schedule: person.schedule.clone(),
                voicing: Voicing {
                    phrases: pack.phrases,
                    auditory_cues: personal.access.auditory_scanning,
                    display: person.display,
                    answer_after_ms: personal.access.answer_after_ms,
                },
            });
            people.push(personal);
        }
        let nightly = Nightly::load(&paths.data_dir.join(NIGHTLY_FILE)).unwrap_or_else(|e| {
            warn!("{e}");
            notices.push(format!(
                "Nightly backup not set up: {NIGHTLY_FILE} cannot be used (see the log)"
            ));
            None
        });
        let to_share = std::sync::Arc::new(ToShare {
            data_dir: paths.data_dir.clone(),
            set: Some(set.clone()),
            photos: flow_people
                .iter()
                .filter_map(|p| Some((p.person.id.clone(), p.photo.clone()?)))
                .collect(),
        });
        let home_topics: Vec<(PersonId, Vec<usize>)> = flow_people
            .iter()
            .map(|p| (p.person.id.clone(), p.topics.clone()))
            .collect();
        let sets_dir = paths.data_dir.join(SETS_DIR);
        let cut_off = crate::library::plan_sets::remove_unfinished(&sets_dir);
        if cut_off > 0 {
            info!(
                folders = cut_off,
                "removed picture set downloads cut off before"
            );
        }
        set.plan_sets = Some(sets_dir.clone());
        let (plan_sets, with_plan_sets, problems) =
            home_topics_with_plan_sets(&set.set.topics, &home_topics, &sets_dir);
        notices.extend(problems);
        for (person, topics) in flow_people.iter_mut().zip(with_plan_sets.person_topics) {
            person.topics = topics;
        }
        let config = FlowConfig {
            set_id: set.set.id.clone(),
            topics: with_plan_sets.topics,
            people: flow_people,
            supporters: home.supporters.clone(),
            idle_ms: u64::from(home.idle_minutes) * 60_000,
            device: device_voicing,
            notices,
        };
        info!(
            topics = config.topics.len(),
            people = home.people.len(),
            "kiosk ready"
        );

        let mut ids = UuidIds;
        let restored = match &journal {
            Some(journal) => journal.restored(now.wall).unwrap_or_else(|e| {
                error!("cannot read what the journal remembers: {e}");
                Restored::default()
            }),
            None => Restored::default(),
        };
        let (flow, effects) = Flow::start(config, chrono::Local, now, restored, &mut ids);
        let (done_tx, done_rx) = mpsc::channel();
        let mut kiosk = Kiosk {
            staff: StaffScreen::default(),
            volume_steps: 0,
            web_address: None,
            staff_pages: None,
            power: None,
            nightly,
            home_topics,
            plan_sets,
            backed_up_on: None,
            to_share,
            paths,
            set,
            flow,
            journal,
            unsaved: Vec::new(),
            voice,
            clock,
            ids,
            keys: KeyInput::new(device.access.keys.clone(), device.access.key_timing()),
            in_force: device.clone(),
            device,
            people,
            volume_set: None,
            scanner: None,
            lights: None,
            button_timing: None,
            jobs: Jobs {
                done_tx,
                done_rx,
                sync_running: false,
                sync_again: false,
                sync_owed: false,
                keepers_running: 0,
                checking: false,
                damaged_journal: None,
                backing_up: false,
                checking_pin: false,
            },
            display_override: None,
            reserve,
            fully_checked_at: now.mono,
            keep_later: Vec::new(),
        };
        if kiosk.journal.is_none() {
            // Nothing can be kept yet: the person is never told "saved".
            kiosk.run(FlowEvent::Saving(false), now);
        } else {
            // Damage is most often found at a start (after a power cut):
            // looked for at once, beside the person's first screen.
            kiosk.start_journal_check(JournalCheck::Quick);
        }
        kiosk.carry_out(effects, now);
        Ok(kiosk)
    }

    /// A person's action: a tap, or what a key or button became. With auto
    /// scanning, any switch is "the switch": it chooses, or starts the scan.
    pub fn handle(&mut self, input: Input) {
        // Staff at the kiosk, or the kiosk paused: the mat waits untouched.
        if !self.staff.lets_person_through() {
            return;
        }
        let now = self.clock.now();
        let events = match (&mut self.scanner, input.event) {
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

    /// A key went down (a keyboard, or a USB switch interface). True if the
    /// key means something to the kiosk.
    pub fn key_down(&mut self, key: Key, repeat: bool) -> bool {
        let now = self.clock.now().mono.millis();
        match self.keys.press(key, repeat, now) {
            Some(outputs) => {
                outputs.into_iter().for_each(|o| self.access_output(o));
                true
            }
            None => false,
        }
    }

    /// A key was let go. True if the key means something to the kiosk.
    pub fn key_up(&mut self, key: Key) -> bool {
        let now = self.clock.now().mono.millis();
        match self.keys.release(key, now) {
            Some(outputs) => {
                outputs.into_iter().for_each(|o| self.access_output(o));
                true
            }
            None => false,
        }
    }

    /// What a key or a GPIO button made of a press.
    pub fn access_output(&mut self, output: AccessOutput) {
        match output {
            AccessOutput::Input(input) => self.handle(input),
            AccessOutput::Warning(warning) => {
                warn!("{warning}");
                self.problem(warning);
            }
        }
    }

    /// Time passing for the access adapters (every few tens of ms): the key
    /// timing filter settles releases, and auto scanning moves the highlight.
    /// True if anything happened (so the screen may have changed).
    pub fn tick_access(&mut self) -> bool {
        let now = self.clock.now();
        let outputs = self.keys.tick(now.mono.millis());
        let mut acted = !outputs.is_empty();
        outputs.into_iter().for_each(|o| self.access_output(o));
        let choices = self.flow.choice_count();
        let Some(scanner) = &mut self.scanner else {
            return acted;
        };
        if !self.staff.lets_person_through() {
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

    /// Time passing for the flow (about once a second): check-ins, idle
    /// mats, retries; and background jobs that have ended. Never waits.
    pub fn tick(&mut self) {
        self.clock.watch();
        self.poll_jobs();
        // Records kept in memory are written the moment there is room, and
        // the reserve is taken again after.
        if self.unsaved.is_empty() && !self.clock.has_marks() {
            if self.journal.is_some() && !self.reserve.is_held() {
                let _ = self.reserve.take();
            }
        } else {
            self.write_unsaved();
        }
        let now = self.clock.now();
        self.staff.tick(now.mono);
        self.run(FlowEvent::Tick, now);
        self.check_journal_when_quiet(now);
        self.back_up_when_quiet(now);
    }

    /// Screens where nobody is in the middle of something.
    fn quiet(&self) -> bool {
        matches!(
            self.flow.screen(),
            Screen::People | Screen::Topics | Screen::Finished
        )
    }

    /// Once a night (after the time `backup.toml` says), while no mat is
    /// under way, a backup on a thread of its own; the oldest are removed
    /// beyond what is to be kept. One that fails is told to staff and
    /// tried again the next night.
    fn back_up_when_quiet(&mut self, now: Now) {
        let Some(nightly) = self.nightly.clone() else {
            return;
        };
        let local = now.wall.with_timezone(&chrono::Local).naive_local();
        if self.jobs.backing_up || !self.quiet() || !nightly.due(local, self.backed_up_on) {
            return;
        }
        self.jobs.backing_up = true;
        self.backed_up_on = Some(local.date());
        let sources = crate::store::backup::Sources {
            data_dir: self.paths.data_dir.clone(),
            plan: self.paths.plan.clone(),
            set_dir: Some(self.paths.set_folder())
                .filter(|dir| *dir != crate::library::default_set_path().with_file_name("")),
        };
        let done = self.jobs.done_tx.clone();
        let wall = now.wall;
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

    /// Once a day, while no mat is under way, the journal gets SQLite's
    /// full check on a thread of its own; damage found is told to staff
    /// (the journal is set aside and recovered at the next start).
    fn check_journal_when_quiet(&mut self, now: Now) {
        let due = now.mono.since(self.fully_checked_at) >= FULL_CHECK_EVERY_MS;
        if !due || !self.quiet() || self.journal.is_none() {
            return;
        }
        self.fully_checked_at = now.mono;
        self.start_journal_check(JournalCheck::Full);
    }

    /// Reads the journal whole on a thread of its own; damage found is set
    /// aside and recovered at once (see [`Kiosk::job_done`]).
    fn start_journal_check(&mut self, how: JournalCheck) {
        self.jobs.checking = true;
        let path = self.paths.journal();
        let done = self.jobs.done_tx.clone();
        std::thread::spawn(move || {
            let checked = Journal::open_unchecked(&path).and_then(|journal| match how {
                JournalCheck::Quick => journal.check_quickly(),
                JournalCheck::Full => journal.check_fully(),
            });
            let _ = done.send(JobDone::JournalChecked(checked));
        });
    }

    /// The journal was found damaged while the kiosk runs: it is closed,
    /// set aside and what can be read recovered into a fresh one, which
    /// then takes what the person does (and what waited in memory).
    fn recover_damaged_journal(&mut self, why: &StoreError) {
        let now = self.clock.now();
        self.journal = None;
        let mut notices = Vec::new();
        self.journal = set_aside_and_recover(&self.paths.journal(), why, now, &mut notices);
        for notice in notices {
            self.problem(notice);
        }
        if let Some(journal) = &self.journal {
            let _ = self.introduce_people(journal, now);
        }
        self.write_unsaved();
    }

    /// Makes sure `journal` knows the home's people before their records
    /// reach it (a journal started afresh).
    fn introduce_people(&self, journal: &Journal, now: Now) -> Result<(), StoreError> {
        for person in &self.flow.config().people {
            journal
                .ensure_person(&person.person, now.wall)
                .inspect_err(|e| error!("cannot add a person to the journal: {e}"))?;
        }
        Ok(())
    }

    /// Staff on the mat: the supporter starts or stops helping.
    pub fn toggle_helping(&mut self) {
        let now = self.clock.now();
        self.run(FlowEvent::ToggleHelping, now);
    }

    /// Something for staff to know, from an adapter.
    pub fn problem(&mut self, problem: String) {
        let now = self.clock.now();
        self.run(FlowEvent::Problem(problem), now);
    }

    /// Staff said the mat that just began is a teaching mat.
    fn mark_teaching(&mut self, session_id: &SessionId, now: Now) {
        let marked = self
            .journal
            .as_ref()
            .map(|journal| journal.mark_practice(session_id, now.wall));
        match marked {
            Some(Ok(())) => info!("a teaching mat began"),
            Some(Err(e)) => {
                warn!("the teaching mat could not be marked: {e}");
                self.problem(
                    "The teaching mat could not be marked: mark it on the staff web app".into(),
                );
            }
            None => self.problem(
                "The teaching mat could not be marked: mark it on the staff web app".into(),
            ),
        }
    }

    /// Staff on the staff screen (by touch only: no key, switch or scan
    /// leads here).
    pub fn staff_input(&mut self, input: StaffInput) {
        let now = self.clock.now();
        for effect in self.staff.input(input, now.mono) {
            match effect {
                StaffEffect::CheckPin(pin) => {
                    self.jobs.checking_pin = true;
                    let plan = self.paths.plan.clone();
                    let done = self.jobs.done_tx.clone();
                    // Hashing is slow on purpose: off the UI thread.
                    std::thread::spawn(move || {
                        let check = match Plan::open(&plan).and_then(|p| p.kiosk_pin(&pin)) {
                            Ok(KioskPin::Of(name)) => PinCheck::Right(name),
                            Ok(KioskPin::Wrong) => PinCheck::Wrong,
                            // No plan yet (nothing synced): no PIN either.
                            Ok(KioskPin::NoneSet) | Err(StoreError::Missing { .. }) => {
                                PinCheck::NoneSet
                            }
                            Err(e) => {
                                warn!("the plan cannot check a PIN: {e}");
                                PinCheck::CannotCheck
                            }
                        };
                        let _ = done.send(JobDone::PinChecked(check));
                    });
                }
                StaffEffect::Paused(paused) => {
                    info!(paused, "staff paused or resumed the kiosk");
                }
                StaffEffect::ToggleWebApp => self.toggle_staff_pages(),
                StaffEffect::Power(action) => self.power(action),
                StaffEffect::Volume(step) => {
                    self.volume_steps = (self.volume_steps + step).clamp(-10, 10);
                    self.volume_set = None;
                    // Said at the new volume, for staff to hear it.
                    let volume = self.volume_now(now);
                    self.say(
                        Utterance {
                            text: format!("Volume {volume}"),
                            clip: None,
                            mode: crate::core::SpeakMode::Interrupt,
                            cue: false,
                            volume: None,
                        },
                        now,
                    );
                }
            }
        }
    }

    /// The staff screen's view: the door, the staff line, the volume, and
    /// how many mats were made on this kiosk today.
    pub fn staff_view(&self) -> StaffScreenView {
        let now = self.clock.now();
        let local = now.wall.with_timezone(&chrono::Local);
        // Counted only while staff look: the screen asks for this often.
        let open = self.staff.stage() == crate::core::staff_screen::StaffStage::Open;
        let mats_today = self
            .journal
            .as_ref()
            .filter(|_| open)
            .and_then(|journal| journal.mats_since(local.date_naive()).ok())
            .unwrap_or(0);
        let mut problems = self.flow.notices().to_vec();
        if self.clock.unset_for_ms().is_some() {
            problems.push(
                "The clock has not been set yet (no network time): mats are kept with the \
                 time counted from the last one known, and put right in the plan once it is set. \
                 Check the network."
                    .to_string(),
            );
        }
        StaffScreenView {
            door: self.staff.view(),
            problems,
            volume: self.volume_now(now),
            mats_today,
            web_address: self.web_address.clone(),
            short_id: self
                .journal
                .as_ref()
                .map(|journal| journal.device_id().chars().take(8).collect()),
        }
    }

    fn toggle_staff_pages(&mut self) {
        let Some(pages) = &mut self.staff_pages else {
            self.problem("The staff web app cannot be turned on from this kiosk".to_string());
            return;
        };
        if self.web_address.is_some() {
            if let Err(e) = pages.turn_off() {
                warn!("the staff web app was stopped, but not remembered: {e:#}");
                self.problem(format!(
                    "The staff web app is off, but only until a restart: {e:#}"
                ));
            }
            info!("staff turned the web app off at the kiosk");
            self.web_address = None;
            return;
        }
        match pages.turn_on() {
            Ok(address) => {
                info!("staff turned the web app on at the kiosk");
                let unreachable = pages.network_problem();
                self.web_address = Some(address);
                if let Some(problem) = unreachable {
                    self.problem(problem);
                }
            }
            Err(e) => {
                warn!("the staff web app cannot start: {e:#}");
                self.problem(format!("The staff web app could not be turned on: {e:#}"));
            }
        }
    }

    /// Restart or shut down: the journal has every record first (those kept
    /// in memory are written now, if the disk lets them).
    fn power(&mut self, action: PowerAction) {
        self.write_unsaved();
        let Some(power) = &mut self.power else {
            self.problem("This kiosk cannot restart or shut down the machine".to_string());
            return;
        };
        if !self.unsaved.is_empty() {
            warn!("restart or shut down with records not yet written");
        }
        info!(?action, "staff restart or shut down the machine");
        if let Err(e) = power.act(action) {
            warn!("{e:#}");
            self.problem(format!("Could not restart or shut down: {e:#}"));
        }
    }

    /// The staff screen can turn the staff web app on and off with this.
    pub fn connect_staff_pages(&mut self, pages: Box<dyn StaffPages>) {
        self.staff_pages = Some(pages);
    }

    /// The staff screen can restart and shut down the machine with this.
    pub fn connect_power(&mut self, power: Box<dyn Power>) {
        self.power = Some(power);
    }

    /// This kiosk serves the staff web app at `address`: the staff screen
    /// shows it.
    pub fn serving_staff_pages(&mut self, address: String) {
        self.web_address = Some(address);
    }

    fn volume_now(&self, now: Now) -> u8 {
        let local = now.wall.with_timezone(&chrono::Local).time();
        let base = i16::from(self.in_force.volume.volume_at(local));
        (base + i16::from(self.volume_steps) * 10).clamp(0, 100) as u8
    }

    /// Everything the screen shows now.
    pub fn view(&self) -> KioskView {
        let mut view = self.flow.view();
        view.no_sound = !self.voice.is_available();
        view.press_to_scan = self.scanner.as_ref().is_some_and(|s| !s.is_scanning());
        if let Some(display) = self.display_override {
            view.display = display;
        }
        view
    }

    fn run(&mut self, event: FlowEvent, now: Now) {
        let effects = self.flow.handle(event, now, &mut self.ids);
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
                    if let Some(session_id) = started.filter(|_| self.staff.take_teaching()) {
                        self.mark_teaching(&session_id, now);
                    }
                }
                FlowEffect::ApplySettings(whose) => self.apply_settings(whose, now),
                FlowEffect::Preload(clips) => {
                    let clips: Vec<String> = clips.iter().map(|c| self.resolve(c)).collect();
                    self.voice.preload(&clips);
                }
                FlowEffect::StartSync => self.start_sync(),
                FlowEffect::KeepMat(session_id) => self.keep_mat(&session_id),
            }
        }
    }

    fn apply_settings(&mut self, whose: Whose, now: Now) {
        let personal = match whose {
            Whose::Device => &self.device,
            Whose::Person(i) => self.people.get(i).unwrap_or(&self.device),
        };
        self.in_force = personal.clone();
        self.voice.configure(&self.in_force.tts);
        self.volume_set = None;
        let access = &self.in_force.access;
        self.keys = KeyInput::new(access.keys.clone(), access.key_timing());
        self.scanner = (access.method == AccessMethod::AutoScanning)
            .then(|| AutoScanner::new(access.scan, now.mono.millis()));
        if let Some(timing) = &self.button_timing {
            timing.set(access.buttons);
        }
        self.update_lights();
    }

    fn say(&mut self, mut utterance: Utterance, now: Now) {
        // Quiet hours begin and end while the kiosk runs.
        let volume = self.volume_now(now);
        if self.volume_set != Some(volume) {
            self.voice.set_volume(volume);
            self.volume_set = Some(volume);
        }
        if utterance.cue {
            utterance.volume = Some(self.in_force.volume.cue_volume(volume));
        }
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
        self.unsaved.push(record);
        self.write_unsaved();
    }

    /// Writes the records kept in memory. A full disk gives up the reserve
    /// for them; still full, they stay in memory, the person is no longer
    /// told "saved", and staff are told why.
    fn write_unsaved(&mut self) {
        if self.unsaved.is_empty() && !self.clock.has_marks() {
            return;
        }
        if self.journal.is_none() && !self.reopen_journal() {
            if self.flow.saving() {
                let now = self.clock.now();
                self.run(FlowEvent::Saving(false), now);
            }
            return;
        }
        let mut outcome = self.write_in_order();
        if outcome.as_ref().is_err_and(StoreError::is_full) && self.reserve.release() {
            warn!("the disk is full: the journal's reserve was given up");
            self.problem(
                "The disk is full: sayso is writing into the space it kept in reserve. Free some space."
                    .to_string(),
            );
            outcome = self.write_in_order();
        }
        match outcome {
            Ok(()) => {
                if !self.flow.saving() {
                    info!("the journal can be written again");
                    let now = self.clock.now();
                    self.run(FlowEvent::Saving(true), now);
                    for session_id in std::mem::take(&mut self.keep_later) {
                        self.keep_mat(&session_id);
                    }
                }
                if self.jobs.sync_owed {
                    self.start_sync();
                }
            }
            Err(e) => {
                error!("cannot write to the journal: {e}");
                if self.flow.saving() {
                    let now = self.clock.now();
                    self.run(FlowEvent::Saving(false), now);
                }
                let notice = if e.is_full() {
                    "Not saving: the disk is full. What the person does is kept in memory \
                     and written when there is room; free some space, and do not switch off."
                        .to_string()
                } else {
                    format!("Not saving right now: {e}")
                };
                self.problem(notice);
            }
        }
    }

    /// A journal that could not be opened (a full disk at the start, a
    /// folder that could not be written) is tried again while records wait
    /// for it; once open, it knows the home's people before their records.
    fn reopen_journal(&mut self) -> bool {
        let Ok(journal) = Journal::open_unchecked(&self.paths.journal()) else {
            return false;
        };
        if self.introduce_people(&journal, self.clock.now()).is_err() {
            return false;
        }
        info!("the journal could be opened at last: writing what was kept in memory");
        self.journal = Some(journal);
        self.start_journal_check(JournalCheck::Quick);
        true
    }

    fn write_in_order(&mut self) -> Result<(), StoreError> {
        let Some(journal) = &self.journal else {
            return Ok(());
        };
        // Before the records whose times they explain.
        let marks = self.clock.take_marks();
        if !marks.is_empty() {
            if let Err(e) = journal.record_clock_marks(&marks) {
                self.clock.put_back_marks(marks);
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

    /// Has the picture of a finished mat drawn and kept in the journal, by
    /// `sayso keep-mat` in a process of its own, so the kiosk never waits.
    fn keep_mat(&mut self, session_id: &SessionId) {
        let Some(keeper) = &self.paths.keeper else {
            return;
        };
        if !self.unsaved.is_empty() {
            // Drawn when the mat is in the journal: when there is room.
            self.keep_later.push(session_id.clone());
            return;
        }
        let child = std::process::Command::new(keeper)
            .arg("--data-dir")
            .arg(&self.paths.data_dir)
            .arg("--set")
            .arg(&self.paths.set)
            .arg("keep-mat")
            .arg(session_id.as_str())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .spawn();
        match child {
            Ok(mut child) => {
                self.jobs.keepers_running += 1;
                let done = self.jobs.done_tx.clone();
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
            }
            Err(e) => {
                warn!("cannot start {} to keep the mat: {e}", keeper.display());
                self.problem("The mat's picture was not kept (see the log)".to_string());
            }
        }
    }

    /// Starts a sync on a thread of its own; with one under way, it runs
    /// again when that one ends.
    fn start_sync(&mut self) {
        if self.journal.is_none() {
            return;
        }
        if !self.unsaved.is_empty() {
            self.jobs.sync_owed = true;
            return;
        }
        self.jobs.sync_owed = false;
        if self.jobs.sync_running {
            self.jobs.sync_again = true;
            return;
        }
        self.jobs.sync_running = true;
        let journal = self.paths.journal();
        let plan = self.paths.plan_target();
        let now = self.clock.now().wall;
        // The staff line as it stands, but for the sync's own notice.
        let problems: Vec<String> = self
            .flow
            .notices()
            .iter()
            .filter(|n| Some(n.as_str()) != self.flow.sync_notice())
            .cloned()
            .collect();
        let done = self.jobs.done_tx.clone();
        let to_share = self.to_share.clone();
        let since_boot = self.clock.since_boot();
        let options = SyncOptions {
            clock: Some(since_boot),
            files: Some(to_share),
            staff_line: Some(problems),
            ..SyncOptions::default()
        };
        std::thread::spawn(move || {
            let outcome = crate::sync::run(&journal, &plan, now, &options);
            let _ = done.send(JobDone::Sync(outcome));
        });
    }

    /// A sync brought a new version of a set from the support plan: the
    /// flow takes its topics up when a person next comes to their topics.
    fn take_up_changed_sets(&mut self) {
        let sets_dir = self.paths.data_dir.join(SETS_DIR);
        let (local, _) = local_sets(&sets_dir);
        if local == self.plan_sets {
            return;
        }
        let (local, changed, problems) =
            home_topics_with_plan_sets(&self.set.set.topics, &self.home_topics, &sets_dir);
        info!(
            sets = local.len(),
            "picture sets from the support plan changed"
        );
        for problem in problems {
            self.problem(problem);
        }
        self.plan_sets = local;
        self.flow.change_topics(changed);
    }

    /// Takes in the background jobs that have ended, without waiting.
    fn poll_jobs(&mut self) {
        while let Ok(done) = self.jobs.done_rx.try_recv() {
            let _ = self.job_done(done);
        }
    }

    /// Takes in one ended job; a sync's outcome is handed back as well.
    fn job_done(&mut self, done: JobDone) -> Option<SyncOutcome> {
        let now = self.clock.now();
        match done {
            JobDone::Sync(outcome) => {
                self.jobs.sync_running = false;
                if let Some(why) = self.jobs.damaged_journal.take() {
                    self.recover_damaged_journal(&why);
                }
                let result = match &outcome {
                    Ok(report) => {
                        info!(
                            sessions = report.sessions,
                            cards = report.placements,
                            "synced to the support plan"
                        );
                        SyncResult::Synced
                    }
                    Err(e) => {
                        warn!("sync to the support plan failed; it will be tried again: {e}");
                        SyncResult::Failed(plan_trouble(e, &self.paths.plan))
                    }
                };
                self.run(FlowEvent::SyncDone(result), now);
                if result == SyncResult::Synced {
                    self.take_up_changed_sets();
                    // What staff did, brought down by the sync, to be told.
                    if let Some(journal) = &self.journal {
                        match journal.pending_news() {
                            Ok(news) => self.run(FlowEvent::News(news), now),
                            Err(e) => warn!("news from the support plan cannot be read: {e}"),
                        }
                    }
                }
                if std::mem::take(&mut self.jobs.sync_again) {
                    self.start_sync();
                }
                Some(outcome)
            }
            JobDone::JournalChecked(Ok(())) => {
                self.jobs.checking = false;
                None
            }
            JobDone::JournalChecked(Err(e)) if e.is_corrupt() => {
                self.jobs.checking = false;
                error!("the journal's check found damage: {e}");
                if self.jobs.sync_running {
                    // Not moved while a sync still reads (and writes) it.
                    self.jobs.damaged_journal = Some(e);
                } else {
                    self.recover_damaged_journal(&e);
                }
                None
            }
            JobDone::JournalChecked(Err(e)) => {
                self.jobs.checking = false;
                warn!("the journal could not be checked: {e}");
                None
            }
            JobDone::PinChecked(check) => {
                self.jobs.checking_pin = false;
                self.staff.pin_checked(check, now.mono);
                None
            }
            JobDone::BackedUp(Ok(_)) => {
                self.jobs.backing_up = false;
                info!("the nightly backup is made");
                None
            }
            JobDone::BackedUp(Err(e)) => {
                self.jobs.backing_up = false;
                warn!("the nightly backup failed: {e}");
                self.problem(format!(
                    "Last night's backup failed (is the USB stick plugged in?): {e}"
                ));
                None
            }
            JobDone::MatKept(kept) => {
                self.jobs.keepers_running = self.jobs.keepers_running.saturating_sub(1);
                if kept {
                    self.run(FlowEvent::MatKept, now);
                } else {
                    self.problem("The mat's picture was not kept (see the log)".to_string());
                }
                None
            }
        }
    }

    /// A sync with the support plan is under way, as a job beside the
    /// person's screens.
    pub fn syncing(&self) -> bool {
        self.jobs.sync_running
    }

    /// Waits up to `timeout` for the background jobs under way (and those
    /// they start) to end, and takes them in; returns the last sync's
    /// outcome, if one ended. For shutting down and for tests, never for the
    /// UI thread while it runs.
    pub fn wait_for_jobs(&mut self, timeout: Duration) -> Option<SyncOutcome> {
        let deadline = std::time::Instant::now() + timeout;
        let mut last = None;
        while self.jobs.sync_running
            || self.jobs.keepers_running > 0
            || self.jobs.checking
            || self.jobs.backing_up
            || self.jobs.checking_pin
        {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let Ok(done) = self.jobs.done_rx.recv_timeout(left) else {
                break;
            };
            if let Some(outcome) = self.job_done(done) {
                last = Some(outcome);
            }
        }
        last
    }

    fn update_lights(&mut self) {
        let roles = lit_roles(self.flow.mat_highlight(), self.flow.just_chosen());
        if let Some(lights) = &mut self.lights {
            lights.show(&roles);
        }
    }

    /// Lights on the buttons, from now on.
    pub fn attach_lights(&mut self, lights: Lights) {
        self.lights = Some(lights);
        self.update_lights();
    }

    /// The GPIO buttons' timing follows whoever's settings are in force.
    pub fn attach_button_timing(&mut self, timing: NewTiming) {
        timing.set(self.in_force.access.buttons);
        self.button_timing = Some(timing);
    }

    /// One display for everyone, whoever's turn it is.
    pub fn override_display(&mut self, display: Display) {
        self.display_override = Some(display);
    }

    /// The settings for pressing in force now (the device's or the person's).
    pub fn access(&self) -> &AccessSettings {
        &self.in_force.access
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

/// Why a sync failed, as the staff line tells it. Only trouble with the
/// file at `plan` is the plan's (a damaged journal is this kiosk's own to
/// set aside and recover).
fn plan_trouble(e: &StoreError, plan: &Path) -> PlanTrouble {
    let about_plan = |path: &Path| path == plan;
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
        _ => PlanTrouble::Other,
    }
}

/// The kiosk's own topics with those of the sets taken from the support
/// plan, each person's added to theirs; problems for staff.
fn home_topics_with_plan_sets(
    own: &[crate::core::Topic],
    home_topics: &[(PersonId, Vec<usize>)],
    sets_dir: &Path,
) -> (Vec<LocalSet>, ChangedTopics, Vec<String>) {
    let (local, mut problems) = local_sets(sets_dir);
    let (from_plan, more) = plan_topics(&local);
    problems.extend(more);
    let (changed, more) = combine(own, home_topics, from_plan);
    problems.extend(more);
    if !problems.is_empty() {
        // Titles and labels stay off the log: staff read them on the kiosk.
        warn!(
            problems = problems.len(),
            "picture sets from the support plan have problems; see the staff line"
        );
    }
    (local, changed, problems)
}

struct UuidIds;

impl NewIds for UuidIds {
    fn new_session_id(&mut self) -> SessionId {
        SessionId::new(uuid::Uuid::now_v7().to_string())
    }
}

/// Reads the home file, first writing in an id for each person who has
/// none (the one this kiosk last read for them, or its journal knows them
/// by, if any). A home file that cannot be written (a read-only share) is
/// read as it is, and its people are known by name as before.
fn load_home(
    path: &Path,
    set: &crate::core::PictureSet,
    journal: Option<&Journal>,
    last_read: impl Fn() -> Option<Home>,
) -> Result<Home, crate::library::home::HomeError> {
    let home = Home::load(path, set)?;
    if home.people.iter().all(|p| p.id.is_some()) {
        return Ok(home);
    }
    let known_people = journal.and_then(|j| j.people().ok()).unwrap_or_default();
    let last_read = last_read();
    let known = |name: &str| {
        let as_last_read = last_read
            .iter()
            .flat_map(|home| &home.people)
            .find(|p| p.name == name)
            .and_then(|p| p.id.clone());
        as_last_read.or_else(|| {
            known_people
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.id.clone())
        })
    };
    match crate::library::home::write_missing_ids(path, known) {
        Ok(written) => {
            info!(people = written, "ids written into the home file");
            Home::load(path, set)
        }
        Err(e) => {
            warn!("{e}; its people are known by name on this device");
            Ok(home)
        }
    }
}

/// A person of the home as the journal knows them: by the home's id when
/// the home file gives one, else by name (added the first time); with no
/// journal, an id for this run only.
fn person_ref(journal: Option<&Journal>, person: &HomePerson, now: Now) -> PersonRef {
    let name = person.name.as_str();
    if let Some(id) = &person.id {
        let person = PersonRef {
            id: id.clone(),
            name: name.to_string(),
        };
        if let Some(journal) = journal {
            if let Err(e) = journal.ensure_person(&person, now.wall) {
                error!("cannot add a person to the journal: {e}");
            }
        }
        return person;
    }
    let found =
        journal.map(
            |journal| match journal.people()?.into_iter().find(|p| p.name == name) {
                Some(person) => Ok(person),
                None => journal.add_person(name, now.wall),
            },
        );
    match found {
        Some(Ok(person)) => person,
        Some(Err(e)) => {
            error!("cannot read the people in the journal: {e}");
            fresh_person(name)
        }
        None => fresh_person(name),
    }
}

fn fresh_person(name: &str) -> PersonRef {
    PersonRef {
        id: PersonId::new(uuid::Uuid::now_v7().to_string()),
        name: name.to_string(),
    }
}

fn load_pack(dir: &Path, notices: &mut Vec<String>) -> VoicePack {
    let (pack, problems) = VoicePack::load(dir);
    for problem in &problems {
        warn!("{problem}");
    }
    if !problems.is_empty() {
        let notice = format!("Voice pack: {} problem(s), see the log", problems.len());
        if !notices.contains(&notice) {
            notices.push(notice);
        }
    }
    pack
}

/// Opens the journal (read whole on a thread of its own afterwards, see
/// [`Kiosk::start_journal_check`]). One that is not a database, or that a
/// newer sayso wrote, is set aside and a fresh one started; any other
/// failure (a full disk, a folder that cannot be written) leaves the kiosk
/// running unsaved until it can be opened.
fn open_journal(path: &Path, now: Now, notices: &mut Vec<String>) -> Option<Journal> {
    match Journal::open_unchecked(path) {
        Ok(journal) => Some(journal),
        Err(e) if e.is_corrupt() || matches!(e, StoreError::NewerSchema { .. }) => {
            error!("{e}");
            set_aside_and_recover(path, &e, now, notices)
        }
        Err(e) => {
            error!("cannot open the journal: {e}");
            notices.push(format!("Not saving: {e}"));
            None
        }
    }
}

/// Moves a damaged journal (or one a newer sayso wrote) aside, never
/// deleting it, starts a fresh one and copies into it every row that can
/// still be read; staff are told what came back.
fn set_aside_and_recover(
    path: &Path,
    why: &StoreError,
    now: Now,
    notices: &mut Vec<String>,
) -> Option<Journal> {
    let stamp = now.wall.format("%Y%m%dT%H%M%SZ");
    let (kind, what) = if why.is_corrupt() {
        ("damaged", "was damaged")
    } else {
        ("newer", "was written by a newer version of sayso")
    };
    let aside = path.with_extension(format!("sqlite.{kind}-{stamp}"));
    error!(
        "moving the journal to {} and starting a new one",
        aside.display()
    );
    for suffix in ["", "-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", path.display()));
        if from.exists() {
            let to = PathBuf::from(format!("{}{suffix}", aside.display()));
            if let Err(e) = std::fs::rename(&from, &to) {
                error!("cannot move {} aside: {e}", from.display());
            }
        }
    }
    let fresh = match Journal::open(path) {
        Ok(journal) => journal,
        Err(e) => {
            error!("cannot start a new journal: {e}");
            notices.push(format!("Not saving: {e}"));
            return None;
        }
    };
    drop(fresh);
    let recovered = crate::store::recover::recover_journal(&aside, path);
    let notice = match &recovered {
        Ok(r) => {
            warn!(
                rows = r.rows,
                mats = r.mats,
                finished = r.finished,
                placements = r.placements,
                check_ins = r.check_ins,
                lost = r.lost,
                missing_pages = r.missing_pages,
                kept_out = r.kept_out,
                "recovered what could be read from the journal set aside"
            );
            let kept_out = match r.kept_out {
                0 => String::new(),
                n => format!(
                    "; {n} finished mat(s) kept out of the plan, some of their cards unreadable"
                ),
            };
            let cut_short = match r.missing_pages {
                0 => "",
                _ => " (more, past where the file was cut short)",
            };
            format!(
                "The journal {what} (kept as {}); recovered {} row(s): {} mat(s) ({} finished), \
                 {} card placement(s), {} check-in(s); about {} row(s) could not be read\
                 {cut_short}{kept_out}",
                aside.display(),
                r.rows,
                r.mats,
                r.finished,
                r.placements,
                r.check_ins,
                r.lost
            )
        }
        Err(e) => {
            error!("nothing could be recovered from the journal set aside: {e}");
            format!(
                "The journal {what}; it was kept as {}, and nothing could be recovered from it",
                aside.display()
            )
        }
    };
    notices.push(notice);
    Journal::open_unchecked(path)
        .inspect_err(|e| {
            error!("cannot start a new journal: {e}");
            notices.push(format!("Not saving: {e}"));
        })
        .ok()
}
