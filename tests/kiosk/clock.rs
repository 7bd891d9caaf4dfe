//! A Raspberry Pi has no real-time clock: it may boot believing it is 1970,
//! or whatever time it was switched off. Mats made before the time service
//! answers are kept, marked in the journal, and reach the plan with the
//! times they really happened at.

use crate::common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use sayso::clock::ManualClock;
use sayso::core::{Event, Input, InputMethod, Screen};
use sayso::kiosk::Kiosk;
use sayso::kiosk::KioskInput;

/// When the test's kiosk really starts; its wall clock does not know.
fn truly_started() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 7, 0, 0).unwrap()
}

fn made_after() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
}

/// A Pi's clock at boot: wrong, and no time service has answered. The
/// monotonic clock starts at 0, so the true time is `truly_started() + mono`.
fn clock_reading(wall: DateTime<Utc>) -> ManualClock {
    let clock = ManualClock::new(wall);
    clock.without_time(made_after());
    clock
}

/// The true time now, by the test's own count.
fn truly_now(clock: &ManualClock) -> DateTime<Utc> {
    use sayso::clock::Clock;
    truly_started() + Duration::milliseconds(clock.since_boot().ms as i64)
}

/// A mat on the first topic, each card placed a second after the last,
/// finished; returns the true time it was finished at.
fn a_mat(test: &mut common::TestKiosk) -> DateTime<Utc> {
    let clock = test.clock.clone();
    let kiosk: &mut Kiosk = &mut test.kiosk;
    kiosk.input(KioskInput::Person(Input::new(
        Event::StartAgain,
        InputMethod::Touch,
    )));
    common::pick_first_topic(kiosk);
    while kiosk.screen() == Screen::Mat {
        clock.advance(Duration::seconds(1));
        kiosk.input(KioskInput::Person(Input::new(
            Event::PlaceOn(0),
            InputMethod::Touch,
        )));
    }
    clock.advance(Duration::seconds(1));
    kiosk.input(KioskInput::Person(Input::new(
        Event::Finish,
        InputMethod::Touch,
    )));
    assert_eq!(kiosk.screen(), Screen::Finished);
    let finished = truly_now(&clock);
    kiosk.wait_for_jobs(common::JOB_WAIT);
    finished
}

/// Each mat in the plan: when it started and finished, by its finish.
fn plan_mats(test: &common::TestKiosk) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let db = rusqlite::Connection::open(&test.paths.plan).unwrap();
    let mut statement = db
        .prepare("SELECT started_at, finished_at FROM synced_sessions ORDER BY finished_at")
        .unwrap();
    let rows = statement
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })
        .unwrap();
    rows.map(|row| {
        let (started, finished) = row.unwrap();
        (started.parse().unwrap(), finished.parse().unwrap())
    })
    .collect()
}

fn evidence_times(test: &common::TestKiosk) -> Vec<DateTime<Utc>> {
    let db = rusqlite::Connection::open(&test.paths.plan).unwrap();
    let mut statement = db
        .prepare("SELECT placed_at FROM evidence ORDER BY placed_at")
        .unwrap();
    let rows = statement
        .query_map([], |row| row.get::<_, String>(0))
        .unwrap();
    rows.map(|t| t.unwrap().parse().unwrap()).collect()
}

