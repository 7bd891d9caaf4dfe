//! Direct access with big buttons: pin edges from a fake GPIO source go
//! through the timing filter and the pin map to placements and journal rows,
//! the whole mat through, bounce and tremor included.

use crate::common;

use std::sync::mpsc;
use std::time::Duration;

use rusqlite::Connection;
use sayso::access::filter::TimingSettings;
use sayso::access::gpio::{run_buttons, ButtonPanel, FakePins, PinMap};
use sayso::access::AccessOutput;
use sayso::core::Screen;
use sayso::kiosk::KioskInput;

const GREEN: u8 = 17; // scale point 1: like
const YELLOW: u8 = 27; // scale point 2: not sure
const RED: u8 = 22; // scale point 3: don't like
const SELECT: u8 = 24; // switch 2

#[test]
fn a_person_with_three_big_buttons_finishes_a_mat() {
    let mut test = common::open_kiosk(&common::demo_set());
    let (source, pins) = FakePins::new();
    let (outputs, received) = mpsc::channel();
    let runner = std::thread::spawn(move || {
        run_buttons(
            Box::new(source),
            ButtonPanel::new(PinMap::default(), TimingSettings::default()),
            |step| {
                for output in step.outputs {
                    outputs.send(output).unwrap();
                }
            },
        )
    });
    let next_input = || match received
        .recv_timeout(Duration::from_secs(5))
        .expect("the button press arrives")
    {
        AccessOutput::Input(input) => input,
        AccessOutput::Warning(w) => panic!("unexpected warning: {w}"),
    };

    let t = std::cell::Cell::new(1_000);
    let press = |pin: u8| {
        let t0 = t.get();
        // A real press: contact bounce as it closes and opens, held 180 ms.
        pins.edge(pin, true, t0);
        pins.edge(pin, false, t0 + 3);
        pins.edge(pin, true, t0 + 5);
        pins.edge(pin, false, t0 + 185);
        pins.edge(pin, true, t0 + 188);
        pins.edge(pin, false, t0 + 190);
        pins.set_now(t0 + 250);
        t.set(t0 + 2_000);
    };

    for pin in [GREEN, RED, YELLOW, GREEN] {
        press(pin);
        test.kiosk.input(KioskInput::Person(next_input()));
    }
    // A tremor brushes the red button: too short to count.
    pins.press(RED, t.get(), 30);
    pins.set_now(t.get() + 100);
    t.set(t.get() + 2_000);
    for pin in [RED, YELLOW] {
        press(pin);
        test.kiosk.input(KioskInput::Person(next_input()));
    }
    assert_eq!(test.kiosk.screen(), Screen::Review);
    press(SELECT);
    test.kiosk.input(KioskInput::Person(next_input()));
    assert_eq!(test.kiosk.screen(), Screen::Finished);
    assert!(
        received.recv_timeout(Duration::from_millis(200)).is_err(),
        "the tremor did nothing"
    );

    drop(pins);
    runner.join().unwrap();

    let journal = Connection::open(test.paths.journal()).unwrap();
    let rows: Vec<(String, i64, String)> = journal
        .prepare("SELECT card_id, point, input_method FROM placements ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let expected: Vec<(String, i64, String)> = [
        ("tea", 0),
        ("pizza", 2),
        ("banana", 1),
        ("ice-cream", 0),
        ("chips", 2),
        ("broccoli", 1),
    ]
    .into_iter()
    .map(|(card, point)| (card.to_string(), point, "gpio".to_string()))
    .collect();
    assert_eq!(rows, expected);
    let finished_via: String = journal
        .query_row("SELECT input_method FROM session_ends", [], |r| r.get(0))
        .unwrap();
    assert_eq!(finished_via, "gpio");
    assert_eq!(
        test.spoken.texts().last().unwrap(),
        "Your mat is finished and saved."
    );
}

#[test]
fn the_light_follows_the_highlight_and_stays_on_the_point_chosen() {
    use sayso::access::gpio::Role;
    use sayso::access::lights::{FakeLights, Lights};
    use sayso::core::{Event, Input, InputMethod, Step};

    let mut test = common::open_kiosk(&common::demo_set());
    let fake = FakeLights::default();
    let map = PinMap {
        pins: vec![
            (5, Role::Point(0)),
            (6, Role::Point(1)),
            (13, Role::Point(2)),
            (19, Role::SayAgain),
        ],
    };
    test.kiosk
        .attach_lights(Lights::new(map, Box::new(fake.clone())));
    assert_eq!(fake.on(), Vec::<u8>::new(), "all dark to start");

    let switch = |kiosk: &mut sayso::kiosk::Kiosk, event| {
        kiosk.input(KioskInput::Person(Input::new(event, InputMethod::Gpio)))
    };
    switch(&mut test.kiosk, Event::MoveHighlight(Step::Forward));
    assert_eq!(fake.on(), [5]);
    switch(&mut test.kiosk, Event::MoveHighlight(Step::Forward));
    assert_eq!(fake.on(), [6]);
    switch(&mut test.kiosk, Event::Select);
    assert_eq!(fake.on(), [6], "the point chosen stays lit");
    for _ in 0..6 {
        switch(&mut test.kiosk, Event::MoveHighlight(Step::Forward));
    }
    assert_eq!(
        fake.on(),
        [19],
        "say again, after the points, skip and something else"
    );
    switch(&mut test.kiosk, Event::PlaceOn(2));
    assert_eq!(fake.on(), [13]);
}
