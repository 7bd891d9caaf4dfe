//! One running kiosk: the picture set, the person, the session, and the
//! adapters its effects go to. The session decides; the kiosk carries out.
//!
//! Failures here never stop the person: a journal that cannot be written
//! keeps its records in memory and retries on the next one; a damaged journal
//! is kept aside and a new one started; a support plan that cannot be reached
//! is synced the next time. Each of these leaves a notice for staff.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use chrono::{DateTime, Utc};
use tracing::{error, info, warn};

use crate::access::lights::{lit_roles, Lights};
use crate::access::scan::AutoScanner;
use crate::access::settings::{AccessMethod, AccessSettings, ACCESS_FILE};
use crate::clock::Clock;
use crate::core::schedule::{self, Outcome, Window};
use crate::core::{
    Company, Effect, Event, Input, InputMethod, MatSession, PersonRef, Phrases, Picker,
    PickerEffect, PickerKind, Prompt, Record, Screen, SessionSettings, Utterance,
};
use crate::library::home::{Display, Home, HOME_FILE};
use crate::library::{load_set, LoadedSet};
use crate::store::{self, Journal, Plan, StoreError, SyncReport};
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
    home: Home,
    /// The person of the home using the kiosk, once chosen.
    person_index: Option<usize>,
    person: PersonRef,
    journal: Option<Journal>,
    /// Records not yet in the journal (it could not be opened or written).
    unsaved: Vec<Record>,
    voice: Box<dyn Voice>,
    clock: Box<dyn Clock>,
    /// The mat under way (or just finished); `None` before a topic is picked.
    session: Option<MatSession>,
    people: Picker,
    company_picker: Picker,
    topics: Picker,
    /// Who is with the person this turn.
    company: Company,
    /// Mats left part-way, by person, to carry on with or start afresh.
    paused: HashMap<usize, MatSession>,
    resume_picker: Picker,
    /// When the person last did anything.
    last_action: DateTime<Utc>,
    topic: usize,
    screen: Screen,
    notices: Vec<String>,
    sync_job: Option<JoinHandle<SyncOutcome>>,
    /// The device's own settings, for a person without settings of their own.
    device: DeviceSettings,
    access: AccessSettings,
    /// The kiosk's own words, from the person's voice pack.
    phrases: Phrases,
    volume: VolumeSettings,
    display: Display,
    /// Staff (or the screenshots) chose a display for everyone.
    display_override: Option<Display>,
    /// The volume the voice was last set to.
    volume_set: Option<u8>,
    /// With one-switch auto scanning: what moves the highlight.
    scanner: Option<AutoScanner>,
    lights: Option<Lights>,
    /// The scale point a card was just placed on, until the next action.
    just_chosen: Option<usize>,
    /// After a failed sync: when to try again.
    sync_retry_at: Option<DateTime<Utc>>,
    check_ins: CheckInLog,
    /// Goes up each time the person (and so the settings) changes.
    generation: u64,
}

#[derive(Debug, Clone)]
struct DeviceSettings {
    access: AccessSettings,
    volume: VolumeSettings,
    pack: VoicePack,
}

/// What became of today's check-ins so far, by (person, window key).
#[derive(Debug, Default)]
struct CheckInLog {
    offered: HashSet<(usize, String)>,
    /// Answered or declined, or recorded when their window closed.
    settled: HashSet<(usize, String)>,
    /// Windows closed up to here have their outcome recorded.
    checked_until: Option<DateTime<Utc>>,
}