fn journal_marks(test: &common::TestKiosk) -> Vec<(String, bool)> {
    let db = rusqlite::Connection::open(test.paths.journal()).unwrap();
    let mut statement = db
        .prepare("SELECT wall, wall_set FROM clock_marks ORDER BY seq")
        .unwrap();
    let rows = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn mats_made_while_the_clock_read_1970_reach_the_plan_with_the_times_they_happened() {
    let clock = clock_reading(Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 5).unwrap());
    let mut test = common::open_kiosk_with(&common::demo_set(), clock.clone());
    common::pick_first_topic(&mut test.kiosk);
    let first_finished = a_mat(&mut test);

    // Not in the plan yet: its time is not known, and may still be.
    assert!(plan_mats(&test).is_empty(), "the mat waits for the clock");
    let marks = journal_marks(&test);
    assert_eq!(marks.len(), 1);
    assert!(!marks[0].1, "the journal marks the clock as not set");
    assert!(
        marks[0].0.starts_with("2026-11-01"),
        "the kiosk counts on from the earliest time that can be right, not 1970: {}",
        marks[0].0
    );
    let view = test.kiosk.staff_view();
    assert!(
        view.problems
            .iter()
            .any(|p| p.contains("clock has not been set")),
        "staff are told: {:?}",
        view.problems
    );

    // Minutes later the network comes up and the time service answers.
    clock.advance(Duration::minutes(3));
    clock.time_service_answers(truly_now(&clock));
    clock.advance(Duration::seconds(2));
    test.kiosk.input(KioskInput::Tick);
    let second_finished = a_mat(&mut test);

    let mats = plan_mats(&test);
    assert_eq!(
        mats.len(),
        2,
        "both mats reach the plan once the clock is set"
    );
    assert_eq!(mats[0].1, first_finished, "the first mat's true finish");
    assert_eq!(mats[1].1, second_finished);
    assert!(mats[0].0 < mats[0].1 && mats[0].0 >= truly_started());
    for placed in evidence_times(&test) {
        assert!(
            placed >= truly_started() && placed <= second_finished,
            "every answer on the right day and in order: {placed}"
        );
    }
    let marks = journal_marks(&test);
    assert_eq!(marks.last().map(|m| m.1), Some(true), "then marked as set");
    assert!(
        !test
            .kiosk
            .staff_view()
            .problems
            .iter()
            .any(|p| p.contains("clock has not been set")),
        "and staff are no longer told"
    );
}

#[test]
fn a_kiosk_restarted_before_the_clock_was_set_has_its_earlier_mats_put_right_by_the_later_run() {
    // Switched off last night at 21:00; the Pi boots believing it is still then.
    let last_night = Utc.with_ymd_and_hms(2026, 11, 22, 21, 0, 0).unwrap();
    let clock = clock_reading(last_night);
    let mut test = common::open_kiosk_with(&common::demo_set(), clock.clone());
    common::pick_first_topic(&mut test.kiosk);
    let first_finished = a_mat(&mut test);
    assert!(plan_mats(&test).is_empty());

    // The kiosk is restarted (the watchdog, say): same boot, clock still unset.
    clock.advance(Duration::seconds(20));
    let dir = test.dir;
    let paths = test.paths.clone();
    drop(test.kiosk);
    let (voice, spoken) = sayso::voice::RecordingVoice::new();
    let kiosk = Kiosk::open(paths.clone(), Box::new(voice), Box::new(clock.clone())).unwrap();
    let mut test = common::TestKiosk {
        kiosk,
        spoken,
        clock: clock.clone(),
        paths,
        dir,
    };
    common::pick_first_topic(&mut test.kiosk);
    let second_finished = a_mat(&mut test);
    assert!(plan_mats(&test).is_empty());

    clock.advance(Duration::seconds(30));
    clock.time_service_answers(truly_now(&clock));
    clock.advance(Duration::seconds(2));
    test.kiosk.input(KioskInput::Tick);
    let third_finished = a_mat(&mut test);

    let finishes: Vec<_> = plan_mats(&test).into_iter().map(|m| m.1).collect();
    assert_eq!(
        finishes,
        vec![first_finished, second_finished, third_finished],
        "each mat at the time it truly happened, this morning, not last night"
    );
}

#[test]
fn on_a_machine_whose_clock_is_set_nothing_waits_and_times_stand() {
    let clock = ManualClock::new(common::start_time());
    let mut test = common::open_kiosk_with(&common::demo_set(), clock.clone());
    common::pick_first_topic(&mut test.kiosk);
    a_mat(&mut test);
    let mats = plan_mats(&test);
    assert_eq!(mats.len(), 1);
    assert_eq!(
        mats[0].1,
        common::start_time() + Duration::seconds(clock_seconds(&clock))
    );
    assert_eq!(
        journal_marks(&test),
        vec![("2026-11-02T09:00:00.000Z".to_string(), true)]
    );
}

fn clock_seconds(clock: &ManualClock) -> i64 {
    use sayso::clock::Clock;
    (clock.since_boot().ms / 1000) as i64
}
