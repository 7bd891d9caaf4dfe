//! Joining the home's hub at the kiosk itself: staff open the staff screen,
//! press "Join a home", type the hub's address and the pairing code on the
//! keypad, compare the hub's four words and only then join; the kiosk's
//! history goes to a real `sayso serve` once. Then "you said, we did" is
//! told once across the home's two kiosks.

use std::path::Path;

use chrono::Duration;
use sayso::clock::ManualClock;
use sayso::core::join_home::JoinStage;
use sayso::core::staff_screen::{StaffInput, StaffStage};
use sayso::core::{Event, Input, InputMethod, Screen, TOLD_BACK_TOPIC};
use sayso::kiosk::{Kiosk, KioskInput, KioskPaths};
use sayso::store::accounts::Role;
use sayso::store::ports::{AccountsPlan, StaffPlan};
use sayso::store::{Plan, StoreError};
use sayso::sync::hub::PairError;
use sayso::voice::{RecordingVoice, SpokenLog};

use super::hub::{count, pairing_code, start_hub, Hub};
use crate::common;

const HOME: &str = r#"
[[people]]
id = "0190a000-0000-7000-8000-00000000a1e5"
name = "Alex"
"#;

const HOME_OF_TWO: &str = r#"
[[people]]
id = "0190a000-0000-7000-8000-00000000a1e5"
name = "Alex"

[[people]]
id = "0190a000-0000-7000-8000-000000005a11"
name = "Sam"
"#;

/// A kiosk in `data` of the home whose file is `people`, with Jo's PIN in
/// its own plan.
fn kiosk_of_the_home(
    data: &Path,
    people: &str,
    clock: &ManualClock,
) -> (Kiosk, SpokenLog, KioskPaths) {
    std::fs::create_dir_all(data).unwrap();
    let home = data.join("home.toml");
    if !home.exists() {
        std::fs::write(&home, people).unwrap();
        let mut plan = Plan::open_or_create(&data.join("plan.sqlite")).unwrap();
        plan.add_account("Jo", Role::Staff, None, "test", common::start_time())
            .unwrap();
        let jo = plan.accounts().unwrap().remove(0);
        plan.set_pin(jo.id, "4821", common::start_time()).unwrap();
    }
    let mut paths = KioskPaths::in_data_dir(data, &common::demo_set());
    paths.home = Some(home);
    let (voice, spoken) = RecordingVoice::new();
    let mut kiosk = Kiosk::open(paths.clone(), Box::new(voice), Box::new(clock.clone())).unwrap();
    kiosk.wait_for_jobs(common::JOB_WAIT);
    (kiosk, spoken, paths)
}

fn staff(kiosk: &mut Kiosk, input: StaffInput) {
    kiosk.input(KioskInput::Staff(input));
}

fn type_on_the_keypad(kiosk: &mut Kiosk, keys: &str) {
    for key in keys.chars() {
        staff(
            kiosk,
            StaffInput::Join(sayso::core::join_home::JoinInput::Key(key)),
        );
    }
}

fn join(kiosk: &mut Kiosk, input: sayso::core::join_home::JoinInput) {
    staff(kiosk, StaffInput::Join(input));
}

fn joining_stage(kiosk: &Kiosk) -> Option<JoinStage> {
    kiosk.staff_view().screen.joining.map(|join| join.stage)
}

/// Staff at the kiosk: the corner held, Jo's PIN, "Join a home".
fn open_join_a_home(kiosk: &mut Kiosk, clock: &ManualClock) {
    staff(kiosk, StaffInput::CornerPressed);
    clock.advance(Duration::seconds(3));
    kiosk.input(KioskInput::Tick);
    staff(kiosk, StaffInput::CornerReleased);
    for digit in [4, 8, 2, 1] {
        staff(kiosk, StaffInput::Digit(digit));
    }
    staff(kiosk, StaffInput::EnterPin);
    kiosk.wait_for_jobs(common::JOB_WAIT);
    assert_eq!(kiosk.staff_view().screen.stage, StaffStage::Open);
    staff(kiosk, StaffInput::JoinHome);
    assert_eq!(joining_stage(kiosk), Some(JoinStage::Address));
}

