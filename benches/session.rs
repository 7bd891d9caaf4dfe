//! Press-to-speech and press-to-frame on the kiosk, each against the mat
//! session alone (no I/O) measured in the same run:
//! - the whole flow (pickers, check-ins, idle, the mat), still no I/O;
//! - the kiosk: flow, journal row committed (WAL, synchronous=FULL), answer
//!   handed to the voice;
//! - the same, then the next frame drawn by the software renderer at 800x480
//!   into a buffer.
//!
//! The machine this runs on may be noisy, so the ratios are the figures to
//! compare across runs, with the p50/p95 beside them.
//!
//! Run with `cargo bench --bench session`.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use sayso::clock::SystemClock;
use sayso::core::{
    Event, Flow, FlowConfig, FlowEvent, FlowPerson, Input, InputMethod, MatSession, Mono, NewIds,
    Now, PersonRef, Screen, SessionSettings, Stage, Voicing,
};
use sayso::kiosk::KioskInput;
use sayso::kiosk::{Kiosk, KioskPaths};
use sayso::library::{default_set_path, load_set};
use sayso::voice::RecordingVoice;

const PRESSES: usize = 600;

fn main() {
    let set = load_set(&default_set_path()).expect("the demo set loads");
    let topic = set.set.topics[0].clone();
    let person = PersonRef {
        id: "p".into(),
        name: "Alex".into(),
    };
    let t0 = Now::new(Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(), Mono(0));

    // Baseline: the pure session, restarted whenever a mat is complete.
    let mut core_times = Vec::with_capacity(PRESSES);
    let (mut session, _) = MatSession::start(
        "s".into(),
        person.clone(),
        "demo",
        topic.clone(),
        SessionSettings::default(),
        t0,
    );
    for i in 0..PRESSES {
        if session.stage() == Stage::Reviewing {
            session = MatSession::start(
                format!("s{i}").into(),
                person.clone(),
                "demo",
                topic.clone(),
                SessionSettings::default(),
                t0,
            )
            .0;
        }
        let started = Instant::now();
        let effects = session.handle(Input::new(Event::PlaceOn(i % 3), InputMethod::Key), t0);
        core_times.push(started.elapsed());
        std::hint::black_box(effects);
    }

    // The whole flow, pure: a person, their topics, the mat.
    let config = FlowConfig {
        set_id: set.set.id.clone(),
        topics: set.set.topics.clone(),
        people: vec![FlowPerson {
            person: person.clone(),
            photo: None,
            topics: (0..set.set.topics.len()).collect(),
            schedule: Default::default(),
            voicing: Voicing::default(),
        }],
        supporters: Vec::new(),
        idle_ms: 600_000,
        device: Voicing::default(),
        notices: Vec::new(),
    };
    let mut ids = Counter(0);
    let (mut flow, _) = Flow::start(config, Utc, t0, Default::default(), &mut ids);
    let mut flow_times = Vec::with_capacity(PRESSES);
    let key = |event| FlowEvent::Input(Input::new(event, InputMethod::Key));
    for i in 0..PRESSES {
        if flow.screen() != Screen::Mat {
            for event in [Event::Finish, Event::StartAgain, Event::Choose(0)] {
                flow.handle(key(event), t0, &mut ids);
            }
        }
        let started = Instant::now();
        let effects = flow.handle(key(Event::PlaceOn(i % 3)), t0, &mut ids);
        flow_times.push(started.elapsed());
        std::hint::black_box(effects);
    }

    // The kiosk: flow, journal commit and voice hand-off, as a press takes them.
    let dir = tempfile::tempdir().expect("a temporary data directory");
    let paths = KioskPaths::in_data_dir(dir.path(), &set.path);
    let (voice, spoken) = RecordingVoice::new();
    let mut kiosk =
        Kiosk::open(paths, Box::new(voice), Box::new(SystemClock::new())).expect("the kiosk opens");
    let mut kiosk_times = Vec::with_capacity(PRESSES);
    for i in 0..PRESSES {
        if kiosk
            .session()
            .is_none_or(|s| s.stage() == Stage::Reviewing)
        {
            if kiosk.session().is_some() {
                kiosk.input(KioskInput::Person(Input::new(
                    Event::Finish,
                    InputMethod::Key,
                )));
                kiosk.wait_for_jobs(Duration::from_secs(60));
                kiosk.input(KioskInput::Person(Input::new(
                    Event::StartAgain,
                    InputMethod::Key,
                )));
            }
            // From the topics: the first one.
            kiosk.input(KioskInput::Person(Input::new(
                Event::Choose(0),
                InputMethod::Key,
            )));
        }
        let started = Instant::now();
        kiosk.input(KioskInput::Person(Input::new(
            Event::PlaceOn(i % 3),
            InputMethod::Key,
        )));
        kiosk_times.push(started.elapsed());
    }
    std::hint::black_box(spoken.texts().len());
    drop(kiosk);

    let mut locked_times = taps_while_the_plan_is_locked(&set.path);
    let frame_times = press_to_frame(&set.path);

    let core = Percentiles::of(&mut core_times);
    println!("{PRESSES} presses each; ratios against the session core");
    let line = |name: &str, times: &mut Vec<Duration>| {
        let p = Percentiles::of(times);
        println!(
            "{name:<40} p50 {:>10.3?}  p95 {:>10.3?}  ({:.0}x / {:.0}x)",
            p.p50,
            p.p95,
            p.p50.as_secs_f64() / core.p50.as_secs_f64(),
            p.p95.as_secs_f64() / core.p95.as_secs_f64()
        );
    };
    line("session core (baseline)", &mut core_times);
    line("whole flow, no I/O", &mut flow_times);
    line("press → journal row → voice", &mut kiosk_times);
    line("press → … → frame at 800x480", &mut frame_times.clone());
    println!(
        "{} mats finished while another writer held the plan:",
        LOCKED_MATS
    );
    line(
        "finish, then the next tap, until answered",
        &mut locked_times,
    );
}

