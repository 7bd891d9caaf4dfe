//! The whole mat in view, as on paper: with 6, 8 or 12 cards under one
//! point, on the mat and on the review, at each screen size, in the standard
//! theme and in high contrast with large text, every card placed is on the
//! screen (found by its accessible label, inside the window), big enough to
//! see, and never hidden behind a "+N".

use crate::common;

use std::cell::RefCell;
use std::rc::Rc;

use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use sayso::clock::ManualClock;
use sayso::core::Screen;
use sayso::kiosk::{Kiosk, KioskPaths};
use sayso::voice::RecordingVoice;
use sayso::AppWindow;
use slint::platform::WindowEvent;
use slint::ComponentHandle;

/// Twelve cards, the longest of them 40 characters and more.
const CARDS: [&str; 12] = [
    "tea",
    "a trip to the seaside with all my family",
    "pizza",
    "something else entirely",
    "swimming",
    "broccoli",
    "chips",
    "ice cream",
    "bowling",
    "cinema",
    "the park",
    "music",
];
const PICTURES: [&str; 12] = [
    "tea",
    "bus",
    "pizza",
    "friends",
    "swimming",
    "broccoli",
    "chips",
    "ice-cream",
    "bowling",
    "cinema",
    "park",
    "music",
];

/// The demo set with a topic of twelve cards, and a home of two: Alex in
/// the standard theme, Sam in high contrast with large text.
fn set_and_home(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let set_dir = dir.join("set");
    common::copy_dir(common::demo_set().parent().unwrap(), &set_dir);
    let set = set_dir.join("set.toml");
    let mut text = std::fs::read_to_string(&set).unwrap();
    text.push_str(
        "\n[[topics]]\nid = \"lots\"\ntitle = \"Lots\"\nquestion = \"What about these?\"\n\
         scale = \"like\"\ncards = [\n",
    );
    for (i, (label, picture)) in CARDS.iter().zip(PICTURES).enumerate() {
        text.push_str(&format!(
            "  {{ id = \"c{i}\", label = \"{label}\", picture = \"cards/{picture}.svg\" }},\n"
        ));
    }
    text.push_str("]\n");
    std::fs::write(&set, text).unwrap();
    let home = set_dir.join("home.toml");
    std::fs::write(
        &home,
        "[[people]]\nid = \"019a4c2e-5f00-7000-8000-00000000a1e5\"\nname = \"Alex\"\n\
         topics = [\"lots\"]\n\n\
         [[people]]\nid = \"019a4c2e-5f00-7000-8000-0000000005a3\"\nname = \"Sam\"\n\
         topics = [\"lots\"]\nhigh_contrast = true\nlarge_text = true\n",
    )
    .unwrap();
    (set, home)
}

pub fn every_card_placed_is_in_view_at_every_size() {
    let dir = tempfile::tempdir().unwrap();
    let (set, home) = set_and_home(dir.path());
    let sizes = [(800, 480), (720, 1280), (1920, 1080)];
    for (width, height) in sizes {
        for person in ["Alex", "Sam"] {
            for under_like in [6, 8, 12] {
                let case = format!("{person} {width}x{height} with {under_like} under like");
                let data = dir.path().join(format!("{person}-{width}-{under_like}"));
                let mut paths = KioskPaths::in_data_dir(&data, &set);
                paths.home = Some(home.clone());
                let clock = ManualClock::paced(common::start_time(), common::pace());
                let (voice, _) = RecordingVoice::new();
                let kiosk = Kiosk::open(paths, Box::new(voice), Box::new(clock)).unwrap();
                let kiosk = Rc::new(RefCell::new(kiosk));
                let window = AppWindow::new().unwrap();
                window
                    .window()
                    .set_size(slint::PhysicalSize::new(width, height));
                let _bridge =
                    sayso::ui::connect(&window, kiosk.clone(), sayso::ui::Pictures::immediate());
                window.show().unwrap();

                let tap = |label: &str| {
                    let found: Vec<ElementHandle> =
                        ElementHandle::find_by_accessible_label(&window, label)
                            .filter(|e| e.accessible_role() == Some(AccessibleRole::Button))
                            .collect();
                    assert_eq!(found.len(), 1, "{case}: one '{label}' button");
                    found[0].invoke_accessible_default_action();
                };
                let press = |text: &str| {
                    for event in [
                        WindowEvent::KeyPressed { text: text.into() },
                        WindowEvent::KeyReleased { text: text.into() },
                    ] {
                        window.window().dispatch_event(event);
                    }
                };
                tap(person);
                if kiosk.borrow().screen() == Screen::Company {
                    tap("on my own");
                }
                if kiosk.borrow().screen() == Screen::Topics {
                    tap("Lots");
                }
                assert_eq!(kiosk.borrow().screen(), Screen::Mat, "{case}");

                for _ in 0..under_like {
                    press("1");
                }
                // Part-way, on the mat itself.
                if under_like < CARDS.len() {
                    all_in_view(
                        &window,
                        &CARDS[..under_like],
                        &format!("{case}, on the mat"),
                    );
                }
                while kiosk.borrow().screen() == Screen::Mat {
                    press("3");
                }
                assert_eq!(kiosk.borrow().screen(), Screen::Review, "{case}");
                all_in_view(&window, &CARDS, &format!("{case}, on the review"));
                if under_like != 8 {
                    let buffer = window.window().take_snapshot().unwrap();
                    sayso::ui::screenshots::save_png(
                        &buffer,
                        &common::screenshot_dir()
                            .join(format!("review-{under_like}-{person}-{width}x{height}.png")),
                    )
                    .unwrap();
                }
            }
        }
    }
}

/// Each card is a button ("move tea") wholly inside the window, no
/// smaller than a fingertip's worth of picture, and there is no "more".
fn all_in_view(window: &AppWindow, labels: &[&str], case: &str) {
    let size = window.window().size();
    let scale = window.window().scale_factor();
    let (window_width, window_height) = (size.width as f32 / scale, size.height as f32 / scale);
    for label in labels {
        let found: Vec<ElementHandle> =
            ElementHandle::find_by_accessible_label(window, &format!("move {label}"))
                .filter(|e| e.accessible_role() == Some(AccessibleRole::Button))
                .collect();
        assert_eq!(
            found.len(),
            1,
            "{case}: the card '{label}' is on the screen"
        );
        let at = found[0].absolute_position();
        let card = found[0].size();
        assert!(
            at.x >= 0.0
                && at.y >= 0.0
                && at.x + card.width <= window_width + 0.5
                && at.y + card.height <= window_height + 0.5,
            "{case}: '{label}' at {at:?} size {card:?} is outside the {window_width}x{window_height} window"
        );
        assert!(
            card.width >= 24.0 && card.height >= 24.0,
            "{case}: '{label}' is too small to see ({card:?})"
        );
    }
    let more = ElementHandle::find_by_accessible_label(window, "more cards").count();
    assert_eq!(more, 0, "{case}: no card hidden behind a \"+N\"");
}
