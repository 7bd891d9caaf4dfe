//! Two kinds of time. A Raspberry Pi has no real-time clock: its wall clock
//! can jump by hours when NTP answers, in the middle of a mat. So everything
//! that is about *how long* (switch timing, scanning, idle, response times,
//! retries) is measured on a monotonic clock that never jumps, and the wall
//! clock is only what goes into records and what check-in windows compare with.

use chrono::{DateTime, Utc};

/// Milliseconds on a clock that only ever moves forward, from an arbitrary
/// start (the kiosk's start-up). Differences between two are durations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mono(pub u64);

impl Mono {
    pub fn millis(self) -> u64 {
        self.0
    }

    /// Milliseconds from `earlier` to this; zero if `earlier` is later.
    pub fn since(self, earlier: Mono) -> u64 {
        self.0.saturating_sub(earlier.0)
    }

    pub fn after_millis(self, millis: u64) -> Mono {
        Mono(self.0.saturating_add(millis))
    }
}

/// "Now" on both clocks, read once per event by the shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// Wall-clock time: written into records, compared with check-in windows.
    pub wall: DateTime<Utc>,
    /// Monotonic time: every duration and deadline.
    pub mono: Mono,
}

impl Now {
    pub fn new(wall: DateTime<Utc>, mono: Mono) -> Now {
        Now { wall, mono }
    }
}
