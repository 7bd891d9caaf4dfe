//! The adapter between Slint and the kiosk: callbacks in, as inputs to the
//! kiosk; the kiosk's [`KioskView`] out, mapped to `KioskAdapter` field by
//! field (the `map_*` functions at the bottom).
//!
//! Architecture invariant: no rules live here or in the `.slint` files. What
//! a tap or a key means is decided by the key map and the flow; this module
//! only translates and displays.

pub mod kept_mat;
pub mod pictures;
pub mod screen;
pub mod screenshots;
mod service;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, ModelRc, VecModel};

use crate::access::gpio::{run_buttons, ButtonPanel, PinSource};
use crate::access::keys::Key;
use crate::access::AccessOutput;
use crate::core::join_home::{JoinInput, JoinStage};
use crate::core::staff_screen::{PowerAction, StaffInput, StaffStage};
use crate::core::view::{CardView, MatView, PickerView, PointView};
use crate::core::{Display, Event, HighlightedAction, Input, InputMethod, KioskView, Screen};
use crate::kiosk::{Kiosk, KioskInput, StaffScreenView};
use crate::{
    AppWindow, CardItem, HighlightedAction as SlintAction, KioskAdapter, PickerItem, PointItem,
    ScreenKind, Theme,
};

pub use pictures::Pictures;

/// What the UI thread does with what a GPIO button produced.
type ButtonSink = Rc<dyn Fn(AccessOutput)>;

thread_local! {
    /// Where the button thread's outputs land, on the UI thread.
    static BUTTON_SINK: RefCell<Option<ButtonSink>> = RefCell::new(None);
    /// Redraws the screen when decoded pictures arrive, on the UI thread.
    static REDRAW: RefCell<Option<Rc<dyn Fn()>>> = RefCell::new(None);
}

/// Called on the UI thread when the picture decoder has pictures ready.
fn pictures_arrived() {
    let redraw = REDRAW.with(|r| r.borrow().clone());
    if let Some(redraw) = redraw {
        redraw();
    }
}

/// How long shutting down waits for a sync under way.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(10);

/// Shows the kiosk in a window and runs until the window is closed. With
/// `buttons`, GPIO buttons work too, from a thread of their own.
pub fn run(kiosk: Kiosk, buttons: Option<(Box<dyn PinSource>, ButtonPanel)>) -> anyhow::Result<()> {
    let window = AppWindow::new()?;
    let kiosk = Rc::new(RefCell::new(kiosk));
    let _bridge = connect(&window, kiosk.clone(), Pictures::in_background());
    if let Some((source, panel)) = buttons {
        kiosk.borrow_mut().attach_button_timing(panel.new_timing());
        start_buttons(source, panel);
    }
    let _service = service::start(&window);
    window.run()?;
    // Straight on the screen, Slint ends its event loop on Ctrl+Alt+Backspace
    // (or Delete): a person's keyboard must not close the kiosk. Only
    // systemd stops it there (SIGTERM ends the process).
    while draws_without_desktop() {
        tracing::warn!("the event loop was asked to end by a key combination; the kiosk goes on");
        window.run()?;
    }
    kiosk.borrow_mut().wait_for_jobs(SHUTDOWN_WAIT);
    Ok(())
}

/// The `linuxkms` backend: chosen by `SLINT_BACKEND`, or by Slint itself
/// where there is no desktop to open a window on.
pub fn draws_without_desktop() -> bool {
    let chosen = std::env::var("SLINT_BACKEND").unwrap_or_default();
    if !chosen.is_empty() {
        return chosen.starts_with("linuxkms");
    }
    std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none()
}

/// How often the cannot-start screen looks whether the file was mended.
const MENDED_CHECK: Duration = Duration::from_secs(5);

/// A line may break after each `/` of a file's path (a zero-width space),
/// so a long path wraps instead of running off a narrow screen.
pub fn breakable_paths(text: &str) -> String {
    text.replace('/', "/\u{200B}")
}

