//! How a person's answers about one card become their current view.
//!
//! The rule (documented for staff in `docs/support-plan.md`):
//! - the most recent view is the current view. Earlier ones are never averaged
//!   in: a person who liked swimming for a year and now doesn't, doesn't;
//! - a change is flagged: what they said before, and until when;
//! - each view is its own answer: "not sure" is not halfway between "like"
//!   and "don't like";
//! - a skipped card is not a view. Skips are counted, and never replace or
//!   interrupt a view; a card only ever skipped has the view "skipped".
//!   (A declined check-in is about a whole topic, not a card, and is kept
//!   with the session, not here.)

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

/// The view given when a card has only ever been skipped.
pub const SKIPPED: &str = "skipped";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Said {
    /// Placed under a scale point: the point's label, e.g. "like".
    View(String),
    Skipped,
}

/// One answer about one card, from one finished mat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub at: DateTime<Utc>,
    /// The mat it came from. Of two answers given at the same moment (on two
    /// devices), the one from the greater session id counts as the later, so
    /// the view never depends on the order answers were synced in.
    pub session: String,
    pub said: Said,
}

impl Answer {
    pub fn view(at: DateTime<Utc>, view: &str) -> Answer {
        Answer {
            at,
            session: String::new(),
            said: Said::View(view.to_string()),
        }
    }

    pub fn skipped(at: DateTime<Utc>) -> Answer {
        Answer {
            at,
            session: String::new(),
            said: Said::Skipped,
        }
    }

