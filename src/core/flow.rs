//! The kiosk's flow: everything a person moves through, as one state machine.
//!
//! people → who is with me → (carry on a partial mat?) → topics → mat →
//! review → finished, and around it the daily check-in windows and their
//! outcomes, idle mats saved as partial and taken up again, which settings
//! (the device's or the person's) are in force, and when the support plan is
//! owed a sync. Like [`MatSession`], it is driven by `(event, now)` and
//! answers with [`FlowEffect`]s for the shell to carry out; what the screen
//! shows is [`Flow::view`].
//!
//! Architecture invariant: no I/O. The shell reads both clocks once per event
//! and passes them in as [`Now`]; new mat ids come from a [`NewIds`] the shell
//! gives; every journal row is a `Record` effect made here.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};

use super::event::{Event, Input, InputMethod, Step};
use super::ids::{PersonId, SessionId, TopicId};
use super::news::{News, NEWS_TOPIC};
use super::phrases::Prompt;
use super::picker::{Picker, PickerEffect, PickerKind};
use super::picture_set::Topic;
use super::record::{Company, Record};
use super::replay::{replay, JournalAction, ReplayedMat};
use super::schedule::{self, Offer, Outcome, Schedule, Window};
use super::session::{Choice, Effect, MatSession, PersonRef, Screen, SessionSettings, Utterance};
use super::time::{Mono, Now};
use super::voicing::Voicing;

/// How long after a failed sync the kiosk tries again by itself.
pub const SYNC_RETRY_MS: u64 = 60_000;

/// What the staff line says while the support plan is behind.
pub const SYNC_NOTICE: &str = "Support plan not updated yet (see the log)";
/// How every notice about records not being saved begins: they go once
/// saving resumes.
pub const NOT_SAVING: &str = "Not saving";

/// A person of the home, as the flow needs them.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowPerson {
    pub person: PersonRef,
    pub photo: Option<PathBuf>,
    /// Indices into [`FlowConfig::topics`], in the person's order.
    pub topics: Vec<usize>,
    pub schedule: Schedule,
    pub voicing: Voicing,
}

/// Everything the flow is given at start: the set's topics, the home.
#[derive(Debug, Clone)]
pub struct FlowConfig {
    pub set_id: String,
    pub topics: Vec<Topic>,
    pub people: Vec<FlowPerson>,
    /// Who may be with a person for a mat, by name.
    pub supporters: Vec<String>,
    /// A mat left untouched this long is saved as partial.
    pub idle_ms: u64,
    /// The device's own voicing, for whoever is choosing who they are.
    pub device: Voicing,
    /// Problems found while loading, for the staff line.
    pub notices: Vec<String>,
}

/// What the journal remembers from before a restart (a power cut, a crash,
/// an update): each person's most recent mat if it was left unfinished, and
/// the check-in windows already settled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Restored {
    pub left_mats: Vec<LeftMat>,
    pub settled_check_ins: HashSet<(PersonId, String)>,
    /// What staff did about things people said, not yet told to them.
    pub news: Vec<News>,
}

/// A person's most recent mat, started and never finished, as the journal
/// has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftMat {
    pub session_id: SessionId,
    pub person_id: PersonId,
    pub topic_id: TopicId,
    pub company: Company,
    pub actions: Vec<JournalAction>,
}

/// Whose settings are in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    Device,
    /// The person at this index of the home.
    Person(usize),
}

/// How a sync the shell ran went; the details stay in the shell's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncResult {
    Synced,
    Failed(PlanTrouble),
}

/// Why a sync could not reach the support plan, as staff need to know it:
/// waiting helps with some, only they can mend others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanTrouble {
    /// Another device or staff tool was writing to it for a long while.
    Busy,
    /// Not there: a drive or share not mounted.
    Missing,
    /// Damaged, or not a support plan at all.
    Damaged,
    /// Written by a newer version of sayso.
    Newer,
    /// The plan of another home.
    OtherHome,
    /// Anything else (the log says what).
    Other,
}

impl PlanTrouble {
    /// The staff line's words.
    pub fn notice(self) -> &'static str {
        match self {
            PlanTrouble::Busy => {
                "Support plan busy (another device or staff are writing to it): tried again in a minute"
            }
            PlanTrouble::Missing => {
                "Support plan not found (is its drive or network share there?): mats are kept here until it is"
            }
            PlanTrouble::Damaged => {
                "Support plan damaged: nothing was written to it; mats are kept here. Restore it from a backup (see the log)"
            }
            PlanTrouble::Newer => {
                "Support plan written by a newer version of sayso: update this kiosk; mats are kept here"
            }
            PlanTrouble::OtherHome => {
                "Support plan of another home: nothing was written to it (see the log: sayso plan join)"
            }
            PlanTrouble::Other => SYNC_NOTICE,
        }
    }
}

