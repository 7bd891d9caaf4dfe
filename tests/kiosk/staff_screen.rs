//! The kiosk's staff screen: reached only by holding the top bar's corner
//! for three seconds, then a staff member's PIN (from the plan's accounts);
//! wrong PINs lock it; pause, volume; it leaves by itself. No sequence of
//! the person's presses, keys or scanning reaches it.

use crate::common;

use chrono::Duration;
use proptest::prelude::*;
use sayso::access::keys::Key;
use sayso::core::staff_screen::{PowerAction, StaffInput, StaffStage};
use sayso::core::{Event, Input, InputMethod, Step};
use sayso::kiosk::KioskInput;
use sayso::kiosk::{Kiosk, Power, StaffPages};
use sayso::store::accounts::Role;
use sayso::store::ports::{AccountsPlan, StaffPlan};
use sayso::store::Plan;

/// Jo's PIN for the kiosk, set as the web app's "Your account" does.
fn give_jo_a_pin(plan: &std::path::Path) {
    let mut plan = Plan::open_or_create(plan).unwrap();
    plan.add_account("Jo", Role::Staff, None, "test", common::start_time())
        .unwrap();
    let jo = plan.accounts().unwrap().remove(0);
    plan.set_pin(jo.id, "4821", common::start_time()).unwrap();
}

fn stage(kiosk: &Kiosk) -> StaffStage {
    kiosk.staff_view().screen.stage
}

fn type_pin(kiosk: &mut Kiosk, pin: &str) {
    for digit in pin.bytes() {
        kiosk.input(KioskInput::Staff(StaffInput::Digit(digit - b'0')));
    }
    kiosk.input(KioskInput::Staff(StaffInput::EnterPin));
    kiosk.wait_for_jobs(common::JOB_WAIT);
}

fn hold_the_corner(test: &mut common::TestKiosk, seconds: i64) {
    test.kiosk
        .input(KioskInput::Staff(StaffInput::CornerPressed));
    test.clock.advance(Duration::seconds(seconds));
    test.kiosk.input(KioskInput::Tick);
    test.kiosk
        .input(KioskInput::Staff(StaffInput::CornerReleased));
}

