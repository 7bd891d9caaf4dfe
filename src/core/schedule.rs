//! Daily check-ins: a person's schedule of topics to be offered at set times
//! ("breakfast choices at 8:00", "how was today at 18:00"), and what became
//! of each one: answered, declined, or never offered because nobody was there.
//!
//! Times are local wall-clock times, turned into instants for each day with
//! the time zone's own rules, so a check-in at 08:00 stays at 08:00 across a
//! daylight-saving change. Pure: the time zone is a parameter.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc, Weekday,
};
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckIn {
    /// The topic's id in the person's picture set.
    pub topic: String,
    /// Local time the window opens, "08:00".
    #[serde(deserialize_with = "clock_time")]
    pub from: NaiveTime,
    /// Local time it closes, "09:30"; a window does not run past midnight.
    #[serde(deserialize_with = "clock_time")]
    pub until: NaiveTime,
    /// Days it happens on, "mon".."sun"; empty or left out: every day.
    #[serde(default, deserialize_with = "weekdays")]
    pub days: Vec<Weekday>,
}

/// One check-in on one date, as instants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// Which check-in of the schedule.
    pub index: usize,
    pub topic: String,
    /// The local date it belongs to.
    pub date: NaiveDate,
    pub opens: DateTime<Utc>,
    pub closes: DateTime<Utc>,
}

impl Window {
    /// A stable key for this check-in on this date, for the journal.
    pub fn key(&self) -> String {
        format!("{}@{}", self.topic, self.date)
    }

    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.opens <= at && at < self.closes
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Answered,
    Declined,
    NotOffered,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Declined => "declined",
            Outcome::NotOffered => "not-offered",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    pub check_ins: Vec<CheckIn>,
    /// Windows that happen once (a question for the whole house, open for
    /// two weeks), offered and settled like a check-in.
    pub once: Vec<OnceWindow>,
}

/// A topic offered once, from one instant to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnceWindow {
    pub topic: String,
    pub opens: DateTime<Utc>,
    pub closes: DateTime<Utc>,
}

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

impl CheckIn {
    fn happens_on_weekday(&self, day: Weekday) -> bool {
        self.days.is_empty() || self.days.contains(&day)
    }

    fn happens_on(&self, date: NaiveDate) -> bool {
        self.happens_on_weekday(date.weekday())
    }
}

/// A check-in that was set aside: which one (its place in the list given)
/// and why, for staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInSetAside {
    pub index: usize,
    pub reason: String,
}

impl Schedule {
    /// The problems that set check-ins aside, for staff: a topic that does
    /// not exist, a window that ends before it starts, two windows that
    /// overlap on a day. Returns the check-ins that remain, and the problems.
    pub fn checked(check_ins: Vec<CheckIn>, topics: &[&str]) -> (Schedule, Vec<CheckInSetAside>) {
        let mut problems = Vec::new();
        let mut kept: Vec<CheckIn> = Vec::new();
        for (index, check_in) in check_ins.into_iter().enumerate() {
            let mut set_aside = |reason: String| problems.push(CheckInSetAside { index, reason });
            let name = format!(
                "check-in \"{}\" {}-{}",
                check_in.topic,
                check_in.from.format("%H:%M"),
                check_in.until.format("%H:%M")
            );
            if !topics.contains(&check_in.topic.as_str()) {
                set_aside(format!(
                    "{name} is set aside: there is no topic \"{}\"",
                    check_in.topic
                ));
                continue;
            }
            if check_in.until <= check_in.from {
                set_aside(format!("{name} is set aside: it ends before it starts"));
                continue;
            }
            let overlapping = kept.iter().find(|other| {
                let share_a_day = WEEK
                    .iter()
                    .any(|day| other.happens_on_weekday(*day) && check_in.happens_on_weekday(*day));
                share_a_day && check_in.from < other.until && other.from < check_in.until
            });
            if let Some(other) = overlapping {
                set_aside(format!(
                    "{name} is set aside: it overlaps check-in \"{}\" {}-{}",
                    other.topic,
                    other.from.format("%H:%M"),
                    other.until.format("%H:%M")
                ));
                continue;
            }
            kept.push(check_in);
        }
        let schedule = Schedule {
            check_ins: kept,
            once: Vec::new(),
        };
        (schedule, problems)
    }

    /// Every check-in window on a local date, earliest first.
    pub fn windows_on<Tz: TimeZone>(&self, date: NaiveDate, zone: &Tz) -> Vec<Window> {
        let mut windows: Vec<Window> = self
            .check_ins
            .iter()
            .enumerate()
            .filter(|(_, c)| c.happens_on(date))
            .map(|(index, c)| Window {
                index,
                topic: c.topic.clone(),
                date,
                opens: instant(zone, date, c.from),
                closes: instant(zone, date, c.until),
            })
            .collect();
        windows.sort_by_key(|w| w.opens);
        windows
    }

    /// The window open at `now`, if any.
    pub fn due<Tz: TimeZone>(&self, now: DateTime<Utc>, zone: &Tz) -> Option<Window> {
        self.open_at(now, zone).into_iter().next()
    }