impl Kiosk {
    /// Loads the set and the home, opens the journal, and shows the people
    /// of the home (or, with one person, their topics; with one topic, its
    /// mat). Only a set that cannot be loaded is an error: without pictures
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
        let home = match &paths.home {
            Some(path) => Home::load(path, &set.set).unwrap_or_else(|e| {
                error!("{e}");
                notices.push(format!("Home file not read, see the log ({HOME_FILE})"));
                Home::single(DEMO_PERSON, &set.set)
            }),
            None => Home::single(DEMO_PERSON, &set.set),
        };
        for problem in &home.problems {
            warn!("home: {problem}");
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
        voice.configure(&pack.tts);
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
        info!(set = %set.set.id, topics = set.set.topics.len(), people = home.people.len(), "kiosk ready");

        let people = Picker::new(
            PickerKind::People,
            home.people.iter().map(|p| p.name.clone()).collect(),
            pack.phrases.clone(),
            access.auditory_scanning,
        );
        let device = DeviceSettings {
            access: access.clone(),
            volume: volume.clone(),
            pack: pack.clone(),
        };
        let mut kiosk = Kiosk {
            paths,
            set,
            home,
            person_index: None,
            person: PersonRef {
                id: String::new(),
                name: String::new(),
            },
            journal,
            unsaved: Vec::new(),
            voice,
            clock,
            session: None,
            people,
            company_picker: Picker::new(
                PickerKind::Company,
                Vec::new(),
                pack.phrases.clone(),
                false,
            ),
            topics: Picker::new(PickerKind::Topics, Vec::new(), pack.phrases.clone(), false),
            company: Company::default(),
            paused: HashMap::new(),
            resume_picker: Picker::new(PickerKind::Resume, Vec::new(), pack.phrases.clone(), false),
            last_action: now,
            topic: 0,
            screen: Screen::People,
            notices,
            sync_job: None,
            device,
            phrases: pack.phrases,
            access,
            volume,
            display: Display::default(),
            display_override: None,
            volume_set: None,
            scanner: None,
            lights: None,
            just_chosen: None,
            sync_retry_at: None,
            check_ins: CheckInLog {
                checked_until: Some(start_of_local_day(now)),
                ..CheckInLog::default()
            },
            generation: 0,
        };
        kiosk.record_closed_check_ins();
        kiosk.show_people();
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
        self.last_action = now;
        for event in events {
            self.dispatch(Input::new(event, input.via), now);
        }
        self.update_lights();
    }

    /// An event goes to the picker or to the mat, whichever is on screen.
    fn dispatch(&mut self, input: Input, now: DateTime<Utc>) {
        match (&mut self.session, self.screen) {
            (_, Screen::People) => {
                let effects = self.people.handle(input.event);
                self.carry_out_picker(effects);
            }
            (_, Screen::Company) => {
                let effects = self.company_picker.handle(input.event);
                self.carry_out_picker(effects);
            }
            (_, Screen::Resume) => {
                let effects = self.resume_picker.handle(input.event);
                self.carry_out_picker(effects);
            }
            (Some(session), Screen::Mat | Screen::Review | Screen::Finished) => {
                let effects = session.handle(input, now);
                self.carry_out(effects);
            }
            _ => {
                let effects = self.topics.handle(input.event);
                self.carry_out_picker(effects);
            }
        }
    }

    /// How many choices the highlight moves through on the screen shown.
    fn choice_count(&self) -> usize {
        match (&self.session, self.screen) {
            (_, Screen::People) => self.people.choices().len(),
            (_, Screen::Company) => self.company_picker.choices().len(),
            (_, Screen::Resume) => self.resume_picker.choices().len(),
            (Some(session), Screen::Mat | Screen::Review | Screen::Finished) => {
                session.choices().len()
            }
            _ => self.topics.choices().len(),
        }
    }

    fn update_lights(&mut self) {
        let highlighted = match (&self.session, self.screen) {
            (_, Screen::People | Screen::Company | Screen::Resume | Screen::Topics) | (None, _) => {
                None
            }
            (Some(session), _) => session.highlighted_choice(),
        };
        let roles = lit_roles(highlighted, self.just_chosen);
        if let Some(lights) = &mut self.lights {
            lights.show(&roles);
        }
    }

    /// The first screen: the people of the home, or with one person, theirs.
    /// Until someone is chosen, the device's own settings apply: whoever
    /// comes needs to be able to choose themselves.
    fn show_people(&mut self) {
        if self.home.people.len() == 1 {
            self.choose_person(0);
            return;
        }
        self.use_device_settings();
        self.screen = Screen::People;
        let greeting = self.people.greeting();
        self.carry_out_picker(greeting);
    }

    fn use_device_settings(&mut self) {
        let now = self.clock.now();
        self.person_index = None;
        self.access = self.device.access.clone();
        self.volume = self.device.volume.clone();
        self.volume_set = None;
        self.voice.configure(&self.device.pack.tts);
        self.phrases = self.device.pack.phrases.clone();
        self.display = Display::default();
        self.scanner = (self.access.method == AccessMethod::AutoScanning)
            .then(|| AutoScanner::new(self.access.scan, millis(now)));
        self.generation += 1;
    }