#[test]
fn staff_open_their_screen_with_the_corner_and_their_pin_and_it_closes_by_itself() {
    let mut test = common::open_kiosk_exactly(&common::demo_set());
    give_jo_a_pin(&test.paths.plan);
    let journal = test.paths.journal();
    let placements = || {
        let db = rusqlite::Connection::open(&journal).unwrap();
        db.query_row("SELECT count(*) FROM placements", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
    };
    // (Each card is seen a moment before it is answered.)
    test.clock.advance(Duration::seconds(1));
    test.kiosk.input(KioskInput::Person(Input::new(
        Event::PlaceOn(0),
        InputMethod::Touch,
    )));
    assert_eq!(placements(), 1);

    // A tap, or two seconds: nothing.
    hold_the_corner(&mut test, 2);
    assert_eq!(stage(&test.kiosk), StaffStage::Closed);
    hold_the_corner(&mut test, 3);
    assert_eq!(stage(&test.kiosk), StaffStage::Pin);
    // The mat waits underneath: the person's presses do nothing now.
    let said = test.spoken.texts().len();
    test.kiosk.input(KioskInput::Person(Input::new(
        Event::PlaceOn(1),
        InputMethod::Touch,
    )));
    test.kiosk.input(KioskInput::KeyDown {
        key: Key::Char('2'),
        repeat: false,
    });
    test.clock.advance(Duration::milliseconds(120));
    test.kiosk.input(KioskInput::KeyUp(Key::Char('2')));
    assert_eq!(placements(), 1, "nothing placed behind the staff screen");
    assert_eq!(test.spoken.texts().len(), said, "nothing said");

    // Five wrong PINs lock it; the right one waits for the lock.
    for _ in 0..5 {
        type_pin(&mut test.kiosk, "1111");
    }
    assert!(test
        .kiosk
        .staff_view()
        .screen
        .message
        .contains("Too many wrong PINs"));
    type_pin(&mut test.kiosk, "4821");
    assert_eq!(stage(&test.kiosk), StaffStage::Pin, "locked");
    test.clock.advance(Duration::seconds(61));
    test.kiosk.input(KioskInput::Staff(StaffInput::Digit(4))); // still touched: not idle
    test.kiosk.input(KioskInput::Staff(StaffInput::EraseDigit));
    type_pin(&mut test.kiosk, "4821");
    let view = test.kiosk.staff_view();
    assert_eq!(view.screen.stage, StaffStage::Open);
    assert_eq!(view.screen.staff_name, "Jo");
    assert_eq!(view.mats_today, 1);
    // Which kiosk this is in the web app's list, until staff name it there.
    let device: String = rusqlite::Connection::open(&journal)
        .unwrap()
        .query_row(
            "SELECT value FROM device WHERE key = 'device_id'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(view.short_id, Some(device.chars().take(8).collect()));

    // Louder: the voice is turned up a step, and says so.
    let before = view.volume;
    test.kiosk.input(KioskInput::Staff(StaffInput::VolumeUp));
    let after = test.kiosk.staff_view().volume;
    assert_eq!(after, (before + 10).min(100));
    assert_eq!(
        test.spoken.texts().last().unwrap(),
        &format!("Volume {after}")
    );

    // Paused: closed, the person's screen says so and their presses wait.
    test.kiosk.input(KioskInput::Staff(StaffInput::TogglePause));
    test.kiosk.input(KioskInput::Staff(StaffInput::Close));
    assert_eq!(stage(&test.kiosk), StaffStage::Closed);
    assert!(test.kiosk.staff_view().screen.paused);
    test.kiosk.input(KioskInput::Person(Input::new(
        Event::PlaceOn(1),
        InputMethod::Touch,
    )));
    assert_eq!(placements(), 1, "paused");

    // Back in, carry on, and a minute untouched closes the screen.
    hold_the_corner(&mut test, 3);
    type_pin(&mut test.kiosk, "4821");
    test.kiosk.input(KioskInput::Staff(StaffInput::TogglePause));
    test.clock.advance(Duration::seconds(59));
    test.kiosk.input(KioskInput::Tick);
    assert_eq!(stage(&test.kiosk), StaffStage::Open);
    test.clock.advance(Duration::seconds(1));
    test.kiosk.input(KioskInput::Tick);
    assert_eq!(stage(&test.kiosk), StaffStage::Closed);
    test.clock.advance(Duration::seconds(1));
    test.kiosk.input(KioskInput::Person(Input::new(
        Event::PlaceOn(1),
        InputMethod::Touch,
    )));
    assert_eq!(placements(), 2, "the person carries on");
}

#[test]
fn with_no_pin_set_up_the_keypad_says_where_to_set_one_and_a_damaged_plan_says_so() {
    let mut test = common::open_kiosk_exactly(&common::demo_set());
    // Before the first sync there is no plan, after it one with no
    // accounts: either way, nobody has a PIN yet.
    hold_the_corner(&mut test, 3);
    type_pin(&mut test.kiosk, "4821");
    test.kiosk.wait_for_jobs(common::JOB_WAIT);
    type_pin(&mut test.kiosk, "4821");
    let view = test.kiosk.staff_view();
    assert_eq!(view.screen.stage, StaffStage::Pin);
    assert!(
        view.screen.message.contains("Your account"),
        "{}",
        view.screen.message
    );

    std::fs::write(
        &test.paths.plan,
        "not a database at all, not even close to one",
    )
    .unwrap();
    type_pin(&mut test.kiosk, "4821");
    let view = test.kiosk.staff_view();
    assert_eq!(view.screen.stage, StaffStage::Pin);
    assert!(
        view.screen.message.contains("cannot be checked"),
        "{}",
        view.screen.message
    );
}

/// Anything a person can do: taps and what keys, switches and scanning
/// become.
#[derive(Debug, Clone)]
enum PersonAction {
    Touch(Event),
    Key(Key),
    Wait(i64),
}

fn person_action() -> impl Strategy<Value = PersonAction> {
    let event = prop_oneof![
        (0usize..6).prop_map(Event::PlaceOn),
        (0u16..=1000).prop_map(Event::DropAt),
        (0usize..8).prop_map(Event::PickUp),
        (0usize..8).prop_map(Event::Choose),
        Just(Event::PutBack),
        Just(Event::Skip),
        Just(Event::SomethingElse),
        Just(Event::TellMeMore),
        Just(Event::NextPage),
        Just(Event::NotNow),
        Just(Event::SomeoneElse),
        Just(Event::MoveHighlight(Step::Forward)),
        Just(Event::MoveHighlight(Step::Back)),
        Just(Event::Select),
        Just(Event::Undo),
        Just(Event::SayAgain),
        Just(Event::Finish),
        Just(Event::StartAgain),
    ];
    prop_oneof![
        event.prop_map(PersonAction::Touch),
        prop_oneof![
            prop::sample::select(vec![
                Key::Space,
                Key::Enter,
                Key::Backspace,
                Key::Left,
                Key::Right,
            ]),
            prop::char::range('!', '~').prop_map(Key::Char),
        ]
        .prop_map(PersonAction::Key),
        (0i64..5_000).prop_map(PersonAction::Wait),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn no_sequence_of_a_persons_presses_reaches_the_staff_screen(
        actions in prop::collection::vec(person_action(), 1..60)
    ) {
        let mut test = common::open_kiosk_exactly(&common::demo_set());
        give_jo_a_pin(&test.paths.plan);
        for action in actions {
            match action {
                PersonAction::Touch(event) => {
                    test.kiosk.input(KioskInput::Person(Input::new(event, InputMethod::Touch)));
                }
                PersonAction::Key(key) => {
                    test.kiosk.input(KioskInput::KeyDown { key, repeat: false });
                    test.clock.advance(Duration::milliseconds(120));
                    test.kiosk.input(KioskInput::KeyUp(key));
                }
                PersonAction::Wait(ms) => {
                    test.clock.advance(Duration::milliseconds(ms));
                    test.kiosk.input(KioskInput::AccessTick);
                    test.kiosk.input(KioskInput::Tick);
                }
            }
            prop_assert_eq!(stage(&test.kiosk), StaffStage::Closed);
        }
    }
}

#[test]
fn a_mat_staff_mark_as_practice_is_kept_but_never_counts_and_the_next_one_does() {
    let mut test = common::open_kiosk_on_topics(&common::demo_set());
    give_jo_a_pin(&test.paths.plan);
    test.kiosk.wait_for_jobs(common::JOB_WAIT);
    hold_the_corner(&mut test, 3);
    type_pin(&mut test.kiosk, "4821");
    test.kiosk
        .input(KioskInput::Staff(StaffInput::TogglePractice));
    assert!(test.kiosk.staff_view().screen.practice_next);
    test.kiosk.input(KioskInput::Staff(StaffInput::Close));

    // A supporter shows how the mat works: every card under "like".
    common::pick_first_topic(&mut test.kiosk);
    let practice = test.kiosk.session().unwrap().id().to_string();
    while test.kiosk.screen() == sayso::core::Screen::Mat {
        test.kiosk.input(KioskInput::Person(Input::new(
            Event::PlaceOn(0),
            InputMethod::Touch,
        )));
    }
    test.kiosk.input(KioskInput::Person(Input::new(
        Event::Finish,
        InputMethod::Touch,
    )));
    test.kiosk.wait_for_jobs(common::JOB_WAIT);
    assert!(!test.kiosk.staff_view().screen.practice_next, "for one mat");

    let plan = Plan::open(&test.paths.plan).unwrap();
    let practice_of = |session: &str| -> bool {
        rusqlite::Connection::open(&test.paths.plan)
            .unwrap()
            .query_row(
                "SELECT practice FROM synced_sessions WHERE session_id = ?1",
                [session],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert!(practice_of(&practice), "kept, marked as practice");
    assert!(
        plan.preferences(None).unwrap().is_empty(),
        "and not counted"
    );

    // Then the person's own mat: counted.
    common::finish_a_mat(&mut test.kiosk, 2);
    test.kiosk.wait_for_jobs(common::JOB_WAIT);
    let own = test.kiosk.session().unwrap().id().to_string();
    assert!(!practice_of(&own));
    let views = plan.preferences(None).unwrap();
    assert!(!views.is_empty());
    assert!(views
        .iter()
        .all(|v| v.view.current_view == "don't like" && v.view.times_said == 1));
}

/// Opens the staff screen with Jo's PIN.
fn open_as_jo(test: &mut common::TestKiosk) {
    hold_the_corner(test, 3);
    type_pin(&mut test.kiosk, "4821");
    assert_eq!(stage(&test.kiosk), StaffStage::Open);
}

/// A restart or shut down as the machine would be asked for it.
#[derive(Clone, Default)]
struct FakePower(std::sync::Arc<std::sync::Mutex<Vec<PowerAction>>>);

impl Power for FakePower {
    fn act(&mut self, action: PowerAction) -> anyhow::Result<()> {
        self.0.lock().unwrap().push(action);
        Ok(())
    }
}

#[test]
fn staff_restart_or_shut_down_only_after_saying_yes_and_only_where_the_kiosk_may() {
    let mut test = common::open_kiosk_exactly(&common::demo_set());
    give_jo_a_pin(&test.paths.plan);
    open_as_jo(&mut test);

    // Not connected (a laptop): nothing happens, and staff are told why.
    test.kiosk
        .input(KioskInput::Staff(StaffInput::Ask(PowerAction::Restart)));
    test.kiosk.input(KioskInput::Staff(StaffInput::Confirm));
    assert!(test
        .kiosk
        .staff_view()
        .problems
        .iter()
        .any(|p| p.contains("cannot restart or shut down")));

    let power = FakePower::default();
    test.kiosk.connect_power(Box::new(power.clone()));
    test.kiosk
        .input(KioskInput::Staff(StaffInput::Ask(PowerAction::ShutDown)));
    assert_eq!(
        test.kiosk.staff_view().screen.asking,
        Some(PowerAction::ShutDown)
    );
    test.kiosk.input(KioskInput::Staff(StaffInput::Cancel));
    assert!(power.0.lock().unwrap().is_empty(), "no means no");
    test.kiosk
        .input(KioskInput::Staff(StaffInput::Ask(PowerAction::Restart)));
    test.kiosk.input(KioskInput::Staff(StaffInput::Confirm));
    assert_eq!(*power.0.lock().unwrap(), vec![PowerAction::Restart]);
}

/// The port the kiosk's web app answers on, from the address staff see.
fn port_of(address: &str) -> u16 {
    address
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("no port in {address}"))
}

fn answers(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

#[test]
fn staff_turn_the_web_app_on_and_off_at_the_kiosk_and_the_kiosk_remembers() {
    let mut test = common::open_kiosk_exactly(&common::demo_set());
    give_jo_a_pin(&test.paths.plan);
    let web_toml = test.paths.data_dir.join("web.toml");
    // Any free port, for the test: turned on at the kiosk, it is for the
    // home's network.
    std::fs::write(&web_toml, "listen = \"127.0.0.1:0\"\n").unwrap();
    let clock = test.clock.clone();
    let web = sayso::web::KioskWebApp::new(
        test.paths.plan.clone(),
        test.paths.data_dir.clone(),
        std::sync::Arc::new(move || sayso::clock::Clock::now(&clock).wall),
    );
    test.kiosk.connect_staff_pages(Box::new(web));
    open_as_jo(&mut test);
    assert_eq!(test.kiosk.staff_view().web_address, None);

    test.kiosk
        .input(KioskInput::Staff(StaffInput::ToggleWebApp));
    let address = test
        .kiosk
        .staff_view()
        .web_address
        .expect("the address is shown (and as a QR code)");
    assert!(address.starts_with("https://"), "over HTTPS: {address}");
    let port = port_of(&address);
    assert!(answers(port), "the web app answers on {port}");
    let settings = sayso::web::settings::WebSettings::load(&web_toml).unwrap();
    assert!(settings.enabled, "web.toml remembers it is on");
    assert!(
        settings.listen.ip().is_unspecified(),
        "on the home's network: {}",
        settings.listen
    );

    test.kiosk
        .input(KioskInput::Staff(StaffInput::ToggleWebApp));
    assert_eq!(test.kiosk.staff_view().web_address, None);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while answers(port) {
        assert!(
            std::time::Instant::now() < deadline,
            "the web app still answers after being turned off"
        );
        std::thread::yield_now();
    }
    assert!(
        !sayso::web::settings::WebSettings::load(&web_toml)
            .unwrap()
            .enabled
    );
}

/// The web app as a kiosk with no network serves it.
struct PagesWithoutNetwork;

impl StaffPages for PagesWithoutNetwork {
    fn turn_on(&mut self) -> anyhow::Result<String> {
        Ok("https://kiosk.local:8470/".to_string())
    }
    fn turn_off(&mut self) -> anyhow::Result<()> {
        Ok(())
    }
    fn network_problem(&self) -> Option<String> {
        Some("This device is on no network".to_string())
    }
}

#[test]
fn turning_the_web_app_on_with_no_network_tells_staff_beside_its_address() {
    let mut test = common::open_kiosk_exactly(&common::demo_set());
    give_jo_a_pin(&test.paths.plan);
    open_as_jo(&mut test);
    test.kiosk
        .connect_staff_pages(Box::new(PagesWithoutNetwork));
    test.kiosk
        .input(KioskInput::Staff(StaffInput::ToggleWebApp));
    let view = test.kiosk.staff_view();
    assert_eq!(
        view.web_address.as_deref(),
        Some("https://kiosk.local:8470/")
    );
    assert!(
        view.problems.iter().any(|p| p.contains("on no network")),
        "{:?}",
        view.problems
    );
}

/// Pairs the kiosk with a hub that never answers (nothing listens on
/// port 1).
fn pair_with_a_hub_that_never_answers(test: &common::TestKiosk) {
    sayso::sync::HubLink {
        url: "https://127.0.0.1:1".into(),
        token: "a".repeat(64),
        key: "b".repeat(64),
    }
    .save(&test.paths.data_dir)
    .unwrap();
}

#[test]
fn with_its_hub_down_the_kiosk_keeps_its_mats_and_staff_see_how_many_wait() {
    let mut test = common::open_kiosk(&common::demo_set());
    give_jo_a_pin(&test.paths.plan);
    // The sync the kiosk started with ends first.
    while test.kiosk.wait_for_jobs(common::JOB_WAIT).is_some() {}
    pair_with_a_hub_that_never_answers(&test);
    common::finish_a_mat(&mut test.kiosk, 0);
    let failed = test
        .kiosk
        .wait_for_jobs(common::JOB_WAIT)
        .expect("a sync after the mat");
    assert!(
        matches!(failed, Err(sayso::store::StoreError::HubUnreachable { .. })),
        "{failed:?}"
    );

    // The hub cannot check Jo's PIN: the kiosk's own plan still does.
    hold_the_corner(&mut test, 3);
    type_pin(&mut test.kiosk, "4821");
    let view = test.kiosk.staff_view();
    assert_eq!(view.screen.stage, StaffStage::Open);
    assert!(
        view.problems
            .iter()
            .any(|p| p.contains("Home's hub not reached: mats are kept here")),
        "{:?}",
        view.problems
    );
    assert!(
        view.plan_line
            .starts_with("1 mat saved on this kiosk has not reached the support plan yet"),
        "{}",
        view.plan_line
    );

    // The kiosk is unpaired (its hub gone for good): its own plan takes the mats.
    std::fs::remove_file(test.paths.data_dir.join(sayso::sync::hub::HUB_FILE)).unwrap();
    test.clock.advance(Duration::seconds(61));
    test.kiosk.input(KioskInput::Tick);
    let synced = test
        .kiosk
        .wait_for_jobs(common::JOB_WAIT)
        .expect("tried again")
        .unwrap();
    assert_eq!(synced.sessions, 1);
    // (The staff screen closed by itself meanwhile.)
    hold_the_corner(&mut test, 3);
    type_pin(&mut test.kiosk, "4821");
    let view = test.kiosk.staff_view();
    assert!(
        view.plan_line
            .starts_with("Every mat saved here is in the support plan (last sync"),
        "{}",
        view.plan_line
    );
    assert!(!view.problems.iter().any(|p| p.contains("hub")));
}

#[test]
fn with_its_hub_down_a_kiosk_without_pins_of_its_own_says_the_hub_is_why() {
    let mut test = common::open_kiosk(&common::demo_set());
    while test.kiosk.wait_for_jobs(common::JOB_WAIT).is_some() {}
    // No staff PIN in the kiosk's own plan.
    pair_with_a_hub_that_never_answers(&test);
    hold_the_corner(&mut test, 3);
    type_pin(&mut test.kiosk, "4821");
    let view = test.kiosk.staff_view();
    assert_eq!(view.screen.stage, StaffStage::Pin);
    assert!(
        view.screen
            .message
            .contains("the home's hub cannot be reached"),
        "not \"no PIN is set up\": {}",
        view.screen.message
    );
}