/// Everything that can happen to the flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowEvent {
    /// A person's action: a tap, a key, a switch, a GPIO button.
    Input(Input),
    /// Auto scanning moved the highlight by itself: not the person's action.
    ScanStep(Step),
    /// Time passed (the shell calls this about once a second).
    Tick,
    /// Staff on the mat: the supporter starts or stops helping place cards.
    ToggleHelping,
    /// A sync the flow asked for has ended.
    SyncDone(SyncResult),
    /// The picture of a finished mat was kept in the journal.
    MatKept,
    /// Something for staff to know (a missing picture, a stuck key).
    Problem(String),
    /// The journal can be written (true), or cannot just now (false: a full
    /// disk): what the person is told follows it.
    Saving(bool),
    /// A sync brought down what staff did: everything not yet told, for
    /// everyone (it replaces what the flow had).
    News(Vec<News>),
}

/// What the shell must do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowEffect {
    Say(Utterance),
    /// A row for the journal, written before the next effect.
    Record(Record),
    /// These settings (access, volume, voice) are in force from now on.
    ApplySettings(Whose),
    /// Decode these clips ahead of time (card clips relative to the set).
    Preload(Vec<String>),
    /// Bring the journal into the support plan.
    StartSync,
    /// Draw and keep the picture of this finished mat.
    KeepMat(SessionId),
}

/// Where new mat ids come from: UUIDv7 in the shell, a counter in tests.
pub trait NewIds {
    fn new_session_id(&mut self) -> SessionId;
}

/// What became of the check-ins so far, by (person, window key).
#[derive(Debug, Default, Clone)]
struct CheckInLog {
    offered: HashSet<(usize, String)>,
    /// Answered or declined, or recorded when their window closed.
    settled: HashSet<(usize, String)>,
    /// Windows closed up to here have their outcome recorded.
    checked_until: DateTime<Utc>,
}

pub struct Flow<Z: TimeZone> {
    config: FlowConfig,
    zone: Z,
    screen: Screen,
    /// The person at the kiosk, once chosen.
    person: Option<usize>,
    voicing: Voicing,
    company: Company,
    people: Picker,
    company_picker: Picker,
    resume_picker: Picker,
    topics: Picker,
    /// Back from a mat's first card: carry on, or stop for now.
    leave_picker: Picker,
    /// The mat under way (or just finished).
    session: Option<MatSession>,
    /// Mats left part-way, by person: each person's most recent mat, while
    /// it is unfinished and not on screen.
    paused: HashMap<usize, MatSession>,
    /// The person chose "start again" this turn: not offered again until
    /// someone else comes.
    afresh: bool,
    last_action: Mono,
    check_ins: CheckInLog,
    sync_retry_at: Option<Mono>,
    notices: Vec<String>,
    /// The notice of the last sync that failed, while it stands.
    sync_notice: Option<String>,
    /// The scale point a card was just placed on, until the next action.
    just_chosen: Option<usize>,
    /// Presses that could do nothing where they were made (a key for a
    /// point the scale does not have, "Finish" before the review): each is
    /// answered on screen.
    presses_that_did_nothing: u32,
    /// The journal can be written.
    saving: bool,
    /// What staff did about things people said, not yet told to them.
    news: Vec<News>,
    /// Topics from a changed picture set, taken up when a person next
    /// comes to their topics: never in the middle of a mat or a list.
    changed_topics: Option<ChangedTopics>,
}

/// A home's topics after a picture set changed: all of them, and each
/// person's, in the order of [`FlowConfig::people`].
#[derive(Debug, Clone, PartialEq)]
pub struct ChangedTopics {
    pub topics: Vec<Topic>,
    pub person_topics: Vec<Vec<usize>>,
}

impl<Z: TimeZone> Flow<Z> {
    /// Starts on the people of the home (with one person, on their turn),
    /// with what the journal remembers: a mat left open when the kiosk
    /// stopped is partial now, offered to carry on when its person comes
    /// back; check-ins already settled stay settled. Records what became of
    /// check-in windows that closed since, and asks for a sync in case one
    /// was owed before the restart.
    pub fn start(
        config: FlowConfig,
        zone: Z,
        now: Now,
        restored: Restored,
        ids: &mut dyn NewIds,
    ) -> (Flow<Z>, Vec<FlowEffect>) {
        let device = config.device.clone();
        let picker = |kind| Picker::new(kind, Vec::new(), &device);
        let people = Picker::new(
            PickerKind::People,
            config
                .people
                .iter()
                .map(|p| p.person.name.clone())
                .collect(),
            &device,
        );
        let midnight = start_of_local_day(now.wall, &zone);
        let mut flow = Flow {
            notices: config.notices.clone(),
            sync_notice: None,
            screen: Screen::People,
            person: None,
            voicing: device.clone(),
            company: Company::default(),
            people,
            company_picker: picker(PickerKind::Company),
            resume_picker: picker(PickerKind::Resume),
            topics: picker(PickerKind::Topics),
            leave_picker: picker(PickerKind::Leave),
            session: None,
            paused: HashMap::new(),
            afresh: false,
            last_action: now.mono,
            check_ins: CheckInLog {
                checked_until: midnight,
                ..CheckInLog::default()
            },
            sync_retry_at: None,
            just_chosen: None,
            presses_that_did_nothing: 0,
            saving: true,
            news: Vec::new(),
            changed_topics: None,
            config,
            zone,
        };
        let mut effects = flow.restore(restored, now);
        effects.extend(flow.record_closed_check_ins(now));
        effects.extend(flow.show_people(now, ids));
        effects.push(FlowEffect::StartSync);
        (flow, effects)
    }

