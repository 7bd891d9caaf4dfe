//! One running kiosk: the picture set, the person, the session, and the
//! adapters its effects go to. The session decides; the kiosk carries out.
//!
//! Failures here never stop the person: a journal that cannot be written
//! keeps its records in memory and retries on the next one; a damaged journal
//! is kept aside and a new one started; a support plan that cannot be reached
//! is synced the next time. Each of these leaves a notice for staff.

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use chrono::{DateTime, Utc};
use tracing::{error, info, warn};

use crate::access::lights::{lit_roles, Lights};
use crate::access::scan::AutoScanner;
use crate::access::settings::{AccessMethod, AccessSettings, ACCESS_FILE};
use crate::clock::Clock;
use crate::core::{
    Company, Effect, Event, Input, MatSession, PersonRef, Phrases, PickerEffect, Prompt, Record,
    Screen, SessionSettings, TopicPicker, Utterance,
};
use crate::library::{load_set, LoadedSet};
use crate::store::{self, Journal, Plan, StoreError, SyncReport};
use crate::voice::volume::{VolumeSettings, VOICE_FILE};
use crate::voice::{Voice, VoicePack};

/// The person created on first run, so the demo works straight away.
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
}

impl KioskPaths {
    /// The usual layout: journal and plan side by side in the data directory.
    pub fn in_data_dir(data_dir: &Path, set: &Path) -> KioskPaths {
        KioskPaths {
            data_dir: data_dir.to_path_buf(),
            set: set.to_path_buf(),
            plan: data_dir.join(store::PLAN_FILE),
            voice_pack: crate::voice::pack::default_pack_dir(),
        }
    }

