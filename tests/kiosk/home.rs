//! A shared home: each person picks themselves by their photo and gets their
//! own topics, settings and voice; daily check-ins are offered when due and
//! each one's outcome is kept: answered, declined or never offered.

use crate::common;

use std::path::Path;

use crate::common::sync_files;
use chrono::{DateTime, Duration, TimeZone, Utc};
use sayso::access::settings::AccessMethod;
use sayso::clock::ManualClock;
use sayso::core::{Event, Input, InputMethod, Screen};
use sayso::kiosk::KioskInput;
use sayso::kiosk::{Kiosk, KioskPaths};
use sayso::store::{Journal, Plan};
use sayso::voice::{RecordingVoice, SpokenLog};

const HOME: &str = r#"
supporters = ["Jo"]

[[people]]
name = "Alex"
[[people.check_ins]]
topic = "food"
from = "08:00"
until = "10:00"
[[people.check_ins]]
topic = "my-week"
from = "18:00"
until = "19:00"

[[people]]
name = "Sam"
photo = "no-such-photo.jpg"
topics = ["going-out", "my-week", "holidays"]
high_contrast = true
[people.access]
method = "step-scanning"
[[people.check_ins]]
topic = "going-out"
from = "09:00"
until = "09:30"
[[people.check_ins]]
topic = "my-week"
from = "09:15"
until = "09:45"
"#;

/// Local time on the day the tests run on.
fn local(hour: u32, minute: u32) -> DateTime<Utc> {
    chrono::Local
        .with_ymd_and_hms(2026, 11, 2, hour, minute, 0)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

struct Home {
    kiosk: Kiosk,
    spoken: SpokenLog,
    clock: ManualClock,
    paths: KioskPaths,
    _dir: tempfile::TempDir,
}

fn open_home(at: DateTime<Utc>) -> Home {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home.toml");
    std::fs::write(&home, HOME).unwrap();
    let mut paths = KioskPaths::in_data_dir(&dir.path().join("data"), &common::demo_set());
    paths.home = Some(home);
    let (voice, spoken) = RecordingVoice::new();
    let clock = ManualClock::paced(at, common::pace());
    let kiosk = Kiosk::open(paths.clone(), Box::new(voice), Box::new(clock.clone())).unwrap();
    Home {
        kiosk,
        spoken,
        clock,
        paths,
        _dir: dir,
    }
}

fn touch(kiosk: &mut Kiosk, event: Event) {
    kiosk.input(KioskInput::Person(Input::new(event, InputMethod::Touch)));
}

fn check_ins(paths: &KioskPaths, person: &str) -> Vec<(String, String)> {
    let journal = Journal::open(&paths.journal()).unwrap();
    let id = journal
        .people()
        .unwrap()
        .into_iter()
        .find(|p| p.name == person)
        .unwrap()
        .id;
    journal.check_ins(&id).unwrap()
}

#[test]
fn each_person_picks_their_photo_and_gets_their_own_topics_and_settings() {
    let mut h = open_home(local(12, 0));
    assert_eq!(h.kiosk.screen(), Screen::People);
    assert_eq!(h.spoken.texts(), ["Who is here? Touch your photo."]);
    let problems: Vec<&String> = h
        .kiosk
        .notices()
        .iter()
        .filter(|n| n.starts_with("Home:"))
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("Sam: topic \"holidays\" is not in the picture set"));
    assert!(problems[1].contains("overlaps"), "{problems:?}");

    touch(&mut h.kiosk, Event::Choose(1));
    assert_eq!(h.kiosk.view().person_name, "Sam");
    // Who is with Sam: on my own, or a supporter of the home.
    assert_eq!(h.kiosk.screen(), Screen::Company);
    assert_eq!(h.spoken.texts().last().unwrap(), "Who is with you?");
    assert_eq!(h.kiosk.flow().picker().unwrap().title(0), "on my own");
    touch(&mut h.kiosk, Event::Choose(1));
    assert_eq!(h.kiosk.flow().company().supporter.as_deref(), Some("Jo"));
    assert_eq!(h.kiosk.screen(), Screen::Topics);
    assert_eq!(h.kiosk.person_topics().len(), 2, "going out and my week");
    assert!(h.kiosk.view().display.high_contrast);
    assert_eq!(h.kiosk.access().method, AccessMethod::StepScanning);

    touch(&mut h.kiosk, Event::Choose(0));
    assert_eq!(h.kiosk.session().unwrap().topic().id, "going-out");
    // Jo places the second card for Sam: that placement is marked as helped.
    touch(&mut h.kiosk, Event::PlaceOn(0));
    h.kiosk.input(KioskInput::ToggleHelping);
    touch(&mut h.kiosk, Event::PlaceOn(1));
    h.kiosk.input(KioskInput::ToggleHelping);

    // Back on the topics after the mat, "someone else" leads to the people again.
    for _ in 0..4 {
        touch(&mut h.kiosk, Event::Skip);
    }
    touch(&mut h.kiosk, Event::Finish);
    let session = h.kiosk.session().unwrap().id().to_string();
    let journal = Journal::open(&h.paths.journal()).unwrap();
    let mat = journal.finished_session(&session).unwrap().unwrap();
    assert_eq!(mat.company.supporter.as_deref(), Some("Jo"));
    let helped: Vec<bool> = mat.placements.iter().map(|p| p.helped).collect();
    assert_eq!(helped, [false, true]);
    touch(&mut h.kiosk, Event::StartAgain);
    assert_eq!(h.kiosk.screen(), Screen::Topics);
    touch(&mut h.kiosk, Event::SomeoneElse);
    assert_eq!(h.kiosk.screen(), Screen::People);
    assert_eq!(
        h.kiosk.access().method,
        AccessMethod::Direct,
        "the people screen uses the device's settings, not Sam's"
    );
    assert!(!h.kiosk.view().display.high_contrast);
    touch(&mut h.kiosk, Event::Choose(0));
    touch(&mut h.kiosk, Event::Choose(0));
    assert_eq!(h.kiosk.view().person_name, "Alex");
    assert_eq!(h.kiosk.flow().company().supporter, None, "on my own");
    assert!(!h.kiosk.view().display.high_contrast);
    assert_eq!(h.kiosk.access().method, AccessMethod::Direct);
    assert_eq!(h.kiosk.person_topics().len(), 3);
}

