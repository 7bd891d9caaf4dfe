//! The `Clock` port: "now" on both clocks (see [`crate::core::time`]), from a
//! small trait so tests can fix each one and move it on its own.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};

pub use crate::core::time::SinceBoot;
use crate::core::time::{wall_is_set, ClockMark, Mono, Now, TimeService};

pub trait Clock {
    fn now(&self) -> Now;

    /// This machine's boot and the monotonic time since it: a clock mark
    /// made by one run of the kiosk can be put right by a later run.
    fn since_boot(&self) -> SinceBoot;

    /// What the system says of its wall clock.
    fn time_service(&self) -> TimeService;

    /// No wall clock reading earlier than this can be right.
    fn earliest_believable(&self) -> DateTime<Utc>;
}

/// sayso was made after this: a Raspberry Pi reading an earlier time has
/// not been told the time yet (without a real-time clock it starts at 1970,
/// or where it was when last switched off).
const MADE_AFTER: &str = "2026-11-01T00:00:00Z";

/// The system's clocks: the wall clock, and `Instant` (CLOCK_MONOTONIC on
/// Linux) counted from when this clock was made.
pub struct SystemClock {
    started: Instant,
    boot: String,
}

impl SystemClock {
    pub fn new() -> SystemClock {
        let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
            .map(|id| id.trim().to_string())
            .unwrap_or_default();
        SystemClock {
            started: Instant::now(),
            boot,
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

    fn since_boot(&self) -> SinceBoot {
        let now = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
        let ms = u64::try_from(now.tv_sec).unwrap_or(0) * 1000
            + u64::try_from(now.tv_nsec / 1_000_000).unwrap_or(0);
        SinceBoot {
            boot: self.boot.clone(),
            ms,
        }
    }

    /// systemd-timesyncd keeps its state under /run: the directory while it
    /// runs, `synchronized` once it has the time; the kernel notes whether
    /// a hardware clock set the time at boot.
    fn time_service(&self) -> TimeService {
        let rtc = std::fs::read_to_string("/sys/class/rtc/rtc0/hctosys").unwrap_or_default();
        TimeService {
            running: Path::new("/run/systemd/timesync").is_dir(),
            synchronised: Path::new("/run/systemd/timesync/synchronized").exists(),
            hardware_clock: rtc.trim() == "1",
        }
    }

    fn earliest_believable(&self) -> DateTime<Utc> {
        MADE_AFTER.parse().expect("a valid time")
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
    service: TimeService,
    boot: String,
    earliest: DateTime<Utc>,
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
            // A desktop's clock: no time service to wait for.
            service: TimeService {
                running: false,
                synchronised: false,
                hardware_clock: false,
            },
            boot: "boot-1".to_string(),
            earliest: DateTime::<Utc>::MIN_UTC,
        })))
    }

    /// A Raspberry Pi without a real-time clock: the wall clock cannot be
    /// believed before `earliest`, nor before the time service answers
    /// ([`ManualClock::time_service_answers`]).
    pub fn without_time(&self, earliest: DateTime<Utc>) {
        let mut manual = self.0.lock().expect("clock lock");
        manual.earliest = earliest;
        manual.service = TimeService {
            running: true,
            synchronised: false,
            hardware_clock: false,
        };
    }

    /// The time service sets the wall clock to `wall`; no time passes.
    pub fn time_service_answers(&self, wall: DateTime<Utc>) {
        let mut manual = self.0.lock().expect("clock lock");
        manual.now.wall = wall;
        manual.service.synchronised = true;
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

    /// The monotonic clock counts from the boot.
    fn since_boot(&self) -> SinceBoot {
        let manual = self.0.lock().expect("clock lock");
        SinceBoot {
            boot: manual.boot.clone(),
            ms: manual.now.mono.millis(),
        }
    }

    fn time_service(&self) -> TimeService {
        self.0.lock().expect("clock lock").service
    }

    fn earliest_believable(&self) -> DateTime<Utc> {
        self.0.lock().expect("clock lock").earliest
    }
}

/// The kiosk's clock: the system's, except that while the wall clock is not
/// set ([`wall_is_set`]) the time goes on from the latest that can be right
/// (the later of the system's reading and `floor`), on the monotonic clock;
/// each time that changes, a [`ClockMark`] waits to be written to the
/// journal, so sync can put those times right once the clock is set.
pub struct KioskClock {
    inner: Box<dyn Clock>,
    state: Mutex<Watch>,
}

