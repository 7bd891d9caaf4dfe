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

/// The wall clock can be believed from this time on, or not: a Raspberry Pi
/// has no real-time clock, so until a time service answers it may read
/// 1970, or the time it was last switched off. The kiosk writes a mark each
/// time that changes, with the monotonic time since the machine booted, so
/// what was recorded meanwhile can be put right once the clock is set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClockMark {
    /// The machine's boot: monotonic times compare only within one.
    pub boot: String,
    /// Milliseconds since that boot.
    pub boot_ms: u64,
    /// The wall time the kiosk used at that moment.
    pub wall: DateTime<Utc>,
    /// True once the wall clock is set; false while it is not.
    pub set: bool,
}

/// A machine's boot, and milliseconds since it on the monotonic clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinceBoot {
    pub boot: String,
    pub ms: u64,
}

/// How long sync holds back mats recorded before the clock was set, while
/// the clock may still be set this boot: a time service that has not
/// answered in an hour is not waited for (the mats go with the kiosk's best
/// guess, marked as such in the journal).
pub const WAIT_FOR_CLOCK_MS: u64 = 60 * 60 * 1000;

/// True while times recorded before the clock was set may yet be put right
/// by this boot: the last mark says "not set", it is this boot's, and less
/// than [`WAIT_FOR_CLOCK_MS`] ago.
pub fn may_yet_be_set(marks: &[ClockMark], now: &SinceBoot) -> bool {
    marks.last().is_some_and(|last| {
        !last.set
            && last.boot == now.boot
            && now.ms.saturating_sub(last.boot_ms) < WAIT_FOR_CLOCK_MS
    })
}

/// What the system says about its wall clock, read by the shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeService {
    /// A time service (systemd-timesyncd) runs here.
    pub running: bool,
    /// It, or the kernel, says the clock is synchronised.
    pub synchronised: bool,
    /// A battery-backed hardware clock set the time at boot.
    pub hardware_clock: bool,
}

/// Whether the wall clock can be believed. Never when it reads earlier than
/// `floor` (the build's date, or the latest time the journal has: time does
/// not go backwards). Otherwise, where a time service runs and there is no
/// hardware clock, only once the service says it has the time: before that
/// the clock holds whatever time it was switched off at.
pub fn wall_is_set(wall: DateTime<Utc>, floor: DateTime<Utc>, service: TimeService) -> bool {
    if wall < floor {
        return false;
    }
    !service.running || service.synchronised || service.hardware_clock
}

/// A recorded time, put right where it was recorded before the clock was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Recorded with the clock set, or put right since.
    Known(DateTime<Utc>),
    /// Recorded before the clock was set, and not put right (yet): the time
    /// kept is the kiosk's best guess, never earlier than what came before.
    Unsure(DateTime<Utc>),
}

impl Recorded {
    pub fn time(self) -> DateTime<Utc> {
        match self {
            Recorded::Known(t) | Recorded::Unsure(t) => t,
        }
    }
}

/// Puts a recorded time right. `marks` are in the order they were written.
/// A time belongs to the stretch after the last mark written at or before
/// it (the kiosk's guessed times never go backwards, so stretches do not
/// overlap); a stretch with the clock not set is put right by the first
/// later mark of the same boot that has it set: the monotonic time between
/// the two is exact, whatever the wall clock did.
pub fn correct(at: DateTime<Utc>, marks: &[ClockMark]) -> Recorded {
    let Some(index) = stretch_of(at, marks) else {
        return Recorded::Known(at);
    };
    let unset = &marks[index];
    if unset.set {
        return Recorded::Known(at);
    }
    let Some(set) = marks[index + 1..]
        .iter()
        .find(|m| m.set && m.boot == unset.boot && m.boot_ms >= unset.boot_ms)
    else {
        return Recorded::Unsure(at);
    };
    let since_mark = at - unset.wall;
    let between = chrono::Duration::milliseconds(
        i64::try_from(set.boot_ms - unset.boot_ms).unwrap_or(i64::MAX / 2),
    );
    Recorded::Known(set.wall - between + since_mark)
}

