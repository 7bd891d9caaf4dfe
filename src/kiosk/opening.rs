//! Opening a kiosk: each part loaded with what staff must be told about
//! it (the set, the journal, the clock, the home, the settings, the voice
//! packs, the nightly backup, the sets from the support plan); then the
//! flow started from what the journal remembers.

use std::path::Path;

use tracing::{error, info, warn};

use super::jobs::{Jobs, JournalCheck};
use super::journal_writer::JournalWriter;
use super::sets::{HomeInUse, SetsInUse};
use super::settings::{InForce, Personal};
use super::staff::StaffSide;
use super::{Kiosk, KioskPaths, UuidIds, DEMO_PERSON};
use crate::access::settings::{AccessSettings, ACCESS_FILE};
use crate::clock::{Clock, KioskClock};
use crate::core::flow::{FlowPerson, Restored};
use crate::core::housekeeping::Housekeeping;
use crate::core::{Display, Flow, FlowConfig, FlowEvent, Now, PersonId, Topic, Voicing};
use crate::library::home::Home;
use crate::library::plan_sets::SETS_DIR;
use crate::library::{load_set, LoadedSet};
use crate::store::backup::{Nightly, NIGHTLY_FILE};
use crate::store::reserve::Reserve;
use crate::sync::ToShare;
use crate::voice::volume::{VolumeSettings, VOICE_FILE};
use crate::voice::{Voice, VoicePack};

impl Kiosk {
    /// Loads the set and the home, opens the journal, and starts the flow.
    /// Only a set that cannot be loaded is an error: without pictures there
    /// is nothing to show.
    pub fn open(
        paths: KioskPaths,
        voice: Box<dyn Voice>,
        clock: Box<dyn Clock>,
    ) -> anyhow::Result<Kiosk> {
        let mut notices = Vec::new();
        let mut set = open_set(&paths, &mut notices)?;
        let journal =
            crate::store::recover::open_journal(&paths.journal(), clock.now().wall, &mut notices);
        let (latest, last_mark) = match &journal {
            Some(journal) => (
                journal.latest_time().unwrap_or_default(),
                journal.clock_marks().ok().and_then(|mut marks| marks.pop()),
            ),
            None => (None, None),
        };
        let clock = KioskClock::new(clock, latest, last_mark);
        let now = clock.now();
        let (device, pack) = device_settings(&paths, &mut notices);
        let reserve = Reserve::in_data_dir(&paths.data_dir);
        let (writer, notice) = JournalWriter::new(paths.journal(), journal, reserve);
        notices.extend(notice);
        let nightly = Nightly::load(&paths.data_dir.join(NIGHTLY_FILE)).unwrap_or_else(|e| {
            warn!("{e}");
            notices.push(format!(
                "Nightly backup not set up: {NIGHTLY_FILE} cannot be used (see the log)"
            ));
            None
        });
        let opened = open_home(
            &paths,
            &mut set,
            &device,
            &pack,
            writer.journal.as_ref(),
            now,
        );
        notices.extend(opened.notices.iter().cloned());
        let config = opened.flow_config(&set, &device, &pack, notices);
        info!(
            topics = config.topics.len(),
            people = config.people.len(),
            "kiosk ready"
        );
        let restored = match &writer.journal {
            Some(journal) => journal.restored(now.wall).unwrap_or_else(|e| {
                error!("cannot read what the journal remembers: {e}");
                Restored::default()
            }),
            None => Restored::default(),
        };
        let (flow, effects) = Flow::start(config, chrono::Local, now, restored, &mut UuidIds);
        let mut kiosk = Kiosk {
            staff: StaffSide::default(),
            housekeeping: Housekeeping::new(nightly.as_ref().map(|n| n.at), now.mono),
            nightly,
            settings: InForce::new(device.clone(), opened.people),
            home: HomeInUse {
                device,
                pack,
                notices: opened.notices,
                sets: opened.sets,
            },
            paths,
            set,
            flow,
            journal: writer,
            voice,
            clock,
            jobs: Jobs::new(),
        };
        kiosk.begin(effects, now);
        Ok(kiosk)
    }

    /// The flow's first effects carried out, and the journal looked at.
    fn begin(&mut self, effects: Vec<crate::core::FlowEffect>, now: Now) {
        if self.journal.journal.is_none() {
            // Nothing can be kept yet: the person is never told "saved".
            self.run(FlowEvent::Saving(false), now);
        } else {
            // Damage is most often found at a start (after a power cut):
            // looked for at once, beside the person's first screen.
            self.jobs
                .check_journal(self.paths.journal(), JournalCheck::Quick);
        }
        self.carry_out(effects, now);
    }
}

/// The home file read as the kiosk uses it: each person's settings, what
/// the flow knows of them, and the sets from the plan added to theirs.
pub(super) struct OpenedHome {
    pub people: Vec<Personal>,
    flow_people: Vec<FlowPerson>,
    supporters: Vec<String>,
    idle_minutes: u32,
    pub sets: SetsInUse,
    topics: Vec<Topic>,
    /// What staff must be told about it.
    pub notices: Vec<String>,
}

/// Reads the home file (at a start, or when one came from the hub), with
/// the identity rules of [`crate::library::home::load_for_kiosk`].
pub(super) fn open_home(
    paths: &KioskPaths,
    set: &mut LoadedSet,
    device: &Personal,
    device_pack: &VoicePack,
    journal: Option<&crate::store::Journal>,
    now: Now,
) -> OpenedHome {
    let mut notices = Vec::new();
    let home = crate::library::home::load_for_kiosk(
        paths.home.as_deref(),
        &paths.data_dir,
        &set.set,
        journal,
        DEMO_PERSON,
        &mut notices,
    );
    let (people, mut flow_people) =
        people_of(&home, device, device_pack, journal, now, &mut notices);
    let (sets, mut topics) = sets_in_use(paths, set, &mut flow_people, &mut notices);
    house_questions_in_use(paths, &mut topics, &mut flow_people, now, &mut notices);
    OpenedHome {
        people,
        flow_people,
        supporters: home.supporters,
        idle_minutes: home.idle_minutes,
        sets,
        topics,
        notices,
    }
}