    pub fn journal(&self) -> PathBuf {
        self.data_dir.join(store::JOURNAL_FILE)
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanTarget {
    pub path: PathBuf,
    pub create_if_missing: bool,
}

/// How long after a failed sync the kiosk tries again by itself.
const SYNC_RETRY: chrono::Duration = chrono::Duration::minutes(1);

type SyncOutcome = Result<SyncReport, String>;

pub struct Kiosk {
    paths: KioskPaths,
    set: LoadedSet,
    person: PersonRef,
    journal: Option<Journal>,
    /// Records not yet in the journal (it could not be opened or written).
    unsaved: Vec<Record>,
    voice: Box<dyn Voice>,
    clock: Box<dyn Clock>,
    /// The mat under way, or the last one, until a topic is picked.
    session: Option<MatSession>,
    picker: TopicPicker,
    topic: usize,
    screen: Screen,
    notices: Vec<String>,
    sync_job: Option<JoinHandle<SyncOutcome>>,
    access: AccessSettings,
    /// The kiosk's own words, from the voice pack.
    phrases: Phrases,
    volume: VolumeSettings,
    /// The volume the voice was last set to.
    volume_set: Option<u8>,
    /// With one-switch auto scanning: what moves the highlight.
    scanner: Option<AutoScanner>,
    lights: Option<Lights>,
    /// The scale point a card was just placed on, until the next action.
    just_chosen: Option<usize>,
    /// After a failed sync: when to try again.
    sync_retry_at: Option<DateTime<Utc>>,
}

impl Kiosk {
    /// Loads the set, opens the journal (creating the demo person on first
    /// run) and shows the topic picker, or with only one topic starts a mat
    /// on it. Only a set that cannot be loaded is an error: without pictures
    /// there is nothing to show.
    pub fn open(
        paths: KioskPaths,
        mut voice: Box<dyn Voice>,
        clock: Box<dyn Clock>,
    ) -> anyhow::Result<Kiosk> {
        let set = load_set(&paths.set)?;
        let mut notices = Vec::new();
        for warning in &set.warnings {
            warn!("picture set {}: {warning}", set.path.display());
        }
        for problem in &set.set.set_aside {
            warn!("picture set {}: {problem}", set.path.display());
            notices.push(format!("Picture set: {problem}"));
        }
        if !set.warnings.is_empty() {
            notices.push(format!(
                "{} picture set file(s) missing, see the log",
                set.warnings.len()
            ));
        }

        let access = AccessSettings::load(&paths.data_dir.join(ACCESS_FILE)).unwrap_or_else(|e| {
            warn!("{e}");
            notices.push(format!(
                "Access settings not read, see the log ({ACCESS_FILE})"
            ));
            AccessSettings::default()
        });
        let (pack, pack_problems) = VoicePack::load(&paths.voice_pack);
        for problem in &pack_problems {
            warn!("{problem}");
        }
        if !pack_problems.is_empty() {
            notices.push(format!(
                "Voice pack: {} problem(s), see the log",
                pack_problems.len()
            ));
        }
        voice.configure(&pack.tts);
        let phrases = pack.phrases;
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

        let now = clock.now();
        let journal = open_journal(&paths.journal(), now, &mut notices);
        let person = journal
            .as_ref()
            .and_then(|journal| {
                first_person(journal, now)
                    .inspect_err(|e| {
                        error!("cannot read the people in the journal: {e}");
                        notices.push(format!("Not saving: {e}"));
                    })
                    .ok()
            })
            .unwrap_or_else(|| PersonRef {
                id: new_id(),
                name: DEMO_PERSON.to_string(),
            });
        info!(set = %set.set.id, topics = set.set.topics.len(), "kiosk ready");

        let picker = TopicPicker::new(
            set.set.topics.iter().map(|t| t.title.clone()).collect(),
            phrases.clone(),
            access.auditory_scanning,
        );
        let scanner = (access.method == AccessMethod::AutoScanning)
            .then(|| AutoScanner::new(access.scan, millis(now)));
        let mut kiosk = Kiosk {
            paths,
            set,
            person,
            journal,
            unsaved: Vec::new(),
            voice,
            clock,
            session: None,
            picker,
            topic: 0,
            screen: Screen::Topics,
            notices,
            sync_job: None,
            access,
            phrases,
            volume,
            volume_set: None,
            scanner,
            lights: None,
            just_chosen: None,
            sync_retry_at: None,
        };
        if kiosk.set.set.topics.len() == 1 {
            kiosk.start_mat(0);
        } else {
            let greeting = kiosk.picker.greeting();
            kiosk.carry_out_picker(greeting);
        }
        Ok(kiosk)
    }

    /// Everything a person does comes through here, on the UI thread. With
    /// auto scanning, any switch is "the switch": it chooses, or starts the
    /// scan; the highlight moves by itself in [`tick`](Self::tick).
    pub fn handle(&mut self, input: Input) {
        let now = self.clock.now();
        let events = match (&mut self.scanner, input.event) {
            (Some(scanner), Event::Select | Event::MoveHighlight(_)) => scanner.press(millis(now)),
            _ => vec![input.event],
        };
        self.just_chosen = None;
        for event in events {
            self.dispatch(Input::new(event, input.via), now);
        }
        self.update_lights();
    }

    /// An event goes to the picker or to the mat, whichever is on screen.
    fn dispatch(&mut self, input: Input, now: DateTime<Utc>) {
        match (&mut self.session, self.screen) {
            (Some(session), Screen::Mat | Screen::Review | Screen::Finished) => {
                let effects = session.handle(input, now);
                self.carry_out(effects);
            }
            _ => {
                let effects = self.picker.handle(input.event);
                self.carry_out_picker(effects);
            }
        }
    }

    /// How many choices the highlight moves through on the screen shown.
    fn choice_count(&self) -> usize {
        match (&self.session, self.screen) {
            (Some(session), Screen::Mat | Screen::Review | Screen::Finished) => {
                session.choices().len()
            }
            _ => self.picker.choices().len(),
        }
    }

    fn update_lights(&mut self) {
        let highlighted = match (&self.session, self.screen) {
            (_, Screen::Topics) | (None, _) => None,
            (Some(session), _) => session.highlighted_choice(),
        };
        let roles = lit_roles(highlighted, self.just_chosen);
        if let Some(lights) = &mut self.lights {
            lights.show(&roles);
        }
    }

    /// Lets time pass for auto scanning. Returns true if the highlight moved.
    pub fn tick(&mut self) -> bool {
        let now = self.clock.now();
        let choices = self.choice_count();
        let Some(scanner) = &mut self.scanner else {
            return false;
        };
        let events = scanner.tick(millis(now), choices);
        let moved = !events.is_empty();
        for event in events {
            // The highlight moving is not a person's action; nothing is recorded for it.
            self.dispatch(Input::new(event, crate::core::InputMethod::Key), now);
        }
        if moved {
            self.update_lights();
        }
        moved
    }

    /// Lights on the buttons, from now on.
    pub fn attach_lights(&mut self, lights: Lights) {
        self.lights = Some(lights);
        self.update_lights();
    }

    pub fn access(&self) -> &AccessSettings {
        &self.access
    }

    /// Now, in milliseconds, on the kiosk's clock (for the timing filters).
    pub fn now_ms(&self) -> u64 {
        millis(self.clock.now())
    }

    /// The mat under way (or just finished); `None` before a topic is picked.
    pub fn session(&self) -> Option<&MatSession> {
        self.session.as_ref()
    }

    pub fn picker(&self) -> &TopicPicker {
        &self.picker
    }

    pub fn set(&self) -> &LoadedSet {
        &self.set
    }

    pub fn person(&self) -> &PersonRef {
        &self.person
    }

    pub fn screen(&self) -> Screen {
        self.screen
    }

    pub fn sound_available(&self) -> bool {
        self.voice.is_available()
    }

    /// Short messages for staff, newest last.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    pub fn add_notice(&mut self, notice: String) {
        if !self.notices.contains(&notice) {
            self.notices.push(notice);
        }
    }

    /// Waits for the sync started by the last finished mat, if any, and
    /// returns how it went.
    pub fn wait_for_sync(&mut self) -> Option<SyncOutcome> {
        let outcome = self
            .sync_job
            .take()?
            .join()
            .unwrap_or_else(|_| Err("the sync thread panicked".into()));
        self.note_sync(&outcome);
        Some(outcome)
    }

    /// Collects a finished background sync without waiting, and retries a
    /// failed one when it is due.
    pub fn poll_sync(&mut self) {
        if self.sync_job.as_ref().is_some_and(|job| job.is_finished()) {
            self.wait_for_sync();
        }
        if self.sync_job.is_none() && self.sync_retry_at.is_some_and(|at| self.clock.now() >= at) {
            self.start_sync();
        }
    }

    fn carry_out(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Say(utterance) => self.say(utterance),
                Effect::Record(record) => {
                    if let Record::Placed { spot, .. } = record {
                        self.just_chosen = Some(spot.point);
                    }
                    let finished = matches!(record, Record::Finished { .. });
                    self.save(record);
                    if finished {
                        self.start_sync();
                    }
                }
                Effect::Show(screen) => self.screen = screen,
                Effect::StartNewMat => self.show_topics(),
            }
        }
    }

    fn carry_out_picker(&mut self, effects: Vec<PickerEffect>) {
        for effect in effects {
            match effect {
                PickerEffect::Say(utterance) => self.say(utterance),
                PickerEffect::Start(topic) => self.start_mat(topic),
            }
        }
    }

    /// Back to the topic picker after a mat; with only one topic, straight
    /// into a new mat on it.
    fn show_topics(&mut self) {
        self.poll_sync();
        if self.set.set.topics.len() == 1 {
            self.start_mat(0);
            return;
        }
        self.screen = Screen::Topics;
        let greeting = self.picker.greeting();
        self.carry_out_picker(greeting);
    }

    /// Has the voice decode the clips of the topic on screen, and the
    /// prompts', before any press needs them.
    fn preload_clips(&mut self) {
        let cards = self.set.set.topics[self.topic]
            .cards
            .iter()
            .filter_map(|card| card.clip.as_deref());
        let mut clips: Vec<String> = cards
            .map(|clip| self.set.resolve(clip).to_string_lossy().into_owned())
            .collect();
        clips.extend(
            Prompt::ALL
                .into_iter()
                .filter_map(|prompt| self.phrases.get(prompt).clip.clone()),
        );
        self.voice.preload(&clips);
    }

    fn say(&mut self, mut utterance: Utterance) {
        // Quiet hours begin and end while the kiosk runs.
        let volume = self
            .volume
            .volume_at(self.clock.now().with_timezone(&chrono::Local).time());
        if self.volume_set != Some(volume) {
            self.voice.set_volume(volume);
            self.volume_set = Some(volume);
        }
        utterance.clip = utterance
            .clip
            .map(|clip| self.set.resolve(&clip).to_string_lossy().into_owned());
        if let Err(e) = self.voice.speak(&utterance) {
            warn!("cannot speak: {e}");
        }
    }

    /// Writes a record now, after any that could not be written before, in order.
    fn save(&mut self, record: Record) {
        self.unsaved.push(record);
        let Some(journal) = &self.journal else {
            return;
        };
        let mut written = 0;
        for record in &self.unsaved {
            match journal.record(record) {
                Ok(()) => written += 1,
                Err(e) => {
                    error!(
                        "cannot write to the journal {}: {e}",
                        journal.path().display()
                    );
                    let notice = format!("Not saving right now: {e}");
                    self.unsaved.drain(..written);
                    self.add_notice(notice);
                    return;
                }
            }
        }
        self.unsaved.clear();
    }

    fn start_mat(&mut self, topic: usize) {
        self.topic = topic;
        let settings = session_settings(&self.access, &self.phrases);
        let topic = self.set.set.topics[topic].clone();
        let (session, effects) = MatSession::start(
            new_id(),
            self.person.clone(),
            &self.set.set.id,
            topic,
            settings,
            self.clock.now(),
        );
        self.session = Some(session);
        self.screen = Screen::Mat;
        self.preload_clips();
        self.carry_out(effects);
    }

    fn start_sync(&mut self) {
        if self.journal.is_none() || !self.unsaved.is_empty() {
            return;
        }
        if let Some(previous) = self.sync_job.take() {
            // Rare: a sync still running from the last mat. Let it finish first.
            let outcome = previous
                .join()
                .unwrap_or_else(|_| Err("the sync thread panicked".into()));
            self.note_sync(&outcome);
        }
        let journal_path = self.paths.journal();
        let plan = self.paths.plan_target();
        let now = self.clock.now();
        self.sync_retry_at = None;
        self.sync_job = Some(std::thread::spawn(move || {
            sync_files(&journal_path, &plan, now).map_err(|e| e.to_string())
        }));
    }

    fn note_sync(&mut self, outcome: &SyncOutcome) {
        match outcome {
            Ok(report) => info!(
                sessions = report.sessions,
                cards = report.placements,
                "synced to the support plan"
            ),
            Err(e) => {
                warn!("sync to the support plan failed; it will be tried again: {e}");
                self.add_notice("Support plan not updated yet (see the log)".to_string());
                self.sync_retry_at = Some(self.clock.now() + SYNC_RETRY);
            }
        }
    }
}

