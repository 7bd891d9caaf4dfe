//! "You said, we did": staff mark an action done with words for the person;
//! the next sync brings it to the kiosk, the person hears it with the card's
//! picture, answers it on the scale, and the answer reaches the plan as
//! evidence. Told once, on whichever kiosk of the home gets there first.

use crate::common::sync;
use chrono::{Duration, TimeZone, Utc};
use sayso::core::{Event, Input, InputMethod, PictureRef, Record, Screen, TOLD_BACK_TOPIC};
use sayso::kiosk::Kiosk;
use sayso::store::ports::staff::{NewAction, Settlement, StaffPlan};
use sayso::store::{ActionStatus, DevicePlan, Journal, Plan};
use sayso::voice::RecordingVoice;

use crate::common;
use sayso::kiosk::KioskInput;

const WORDS: &str = "Jo makes it with oat milk now";

fn tap(kiosk: &mut Kiosk, event: Event) {
    kiosk.input(KioskInput::Person(Input::new(event, InputMethod::Touch)));
}

/// Staff act on the person's view of tea and mark it done with words for
/// them. Returns the action's id.
pub fn staff_act_on_tea(plan_path: &std::path::Path, tell: &str) -> i64 {
    let mut plan = Plan::open(plan_path).unwrap();
    let person = StaffPlan::people(&plan).unwrap()[0].id.clone();
    let at = Utc.with_ymd_and_hms(2026, 11, 3, 15, 0, 0).unwrap();
    let action = StaffPlan::add_action(
        &mut plan,
        &NewAction {
            person: person.clone(),
            card: Some(("food".into(), "tea".into())),
            what: "Try oat milk".into(),
            who: "Jo".into(),
            due: None,
        },
        "Jo",
        at,
    )
    .unwrap();
    let settled = plan
        .settle_action(
            &Settlement {
                person,
                action,
                status: ActionStatus::Done,
                note: "Alex tried it on Monday".into(),
                tell_person: tell.into(),
            },
            "Jo",
            at,
        )
        .unwrap();
    assert!(settled);
    action
}

#[test]
fn what_staff_did_is_told_once_with_the_cards_picture_and_the_answer_reaches_the_plan() {
    // Alex says they don't like anything on the Food mat.
    let mut test = common::open_kiosk(&common::demo_set());
    while test.kiosk.screen() == Screen::Mat {
        tap(&mut test.kiosk, Event::PlaceOn(2));
    }
    tap(&mut test.kiosk, Event::Finish);
    test.kiosk.wait_for_jobs(common::JOB_WAIT);
    let action = staff_act_on_tea(&test.paths.plan, WORDS);
    // Marked done, but no kiosk has told Alex yet: the plan says so.
    {
        let plan = Plan::open(&test.paths.plan).unwrap();
        let person = StaffPlan::people(&plan).unwrap()[0].id.clone();
        let row = StaffPlan::actions(&plan, &person)
            .unwrap()
            .into_iter()
            .find(|a| a.id == action)
            .unwrap();
        assert_eq!(row.told, None, "not told before a kiosk tells it");
    }

    // The next day the kiosk starts, syncs, and tells Alex.
    let common::TestKiosk {
        kiosk,
        clock,
        paths,
        dir,
        ..
    } = test;
    drop(kiosk);
    clock.advance(Duration::days(1));
    let (voice, spoken) = RecordingVoice::new();
    let mut kiosk = Kiosk::open(paths.clone(), Box::new(voice), Box::new(clock.clone())).unwrap();
    kiosk.wait_for_jobs(common::JOB_WAIT);
    assert_eq!(kiosk.screen(), Screen::Mat, "told at the start of the turn");
    let session = kiosk.session().unwrap();
    assert_eq!(session.topic().id.as_str(), TOLD_BACK_TOPIC);
    let said = spoken.texts();
    assert!(
        said.contains(&"You said you don't like tea.".to_string()),
        "{said:?}"
    );
    assert!(said.contains(&WORDS.to_string()), "{said:?}");
    let view = kiosk.view();
    assert_eq!(
        view.mat.said_before, "You said you don't like tea.",
        "on screen as well as spoken"
    );
    let card = view.mat.card.expect("the card on offer");
    assert_eq!(card.label, WORDS);
    assert_eq!(
        card.picture,
        PictureRef::InSet("cards/tea.svg".into()),
        "tea's picture"
    );

    // Alex likes what was done, and finishes.
    tap(&mut kiosk, Event::PlaceOn(0));
    assert_eq!(kiosk.screen(), Screen::Review);
    tap(&mut kiosk, Event::Finish);
    assert_eq!(kiosk.view().mat.end_words, "Your answer is saved.");
    kiosk.wait_for_jobs(common::JOB_WAIT);

    // Its kept picture is drawn whole: the scale in its colours (the
    // "like" column's green), not one grey column.
    let told_mat = kiosk.session().unwrap().id().to_string();
    let kept = std::process::Command::new(env!("CARGO_BIN_EXE_sayso"))
        .args(["--data-dir"])
        .arg(&paths.data_dir)
        .args(["--set"])
        .arg(common::demo_set())
        .args(["keep-mat", &told_mat])
        .output()
        .unwrap();
    assert!(
        kept.status.success(),
        "{}",
        String::from_utf8_lossy(&kept.stderr)
    );
    let picture = paths.data_dir.join(format!("mats/{told_mat}.png"));
    let green = crate::kept_mat::pixels_of(&picture, [0x1b, 0x7f, 0x3b]);
    assert!(green > 2000, "the like column's colour: {green} pixels");
    let _ = std::fs::copy(
        &picture,
        common::screenshot_dir().join("kept-you-said-we-did.png"),
    );

    let plan = Plan::open(&paths.plan).unwrap();
    let person = StaffPlan::people(&plan).unwrap()[0].id.clone();
    let told = StaffPlan::views(&plan, &person)
        .unwrap()
        .into_iter()
        .find(|t| t.topic_id == TOLD_BACK_TOPIC)
        .expect("the answer is evidence, under its own topic");
    assert_eq!(told.title, "You said, we did");
    assert_eq!(told.cards[0].card_id, format!("action-{action}"));
    assert_eq!(told.cards[0].label, WORDS);
    assert_eq!(told.cards[0].view, "like");
    assert!(
        plan.told_back_for(std::slice::from_ref(&person))
            .unwrap()
            .is_empty(),
        "told once"
    );
    let row = StaffPlan::actions(&plan, &person)
        .unwrap()
        .into_iter()
        .find(|a| a.id == action)
        .unwrap();
    assert_eq!(
        row.told.map(|(answer, _)| answer).as_deref(),
        Some("like"),
        "told, with Alex's answer"
    );

    // Not told again: the next start goes to the topics.
    drop(kiosk);
    clock.advance(Duration::days(1));
    let (voice, _) = RecordingVoice::new();
    let mut kiosk = Kiosk::open(paths, Box::new(voice), Box::new(clock)).unwrap();
    kiosk.wait_for_jobs(common::JOB_WAIT);
    assert_eq!(kiosk.screen(), Screen::Topics);
    drop(dir);
}