    /// Takes up what the journal remembers. A mat of a person or topic no
    /// longer in the home or the set stays in the journal as it is.
    fn restore(&mut self, restored: Restored, now: Now) -> Vec<FlowEffect> {
        self.news = restored.news;
        let person_index =
            |id: &PersonId| self.config.people.iter().position(|p| p.person.id == *id);
        for (person_id, key) in &restored.settled_check_ins {
            if let Some(person) = person_index(person_id) {
                self.check_ins.settled.insert((person, key.clone()));
            }
        }
        let mut effects = Vec::new();
        for left in restored.left_mats {
            let Some(person) = person_index(&left.person_id) else {
                continue;
            };
            let Some(topic) = self.config.topics.iter().find(|t| t.id == left.topic_id) else {
                continue;
            };
            let voicing = &self.config.people[person].voicing;
            let settings = SessionSettings {
                phrases: voicing.phrases.clone(),
                auditory_cues: voicing.auditory_cues,
                company: left.company,
                answer_after_ms: voicing.answer_after_ms,
            };
            let session = MatSession::resume(
                left.session_id,
                self.config.people[person].person.clone(),
                topic.clone(),
                settings,
                &left.actions,
                now,
            );
            effects.push(FlowEffect::Record(Record::Paused {
                session_id: session.id().clone(),
                at: now.wall,
            }));
            self.paused.insert(person, session);
        }
        effects
    }

    pub fn handle(&mut self, event: FlowEvent, now: Now, ids: &mut dyn NewIds) -> Vec<FlowEffect> {
        match event {
            FlowEvent::Input(input) => {
                self.just_chosen = None;
                self.last_action = now.mono;
                let before = self.view();
                let effects = self.dispatch(input, now, ids);
                // A press that changes nothing and says nothing is shown to
                // have been felt: never silence after a press.
                if effects.is_empty() && self.view() == before {
                    self.presses_that_did_nothing += 1;
                }
                effects
            }
            FlowEvent::ScanStep(step) => {
                let input = Input::new(Event::MoveHighlight(step), InputMethod::Key);
                self.dispatch(input, now, ids)
            }
            FlowEvent::Tick => self.tick(now, ids),
            FlowEvent::ToggleHelping => {
                self.company.helped = !self.company.helped && self.company.supporter.is_some();
                if let Some(session) = &mut self.session {
                    session.set_helping(self.company.helped);
                }
                Vec::new()
            }
            FlowEvent::SyncDone(SyncResult::Synced) => {
                self.sync_retry_at = None;
                if let Some(notice) = self.sync_notice.take() {
                    self.notices.retain(|n| *n != notice);
                }
                Vec::new()
            }
            FlowEvent::SyncDone(SyncResult::Failed(trouble)) => {
                self.sync_retry_at = Some(now.mono.after_millis(SYNC_RETRY_MS));
                let notice = trouble.notice().to_string();
                if let Some(before) = self.sync_notice.replace(notice.clone()) {
                    self.notices.retain(|n| *n != before);
                }
                self.add_notice(notice);
                Vec::new()
            }
            FlowEvent::MatKept => vec![FlowEffect::StartSync],
            FlowEvent::Problem(problem) => {
                self.add_notice(problem);
                Vec::new()
            }
            FlowEvent::Saving(saving) => {
                self.saving = saving;
                if saving {
                    self.notices.retain(|n| !n.starts_with(NOT_SAVING));
                }
                if let Some(session) = &mut self.session {
                    session.set_saving(saving);
                }
                Vec::new()
            }
            FlowEvent::News(news) => {
                // One on screen now stays until the person finishes it.
                let telling = self.telling();
                self.news = news
                    .into_iter()
                    .filter(|n| Some(n.card_id_told()) != telling)
                    .collect();
                // A person at the start of their turn (as a one-person
                // kiosk always is) hears it now; anyone else when next chosen.
                match self.person {
                    Some(person)
                        if self.screen == Screen::Topics && self.news_for(person).is_some() =>
                    {
                        self.show_topics(now, ids)
                    }
                    _ => Vec::new(),
                }
            }
        }
    }

    /// An event goes to the picker or the mat on screen.
    fn dispatch(&mut self, input: Input, now: Now, ids: &mut dyn NewIds) -> Vec<FlowEffect> {
        let picked = match self.screen {
            Screen::People => self.people.handle(input.event),
            Screen::Company => self.company_picker.handle(input.event),
            Screen::Resume => self.resume_picker.handle(input.event),
            Screen::Topics => self.topics.handle(input.event),
            // "Back" again is "no, carry on".
            Screen::Leave if input.event == Event::Undo => return self.back_to_mat(now, ids),
            Screen::Leave => self.leave_picker.handle(input.event),
            Screen::Mat if self.asks_to_leave(input.event) => return self.ask_to_leave(),
            Screen::Mat | Screen::Review | Screen::Finished => {
                return match &mut self.session {
                    Some(session) => {
                        let effects = session.handle(input, now);
                        self.carry_out_mat(effects, now, ids)
                    }
                    None => Vec::new(),
                };
            }
        };
        let screen = self.screen;
        let mut out = Vec::new();
        for effect in picked {
            match effect {
                PickerEffect::Say(utterance) => out.push(FlowEffect::Say(utterance)),
                PickerEffect::Chosen(item) => out.extend(self.chosen(screen, item, now, ids)),
                PickerEffect::Declined => out.extend(self.decline_check_in(now)),
                PickerEffect::SomeoneElse => out.extend(self.show_people(now, ids)),
            }
        }
        out
    }

