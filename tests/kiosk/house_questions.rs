//! A question for the whole house on the kiosk: a home manager asks it in
//! the plan; the kiosk's sync brings it down; once nobody is using the
//! kiosk it is taken up; each resident it is for finds it first on their
//! topics, answers it alone as a mat, or says "not now"; and the answers
//! and the "not now" come back to the plan for the meeting.

use chrono::{Duration, TimeZone, Utc};
use sayso::clock::Clock;
use sayso::clock::ManualClock;
use sayso::core::house_question::{topic_of, NewQuestion};
use sayso::core::view::PictureRef;
use sayso::core::TOLD_BACK_TOPIC;
use sayso::core::{Event, Input, InputMethod, PersonId, Screen};
use sayso::kiosk::{Kiosk, KioskInput, KioskPaths};
use sayso::library::house_questions::HOUSE_QUESTIONS_FILE;
use sayso::store::pictures::NewPicture;
use sayso::store::ports::house::{CardPicture, NewDecision};
use sayso::store::ports::{HousePlan, StaffPlan};
use sayso::store::ActionStatus;
use sayso::store::{DevicePlan, Faults, Plan, PlanOp};
use sayso::voice::RecordingVoice;

use crate::common;

const ALEX: &str = "019a4c2e-5f00-7000-8000-00000000a1e5";
const SAM: &str = "019a4c2e-5f00-7000-8000-0000000005a3";

fn touch(kiosk: &mut Kiosk, event: Event) {
    kiosk.input(KioskInput::Person(Input::new(event, InputMethod::Touch)));
}

/// The garden question, open for two weeks from the day before, for Alex
/// and Sam, made in the kiosk's own plan as the web app would.
fn ask_the_garden_question(plan: &std::path::Path) -> String {
    let mut plan = Plan::open_or_create(plan).unwrap();
    let people: Vec<PlanOp> = [(ALEX, "Alex"), (SAM, "Sam")]
        .iter()
        .map(|(id, name)| PlanOp::AddPerson {
            id: (*id).into(),
            name: (*name).into(),
        })
        .collect();
    plan.execute(&people, &mut Faults::default()).unwrap();
    let opens = common::start_time() - Duration::days(1);
    let question = plan
        .make_house_question(
            &NewQuestion {
                title: "The garden".into(),
                question: "What shall we plant in the garden?".into(),
                scale: "like".into(),
                cards: vec!["Tomatoes".into(), "Roses".into()],
                people: vec![PersonId::new(ALEX), PersonId::new(SAM)],
                opens,
                closes: opens + Duration::days(14),
                asks_again: None,
            },
            "Jo",
            opens,
        )
        .unwrap();
    // The manager gives the tomatoes a photo from their phone.
    let garden = image::RgbImage::from_pixel(64, 48, image::Rgb([200, 40, 30]));
    let photo = sayso::library::photo::prepare(
        &sayso::library::test_photos::phone_jpeg(&garden, 1),
        sayso::library::photo::Framing::Square,
    )
    .unwrap();
    let picture = NewPicture {
        source_hash: "the phone's photo",
        media_type: "image/jpeg",
        width: photo.width,
        height: photo.height,
        bytes: &photo.bytes,
    };
    plan.give_card_picture(
        &question,
        "tomatoes",
        CardPicture::Photo(picture),
        "Jo",
        opens,
    )
    .unwrap();
    question
}

/// A kiosk of the demo home, with a plan of its own, in `dir`.
fn demo_kiosk(dir: &std::path::Path) -> KioskPaths {
    let demo = dir.join("demo");
    common::copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("images/demo"),
        &demo,
    );
    let mut paths = KioskPaths::in_data_dir(&dir.join("data"), &demo.join("set.toml"));
    paths.home = Some(demo.join("home.toml"));
    paths
}

/// The bytes of the tomatoes' picture in the plan.
fn photo_of_tomatoes(plan: &std::path::Path) -> Vec<u8> {
    let plan = Plan::open(plan).unwrap();
    let question = &plan.house_questions().unwrap()[0];
    let hash = plan.house_question(&question.id).unwrap().unwrap().cards[0]
        .picture
        .clone()
        .unwrap();
    plan.house_picture(&hash).unwrap().unwrap()
}

