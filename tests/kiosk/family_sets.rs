//! A family's picture set kept in the support plan reaches the kiosk: the
//! kiosk takes the newest version when it syncs, offers its topic to the
//! person whose set it is from their next list of topics, plays the family's
//! recording for the card, and the journal says which version each mat used.

use sayso::core::{Event, Input, InputMethod, PersonId, Screen};
use sayso::library::photo::{self, Framing};
use sayso::library::recording;
use sayso::library::test_photos::phone_jpeg;
use sayso::store::Plan;

use crate::common;
use sayso::kiosk::KioskInput;
use sayso::store::ports::{PlanSets, StaffPlan};

const SAMS_SET: &str = r#"id = "sams"
title = "Sam's things"

[[topics]]
id = "my-things"
title = "My things"
question = "What do you think about your things?"
scale = "like"

[[topics.cards]]
id = "mug"
label = "My red mug"
picture = "pictures/mug.jpg"
clip = "clips/mug.wav"
"#;

fn sams_files() -> Vec<(String, Vec<u8>)> {
    let red = image::RgbImage::from_pixel(400, 300, image::Rgb([200, 30, 30]));
    let picture = photo::prepare(&phone_jpeg(&red, 6), Framing::AsTaken).unwrap();
    let webm = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yes.webm"),
    )
    .unwrap();
    let clip = recording::prepare(webm, Some("webm")).unwrap();
    vec![
        ("pictures/mug.jpg".to_string(), picture.bytes),
        ("clips/mug.wav".to_string(), clip.wav),
    ]
}

fn tap(kiosk: &mut sayso::kiosk::Kiosk, event: Event) {
    kiosk.input(KioskInput::Person(Input::new(event, InputMethod::Touch)));
}

#[test]
fn a_set_saved_in_the_plan_is_offered_at_the_next_topics_with_its_recording() {
    let mut test = common::open_kiosk(&common::demo_set());
    common::finish_a_mat(&mut test.kiosk, 0);
    let first = test
        .kiosk
        .wait_for_jobs(common::JOB_WAIT)
        .expect("a sync after the mat");
    assert!(first.is_ok(), "{first:?}");
    let plan_path = test.paths.plan.clone();
    let person: PersonId = Plan::open(&plan_path).unwrap().people().unwrap()[0]
        .id
        .clone();

    // The person starts another mat on the kiosk's own Food; meanwhile
    // their family saves a set in the plan, and the kiosk syncs.
    tap(&mut test.kiosk, Event::StartAgain);
    common::pick_first_topic(&mut test.kiosk);
    assert_eq!(test.kiosk.screen(), Screen::Mat);
    let own_cards = test.kiosk.view();
    let mut plan = Plan::open(&plan_path).unwrap();
    plan.save_set_version(
        "sams",
        &person,
        SAMS_SET,
        &sams_files(),
        "Sam's mum",
        common::start_time(),
    )
    .unwrap();
    drop(plan);
    while test.kiosk.screen() == Screen::Mat {
        tap(&mut test.kiosk, Event::PlaceOn(0));
    }
    assert_ne!(test.kiosk.view(), own_cards);
    tap(&mut test.kiosk, Event::Finish);
    let synced = test
        .kiosk
        .wait_for_jobs(common::JOB_WAIT)
        .expect("a sync after the mat");
    assert!(synced.is_ok(), "{synced:?}");
    let taken = test.paths.data_dir.join("sets/sams/1/clips/mug.wav");
    assert!(taken.is_file(), "the set is on the kiosk");

    // The next list of topics has the family's topic, last.
    tap(&mut test.kiosk, Event::StartAgain);
    assert_eq!(test.kiosk.screen(), Screen::Topics);
    let topics: Vec<String> = test
        .kiosk
        .view()
        .picker
        .items
        .into_iter()
        .map(|item| item.title)
        .collect();
    assert_eq!(
        topics.last().map(String::as_str),
        Some("My things"),
        "{topics:?}"
    );
    tap(&mut test.kiosk, Event::Choose(topics.len() - 1));
    assert_eq!(test.kiosk.screen(), Screen::Mat);
    let mug = test
        .spoken
        .utterances()
        .into_iter()
        .find(|u| u.text == "My red mug")
        .expect("the card is said");
    let clip = std::path::PathBuf::from(mug.clip.expect("with the family's recording"));
    assert_eq!(clip.canonicalize().unwrap(), taken.canonicalize().unwrap());

    tap(&mut test.kiosk, Event::PlaceOn(0));
    tap(&mut test.kiosk, Event::Finish);
    test.kiosk
        .wait_for_jobs(common::JOB_WAIT)
        .expect("a sync")
        .unwrap();
    let plan = rusqlite::Connection::open(&plan_path).unwrap();
    let sets: Vec<String> = plan
        .prepare("SELECT set_id FROM synced_sessions ORDER BY started_at")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        sets,
        ["demo", "demo", "sams@1"],
        "each mat says which set and version"
    );
}
