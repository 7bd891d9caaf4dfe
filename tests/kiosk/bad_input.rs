//! Bad input never stops the person: a missing or broken picture, a damaged
//! journal, a journal from a newer version, a broken clip. Each leaves a
//! message for staff and the mat carries on.

use crate::common;

use std::path::{Path, PathBuf};

use sayso::core::{Event, Input, InputMethod, PictureRef};
use sayso::kiosk::KioskInput;
use sayso::store::Journal;
use sayso::ui::Pictures;
use sayso::voice::ClipVoice;

/// A copy of the demo set in `dir`, which a test can then damage.
fn copy_demo_set(dir: &Path) -> PathBuf {
    let from = common::demo_set().parent().unwrap().to_path_buf();
    common::copy_dir(&from, dir);
    dir.join("set.toml")
}

fn place(kiosk: &mut sayso::kiosk::Kiosk, point: usize) {
    kiosk.input(KioskInput::Person(Input::new(
        Event::PlaceOn(point),
        InputMethod::Key,
    )));
}

#[test]
fn a_missing_or_broken_picture_gets_a_placeholder_and_the_set_still_works() {
    let dir = tempfile::tempdir().unwrap();
    let set = copy_demo_set(&dir.path().join("set"));
    std::fs::remove_file(dir.path().join("set/cards/pizza.svg")).unwrap();
    std::fs::write(
        dir.path().join("set/cards/tea.svg"),
        b"<svg this is not finished",
    )
    .unwrap();

    let mut test = common::open_kiosk(&set);
    let warnings = &test.kiosk.set().warnings;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("cards/pizza.svg is missing"),
        "{warnings:?}"
    );
    assert!(!test.kiosk.notices().is_empty(), "staff are told");

    let mut pictures = Pictures::immediate();
    let food = test.kiosk.set().set.topics[0].clone();
    let mut picture = |card: usize| {
        let picture = PictureRef::in_set(food.cards[card].picture.as_deref());
        pictures.get(test.kiosk.set(), &picture).is_some()
    };
    let (tea, pizza, bananas) = (picture(0), picture(1), picture(2));
    assert!(!tea, "a broken picture is a placeholder");
    let on_offer = test.kiosk.view().mat.card.expect("a card on offer");
    assert_eq!(on_offer.label, "tea", "with its label");
    assert!(!pizza, "a missing picture is a placeholder");
    assert!(bananas, "the other pictures still show");
    assert_eq!(pictures.take_new_warnings().len(), 2);

    // The cards can still be placed.
    place(&mut test.kiosk, 0);
    place(&mut test.kiosk, 1);
    assert_eq!(test.kiosk.session().expect("a mat").dealt_count(), 2);
}

#[test]
fn a_damaged_journal_is_kept_aside_and_a_new_one_started() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let damaged = b"SQLite format 3\0 but the rest of it was lost when the power went".repeat(100);
    std::fs::write(data.join("journal.sqlite"), &damaged).unwrap();

    let paths = sayso::kiosk::KioskPaths::in_data_dir(&data, &common::demo_set());
    let (voice, _spoken) = sayso::voice::RecordingVoice::new();
    let clock = sayso::clock::ManualClock::paced(common::start_time(), common::pace());
    let mut kiosk =
        sayso::kiosk::Kiosk::open(paths.clone(), Box::new(voice), Box::new(clock)).unwrap();
    common::pick_first_topic(&mut kiosk);

    assert!(
        kiosk.notices().iter().any(|n| n.contains("damaged")),
        "{:?}",
        kiosk.notices()
    );
    let kept: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("journal.sqlite.damaged-"))
        .collect();
    assert_eq!(kept.len(), 1, "the damaged file is kept: {kept:?}");
    assert_eq!(
        std::fs::read(data.join(&kept[0])).unwrap(),
        damaged,
        "untouched"
    );

    place(&mut kiosk, 0);
    let journal = Journal::open(&paths.journal()).unwrap();
    let session = kiosk.session().expect("a mat").id().to_string();
    assert_eq!(
        journal.placements(&session).unwrap().len(),
        1,
        "the new journal records"
    );
}

