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
