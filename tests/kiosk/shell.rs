//! The shell around the flow: it never makes the person wait for the support
//! plan, and time that jumps changes nothing on the mat.

use rusqlite::Connection;
use sayso::core::{Event, Input, InputMethod, Screen};
use sayso::kiosk::Kiosk;
use sayso::store::{Journal, Plan};

use crate::common;
use sayso::kiosk::KioskInput;
use sayso::store::ports::StaffPlan;

fn tap(kiosk: &mut Kiosk, event: Event) {
    kiosk.input(KioskInput::Person(Input::new(event, InputMethod::Touch)));
}

#[test]
fn mats_finished_while_another_writer_holds_the_plan_never_keep_the_person_waiting() {
    let mut test = common::open_kiosk_on_topics(&common::demo_set());
    let kiosk = &mut test.kiosk;
    kiosk.wait_for_jobs(common::JOB_WAIT);
    common::finish_a_mat(kiosk, 0);
    kiosk.wait_for_jobs(common::JOB_WAIT);
    let plan_path = test.paths.plan.clone();
    assert_eq!(
        Plan::open(&plan_path)
            .unwrap()
            .synced_session_ids()
            .unwrap()
            .len(),
        1
    );

    // Another device (or a staff tool) takes the plan's write lock.
    let holder = Connection::open(&plan_path).unwrap();
    holder
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO plan_info VALUES ('note', 'busy');")
        .unwrap();

    // Two more mats, each finish starting a sync that has to wait: the
    // person's next taps are handled while it waits (it runs as a job; the
    // milliseconds are measured by `cargo bench --bench session`).
    for _ in 0..2 {
        common::finish_a_mat(kiosk, 0);
        assert!(
            kiosk.syncing(),
            "the finished mat's sync waits for the plan"
        );
        tap(kiosk, Event::StartAgain);
        assert_eq!(kiosk.screen(), Screen::Topics);
        tap(kiosk, Event::Choose(0));
        tap(kiosk, Event::PlaceOn(1));
        assert_eq!(kiosk.screen(), Screen::Mat);
        let placed: usize = kiosk.view().mat.points.iter().map(|p| p.cards.len()).sum();
        assert_eq!(placed, 1, "the card was placed while the plan was locked");
        assert!(kiosk.syncing(), "and the sync is still waiting");
        tap(kiosk, Event::Undo);
    }

    // The lock goes: the sync under way finishes, and runs again for the
    // mat finished meanwhile.
    holder.execute_batch("COMMIT").unwrap();
    drop(holder);
    let outcome = kiosk.wait_for_jobs(common::JOB_WAIT).expect("a sync ended");
    outcome.expect("the sync went through once the lock was gone");
    assert_eq!(
        Plan::open(&plan_path)
            .unwrap()
            .synced_session_ids()
            .unwrap()
            .len(),
        3,
        "every mat reached the plan"
    );
}

#[test]
fn the_wall_clock_set_by_ntp_during_a_mat_changes_nothing_on_it() {
    let mut test = common::open_kiosk_exactly(&common::demo_set());
    test.clock.advance(chrono::Duration::seconds(1));
    tap(&mut test.kiosk, Event::PlaceOn(0));
    // A Pi without a real-time clock learns the time: hours later, then
    // earlier again, in the middle of the mat.
    for hours in [6, -30, 2] {
        test.clock.shift_wall(chrono::Duration::hours(hours));
        test.clock.advance(chrono::Duration::seconds(20));
        test.kiosk.input(KioskInput::Tick);
        assert_eq!(
            test.kiosk.screen(),
            Screen::Mat,
            "after a jump of {hours} h"
        );
    }
    tap(&mut test.kiosk, Event::PlaceOn(1));
    let journal = Journal::open(&test.paths.journal()).unwrap();
    assert!(
        journal.partial_sessions().unwrap().is_empty(),
        "not partial"
    );
    let session = test.kiosk.session().unwrap().id().to_string();
    let rows = journal.placements(&session).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[1].response_ms, 60_000,
        "three times 20 s, by the monotonic clock"
    );
    assert!(rows[0].seq < rows[1].seq, "in the order placed");
}

