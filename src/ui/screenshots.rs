//! Every screen at every supported size, in both themes, with the demo set:
//! `sayso screenshots DIR`, so anyone can review the UI without a Pi. The
//! screens are drawn by Slint's software renderer, the same renderer the
//! tests use, with no window system at all.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::Context;
use chrono::TimeZone;
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{ComponentHandle, Rgba8Pixel, SharedPixelBuffer};

use crate::clock::Clock;
use crate::clock::ManualClock;
use crate::core::{Screen, ToldBack};
use crate::kiosk::{Kiosk, KioskInput, KioskPaths};
use crate::library::home::{find_home, Display};
use crate::store::Journal;
use crate::voice::RecordingVoice;
use crate::{AppWindow, KioskAdapter};

/// The three screens sayso is laid out for: the official 7" touch screen,
/// Touch Display 2 upright, and an HDMI screen.
pub const SIZES: [(u32, u32); 3] = [(800, 480), (720, 1280), (1920, 1080)];

/// A platform with one software-rendered window and no event loop: enough
/// to lay out and draw screens.
struct Offscreen {
    window: Rc<MinimalSoftwareWindow>,
}

impl Platform for Offscreen {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.window.clone())
    }
}

/// Installs the offscreen platform. Call once, before any window exists.
pub fn use_offscreen_platform() -> anyhow::Result<()> {
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(Offscreen { window }))
        .map_err(|e| anyhow::anyhow!("cannot draw screens offscreen: {e}"))
}

/// Renders every screen with the picture set at `set` into `dir` and
/// returns the files written.
pub fn render_all(dir: &Path, set: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::new();
    for (width, height) in SIZES {
        for (theme, high_contrast) in [("standard", false), ("high-contrast", true)] {
            let suffix = format!("{width}x{height}-{theme}");
            written.extend(render_walkthrough(
                dir,
                set,
                &suffix,
                (width, height),
                high_contrast,
                false,
            )?);
        }
    }
    written.extend(render_walkthrough(
        dir,
        set,
        "800x480-large-text",
        (800, 480),
        false,
        true,
    )?);
    Ok(written)
}

/// Gives the first person of the home something staff did about what they
/// said of the set's first card, as a sync would bring it down.
fn something_staff_did(paths: &KioskPaths, clock: &ManualClock) -> anyhow::Result<()> {
    // Opened once first, so that the journal knows the home's people.
    let (voice, _) = RecordingVoice::new();
    drop(Kiosk::open(
        paths.clone(),
        Box::new(voice),
        Box::new(clock.clone()),
    )?);
    let journal = Journal::open(&paths.journal())?;
    let set = crate::library::load_set(&paths.set)?;
    // The first person on the people screen, as the walk chooses them.
    let first_name = match &paths.home {
        Some(home) => crate::library::home::Home::load(home, &set.set)?
            .people
            .first()
            .map(|p| p.name.clone()),
        None => None,
    };
    let people = journal.people()?;
    let person = people
        .iter()
        .find(|p| Some(&p.name) == first_name.as_ref())
        .or(people.first());
    let (Some(person), Some(topic)) = (person.cloned(), set.set.topics.first()) else {
        return Ok(());
    };
    let Some(card) = topic.cards.first() else {
        return Ok(());
    };
    let said = topic.scale.points.last().map(|p| p.label.clone());
    journal.store_told_back(
        &[ToldBack {
            action_id: 1,
            person_id: person.id,
            topic_id: topic.id.clone(),
            card_id: card.id.clone(),
            card_label: card.label.clone(),
            said_view: said.unwrap_or_default(),
            words: "Jo found a new one for you to try.".into(),
        }],
        clock.now().wall,
    )?;
    Ok(())
}