#[test]
fn each_resident_finds_the_house_question_first_and_answers_or_declines_it_and_the_plan_has_both() {
    let dir = tempfile::tempdir().unwrap();
    let paths = demo_kiosk(dir.path());
    let question = ask_the_garden_question(&paths.plan);
    let topic = topic_of(&question);

    // 15:00: no daily check-in of the demo home is open.
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 2, 15, 0, 0).unwrap());
    let (voice, spoken) = RecordingVoice::new();
    let mut kiosk = Kiosk::open(paths.clone(), Box::new(voice), Box::new(clock.clone())).unwrap();
    kiosk.wait_for_jobs(common::JOB_WAIT);
    assert!(
        paths.data_dir.join(HOUSE_QUESTIONS_FILE).is_file(),
        "the sync at the start brought the question down"
    );
    // Taken up once the kiosk has stood untouched for a minute.
    clock.advance(Duration::seconds(61));
    kiosk.input(KioskInput::Tick);
    assert_eq!(kiosk.screen(), Screen::People);

    touch(&mut kiosk, Event::Choose(0));
    assert_eq!(kiosk.view().person_name, "Alex");
    if kiosk.screen() == Screen::Company {
        touch(&mut kiosk, Event::Choose(0)); // on my own
    }
    assert_eq!(kiosk.screen(), Screen::Topics);
    let view = kiosk.view();
    let first = &view.picker.items[0];
    assert_eq!(first.title, "The garden", "the house's question first");
    assert!(first.due, "offered like a check-in");
    touch(&mut kiosk, Event::Choose(0));
    assert_eq!(kiosk.screen(), Screen::Mat);
    assert_eq!(kiosk.session().unwrap().topic().id.as_str(), topic);
    // The tomatoes show the manager's photo, kept on the kiosk by its
    // hash; the roses, with none, show their words.
    let tomatoes = kiosk.view().mat.card.expect("a card is offered");
    assert_eq!(tomatoes.label, "Tomatoes");
    let PictureRef::InSet(shown) = &tomatoes.picture else {
        panic!("the tomatoes have their picture: {:?}", tomatoes.picture)
    };
    let file = shown.strip_prefix("plan:").unwrap();
    let kept = std::fs::read(paths.data_dir.join("sets").join(file)).unwrap();
    assert!(file.ends_with(".jpg"), "{file}");
    assert_eq!(kept, photo_of_tomatoes(&paths.plan));
    let said = spoken.texts();
    assert!(
        said.iter()
            .any(|s| s == "What shall we plant in the garden?"),
        "{said:?}"
    );
    // Alex looks at each card before answering it.
    for point in [0, 2] {
        clock.advance(Duration::seconds(3));
        touch(&mut kiosk, Event::PlaceOn(point)); // tomatoes: like; roses: don't like
    }
    assert_eq!(kiosk.screen(), Screen::Review);
    clock.advance(Duration::seconds(3));
    touch(&mut kiosk, Event::Finish);
    assert_eq!(kiosk.screen(), Screen::Finished);
    kiosk.wait_for_jobs(common::JOB_WAIT);

    // The kiosk is soon ready for whoever comes next: Sam, who says "not
    // now" to it.
    clock.advance(Duration::minutes(1));
    kiosk.input(KioskInput::Tick);
    assert_eq!(kiosk.screen(), Screen::People);
    touch(&mut kiosk, Event::Choose(1));
    assert_eq!(kiosk.view().person_name, "Sam");
    if kiosk.screen() == Screen::Company {
        touch(&mut kiosk, Event::Choose(0));
    }
    assert_eq!(kiosk.view().picker.items[0].title, "The garden");
    touch(&mut kiosk, Event::NotNow);
    assert_ne!(kiosk.screen(), Screen::Mat);
    clock.advance(Duration::minutes(10));
    drop(kiosk);

    // The next start syncs: the plan has Alex's answer and Sam's "not now".
    let (voice, _) = RecordingVoice::new();
    let mut kiosk = Kiosk::open(paths.clone(), Box::new(voice), Box::new(clock.clone())).unwrap();
    kiosk.wait_for_jobs(common::JOB_WAIT);
    let plan = Plan::open(&paths.plan).unwrap();
    let answers = plan.house_answers(&question).unwrap();
    assert_eq!(answers.answers.len(), 1, "{answers:?}");
    let alex = &answers.answers[0];
    assert_eq!(alex.person, ALEX);
    let placed: Vec<(&str, Option<usize>)> = alex
        .placements
        .iter()
        .map(|p| (p.card.as_str(), p.point))
        .collect();
    assert_eq!(placed, [("tomatoes", Some(0)), ("roses", Some(2))]);
    assert_eq!(answers.declined, [PersonId::new(SAM)]);
    drop(plan);

    // The meeting decides two things; the tomatoes are planted, and the
    // residents who placed them are to be told.
    let mut plan = Plan::open(&paths.plan).unwrap();
    let decide = |plan: &mut Plan, card: &str, what: &str| {
        plan.decide(
            &NewDecision {
                question: question.clone(),
                card: card.into(),
                what: what.into(),
                who: "Jo".into(),
                due: None,
            },
            "Jo",
            clock.now().wall,
        )
        .unwrap()
    };
    let tomatoes = decide(&mut plan, "tomatoes", "Plant tomatoes by the patio");
    decide(&mut plan, "roses", "Ask the gardener about roses");
    plan.settle_decision(
        tomatoes,
        ActionStatus::Done,
        "Planted on Tuesday",
        "We planted them on Tuesday.",
        "Jo",
        clock.now().wall,
    )
    .unwrap();
    drop(plan);

    // Alex's next turn, after the kiosk's next sync: he hears it first.
    drop(kiosk);
    clock.advance(Duration::hours(1));
    let (voice, spoken) = RecordingVoice::new();
    let mut kiosk = Kiosk::open(paths.clone(), Box::new(voice), Box::new(clock.clone())).unwrap();
    kiosk.wait_for_jobs(common::JOB_WAIT);
    touch(&mut kiosk, Event::Choose(0));
    if kiosk.screen() == Screen::Company {
        touch(&mut kiosk, Event::Choose(0));
    }
    assert_eq!(kiosk.screen(), Screen::Mat, "told at the start of his turn");
    assert_eq!(
        kiosk.session().unwrap().topic().id.as_str(),
        TOLD_BACK_TOPIC
    );
    let said = spoken.texts();
    assert!(
        said.contains(&"You said you like Tomatoes.".to_string()),
        "{said:?}"
    );
    assert!(
        said.contains(&"We planted them on Tuesday.".to_string()),
        "{said:?}"
    );
    clock.advance(Duration::seconds(3));
    touch(&mut kiosk, Event::PlaceOn(0));
    clock.advance(Duration::seconds(3));
    touch(&mut kiosk, Event::Finish);
    kiosk.wait_for_jobs(common::JOB_WAIT);

    let plan = Plan::open(&paths.plan).unwrap();
    let decided = plan.decisions(&question).unwrap();
    assert_eq!(
        decided
            .iter()
            .map(|d| (d.status, d.residents, d.told))
            .collect::<Vec<_>>(),
        [(ActionStatus::Done, 1, 1), (ActionStatus::Open, 1, 0)],
        "Alex heard the done one and answered it; the other is still open"
    );
}

#[test]
fn a_kiosk_with_a_plan_of_its_own_lists_every_resident_before_their_first_mat() {
    let dir = tempfile::tempdir().unwrap();
    let paths = demo_kiosk(dir.path());
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 2, 15, 0, 0).unwrap());
    let (voice, _) = RecordingVoice::new();
    let mut kiosk = Kiosk::open(paths.clone(), Box::new(voice), Box::new(clock)).unwrap();
    kiosk.wait_for_jobs(common::JOB_WAIT);
    drop(kiosk);
    let plan = Plan::open(&paths.plan).unwrap();
    let residents: Vec<(String, String)> = plan
        .residents()
        .unwrap()
        .into_iter()
        .map(|r| (r.person.id.to_string(), r.person.name))
        .collect();
    assert_eq!(
        residents,
        [
            (ALEX.to_string(), "Alex".to_string()),
            (SAM.to_string(), "Sam".to_string())
        ],
        "a manager can ask both before either has made a mat"
    );
    assert!(plan.mats(&PersonId::new(ALEX), 10).unwrap().is_empty());
}