#[test]
fn a_check_in_due_is_offered_first_and_a_mat_on_it_answers_it() {
    let mut h = open_home(local(8, 30));
    touch(&mut h.kiosk, Event::Choose(0));
    touch(&mut h.kiosk, Event::Choose(0));
    assert_eq!(h.spoken.texts().last().unwrap(), "It's time for Food.");
    assert_eq!(
        h.kiosk.flow().picker().unwrap().on_page()[0],
        0,
        "food first"
    );
    // Key 1 takes the first topic on the page: the one due.
    touch(&mut h.kiosk, Event::PlaceOn(0));
    assert_eq!(h.kiosk.session().unwrap().topic().id, "food");
    let answered = check_ins(&h.paths, "Alex");
    assert_eq!(
        answered,
        [("food@2026-11-02".to_string(), "answered".to_string())]
    );

    // Sam's check-in at 09:00 is never offered: nobody picked Sam.
    h.clock.advance(Duration::hours(2));
    common::tick(&mut h.kiosk);
    assert_eq!(
        check_ins(&h.paths, "Sam"),
        [(
            "going-out@2026-11-02".to_string(),
            "not-offered".to_string()
        )]
    );
    assert_eq!(
        check_ins(&h.paths, "Alex").len(),
        1,
        "answered stays answered"
    );

    // Sync brings the outcomes into the support plan, once.
    for _ in 0..2 {
        sync_files(&h.paths.journal(), &h.paths.plan_target(), local(11, 0)).unwrap();
    }
    let plan = Plan::open(&h.paths.plan).unwrap();
    assert_eq!(plan.check_ins("Alex").unwrap(), check_ins(&h.paths, "Alex"));
    assert_eq!(plan.check_ins("Sam").unwrap(), check_ins(&h.paths, "Sam"));
    assert_eq!(plan.check_ins("Sam").unwrap().len(), 1);
}