/// Syncs a journal file into a plan file.
pub fn sync_files(
    journal: &Path,
    plan: &PlanTarget,
    now: DateTime<Utc>,
) -> Result<SyncReport, StoreError> {
    let journal = Journal::open(journal)?;
    let mut plan = if plan.create_if_missing {
        Plan::open_or_create(&plan.path)?
    } else {
        Plan::open(&plan.path)?
    };
    store::sync(&journal, &mut plan, now)
}

fn session_settings(access: &AccessSettings, phrases: &Phrases) -> SessionSettings {
    SessionSettings {
        phrases: phrases.clone(),
        auditory_cues: access.auditory_scanning,
        company: Company::default(),
    }
}

fn millis(at: DateTime<Utc>) -> u64 {
    at.timestamp_millis().max(0) as u64
}

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn first_person(journal: &Journal, now: DateTime<Utc>) -> Result<PersonRef, StoreError> {
    match journal.people()?.into_iter().next() {
        Some(person) => Ok(person),
        None => {
            info!("first run: adding the demo person");
            journal.add_person(DEMO_PERSON, now)
        }
    }
}

/// Opens the journal. A damaged one is moved aside, never deleted, and a
/// fresh one started; any other failure leaves the kiosk running unsaved.
fn open_journal(path: &Path, now: DateTime<Utc>, notices: &mut Vec<String>) -> Option<Journal> {
    match Journal::open(path) {
        Ok(journal) => Some(journal),
        Err(e) if e.is_corrupt() => {
            let stamp = now.format("%Y%m%dT%H%M%SZ");
            let aside = path.with_extension(format!("sqlite.damaged-{stamp}"));
            error!(
                "{e}; moving it to {} and starting a new journal",
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
            notices.push(format!(
                "The journal was damaged; it was kept as {}",
                aside.display()
            ));
            Journal::open(path)
                .inspect_err(|e| {
                    error!("cannot start a new journal: {e}");
                    notices.push(format!("Not saving: {e}"));
                })
                .ok()
        }
        Err(e) => {
            error!("cannot open the journal: {e}");
            notices.push(format!("Not saving: {e}"));
            None
        }
    }
}