    /// A person of the home starts their turn: their own topics, settings
    /// and voice from now on.
    fn choose_person(&mut self, index: usize) {
        let person = self.home.people[index].clone();
        let now = self.clock.now();
        self.person = self
            .journal
            .as_ref()
            .and_then(|journal| {
                person_named(journal, &person.name, now)
                    .inspect_err(|e| error!("cannot read the people in the journal: {e}"))
                    .ok()
            })
            .unwrap_or_else(|| PersonRef {
                id: new_id(),
                name: person.name.clone(),
            });
        self.person_index = Some(index);
        self.access = person
            .access
            .clone()
            .unwrap_or_else(|| self.device.access.clone());
        self.volume = person
            .volume
            .clone()
            .unwrap_or_else(|| self.device.volume.clone());
        self.volume_set = None;
        let pack = match &person.voice_pack {
            Some(dir) => load_pack(dir, &mut self.notices),
            None => self.device.pack.clone(),
        };
        self.voice.configure(&pack.tts);
        self.phrases = pack.phrases;
        self.display = person.display;
        self.scanner = (self.access.method == AccessMethod::AutoScanning)
            .then(|| AutoScanner::new(self.access.scan, millis(now)));
        self.topics = Picker::new(
            PickerKind::Topics,
            person
                .topics
                .iter()
                .map(|&t| self.set.set.topics[t].title.clone())
                .collect(),
            self.phrases.clone(),
            self.access.auditory_scanning,
        );
        self.topics.set_others(self.home.people.len() > 1);
        self.generation += 1;
        info!(person = %person.name, "person chosen");
        self.company = Company::default();
        if self.home.supporters.is_empty() {
            self.show_topics();
            return;
        }
        let mut choices = vec![self.phrases.get(Prompt::OnMyOwn).text.clone()];
        choices.extend(self.home.supporters.iter().cloned());
        self.company_picker = Picker::new(
            PickerKind::Company,
            choices,
            self.phrases.clone(),
            self.access.auditory_scanning,
        );
        self.screen = Screen::Company;
        let greeting = self.company_picker.greeting();
        self.carry_out_picker(greeting);
    }

    /// The supporter with the person starts or stops helping place cards.
    pub fn set_helping(&mut self, helping: bool) {
        self.company.helped = helping && self.company.supporter.is_some();
        if let Some(session) = &mut self.session {
            session.set_helping(self.company.helped);
        }
    }

    /// The topic of the mat the person at the kiosk left part-way, if any.
    pub fn paused_topic(&self) -> Option<&crate::core::Topic> {
        self.paused.get(&self.person_index?).map(MatSession::topic)
    }

    /// Who is with the person this turn.
    pub fn company(&self) -> &Company {
        &self.company
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

    /// The picker on screen: people, company, or the person's topics.
    pub fn picker(&self) -> &Picker {
        match self.screen {
            Screen::People => &self.people,
            Screen::Company => &self.company_picker,
            Screen::Resume => &self.resume_picker,
            _ => &self.topics,
        }
    }

    pub fn home(&self) -> &Home {
        &self.home
    }

    /// The person's display settings: high contrast, large text.
    pub fn display(&self) -> Display {
        self.display_override.unwrap_or(self.display)
    }

    /// One display for everyone, whoever's turn it is.
    pub fn override_display(&mut self, display: Display) {
        self.display_override = Some(display);
    }

    /// Goes up each time the person, and so the settings, change.
    pub fn generation(&self) -> u64 {
        self.generation
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
                    let finished = match &record {
                        Record::Finished { session_id, .. } => Some(session_id.clone()),
                        _ => None,
                    };
                    self.save(record);
                    if let Some(session_id) = finished {
                        self.start_sync();
                        self.keep_mat(&session_id);
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
                PickerEffect::Chosen(index) if self.screen == Screen::People => {
                    self.choose_person(index)
                }
                PickerEffect::Chosen(index) if self.screen == Screen::Resume => {
                    self.resume(index == 0)
                }
                PickerEffect::Chosen(index) if self.screen == Screen::Company => {
                    // 0 is "on my own"; then the supporters, in order.
                    self.company = Company {
                        supporter: index
                            .checked_sub(1)
                            .and_then(|i| self.home.supporters.get(i).cloned()),
                        helped: false,
                    };
                    self.show_topics();
                }
                PickerEffect::Chosen(index) => {
                    if let Some(&topic) = self.person_topics().get(index) {
                        self.start_mat(topic);
                    }
                }
                PickerEffect::Declined => self.decline_check_in(),
                PickerEffect::SomeoneElse => self.show_people(),
            }
        }
    }

    /// The set's indices of the topics of the person at the kiosk.
    pub fn person_topics(&self) -> &[usize] {
        self.person_index
            .map_or(&[], |i| self.home.people[i].topics.as_slice())
    }