struct Watch {
    floor: DateTime<Utc>,
    /// An earlier run's guess, this boot, to go on from.
    carry_on: Option<ClockMark>,
    /// While the clock is not set: the time the guess gives at mono 0.
    guess_from: Option<DateTime<Utc>>,
    /// Whether the clock was set when last asked; `None` before that.
    set: Option<bool>,
    /// Since when (monotonic) the clock has not been set.
    unset_since: Option<Mono>,
    marks: Vec<ClockMark>,
}

impl KioskClock {
    /// `latest` is the latest time the journal has recorded: no clock
    /// reading earlier can be right. `last_mark` is the journal's last clock
    /// mark: if it says the clock was not set this same boot, the guess of
    /// that earlier run goes on from where it was.
    pub fn new(
        inner: Box<dyn Clock>,
        latest: Option<DateTime<Utc>>,
        last_mark: Option<ClockMark>,
    ) -> KioskClock {
        let floor = inner
            .earliest_believable()
            .max(latest.unwrap_or(DateTime::<Utc>::MIN_UTC));
        let boot = inner.since_boot().boot;
        let carry_on = last_mark.filter(|m| !m.set && m.boot == boot);
        let clock = KioskClock {
            inner,
            state: Mutex::new(Watch {
                floor,
                carry_on,
                guess_from: None,
                set: None,
                unset_since: None,
                marks: Vec::new(),
            }),
        };
        clock.watch();
        clock
    }

    /// Asks the system whether its wall clock is set (files under /run and
    /// /sys), and writes a mark when that changed: from the kiosk's tick,
    /// about once a second, never on the way from a press to speech.
    pub fn watch(&self) {
        let raw = self.inner.now();
        let mut watch = self.state.lock().expect("clock lock");
        let set = wall_is_set(raw.wall, watch.floor, self.inner.time_service());
        if watch.set == Some(set) {
            return;
        }
        watch.set = Some(set);
        if set {
            watch.guess_from = None;
            watch.unset_since = None;
            let mark = self.mark(raw.wall, true);
            watch.marks.push(mark);
            return;
        }
        let since = self.inner.since_boot();
        let continued = watch
            .carry_on
            .as_ref()
            .map(|m| m.wall + Duration::milliseconds(since.ms.saturating_sub(m.boot_ms) as i64));
        let start = raw
            .wall
            .max(watch.floor)
            .max(continued.unwrap_or(watch.floor));
        watch.guess_from = Some(start - Duration::milliseconds(raw.mono.millis() as i64));
        watch.unset_since = Some(raw.mono);
        let mark = self.mark(start, false);
        watch.marks.push(mark);
    }

    /// The marks not yet handed over for the journal, oldest first.
    pub fn take_marks(&self) -> Vec<ClockMark> {
        std::mem::take(&mut self.state.lock().expect("clock lock").marks)
    }

    pub fn has_marks(&self) -> bool {
        !self.state.lock().expect("clock lock").marks.is_empty()
    }

    /// Marks handed over that could not be written: kept for the next try.
    pub fn put_back_marks(&self, mut marks: Vec<ClockMark>) {
        let mut watch = self.state.lock().expect("clock lock");
        marks.append(&mut watch.marks);
        watch.marks = marks;
    }

    /// How long the wall clock has gone unset, if it has not been set.
    pub fn unset_for_ms(&self) -> Option<u64> {
        let now = self.inner.now().mono;
        let watch = self.state.lock().expect("clock lock");
        watch.unset_since.map(|since| now.since(since))
    }

    pub fn since_boot(&self) -> SinceBoot {
        self.inner.since_boot()
    }
}

impl Clock for KioskClock {
    /// The system's time, or the guess while its clock is not set. Asks the
    /// system nothing: [`KioskClock::watch`] does, once a second.
    fn now(&self) -> Now {
        let raw = self.inner.now();
        let watch = self.state.lock().expect("clock lock");
        match watch.guess_from {
            Some(from) => Now::new(
                from + Duration::milliseconds(raw.mono.millis() as i64),
                raw.mono,
            ),
            None => raw,
        }
    }

    fn since_boot(&self) -> SinceBoot {
        self.inner.since_boot()
    }

    fn time_service(&self) -> TimeService {
        self.inner.time_service()
    }

    fn earliest_believable(&self) -> DateTime<Utc> {
        self.inner.earliest_believable()
    }
}

impl KioskClock {
    fn mark(&self, wall: DateTime<Utc>, set: bool) -> ClockMark {
        let since = self.inner.since_boot();
        ClockMark {
            boot: since.boot,
            boot_ms: since.ms,
            wall,
            set,
        }
    }
}
