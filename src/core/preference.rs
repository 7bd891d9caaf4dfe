//! How a person's answers about one card become their current view.
//!
//! The rule (documented for staff in `docs/architecture.md`): the most recent
//! answer is the current view. Earlier answers are never averaged in; they give
//! the evidence around it: how many times the card was asked about, how many of
//! those gave the current view, since when the person has said it without a
//! break, and what they said before if their view changed.

use chrono::{DateTime, Utc};

/// One answer about one card, from one finished mat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub at: DateTime<Utc>,
    /// The scale point's label, e.g. "like".
    pub view: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreferenceSummary {
    pub current_view: String,
    pub times_asked: u32,
    /// How many answers gave the current view.
    pub times_said: u32,
    /// The first answer of the latest unbroken run of the current view.
    pub since: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
    /// What the person said just before the current run, if anything else.
    pub changed_from: Option<String>,
}

/// The current view from all answers about one card, or `None` if there are none.
pub fn current_view(answers: &[Answer]) -> Option<PreferenceSummary> {
    let mut ordered: Vec<&Answer> = answers.iter().collect();
    ordered.sort_by_key(|a| a.at);
    let latest = *ordered.last()?;

    let run_start = ordered
        .iter()
        .rposition(|a| a.view != latest.view)
        .map_or(0, |i| i + 1);
    Some(PreferenceSummary {
        current_view: latest.view.clone(),
        times_asked: ordered.len() as u32,
        times_said: ordered.iter().filter(|a| a.view == latest.view).count() as u32,
        since: ordered[run_start].at,
        last_at: latest.at,
        changed_from: run_start.checked_sub(1).map(|i| ordered[i].view.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn answer(day: u32, view: &str) -> Answer {
        Answer {
            at: Utc.with_ymd_and_hms(2026, 10, day, 9, 0, 0).unwrap(),
            view: view.into(),
        }
    }

    #[test]
    fn no_answers_no_view() {
        assert_eq!(current_view(&[]), None);
    }

    #[test]
    fn the_latest_answer_is_the_view_and_a_change_is_flagged() {
        let summary = current_view(&[
            answer(1, "like"),
            answer(2, "like"),
            answer(3, "don't like"),
            answer(4, "don't like"),
        ])
        .unwrap();
        assert_eq!(summary.current_view, "don't like");
        assert_eq!(summary.times_asked, 4);
        assert_eq!(summary.times_said, 2);
        assert_eq!(summary.since, answer(3, "").at);
        assert_eq!(summary.last_at, answer(4, "").at);
        assert_eq!(summary.changed_from.as_deref(), Some("like"));
    }

    #[test]
    fn a_steady_view_has_no_change_and_counts_every_time() {
        let summary = current_view(&[answer(2, "like"), answer(1, "like")]).unwrap();
        assert_eq!(summary.times_said, 2);
        assert_eq!(summary.since, answer(1, "").at);
        assert_eq!(summary.changed_from, None);
    }

    #[test]
    fn not_sure_is_its_own_view_not_a_midpoint() {
        let summary = current_view(&[answer(1, "like"), answer(2, "not sure")]).unwrap();
        assert_eq!(summary.current_view, "not sure");
        assert_eq!(summary.changed_from.as_deref(), Some("like"));
    }
}