#[test]
fn a_journal_from_a_newer_version_is_kept_aside_and_the_mat_is_saved_in_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    drop(Journal::open(&data.join("journal.sqlite")).unwrap());
    rusqlite::Connection::open(data.join("journal.sqlite"))
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let newer = std::fs::read(data.join("journal.sqlite")).unwrap();

    let paths = sayso::kiosk::KioskPaths::in_data_dir(&data, &common::demo_set());
    let (voice, spoken) = sayso::voice::RecordingVoice::new();
    let clock = sayso::clock::ManualClock::paced(common::start_time(), common::pace());
    let mut kiosk =
        sayso::kiosk::Kiosk::open(paths.clone(), Box::new(voice), Box::new(clock)).unwrap();
    assert!(
        kiosk
            .notices()
            .iter()
            .any(|n| n.contains("newer version") && n.contains("kept as")),
        "{:?}",
        kiosk.notices()
    );
    let kept: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("journal.sqlite.newer-"))
        .collect();
    assert_eq!(kept.len(), 1, "the newer journal is kept: {kept:?}");
    assert_eq!(
        std::fs::read(data.join(&kept[0])).unwrap(),
        newer,
        "untouched"
    );

    common::finish_a_mat(&mut kiosk, 0);
    assert!(kiosk.view().saving, "saved, and so said");
    assert_eq!(
        spoken.texts().last().unwrap(),
        "Your mat is finished and saved."
    );
    let session = kiosk.session().unwrap().id().clone();
    let journal = Journal::open(&paths.journal()).unwrap();
    assert_eq!(
        journal.finished_session_ids().unwrap(),
        std::slice::from_ref(&session),
        "the new journal has the mat"
    );
}

#[test]
fn a_journal_that_cannot_be_opened_at_start_never_says_saved_and_the_mat_is_written_when_it_can() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // A folder where the journal should be: it cannot be opened or made,
    // whoever the kiosk runs as (as on a full disk, nothing can be written).
    let journal_path = data.join("journal.sqlite");
    std::fs::create_dir_all(&journal_path).unwrap();
    let paths = sayso::kiosk::KioskPaths::in_data_dir(&data, &common::demo_set());
    let (voice, spoken) = sayso::voice::RecordingVoice::new();
    let clock = sayso::clock::ManualClock::paced(common::start_time(), common::pace());
    let mut kiosk =
        sayso::kiosk::Kiosk::open(paths.clone(), Box::new(voice), Box::new(clock)).unwrap();

    common::finish_a_mat(&mut kiosk, 0);
    let said = spoken.texts();
    assert_eq!(said.last().unwrap(), "Your mat is finished.");
    assert!(said.iter().all(|s| !s.contains("saved")), "{said:?}");
    assert!(
        !kiosk.view().saving,
        "the finished screen does not say saved"
    );
    assert!(
        kiosk.view().staff_notice.starts_with("Not saving"),
        "{}",
        kiosk.view().staff_notice
    );
    let session = kiosk.session().unwrap().id().clone();

    // The way is clear again: within a tick, the whole mat is written.
    std::fs::remove_dir(&journal_path).unwrap();
    kiosk.input(KioskInput::Tick);
    let journal = Journal::open(&journal_path).unwrap();
    assert_eq!(
        journal.finished_session_ids().unwrap(),
        std::slice::from_ref(&session)
    );
    let cards = kiosk.session().unwrap().dealt_count();
    assert_eq!(journal.placements(&session).unwrap().len(), cards);
    assert!(kiosk.view().saving);
    assert!(
        kiosk.notices().iter().all(|n| !n.starts_with("Not saving")),
        "the staff line no longer says so: {:?}",
        kiosk.notices()
    );
}

#[test]
fn clips_are_really_decoded_and_a_broken_one_is_refused() {
    let demo_clip = common::demo_set().parent().unwrap().join("clips/tea.wav");
    ClipVoice::check(demo_clip.to_str().unwrap()).expect("the demo clip decodes");

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.wav");
    std::fs::write(&broken, b"RIFF\x10\0\0\0WAVEnot really").unwrap();
    let error = ClipVoice::check(broken.to_str().unwrap()).unwrap_err();
    assert!(error.to_string().contains("broken.wav"), "{error}");
    assert!(ClipVoice::check(dir.path().join("missing.ogg").to_str().unwrap()).is_err());
}