/// Jo, a staff member with the kiosk PIN 4821, in the plan.
fn give_jo_a_pin(plan: &Path, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<()> {
    use crate::store::ports::AccountsPlan;
    let mut plan = crate::store::Plan::open_or_create(plan)?;
    let staff = crate::store::accounts::Role::Staff;
    plan.add_account("Jo", staff, None, "screenshots", now)?;
    let jo = plan.accounts()?.remove(0);
    plan.set_pin(jo.id, "4821", now)?;
    Ok(())
}

/// A person's way through a mat, one picture per screen on the way.
fn render_walkthrough(
    dir: &Path,
    set: &Path,
    suffix: &str,
    size: (u32, u32),
    high_contrast: bool,
    large_text: bool,
) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let display = Display {
        high_contrast,
        large_text,
    };
    walk_every_screen(set, size, display, &mut |name, window| {
        let path = dir.join(format!("{name}-{suffix}.png"));
        save_png(&window.window().take_snapshot()?, &path)?;
        written.push(path);
        Ok(())
    })?;
    Ok(written)
}

/// Walks a person's way through a mat with the set at `set` (and the home
/// file beside it, if any), in a window of `width` x `height` drawn in
/// `display`, and calls `visit` with each screen's name as it is shown:
/// people, company, you-said-we-did, topics, leave, mat, mat-highlight,
/// review, review-highlight, review-moving, finished, finished-not-saved,
/// resume, staff-pin, staff, staff-restart, staff-join-address,
/// staff-join-code, staff-join-compare, staff-join-joined, paused,
/// cannot-start.
pub fn walk_every_screen(
    set: &Path,
    (width, height): (u32, u32),
    display: Display,
    visit: &mut dyn FnMut(&str, &AppWindow) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let data = tempfile::tempdir().context("a temporary data directory")?;
    let mut paths = KioskPaths::in_data_dir(data.path(), set);
    paths.home = find_home(None, data.path(), set);
    let (voice, _) = RecordingVoice::new();
    // Half past eight in the morning: the demo's breakfast check-in is due.
    let start = chrono::Local
        .with_ymd_and_hms(2026, 11, 2, 8, 30, 0)
        .earliest()
        .context("a local time")?
        .with_timezone(&chrono::Utc);
    // The person takes a second over each thing they do: long enough to
    // see each card before answering it.
    let clock = ManualClock::paced(start, chrono::Duration::seconds(1));
    something_staff_did(&paths, &clock)?;
    give_jo_a_pin(&paths.plan, clock.now().wall)?;
    let mut kiosk = Kiosk::open(paths, Box::new(voice), Box::new(clock.clone()))?;
    kiosk.override_display(display);
    let kiosk = Rc::new(RefCell::new(kiosk));

    let window = AppWindow::new()?;
    window
        .window()
        .set_size(slint::PhysicalSize::new(width, height));
    let bridge = super::connect(&window, kiosk.clone(), super::Pictures::immediate());
    window.show()?;
    let mut walk = Walk {
        kiosk,
        window,
        bridge,
        clock,
        visit,
    };
    walk.a_turn()?;
    walk.coming_back()?;
    walk.staff_at_the_kiosk()?;
    walk.cannot_start()?;
    walk.window.hide()?;
    Ok(())
}

/// A walk through the screens: the kiosk, its window, its clock, and what
/// each screen is shown to.
struct Walk<'v> {
    kiosk: Rc<RefCell<Kiosk>>,
    window: AppWindow,
    bridge: super::Bridge,
    clock: ManualClock,
    visit: &'v mut dyn FnMut(&str, &AppWindow) -> anyhow::Result<()>,
}

