//! The bridge between Slint and the kiosk: it turns taps and keys into
//! [`Input`]s, and the kiosk's state into the properties of `KioskAdapter`.
//!
//! Architecture invariant: no rules live here or in the `.slint` files. What a
//! tap or a key means is decided by the key map and the session; this module
//! only translates and displays.

mod pictures;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use crate::access::gpio::{run_buttons, ButtonPanel, PinSource};
use crate::access::keys::{Key, KeyInput};
use crate::access::settings::AccessMethod;
use crate::access::AccessOutput;
use crate::core::{Choice, Event, Input, InputMethod, Screen};
use crate::kiosk::Kiosk;
use crate::{AppWindow, CardItem, KioskAdapter, PointItem, ScreenKind};

pub use pictures::Pictures;

/// What the UI thread does with what a key or a button produced.
type ButtonSink = Rc<dyn Fn(AccessOutput)>;

thread_local! {
    /// Where the button thread's outputs land, on the UI thread.
    static BUTTON_SINK: RefCell<Option<ButtonSink>> = RefCell::new(None);
}

/// Shows the kiosk in a window and runs until the window is closed. With
/// `buttons`, GPIO buttons work too, from a thread of their own.
pub fn run(kiosk: Kiosk, buttons: Option<(Box<dyn PinSource>, ButtonPanel)>) -> anyhow::Result<()> {
    let window = AppWindow::new()?;
    let kiosk = Rc::new(RefCell::new(kiosk));
    let _bridge = connect(&window, kiosk.clone());
    if let Some((source, panel)) = buttons {
        start_buttons(source, panel);
    }
    window.run()?;
    kiosk.borrow_mut().wait_for_sync();
    Ok(())
}

/// Runs the buttons on their own thread; what they do is posted to the UI
/// thread and goes into the kiosk like a tap or a key.
pub fn start_buttons(source: Box<dyn PinSource>, panel: ButtonPanel) {
    std::thread::spawn(move || {
        run_buttons(source, panel, |step| {
            for output in step.outputs {
                let _ = slint::invoke_from_event_loop(move || {
                    BUTTON_SINK.with(|sink| {
                        if let Some(sink) = sink.borrow().as_ref() {
                            sink(output);
                        }
                    });
                });
            }
        })
    });
}

/// What keeps the bridge alive: drop it and the periodic refresh stops.
pub struct Bridge {
    _refresh: slint::Timer,
    _access: slint::Timer,
}

/// Wires a window to a kiosk: callbacks in, properties out.
pub fn connect(window: &AppWindow, kiosk: Rc<RefCell<Kiosk>>) -> Bridge {
    let pictures = Rc::new(RefCell::new(Pictures::default()));
    let adapter = window.global::<KioskAdapter>();

    let on_input = {
        let window = window.as_weak();
        let kiosk = kiosk.clone();
        let pictures = pictures.clone();
        move |input: Input| {
            kiosk.borrow_mut().handle(input);
            if let Some(window) = window.upgrade() {
                show(&window, &mut kiosk.borrow_mut(), &mut pictures.borrow_mut());
            }
        }
    };
    let touch = |event: Event| {
        let on_input = on_input.clone();
        move || on_input(Input::new(event, InputMethod::Touch))
    };

    adapter.on_place({
        let on_input = on_input.clone();
        move |point| {
            if let Ok(point) = usize::try_from(point) {
                on_input(Input::new(Event::PlaceOn(point), InputMethod::Touch));
            }
        }
    });
    adapter.on_undo(touch(Event::Undo));
    adapter.on_say_again(touch(Event::SayAgain));
    adapter.on_finish(touch(Event::Finish));
    adapter.on_start_again(touch(Event::StartAgain));

    // Keys and buttons both end here: an input for the kiosk, or a warning for staff.
    let on_output: ButtonSink = {
        let on_input = on_input.clone();
        let window = window.as_weak();
        let kiosk = kiosk.clone();
        let pictures = pictures.clone();
        Rc::new(move |output| match output {
            AccessOutput::Input(input) => on_input(input),
            AccessOutput::Warning(warning) => {
                tracing::warn!("{warning}");
                kiosk.borrow_mut().add_notice(warning);
                if let Some(window) = window.upgrade() {
                    show(&window, &mut kiosk.borrow_mut(), &mut pictures.borrow_mut());
                }
            }
        })
    };

    let keys = {
        let access = kiosk.borrow().access().clone();
        Rc::new(RefCell::new(KeyInput::new(access.keys, access.key_timing)))
    };
    adapter.on_key({
        let (keys, kiosk, on_output) = (keys.clone(), kiosk.clone(), on_output.clone());
        move |text, repeat| {
            let Some(key) = key_from_slint(&text) else {
                return false;
            };
            let now = kiosk.borrow().now_ms();
            let Some(outputs) = keys.borrow_mut().press(key, repeat, now) else {
                return false;
            };
            outputs.into_iter().for_each(|output| on_output(output));
            true
        }
    });
    adapter.on_key_up({
        let (keys, kiosk, on_output) = (keys.clone(), kiosk.clone(), on_output.clone());
        move |text| {
            let Some(key) = key_from_slint(&text) else {
                return false;
            };
            let now = kiosk.borrow().now_ms();
            let Some(outputs) = keys.borrow_mut().release(key, now) else {
                return false;
            };
            outputs.into_iter().for_each(|output| on_output(output));
            true
        }
    });

    BUTTON_SINK.with(|sink| *sink.borrow_mut() = Some(on_output.clone()));

    show(window, &mut kiosk.borrow_mut(), &mut pictures.borrow_mut());

    // Time passing matters to auto scanning (the highlight moves by itself)
    // and to the key timing filter (a release settles after the debounce).
    let access_timer = slint::Timer::default();
    let scanning = kiosk.borrow().access().method == AccessMethod::AutoScanning;
    if scanning || keys.borrow().is_timed() {
        access_timer.start(slint::TimerMode::Repeated, Duration::from_millis(20), {
            let window = window.as_weak();
            let kiosk = kiosk.clone();
            let pictures = pictures.clone();
            move || {
                let now = kiosk.borrow().now_ms();
                keys.borrow_mut()
                    .tick(now)
                    .into_iter()
                    .for_each(|output| on_output(output));
                if kiosk.borrow_mut().tick() {
                    if let Some(window) = window.upgrade() {
                        show(&window, &mut kiosk.borrow_mut(), &mut pictures.borrow_mut());
                    }
                }
            }
        });
    }

    // Sound coming and going, and syncs finishing, change the marks on
    // screen; only those two are checked, and the screen redrawn only if
    // one of them changed.
    let refresh = slint::Timer::default();
    refresh.start(slint::TimerMode::Repeated, Duration::from_secs(1), {
        let window = window.as_weak();
        move || {
            let Some(window) = window.upgrade() else {
                return;
            };
            let mut kiosk = kiosk.borrow_mut();
            kiosk.poll_sync();
            let adapter = window.global::<KioskAdapter>();
            let notice = kiosk.notices().last().cloned().unwrap_or_default();
            let no_sound = !kiosk.sound_available();
            if adapter.get_no_sound() != no_sound || adapter.get_staff_notice() != notice.as_str() {
                show(&window, &mut kiosk, &mut pictures.borrow_mut());
            }
        }
    });
    Bridge {
        _refresh: refresh,
        _access: access_timer,
    }
}

