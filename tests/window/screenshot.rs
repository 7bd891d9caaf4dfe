//! Renders the three screens at 800x480 (the official Pi touch screen) with
//! Slint's software renderer, and saves them as PNGs under target/screenshots
//! for people to look at.

use crate::common;

use std::cell::RefCell;
use std::rc::Rc;

use sayso::core::Screen;
use sayso::ui::screenshots::save_png;
use sayso::AppWindow;
use slint::platform::WindowEvent;
use slint::{ComponentHandle, Rgba8Pixel, SharedPixelBuffer};

fn pixel(buffer: &SharedPixelBuffer<Rgba8Pixel>, x: u32, y: u32) -> (u8, u8, u8) {
    let p = buffer.as_slice()[(y * buffer.width() + x) as usize];
    (p.r, p.g, p.b)
}

fn snapshot(window: &AppWindow, name: &str) -> SharedPixelBuffer<Rgba8Pixel> {
    let buffer = window.window().take_snapshot().expect("a snapshot");
    save_png(
        &buffer,
        &common::screenshot_dir().join(format!("{name}-800x480.png")),
    )
    .expect("save the PNG");
    buffer
}

pub fn the_screens_render_at_800x480() {
    let test = common::open_kiosk(&common::demo_set());
    let kiosk = Rc::new(RefCell::new(test.kiosk));
    let window = AppWindow::new().expect("the window");
    window.window().set_size(slint::PhysicalSize::new(800, 480));
    let _bridge = sayso::ui::connect(&window, kiosk.clone(), sayso::ui::Pictures::immediate());
    window.show().expect("show the window");

    // Keys, as a keyboard or a USB switch interface sends them.
    let press = |text: &str| {
        for event in [
            WindowEvent::KeyPressed { text: text.into() },
            WindowEvent::KeyReleased { text: text.into() },
        ] {
            window.window().dispatch_event(event);
        }
    };
    for key in ["1", "3", "1", "1"] {
        press(key);
    }

    let mat = snapshot(&window, "mat");

    // The highlight a switch user follows: on "not sure", then on "say again".
    press(" ");
    press(" ");
    let highlighted = snapshot(&window, "mat-highlight");
    assert_eq!(
        pixel(&highlighted, 276, 200),
        (0x0b, 0x3d, 0x91),
        "a thick dark frame round 'not sure'"
    );
    assert_eq!(
        pixel(&highlighted, 284, 200),
        (0xff, 0xd4, 0x00),
        "with a bright ring inside it"
    );
    assert_eq!(
        pixel(&highlighted, 20, 200).0,
        pixel(&mat, 20, 200).0,
        "and none round 'like'"
    );
    press(" ");
    press(" ");
    snapshot(&window, "mat-highlight-say-again");

    assert_eq!((mat.width(), mat.height()), (800, 480));
    // The header band of each scale column is drawn in its point's colour:
    // like, not sure, don't like, left to right.
    assert_eq!(
        pixel(&mat, 20, 60),
        (0x1b, 0x7f, 0x3b),
        "like is green on the left"
    );
    assert_eq!(
        pixel(&mat, 300, 60),
        (0x8a, 0x5a, 0x00),
        "not sure is amber in the middle"
    );
    assert_eq!(
        pixel(&mat, 780, 60),
        (0xb3, 0x26, 0x1e),
        "don't like is red on the right"
    );

    press("2");
    press("3");
    assert_eq!(kiosk.borrow().screen(), Screen::Review);
    let review = snapshot(&window, "review");
    assert!(
        review.as_bytes() != mat.as_bytes(),
        "the review looks different from the mat"
    );

    press("\n");
    assert_eq!(kiosk.borrow().screen(), Screen::Finished);
    let finished = snapshot(&window, "finished");
    // The primary "Start again" button is drawn in the action colour.
    let action_blue = (0x0b, 0x3d, 0x91);
    let has_button = (0..480).step_by(4).any(|y| {
        (0..800)
            .step_by(4)
            .any(|x| pixel(&finished, x, y) == action_blue)
    });
    assert!(
        has_button,
        "the finished screen shows the start-again button"
    );
}