#[test]
fn not_now_declines_and_a_check_in_that_becomes_due_is_announced() {
    let mut h = open_home(local(17, 59));
    touch(&mut h.kiosk, Event::Choose(0));
    touch(&mut h.kiosk, Event::Choose(0));
    assert_eq!(
        h.spoken.texts().last().unwrap(),
        "What would you like to talk about?"
    );
    assert_eq!(h.kiosk.flow().picker().unwrap().due(), None);

    // 18:00: the evening check-in opens while Alex is on the topics.
    h.clock.advance(Duration::minutes(1));
    assert!(common::tick(&mut h.kiosk), "the screen changes");
    assert_eq!(h.spoken.texts().last().unwrap(), "It's time for My week.");
    touch(&mut h.kiosk, Event::NotNow);
    assert_eq!(h.kiosk.flow().picker().unwrap().due(), None);
    assert!(!common::tick(&mut h.kiosk), "declined: not offered again");
    assert_eq!(
        check_ins(&h.paths, "Alex"),
        [
            ("food@2026-11-02".to_string(), "not-offered".to_string()),
            ("my-week@2026-11-02".to_string(), "declined".to_string()),
        ],
        "the morning's, missed before the kiosk started, and the evening's"
    );
}

#[test]
fn with_no_home_file_there_is_one_person_with_every_topic() {
    let test = common::open_kiosk_on_topics(&common::demo_set());
    assert_eq!(test.kiosk.screen(), Screen::Topics);
    assert_eq!(test.kiosk.flow().config().people.len(), 1);
    assert_eq!(test.kiosk.person_topics().len(), 3);
    assert!(Path::new(&test.paths.journal()).exists());
}

#[test]
fn a_mat_left_untouched_is_saved_as_partial_and_can_be_carried_on_or_started_again() {
    let mut h = open_home(local(12, 0));
    touch(&mut h.kiosk, Event::Choose(0));
    touch(&mut h.kiosk, Event::Choose(0));
    touch(&mut h.kiosk, Event::Choose(0));
    touch(&mut h.kiosk, Event::PlaceOn(0));
    touch(&mut h.kiosk, Event::PlaceOn(2));
    let session = h.kiosk.session().unwrap().id().to_string();

    // Nine minutes on, nothing happens; ten minutes untouched, it is saved.
    h.clock.advance(Duration::minutes(9));
    assert!(!common::tick(&mut h.kiosk));
    h.clock.advance(Duration::minutes(1));
    assert!(common::tick(&mut h.kiosk));
    assert_eq!(
        h.kiosk.screen(),
        Screen::People,
        "ready for whoever comes next"
    );
    let journal = Journal::open(&h.paths.journal()).unwrap();
    let partial: Vec<String> = journal
        .partial_sessions()
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(partial, std::slice::from_ref(&session));
    assert_eq!(
        journal.placements(&session).unwrap().len(),
        2,
        "nothing lost"
    );

    // Alex comes back: carry on where they left off.
    touch(&mut h.kiosk, Event::Choose(0));
    touch(&mut h.kiosk, Event::Choose(0));
    assert_eq!(h.kiosk.screen(), Screen::Resume);
    assert_eq!(
        h.spoken.texts().last().unwrap(),
        "Welcome back. Carry on with Food, or start again?"
    );
    touch(&mut h.kiosk, Event::Choose(0));
    assert_eq!(h.kiosk.screen(), Screen::Mat);
    let resumed = h.kiosk.session().unwrap();
    assert_eq!(resumed.id(), &session);
    assert_eq!(resumed.dealt_count(), 2);
    assert_eq!(
        h.spoken.texts().last().unwrap(),
        "bananas",
        "the next card again"
    );

    // Left again, then started again: the partial mat stays as it was.
    h.clock.advance(Duration::minutes(10));
    assert!(common::tick(&mut h.kiosk));
    touch(&mut h.kiosk, Event::Choose(0));
    touch(&mut h.kiosk, Event::Choose(0));
    touch(&mut h.kiosk, Event::Choose(1));
    assert_eq!(h.kiosk.screen(), Screen::Topics);
    assert_eq!(journal.partial_sessions().unwrap().len(), 1);
}

/// A kiosk of its own (its own data directory) on a home file, syncing into
/// a shared plan.
fn device(data: &Path, home: &Path, plan: &Path) -> Kiosk {
    let mut paths = KioskPaths::in_data_dir(data, &common::demo_set());
    paths.home = Some(home.to_path_buf());
    paths.plan = plan.to_path_buf();
    let (voice, _) = RecordingVoice::new();
    let clock = ManualClock::paced(local(12, 0), common::pace());
    Kiosk::open(paths, Box::new(voice), Box::new(clock)).unwrap()
}

