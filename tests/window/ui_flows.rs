//! One flow per screen, by touch, on a headless window: the people of a home,
//! who is with them, the topics, the mat (skip, something else, dragging a
//! card between two points, a supporter helping), the review (moving a card,
//! "tell me more"), the finished screen, and carrying on a mat left part-way.

use crate::common;

use std::cell::RefCell;
use std::rc::Rc;

use chrono::{Duration, TimeZone, Utc};
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use sayso::clock::ManualClock;
use sayso::core::{Screen, Spot};
use sayso::kiosk::{Kiosk, KioskPaths};
use sayso::library::home::find_home;
use sayso::voice::RecordingVoice;
use sayso::{AppWindow, Theme};
use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition};

pub fn every_screen_by_touch() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut paths = KioskPaths::in_data_dir(&data, &common::demo_set());
    paths.home = find_home(None, &data, &common::demo_set());
    assert!(
        paths.home.is_some(),
        "the demo set comes with the demo home"
    );
    let noon = chrono::Local
        .with_ymd_and_hms(2026, 11, 2, 12, 0, 0)
        .earliest()
        .unwrap()
        .with_timezone(&Utc);
    let clock = ManualClock::paced(noon, common::pace());
    let (voice, spoken) = RecordingVoice::new();
    let kiosk = Kiosk::open(paths, Box::new(voice), Box::new(clock.clone())).unwrap();
    let kiosk = Rc::new(RefCell::new(kiosk));
    let window = AppWindow::new().unwrap();
    window.window().set_size(slint::PhysicalSize::new(800, 480));
    let _bridge = sayso::ui::connect(&window, kiosk.clone(), sayso::ui::Pictures::immediate());
    window.show().unwrap();

    let buttons = |label: &str| -> Vec<ElementHandle> {
        ElementHandle::find_by_accessible_label(&window, label)
            .filter(|e| e.accessible_role() == Some(AccessibleRole::Button))
            .collect()
    };
    let tap = |label: &str| {
        let found = buttons(label);
        if found.len() != 1 {
            let all: Vec<String> = i_slint_backend_testing::ElementQuery::from_root(&window)
                .match_descendants()
                .match_accessible_role(AccessibleRole::Button)
                .find_all()
                .into_iter()
                .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
                .collect();
            panic!("one button is labelled '{label}'; there are {all:?}");
        }
        found[0].invoke_accessible_default_action();
    };
    let screen = || kiosk.borrow().screen();

    // The people of the home, by photo; then who is with them.
    assert_eq!(screen(), Screen::People);
    tap("Sam");
    assert_eq!(screen(), Screen::Company);
    tap("on my own");
    assert_eq!(screen(), Screen::Topics);
    let theme = window.global::<Theme>();
    assert!(
        theme.get_high_contrast() && theme.get_large_text(),
        "Sam's display"
    );
    assert_eq!(buttons("Food").len(), 0, "Sam's topics only");
    tap("Someone else");
    assert_eq!(screen(), Screen::People);
    tap("Alex");
    tap("Jo");
    assert!(
        !window.global::<Theme>().get_high_contrast(),
        "Alex's display"
    );

    // The mat: skip, something else, and a card dragged between two points.
    tap("Food");
    assert_eq!(screen(), Screen::Mat);
    tap("Skip");
    tap("Something else");
    assert_eq!(spoken.texts().last().unwrap(), "something else");
    tap("like");
    let offered: Vec<ElementHandle> = ElementHandle::find_by_accessible_label(&window, "pizza")
        .filter(|e| e.accessible_description().as_deref() == Some("the card to place"))
        .collect();
    assert_eq!(offered.len(), 1, "pizza is on offer");
    let from = centre(&offered[0]);
    let column = ElementHandle::find_by_accessible_label(&window, "not sure column")
        .next()
        .unwrap();
    let (at, size) = (column.absolute_position(), column.size());
    let to = LogicalPosition::new(at.x + size.width * 0.85, at.y + size.height * 0.5);
    let pointer = |event| window.window().dispatch_event(event);
    pointer(WindowEvent::PointerPressed {
        position: from,
        button: PointerEventButton::Left,
    });
    for step in 1..=5 {
        let f = step as f32 / 5.0;
        let position =
            LogicalPosition::new(from.x + (to.x - from.x) * f, from.y + (to.y - from.y) * f);
        pointer(WindowEvent::PointerMoved { position });
    }
    pointer(WindowEvent::PointerReleased {
        position: to,
        button: PointerEventButton::Left,
    });
    {
        let kiosk = kiosk.borrow();
        let session = kiosk.session().unwrap();
        let pizza = session
            .topic()
            .cards
            .iter()
            .position(|c| c.id == "pizza")
            .unwrap();
        let spot = session
            .spot_of(pizza)
            .expect("pizza was dropped on the mat");
        assert_eq!(spot.point, 1, "under 'not sure'");
        assert!(spot.offset > 20, "towards 'don't like': {spot:?}");
    }

    // Jo helps with one card.
    tap("Jo is not helping");
    assert!(kiosk.borrow().flow().company().helped);
    tap("don't like");
    tap("Jo is helping");
    assert!(!kiosk.borrow().flow().company().helped);
    for column in ["like", "not sure", "don't like"] {
        tap(column);
    }
    assert_eq!(screen(), Screen::Review);

    // The review: move a card, and mark one "tell me more".
    tap("move bananas");
    assert_eq!(spoken.texts().last().unwrap(), "Where does bananas go?");
    tap("like");
    assert_eq!(screen(), Screen::Review);
    tap("move chips");
    tap("Tell me more");
    {
        let kiosk = kiosk.borrow();
        let session = kiosk.session().unwrap();
        let card = |id: &str| {
            session
                .topic()
                .cards
                .iter()
                .position(|c| c.id == id)
                .unwrap()
        };
        assert_eq!(session.spot_of(card("banana")), Some(Spot::on(0)));
        assert!(session.is_marked(card("chips")));
    }
    tap("Finish");
    assert_eq!(screen(), Screen::Finished);
    tap("Another topic");
    assert_eq!(screen(), Screen::Topics);

    // A mat left part-way is carried on when the person comes back.
    tap("Going out");
    tap("like");
    let session = kiosk.borrow().session().unwrap().id().clone();
    clock.advance(Duration::minutes(10));
    i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(1_100));
    assert_eq!(screen(), Screen::People, "left untouched: saved as partial");
    tap("Alex");
    tap("Jo");
    assert_eq!(screen(), Screen::Resume);
    tap("Carry on: Going out");
    assert_eq!(screen(), Screen::Mat);
    assert_eq!(kiosk.borrow().session().unwrap().id(), &session);
    assert_eq!(kiosk.borrow().session().unwrap().dealt_count(), 1);
}

fn centre(element: &ElementHandle) -> LogicalPosition {
    let (at, size) = (element.absolute_position(), element.size());
    LogicalPosition::new(at.x + size.width / 2.0, at.y + size.height / 2.0)
}
