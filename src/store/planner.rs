//! What sync will write, worked out without touching a database: the
//! operations that bring finished mats into the plan (each idempotent), and
//! which home a device and a plan belong to. `store::sync` reads the
//! journal and the plan and hands what it read here; `Plan::execute` carries
//! the operations out.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::journal::FinishedSession;
use crate::core::{replay, CardId, Company, MatOutcome, PersonId, Said, SessionId, Spot, TopicId};

/// One write that sync plans and [`Plan::execute`] carries out. Each is
/// idempotent: carrying out the same operations twice changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// The kept picture of a mat already in the plan.
    SetMatPicture {
        session_id: SessionId,
        picture: String,
    },
    /// Written only if the batch it ends added a session.
    Audit {
        at: DateTime<Utc>,
        actor: String,
        action: String,
        detail: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// A teaching or practice mat: its evidence never counts.
    pub practice: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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

/// The ids of finished sessions the plan does not have yet, in the order given
/// (oldest first).
pub fn sessions_to_apply<'a>(
    finished: &[&'a SessionId],
    in_plan: &HashSet<SessionId>,
) -> Vec<&'a SessionId> {
    finished
        .iter()
        .copied()
        .filter(|id| !in_plan.contains(*id))
        .collect()
}

/// The writes that bring these sessions into the plan, in order: people,
/// then for each session its row and the evidence of where each card ended;
/// then one refresh per card touched; then the audit line.
pub fn plan_batch(
    sessions: &[FinishedSession],
    device_id: &str,
    now: DateTime<Utc>,
) -> Vec<PlanOp> {
    let mut ops = Vec::new();
    let mut people = HashSet::new();
    for session in sessions {
        if people.insert(session.person.id.as_str()) {
            ops.push(PlanOp::AddPerson {
                id: session.person.id.clone(),
                name: session.person.name.clone(),
            });
        }
    }

    let mut refreshes: Vec<PlanOp> = Vec::new();
    let mut cards = 0;
    for session in sessions {
        ops.push(PlanOp::AddSession(SessionRow {
            session_id: session.id.clone(),
            device_id: session.device_id.clone(),
            person_id: session.person.id.clone(),
            set_id: session.set_id.clone(),
            topic_id: session.topic_id.clone(),
            topic_title: session.topic_title.clone(),
            started_at: session.started_at,
            finished_at: session.finished_at,
            synced_at: now,
            outcome: MatOutcome::Finished,
            mat_picture: session.mat_picture.clone(),
            practice: session.practice,
            company: Company {
                supporter: session.company.supporter.clone(),
                // Helping may begin part-way through a mat.
                helped: session.company.helped || session.placements.iter().any(|p| p.helped),
            },
        }));
        let mat = replay(&session.actions());
        let marked = |card_id: &str| mat.marked.iter().any(|(c, _)| c == card_id);
        let mut evidence = Vec::new();
        for placement in &mat.placements {
            let Some(row) = session.placements.iter().find(|p| p.seq == placement.seq) else {
                continue;
            };
            evidence.push(EvidenceRow {
                session_id: session.id.clone(),
                card_id: row.card_id.clone(),
                person_id: session.person.id.clone(),
                topic_id: session.topic_id.clone(),
                card_label: row.card_label.clone(),
                spot: Some(row.spot),
                said: Said::View(row.point_label.clone()),
                helped: row.helped,
                tell_me_more: marked(&row.card_id),
                placed_seq: row.seq,
                placed_at: row.placed_at,
                response_ms: Some(row.response_ms),
            });
        }
        for (card_id, seq) in &mat.skipped {
            let Some(row) = session.skips.iter().find(|s| s.seq == *seq) else {
                continue;
            };
            evidence.push(EvidenceRow {
                session_id: session.id.clone(),
                card_id: card_id.clone(),
                person_id: session.person.id.clone(),
                topic_id: session.topic_id.clone(),
                card_label: row.card_label.clone(),
                spot: None,
                said: Said::Skipped,
                helped: false,
                tell_me_more: marked(card_id),
                response_ms: None,
                placed_seq: row.seq,
                placed_at: row.at,
            });
        }
        for row in evidence {
            cards += 1;
            let refresh = PlanOp::RefreshPreference {
                person_id: session.person.id.clone(),
                topic_id: session.topic_id.clone(),
                topic_title: session.topic_title.clone(),
                card_id: row.card_id.clone(),
                card_label: row.card_label.clone(),
            };
            ops.push(PlanOp::AddEvidence(row));
            // One refresh per card, carrying the newest title and label.
            refreshes.retain(|r| !same_card(r, &refresh));
            refreshes.push(refresh);
        }
    }
    ops.extend(refreshes);
    if !sessions.is_empty() {
        ops.push(PlanOp::Audit {
            at: now,
            actor: format!("device:{device_id}"),
            action: "sync".into(),
            detail: format!("{} finished mat(s), {cards} card(s)", sessions.len()),
        });
    }
    ops
}

fn same_card(a: &PlanOp, b: &PlanOp) -> bool {
    match (a, b) {
        (
            PlanOp::RefreshPreference {
                person_id: p1,
                topic_id: t1,
                card_id: c1,
                ..
            },
            PlanOp::RefreshPreference {
                person_id: p2,
                topic_id: t2,
                card_id: c2,
                ..
            },
        ) => (p1, t1, c1) == (p2, t2, c2),
        _ => false,
    }
}

/// Which home a device and a plan belong to, and which of them learns it now.
#[derive(Debug, Clone, PartialEq, Eq)]
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