    /// What choosing item `item` on the picker of `screen` leads to.
    fn chosen(
        &mut self,
        screen: Screen,
        item: usize,
        now: Now,
        ids: &mut dyn NewIds,
    ) -> Vec<FlowEffect> {
        match screen {
            Screen::People => self.choose_person(item, now, ids),
            Screen::Company => {
                // 0 is "on my own"; then the supporters, in order.
                self.company = Company {
                    supporter: item
                        .checked_sub(1)
                        .and_then(|i| self.config.supporters.get(i).cloned()),
                    helped: false,
                };
                self.show_topics(now, ids)
            }
            Screen::Resume if item == RESUME_CARRY_ON => self.carry_on(now, ids),
            Screen::Resume => {
                // The partial mat stays as it is in the journal.
                self.afresh = true;
                self.show_topics(now, ids)
            }
            Screen::Topics => match self.person_topics().get(item) {
                Some(&topic) => self.start_mat(topic, now, ids),
                None => Vec::new(),
            },
            Screen::Leave if item == LEAVE_CARRY_ON => self.back_to_mat(now, ids),
            Screen::Leave => self.leave_mat(now, ids),
            Screen::Mat | Screen::Review | Screen::Finished => Vec::new(),
        }
    }

    /// Whether this is "Back" on a mat with no step to take back: the
    /// person wants out of the mat (the wrong topic, or not now).
    fn asks_to_leave(&self, event: Event) -> bool {
        let Some(session) = &self.session else {
            return false;
        };
        let back = match event {
            Event::Undo => true,
            Event::Select => session.highlighted_choice() == Some(Choice::Undo),
            _ => false,
        };
        back && session.is_open() && !session.can_undo()
    }

    /// "Stop this mat for now?", with carrying on first.
    fn ask_to_leave(&mut self) -> Vec<FlowEffect> {
        let Some(session) = &self.session else {
            return Vec::new();
        };
        let topic = session.topic();
        self.leave_picker = Picker::new(
            PickerKind::Leave,
            vec![
                topic.title.clone(),
                self.voicing.phrases.get(Prompt::StopForNow).text.clone(),
            ],
            &self.voicing,
        );
        self.screen = Screen::Leave;
        says(self.leave_picker.greeting())
    }

    /// Back to the mat as it was, its card offered again (and given its
    /// moment before a press counts).
    fn back_to_mat(&mut self, now: Now, ids: &mut dyn NewIds) -> Vec<FlowEffect> {
        let Some(session) = &mut self.session else {
            return self.show_topics(now, ids);
        };
        session.shown_again(now);
        self.screen = session.screen();
        let effects = session.handle(Input::new(Event::SayAgain, InputMethod::Touch), now);
        self.carry_out_mat(effects, now, ids)
    }

    /// The mat is kept as partial, to carry on with at the person's next
    /// turn, and the person chooses another topic. With one topic there is
    /// no other to choose: the person is offered to carry on or start again.
    fn leave_mat(&mut self, now: Now, ids: &mut dyn NewIds) -> Vec<FlowEffect> {
        let mut out = Vec::new();
        if let Some(session) = self.session.take() {
            out.push(FlowEffect::Record(Record::Paused {
                session_id: session.id().clone(),
                at: now.wall,
            }));
            if let Some(person) = self.person {
                self.paused.insert(person, session);
            }
        }
        if self.person_topics().len() > 1 {
            self.afresh = true;
            self.screen = Screen::Topics;
            self.offer_due_check_in(now);
            out.extend(says(self.topics.greeting()));
        } else {
            out.extend(self.show_topics(now, ids));
        }
        out
    }

    fn carry_out_mat(
        &mut self,
        effects: Vec<Effect>,
        now: Now,
        ids: &mut dyn NewIds,
    ) -> Vec<FlowEffect> {
        let mut out = Vec::new();
        for effect in effects {
            match effect {
                Effect::Say(utterance) => out.push(FlowEffect::Say(utterance)),
                Effect::Record(record) => {
                    if let Record::Placed { spot, .. } = &record {
                        self.just_chosen = Some(spot.point);
                    }
                    let finished = match &record {
                        Record::Finished { session_id, .. } => Some(session_id.clone()),
                        _ => None,
                    };
                    if finished.is_some() {
                        if let Some(told) = self.telling() {
                            self.news.retain(|n| n.card_id_told() != told);
                        }
                    }
                    out.push(FlowEffect::Record(record));
                    if let Some(session_id) = finished {
                        out.push(FlowEffect::StartSync);
                        out.push(FlowEffect::KeepMat(session_id));
                    }
                }
                Effect::Show(screen) => self.screen = screen,
                Effect::StartNewMat => out.extend(self.show_topics(now, ids)),
            }
        }
        out
    }