/// The whole of joining at the kiosk: address, code, the words compared
/// with the hub's, joined. The words the kiosk showed.
fn join_on_the_staff_screen(kiosk: &mut Kiosk, clock: &ManualClock, hub: &Hub) -> String {
    use sayso::core::join_home::JoinInput::*;
    open_join_a_home(kiosk, clock);
    type_on_the_keypad(kiosk, hub.url.trim_start_matches("https://"));
    join(kiosk, Next);
    // Typed as the hub's page shows it, dashes and all.
    type_on_the_keypad(kiosk, &pairing_code(&hub.plan));
    join(kiosk, Next);
    kiosk.wait_for_jobs(common::JOB_WAIT);
    assert_eq!(
        joining_stage(kiosk),
        Some(JoinStage::Compare),
        "{:?}",
        kiosk.staff_view().screen.joining
    );
    let words = kiosk.staff_view().screen.joining.unwrap().words;
    join(kiosk, Same);
    kiosk.wait_for_jobs(common::JOB_WAIT);
    assert_eq!(
        joining_stage(kiosk),
        Some(JoinStage::Joined),
        "{:?}",
        kiosk.staff_view().screen.joining
    );
    words
}

fn touch(kiosk: &mut Kiosk, event: Event) {
    kiosk.input(KioskInput::Person(Input::new(event, InputMethod::Touch)));
}

#[test]
fn staff_join_a_home_on_the_kiosks_keypad_once_the_hubs_words_match_theirs() {
    use sayso::core::join_home::JoinInput::*;
    let dir = tempfile::tempdir().unwrap();
    let hub = start_hub(&dir.path().join("hub"));
    let clock = ManualClock::paced(common::start_time(), common::pace());
    let (mut kiosk, _, paths) = kiosk_of_the_home(&dir.path().join("lounge"), HOME, &clock);
    // Alex's mat from before the home had a hub, in the kiosk's own plan.
    common::finish_a_mat(&mut kiosk, 2);
    kiosk.wait_for_jobs(common::JOB_WAIT);

    // A hub showing another key is given no code: the code still pairs.
    let code = pairing_code(&hub.plan);
    let other_key = "0".repeat(64);
    let refused = sayso::sync::hub::pair(&hub.url, &code, "stranger", Some(&other_key));
    assert!(
        matches!(
            refused,
            Err(PairError::Store(StoreError::HubCertificate { .. }))
        ),
        "{refused:?}"
    );

    // Staff type the address, then a code wrongly; then the right one.
    open_join_a_home(&mut kiosk, &clock);
    type_on_the_keypad(&mut kiosk, hub.url.trim_start_matches("https://"));
    join(&mut kiosk, Next);
    type_on_the_keypad(&mut kiosk, "WRNG-WRNG-WRNG");
    join(&mut kiosk, Next);
    kiosk.wait_for_jobs(common::JOB_WAIT);
    let view = kiosk.staff_view().screen.joining.unwrap();
    assert_eq!(view.stage, JoinStage::Compare);
    assert_eq!(view.words, hub.key_words, "the hub's own words");
    join(&mut kiosk, Same);
    kiosk.wait_for_jobs(common::JOB_WAIT);
    let view = kiosk.staff_view().screen.joining.unwrap();
    assert_eq!(view.stage, JoinStage::Code, "typed again");
    assert!(view.message.starts_with("Not joined"), "{}", view.message);
    assert!(
        !paths.data_dir.join(sayso::sync::hub::HUB_FILE).exists(),
        "not paired"
    );

    type_on_the_keypad(&mut kiosk, &code);
    join(&mut kiosk, Next);
    kiosk.wait_for_jobs(common::JOB_WAIT);
    join(&mut kiosk, Same);
    let synced = kiosk.wait_for_jobs(common::JOB_WAIT);
    assert!(
        matches!(synced, Some(Ok(_))),
        "it syncs with the hub at once: {synced:?}"
    );
    let view = kiosk.staff_view().screen.joining.unwrap();
    assert_eq!(view.stage, JoinStage::Joined, "{}", view.message);
    assert!(
        view.message
            .contains("1 finished mat from this kiosk is in its support plan"),
        "{}",
        view.message
    );
    assert_eq!(count(&hub.plan, "SELECT count(*) FROM synced_sessions"), 1);
    assert!(paths.data_dir.join(sayso::sync::hub::HUB_FILE).exists());
    join(&mut kiosk, Next);
    assert_eq!(joining_stage(&kiosk), None, "back to the staff screen");
    staff(&mut kiosk, StaffInput::Close);

    // From then on, Alex's mats go to the hub.
    common::finish_a_mat(&mut kiosk, 0);
    kiosk.wait_for_jobs(common::JOB_WAIT);
    assert_eq!(count(&hub.plan, "SELECT count(*) FROM synced_sessions"), 2);
    // With the kiosk's clock marks, each once, at the hub's time of receipt.
    let marks = sayso::store::Journal::open(&paths.journal())
        .unwrap()
        .clock_marks()
        .unwrap()
        .len() as i64;
    assert!(marks > 0, "the kiosk marked its clock");
    assert_eq!(
        count(&hub.plan, "SELECT count(*) FROM device_clock_marks"),
        marks
    );
    // The hub's clock is this machine's (the kiosk's is a test's, far off).
    let hour_ago = (chrono::Utc::now() - Duration::hours(1)).to_rfc3339();
    assert_eq!(
        count(
            &hub.plan,
            &format!("SELECT count(*) FROM device_clock_marks WHERE received_at > '{hour_ago}'")
        ),
        marks,
        "received at the hub's own time, not the kiosk's"
    );
    assert_eq!(
        count(
            &hub.plan,
            "SELECT count(*) FROM audit_log WHERE action LIKE 'kiosk % paired'"
        ),
        1,
        "one pairing, audited"
    );
}