#[test]
fn a_topic_with_no_cards_or_a_scale_of_the_wrong_size_is_set_aside_and_the_rest_works() {
    let dir = tempfile::tempdir().unwrap();
    let set = copy_demo_set(&dir.path().join("set"));
    let mut text = std::fs::read_to_string(&set).unwrap();
    text.push_str(
        r##"
[scales.six]
points = [
  { label = "1", symbol = "s.svg", colour = "#000000", placed = "{card}", review = "{cards}" },
  { label = "2", symbol = "s.svg", colour = "#000000", placed = "{card}", review = "{cards}" },
  { label = "3", symbol = "s.svg", colour = "#000000", placed = "{card}", review = "{cards}" },
  { label = "4", symbol = "s.svg", colour = "#000000", placed = "{card}", review = "{cards}" },
  { label = "5", symbol = "s.svg", colour = "#000000", placed = "{card}", review = "{cards}" },
  { label = "6", symbol = "s.svg", colour = "#000000", placed = "{card}", review = "{cards}" },
]

[[topics]]
id = "empty"
title = "Empty"
question = "?"
scale = "like"

[[topics]]
id = "numbers"
title = "Numbers"
question = "?"
scale = "six"
cards = [ { id = "one", label = "one" } ]
"##,
    );
    std::fs::write(&set, text).unwrap();

    let mut test = common::open_kiosk_on_topics(&set);
    let notices: Vec<&String> = test
        .kiosk
        .notices()
        .iter()
        .filter(|n| n.starts_with("Picture set:"))
        .collect();
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert!(notices[0].contains("\"empty\" is set aside: it has no cards"));
    assert!(notices[1].contains("scale \"six\" has 6 points; a scale needs 2 to 5"));
    assert_eq!(test.kiosk.person_topics().len(), 3, "the good topics");

    // The person carries on, with no error box: the topics work.
    test.kiosk.input(KioskInput::Person(Input::new(
        Event::Choose(0),
        InputMethod::Touch,
    )));
    place(&mut test.kiosk, 0);
    assert_eq!(test.kiosk.session().unwrap().dealt_count(), 1);
}

#[test]
fn a_journal_scribbled_in_the_middle_is_noticed_at_once_and_what_can_be_read_is_recovered() {
    let mut test = common::open_kiosk_on_topics(&common::demo_set());
    for _ in 0..30 {
        common::finish_a_mat(&mut test.kiosk, 1);
    }
    test.kiosk.wait_for_jobs(common::JOB_WAIT);
    let common::TestKiosk {
        kiosk,
        clock,
        paths,
        dir: _dir,
        ..
    } = test;
    drop(kiosk);
    let synced_before = sayso::store::Plan::open(&paths.plan)
        .unwrap()
        .synced_session_ids()
        .unwrap();
    assert_eq!(synced_before.len(), 30);

    // 4 KB of nonsense in the middle of the file, on a page boundary.
    let journal_path = paths.journal();
    let mut bytes = std::fs::read(&journal_path).unwrap();
    let middle = bytes.len() / 2 / 4096 * 4096;
    bytes[middle..middle + 4096].fill(0xA5);
    std::fs::write(&journal_path, &bytes).unwrap();

    let (voice, _spoken) = sayso::voice::RecordingVoice::new();
    let mut kiosk =
        sayso::kiosk::Kiosk::open(paths.clone(), Box::new(voice), Box::new(clock)).unwrap();
    // Read whole beside the first screen, not before it.
    kiosk.wait_for_jobs(common::JOB_WAIT);
    let notice = kiosk
        .notices()
        .iter()
        .find(|n| n.contains("damaged"))
        .unwrap_or_else(|| panic!("staff are told at once: {:?}", kiosk.notices()))
        .clone();
    assert!(notice.contains("recovered"), "{notice}");
    let kept: Vec<_> = std::fs::read_dir(&paths.data_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| {
            name.starts_with("journal.sqlite.damaged-")
                && !name.ends_with("-shm")
                && !name.ends_with("-wal")
        })
        .collect();
    assert!(!kept.is_empty(), "the damaged file is kept");
    assert_eq!(
        std::fs::read(paths.data_dir.join(&kept[0])).unwrap(),
        bytes,
        "and left untouched"
    );

    // The new journal is sound, holds what could be read with the same ids,
    // and syncs without bringing anything in twice.
    let journal = Journal::open(&paths.journal()).expect("a sound journal");
    let recovered = journal.finished_session_ids().unwrap();
    assert!(!recovered.is_empty(), "{notice}");
    assert!(recovered.iter().all(|id| synced_before.contains(id)));
    let report =
        crate::common::sync_files(&paths.journal(), &paths.plan_target(), common::start_time())
            .expect("sync works again");
    assert_eq!(report.sessions, 0, "exactly once: nothing is doubled");
    drop(kiosk);
}

