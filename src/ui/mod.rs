//! The bridge between Slint and the kiosk: it turns taps and keys into
//! [`Input`]s, and the kiosk's state into the properties of `KioskAdapter`.
//!
//! Architecture invariant: no rules live here or in the `.slint` files. What a
//! tap or a key means is decided by the key map and the session; this module
//! only translates and displays.

pub mod kept_mat;
mod pictures;
pub mod screenshots;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use crate::access::gpio::{run_buttons, ButtonPanel, NewTiming, PinSource};
use crate::access::keys::{Key, KeyInput};
use crate::access::AccessOutput;
use crate::core::{Choice, Event, Input, InputMethod, PickerChoice, Screen, Spot, Stage};
use crate::kiosk::Kiosk;
use crate::{AppWindow, CardItem, KioskAdapter, PickerItem, PointItem, ScreenKind, Theme};

pub use pictures::Pictures;

/// What the UI thread does with what a key or a button produced.
type ButtonSink = Rc<dyn Fn(AccessOutput)>;

thread_local! {
    /// Where the button thread's outputs land, on the UI thread.
    static BUTTON_SINK: RefCell<Option<ButtonSink>> = RefCell::new(None);
    /// Where the UI thread leaves a new person's button timing, and the
    /// kiosk generation it was last set for.
    static BUTTON_TIMING: RefCell<Option<(NewTiming, u64)>> = const { RefCell::new(None) };
}

/// A new person (or the device's own settings, between people): their own
/// timing for the GPIO buttons too.
fn update_button_timing(kiosk: &Kiosk) {
    BUTTON_TIMING.with(|slot| {
        if let Some((timing, generation)) = slot.borrow_mut().as_mut() {
            if *generation != kiosk.generation() {
                timing.set(kiosk.access().buttons);
                *generation = kiosk.generation();
            }
        }
    });
}