impl Walk<'_> {
    fn adapter(&self) -> KioskAdapter<'_> {
        self.window.global::<KioskAdapter>()
    }

    fn screen(&self) -> Screen {
        self.kiosk.borrow().screen()
    }

    /// Switch 1 (the space bar) moves the highlight, as a switch user would.
    fn switch(&self) {
        self.adapter().invoke_key(" ".into(), false);
        self.adapter().invoke_key_up(" ".into());
    }

    /// Each visit is to the screen it is named for, or the walk has gone
    /// wrong (a press ignored, a screen changed) and says so.
    fn shot(&mut self, name: &str, screen: Option<Screen>) -> anyhow::Result<()> {
        if let Some(expected) = screen {
            let shown = self.screen();
            anyhow::ensure!(
                shown == expected,
                "the {name} picture would show the {shown:?} screen"
            );
        }
        (self.visit)(name, &self.window)
    }

    /// Someone's turn, from choosing themselves to a mat finished.
    fn a_turn(&mut self) -> anyhow::Result<()> {
        if self.screen() == Screen::People {
            self.shot("people", Some(Screen::People))?;
            self.adapter().invoke_choose(0);
        }
        if self.screen() == Screen::Company {
            self.shot("company", Some(Screen::Company))?;
            self.adapter().invoke_choose(1);
        }
        // What staff did about something the person said, told first.
        if self.screen() == Screen::Mat {
            self.shot("you-said-we-did", Some(Screen::Mat))?;
            self.adapter().invoke_place(0);
            self.adapter().invoke_finish();
            self.adapter().invoke_start_again();
        }
        self.shot("topics", Some(Screen::Topics))?;
        self.adapter().invoke_choose(0);
        // "Back" on the first card, then carrying on.
        self.adapter().invoke_undo();
        self.shot("leave", Some(Screen::Leave))?;
        self.adapter().invoke_choose(0);
        for point in [0, 2, 0] {
            self.adapter().invoke_place(point);
        }
        self.adapter().invoke_tell_me_more();
        self.shot("mat", Some(Screen::Mat))?;
        self.switch();
        self.switch();
        self.shot("mat-highlight", Some(Screen::Mat))?;
        for point in [1, 0, 2] {
            self.adapter().invoke_place(point);
        }
        self.shot("review", Some(Screen::Review))?;
        for _ in 0..4 {
            self.switch();
        }
        self.shot("review-highlight", Some(Screen::Review))?;
        self.adapter().invoke_pick_up(4);
        self.shot("review-moving", Some(Screen::Review))?;
        self.adapter().invoke_put_back();
        self.adapter().invoke_finish();
        self.shot("finished", Some(Screen::Finished))?;
        // The same while the disk is full: never "saved" when it is not.
        self.adapter().set_saving(false);
        self.shot("finished-not-saved", Some(Screen::Finished))?;
        self.adapter().set_saving(true);
        Ok(())
    }

    /// A mat left part-way, and the person coming back to it.
    fn coming_back(&mut self) -> anyhow::Result<()> {
        self.adapter().invoke_start_again();
        self.adapter().invoke_choose(1);
        self.adapter().invoke_place(0);
        let idle = self.kiosk.borrow().idle_ms();
        self.clock
            .advance(chrono::Duration::milliseconds(idle as i64));
        self.kiosk.borrow_mut().input(KioskInput::Tick);
        self.bridge.refresh();
        if self.screen() != Screen::Mat {
            if self.screen() == Screen::People {
                self.adapter().invoke_choose(0);
            }
            if self.screen() == Screen::Company {
                self.adapter().invoke_choose(1);
            }
            self.shot("resume", Some(Screen::Resume))?;
        }
        Ok(())
    }

    /// The corner held three seconds, and the PIN typed up to `digits`.
    fn open_the_staff_screen(&self, digits: &[i32]) {
        self.adapter().invoke_staff_corner(true);
        self.clock.advance(chrono::Duration::seconds(3));
        self.kiosk.borrow_mut().input(KioskInput::Tick);
        self.adapter().invoke_staff_corner(false);
        for digit in digits {
            self.adapter().invoke_staff_digit(*digit);
        }
    }

    fn enter_the_pin(&self) {
        self.adapter().invoke_staff_enter();
        self.kiosk
            .borrow_mut()
            .wait_for_jobs(std::time::Duration::from_secs(60));
    }

    /// Staff at the kiosk: the corner held, the keypad, their screen, and
    /// the kiosk paused.
    fn staff_at_the_kiosk(&mut self) -> anyhow::Result<()> {
        self.adapter().invoke_start_again();
        self.open_the_staff_screen(&[4, 8]);
        self.shot("staff-pin", None)?;
        for digit in [2, 1] {
            self.adapter().invoke_staff_digit(digit);
        }
        self.enter_the_pin();
        self.kiosk.borrow_mut().input(KioskInput::Problem(
            "No sound: is the speaker plugged in and switched on?".into(),
        ));
        // The longest the staff line says, to see it wraps.
        self.kiosk.borrow_mut().input(KioskInput::Problem(
            crate::core::PlanTrouble::Damaged.notice().into(),
        ));
        self.kiosk
            .borrow_mut()
            .serving_staff_pages("https://sayso-kitchen.local:8470/".into());
        self.bridge.refresh();
        anyhow::ensure!(
            self.kiosk.borrow().staff_view().screen.stage
                == crate::core::staff_screen::StaffStage::Open,
            "the staff screen did not open with Jo's PIN"
        );
        self.shot("staff", None)?;
        self.adapter().invoke_staff_ask_power(0);
        self.shot("staff-restart", None)?;
        self.adapter().invoke_staff_cancel();
        self.joining_a_home()?;
        self.adapter().invoke_staff_pause();
        self.adapter().invoke_staff_close();
        self.shot("paused", None)?;
        self.open_the_staff_screen(&[4, 8, 2, 1]);
        self.enter_the_pin();
        self.adapter().invoke_staff_pause();
        self.adapter().invoke_staff_close();
        self.bridge.refresh();
        Ok(())
    }

    /// "Join a home": the hub's address and the pairing code typed on the
    /// keypad, then the hub's key to compare and what came of joining, as
    /// a hub would answer (none is reached here).
    fn joining_a_home(&mut self) -> anyhow::Result<()> {
        let type_in = |adapter: &KioskAdapter, keys: &str| {
            for key in keys.chars() {
                adapter.invoke_staff_join_key(key.to_string().into());
            }
        };
        self.adapter().invoke_staff_join_home();
        type_in(&self.adapter(), "192.168.1.20");
        self.bridge.refresh();
        self.shot("staff-join-address", None)?;
        self.adapter().invoke_staff_join_next();
        type_in(&self.adapter(), "7KQ4M9TXW");
        self.bridge.refresh();
        self.shot("staff-join-code", None)?;
        self.adapter().set_staff_join_stage("compare".into());
        self.adapter()
            .set_staff_join_words("harbour velvet mango quiz".into());
        self.shot("staff-join-compare", None)?;
        self.adapter().set_staff_join_stage("joined".into());
        self.adapter().set_staff_join_message(
            "Joined the home's hub at https://192.168.1.20:8470. 214 finished mat(s) from this \
             kiosk are in its support plan, and from now on this kiosk syncs there."
                .into(),
        );
        self.shot("staff-join-joined", None)?;
        self.adapter().invoke_staff_join_back();
        self.adapter().invoke_staff_join_back();
        self.bridge.refresh();
        anyhow::ensure!(
            self.kiosk.borrow().staff_view().screen.joining.is_none(),
            "Back twice leaves joining"
        );
        Ok(())
    }

    /// What staff see instead of a blank screen when the set cannot be used.
    fn cannot_start(&mut self) -> anyhow::Result<()> {
        self.adapter().set_cannot_start(
            super::breakable_paths(
                "the picture set file /var/lib/sayso/sets/home/set.toml has a problem: \
                 it is not valid TOML: TOML parse error at line 12, column 9",
            )
            .into(),
        );
        self.adapter().set_screen(crate::ScreenKind::CannotStart);
        self.shot("cannot-start", None)
    }
}