    pub fn from_session(self, session: &str) -> Answer {
        Answer {
            session: session.to_string(),
            ..self
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PreferenceSummary {
    pub current_view: String,
    /// Every answer, skips included.
    pub times_asked: u32,
    /// How many answers gave the current view.
    pub times_said: u32,
    pub times_skipped: u32,
    /// The first answer of the latest unbroken run of the current view.
    pub since: DateTime<Utc>,
    /// The latest answer that gave the current view.
    pub last_at: DateTime<Utc>,
    /// What the person said before the current run, if they said anything else.
    pub changed_from: Option<String>,
    /// The last time they gave that earlier view.
    pub changed_until: Option<DateTime<Utc>>,
}

/// The current view from all answers about one card, or `None` if there are none.
pub fn current_view(answers: &[Answer]) -> Option<PreferenceSummary> {
    let mut ordered: Vec<&Answer> = answers.iter().collect();
    ordered.sort_by(|a, b| (a.at, &a.session).cmp(&(b.at, &b.session)));
    let times_asked = ordered.len() as u32;
    let skips: Vec<DateTime<Utc>> = ordered
        .iter()
        .filter(|a| a.said == Said::Skipped)
        .map(|a| a.at)
        .collect();
    let views: Vec<(DateTime<Utc>, &str)> = ordered
        .iter()
        .filter_map(|a| match &a.said {
            Said::View(view) => Some((a.at, view.as_str())),
            Said::Skipped => None,
        })
        .collect();

    let Some(&(last_at, current)) = views.last() else {
        return Some(PreferenceSummary {
            current_view: SKIPPED.to_string(),
            times_asked,
            times_said: times_asked,
            times_skipped: times_asked,
            since: *skips.first()?,
            last_at: *skips.last()?,
            changed_from: None,
            changed_until: None,
        });
    };
    let run_start = views
        .iter()
        .rposition(|(_, view)| *view != current)
        .map_or(0, |i| i + 1);
    let before = run_start.checked_sub(1).map(|i| views[i]);
    Some(PreferenceSummary {
        current_view: current.to_string(),
        times_asked,
        times_said: views.iter().filter(|(_, view)| *view == current).count() as u32,
        times_skipped: skips.len() as u32,
        since: views[run_start].0,
        last_at,
        changed_from: before.map(|(_, view)| view.to_string()),
        changed_until: before.map(|(at, _)| at),
    })
}

/// What a card's view is kept up to date from, beside its summary: a new
/// answer later than every one before is added in without reading them
/// again, so a sync costs the same after a month or fifty years.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// How often each view was given (skips are not views).
    pub views: BTreeMap<String, u32>,
    /// The latest answer taken in, of any kind, by the order answers are
    /// taken in: (time, session).
    pub latest: Option<(DateTime<Utc>, String)>,
}

impl Tally {
    /// The tally of `answers`, in any order.
    pub fn of(answers: &[Answer]) -> Tally {
        let mut tally = Tally::default();
        for answer in answers {
            if let Said::View(view) = &answer.said {
                *tally.views.entry(view.clone()).or_default() += 1;
            }
            let key = (answer.at, answer.session.clone());
            if tally.latest.as_ref().is_none_or(|latest| key > *latest) {
                tally.latest = Some(key);
            }
        }
        tally
    }
}

/// Adds `answer` to a card's view (`None`: no answer yet) and its tally,
/// when it is later than every answer taken in; the same as
/// [`current_view`] of them all. `None` when it is not later: then only
/// working the view out again from every answer is right.
pub fn add_later(
    before: Option<&PreferenceSummary>,
    tally: &mut Tally,
    answer: &Answer,
) -> Option<PreferenceSummary> {
    let key = (answer.at, answer.session.clone());
    if tally.latest.as_ref().is_some_and(|latest| key <= *latest) {
        return None;
    }
    let had_views = !tally.views.is_empty();
    let times_asked = before.map_or(0, |b| b.times_asked) + 1;
    let times_skipped = before.map_or(0, |b| b.times_skipped);
    let summary = match (&answer.said, before) {
        (Said::Skipped, None) => PreferenceSummary {
            current_view: SKIPPED.to_string(),
            times_asked,
            times_said: 1,
            times_skipped: 1,
            since: answer.at,
            last_at: answer.at,
            changed_from: None,
            changed_until: None,
        },
        (Said::Skipped, Some(before)) if !had_views => PreferenceSummary {
            times_asked,
            times_said: times_asked,
            times_skipped: times_skipped + 1,
            last_at: answer.at,
            ..before.clone()
        },
        (Said::Skipped, Some(before)) => PreferenceSummary {
            times_asked,
            times_skipped: times_skipped + 1,
            ..before.clone()
        },
        (Said::View(view), before) => {
            let said = tally.views.get(view).copied().unwrap_or(0) + 1;
            match before {
                Some(before) if had_views && before.current_view == *view => PreferenceSummary {
                    times_asked,
                    times_said: said,
                    last_at: answer.at,
                    ..before.clone()
                },
                // A new run: after another view it is a change; after
                // nothing or only skips, the first view.
                _ => {
                    let changed = before.filter(|_| had_views);
                    PreferenceSummary {
                        current_view: view.clone(),
                        times_asked,
                        times_said: said,
                        times_skipped,
                        since: answer.at,
                        last_at: answer.at,
                        changed_from: changed.map(|b| b.current_view.clone()),
                        changed_until: changed.map(|b| b.last_at),
                    }
                }
            }
        }
    };
    if let Said::View(view) = &answer.said {
        *tally.views.entry(view.clone()).or_default() += 1;
    }
    tally.latest = Some(key);
    Some(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 10, day, 9, 0, 0).unwrap()
    }

    #[test]
    fn no_answers_no_view() {
        assert_eq!(current_view(&[]), None);
    }

    #[test]
    fn the_latest_view_is_current_and_a_change_is_flagged_with_its_date() {
        let summary = current_view(&[
            Answer::view(day(1), "like"),
            Answer::view(day(2), "like"),
            Answer::view(day(3), "don't like"),
            Answer::view(day(4), "don't like"),
        ])
        .unwrap();
        assert_eq!(summary.current_view, "don't like");
        assert_eq!((summary.times_asked, summary.times_said), (4, 2));
        assert_eq!((summary.since, summary.last_at), (day(3), day(4)));
        assert_eq!(summary.changed_from.as_deref(), Some("like"));
        assert_eq!(summary.changed_until, Some(day(2)));
    }

    #[test]
    fn a_year_of_liking_does_not_outvote_today() {
        let mut answers: Vec<Answer> = (1..=30).map(|d| Answer::view(day(d), "like")).collect();
        answers.push(Answer::view(day(31), "don't like"));
        let summary = current_view(&answers).unwrap();
        assert_eq!(summary.current_view, "don't like");
        assert_eq!(summary.times_said, 1);
    }

    #[test]
    fn a_steady_view_has_no_change_and_order_of_input_does_not_matter() {
        let summary =
            current_view(&[Answer::view(day(2), "like"), Answer::view(day(1), "like")]).unwrap();
        assert_eq!(summary.times_said, 2);
        assert_eq!(summary.since, day(1));
        assert_eq!(summary.changed_from, None);
    }

    #[test]
    fn not_sure_is_its_own_view_not_a_midpoint() {
        let summary = current_view(&[
            Answer::view(day(1), "like"),
            Answer::view(day(2), "not sure"),
        ])
        .unwrap();
        assert_eq!(summary.current_view, "not sure");
        assert_eq!(summary.changed_from.as_deref(), Some("like"));
    }

    #[test]
    fn skips_are_counted_but_never_replace_or_break_a_view() {
        let summary = current_view(&[
            Answer::view(day(1), "like"),
            Answer::skipped(day(2)),
            Answer::view(day(3), "like"),
            Answer::skipped(day(4)),
        ])
        .unwrap();
        assert_eq!(summary.current_view, "like");
        assert_eq!(
            (
                summary.times_asked,
                summary.times_said,
                summary.times_skipped
            ),
            (4, 2, 2)
        );
        assert_eq!((summary.since, summary.last_at), (day(1), day(3)));
        assert_eq!(summary.changed_from, None);
    }

    #[test]
    fn answers_at_the_same_moment_are_ordered_by_session_not_by_arrival() {
        let a = Answer::view(day(1), "like").from_session("s-1");
        let b = Answer::view(day(1), "not sure").from_session("s-2");
        let one_way = current_view(&[a.clone(), b.clone()]).unwrap();
        let other_way = current_view(&[b, a]).unwrap();
        assert_eq!(one_way, other_way);
        assert_eq!(one_way.current_view, "not sure");
    }

    #[test]
    fn a_card_only_ever_skipped_is_skipped() {
        let summary = current_view(&[Answer::skipped(day(5)), Answer::skipped(day(6))]).unwrap();
        assert_eq!(summary.current_view, SKIPPED);
        assert_eq!((summary.times_asked, summary.times_skipped), (2, 2));
        assert_eq!((summary.since, summary.last_at), (day(5), day(6)));
    }

    fn any_answer() -> impl proptest::strategy::Strategy<Value = Answer> {
        use proptest::prelude::*;
        (0i64..40, 0u8..3, 0usize..5).prop_map(|(minutes, session, said)| {
            let at = day(1) + chrono::Duration::minutes(minutes);
            let answer = match said {
                0 => Answer::skipped(at),
                1 => Answer::view(at, "like"),
                2 => Answer::view(at, "not sure"),
                3 => Answer::view(at, "don't like"),
                _ => Answer::view(at, "like"),
            };
            answer.from_session(&format!("s{session}"))
        })
    }

    proptest::proptest! {
        #[test]
        fn answers_added_one_by_one_give_the_view_worked_out_from_them_all(
            answers in proptest::collection::vec(any_answer(), 0..30),
        ) {
            let mut sorted = answers.clone();
            sorted.sort_by(|a, b| (a.at, &a.session).cmp(&(b.at, &b.session)));
            sorted.dedup_by(|a, b| (a.at, &a.session) == (b.at, &b.session));
            let mut tally = Tally::default();
            let mut summary = None;
            for (i, answer) in sorted.iter().enumerate() {
                summary = add_later(summary.as_ref(), &mut tally, answer);
                proptest::prop_assert!(summary.is_some());
                proptest::prop_assert_eq!(&summary, &current_view(&sorted[..=i]));
                proptest::prop_assert_eq!(&tally, &Tally::of(&sorted[..=i]));
            }
            // An answer no later than the latest is never added in.
            if let Some(first) = sorted.first() {
                let mut again = tally.clone();
                proptest::prop_assert_eq!(add_later(summary.as_ref(), &mut again, first), None);
                proptest::prop_assert_eq!(again, tally);
            }
        }
    }
}