impl OpenedHome {
    /// What the flow starts with; `notices` for the staff line.
    pub fn flow_config(
        &self,
        set: &LoadedSet,
        device: &Personal,
        device_pack: &VoicePack,
        notices: Vec<String>,
    ) -> FlowConfig {
        FlowConfig {
            set_id: set.set.id.clone(),
            topics: self.topics.clone(),
            people: self.flow_people.clone(),
            supporters: self.supporters.clone(),
            idle_ms: u64::from(self.idle_minutes) * 60_000,
            device: Voicing {
                phrases: device_pack.phrases.clone(),
                auditory_cues: device.access.auditory_scanning,
                display: Display::default(),
                answer_after_ms: device.access.answer_after_ms,
            },
            notices,
        }
    }
}

/// The sets from the support plan added to the kiosk's own: each person's
/// topics given theirs; the home's topics with them.
fn sets_in_use(
    paths: &KioskPaths,
    set: &mut LoadedSet,
    flow_people: &mut [FlowPerson],
    notices: &mut Vec<String>,
) -> (SetsInUse, Vec<Topic>) {
    let to_share = ToShare {
        data_dir: paths.data_dir.clone(),
        set: Some(set.clone()),
        photos: flow_people
            .iter()
            .filter_map(|p| Some((p.person.id.clone(), p.photo.clone()?)))
            .collect(),
    };
    let home_topics: Vec<(PersonId, Vec<usize>)> = flow_people
        .iter()
        .map(|p| (p.person.id.clone(), p.topics.clone()))
        .collect();
    let sets_dir = paths.data_dir.join(SETS_DIR);
    set.plan_sets = Some(sets_dir.clone());
    let (sets, with_plan_sets, problems) =
        SetsInUse::open(&set.set.topics, home_topics, &sets_dir, to_share);
    notices.extend(problems);
    for (person, topics) in flow_people.iter_mut().zip(with_plan_sets.person_topics) {
        person.topics = topics;
    }
    (sets, with_plan_sets.topics)
}

/// The house's questions the last sync brought, each a topic of the
/// residents it is for, offered like a check-in while its window is open.
fn house_questions_in_use(
    paths: &KioskPaths,
    topics: &mut Vec<Topic>,
    flow_people: &mut [FlowPerson],
    now: Now,
    notices: &mut Vec<String>,
) {
    let questions = match crate::library::house_questions::read(&paths.data_dir) {
        Ok(questions) => questions,
        Err(e) => {
            warn!("{e}");
            notices.push(e.to_string());
            return;
        }
    };
    for question in &questions {
        let Some(mut topic) = question.topic() else {
            continue; // a scale this sayso does not know: a newer hub's
        };
        for (card, given) in topic.cards.iter_mut().zip(&question.cards) {
            card.picture = given.picture.as_deref().and_then(|name| {
                crate::library::house_questions::card_picture(&paths.data_dir, name)
            });
        }
        if topics.iter().any(|t| t.id == topic.id) {
            continue;
        }
        // A window closed lately stays in the schedule, so that what became
        // of it is recorded (a kiosk that was off at its close too).
        let index = (now.wall < question.closes).then(|| {
            topics.push(topic);
            topics.len() - 1
        });
        for person in flow_people
            .iter_mut()
            .filter(|p| question.people.contains(&p.person.id))
        {
            person.topics.extend(index);
            person.schedule.once.push(question.window());
        }
    }
}

/// The picture set, which must have a topic to show; what it lacks goes to
/// staff (the log names no topic or card: counts there, the words for
/// staff).
fn open_set(paths: &KioskPaths, notices: &mut Vec<String>) -> anyhow::Result<LoadedSet> {
    let set = load_set(&paths.set)?;
    if set.set.topics.is_empty() {
        anyhow::bail!(
            "the picture set {} has no topic that can be used: {}",
            set.path.display(),
            set.set.set_aside.join("; ")
        );
    }
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
    Ok(set)
}

/// The device's own settings (how to press, how loud) and voice pack.
fn device_settings(paths: &KioskPaths, notices: &mut Vec<String>) -> (Personal, VoicePack) {
    let access = AccessSettings::load(&paths.data_dir.join(ACCESS_FILE)).unwrap_or_else(|e| {
        warn!("{e}");
        notices.push(format!(
            "Access settings not read, see the log ({ACCESS_FILE})"
        ));
        AccessSettings::default()
    });
    let pack = load_pack(&paths.voice_pack, notices);
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
    let device = Personal {
        access,
        volume,
        tts: pack.tts.clone(),
    };
    (device, pack)
}

/// Each person of the home: their settings (the device's where the home
/// gives none) and what the flow knows of them.
fn people_of(
    home: &Home,
    device: &Personal,
    device_pack: &VoicePack,
    journal: Option<&crate::store::Journal>,
    now: Now,
    notices: &mut Vec<String>,
) -> (Vec<Personal>, Vec<FlowPerson>) {
    let mut people = Vec::new();
    let mut flow_people = Vec::new();
    for person in &home.people {
        let pack = match &person.voice_pack {
            Some(dir) => load_pack(dir, notices),
            None => device_pack.clone(),
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
            person: crate::library::home::person_ref(journal, person, now.wall),
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
    (people, flow_people)
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