/// When the kiosk cannot start (a broken picture set): a screen for staff
/// saying what is wrong and where, instead of a blank screen and a restart
/// loop. Returns true once `mended` says the kiosk can start, false if the
/// window was closed.
pub fn show_cannot_start(
    problem: &str,
    mended: impl Fn() -> bool + 'static,
) -> anyhow::Result<bool> {
    let window = AppWindow::new()?;
    let adapter = window.global::<KioskAdapter>();
    adapter.set_screen(ScreenKind::CannotStart);
    adapter.set_cannot_start(breakable_paths(problem).into());
    let is_mended = Rc::new(std::cell::Cell::new(false));
    let timer = slint::Timer::default();
    timer.start(slint::TimerMode::Repeated, MENDED_CHECK, {
        let is_mended = is_mended.clone();
        move || {
            if mended() {
                is_mended.set(true);
                let _ = slint::quit_event_loop();
            }
        }
    });
    window.run()?;
    Ok(is_mended.get())
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

/// What keeps the bridge alive: drop it and the timers stop.
pub struct Bridge {
    screen: Rc<RefCell<ScreenState>>,
    _refresh: slint::Timer,
    _access: slint::Timer,
}

impl Bridge {
    /// Redraws what changed, after the kiosk was driven from outside a
    /// callback (tests, the screenshots).
    pub fn refresh(&self) {
        self.screen.borrow_mut().refresh();
    }
}

/// The screen as last drawn, so it is redrawn only when the view changed.
struct ScreenState {
    window: slint::Weak<AppWindow>,
    kiosk: Rc<RefCell<Kiosk>>,
    pictures: Pictures,
    shown: Option<KioskView>,
    shown_staff: Option<StaffScreenView>,
}

impl ScreenState {
    fn refresh(&mut self) {
        let Some(window) = self.window.upgrade() else {
            return;
        };
        let size = window.window().size();
        if size.width > 0 && size.height > 0 {
            self.pictures.fit_to_screen(size.width, size.height);
        }
        let view = self.kiosk.borrow().view();
        if self.pictures.take_arrived() || self.shown.as_ref() != Some(&view) {
            show(&window, &view, &self.kiosk.borrow(), &mut self.pictures);
            self.shown = Some(view);
        }
        let staff = self.kiosk.borrow().staff_view();
        if self.shown_staff.as_ref() != Some(&staff) {
            show_staff(&window, &staff);
            self.shown_staff = Some(staff);
        }
        for warning in self.pictures.take_new_warnings() {
            self.kiosk.borrow_mut().input(KioskInput::Problem(warning));
        }
    }
}

/// Hands one input to the kiosk, then lets the screen follow the view;
/// true when the input meant something to the kiosk.
type Act = Rc<dyn Fn(KioskInput) -> bool>;

/// Wires a window to a kiosk: callbacks in, the view out.
pub fn connect(window: &AppWindow, kiosk: Rc<RefCell<Kiosk>>, pictures: Pictures) -> Bridge {
    let screen = Rc::new(RefCell::new(ScreenState {
        window: window.as_weak(),
        kiosk: kiosk.clone(),
        pictures,
        shown: None,
        shown_staff: None,
    }));
    let adapter = window.global::<KioskAdapter>();
    let act: Act = {
        let (kiosk, screen) = (kiosk.clone(), screen.clone());
        Rc::new(move |input: KioskInput| {
            let meant = kiosk.borrow_mut().input(input);
            screen.borrow_mut().refresh();
            meant
        })
    };
    connect_person(&adapter, &act);
    connect_staff(&adapter, &act);
    connect_keys(&adapter, &act);

    REDRAW.with(|r| {
        let screen = Rc::downgrade(&screen);
        *r.borrow_mut() = Some(Rc::new(move || {
            if let Some(screen) = screen.upgrade() {
                screen.borrow_mut().refresh();
            }
        }));
    });
    screen.borrow_mut().refresh();

    // The key timing filter settles releases, and auto scanning moves the
    // highlight; either may be a person's setting, so this always runs.
    let access_timer = slint::Timer::default();
    access_timer.start(slint::TimerMode::Repeated, Duration::from_millis(20), {
        let (kiosk, screen) = (kiosk.clone(), screen.clone());
        move || {
            let acted = kiosk.borrow_mut().input(KioskInput::AccessTick);
            if acted {
                screen.borrow_mut().refresh();
            }
        }
    });
    // Check-ins, idle mats, background jobs, sound coming and going.
    let refresh = slint::Timer::default();
    refresh.start(slint::TimerMode::Repeated, Duration::from_secs(1), {
        let act = act.clone();
        move || {
            act(KioskInput::Tick);
        }
    });
    Bridge {
        screen,
        _refresh: refresh,
        _access: access_timer,
    }
}

/// The person's screens, by touch.
fn connect_person(adapter: &KioskAdapter, act: &Act) {
    let touch = |event: Event| {
        let act = act.clone();
        move || {
            act(KioskInput::Person(Input::new(event, InputMethod::Touch)));
        }
    };
    let touch_at = |event: fn(usize) -> Event| {
        let act = act.clone();
        move |index: i32| {
            if let Ok(index) = usize::try_from(index) {
                act(KioskInput::Person(Input::new(
                    event(index),
                    InputMethod::Touch,
                )));
            }
        }
    };
    adapter.on_place(touch_at(Event::PlaceOn));
    adapter.on_choose(touch_at(Event::Choose));
    adapter.on_pick_up(touch_at(Event::PickUp));
    adapter.on_next_page(touch(Event::NextPage));
    adapter.on_not_now(touch(Event::NotNow));
    adapter.on_someone_else(touch(Event::SomeoneElse));
    adapter.on_drop_card({
        let act = act.clone();
        move |fraction| {
            if (0.0..=1.0).contains(&fraction) {
                let permille = (fraction * 1000.0).round() as u16;
                let drop = Input::new(Event::DropAt(permille), InputMethod::Touch);
                act(KioskInput::Person(drop));
            }
        }
    });
    adapter.on_put_back(touch(Event::PutBack));
    adapter.on_toggle_helping({
        let act = act.clone();
        move || {
            act(KioskInput::ToggleHelping);
        }
    });
    adapter.on_skip(touch(Event::Skip));
    adapter.on_something_else(touch(Event::SomethingElse));
    adapter.on_tell_me_more(touch(Event::TellMeMore));
    adapter.on_undo(touch(Event::Undo));
    adapter.on_say_again(touch(Event::SayAgain));
    adapter.on_finish(touch(Event::Finish));
    adapter.on_start_again(touch(Event::StartAgain));
}

/// The staff screen: touch only.
fn connect_staff(adapter: &KioskAdapter, act: &Act) {
    let staff = |input: StaffInput| {
        let act = act.clone();
        move || {
            act(KioskInput::Staff(input));
        }
    };
    adapter.on_staff_corner({
        let act = act.clone();
        move |pressed| {
            let input = if pressed {
                StaffInput::CornerPressed
            } else {
                StaffInput::CornerReleased
            };
            act(KioskInput::Staff(input));
        }
    });
    adapter.on_staff_digit({
        let act = act.clone();
        move |digit| {
            if let Ok(digit) = u8::try_from(digit) {
                act(KioskInput::Staff(StaffInput::Digit(digit)));
            }
        }
    });
    adapter.on_staff_erase(staff(StaffInput::EraseDigit));
    adapter.on_staff_enter(staff(StaffInput::EnterPin));
    adapter.on_staff_close(staff(StaffInput::Close));
    adapter.on_staff_pause(staff(StaffInput::TogglePause));
    adapter.on_staff_practice(staff(StaffInput::TogglePractice));
    adapter.on_staff_web_toggle(staff(StaffInput::ToggleWebApp));
    adapter.on_staff_confirm(staff(StaffInput::Confirm));
    adapter.on_staff_cancel(staff(StaffInput::Cancel));
    adapter.on_staff_join_home(staff(StaffInput::JoinHome));
    adapter.on_staff_join_erase(staff(StaffInput::Join(JoinInput::Erase)));
    adapter.on_staff_join_next(staff(StaffInput::Join(JoinInput::Next)));
    adapter.on_staff_join_back(staff(StaffInput::Join(JoinInput::Back)));
    adapter.on_staff_join_same(staff(StaffInput::Join(JoinInput::Same)));
    adapter.on_staff_join_not_same(staff(StaffInput::Join(JoinInput::NotSame)));
    adapter.on_staff_join_key({
        let act = act.clone();
        move |key| {
            if let Some(key) = key.chars().next() {
                act(KioskInput::Staff(StaffInput::Join(JoinInput::Key(key))));
            }
        }
    });
    adapter.on_staff_ask_power({
        let act = act.clone();
        move |which| {
            let action = if which == 0 {
                PowerAction::Restart
            } else {
                PowerAction::ShutDown
            };
            act(KioskInput::Staff(StaffInput::Ask(action)));
        }
    });
    adapter.on_staff_volume_step({
        let act = act.clone();
        move |step| {
            let input = if step > 0 {
                StaffInput::VolumeUp
            } else {
                StaffInput::VolumeDown
            };
            act(KioskInput::Staff(input));
        }
    });
}

/// Keys (a keyboard, a USB switch interface) and the GPIO buttons.
fn connect_keys(adapter: &KioskAdapter, act: &Act) {
    adapter.on_key({
        let act = act.clone();
        move |text, repeat| {
            key_from_slint(&text).is_some_and(|key| act(KioskInput::KeyDown { key, repeat }))
        }
    });
    adapter.on_key_up({
        let act = act.clone();
        move |text| key_from_slint(&text).is_some_and(|key| act(KioskInput::KeyUp(key)))
    });
    BUTTON_SINK.with(|sink| {
        let act = act.clone();
        *sink.borrow_mut() = Some(Rc::new(move |output: AccessOutput| {
            act(KioskInput::Access(output));
        }));
    });
}

/// Puts the staff screen's view on screen.
fn show_staff(window: &AppWindow, view: &StaffScreenView) {
    let adapter = window.global::<KioskAdapter>();
    adapter.set_staff_stage(match view.screen.stage {
        StaffStage::Closed => crate::StaffStage::Closed,
        StaffStage::Pin => crate::StaffStage::Pin,
        StaffStage::Open => crate::StaffStage::Open,
    });
    adapter.set_staff_pin_length(i32::try_from(view.screen.pin_length).unwrap_or(0));
    adapter.set_staff_message(view.screen.message.as_str().into());
    adapter.set_staff_name(view.screen.staff_name.as_str().into());
    adapter.set_paused(view.screen.paused);
    adapter.set_staff_practice_next(view.screen.practice_next);
    let problems: Vec<slint::SharedString> =
        view.problems.iter().map(|p| p.as_str().into()).collect();
    adapter.set_staff_problems(Rc::new(slint::VecModel::from(problems)).into());
    adapter.set_staff_volume(i32::from(view.volume));
    adapter.set_staff_mats_today(i32::try_from(view.mats_today).unwrap_or(i32::MAX));
    adapter.set_staff_plan_line(view.plan_line.as_str().into());
    adapter.set_staff_web_address(view.web_address.as_deref().unwrap_or_default().into());
    adapter.set_staff_kiosk_id(view.short_id.as_deref().unwrap_or_default().into());
    adapter.set_staff_web_qr(
        view.web_address
            .as_deref()
            .and_then(qr_code)
            .unwrap_or_default(),
    );
    adapter.set_staff_asking(
        match view.screen.asking {
            None => "",
            Some(PowerAction::Restart) => "restart",
            Some(PowerAction::ShutDown) => "shut down",
        }
        .into(),
    );
    show_joining(&adapter, view);
}

fn show_joining(adapter: &KioskAdapter, view: &StaffScreenView) {
    let join = view.screen.joining.clone().unwrap_or_default();
    let stage = match view.screen.joining.as_ref().map(|join| join.stage) {
        None => "",
        Some(JoinStage::Address) => "address",
        Some(JoinStage::Code) => "code",
        Some(JoinStage::Reaching) => "reaching",
        Some(JoinStage::Compare) => "compare",
        Some(JoinStage::Joining) => "joining",
        Some(JoinStage::Joined) => "joined",
    };
    adapter.set_staff_join_stage(stage.into());
    adapter.set_staff_join_address(join.address.as_str().into());
    adapter.set_staff_join_url(join.url.as_str().into());
    adapter.set_staff_join_code(join.code.as_str().into());
    adapter.set_staff_join_words(join.words.as_str().into());
    adapter.set_staff_join_message(join.message.as_str().into());
    let rows: Vec<crate::JoinKeyRow> = join
        .keys
        .iter()
        .map(|row| {
            let keys: Vec<crate::JoinKeyItem> = row
                .iter()
                .map(|key| crate::JoinKeyItem {
                    label: key.label.as_str().into(),
                    usable: key.usable,
                    erases: key.erases,
                })
                .collect();
            crate::JoinKeyRow {
                keys: Rc::new(slint::VecModel::from(keys)).into(),
            }
        })
        .collect();
    adapter.set_staff_join_keys(Rc::new(slint::VecModel::from(rows)).into());
}

/// `text` as a QR code, a pixel a module with the quiet zone around it (the
/// screen scales it up without smoothing).
fn qr_code(text: &str) -> Option<slint::Image> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    const QUIET: usize = 4;
    let width = code.width();
    let side = width + 2 * QUIET;
    let mut pixels = slint::SharedPixelBuffer::<slint::Rgb8Pixel>::new(side as u32, side as u32);
    let white = slint::Rgb8Pixel {
        r: 255,
        g: 255,
        b: 255,
    };
    let black = slint::Rgb8Pixel { r: 0, g: 0, b: 0 };
    let modules = code.to_colors();
    for (i, pixel) in pixels.make_mut_slice().iter_mut().enumerate() {
        let (x, y) = (i % side, i / side);
        let dark = x >= QUIET
            && y >= QUIET
            && x < QUIET + width
            && y < QUIET + width
            && modules[(y - QUIET) * width + (x - QUIET)] == qrcode::Color::Dark;
        *pixel = if dark { black } else { white };
    }
    Some(slint::Image::from_rgb8(pixels))
}