#[test]
fn an_action_done_without_words_tells_the_person_nothing() {
    let mut test = common::open_kiosk(&common::demo_set());
    while test.kiosk.screen() == Screen::Mat {
        tap(&mut test.kiosk, Event::PlaceOn(2));
    }
    tap(&mut test.kiosk, Event::Finish);
    test.kiosk.wait_for_jobs(common::JOB_WAIT);
    staff_act_on_tea(&test.paths.plan, "   ");
    tap(&mut test.kiosk, Event::StartAgain);
    test.kiosk.wait_for_jobs(common::JOB_WAIT);
    assert_eq!(test.kiosk.screen(), Screen::Topics);
    let plan = Plan::open(&test.paths.plan).unwrap();
    let person = StaffPlan::people(&plan).unwrap()[0].id.clone();
    assert!(plan.told_back_for(&[person]).unwrap().is_empty());
}

#[test]
fn told_back_on_one_kiosk_of_the_home_is_not_told_again_on_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let plan_path = dir.path().join("plan.sqlite");
    let person = "019a4c2e-5f00-7000-8000-00000000a1e5";
    let at = |day: u32| Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).unwrap();
    let open_journal = |name: &str| {
        let path = dir.path().join(name);
        let journal = Journal::open(&path).unwrap();
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute(
                "INSERT INTO people (id, name, created_at) VALUES (?1, 'Alex', '2026-11-01T00:00:00.000Z')",
                [person],
            )
            .unwrap();
        journal
    };
    let mut kitchen = open_journal("kitchen.sqlite");
    let lounge = open_journal("lounge.sqlite");
    let mat = |id: &str, topic: &str, card: &str, day: u32| -> Vec<Record> {
        vec![
            Record::Started {
                session_id: id.into(),
                person_id: person.into(),
                set_id: "demo".into(),
                topic_id: topic.into(),
                topic_title: topic.into(),
                company: Default::default(),
                at: at(day),
            },
            Record::Placed {
                session_id: id.into(),
                seq: 1,
                card_id: card.into(),
                card_label: card.into(),
                spot: sayso::core::Spot::on(2),
                point_label: "don't like".into(),
                at: at(day),
                via: InputMethod::Key,
                response_ms: 900,
                helped: false,
            },
            Record::Finished {
                session_id: id.into(),
                at: at(day),
                via: InputMethod::Key,
            },
        ]
    };
    kitchen
        .record_all(&mat(
            "019a5000-0000-7000-8000-000000000001",
            "food",
            "tea",
            2,
        ))
        .unwrap();
    let mut plan = Plan::open_or_create(&plan_path).unwrap();
    sync(&kitchen, &mut plan, at(2)).unwrap();
    let action = staff_act_on_tea(&plan_path, WORDS);
    sync(&kitchen, &mut plan, at(3)).unwrap();
    sync(&lounge, &mut plan, at(3)).unwrap();
    assert_eq!(kitchen.pending_told_back().unwrap().len(), 1);
    assert_eq!(
        lounge.pending_told_back().unwrap().len(),
        1,
        "both kiosks have it"
    );
    assert_eq!(
        lounge.restored(at(20)).unwrap().told_back.len(),
        1,
        "and the lounge's flow takes it"
    );

    // Told and answered in the kitchen.
    kitchen
        .record_all(&mat(
            "019a5000-0000-7000-8000-000000000002",
            TOLD_BACK_TOPIC,
            &format!("action-{action}"),
            4,
        ))
        .unwrap();
    assert!(kitchen.pending_told_back().unwrap().is_empty());
    sync(&kitchen, &mut plan, at(4)).unwrap();
    sync(&lounge, &mut plan, at(4)).unwrap();
    assert!(
        lounge.pending_told_back().unwrap().is_empty(),
        "the lounge does not tell it again"
    );
}