/// Alex chooses themselves on the people screen, and says who is with them.
fn alex_begins(kiosk: &mut Kiosk) {
    assert_eq!(kiosk.screen(), Screen::People);
    touch(kiosk, Event::Choose(0));
    if kiosk.screen() == Screen::Company {
        touch(kiosk, Event::Choose(0));
    }
}

#[test]
fn you_said_we_did_is_told_once_across_the_homes_two_kiosks() {
    let dir = tempfile::tempdir().unwrap();
    let hub = start_hub(&dir.path().join("hub"));
    let clock = ManualClock::paced(common::start_time(), common::pace());
    let lounge_dir = dir.path().join("lounge");
    let kitchen_dir = dir.path().join("kitchen");

    // Alex says they don't like anything on the Food mat, in the lounge;
    // both kiosks join the hub.
    let (mut lounge, _, _) = kiosk_of_the_home(&lounge_dir, HOME_OF_TWO, &clock);
    alex_begins(&mut lounge);
    common::pick_first_topic(&mut lounge);
    while lounge.screen() == Screen::Mat {
        touch(&mut lounge, Event::PlaceOn(2));
    }
    touch(&mut lounge, Event::Finish);
    lounge.wait_for_jobs(common::JOB_WAIT);
    let lounge_words = join_on_the_staff_screen(&mut lounge, &clock, &hub);
    let (mut kitchen, _, _) = kiosk_of_the_home(&kitchen_dir, HOME_OF_TWO, &clock);
    let kitchen_words = join_on_the_staff_screen(&mut kitchen, &clock, &hub);
    assert_eq!(lounge_words, kitchen_words);
    drop((lounge, kitchen));

    // Staff act on it at the hub, with words for Alex.
    let action = crate::you_said_we_did::staff_act_on_tea(&hub.plan, "We bought oat milk");

    // Both kiosks start the next day and sync it down.
    clock.advance(Duration::days(1));
    let (mut kitchen, kitchen_spoken, _) = kiosk_of_the_home(&kitchen_dir, HOME_OF_TWO, &clock);
    let (mut lounge, spoken, _) = kiosk_of_the_home(&lounge_dir, HOME_OF_TWO, &clock);
    // Alex comes to the lounge's kiosk first: told there, and answers.
    alex_begins(&mut lounge);
    assert_eq!(
        lounge.screen(),
        Screen::Mat,
        "told at the start of the turn"
    );
    assert_eq!(
        lounge.session().unwrap().topic().id.as_str(),
        TOLD_BACK_TOPIC
    );
    assert!(spoken.texts().contains(&"We bought oat milk".to_string()));
    touch(&mut lounge, Event::PlaceOn(0));
    touch(&mut lounge, Event::Finish);
    lounge.wait_for_jobs(common::JOB_WAIT);

    // The kitchen's next sync hears it was told; Alex's turn there is not
    // told it again.
    clock.advance(Duration::hours(2));
    kitchen.input(KioskInput::Tick);
    let synced = kitchen.wait_for_jobs(common::JOB_WAIT);
    assert!(matches!(synced, Some(Ok(_))), "{synced:?}");
    alex_begins(&mut kitchen);
    assert_eq!(kitchen.screen(), Screen::Topics, "told once, in the lounge");
    assert!(!kitchen_spoken
        .texts()
        .contains(&"We bought oat milk".to_string()));

    let plan = Plan::open(&hub.plan).unwrap();
    let person = StaffPlan::people(&plan)
        .unwrap()
        .into_iter()
        .find(|p| p.name == "Alex")
        .unwrap()
        .id;
    let row = StaffPlan::actions(&plan, &person)
        .unwrap()
        .into_iter()
        .find(|a| a.id == action)
        .unwrap();
    assert_eq!(
        row.told.map(|(answer, _)| answer).as_deref(),
        Some("like"),
        "the lounge's answer reached the hub"
    );
    assert_eq!(
        count(
            &hub.plan,
            &format!("SELECT count(*) FROM evidence WHERE topic_id = '{TOLD_BACK_TOPIC}'")
        ),
        1,
        "answered once"
    );
}
