//! The log (journald on a Pi) holds no care data: a whole turn in the demo
//! home, at the log level the kiosk runs at, names no person, supporter,
//! topic or card, and says nothing of what the person answered.
//!
//! The process's global logger is installed first, before anything else in
//! this test binary runs, so it also catches the background threads (sync)
//! and every other flow run here.

use crate::common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use chrono::TimeZone;
use sayso::clock::ManualClock;
use sayso::core::{Event, Input, InputMethod, PictureRef, Screen};
use sayso::kiosk::KioskInput;
use sayso::kiosk::{Kiosk, KioskPaths};
use sayso::voice::RecordingVoice;

#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the global logger, at the level the kiosk runs at, into a buffer.
pub fn capture() -> Captured {
    let log = Captured::default();
    let writer = log.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish(),
    )
    .unwrap();
    log
}

/// A whole turn in the demo home, then: nothing in the log names a person,
/// supporter, topic or card, or says what was answered.
pub fn a_whole_turn_leaves_no_name_topic_card_or_answer_in_the_log(log: &Captured) {
    // The demo set with one card picture gone, so warnings are logged too.
    let dir = tempfile::tempdir().unwrap();
    let set_dir = dir.path().join("set");
    common::copy_dir(common::demo_set().parent().unwrap(), &set_dir);
    std::fs::remove_file(set_dir.join("cards/pizza.svg")).unwrap();
    let set = set_dir.join("set.toml");
    let data = dir.path().join("data");
    let mut paths = KioskPaths::in_data_dir(&data, &set);
    paths.home = Some(set_dir.join("home.toml"));
    // Half past eight: Alex's breakfast check-in is due.
    let start = chrono::Local
        .with_ymd_and_hms(2026, 11, 2, 8, 30, 0)
        .earliest()
        .unwrap()
        .with_timezone(&chrono::Utc);
    let clock = ManualClock::paced(start, common::pace());
    let (voice, spoken) = RecordingVoice::new();
    let mut kiosk = Kiosk::open(paths, Box::new(voice), Box::new(clock.clone())).unwrap();
    let tap = |kiosk: &mut Kiosk, event| {
        kiosk.input(KioskInput::Person(Input::new(event, InputMethod::Touch)))
    };

    tap(&mut kiosk, Event::Choose(0));
    assert_eq!(kiosk.screen(), Screen::Company);
    tap(&mut kiosk, Event::Choose(1));
    tap(&mut kiosk, Event::Choose(0));
    assert_eq!(kiosk.screen(), Screen::Mat);
    kiosk.input(KioskInput::ToggleHelping);
    tap(&mut kiosk, Event::TellMeMore);
    tap(&mut kiosk, Event::Skip);
    while kiosk.screen() == Screen::Mat {
        tap(&mut kiosk, Event::PlaceOn(2));
    }
    tap(&mut kiosk, Event::Finish);
    // The pictures of the mat, one of them missing.
    let mut pictures = sayso::ui::Pictures::immediate();
    for card in &kiosk.session().unwrap().topic().cards {
        pictures.get(kiosk.set(), &PictureRef::in_set(card.picture.as_deref()));
    }
    for warning in pictures.take_new_warnings() {
        kiosk.input(KioskInput::Problem(warning));
    }
    kiosk.wait_for_jobs(common::JOB_WAIT);
    // Sam, then a mat left to go idle, and a check-in window closing.
    tap(&mut kiosk, Event::StartAgain);
    tap(&mut kiosk, Event::SomeoneElse);
    tap(&mut kiosk, Event::Choose(1));
    tap(&mut kiosk, Event::Choose(0));
    tap(&mut kiosk, Event::Choose(0));
    tap(&mut kiosk, Event::PlaceOn(0));
    clock.advance(chrono::Duration::hours(8));
    kiosk.input(KioskInput::Tick);
    kiosk.wait_for_jobs(common::JOB_WAIT);
    assert!(!spoken.texts().is_empty());

    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("synced to the support plan"), "{text}");
    let loaded = kiosk.set();
    let mut care_words: Vec<String> = vec![
        "Alex".into(),
        "Sam".into(),
        "Jo".into(),
        "Priya".into(),
        "like".into(),
        "answered".into(),
        "declined".into(),
    ];
    for topic in &loaded.set.topics {
        care_words.push(topic.title.clone());
        care_words.extend(topic.cards.iter().map(|c| c.label.clone()));
    }
    let tokens: std::collections::HashSet<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .collect();
    let lower = text.to_lowercase();
    for word in care_words {
        let word = word.to_lowercase();
        let found = if word.contains(' ') {
            lower.contains(&word)
        } else {
            tokens.contains(&word)
        };
        assert!(!found, "the log names \"{word}\":\n{text}");
    }
}