    /// The first screen: the people of the home, or with one person, theirs.
    /// Until someone is chosen the device's settings apply: whoever comes
    /// needs to be able to choose themselves.
    fn show_people(&mut self, now: Now, ids: &mut dyn NewIds) -> Vec<FlowEffect> {
        self.afresh = false;
        if self.config.people.len() == 1 {
            return self.choose_person(0, now, ids);
        }
        self.person = None;
        self.voicing = self.config.device.clone();
        self.screen = Screen::People;
        let mut effects = vec![FlowEffect::ApplySettings(Whose::Device)];
        effects.extend(says(self.people.greeting()));
        effects
    }

    /// A picture set changed: its topics are taken up when a person next
    /// comes to their topics. A mat under way, or left part-way, keeps the
    /// topic it started with.
    pub fn change_topics(&mut self, changed: ChangedTopics) {
        if changed.person_topics.len() == self.config.people.len() {
            self.changed_topics = Some(changed);
        }
    }

    /// Takes up changed topics, if any; true if it did.
    fn take_up_changed_topics(&mut self) -> bool {
        let Some(changed) = self.changed_topics.take() else {
            return false;
        };
        self.config.topics = changed.topics;
        for (person, topics) in self.config.people.iter_mut().zip(changed.person_topics) {
            person.topics = topics;
        }
        true
    }

    /// The topics list of the person at the kiosk, as the set has it now.
    fn list_person_topics(&mut self) {
        let Some(person) = self.person.and_then(|i| self.config.people.get(i)) else {
            return;
        };
        self.topics = Picker::new(
            PickerKind::Topics,
            person
                .topics
                .iter()
                .map(|&t| self.config.topics[t].title.clone())
                .collect(),
            &self.voicing,
        );
        self.topics.set_others(self.config.people.len() > 1);
    }

    /// A person starts their turn: their own topics, settings and voice.
    fn choose_person(&mut self, index: usize, now: Now, ids: &mut dyn NewIds) -> Vec<FlowEffect> {
        self.take_up_changed_topics();
        let Some(person) = self.config.people.get(index) else {
            return Vec::new();
        };
        self.person = Some(index);
        self.voicing = person.voicing.clone();
        self.company = Company::default();
        self.list_person_topics();
        let mut effects = vec![FlowEffect::ApplySettings(Whose::Person(index))];
        if self.config.supporters.is_empty() {
            effects.extend(self.show_topics(now, ids));
            return effects;
        }
        let mut choices = vec![self.voicing.phrases.get(Prompt::OnMyOwn).text.clone()];
        choices.extend(self.config.supporters.iter().cloned());
        self.company_picker = Picker::new(PickerKind::Company, choices, &self.voicing);
        self.screen = Screen::Company;
        effects.extend(says(self.company_picker.greeting()));
        effects
    }

    /// The person's topics; first, a mat they left part-way (carry on or
    /// start afresh); with only one topic, straight into a mat on it.
    fn show_topics(&mut self, now: Now, ids: &mut dyn NewIds) -> Vec<FlowEffect> {
        let Some(person) = self.person else {
            return Vec::new();
        };
        if self.take_up_changed_topics() {
            self.list_person_topics();
        }
        if let Some(paused) = self.paused.get(&person).filter(|_| !self.afresh) {
            let topic = paused.topic().title.clone();
            self.resume_picker = Picker::new(
                PickerKind::Resume,
                vec![
                    topic,
                    self.voicing.phrases.get(Prompt::StartAfresh).text.clone(),
                ],
                &self.voicing,
            );
            self.screen = Screen::Resume;
            return says(self.resume_picker.greeting());
        }
        if let Some(news) = self.news_for(person) {
            let topic = news.as_topic(&self.config.topics, &self.voicing.phrases);
            return self.start_mat_on(topic, now, ids);
        }
        if let [only] = self.person_topics() {
            let only = *only;
            return self.start_mat(only, now, ids);
        }
        self.screen = Screen::Topics;
        self.offer_due_check_in(now);
        says(self.topics.greeting())
    }

    /// The set's indices of the topics of the person at the kiosk.
    pub fn person_topics(&self) -> &[usize] {
        self.person
            .map_or(&[], |i| self.config.people[i].topics.as_slice())
    }

    /// The first thing staff did for the person at the kiosk not yet told.
    fn news_for(&self, person: usize) -> Option<&News> {
        let id = &self.config.people[person].person.id;
        self.news.iter().find(|n| n.person_id == *id)
    }

    /// The card of news on the mat under way, if the mat is telling news.
    fn telling(&self) -> Option<crate::core::CardId> {
        let session = self.session.as_ref()?;
        (session.topic().id.as_str() == NEWS_TOPIC)
            .then(|| session.topic().cards.first().map(|c| c.id.clone()))
            .flatten()
    }

    /// A mat on one of the person's topics, answering the check-in that is
    /// due on it, if any.
    fn start_mat(&mut self, topic: usize, now: Now, ids: &mut dyn NewIds) -> Vec<FlowEffect> {
        let topic = self.config.topics[topic].clone();
        let answers = self
            .due_check_in(now)
            .filter(|(_, window)| window.topic == topic.id);
        let mut out = self.start_mat_on(topic, now, ids);
        if let (Some((person, window)), Some(session)) = (answers, &self.session) {
            let session_id = session.id().clone();
            out.extend(self.record_check_in(
                person,
                &window,
                Outcome::Answered,
                Some(session_id),
                now,
            ));
        }
        out
    }