/// A plan on the office's share and the home file, in `dir`.
fn a_shared_plan_and_home_file(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let plan = dir.join("office/plan.sqlite");
    std::fs::create_dir_all(plan.parent().unwrap()).unwrap();
    drop(Plan::create(&plan).unwrap());
    let home = dir.join("home.toml");
    std::fs::write(&home, HOME).unwrap();
    (plan, home)
}

#[test]
fn one_person_is_one_person_on_every_device_of_the_home() {
    let dir = tempfile::tempdir().unwrap();
    let (plan, home) = a_shared_plan_and_home_file(dir.path());

    // The first device to read the home file gives each person an id, and
    // writes it in, keeping the rest of the file as it was.
    let mut first = device(&dir.path().join("kitchen"), &home, &plan);
    let written = std::fs::read_to_string(&home).unwrap();
    assert_eq!(written.matches("id = ").count(), 2, "{written}");
    assert!(written.contains("supporters = [\"Jo\"]"));
    assert!(written.contains("topic = \"going-out\""));

    // A second kiosk in the home gets the same file.
    let second_home = dir.path().join("lounge-home.toml");
    std::fs::copy(&home, &second_home).unwrap();
    let mut second = device(&dir.path().join("lounge"), &second_home, &plan);
    assert_eq!(
        std::fs::read_to_string(&second_home).unwrap(),
        written,
        "nothing more to write"
    );

    // Alex finishes a mat on each; both reach the plan under one Alex.
    for kiosk in [&mut first, &mut second] {
        touch(kiosk, Event::Choose(0));
        touch(kiosk, Event::Choose(0));
        touch(kiosk, Event::Choose(0));
        while kiosk.screen() == Screen::Mat {
            touch(kiosk, Event::PlaceOn(0));
        }
        touch(kiosk, Event::Finish);
        kiosk.wait_for_jobs(common::JOB_WAIT);
    }
    let conn = rusqlite::Connection::open(&plan).unwrap();
    let people: Vec<String> = conn
        .prepare("SELECT name FROM people ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        people,
        ["Alex", "Sam"],
        "each person once (Sam through their check-ins), not once per device"
    );
    let alex_sessions: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM synced_sessions s JOIN people p ON p.id = s.person_id
             WHERE p.name = 'Alex'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(alex_sessions, 2);
}

#[test]
fn staff_see_a_mat_left_part_way_as_such_until_it_is_finished() {
    use sayso::store::ports::StaffPlan;
    let mut h = open_home(local(12, 0));
    touch(&mut h.kiosk, Event::Choose(0));
    touch(&mut h.kiosk, Event::Choose(0));
    touch(&mut h.kiosk, Event::Choose(0));
    touch(&mut h.kiosk, Event::PlaceOn(0));
    touch(&mut h.kiosk, Event::PlaceOn(2));
    touch(&mut h.kiosk, Event::Undo);
    let session = h.kiosk.session().unwrap().id().to_string();
    h.clock.advance(Duration::minutes(10));
    assert!(common::tick(&mut h.kiosk));
    h.kiosk.wait_for_jobs(common::JOB_WAIT);
    sync_files(&h.paths.journal(), &h.paths.plan_target(), local(12, 30)).unwrap();

    let plan = Plan::open(&h.paths.plan).unwrap();
    let alex = plan
        .people()
        .unwrap()
        .into_iter()
        .find(|p| p.name == "Alex")
        .unwrap();
    let mats = StaffPlan::mats(&plan, &alex.id, 10).unwrap();
    assert_eq!(mats.len(), 1, "{mats:?}");
    assert_eq!(
        (
            mats[0].session_id.as_str(),
            mats[0].outcome.as_str(),
            mats[0].cards_placed
        ),
        (session.as_str(), "partial", 1),
        "one card on the mat: the other was taken back"
    );
    assert!(
        StaffPlan::views(&plan, &alex.id).unwrap().is_empty(),
        "a mat left part-way is not evidence"
    );

    // Alex carries on and finishes: one finished mat, nothing part-way.
    touch(&mut h.kiosk, Event::Choose(0));
    touch(&mut h.kiosk, Event::Choose(0));
    touch(&mut h.kiosk, Event::Choose(0));
    assert_eq!(h.kiosk.session().unwrap().id(), &session);
    while h.kiosk.screen() == Screen::Mat {
        touch(&mut h.kiosk, Event::PlaceOn(1));
    }
    touch(&mut h.kiosk, Event::Finish);
    h.kiosk.wait_for_jobs(common::JOB_WAIT);
    let mats = StaffPlan::mats(&plan, &alex.id, 10).unwrap();
    assert_eq!(mats.len(), 1, "{mats:?}");
    assert_eq!(mats[0].outcome, sayso::core::MatOutcome::Finished);
    // Each answer's time, from the card shown to the press (the test's
    // clock moves a second at each reading).
    let mean = mats[0].mean_response_ms.unwrap();
    let longest = mats[0].longest_response_ms.unwrap();
    assert!(mean > 0 && longest >= mean, "{mean} {longest}");
}