    /// Every window open at `now`: today's check-in first, then the ones
    /// that happen once, soonest to close first.
    pub fn open_at<Tz: TimeZone>(&self, now: DateTime<Utc>, zone: &Tz) -> Vec<Window> {
        let today = now.with_timezone(zone).date_naive();
        let mut open: Vec<Window> = self
            .windows_on(today, zone)
            .into_iter()
            .filter(|w| w.contains(now))
            .collect();
        let mut once: Vec<Window> = self
            .once_windows(zone)
            .filter(|w| w.contains(now))
            .collect();
        once.sort_by_key(|w| w.closes);
        open.extend(once);
        open
    }

    /// The windows that happen once, each dated by the local day it opens
    /// (its key is its topic and that day).
    fn once_windows<'a, Tz: TimeZone>(&'a self, zone: &'a Tz) -> impl Iterator<Item = Window> + 'a {
        self.once.iter().enumerate().map(move |(i, once)| Window {
            index: self.check_ins.len() + i,
            topic: once.topic.clone(),
            date: once.opens.with_timezone(zone).date_naive(),
            opens: once.opens,
            closes: once.closes,
        })
    }

    /// Windows that closed after `since` and at or before `now`, oldest
    /// first: the ones whose outcome is now known.
    pub fn closed_between<Tz: TimeZone>(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        zone: &Tz,
    ) -> Vec<Window> {
        let first = since.with_timezone(zone).date_naive() - Duration::days(1);
        let last = now.with_timezone(zone).date_naive();
        let mut windows = Vec::new();
        let mut date = first;
        while date <= last {
            windows.extend(
                self.windows_on(date, zone)
                    .into_iter()
                    .filter(|w| since < w.closes && w.closes <= now),
            );
            date = date.succ_opt().unwrap_or(last + Duration::days(1));
        }
        windows.extend(
            self.once_windows(zone)
                .filter(|w| since < w.closes && w.closes <= now),
        );
        windows.sort_by_key(|w| w.closes);
        windows
    }
}

/// What became of a window that closed with nobody answering it: declined
/// if it was offered (the person let it pass), else never offered. "Not now"
/// and a mat on its topic are recorded as they happen.
pub fn unanswered(offer: Offer) -> Outcome {
    match offer {
        Offer::Offered => Outcome::Declined,
        Offer::NotOffered => Outcome::NotOffered,
    }
}

/// Whether a check-in was put in front of the person while it was open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    Offered,
    NotOffered,
}

/// A local wall-clock time on a date, as an instant. In the hour skipped
/// when clocks go forward, the first moment after the gap; in the hour
/// repeated when they go back, the first time it happens.
fn instant<Tz: TimeZone>(zone: &Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let mut local = date.and_time(time);
    for _ in 0..4 {
        match zone.from_local_datetime(&local) {
            LocalResult::Single(at) => return at.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            LocalResult::None => local += Duration::minutes(30),
        }
    }
    Utc.from_utc_datetime(&date.and_time(time))
}

fn clock_time<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<NaiveTime, D::Error> {
    let text = String::deserialize(deserializer)?;
    NaiveTime::parse_from_str(&text, "%H:%M")
        .map_err(|_| serde::de::Error::custom(format!("\"{text}\" is not a time like \"08:30\"")))
}