    fn start_mat_on(&mut self, topic: Topic, now: Now, ids: &mut dyn NewIds) -> Vec<FlowEffect> {
        let Some(person) = self.person else {
            return Vec::new();
        };
        let settings = SessionSettings {
            phrases: self.voicing.phrases.clone(),
            auditory_cues: self.voicing.auditory_cues,
            company: self.company.clone(),
            answer_after_ms: self.voicing.answer_after_ms,
        };
        let set_id = topic
            .from_set
            .clone()
            .unwrap_or_else(|| self.config.set_id.clone());
        let (session, effects) = MatSession::start(
            ids.new_session_id(),
            self.config.people[person].person.clone(),
            &set_id,
            topic,
            settings,
            now,
        );
        let mut session = session;
        session.set_saving(self.saving);
        // This is now the person's most recent mat; an older partial one
        // stays in the journal as it is.
        self.paused.remove(&person);
        let preload = self.clips_of(&session);
        self.session = Some(session);
        self.screen = Screen::Mat;
        let mut out = vec![preload];
        out.extend(self.carry_out_mat(effects, now, ids));
        out
    }

    /// Carries on with the mat the person left part-way.
    fn carry_on(&mut self, now: Now, ids: &mut dyn NewIds) -> Vec<FlowEffect> {
        let Some(person) = self.person else {
            return Vec::new();
        };
        let Some(mut session) = self.paused.remove(&person) else {
            return self.show_topics(now, ids);
        };
        session.set_helping(self.company.helped);
        session.set_saving(self.saving);
        session.shown_again(now);
        let mut out = vec![
            FlowEffect::Record(Record::Resumed {
                session_id: session.id().clone(),
                at: now.wall,
            }),
            self.clips_of(&session),
        ];
        self.screen = session.screen();
        let effects = session.handle(Input::new(Event::SayAgain, InputMethod::Touch), now);
        self.session = Some(session);
        out.extend(self.carry_out_mat(effects, now, ids));
        out
    }

    /// The clips of a mat's topic, and the prompts', to decode ahead.
    fn clips_of(&self, session: &MatSession) -> FlowEffect {
        let mut clips: Vec<String> = session
            .topic()
            .cards
            .iter()
            .filter_map(|card| card.clip.clone())
            .collect();
        clips.extend(
            Prompt::ALL
                .into_iter()
                .filter_map(|prompt| self.voicing.phrases.get(prompt).clip.clone()),
        );
        FlowEffect::Preload(clips)
    }

    fn tick(&mut self, now: Now, ids: &mut dyn NewIds) -> Vec<FlowEffect> {
        let mut effects = self.record_closed_check_ins(now);
        if self.screen == Screen::Topics {
            let due_before = self.topics.due();
            self.offer_due_check_in(now);
            if self.topics.due() != due_before && self.topics.due().is_some() {
                effects.extend(says(self.topics.greeting()));
            }
        }
        effects.extend(self.check_idle(now, ids));
        if self.sync_retry_at.is_some_and(|at| now.mono >= at) {
            self.sync_retry_at = None;
            effects.push(FlowEffect::StartSync);
        }
        effects
    }

    /// A mat left untouched for the idle time is saved as partial, and the
    /// kiosk goes back to its first screen for whoever comes next. Measured
    /// on the monotonic clock: a wall clock set by NTP changes nothing.
    fn check_idle(&mut self, now: Now, ids: &mut dyn NewIds) -> Vec<FlowEffect> {
        let idle = now.mono.since(self.last_action);
        // A finished mat's screen has said all it has to say: in a shared
        // home the kiosk is soon ready for whoever comes next. (With one
        // person, it is their own screen to start again from.)
        if self.screen == Screen::Finished
            && self.config.people.len() > 1
            && idle >= FINISHED_SCREEN_STAYS_MS
        {
            self.last_action = now.mono;
            return self.show_people(now, ids);
        }
        if idle < self.config.idle_ms {
            return Vec::new();
        }
        let open = self.session.as_ref().is_some_and(|s| {
            s.is_open() && matches!(self.screen, Screen::Mat | Screen::Review | Screen::Leave)
        });
        let mut effects = Vec::new();
        if open {
            let session = self.session.take().expect("an open mat");
            effects.push(FlowEffect::Record(Record::Paused {
                session_id: session.id().clone(),
                at: now.wall,
            }));
            if let Some(person) = self.person {
                self.paused.insert(person, session);
            }
        } else if self.screen == Screen::People || self.config.people.len() == 1 {
            return Vec::new();
        }
        self.last_action = now.mono;
        effects.extend(self.show_people(now, ids));
        effects
    }

    /// The check-in window open now for the person, if not yet settled.
    fn due_check_in(&self, now: Now) -> Option<(usize, Window)> {
        let person = self.person?;
        let window = self.config.people[person]
            .schedule
            .due(now.wall, &self.zone)?;
        let settled = self.check_ins.settled.contains(&(person, window.key()));
        (!settled).then_some((person, window))
    }

