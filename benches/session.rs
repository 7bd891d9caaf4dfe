//! Press-to-speech on the kiosk: how long from a press arriving to the spoken
//! answer being handed to the voice, with the placement committed to a real
//! journal (WAL, synchronous=FULL) on the way.
//!
//! The baseline, measured in the same run, is the session core alone (no
//! I/O). The machine this runs on may be noisy, so the ratio between the two
//! is the figure to compare across runs, with the p50/p95 beside it.
//!
//! Run with `cargo bench --bench session`.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use sayso::clock::SystemClock;
use sayso::core::{Event, Input, InputMethod, MatSession, PersonRef, SessionSettings, Stage};
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
    let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();

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
                format!("s{i}"),
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

    // The kiosk: session, journal commit and voice hand-off, as a press takes them.
    let dir = tempfile::tempdir().expect("a temporary data directory");
    let paths = KioskPaths::in_data_dir(dir.path(), &set.path);
    let (voice, spoken) = RecordingVoice::new();
    let mut kiosk =
        Kiosk::open(paths, Box::new(voice), Box::new(SystemClock)).expect("the kiosk opens");
    let mut kiosk_times = Vec::with_capacity(PRESSES);
    for i in 0..PRESSES {
        if kiosk
            .session()
            .is_none_or(|s| s.stage() == Stage::Reviewing)
        {
            if kiosk.session().is_some() {
                kiosk.handle(Input::new(Event::Finish, InputMethod::Key));
                kiosk.wait_for_sync();
                kiosk.handle(Input::new(Event::StartAgain, InputMethod::Key));
            }
            // From the topics: the first one.
            kiosk.handle(Input::new(Event::Choose(0), InputMethod::Key));
        }
        let started = Instant::now();
        kiosk.handle(Input::new(Event::PlaceOn(i % 3), InputMethod::Key));
        kiosk_times.push(started.elapsed());
    }
    std::hint::black_box(spoken.texts().len());

    let core = Percentiles::of(&mut core_times);
    let press = Percentiles::of(&mut kiosk_times);
    println!("{PRESSES} presses each");
    println!(
        "session core (baseline)          p50 {:>10.3?}  p95 {:>10.3?}",
        core.p50, core.p95
    );
    println!(
        "press → journal row → voice      p50 {:>10.3?}  p95 {:>10.3?}",
        press.p50, press.p95
    );
    println!(
        "ratio to baseline                p50 {:>10.0}x  p95 {:>10.0}x",
        press.p50.as_secs_f64() / core.p50.as_secs_f64(),
        press.p95.as_secs_f64() / core.p95.as_secs_f64()
    );
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
