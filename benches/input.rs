//! The button input path: raw pin edges → timing filter → pin map → input →
//! session effects. Reported per press (two edges and the ticks between them),
//! with the session alone, measured in the same run, as the baseline.
//!
//! Run with `cargo bench --bench input`.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use sayso::access::filter::TimingSettings;
use sayso::access::gpio::{ButtonPanel, PinEdge, PinMap};
use sayso::access::AccessOutput;
use sayso::core::{Event, Input, InputMethod, MatSession, PersonRef, SessionSettings, Stage};
use sayso::library::{default_set_path, load_set};

const PRESSES: usize = 20_000;
const PINS: [u8; 3] = [17, 27, 22];

fn main() {
    let set = load_set(&default_set_path()).expect("the demo set loads");
    let topic = set.set.topics[0].clone();
    let person = PersonRef {
        id: "p".into(),
        name: "Alex".into(),
    };
    let t0 = sayso::core::Now::new(
        Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(),
        sayso::core::Mono(0),
    );
    let new_session = || {
        MatSession::start(
            "s".into(),
            person.clone(),
            "demo",
            topic.clone(),
            SessionSettings::default(),
            t0,
        )
        .0
    };

    // Baseline: the session alone, given the input directly.
    let mut session = new_session();
    let started = Instant::now();
    for i in 0..PRESSES {
        if session.stage() == Stage::Reviewing {
            session = new_session();
        }
        std::hint::black_box(
            session.handle(Input::new(Event::PlaceOn(i % 3), InputMethod::Gpio), t0),
        );
    }
    let baseline = started.elapsed();

    // The whole path from pin edges.
    let mut panel = ButtonPanel::new(PinMap::default(), TimingSettings::default());
    let mut session = new_session();
    let mut now = 1_000u64;
    let mut placed = 0;
    let started = Instant::now();
    for i in 0..PRESSES {
        if session.stage() == Stage::Reviewing {
            session = new_session();
        }
        let pin = PINS[i % 3];
        let mut outputs = panel
            .edge(PinEdge {
                pin,
                pressed: true,
                at_ms: now,
            })
            .1;
        outputs.extend(panel.tick(now + 25).1);
        outputs.extend(
            panel
                .edge(PinEdge {
                    pin,
                    pressed: false,
                    at_ms: now + 150,
                })
                .1,
        );
        outputs.extend(panel.tick(now + 175).1);
        for output in outputs {
            if let AccessOutput::Input(input) = output {
                placed += 1;
                std::hint::black_box(session.handle(input, t0));
            }
        }
        now += 1_000;
    }
    let path = started.elapsed();
    assert_eq!(placed, PRESSES, "every press counted");

    let per = |total: Duration| total / PRESSES as u32;
    println!("{PRESSES} presses");
    println!(
        "session alone (baseline)            {:>10.2?} per press",
        per(baseline)
    );
    println!(
        "pin edges → filter → input → effects {:>10.2?} per press",
        per(path)
    );
    println!(
        "ratio to baseline                    {:>10.1}x",
        path.as_secs_f64() / baseline.as_secs_f64()
    );
}