/// Puts a view on screen.
fn show(window: &AppWindow, view: &KioskView, kiosk: &Kiosk, pictures: &mut Pictures) {
    let adapter = window.global::<KioskAdapter>();
    set_display(window, view.display);
    adapter.set_screen(map_screen(view.screen.unwrap_or(Screen::People)));
    adapter.set_person_name(view.person_name.as_str().into());
    adapter.set_supporter(view.supporter.as_str().into());
    adapter.set_helping(view.helping);
    adapter.set_no_sound(view.no_sound);
    adapter.set_saving(view.saving);
    adapter.set_presses_that_did_nothing(view.presses_that_did_nothing as i32);
    adapter.set_press_to_scan(view.press_to_scan);
    adapter.set_staff_notice(view.staff_notice.as_str().into());
    adapter.set_highlighted_action(map_action(view.highlighted_action));
    match view.screen {
        Some(Screen::Mat | Screen::Review | Screen::Finished) => {
            map_mat(&adapter, &view.mat, kiosk, pictures)
        }
        _ => map_picker(&adapter, &view.picker, kiosk, pictures),
    }
}

fn map_picker(adapter: &KioskAdapter, view: &PickerView, kiosk: &Kiosk, pictures: &mut Pictures) {
    let items: Vec<PickerItem> = view
        .items
        .iter()
        .map(|item| {
            let picture = pictures.get(kiosk.set(), &item.picture);
            PickerItem {
                title: item.title.as_str().into(),
                picture_pending: pictures.is_pending(kiosk.set(), &item.picture),
                has_picture: picture.is_some(),
                picture: picture.unwrap_or_default(),
                highlighted: item.highlighted,
                due: item.due,
            }
        })
        .collect();
    adapter.set_items(ModelRc::new(VecModel::from(items)));
    adapter.set_picker_page(view.page_label.as_str().into());
    adapter.set_can_say_not_now(view.can_say_not_now);
    adapter.set_can_change_person(view.can_change_person);
}

