//! What the journal keeps of a person's turn: a fact for each thing that
//! happened (a mat started, a card placed, skipped, marked or taken back, a
//! mat finished, paused, resumed or kept, a check-in's outcome). The mat
//! session makes them, the journal stores them, replay and sync read them.

use chrono::{DateTime, Utc};

use super::event::{InputMethod, Spot};
use super::ids::{CardId, PersonId, SessionId, TopicId};
use super::schedule::Outcome;

/// Who was with the person for this mat.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Company {
    /// A supporter's name from the home's list; `None`: on my own.
    pub supporter: Option<String>,
    /// The supporter helped place cards, so placements are marked as theirs.
    pub helped: bool,
}

/// A fact for the journal. Every one is written the moment it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Started {
        session_id: SessionId,
        person_id: PersonId,
        set_id: String,
        topic_id: TopicId,
        topic_title: String,
        company: Company,
        at: DateTime<Utc>,
    },
    /// A card put on the mat, or moved (a later placement of the same card).
    Placed {
        session_id: SessionId,
        /// Position of this action in the session; unique within it.
        seq: u32,
        card_id: CardId,
        card_label: String,
        spot: Spot,
        point_label: String,
        at: DateTime<Utc>,
        via: InputMethod,
        /// From the card being offered (or picked up) to it being placed.
        response_ms: i64,
        /// Placed by a supporter helping, not by the person alone.
        helped: bool,
    },
    Skipped {
        session_id: SessionId,
        seq: u32,
        card_id: CardId,
        card_label: String,
        at: DateTime<Utc>,
        via: InputMethod,
        response_ms: i64,
    },
    /// The person marked a card "tell me more", for staff to follow up.
    Marked {
        session_id: SessionId,
        seq: u32,
        card_id: CardId,
        card_label: String,
        at: DateTime<Utc>,
        via: InputMethod,
    },
    Undone {
        session_id: SessionId,
        seq: u32,
        /// The `seq` of the placement, skip or mark taken back.
        undoes: u32,
        at: DateTime<Utc>,
        via: InputMethod,
    },
    Finished {
        session_id: SessionId,
        at: DateTime<Utc>,
        via: InputMethod,
    },
    /// The mat was left untouched and saved as partial.
    Paused {
        session_id: SessionId,
        at: DateTime<Utc>,
    },
    /// A partial mat was taken up again.
    Resumed {
        session_id: SessionId,
        at: DateTime<Utc>,
    },
    /// A press that came too soon after the card (or the review) appeared
    /// to answer it: kept, never counted.
    Ignored {
        session_id: SessionId,
        at: DateTime<Utc>,
        via: InputMethod,
        would_have: WouldHave,
    },
    /// The picture of a finished mat was kept.
    MatKept {
        session_id: SessionId,
        /// A PNG, relative to the data directory.
        picture: String,
        at: DateTime<Utc>,
    },
    /// What became of a daily check-in; written once per window.
    CheckIn {
        person_id: PersonId,
        /// The window: topic and local date, "breakfast@2026-11-02".
        key: String,
        topic_id: TopicId,
        opens: DateTime<Utc>,
        closes: DateTime<Utc>,
        outcome: Outcome,
        /// The mat that answered it.
        session_id: Option<SessionId>,
        at: DateTime<Utc>,
    },
}

/// What an ignored press would have done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WouldHave {
    /// Placed or skipped the card on offer.
    Answered,
    /// Finished the mat from the review.
    Finished,
}

impl WouldHave {
    pub fn as_str(self) -> &'static str {
        match self {
            WouldHave::Answered => "answered",
            WouldHave::Finished => "finished",
        }
    }
}

/// How a mat in the plan ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MatOutcome {
    /// Finished and reviewed: its answers are evidence.
    Finished,
    /// The person said "not now" to it.
    Declined,
    /// Left part-way: kept, not evidence.
    Partial,
}

impl MatOutcome {
    /// As the plan writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            MatOutcome::Finished => "finished",
            MatOutcome::Declined => "declined",
            MatOutcome::Partial => "partial",
        }
    }

    /// As the plan wrote it; a word this version does not know is read as
    /// finished, as every page has always shown it.
    pub fn from_plan(text: &str) -> MatOutcome {
        match text {
            "declined" => MatOutcome::Declined,
            "partial" => MatOutcome::Partial,
            _ => MatOutcome::Finished,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mat_outcome_reads_back_as_written_and_an_unknown_word_as_finished() {
        for outcome in [
            MatOutcome::Finished,
            MatOutcome::Declined,
            MatOutcome::Partial,
        ] {
            assert_eq!(MatOutcome::from_plan(outcome.as_str()), outcome);
        }
        assert_eq!(MatOutcome::from_plan("abandoned"), MatOutcome::Finished);
    }
}