#[test]
fn after_a_restart_mid_mat_the_person_carries_on_and_the_whole_mat_reaches_the_plan() {
    let mut test = common::open_kiosk(&common::demo_set());
    tap(&mut test.kiosk, Event::PlaceOn(0));
    tap(&mut test.kiosk, Event::PlaceOn(2));
    let session = test.kiosk.session().unwrap().id().clone();
    test.kiosk.wait_for_jobs(common::JOB_WAIT);

    // The power goes: nothing is shut down, the kiosk simply stops.
    let common::TestKiosk {
        kiosk,
        clock,
        paths,
        dir,
        ..
    } = test;
    drop(kiosk);
    clock.advance(chrono::Duration::minutes(3));
    let (voice, spoken) = sayso::voice::RecordingVoice::new();
    let mut kiosk = Kiosk::open(paths.clone(), Box::new(voice), Box::new(clock.clone())).unwrap();
    let partial = Journal::open(&paths.journal())
        .unwrap()
        .partial_sessions()
        .unwrap();
    assert_eq!(partial.len(), 1, "the open mat is partial now");
    assert_eq!(partial[0].0, session.as_str());

    assert_eq!(
        kiosk.screen(),
        Screen::Resume,
        "one person: straight to carry on"
    );
    assert_eq!(
        spoken.texts().last().unwrap(),
        "Welcome back. Carry on with Food, or start again?"
    );
    tap(&mut kiosk, Event::Choose(0));
    assert_eq!(kiosk.screen(), Screen::Mat);
    assert_eq!(kiosk.session().unwrap().id(), &session);
    assert_eq!(kiosk.session().unwrap().dealt_count(), 2);
    while kiosk.screen() == Screen::Mat {
        tap(&mut kiosk, Event::PlaceOn(1));
    }
    tap(&mut kiosk, Event::Finish);
    kiosk.wait_for_jobs(common::JOB_WAIT);
    let plan = Plan::open(&paths.plan).unwrap();
    assert!(plan.synced_session_ids().unwrap().contains(&session));
    let views = plan.preferences(None).unwrap();
    let tea = views.iter().find(|v| v.card == "tea").expect("tea");
    assert_eq!(tea.view.current_view, "like", "placed before the restart");
    drop(dir);
}

mod full_disk {
    use sayso::store::journal::full_disk::{clear, fill, Full};
    use sayso::store::reserve::{RESERVE_BYTES, RESERVE_FILE};

    use super::*;

    #[test]
    fn a_disk_filled_by_something_else_gives_up_the_reserve_and_the_answer_is_kept() {
        let mut test = common::open_kiosk(&common::demo_set());
        let reserve = test.paths.data_dir.join(RESERVE_FILE);
        assert_eq!(std::fs::metadata(&reserve).unwrap().len(), RESERVE_BYTES);

        fill(&test.paths.journal(), Full::Once);
        tap(&mut test.kiosk, Event::PlaceOn(0));
        assert!(!reserve.exists(), "the reserve was given up");
        let session = test.kiosk.session().unwrap().id().clone();
        let journal = Journal::open(&test.paths.journal()).unwrap();
        assert_eq!(journal.placements(&session).unwrap().len(), 1, "written");
        assert!(test.kiosk.view().saving);
        assert!(
            test.kiosk.notices().iter().any(|n| n.contains("reserve")),
            "{:?}",
            test.kiosk.notices()
        );
        // With room again, the reserve is taken again.
        test.kiosk.input(KioskInput::Tick);
        assert!(reserve.exists());
    }

    #[test]
    fn with_the_disk_full_the_person_is_never_told_saved_and_nothing_is_lost_when_room_returns() {
        let mut test = common::open_kiosk(&common::demo_set());
        let journal_path = test.paths.journal();
        tap(&mut test.kiosk, Event::PlaceOn(0));
        fill(&journal_path, Full::UntilCleared);
        while test.kiosk.screen() == Screen::Mat {
            tap(&mut test.kiosk, Event::PlaceOn(2));
        }
        tap(&mut test.kiosk, Event::Finish);
        assert_eq!(test.kiosk.screen(), Screen::Finished);
        let said = test.spoken.texts();
        assert_eq!(said.last().unwrap(), "Your mat is finished.");
        assert!(said.iter().all(|s| !s.contains("saved")), "{said:?}");
        let view = test.kiosk.view();
        assert!(
            !view.saving,
            "the finished screen does not say saved either"
        );
        assert!(
            view.staff_notice.contains("disk is full"),
            "{}",
            view.staff_notice
        );
        let session = test.kiosk.session().unwrap().id().clone();
        let journal = Journal::open(&journal_path).unwrap();
        assert_eq!(journal.placements(&session).unwrap().len(), 1);
        assert!(journal.finished_session_ids().unwrap().is_empty());

        // Someone frees some space: within a tick, everything is written.
        clear(&journal_path);
        test.kiosk.input(KioskInput::Tick);
        assert_eq!(journal.placements(&session).unwrap().len(), 6);
        assert_eq!(
            journal.finished_session_ids().unwrap(),
            std::slice::from_ref(&session)
        );
        assert!(test.kiosk.view().saving);
        test.kiosk.wait_for_jobs(common::JOB_WAIT);
        let plan = Plan::open(&test.paths.plan).unwrap();
        assert!(plan.synced_session_ids().unwrap().contains(&session));
    }
}