    /// Puts the check-in due (if any) first on the topic picker.
    fn offer_due_check_in(&mut self, now: Now) {
        let due = self.due_check_in(now);
        let position = due.as_ref().and_then(|(person, window)| {
            self.config.people[*person]
                .topics
                .iter()
                .position(|&t| self.config.topics[t].id == window.topic)
        });
        if let Some((person, window)) = due {
            self.check_ins.offered.insert((person, window.key()));
        }
        if position != self.topics.due() {
            self.topics.set_due(position);
        }
    }

    fn decline_check_in(&mut self, now: Now) -> Vec<FlowEffect> {
        match self.due_check_in(now) {
            Some((person, window)) => {
                self.record_check_in(person, &window, Outcome::Declined, None, now)
            }
            None => Vec::new(),
        }
    }

    /// What became of a check-in, once per window.
    fn record_check_in(
        &mut self,
        person: usize,
        window: &Window,
        outcome: Outcome,
        session_id: Option<SessionId>,
        now: Now,
    ) -> Vec<FlowEffect> {
        if !self.check_ins.settled.insert((person, window.key())) {
            return Vec::new();
        }
        vec![FlowEffect::Record(Record::CheckIn {
            person_id: self.config.people[person].person.id.clone(),
            key: window.key(),
            topic_id: TopicId::new(window.topic.clone()),
            opens: window.opens,
            closes: window.closes,
            outcome,
            session_id,
            at: now.wall,
        })]
    }

    /// The outcome of every window that closed since the last look, for
    /// everyone: answered, declined (offered and turned down or let pass),
    /// or never offered. A wall clock set back finds nothing new; one set
    /// forward settles the windows it passed over.
    fn record_closed_check_ins(&mut self, now: Now) -> Vec<FlowEffect> {
        // A Pi without a real-time clock may start in 1970 and learn the
        // date later: windows further back than yesterday are not looked at
        // (a kiosk switched off for a week does not record that week either).
        let yesterday = start_of_local_day(now.wall, &self.zone) - chrono::Duration::days(1);
        let since = self.check_ins.checked_until.max(yesterday);
        if now.wall <= since {
            return Vec::new();
        }
        let mut effects = Vec::new();
        for person in 0..self.config.people.len() {
            let closed = self.config.people[person]
                .schedule
                .closed_between(since, now.wall, &self.zone);
            for window in closed {
                let offer = if self.check_ins.offered.contains(&(person, window.key())) {
                    Offer::Offered
                } else {
                    Offer::NotOffered
                };
                let outcome = schedule::unanswered(offer);
                effects.extend(self.record_check_in(person, &window, outcome, None, now));
            }
        }
        self.check_ins.checked_until = now.wall;
        effects
    }

    fn add_notice(&mut self, notice: String) {
        if !self.notices.contains(&notice) {
            self.notices.push(notice);
        }
    }

    // What the shell and the view read.

    pub fn screen(&self) -> Screen {
        self.screen
    }

    pub fn config(&self) -> &FlowConfig {
        &self.config
    }

    /// The person at the kiosk, once chosen.
    pub fn person(&self) -> Option<&FlowPerson> {
        self.config.people.get(self.person?)
    }

    pub fn company(&self) -> &Company {
        &self.company
    }

    pub fn voicing(&self) -> &Voicing {
        &self.voicing
    }

    /// How many presses so far could do nothing where they were made.
    pub fn presses_that_did_nothing(&self) -> u32 {
        self.presses_that_did_nothing
    }

    /// The mat under way (or just finished); `None` before a topic is picked.
    pub fn session(&self) -> Option<&MatSession> {
        self.session.as_ref()
    }

    /// The picker on screen (people, company, resume, topics), if any.
    pub fn picker(&self) -> Option<&Picker> {
        match self.screen {
            Screen::People => Some(&self.people),
            Screen::Company => Some(&self.company_picker),
            Screen::Resume => Some(&self.resume_picker),
            Screen::Topics => Some(&self.topics),
            Screen::Leave => Some(&self.leave_picker),
            Screen::Mat | Screen::Review | Screen::Finished => None,
        }
    }

    /// The mat the person at the kiosk left part-way, if any.
    pub fn paused_topic(&self) -> Option<&Topic> {
        self.paused.get(&self.person?).map(MatSession::topic)
    }

    /// How many choices the highlight moves through on the screen shown.
    pub fn choice_count(&self) -> usize {
        match (self.picker(), &self.session) {
            (Some(picker), _) => picker.choices().len(),
            (None, Some(session)) => session.choices().len(),
            (None, None) => 0,
        }
    }

    /// What the highlight is on, on the mat screens.
    pub fn mat_highlight(&self) -> Option<Choice> {
        match self.picker() {
            Some(_) => None,
            None => self.session.as_ref()?.highlighted_choice(),
        }
    }

    /// The scale point a card was just placed on, until the next action.
    pub fn just_chosen(&self) -> Option<usize> {
        self.just_chosen
    }

    /// Short messages for staff, newest last.
    /// The notice of the last failed sync, while it stands.
    pub fn sync_notice(&self) -> Option<&str> {
        self.sync_notice.as_deref()
    }

    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// Whether what the person does is being saved.
    pub fn saving(&self) -> bool {
        self.saving
    }

