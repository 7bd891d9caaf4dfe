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
/// passing), `set_wall` moves the wall clock alone (NTP correcting it).
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<Now>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock(Arc::new(Mutex::new(Now::new(start, Mono(0)))))
    }

    /// Time passes: both clocks move on.
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().expect("clock lock");
        now.wall += by;
        now.mono = now
            .mono
            .after_millis(u64::try_from(by.num_milliseconds()).unwrap_or(0));
    }

    /// The wall clock is corrected, forwards or back; no time passes.
    pub fn shift_wall(&self, by: Duration) {
        self.0.lock().expect("clock lock").wall += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Now {
        *self.0.lock().expect("clock lock")
    }
}