const LOCKED_MATS: usize = 20;

/// Another writer holds the support plan's write lock while mats are
/// finished: each finish starts (or re-asks for) a sync that has to wait.
/// Timed: the finishing tap and the next one, as the person makes them.
fn taps_while_the_plan_is_locked(set: &std::path::Path) -> Vec<Duration> {
    let dir = tempfile::tempdir().expect("a temporary data directory");
    let paths = KioskPaths::in_data_dir(dir.path(), set);
    let plan = paths.plan.clone();
    let (voice, _spoken) = RecordingVoice::new();
    let mut kiosk =
        Kiosk::open(paths, Box::new(voice), Box::new(SystemClock::new())).expect("the kiosk opens");
    kiosk.wait_for_jobs(Duration::from_secs(60));
    let holder = rusqlite::Connection::open(&plan).expect("the plan");
    holder
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO plan_info VALUES ('bench', 'locked');")
        .expect("the write lock");
    let key = |event| Input::new(event, InputMethod::Key);
    let mut times = Vec::with_capacity(LOCKED_MATS);
    for _ in 0..LOCKED_MATS {
        kiosk.input(KioskInput::Person(key(Event::Choose(0))));
        while kiosk.screen() == Screen::Mat {
            kiosk.input(KioskInput::Person(key(Event::PlaceOn(0))));
        }
        let started = Instant::now();
        kiosk.input(KioskInput::Person(key(Event::Finish)));
        kiosk.input(KioskInput::Person(key(Event::StartAgain)));
        times.push(started.elapsed());
    }
    holder.execute_batch("ROLLBACK").expect("the lock let go");
    kiosk.wait_for_jobs(Duration::from_secs(120));
    times
}

/// A press on a real window drawn offscreen by the software renderer: key
/// in, journal row, then the next frame rendered into a buffer.
fn press_to_frame(set: &std::path::Path) -> Vec<Duration> {
    use slint::ComponentHandle;
    sayso::ui::screenshots::use_offscreen_platform().expect("the offscreen platform");
    let dir = tempfile::tempdir().expect("a temporary data directory");
    let paths = KioskPaths::in_data_dir(dir.path(), set);
    let (voice, _spoken) = RecordingVoice::new();
    let kiosk =
        Kiosk::open(paths, Box::new(voice), Box::new(SystemClock::new())).expect("the kiosk opens");
    let kiosk = std::rc::Rc::new(std::cell::RefCell::new(kiosk));
    let window = sayso::AppWindow::new().expect("a window");
    window.window().set_size(slint::PhysicalSize::new(800, 480));
    let _bridge = sayso::ui::connect(&window, kiosk.clone(), sayso::ui::Pictures::immediate());
    window.show().expect("shown");
    let adapter = window.global::<sayso::KioskAdapter>();
    let mut times = Vec::with_capacity(PRESSES);
    for i in 0..PRESSES {
        if kiosk.borrow().screen() != Screen::Mat {
            adapter.invoke_finish();
            kiosk.borrow_mut().wait_for_jobs(Duration::from_secs(60));
            adapter.invoke_start_again();
            adapter.invoke_choose(0);
            window.window().take_snapshot().expect("a frame");
        }
        let key = ["1", "2", "3"][i % 3];
        let started = Instant::now();
        adapter.invoke_key(key.into(), false);
        let frame = window.window().take_snapshot().expect("a frame");
        times.push(started.elapsed());
        adapter.invoke_key_up(key.into());
        std::hint::black_box(frame);
    }
    times
}

struct Counter(u64);

impl NewIds for Counter {
    fn new_session_id(&mut self) -> sayso::core::SessionId {
        self.0 += 1;
        format!("s{}", self.0).into()
    }
}

struct Percentiles {
    p50: Duration,
    p95: Duration,
}

impl Percentiles {
    fn of(times: &mut [Duration]) -> Percentiles {
        times.sort();
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        Percentiles {
            p50: at(0.50),
            p95: at(0.95),
        }
    }
}