/// Shows the kiosk in a window and runs until the window is closed. With
/// `buttons`, GPIO buttons work too, from a thread of their own.
pub fn run(kiosk: Kiosk, buttons: Option<(Box<dyn PinSource>, ButtonPanel)>) -> anyhow::Result<()> {
    let window = AppWindow::new()?;
    let kiosk = Rc::new(RefCell::new(kiosk));
    let _bridge = connect(&window, kiosk.clone());
    if let Some((source, panel)) = buttons {
        let timing = panel.new_timing();
        timing.set(kiosk.borrow().access().buttons);
        let generation = kiosk.borrow().generation();
        BUTTON_TIMING.with(|slot| *slot.borrow_mut() = Some((timing, generation)));
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

/// The key map and key timing of the person at the kiosk, made again when
/// the person changes.
struct PersonKeys {
    generation: u64,
    input: KeyInput,
}

impl PersonKeys {
    fn new(kiosk: &Kiosk) -> PersonKeys {
        let access = kiosk.access();
        PersonKeys {
            generation: kiosk.generation(),
            input: KeyInput::new(access.keys.clone(), access.key_timing),
        }
    }

    fn get(&mut self, kiosk: &Kiosk) -> &mut KeyInput {
        if self.generation != kiosk.generation() {
            *self = PersonKeys::new(kiosk);
        }
        &mut self.input
    }
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
    adapter.on_choose({
        let on_input = on_input.clone();
        let kiosk = kiosk.clone();
        move |on_page| {
            // The screen counts the items on the page shown.
            let item = usize::try_from(on_page)
                .ok()
                .and_then(|i| kiosk.borrow().picker().on_page().get(i).copied());
            if let Some(item) = item {
                on_input(Input::new(Event::Choose(item), InputMethod::Touch));
            }
        }
    });
    adapter.on_next_page(touch(Event::NextPage));
    adapter.on_not_now(touch(Event::NotNow));
    adapter.on_someone_else(touch(Event::SomeoneElse));
    adapter.on_drop_card({
        let on_input = on_input.clone();
        let kiosk = kiosk.clone();
        move |fraction| {
            let points = kiosk
                .borrow()
                .session()
                .map_or(0, |s| s.topic().scale.points.len());
            if points > 0 && (0.0..=1.0).contains(&fraction) {
                let spot = Spot::from_fraction(fraction, points);
                on_input(Input::new(Event::PlaceAt(spot), InputMethod::Touch));
            }
        }
    });
    adapter.on_pick_up({
        let on_input = on_input.clone();
        move |card| {
            if let Ok(card) = usize::try_from(card) {
                on_input(Input::new(Event::PickUp(card), InputMethod::Touch));
            }
        }
    });
    adapter.on_put_back(touch(Event::PutBack));
    adapter.on_toggle_helping({
        let window = window.as_weak();
        let kiosk = kiosk.clone();
        let pictures = pictures.clone();
        move || {
            let helping = !kiosk.borrow().company().helped;
            kiosk.borrow_mut().set_helping(helping);
            if let Some(window) = window.upgrade() {
                show(&window, &mut kiosk.borrow_mut(), &mut pictures.borrow_mut());
            }
        }
    });
    adapter.on_skip(touch(Event::Skip));
    adapter.on_something_else(touch(Event::SomethingElse));
    adapter.on_tell_me_more(touch(Event::TellMeMore));
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

    let keys = Rc::new(RefCell::new(PersonKeys::new(&kiosk.borrow())));
    adapter.on_key({
        let (keys, kiosk, on_output) = (keys.clone(), kiosk.clone(), on_output.clone());
        move |text, repeat| {
            let Some(key) = key_from_slint(&text) else {
                return false;
            };
            let now = kiosk.borrow().now_ms();
            let Some(outputs) = keys
                .borrow_mut()
                .get(&kiosk.borrow())
                .press(key, repeat, now)
            else {
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
            let Some(outputs) = keys.borrow_mut().get(&kiosk.borrow()).release(key, now) else {
                return false;
            };
            outputs.into_iter().for_each(|output| on_output(output));
            true
        }
    });

    BUTTON_SINK.with(|sink| *sink.borrow_mut() = Some(on_output.clone()));

    show(window, &mut kiosk.borrow_mut(), &mut pictures.borrow_mut());

    // Time passing matters to auto scanning (the highlight moves by itself)
    // and to the key timing filter (a release settles after the debounce);
    // either may be a person's setting, so the timer always runs.
    let access_timer = slint::Timer::default();
    access_timer.start(slint::TimerMode::Repeated, Duration::from_millis(20), {
        let window = window.as_weak();
        let kiosk = kiosk.clone();
        let pictures = pictures.clone();
        move || {
            let now = kiosk.borrow().now_ms();
            let outputs = keys.borrow_mut().get(&kiosk.borrow()).tick(now);
            outputs.into_iter().for_each(|output| on_output(output));
            if kiosk.borrow_mut().tick() {
                if let Some(window) = window.upgrade() {
                    show(&window, &mut kiosk.borrow_mut(), &mut pictures.borrow_mut());
                }
            }
        }
    });

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
            if kiosk.check_schedule() | kiosk.check_idle() {
                show(&window, &mut kiosk, &mut pictures.borrow_mut());
                return;
            }
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
    update_button_timing(kiosk);
    let adapter = window.global::<KioskAdapter>();
    let display = kiosk.display();
    set_display(window, display.high_contrast, display.large_text);
    adapter.set_screen(match kiosk.screen() {
        Screen::People => ScreenKind::People,
        Screen::Company => ScreenKind::Company,
        Screen::Resume => ScreenKind::Resume,
        Screen::Topics => ScreenKind::Topics,
        Screen::Mat => ScreenKind::Mat,
        Screen::Review => ScreenKind::Review,
        Screen::Finished => ScreenKind::Finished,
    });
    adapter.set_person_name(kiosk.person().name.as_str().into());
    let company = kiosk.company();
    adapter.set_supporter(company.supporter.as_deref().unwrap_or("").into());
    adapter.set_helping(company.helped);
    adapter.set_no_sound(!kiosk.sound_available());

    let action = match kiosk.screen() {
        Screen::People | Screen::Company | Screen::Resume | Screen::Topics => {
            show_picker(&adapter, kiosk, pictures)
        }
        _ => show_mat(&adapter, kiosk, pictures),
    };
    adapter.set_highlighted_action(action.into());

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

/// The people, the company or the topics on the picker's page; returns what the highlight
/// is on, besides the items.
fn show_picker(adapter: &KioskAdapter, kiosk: &Kiosk, pictures: &mut Pictures) -> &'static str {
    let picker = kiosk.picker();
    let set = kiosk.set();
    let highlighted = picker.highlighted_choice();
    let people = kiosk.screen() == Screen::People;
    let company = kiosk.screen() == Screen::Company;
    let items: Vec<PickerItem> = picker
        .on_page()
        .into_iter()
        .map(|i| {
            let (title, picture): (SharedString, _) = if people {
                let person = &kiosk.home().people[i];
                (
                    person.name.as_str().into(),
                    pictures.photo(person.photo.as_deref()),
                )
            } else if kiosk.screen() == Screen::Resume {
                match i {
                    0 => (
                        format!("Carry on: {}", picker.title(i)).into(),
                        kiosk
                            .paused_topic()
                            .and_then(|t| pictures.picture(set, t.picture.as_deref())),
                    ),
                    _ => (
                        picker.title(i).into(),
                        pictures.picture(set, Some("bundled:start-afresh.svg")),
                    ),
                }
            } else if company {
                // "On my own" and the supporters: names, shown with the
                // person placeholder.
                (picker.title(i).into(), None)
            } else {
                let topic = &set.set.topics[kiosk.person_topics()[i]];
                (
                    topic.title.as_str().into(),
                    pictures.picture(set, topic.picture.as_deref()),
                )
            };
            PickerItem {
                title,
                has_picture: picture.is_some(),
                picture: picture.unwrap_or_default(),
                highlighted: highlighted == Some(PickerChoice::Item(i)),
                due: picker.due() == Some(i),
            }
        })
        .collect();
    adapter.set_items(ModelRc::new(VecModel::from(items)));
    adapter.set_picker_page(if picker.pages() > 1 {
        format!("page {} of {}", picker.page() + 1, picker.pages()).into()
    } else {
        SharedString::new()
    });
    let choices = picker.choices();
    adapter.set_can_say_not_now(choices.contains(&PickerChoice::NotNow));
    adapter.set_can_change_person(choices.contains(&PickerChoice::SomeoneElse));
    match highlighted {
        Some(PickerChoice::MoreTopics) => "more-topics",
        Some(PickerChoice::NotNow) => "not-now",
        Some(PickerChoice::SomeoneElse) => "someone-else",
        Some(PickerChoice::SayAgain) => "say-again",
        Some(PickerChoice::Item(_)) | None => "",
    }
}

/// The mat, the review or the finished screen; returns what the highlight
/// is on, besides points and cards.
fn show_mat(adapter: &KioskAdapter, kiosk: &Kiosk, pictures: &mut Pictures) -> &'static str {
    let Some(session) = kiosk.session() else {
        return "";
    };
    let set = kiosk.set();
    let topic = session.topic();
    let highlighted = session.highlighted_choice();
    adapter.set_topic_title(topic.title.as_str().into());

    let card_item = |pictures: &mut Pictures, index: usize| {
        let mut item = pictures.card(set, &topic.cards[index]);
        item.index = index as i32;
        item.marked = session.is_marked(index);
        item.picked = session.card_picked_up() == Some(index);
        item.highlighted = highlighted == Some(Choice::Card(index));
        item.offset = session
            .spot_of(index)
            .map_or(0.0, |spot| f32::from(spot.offset) / 100.0);
        item
    };
    let points: Vec<PointItem> = topic
        .scale
        .points
        .iter()
        .enumerate()
        .map(|(i, point)| {
            let cards: Vec<CardItem> = session
                .cards_on(i)
                .into_iter()
                .map(|c| card_item(pictures, c))
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

    if let Stage::Offering { card } = session.stage() {
        adapter.set_card(card_item(pictures, card));
    }
    adapter.set_picked_prompt(
        session
            .picked_prompt()
            .map(SharedString::from)
            .unwrap_or_default(),
    );
    let total = topic.cards.len();
    adapter
        .set_progress(format!("card {} of {total}", (session.dealt_count() + 1).min(total)).into());
    match highlighted {
        Some(Choice::Finish) => "finish",
        Some(Choice::Undo) => "undo",
        Some(Choice::SayAgain) => "say-again",
        Some(Choice::StartAgain) => "start-again",
        Some(Choice::Skip) => "skip",
        Some(Choice::SomethingElse) => "something-else",
        Some(Choice::TellMeMore) => "tell-me-more",
        Some(Choice::PutBack) => "put-back",
        Some(Choice::Point(_) | Choice::Card(_)) | None => "",
    }
}

/// Puts the kiosk's state on screen, outside a callback (the screenshots).
pub fn redraw(window: &AppWindow, kiosk: &Rc<RefCell<Kiosk>>) {
    show(window, &mut kiosk.borrow_mut(), &mut Pictures::default());
}

/// The person's display settings: the high-contrast theme, large text.
pub fn set_display(window: &AppWindow, high_contrast: bool, large_text: bool) {
    let theme = window.global::<Theme>();
    theme.set_high_contrast(high_contrast);
    theme.set_large_text(large_text);
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
