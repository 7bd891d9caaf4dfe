//! Where a person's current view of a card stands with staff: not yet looked
//! at, confirmed into the plan, or disputed. A confirmation counts for the
//! view it was made on: once the person says something else, the new view
//! is unconfirmed again, however often the old one was confirmed.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    Confirmed,
    Disputed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standing {
    Unconfirmed,
    Confirmed,
    Disputed,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Unconfirmed => "not confirmed yet",
            Standing::Confirmed => "confirmed",
            Standing::Disputed => "disputed",
        }
    }
}

/// The standing of a view held `since` then, given staff's verdicts on the
/// card (at any time, in any order): the latest verdict made since the view
/// began decides; earlier ones were about another view.
pub fn standing(since: DateTime<Utc>, verdicts: &[(DateTime<Utc>, Verdict)]) -> Standing {
    verdicts
        .iter()
        .filter(|(at, _)| *at >= since)
        .max_by_key(|(at, _)| *at)
        .map_or(Standing::Unconfirmed, |(_, verdict)| match verdict {
            Verdict::Confirmed => Standing::Confirmed,
            Verdict::Disputed => Standing::Disputed,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_view_nobody_has_looked_at_is_unconfirmed() {
        assert_eq!(standing(day(3), &[]), Standing::Unconfirmed);
    }

    #[test]
    fn the_latest_verdict_on_the_current_view_decides() {
        let verdicts = [(day(5), Verdict::Disputed), (day(4), Verdict::Confirmed)];
        assert_eq!(standing(day(3), &verdicts), Standing::Disputed);
        let verdicts = [(day(4), Verdict::Disputed), (day(5), Verdict::Confirmed)];
        assert_eq!(standing(day(3), &verdicts), Standing::Confirmed);
    }

    #[test]
    fn a_confirmation_of_an_earlier_view_does_not_confirm_a_changed_one() {
        let verdicts = [(day(2), Verdict::Confirmed)];
        assert_eq!(standing(day(3), &verdicts), Standing::Unconfirmed);
    }
}