    /// The person's topics, after a mat too; with a check-in due, that topic
    /// first and named. With only one topic, straight into a mat on it. A
    /// mat the person left part-way is offered first: carry on, or start
    /// afresh.
    fn show_topics(&mut self) {
        self.poll_sync();
        if let Some(paused) = self.person_index.and_then(|p| self.paused.get(&p)) {
            let topic = paused.topic().title.clone();
            self.resume_picker = Picker::new(
                PickerKind::Resume,
                vec![topic, self.phrases.get(Prompt::StartAfresh).text.clone()],
                self.phrases.clone(),
                self.access.auditory_scanning,
            );
            self.screen = Screen::Resume;
            let greeting = self.resume_picker.greeting();
            self.carry_out_picker(greeting);
            return;
        }
        if let [only] = self.person_topics() {
            self.start_mat(*only);
            return;
        }
        self.screen = Screen::Topics;
        self.offer_due_check_in();
        let greeting = self.topics.greeting();
        self.carry_out_picker(greeting);
    }

    /// The check-in window open now for the person, if it is not answered
    /// or declined yet.
    fn due_check_in(&self) -> Option<(usize, Window)> {
        let person = self.person_index?;
        let window = self.home.people[person]
            .schedule
            .due(self.clock.now(), &chrono::Local)?;
        let settled = self.check_ins.settled.contains(&(person, window.key()));
        (!settled).then_some((person, window))
    }

    /// Puts the check-in due (if any) first on the topic picker.
    fn offer_due_check_in(&mut self) {
        let due = self.due_check_in();
        let position = due.as_ref().and_then(|(person, window)| {
            self.home.people[*person]
                .topics
                .iter()
                .position(|&t| self.set.set.topics[t].id == window.topic)
        });
        if let Some((person, window)) = due {
            self.check_ins.offered.insert((person, window.key()));
        }
        self.topics.set_due(position);
    }

    fn decline_check_in(&mut self) {
        if let Some((person, window)) = self.due_check_in() {
            self.record_check_in(person, &window, Outcome::Declined, None);
        }
    }

    /// Records what became of a check-in, once.
    fn record_check_in(
        &mut self,
        person: usize,
        window: &Window,
        outcome: Outcome,
        session_id: Option<String>,
    ) {
        if !self.check_ins.settled.insert((person, window.key())) {
            return;
        }
        let now = self.clock.now();
        let person_ref = match self.journal.as_ref() {
            Some(journal) => match person_named(journal, &self.home.people[person].name, now) {
                Ok(person) => person,
                Err(e) => {
                    error!("cannot read the people in the journal: {e}");
                    return;
                }
            },
            None => return,
        };
        info!(check_in = %window.key(), outcome = outcome.as_str(), "check-in");
        self.save(Record::CheckIn {
            person_id: person_ref.id,
            key: window.key(),
            topic_id: window.topic.clone(),
            opens: window.opens,
            closes: window.closes,
            outcome,
            session_id,
            at: now,
        });
    }

    /// Records the outcome of every check-in window that has closed since
    /// the last look, for everyone in the home: answered, declined (offered
    /// and turned down or let pass), or never offered.
    fn record_closed_check_ins(&mut self) {
        let now = self.clock.now();
        let since = self.check_ins.checked_until.unwrap_or(now);
        for person in 0..self.home.people.len() {
            let closed =
                self.home.people[person]
                    .schedule
                    .closed_between(since, now, &chrono::Local);
            for window in closed {
                let offered = self.check_ins.offered.contains(&(person, window.key()));
                let outcome = schedule::outcome(offered, false, false);
                self.record_check_in(person, &window, outcome, None);
            }
        }
        self.check_ins.checked_until = Some(now);
    }

    /// Called every second or so: records check-ins whose time has passed,
    /// and offers one that has just become due if the topics are on screen.
    /// Returns true if the screen changed.
    pub fn check_schedule(&mut self) -> bool {
        self.record_closed_check_ins();
        if self.screen != Screen::Topics {
            return false;
        }
        let due_before = self.topics.due();
        self.offer_due_check_in();
        if self.topics.due() != due_before {
            if self.topics.due().is_some() {
                let greeting = self.topics.greeting();
                self.carry_out_picker(greeting);
            }
            return true;
        }
        false
    }