/// Puts the kiosk's state on screen.
pub fn show(window: &AppWindow, kiosk: &mut Kiosk, pictures: &mut Pictures) {
    let adapter = window.global::<KioskAdapter>();
    let session = kiosk.session();
    let set = kiosk.set();
    let topic = session.topic();
    let highlighted = session.highlighted_choice();

    adapter.set_screen(match kiosk.screen() {
        Screen::Mat => ScreenKind::Mat,
        Screen::Review => ScreenKind::Review,
        Screen::Finished => ScreenKind::Finished,
    });
    adapter.set_person_name(kiosk.person().name.as_str().into());
    adapter.set_topic_title(topic.title.as_str().into());

    let points: Vec<PointItem> = topic
        .scale
        .points
        .iter()
        .enumerate()
        .map(|(i, point)| {
            let cards: Vec<CardItem> = session
                .cards_on(i)
                .into_iter()
                .map(|c| pictures.card(set, &topic.cards[c]))
                .collect();
            let (r, g, b) = point.rgb().unwrap_or((0x55, 0x55, 0x55));
            PointItem {
                label: point.label.as_str().into(),
                symbol: pictures
                    .picture(set, Some(&point.symbol))
                    .unwrap_or_default(),
                colour: slint::Color::from_rgb_u8(r, g, b),
                cards: ModelRc::new(VecModel::from(cards)),
                highlighted: highlighted == Some(Choice::Point(i)),
            }
        })
        .collect();
    adapter.set_points(ModelRc::new(VecModel::from(points)));

    if let Some(card) = session.card_on_offer() {
        adapter.set_card(pictures.card(set, card));
    }
    let total = topic.cards.len();
    adapter
        .set_progress(format!("card {} of {total}", (session.dealt_count() + 1).min(total)).into());
    adapter.set_next_topic(kiosk.next_topic_title().into());
    adapter.set_highlighted_action(SharedString::from(match highlighted {
        Some(Choice::Finish) => "finish",
        Some(Choice::Undo) => "undo",
        Some(Choice::SayAgain) => "say-again",
        Some(Choice::StartAgain) => "start-again",
        Some(Choice::Skip) => "skip",
        Some(Choice::SomethingElse) => "something-else",
        Some(Choice::TellMeMore) => "tell-me-more",
        Some(Choice::PutBack) => "put-back",
        Some(Choice::Point(_) | Choice::Card(_)) | None => "",
    }));
    adapter.set_no_sound(!kiosk.sound_available());

    for warning in pictures.take_new_warnings() {
        kiosk.add_notice(warning);
    }
    adapter.set_staff_notice(
        kiosk
            .notices()
            .last()
            .map(String::as_str)
            .unwrap_or("")
            .into(),
    );
}

/// Slint reports special keys as private-use characters.
fn key_from_slint(text: &str) -> Option<Key> {
    let mut chars = text.chars();
    let c = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    Some(match c {
        ' ' => Key::Space,
        '\n' | '\r' => Key::Enter,
        '\u{8}' => Key::Backspace,
        '\u{F702}' => Key::Left,
        '\u{F703}' => Key::Right,
        c => Key::Char(c),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slint_key_texts_map_to_keys() {
        use slint::platform::Key as SlintKey;
        let text = |k: SlintKey| SharedString::from(k).to_string();
        assert_eq!(key_from_slint(&text(SlintKey::Return)), Some(Key::Enter));
        assert_eq!(
            key_from_slint(&text(SlintKey::Backspace)),
            Some(Key::Backspace)
        );
        assert_eq!(key_from_slint(&text(SlintKey::LeftArrow)), Some(Key::Left));
        assert_eq!(
            key_from_slint(&text(SlintKey::RightArrow)),
            Some(Key::Right)
        );
        assert_eq!(key_from_slint(&text(SlintKey::Space)), Some(Key::Space));
        assert_eq!(key_from_slint("2"), Some(Key::Char('2')));
        assert_eq!(key_from_slint(""), None);
    }
}