fn map_mat(adapter: &KioskAdapter, view: &MatView, kiosk: &Kiosk, pictures: &mut Pictures) {
    adapter.set_topic_title(view.topic_title.as_str().into());
    let points: Vec<PointItem> = view
        .points
        .iter()
        .map(|point| map_point(point, kiosk, pictures))
        .collect();
    adapter.set_points(ModelRc::new(VecModel::from(points)));
    if let Some(card) = &view.card {
        adapter.set_card(map_card(card, kiosk, pictures));
    }
    adapter.set_picked_prompt(view.picked_prompt.as_str().into());
    adapter.set_progress(view.progress.as_str().into());
    adapter.set_said_before(view.said_before.as_str().into());
    adapter.set_end_words(view.end_words.as_str().into());
}

fn map_point(point: &PointView, kiosk: &Kiosk, pictures: &mut Pictures) -> PointItem {
    let cards: Vec<CardItem> = point
        .cards
        .iter()
        .map(|card| map_card(card, kiosk, pictures))
        .collect();
    let (r, g, b) = point.rgb;
    PointItem {
        label: point.label.as_str().into(),
        symbol: pictures.get(kiosk.set(), &point.symbol).unwrap_or_default(),
        colour: slint::Color::from_rgb_u8(r, g, b),
        cards: ModelRc::new(VecModel::from(cards)),
        highlighted: point.highlighted,
    }
}