    /// Called every second or so: a mat left untouched for the home's idle
    /// time is saved as partial, and the kiosk goes back to its first
    /// screen for whoever comes next. Returns true if the screen changed.
    pub fn check_idle(&mut self) -> bool {
        let now = self.clock.now();
        let idle = chrono::Duration::minutes(i64::from(self.home.idle_minutes));
        if now - self.last_action < idle {
            return false;
        }
        let open = self
            .session
            .as_ref()
            .is_some_and(|s| s.is_open() && matches!(self.screen, Screen::Mat | Screen::Review));
        if open {
            let session = self.session.take().expect("an open mat");
            info!(topic = %session.topic().id, "mat left untouched: saved as partial");
            self.save(Record::Paused {
                session_id: session.id().to_string(),
                at: now,
            });
            if let Some(person) = self.person_index {
                self.paused.insert(person, session);
            }
        } else if self.screen == Screen::People || self.home.people.len() == 1 {
            return false;
        }
        self.last_action = now;
        self.show_people();
        true
    }

    /// Carries on with the mat the person left, or leaves it as it is (it
    /// stays in the journal as partial) and goes to the topics.
    fn resume(&mut self, carry_on: bool) {
        let Some(person) = self.person_index else {
            return;
        };
        let Some(mut session) = self.paused.remove(&person) else {
            return;
        };
        if !carry_on {
            self.show_topics();
            return;
        }
        let now = self.clock.now();
        self.save(Record::Resumed {
            session_id: session.id().to_string(),
            at: now,
        });
        session.set_helping(self.company.helped);
        self.topic = self
            .set
            .set
            .topics
            .iter()
            .position(|t| t.id == session.topic().id)
            .unwrap_or(0);
        self.screen = session.screen();
        let effects = session.handle(Input::new(Event::SayAgain, InputMethod::Touch), now);
        self.session = Some(session);
        self.preload_clips();
        self.carry_out(effects);
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
        if utterance.cue {
            utterance.volume = Some(self.volume.cue_volume(volume));
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
        let answers = self
            .due_check_in()
            .filter(|(_, window)| window.topic == self.set.set.topics[topic].id);
        self.topic = topic;
        let mut settings = session_settings(&self.access, &self.phrases);
        settings.company = self.company.clone();
        let topic = self.set.set.topics[topic].clone();
        let (session, effects) = MatSession::start(
            new_id(),
            self.person.clone(),
            &self.set.set.id,
            topic,
            settings,
            self.clock.now(),
        );
        let session_id = session.id().to_string();
        self.session = Some(session);
        self.screen = Screen::Mat;
        self.preload_clips();
        self.carry_out(effects);
        if let Some((person, window)) = answers {
            self.record_check_in(person, &window, Outcome::Answered, Some(session_id));
        }
    }

    /// Has the picture of a finished mat drawn and kept, by `sayso keep-mat`
    /// in a process of its own, so the kiosk never waits for it.
    fn keep_mat(&mut self, session_id: &str) {
        let Some(keeper) = &self.paths.keeper else {
            return;
        };
        if !self.unsaved.is_empty() {
            return;
        }
        let child = std::process::Command::new(keeper)
            .arg("--data-dir")
            .arg(&self.paths.data_dir)
            .arg("--set")
            .arg(&self.paths.set)
            .arg("--plan")
            .arg(&self.paths.plan)
            .arg("keep-mat")
            .arg(session_id)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .spawn();
        match child {
            Ok(mut child) => {
                std::thread::spawn(move || match child.wait() {
                    Ok(status) if status.success() => {}
                    Ok(status) => warn!("drawing the kept mat failed ({status})"),
                    Err(e) => warn!("drawing the kept mat failed: {e}"),
                });
            }
            Err(e) => {
                warn!("cannot start {} to keep the mat: {e}", keeper.display());
                self.add_notice("The mat's picture was not kept (see the log)".to_string());
            }
        }
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

/// The journal's record of a person of the home, added the first time.
fn person_named(
    journal: &Journal,
    name: &str,
    now: DateTime<Utc>,
) -> Result<PersonRef, StoreError> {
    match journal.people()?.into_iter().find(|p| p.name == name) {
        Some(person) => Ok(person),
        None => {
            info!("adding {name} to the journal");
            journal.add_person(name, now)
        }
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

/// Midnight today, local time.
fn start_of_local_day(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now.with_timezone(&chrono::Local);
    local
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .and_then(|midnight| midnight.and_local_timezone(chrono::Local).earliest())
        .map_or(now, |midnight| midnight.with_timezone(&Utc))
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
