//! The `Clock` port: "now" on both clocks (see [`crate::core::time`]), from a
//! small trait so tests can fix each one and move it on its own.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};

use crate::core::time::{Mono, Now};

pub trait Clock {
    fn now(&self) -> Now;
}

/// The system's clocks: the wall clock, and `Instant` (CLOCK_MONOTONIC on
/// Linux) counted from when this clock was made.
pub struct SystemClock {
    started: Instant,
}

impl SystemClock {
    pub fn new() -> SystemClock {
        SystemClock {
            started: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Now {
        let mono = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Now::new(Utc::now(), Mono(mono))
    }
}

/// Clocks that only move when told to, for tests: `advance` moves both (time
/// passing), `shift_wall` moves the wall clock alone (NTP correcting it).
/// A paced clock also moves on by a set step each time it is read: a person
/// who takes that long over each thing they do.
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<Manual>>);

struct Manual {
    now: Now,
    step: Duration,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock::paced(start, Duration::zero())
    }

    /// A clock that moves on by `step` after each reading.
    pub fn paced(start: DateTime<Utc>, step: Duration) -> ManualClock {
        ManualClock(Arc::new(Mutex::new(Manual {
            now: Now::new(start, Mono(0)),
            step,
        })))
    }

    /// Time passes: both clocks move on.
    pub fn advance(&self, by: Duration) {
        self.0.lock().expect("clock lock").advance(by);
    }

    /// The wall clock is corrected, forwards or back; no time passes.
    pub fn shift_wall(&self, by: Duration) {
        self.0.lock().expect("clock lock").now.wall += by;
    }
}

impl Manual {
    fn advance(&mut self, by: Duration) {
        self.now.wall += by;
        self.now.mono = self
            .now
            .mono
            .after_millis(u64::try_from(by.num_milliseconds()).unwrap_or(0));
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Now {
        let mut manual = self.0.lock().expect("clock lock");
        let now = manual.now;
        let step = manual.step;
        manual.advance(step);
        now
    }
}
