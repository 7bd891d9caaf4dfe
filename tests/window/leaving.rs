//! A way out of a mat: Backspace (or "Back") on the first card asks whether
//! to leave it; "stop for now" keeps it as partial in the journal and goes
//! to the person's topics, where another can be chosen.

use crate::common;

use std::cell::RefCell;
use std::rc::Rc;

use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use sayso::core::Screen;
use sayso::AppWindow;
use slint::platform::WindowEvent;
use slint::ComponentHandle;

pub fn back_on_the_first_card_leaves_the_mat_kept_as_partial() {
    let test = common::open_kiosk(&common::demo_set());
    let journal = test.paths.journal();
    let kiosk = Rc::new(RefCell::new(test.kiosk));
    let window = AppWindow::new().unwrap();
    window.window().set_size(slint::PhysicalSize::new(800, 480));
    let _bridge = sayso::ui::connect(&window, kiosk.clone(), sayso::ui::Pictures::immediate());
    window.show().unwrap();
    assert_eq!(kiosk.borrow().screen(), Screen::Mat);
    let session = kiosk.borrow().session().unwrap().id().clone();

    let backspace: slint::SharedString = slint::platform::Key::Backspace.into();
    for event in [
        WindowEvent::KeyPressed {
            text: backspace.clone(),
        },
        WindowEvent::KeyReleased { text: backspace },
    ] {
        window.window().dispatch_event(event);
    }
    assert_eq!(kiosk.borrow().screen(), Screen::Leave);
    let button = |label: &str| -> Vec<ElementHandle> {
        ElementHandle::find_by_accessible_label(&window, label)
            .filter(|e| e.accessible_role() == Some(AccessibleRole::Button))
            .collect()
    };
    assert_eq!(button("Carry on: Food").len(), 1, "carrying on is offered");
    let buffer = window.window().take_snapshot().unwrap();
    sayso::ui::screenshots::save_png(&buffer, &common::screenshot_dir().join("leave-800x480.png"))
        .unwrap();

    let stop = button("Stop for now");
    assert_eq!(stop.len(), 1);
    stop[0].invoke_accessible_default_action();
    assert_eq!(kiosk.borrow().screen(), Screen::Topics);
    let paused: i64 = rusqlite::Connection::open(&journal)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM pauses WHERE session_id = ?1",
            [session.as_str()],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(paused, 1, "the mat is kept as partial");
}

/// A key for a point the scale does not have: a grey ring round the screen
/// for a moment, then gone; the card still on offer.
pub fn a_press_that_can_do_nothing_is_answered_on_screen() {
    let test = common::open_kiosk(&common::demo_set());
    let kiosk = Rc::new(RefCell::new(test.kiosk));
    let window = AppWindow::new().unwrap();
    window.window().set_size(slint::PhysicalSize::new(800, 480));
    let _bridge = sayso::ui::connect(&window, kiosk.clone(), sayso::ui::Pictures::immediate());
    window.show().unwrap();
    let ring = || ElementHandle::find_by_accessible_label(&window, "nothing to do here").count();
    assert_eq!(ring(), 0);
    for event in [
        WindowEvent::KeyPressed { text: "5".into() },
        WindowEvent::KeyReleased { text: "5".into() },
    ] {
        window.window().dispatch_event(event);
    }
    assert_eq!(ring(), 1, "the press is answered");
    let buffer = window.window().take_snapshot().unwrap();
    sayso::ui::screenshots::save_png(
        &buffer,
        &common::screenshot_dir().join("nothing-to-do-800x480.png"),
    )
    .unwrap();
    i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(500));
    assert_eq!(ring(), 0, "for a moment only");
    assert_eq!(kiosk.borrow().session().unwrap().dealt_count(), 0);
}