fn map_card(card: &CardView, kiosk: &Kiosk, pictures: &mut Pictures) -> CardItem {
    let picture = pictures.get(kiosk.set(), &card.picture);
    CardItem {
        index: i32::try_from(card.index).unwrap_or(i32::MAX),
        label: card.label.as_str().into(),
        picture_pending: pictures.is_pending(kiosk.set(), &card.picture),
        longest_word: longest_word(&card.label),
        has_picture: picture.is_some(),
        picture: picture.unwrap_or_default(),
        marked: card.marked,
        picked: card.picked,
        highlighted: card.highlighted,
        offset: card.offset,
    }
}

/// The characters of a label's longest word.
pub fn longest_word(label: &str) -> i32 {
    let longest = label
        .split_whitespace()
        .map(|word| word.chars().count())
        .max()
        .unwrap_or(0);
    i32::try_from(longest).unwrap_or(i32::MAX)
}

fn map_screen(screen: Screen) -> ScreenKind {
    match screen {
        Screen::People => ScreenKind::People,
        Screen::Company => ScreenKind::Company,
        Screen::Resume => ScreenKind::Resume,
        Screen::Topics => ScreenKind::Topics,
        Screen::Mat => ScreenKind::Mat,
        Screen::Leave => ScreenKind::Leave,
        Screen::Review => ScreenKind::Review,
        Screen::Finished => ScreenKind::Finished,
    }
}

fn map_action(action: HighlightedAction) -> SlintAction {
    match action {
        HighlightedAction::None => SlintAction::None,
        HighlightedAction::Finish => SlintAction::Finish,
        HighlightedAction::Undo => SlintAction::Undo,
        HighlightedAction::SayAgain => SlintAction::SayAgain,
        HighlightedAction::StartAgain => SlintAction::StartAgain,
        HighlightedAction::Skip => SlintAction::Skip,
        HighlightedAction::SomethingElse => SlintAction::SomethingElse,
        HighlightedAction::TellMeMore => SlintAction::TellMeMore,
        HighlightedAction::PutBack => SlintAction::PutBack,
        HighlightedAction::MoreTopics => SlintAction::MoreTopics,
        HighlightedAction::NotNow => SlintAction::NotNow,
        HighlightedAction::SomeoneElse => SlintAction::SomeoneElse,
    }
}

/// The person's display settings: the high-contrast theme, large text.
pub fn set_display(window: &AppWindow, display: Display) {
    let theme = window.global::<Theme>();
    theme.set_high_contrast(display.high_contrast);
    theme.set_large_text(display.large_text);
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
    use slint::SharedString;

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
