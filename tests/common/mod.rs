//! Helpers shared by the integration tests: a kiosk on the demo set with a
//! temporary data directory, a fake voice and a clock that only moves on request.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::TimeZone;
use sayso::clock::ManualClock;
use sayso::core::{Event, Input, InputMethod, Screen};
use sayso::kiosk::KioskInput;
use sayso::kiosk::{Kiosk, KioskPaths};
use sayso::voice::{RecordingVoice, SpokenLog};

pub struct TestKiosk {
    pub kiosk: Kiosk,
    pub spoken: SpokenLog,
    pub clock: ManualClock,
    pub paths: KioskPaths,
    pub dir: tempfile::TempDir,
}

pub fn demo_set() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("images/demo/set.toml")
}

/// 09:00 UTC on a fixed day, so dates in the plan are predictable.
pub fn start_time() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

/// A kiosk with the first topic picked, as a person would on the first screen.
pub fn open_kiosk(set: &Path) -> TestKiosk {
    let mut test = open_kiosk_on_topics(set);
    pick_first_topic(&mut test.kiosk);
    test
}

/// The same, with a clock that moves only when the test says.
pub fn open_kiosk_exactly(set: &Path) -> TestKiosk {
    let mut test = open_kiosk_on_topics_exactly(set);
    pick_first_topic(&mut test.kiosk);
    test
}

/// How long the people of these tests take over each thing they do: long
/// enough to see each card before answering it, and for each key press to
/// be a press of its own.
pub fn pace() -> chrono::Duration {
    chrono::Duration::seconds(1)
}

/// A kiosk as it opens: on the topic picker (or, with one topic, its mat),
/// with a clock that moves on by [`pace`] at each reading.
pub fn open_kiosk_on_topics(set: &Path) -> TestKiosk {
    open_kiosk_with(set, ManualClock::paced(start_time(), pace()))
}

/// The same, with a clock that moves only when the test says.
pub fn open_kiosk_on_topics_exactly(set: &Path) -> TestKiosk {
    open_kiosk_with(set, ManualClock::new(start_time()))
}

/// A kiosk on `set` with the clock given.
pub fn open_kiosk_with(set: &Path, clock: ManualClock) -> TestKiosk {
    let dir = tempfile::tempdir().expect("a temporary data directory");
    let paths = KioskPaths::in_data_dir(&dir.path().join("data"), set);
    let (voice, spoken) = RecordingVoice::new();
    let kiosk = Kiosk::open(paths.clone(), Box::new(voice), Box::new(clock.clone()))
        .expect("the kiosk opens");
    TestKiosk {
        kiosk,
        spoken,
        clock,
        paths,
        dir,
    }
}

/// Where tests leave pictures of the screens for people to look at.
pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("the screenshot folder");
    dir
}

/// Picks the first topic on the topic picker, as a tap on it would.
pub fn pick_first_topic(kiosk: &mut Kiosk) {
    if kiosk.screen() == Screen::Topics {
        kiosk.input(KioskInput::Person(Input::new(
            Event::Choose(0),
            InputMethod::Touch,
        )));
    }
}

/// How long a test waits for a background sync or kept mat at most.
pub const JOB_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Lets the kiosk notice time passing; true if the screen changed.
pub fn tick(kiosk: &mut Kiosk) -> bool {
    let before = kiosk.view();
    kiosk.input(KioskInput::Tick);
    kiosk.view() != before
}

/// Places every card of the mat on offer under `point` and finishes it;
/// after a finished mat, starts the next one on the first topic.
pub fn finish_a_mat(kiosk: &mut Kiosk, point: usize) {
    kiosk.input(KioskInput::Person(Input::new(
        Event::StartAgain,
        InputMethod::Touch,
    )));
    pick_first_topic(kiosk);
    while kiosk.screen() == Screen::Mat {
        kiosk.input(KioskInput::Person(Input::new(
            Event::PlaceOn(point),
            InputMethod::Touch,
        )));
    }
    kiosk.input(KioskInput::Person(Input::new(
        Event::Finish,
        InputMethod::Touch,
    )));
    assert_eq!(kiosk.screen(), Screen::Finished);
}

/// Copies a folder and everything in it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder to copy into");
    for entry in std::fs::read_dir(from).expect("a folder to copy") {
        let entry = entry.expect("a file to copy");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("its kind").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("a copy");
        }
    }
}

/// One sync of an open journal into an open plan, with the default options.
pub fn sync(
    journal: &sayso::store::Journal,
    plan: &mut sayso::store::Plan,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<sayso::sync::SyncReport, sayso::store::StoreError> {
    sayso::sync::with_plan(journal, plan, now, &sayso::sync::SyncOptions::default())
}

/// One sync of a journal file with a plan file: records up, what is told back down, no
/// pictures (as `sayso sync` without a set).
pub fn sync_files(
    journal: &Path,
    target: &sayso::sync::PlanTarget,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<sayso::sync::SyncReport, sayso::store::StoreError> {
    sayso::sync::run(journal, target, now, &sayso::sync::SyncOptions::default())
}