#[test]
fn a_set_with_no_usable_topic_is_refused_at_start_naming_the_file_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set.toml");
    std::fs::write(
        &set,
        "id = \"x\"\ntitle = \"X\"\n[[topics]]\nid = \"food\"\ntitle = \"Food\"\n\
         question = \"?\"\nscale = \"like\"\ncards = []\n",
    )
    .unwrap();
    let paths = sayso::kiosk::KioskPaths::in_data_dir(&dir.path().join("data"), &set);
    let (voice, _) = sayso::voice::RecordingVoice::new();
    let clock = sayso::clock::ManualClock::new(common::start_time());
    let Err(e) = sayso::kiosk::Kiosk::open(paths, Box::new(voice), Box::new(clock)) else {
        panic!("a set with nothing to show cannot start a kiosk");
    };
    let message = format!("{e:#}");
    assert!(message.contains(set.to_str().unwrap()), "{message}");
    assert!(
        message.contains("topic \"food\" is set aside"),
        "why: {message}"
    );
}

#[test]
fn damage_that_appears_while_the_kiosk_runs_is_found_by_the_daily_full_check_and_recovered() {
    let mut test = common::open_kiosk_on_topics(&common::demo_set());
    for _ in 0..10 {
        common::finish_a_mat(&mut test.kiosk, 1);
    }
    test.kiosk.wait_for_jobs(common::JOB_WAIT);
    // Everything into the main file, then 4 KB of nonsense in its middle.
    let journal_path = test.paths.journal();
    rusqlite::Connection::open(&journal_path)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    let mut bytes = std::fs::read(&journal_path).unwrap();
    let middle = bytes.len() / 2 / 4096 * 4096;
    bytes[middle..middle + 4096].fill(0xA5);
    std::fs::write(&journal_path, &bytes).unwrap();

    test.kiosk.input(KioskInput::Tick);
    test.kiosk.wait_for_jobs(common::JOB_WAIT);
    assert!(
        !test.kiosk.notices().iter().any(|n| n.contains("damaged")),
        "not before a day has passed"
    );
    test.clock.advance(chrono::Duration::hours(24));
    test.kiosk.input(KioskInput::Tick);
    test.kiosk.wait_for_jobs(common::JOB_WAIT);
    let notices = test.kiosk.notices().to_vec();
    assert!(
        notices
            .iter()
            .any(|n| n.contains("journal was damaged") && n.contains(": 10 mat(s) (10 finished)")),
        "set aside and recovered at once: {notices:?}"
    );
    // The person goes on, into the new journal.
    common::finish_a_mat(&mut test.kiosk, 0);
    let session = test.kiosk.session().unwrap().id().clone();
    let journal = Journal::open(&journal_path).expect("a sound journal");
    assert!(journal.finished_session_ids().unwrap().contains(&session));
    assert_eq!(journal.finished_session_ids().unwrap().len(), 11);
}

#[test]
fn a_data_directory_that_cannot_be_written_tells_staff_and_the_person_carries_on() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the data directory should be: nothing can be made in it,
    // whoever the kiosk runs as.
    let blocker = dir.path().join("data");
    std::fs::write(&blocker, "not a folder").unwrap();
    let paths = sayso::kiosk::KioskPaths::in_data_dir(&blocker.join("sayso"), &common::demo_set());
    let (voice, spoken) = sayso::voice::RecordingVoice::new();
    let clock = sayso::clock::ManualClock::paced(common::start_time(), common::pace());
    let mut kiosk = sayso::kiosk::Kiosk::open(paths, Box::new(voice), Box::new(clock))
        .expect("the kiosk opens without a data directory");
    common::pick_first_topic(&mut kiosk);
    let said_before = spoken.texts().len();
    place(&mut kiosk, 0);
    kiosk.input(KioskInput::Tick);
    assert!(
        spoken.texts().len() > said_before,
        "the person's card is still spoken"
    );
    let problems = kiosk.staff_view().problems;
    assert!(
        problems.iter().any(|p| p.starts_with("Not saving")),
        "staff are told nothing is saved: {problems:?}"
    );
    assert!(!blocker.join("sayso").exists());
}