fn weekdays<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<Weekday>, D::Error> {
    let names = Vec::<String>::deserialize(deserializer)?;
    names
        .iter()
        .map(|name| {
            name.parse::<Weekday>().map_err(|_| {
                serde::de::Error::custom(format!("\"{name}\" is not a day like \"mon\""))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::London;

    fn check_in(topic: &str, from: &str, until: &str, days: &[Weekday]) -> CheckIn {
        CheckIn {
            topic: topic.into(),
            from: NaiveTime::parse_from_str(from, "%H:%M").unwrap(),
            until: NaiveTime::parse_from_str(until, "%H:%M").unwrap(),
            days: days.to_vec(),
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn london(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        London
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn schedule() -> Schedule {
        Schedule {
            check_ins: vec![
                check_in("breakfast", "08:00", "09:30", &[]),
                check_in("today", "18:00", "19:00", &[]),
            ],
            once: Vec::new(),
        }
    }

    #[test]
    fn eight_oclock_stays_eight_oclock_across_the_clocks_going_back_and_forward() {
        let s = schedule();
        // 2026-10-25: British Summer Time ends at 02:00.
        let before = &s.windows_on(day(2026, 10, 24), &London)[0];
        let after = &s.windows_on(day(2026, 10, 25), &London)[0];
        assert_eq!(
            before.opens,
            Utc.with_ymd_and_hms(2026, 10, 24, 7, 0, 0).unwrap()
        );
        assert_eq!(
            after.opens,
            Utc.with_ymd_and_hms(2026, 10, 25, 8, 0, 0).unwrap()
        );
        assert_eq!(after.closes - after.opens, Duration::minutes(90));
        // 2026-03-29: it begins at 01:00.
        let spring = &s.windows_on(day(2026, 3, 29), &London)[0];
        assert_eq!(
            spring.opens,
            Utc.with_ymd_and_hms(2026, 3, 29, 7, 0, 0).unwrap()
        );
    }

    #[test]
    fn a_check_in_in_the_skipped_hour_opens_when_the_clocks_have_gone_forward() {
        let s = Schedule {
            check_ins: vec![check_in("night", "01:30", "03:00", &[])],
            once: Vec::new(),
        };
        let w = &s.windows_on(day(2026, 3, 29), &London)[0];
        // 01:30 does not exist that night; 02:00 BST is 01:00 UTC.
        assert_eq!(w.opens, Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap());
        assert_eq!(
            w.closes,
            Utc.with_ymd_and_hms(2026, 3, 29, 2, 0, 0).unwrap()
        );
    }

    #[test]
    fn due_only_while_the_window_is_open_and_on_its_days() {
        let s = Schedule {
            check_ins: vec![check_in(
                "college",
                "16:00",
                "17:00",
                &[Weekday::Mon, Weekday::Wed],
            )],
            once: Vec::new(),
        };
        // 2026-11-02 is a Monday.
        assert!(s.due(london(2026, 11, 2, 15, 59), &London).is_none());
        assert_eq!(
            s.due(london(2026, 11, 2, 16, 0), &London).unwrap().topic,
            "college"
        );
        assert!(
            s.due(london(2026, 11, 2, 17, 0), &London).is_none(),
            "closed at 17:00"
        );
        assert!(
            s.due(london(2026, 11, 3, 16, 30), &London).is_none(),
            "not on Tuesdays"
        );
        assert!(s.due(london(2026, 11, 4, 16, 30), &London).is_some());
    }

    #[test]
    fn a_missed_window_is_found_when_the_kiosk_looks_later_even_the_next_day() {
        let s = schedule();
        let since = london(2026, 11, 2, 7, 0);
        let now = london(2026, 11, 3, 8, 30);
        let closed: Vec<String> = s
            .closed_between(since, now, &London)
            .iter()
            .map(Window::key)
            .collect();
        assert_eq!(
            closed,
            ["breakfast@2026-11-02", "today@2026-11-02"],
            "today's breakfast is still open"
        );
        assert!(s.closed_between(now, now, &London).is_empty());
    }

    #[test]
    fn a_window_that_closed_unanswered_was_declined_if_offered() {
        assert_eq!(unanswered(Offer::Offered), Outcome::Declined);
        assert_eq!(unanswered(Offer::NotOffered), Outcome::NotOffered);
    }

    #[test]
    fn unknown_topics_backwards_windows_and_overlaps_are_set_aside_with_a_reason() {
        let (kept, problems) = Schedule::checked(
            vec![
                check_in("breakfast", "08:00", "09:30", &[]),
                check_in("breakfast-2", "09:00", "10:00", &[]),
                check_in("football", "10:00", "11:00", &[]),
                check_in("lunch", "13:00", "12:00", &[]),
                check_in("college", "09:00", "10:00", &[Weekday::Sat]),
            ],
            &["breakfast", "breakfast-2", "lunch", "college"],
        );
        assert_eq!(kept.check_ins.len(), 1);
        assert_eq!(problems.len(), 4, "{problems:?}");
        let reasons: Vec<&str> = problems.iter().map(|p| p.reason.as_str()).collect();
        assert!(reasons[0].contains("overlaps check-in \"breakfast\" 08:00-09:30"));
        assert!(reasons[1].contains("there is no topic \"football\""));
        assert!(reasons[2].contains("ends before it starts"));
        assert!(reasons[3].contains("\"college\" 09:00-10:00 is set aside: it overlaps"));
        let which: Vec<usize> = problems.iter().map(|p| p.index).collect();
        assert_eq!(which, [1, 2, 3, 4], "each problem names its check-in");
    }

    #[test]
    fn a_window_that_happens_once_is_open_across_days_and_closes_once() {
        let mut s = schedule();
        s.once.push(OnceWindow {
            topic: "house-garden".into(),
            opens: london(2026, 3, 2, 0, 0),
            closes: london(2026, 3, 16, 0, 0),
        });
        let open = s.open_at(london(2026, 3, 5, 8, 30), &London);
        let topics: Vec<&str> = open.iter().map(|w| w.topic.as_str()).collect();
        assert_eq!(
            topics,
            ["breakfast", "house-garden"],
            "today's check-in first"
        );
        assert_eq!(
            open[1].key(),
            "house-garden@2026-03-02",
            "one key for the whole window"
        );
        assert_eq!(
            s.due(london(2026, 3, 5, 12, 0), &London).unwrap().topic,
            "house-garden"
        );
        assert!(
            s.due(london(2026, 3, 16, 0, 0), &London).is_none(),
            "closed at its end"
        );
        let closed = s.closed_between(
            london(2026, 3, 15, 20, 0),
            london(2026, 3, 16, 9, 45),
            &London,
        );
        let closed: Vec<&str> = closed.iter().map(|w| w.topic.as_str()).collect();
        assert_eq!(
            closed,
            ["house-garden", "breakfast"],
            "in the order they closed"
        );
    }
}