/// The people of a plan: (id, name), by name.
fn people_in(plan: &Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(plan).unwrap();
    let mut statement = conn
        .prepare("SELECT id, name FROM people ORDER BY name, id")
        .unwrap();
    statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn alex_finishes_a_mat(kiosk: &mut Kiosk) {
    touch(kiosk, Event::Choose(0)); // Alex
    touch(kiosk, Event::Choose(0)); // on my own
    if kiosk.screen() == Screen::Topics {
        touch(kiosk, Event::Choose(0));
    }
    while kiosk.screen() == Screen::Mat {
        touch(kiosk, Event::PlaceOn(0));
    }
    touch(kiosk, Event::Finish);
    assert_eq!(kiosk.screen(), Screen::Finished);
    kiosk.wait_for_jobs(common::JOB_WAIT);
}

#[test]
fn a_typo_in_the_home_file_never_changes_who_is_who_in_the_shared_plan() {
    let dir = tempfile::tempdir().unwrap();
    let (plan, home) = a_shared_plan_and_home_file(dir.path());
    let data = dir.path().join("kitchen");
    let mut kiosk = device(&data, &home, &plan);
    alex_finishes_a_mat(&mut kiosk);
    drop(kiosk);
    let before = people_in(&plan);
    assert_eq!(before.len(), 2, "{before:?}");

    // Someone edits the home file and leaves a string unclosed.
    let with_ids = std::fs::read_to_string(&home).unwrap();
    let broken = with_ids.replace("name = \"Sam\"", "name = \"Tom");
    let typo_line = broken.lines().position(|l| l.contains("\"Tom")).unwrap() + 1;
    std::fs::write(&home, &broken).unwrap();

    let mut kiosk = device(&data, &home, &plan);
    let notice = kiosk
        .notices()
        .iter()
        .find(|n| n.starts_with("Home file not read"))
        .cloned()
        .unwrap_or_else(|| panic!("staff are told: {:?}", kiosk.notices()));
    assert!(
        notice.contains(&format!("line {typo_line}")) && notice.contains("as last read"),
        "{notice}"
    );
    assert!(
        !notice.contains('\n'),
        "one line for the staff line: {notice}"
    );
    let names: Vec<String> = kiosk
        .view()
        .picker
        .items
        .iter()
        .map(|item| item.title.clone())
        .collect();
    assert_eq!(names, ["Alex", "Sam"], "the people as last read");
    alex_finishes_a_mat(&mut kiosk);
    drop(kiosk);
    assert_eq!(people_in(&plan), before, "nobody new in the plan");
    assert_eq!(
        std::fs::read_to_string(&home).unwrap(),
        broken,
        "the file is left for staff to mend"
    );

    // The file mended, but its ids lost on the way: the same ids again.
    let without_ids: String = with_ids
        .lines()
        .filter(|l| !l.trim_start().starts_with("id = "))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&home, without_ids).unwrap();
    let mut kiosk = device(&data, &home, &plan);
    alex_finishes_a_mat(&mut kiosk);
    drop(kiosk);
    assert_eq!(people_in(&plan), before, "the same people, the same ids");
    assert_eq!(std::fs::read_to_string(&home).unwrap(), with_ids);
}
