//! The words a device's sync and a plan share: the writes that bring
//! finished mats into the plan (each idempotent, worked out by
//! `sync::planner` and carried out by [`DevicePlan::execute`]), and the
//! rule for which home a device and a plan belong to, which every plan
//! applies the same way.
//!
//! [`DevicePlan::execute`]: super::ports::DevicePlan::execute

use chrono::{DateTime, Utc};

use crate::core::{CardId, Company, MatOutcome, PersonId, Said, SessionId, Spot, TopicId};

/// One write that sync plans and a plan carries out. Each is
/// idempotent: carrying out the same operations twice changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PlanOp {
    AddPerson {
        id: PersonId,
        name: String,
    },
    AddSession(SessionRow),
    AddEvidence(EvidenceRow),
    /// Re-derive one card's current view from all its evidence.
    RefreshPreference {
        person_id: PersonId,
        topic_id: TopicId,
        topic_title: String,
        card_id: CardId,
        card_label: String,
    },
    /// What became of a check-in.
    AddCheckIn(crate::store::journal::CheckInRow),
    /// The kept picture of a mat already in the plan, from the device
    /// that recorded it.
    SetMatPicture {
        device_id: String,
        session_id: SessionId,
        picture: String,
    },
    /// Where a device's wall clock could be believed, as it recorded it,
    /// and when the plan received it.
    AddClockMark {
        device_id: String,
        mark: crate::core::time::ClockMark,
        received_at: DateTime<Utc>,
    },
    /// Written only if the batch it ends added a session.
    Audit {
        at: DateTime<Utc>,
        actor: String,
        action: String,
        detail: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionRow {
    pub session_id: SessionId,
    pub device_id: String,
    pub person_id: PersonId,
    pub set_id: String,
    pub topic_id: TopicId,
    pub topic_title: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub synced_at: DateTime<Utc>,
    pub outcome: MatOutcome,
    pub mat_picture: Option<String>,
    pub company: Company,
    /// A practice mat: its evidence never counts.
    pub practice: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EvidenceRow {
    pub session_id: SessionId,
    pub card_id: CardId,
    pub person_id: PersonId,
    pub topic_id: TopicId,
    pub card_label: String,
    /// `None` for a skipped card.
    pub spot: Option<Spot>,
    pub said: Said,
    pub helped: bool,
    pub tell_me_more: bool,
    pub placed_seq: u32,
    pub placed_at: DateTime<Utc>,
    /// How long the person took to answer, from the card being shown.
    pub response_ms: Option<i64>,
}

/// Which home a device and a plan belong to, and which of them learns it now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HomeBinding {
    pub home: String,
    pub bind_journal: bool,
    pub bind_plan: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HomeMismatch;

/// A device joins the home of the first plan it syncs into; a new plan joins
/// the home of the first device that syncs into it. A device and a plan of
/// two different homes never mix.
pub fn decide_home(
    journal: Option<&str>,
    plan: Option<&str>,
    fresh: &str,
) -> Result<HomeBinding, HomeMismatch> {
    let binding = |home: &str, bind_journal, bind_plan| HomeBinding {
        home: home.to_string(),
        bind_journal,
        bind_plan,
    };
    match (journal, plan) {
        (Some(j), Some(p)) if j == p => Ok(binding(j, false, false)),
        (Some(_), Some(_)) => Err(HomeMismatch),
        (Some(j), None) => Ok(binding(j, false, true)),
        (None, Some(p)) => Ok(binding(p, true, false)),
        (None, None) => Ok(binding(fresh, true, true)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homes_are_learned_once_and_never_mixed() {
        let cases = [
            (None, None, Ok(("new", true, true))),
            (Some("h"), None, Ok(("h", false, true))),
            (None, Some("h"), Ok(("h", true, false))),
            (Some("h"), Some("h"), Ok(("h", false, false))),
            (Some("h"), Some("other"), Err(HomeMismatch)),
        ];
        for (journal, plan, expected) in cases {
            let expected = expected.map(|(home, bind_journal, bind_plan)| HomeBinding {
                home: home.to_string(),
                bind_journal,
                bind_plan,
            });
            assert_eq!(
                decide_home(journal, plan, "new"),
                expected,
                "journal {journal:?}, plan {plan:?}"
            );
        }
    }
}
