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

use crate::core::event::{Event, Input, InputMethod, Step};
use crate::core::ids::{PersonId, SessionId, TopicId};
use crate::core::phrases::Prompt;
use crate::core::picker::{Picker, PickerEffect, PickerKind};
use crate::core::picture_set::Topic;
use crate::core::record::{Company, Record};
use crate::core::replay::{replay, JournalAction, ReplayedMat};
use crate::core::schedule::{self, Offer, Outcome, Schedule, Window};
use crate::core::session::{
    Choice, Effect, MatSession, PersonRef, Screen, SessionSettings, Utterance,
};
use crate::core::time::{Mono, Now};
use crate::core::told_back::{ToldBack, TOLD_BACK_TOPIC};
use crate::core::voicing::Voicing;

mod leaving;
mod mats;
mod memory;
mod reading;
mod time_passing;
mod trouble;

pub use memory::{FlowMemory, UnfinishedMat};
pub use trouble::PlanTrouble;

/// How long after a failed sync the kiosk tries again by itself.
pub const SYNC_RETRY_MS: u64 = 60_000;
/// How often a kiosk nobody is using still looks at the support plan: for
/// sets, news and "you said, we did" told on another kiosk of the home.
pub const SYNC_EVERY_MS: u64 = 5 * 60_000;

/// How long nobody must touch the kiosk before a new home file is taken up.
pub const HOME_WAITS_FOR_QUIET_MS: u64 = 60_000;

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
    pub told_back: Vec<ToldBack>,
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
    ToldBack(Vec<ToldBack>),
    /// A sync brought a new home file (the people, their settings): the
    /// flow asks for it to be taken up at the next quiet moment.
    HomeChanged,
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
    /// Nobody is in the middle of anything: start again on the new home
    /// file, as a restart would (what the journal remembers carried over).
    TakeUpHome,
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
    /// When the kiosk syncs by itself: again after a failure, else to
    /// keep up with the plan.
    next_sync_at: Option<Mono>,
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
    told_back: Vec<ToldBack>,
    /// Topics from a changed picture set, taken up when a person next
    /// comes to their topics: never in the middle of a mat or a list.
    changed_topics: Option<ChangedTopics>,
    /// A new home file waits for a quiet moment.
    home_waiting: bool,
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
            next_sync_at: None,
            just_chosen: None,
            presses_that_did_nothing: 0,
            saving: true,
            told_back: Vec::new(),
            changed_topics: None,
            home_waiting: false,
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
        self.told_back = restored.told_back;
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
                self.next_sync_at = Some(now.mono.after_millis(SYNC_EVERY_MS));
                if let Some(notice) = self.sync_notice.take() {
                    self.notices.retain(|n| *n != notice);
                }
                Vec::new()
            }
            FlowEvent::SyncDone(SyncResult::Failed(trouble)) => {
                self.next_sync_at = Some(now.mono.after_millis(SYNC_RETRY_MS));
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
            FlowEvent::ToldBack(told_back) => {
                // One on screen now stays until the person finishes it.
                let telling = self.telling();
                self.told_back = told_back
                    .into_iter()
                    .filter(|n| Some(n.card_id_told()) != telling)
                    .collect();
                // A person at the start of their turn (as a one-person
                // kiosk always is) hears it now; anyone else when next chosen.
                match self.person {
                    Some(person)
                        if self.screen == Screen::Topics
                            && self.told_back_for(person).is_some() =>
                    {
                        self.show_topics(now, ids)
                    }
                    _ => Vec::new(),
                }
            }
            FlowEvent::HomeChanged => {
                self.home_waiting = true;
                self.take_up_home_when_quiet(now)
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
        if let Some(told_back) = self.told_back_for(person) {
            let topic = told_back.as_topic(&self.config.topics, &self.voicing.phrases);
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
    fn told_back_for(&self, person: usize) -> Option<&ToldBack> {
        let id = &self.config.people[person].person.id;
        self.told_back.iter().find(|n| n.person_id == *id)
    }

    /// The card told back on the mat under way, if the mat is telling back.
    fn telling(&self) -> Option<crate::core::CardId> {
        let session = self.session.as_ref()?;
        (session.topic().id.as_str() == TOLD_BACK_TOPIC)
            .then(|| session.topic().cards.first().map(|c| c.id.clone()))
            .flatten()
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

#[cfg(test)]
mod tests;