    /// What must survive a restart: see [`FlowMemory`].
    pub fn memory(&self) -> FlowMemory {
        let mut unfinished = BTreeMap::new();
        let id_of = |person: usize| self.config.people[person].person.id.clone();
        for (&person, session) in &self.paused {
            unfinished.insert(id_of(person), UnfinishedMat::of(session));
        }
        if let (Some(person), Some(session)) = (self.person, &self.session) {
            if session.is_open() {
                unfinished.insert(id_of(person), UnfinishedMat::of(session));
            }
        }
        let settled = self
            .check_ins
            .settled
            .iter()
            .map(|(person, key)| (id_of(*person), key.clone()))
            .collect();
        FlowMemory {
            unfinished,
            settled_check_ins: settled,
        }
    }
}

/// The resume picker's first item: carry on with the partial mat.
const RESUME_CARRY_ON: usize = 0;
/// How long the finished screen stays before the first screen comes back.
const FINISHED_SCREEN_STAYS_MS: u64 = 30_000;
/// On "stop this mat for now?", the item that carries on.
const LEAVE_CARRY_ON: usize = 0;

fn says(effects: Vec<PickerEffect>) -> Vec<FlowEffect> {
    effects
        .into_iter()
        .filter_map(|effect| match effect {
            PickerEffect::Say(utterance) => Some(FlowEffect::Say(utterance)),
            _ => None,
        })
        .collect()
}

/// Midnight today, in the kiosk's time zone.
fn start_of_local_day<Z: TimeZone>(now: DateTime<Utc>, zone: &Z) -> DateTime<Utc> {
    let local = now.with_timezone(zone);
    local
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .and_then(|midnight| zone.from_local_datetime(&midnight).earliest())
        .map_or(now, |midnight| midnight.with_timezone(&Utc))
}

/// The flow's state that matters beyond a restart, as the journal can tell
/// it: each person's most recent mat while it is unfinished (with what is on
/// it), and the check-in windows already settled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowMemory {
    pub unfinished: BTreeMap<PersonId, UnfinishedMat>,
    /// (person, window key).
    pub settled_check_ins: HashSet<(PersonId, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnfinishedMat {
    pub session_id: SessionId,
    pub topic_id: TopicId,
    pub mat: ReplayedMat,
}

impl UnfinishedMat {
    fn of(session: &MatSession) -> UnfinishedMat {
        UnfinishedMat {
            session_id: session.id().clone(),
            topic_id: session.topic().id.clone(),
            mat: session.as_replayed(),
        }
    }
}

impl Restored {
    /// What a journal of these records (in the order written) remembers.
    pub fn from_records(records: &[Record]) -> Restored {
        let mut latest: BTreeMap<PersonId, (SessionId, TopicId, Company)> = BTreeMap::new();
        let mut finished: HashSet<&SessionId> = HashSet::new();
        let mut actions: HashMap<&SessionId, Vec<JournalAction>> = HashMap::new();
        let mut settled = HashSet::new();
        for record in records {
            match record {
                Record::Started {
                    session_id,
                    person_id,
                    topic_id,
                    company,
                    ..
                } => {
                    latest.insert(
                        person_id.clone(),
                        (session_id.clone(), topic_id.clone(), company.clone()),
                    );
                }
                Record::Finished { session_id, .. } => {
                    finished.insert(session_id);
                }
                Record::CheckIn { person_id, key, .. } => {
                    settled.insert((person_id.clone(), key.clone()));
                }
                other => {
                    if let (Some(action), Some(session)) =
                        (JournalAction::from_record(other), record_session(other))
                    {
                        actions.entry(session).or_default().push(action);
                    }
                }
            }
        }
        let left_mats = latest
            .into_iter()
            .filter(|(_, (session, _, _))| !finished.contains(session))
            .map(|(person_id, (session_id, topic_id, company))| LeftMat {
                actions: actions.remove(&session_id).unwrap_or_default(),
                session_id,
                person_id,
                topic_id,
                company,
            })
            .collect();
        Restored {
            left_mats,
            settled_check_ins: settled,
            // News comes down from the plan, not from the person's records.
            news: Vec::new(),
        }
    }
}

impl FlowMemory {
    /// Rebuilds the memory from journal records, in the order written.
    pub fn from_records(records: &[Record]) -> FlowMemory {
        let restored = Restored::from_records(records);
        let unfinished = restored
            .left_mats
            .into_iter()
            .map(|left| {
                let mat = replay(&left.actions);
                (
                    left.person_id,
                    UnfinishedMat {
                        session_id: left.session_id,
                        topic_id: left.topic_id,
                        mat,
                    },
                )
            })
            .collect();
        FlowMemory {
            unfinished,
            settled_check_ins: restored.settled_check_ins,
        }
    }
}

fn record_session(record: &Record) -> Option<&SessionId> {
    match record {
        Record::Placed { session_id, .. }
        | Record::Skipped { session_id, .. }
        | Record::Marked { session_id, .. }
        | Record::Undone { session_id, .. } => Some(session_id),
        _ => None,
    }
}

#[cfg(test)]
#[path = "flow_tests.rs"]
mod tests;