/// The mark whose stretch holds `at`: the last one at or before it. Marks
/// never go back in wall time (a clock reading earlier than what the journal
/// has counts as not set), so stretches follow one another.
fn stretch_of(at: DateTime<Utc>, marks: &[ClockMark]) -> Option<usize> {
    marks.iter().rposition(|m| m.wall <= at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    fn mark(boot: &str, boot_ms: u64, wall: DateTime<Utc>, set: bool) -> ClockMark {
        ClockMark {
            boot: boot.to_string(),
            boot_ms,
            wall,
            set,
        }
    }

    const SERVICE_WAITING: TimeService = TimeService {
        running: true,
        synchronised: false,
        hardware_clock: false,
    };

    #[test]
    fn a_clock_before_the_floor_or_before_the_time_service_answers_is_not_set() {
        let floor = at(2026, 11, 1, 0, 0, 0);
        let synced = TimeService {
            synchronised: true,
            ..SERVICE_WAITING
        };
        assert!(!wall_is_set(at(1970, 1, 1, 0, 0, 5), floor, synced));
        assert!(!wall_is_set(
            at(2026, 11, 23, 8, 0, 0),
            floor,
            SERVICE_WAITING
        ));
        assert!(wall_is_set(at(2026, 11, 23, 8, 0, 0), floor, synced));
        let hardware = TimeService {
            hardware_clock: true,
            ..SERVICE_WAITING
        };
        assert!(wall_is_set(at(2026, 11, 23, 8, 0, 0), floor, hardware));
        let no_service = TimeService {
            running: false,
            ..SERVICE_WAITING
        };
        assert!(wall_is_set(at(2026, 11, 23, 8, 0, 0), floor, no_service));
    }

    #[test]
    fn times_before_the_clock_was_set_move_by_the_monotonic_time_to_the_set_mark() {
        // Booted believing it was 1 Nov at 09:00; 90 s after boot NTP said
        // 23 Nov 08:00:10; a placement 30 s after boot happened at 08:58:50.
        let marks = [
            mark("a", 10_000, at(2026, 11, 1, 9, 0, 0), false),
            mark("a", 90_000, at(2026, 11, 23, 8, 0, 10), true),
        ];
        assert_eq!(
            correct(at(2026, 11, 1, 9, 0, 20), &marks),
            Recorded::Known(at(2026, 11, 23, 7, 59, 10))
        );
        // After the set mark, times stand.
        let later = at(2026, 11, 23, 9, 0, 0);
        assert_eq!(correct(later, &marks), Recorded::Known(later));
        // Before any mark (older journals), times stand.
        let old = at(2025, 1, 1, 0, 0, 0);
        assert_eq!(correct(old, &marks), Recorded::Known(old));
    }

    #[test]
    fn a_stretch_never_set_stays_unsure_and_another_boot_cannot_set_it() {
        let marks = [
            mark("a", 10_000, at(2026, 11, 1, 9, 0, 0), false),
            mark("b", 8_000, at(2026, 11, 1, 10, 0, 0), true),
        ];
        let guessed = at(2026, 11, 1, 9, 5, 0);
        assert_eq!(correct(guessed, &marks), Recorded::Unsure(guessed));
    }

    #[test]
    fn sync_waits_for_the_clock_only_in_the_boot_that_may_still_set_it_and_not_for_ever() {
        let unset = [mark("a", 10_000, at(2026, 11, 1, 9, 0, 0), false)];
        let this_boot = |ms| SinceBoot {
            boot: "a".to_string(),
            ms,
        };
        assert!(may_yet_be_set(&unset, &this_boot(20_000)));
        assert!(!may_yet_be_set(
            &unset,
            &this_boot(10_000 + WAIT_FOR_CLOCK_MS)
        ));
        let other_boot = SinceBoot {
            boot: "b".to_string(),
            ms: 20_000,
        };
        assert!(!may_yet_be_set(&unset, &other_boot));
        let set = [mark("a", 10_000, at(2026, 11, 23, 9, 0, 0), true)];
        assert!(!may_yet_be_set(&set, &this_boot(20_000)));
    }

    #[test]
    fn a_kiosk_restarted_before_the_clock_was_set_is_put_right_by_a_later_run_of_the_same_boot() {
        let marks = [
            mark("a", 10_000, at(2026, 11, 1, 9, 0, 0), false),
            // Restarted 60 s after boot, still not set: its guess goes on.
            mark("a", 60_000, at(2026, 11, 1, 9, 1, 0), false),
            mark("a", 120_000, at(2026, 11, 23, 8, 0, 0), true),
        ];
        assert_eq!(
            correct(at(2026, 11, 1, 9, 0, 30), &marks),
            Recorded::Known(at(2026, 11, 23, 7, 58, 40))
        );
        assert_eq!(
            correct(at(2026, 11, 1, 9, 1, 30), &marks),
            Recorded::Known(at(2026, 11, 23, 7, 59, 30))
        );
    }
}