/// The mat of the set's first topic at 800x480, as the kiosk draws it for
/// `person` (by name),
/// with card number `card` (0: the first) on offer and the cards before it
/// already placed, spread over the scale: the picture set editor's
/// preview. Written as a PNG to `out`.
pub fn render_preview(
    set: &Path,
    person: Option<&str>,
    display: crate::core::Display,
    card: usize,
    out: &Path,
) -> anyhow::Result<()> {
    let data = tempfile::tempdir().context("a temporary data directory")?;
    let mut paths = KioskPaths::in_data_dir(data.path(), set);
    if let Some(name) = person {
        // The person's own name in the top bar, and their display, as on
        // their kiosk.
        let home = data.path().join(crate::library::home::HOME_FILE);
        let high_contrast = display.high_contrast;
        let large_text = display.large_text;
        let text = toml::to_string(&toml::toml! {
            [[people]]
            name = name
            high_contrast = high_contrast
            large_text = large_text
        })
        .context("the person's name")?;
        std::fs::write(&home, text).context("a home file for the preview")?;
        paths.home = Some(home);
    }
    let (voice, _) = RecordingVoice::new();
    let clock = ManualClock::paced(
        chrono::Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 0).unwrap(),
        chrono::Duration::seconds(1),
    );
    let kiosk = Kiosk::open(paths, Box::new(voice), Box::new(clock))?;
    let kiosk = Rc::new(RefCell::new(kiosk));
    let window = AppWindow::new()?;
    window.window().set_size(slint::PhysicalSize::new(800, 480));
    let _bridge = super::connect(&window, kiosk.clone(), super::Pictures::immediate());
    window.show()?;
    let adapter = window.global::<KioskAdapter>();
    if kiosk.borrow().screen() == Screen::Topics {
        adapter.invoke_choose(0);
    }
    anyhow::ensure!(
        kiosk.borrow().screen() == Screen::Mat,
        "the set's first topic did not open on a mat"
    );
    let points = kiosk.borrow().view().mat.points.len().max(1);
    for placed in 0..card {
        if kiosk.borrow().screen() != Screen::Mat {
            break;
        }
        adapter.invoke_place((placed % points) as i32);
    }
    save_png(&window.window().take_snapshot()?, out)?;
    window.hide()?;
    Ok(())
}

