//! When the kiosk looks after itself: the journal's full check once a day
//! and the night's backup after the time staff chose, each only at a quiet
//! moment (nobody in the middle of a mat), never two backups at once, and
//! one backup a night whether it worked or not (a failed one is told to
//! staff and tried the next night).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::time::Mono;

/// How often the journal gets its full check: once a day.
pub const FULL_CHECK_EVERY_MS: u64 = 24 * 60 * 60 * 1000;

/// A chore that is due now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chore {
    FullCheck,
    Backup,
}

/// The moment the kiosk asks what is due.
#[derive(Debug, Clone, Copy)]
pub struct Moment {
    pub mono: Mono,
    /// Local time, which the night's backup is set by.
    pub local: NaiveDateTime,
    /// Nobody is in the middle of something.
    pub quiet: bool,
    /// There is a journal to check.
    pub journal_open: bool,
    /// A backup is still being made.
    pub backing_up: bool,
}

#[derive(Debug, Clone)]
pub struct Housekeeping {
    /// The time after which the night's backup is made; `None`: no backups.
    backup_after: Option<NaiveTime>,
    /// The day of the last backup made, or tried.
    backed_up_on: Option<NaiveDate>,
    fully_checked_at: Mono,
}

impl Housekeeping {
    /// Started at `now`: the first full check a day later (the start has
    /// its own quick check).
    pub fn new(backup_after: Option<NaiveTime>, now: Mono) -> Housekeeping {
        Housekeeping {
            backup_after,
            backed_up_on: None,
            fully_checked_at: now,
        }
    }

    /// The chores due at `moment`, each counted as begun.
    pub fn due(&mut self, moment: Moment) -> Vec<Chore> {
        let mut due = Vec::new();
        if !moment.quiet {
            return due;
        }
        if moment.journal_open && moment.mono.since(self.fully_checked_at) >= FULL_CHECK_EVERY_MS {
            self.fully_checked_at = moment.mono;
            due.push(Chore::FullCheck);
        }
        if let Some(after) = self.backup_after {
            if !moment.backing_up && backup_due(after, moment.local, self.backed_up_on) {
                self.backed_up_on = Some(moment.local.date());
                due.push(Chore::Backup);
            }
        }
        due
    }
}

/// Whether tonight's backup is due at local time `now`, after `after`, the
/// last one having been made (or tried) on `last`.
pub fn backup_due(after: NaiveTime, now: NaiveDateTime, last: Option<NaiveDate>) -> bool {
    now.time() >= after && last != Some(now.date())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: u64 = 60 * 60 * 1000;

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, day)
            .unwrap()
            .and_hms_opt(hour, 0, 0)
            .unwrap()
    }

    fn moment(hours: u64, local: NaiveDateTime, quiet: bool) -> Moment {
        Moment {
            mono: Mono(hours * HOUR),
            local,
            quiet,
            journal_open: true,
            backing_up: false,
        }
    }

    #[test]
    fn the_full_check_comes_once_a_day_at_the_first_quiet_moment() {
        let mut chores = Housekeeping::new(None, Mono(0));
        let steps = [
            (1, false, vec![]),
            (23, true, vec![]),
            (24, false, vec![]),
            (25, true, vec![Chore::FullCheck]),
            (26, true, vec![]),
            (48, true, vec![]),
            (49, true, vec![Chore::FullCheck]),
        ];
        for (hours, quiet, expected) in steps {
            assert_eq!(
                chores.due(moment(hours, at(2, 12), quiet)),
                expected,
                "after {hours} hours, quiet {quiet}"
            );
        }
    }

    #[test]
    fn with_no_journal_there_is_nothing_to_check() {
        let mut chores = Housekeeping::new(None, Mono(0));
        let mut m = moment(30, at(2, 12), true);
        m.journal_open = false;
        assert_eq!(chores.due(m), []);
    }

    #[test]
    fn the_backup_comes_once_a_night_after_its_time_at_a_quiet_moment() {
        let two = NaiveTime::from_hms_opt(2, 0, 0).unwrap();
        let mut chores = Housekeeping::new(Some(two), Mono(0));
        let steps = [
            (at(2, 1), true, false, vec![]),
            (at(2, 2), false, false, vec![]),
            (at(2, 3), true, true, vec![]),
            (at(2, 4), true, false, vec![Chore::Backup]),
            (at(2, 5), true, false, vec![]),
            (at(2, 23), true, false, vec![]),
            (at(3, 1), true, false, vec![]),
            (at(3, 2), true, false, vec![Chore::Backup]),
        ];
        for (local, quiet, backing_up, expected) in steps {
            let mut m = moment(1, local, quiet);
            m.backing_up = backing_up;
            assert_eq!(
                chores.due(m),
                expected,
                "at {local}, quiet {quiet}, backing up {backing_up}"
            );
        }
    }

    #[test]
    fn without_backups_set_up_none_is_ever_due() {
        let mut chores = Housekeeping::new(None, Mono(0));
        assert_eq!(chores.due(moment(1, at(2, 4), true)), []);
    }
}
