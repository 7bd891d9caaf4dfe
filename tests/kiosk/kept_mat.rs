//! A finished mat is kept as a picture, drawn by `sayso keep-mat` in a
//! process of its own, linked from the journal and then from the plan.

use crate::common;

use sayso::core::{Event, Input, InputMethod};
use sayso::kiosk::KioskInput;
use sayso::store::{Journal, Plan};

/// A kiosk on the demo set whose finished mats are drawn by a real `sayso
/// keep-mat` process, on its first topic.
fn kiosk_that_keeps_mats(dir: &std::path::Path) -> (sayso::kiosk::Kiosk, sayso::kiosk::KioskPaths) {
    let mut paths = sayso::kiosk::KioskPaths::in_data_dir(&dir.join("data"), &common::demo_set());
    paths.keeper = Some(env!("CARGO_BIN_EXE_sayso").into());
    let (voice, _spoken) = sayso::voice::RecordingVoice::new();
    let clock = sayso::clock::ManualClock::paced(common::start_time(), common::pace());
    let mut kiosk =
        sayso::kiosk::Kiosk::open(paths.clone(), Box::new(voice), Box::new(clock)).unwrap();
    common::pick_first_topic(&mut kiosk);
    (kiosk, paths)
}

#[test]
fn a_finished_mat_is_kept_as_a_picture_linked_from_journal_and_plan() {
    let dir = tempfile::tempdir().unwrap();
    let (mut kiosk, paths) = kiosk_that_keeps_mats(dir.path());
    let mut act = |event| kiosk.input(KioskInput::Person(Input::new(event, InputMethod::Touch)));
    act(Event::TellMeMore);
    act(Event::PlaceOn(0));
    act(Event::Skip);
    for point in [1, 2, 2, 0] {
        act(Event::PlaceOn(point));
    }
    act(Event::Finish);
    let session = kiosk.session().unwrap().id().to_string();
    // The picture is drawn by a process of its own while the kiosk carries
    // on; the kiosk's own sync then brings it into the plan.
    kiosk.wait_for_jobs(common::JOB_WAIT);
    let kept = Journal::open(&paths.journal())
        .unwrap()
        .kept_mats()
        .unwrap();
    let picture = kept
        .into_iter()
        .find(|(s, _)| *s == session)
        .map(|(_, picture)| picture)
        .expect("the mat was kept");
    assert_eq!(picture, format!("mats/{session}.png"));
    let file = std::fs::File::open(paths.data_dir.join(&picture)).unwrap();
    let reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap();
    assert_eq!((reader.info().width, reader.info().height), (1200, 800));

    // One writer to the plan per device: the keeper wrote only the journal,
    // and the kiosk's next sync carried the picture.
    let plan = Plan::open(&paths.plan).unwrap();
    assert_eq!(plan.mat_picture(&session).unwrap(), Some(picture.clone()));
    // Left in target/ for people to look at.
    let _ = std::fs::copy(
        paths.data_dir.join(&picture),
        common::screenshot_dir().join("kept-mat.png"),
    );
}

/// How many pixels of a PNG are exactly this colour.
pub fn pixels_of(path: &std::path::Path, rgb: [u8; 3]) -> usize {
    let file = std::fs::File::open(path).unwrap();
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buffer).unwrap();
    let channels = frame.color_type.samples();
    buffer[..frame.buffer_size()]
        .chunks_exact(channels)
        .filter(|p| p[..3] == rgb)
        .count()
}

#[test]
fn a_blank_card_the_person_added_is_kept_with_its_own_picture() {
    let dir = tempfile::tempdir().unwrap();
    let (mut kiosk, paths) = kiosk_that_keeps_mats(dir.path());
    let mut act = |event| kiosk.input(KioskInput::Person(Input::new(event, InputMethod::Touch)));
    // Only the blank card is placed: every other card is skipped.
    act(Event::SomethingElse);
    act(Event::PlaceOn(0));
    for _ in 0..6 {
        act(Event::Skip);
    }
    act(Event::Finish);
    let session = kiosk.session().unwrap().id().to_string();
    kiosk.wait_for_jobs(common::JOB_WAIT);
    let picture = paths.data_dir.join(format!("mats/{session}.png"));
    assert!(picture.is_file(), "the mat was kept");
    // The blank card's picture is a grey plus, #d0cfce.
    assert!(
        pixels_of(&picture, [0xd0, 0xcf, 0xce]) > 500,
        "the blank card's own picture, not the broken-picture placeholder"
    );
}