/// Writes a rendered screen as a PNG file.
pub fn save_png(buffer: &SharedPixelBuffer<Rgba8Pixel>, path: &Path) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut encoder = png::Encoder::new(
        std::io::BufWriter::new(file),
        buffer.width(),
        buffer.height(),
    );
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(buffer.as_bytes())?;
    Ok(())
}

/// How long the software renderer takes to draw the mat screen (with the
/// demo set, three cards placed) at `size`, whole, `frames` times: for the
/// benchmarks, the kiosk's clock starting at `start`. Needs
/// [`use_offscreen_platform`].
pub fn mat_frame_times(
    set: &Path,
    (width, height): (u32, u32),
    frames: usize,
    start: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<std::time::Duration>> {
    let data = tempfile::tempdir().context("a temporary data directory")?;
    let paths = KioskPaths::in_data_dir(data.path(), set);
    let (voice, _) = RecordingVoice::new();
    let clock = ManualClock::paced(start, chrono::Duration::seconds(1));
    let kiosk = Rc::new(RefCell::new(Kiosk::open(
        paths,
        Box::new(voice),
        Box::new(clock),
    )?));
    let window = AppWindow::new()?;
    window
        .window()
        .set_size(slint::PhysicalSize::new(width, height));
    let _bridge = super::connect(&window, kiosk.clone(), super::Pictures::immediate());
    window.show()?;
    let adapter = window.global::<KioskAdapter>();
    if kiosk.borrow().screen() == Screen::Topics {
        adapter.invoke_choose(0);
    }
    for point in [0, 2, 1] {
        adapter.invoke_place(point);
    }
    anyhow::ensure!(kiosk.borrow().screen() == Screen::Mat, "not on the mat");
    // The first frame decodes the pictures: not a frame's time.
    window.window().take_snapshot()?;
    let mut times = Vec::with_capacity(frames);
    for _ in 0..frames {
        let started = std::time::Instant::now();
        let frame = window.window().take_snapshot()?;
        times.push(started.elapsed());
        std::hint::black_box(frame);
    }
    window.hide()?;
    Ok(times)
}
