//! What sync will write, worked out without touching a database: from the
//! finished mats read out of the journal, the operations that bring them
//! into the plan, in order, each idempotent.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use crate::core::{replay, Company, MatOutcome, Said, SessionId};
use crate::store::journal::FinishedSession;
use crate::store::ops::{EvidenceRow, PlanOp, SessionRow};

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
        ops.push(PlanOp::AddSession(session_row(session, now)));
        let evidence = evidence_of(session);
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

/// A finished mat's row in the plan.
fn session_row(session: &FinishedSession, now: DateTime<Utc>) -> SessionRow {
    SessionRow {
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
    }
}

/// Where each card of a finished mat ended: placed (and not taken back)
/// or skipped, in the order the person acted.
fn evidence_of(session: &FinishedSession) -> Vec<EvidenceRow> {
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
    evidence
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

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::core::{PersonRef, Spot};
    use crate::store::journal::{CardActionRow, PlacementRow, UndoRow};
    use crate::store::ops::EvidenceRow;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap() + Duration::minutes(minute)
    }

    fn placement(seq: u32, card: &str, point: usize, view: &str) -> PlacementRow {
        PlacementRow {
            seq,
            card_id: card.into(),
            card_label: card.into(),
            spot: Spot::on(point),
            point_label: view.into(),
            placed_at: at(seq.into()),
            input_method: "key".into(),
            response_ms: 1000,
            helped: false,
        }
    }

    fn session(
        id: &str,
        person: &str,
        placements: Vec<PlacementRow>,
        undos: Vec<UndoRow>,
    ) -> FinishedSession {
        FinishedSession {
            id: id.into(),
            device_id: "d".into(),
            person: PersonRef {
                id: person.into(),
                name: person.to_uppercase(),
            },
            set_id: "demo".into(),
            topic_id: "food".into(),
            topic_title: "Food".into(),
            started_at: at(0),
            finished_at: at(30),
            company: Company::default(),
            mat_picture: None,
            practice: false,
            placements,
            skips: Vec::new(),
            marks: Vec::new(),
            undos,
        }
    }

    /// A batch's operations in short form, to compare against a table.
    fn shape(ops: &[PlanOp]) -> Vec<String> {
        ops.iter()
            .map(|op| match op {
                PlanOp::AddPerson { id, .. } => format!("person {id}"),
                PlanOp::AddSession(s) => format!("session {}", s.session_id),
                PlanOp::AddEvidence(e) => {
                    format!("evidence {} {} {:?}", e.session_id, e.card_id, e.said)
                }
                PlanOp::RefreshPreference {
                    person_id, card_id, ..
                } => format!("refresh {person_id} {card_id}"),
                PlanOp::SetMatPicture { session_id, .. } => format!("picture {session_id}"),
                PlanOp::AddCheckIn(c) => format!("check-in {}", c.key),
                PlanOp::AddClockMark { mark, .. } => {
                    format!("clock mark {} {}", mark.boot, mark.boot_ms)
                }
                PlanOp::Audit { detail, .. } => format!("audit {detail}"),
            })
            .collect()
    }

    #[test]
    fn only_sessions_missing_from_the_plan_are_applied_in_journal_order() {
        let ids: Vec<SessionId> = ["a", "b", "c"].map(SessionId::from).to_vec();
        let journal: Vec<&SessionId> = ids.iter().collect();
        let cases: [(&[&str], &[&str]); 4] = [
            (&[], &["a", "b", "c"]),
            (&["b"], &["a", "c"]),
            (&["a", "b", "c"], &[]),
            (&["x"], &["a", "b", "c"]),
        ];
        for (in_plan, expected) in cases {
            let in_plan: HashSet<SessionId> = in_plan.iter().map(|&s| SessionId::from(s)).collect();
            assert_eq!(
                sessions_to_apply(&journal, &in_plan),
                expected,
                "plan has {in_plan:?}"
            );
        }
    }

    #[test]
    fn a_batch_plans_people_sessions_final_evidence_one_refresh_per_card_and_an_audit_line() {
        let cases: Vec<(&str, Vec<FinishedSession>, Vec<&str>)> = vec![
            ("nothing to do", vec![], vec![]),
            (
                "an empty mat still counts as a session",
                vec![session("s1", "p", vec![], vec![])],
                vec![
                    "person p",
                    "session s1",
                    "audit 1 finished mat(s), 0 card(s)",
                ],
            ),
            (
                "an undone placement is no evidence",
                vec![session(
                    "s1",
                    "p",
                    vec![
                        placement(1, "tea", 0, "like"),
                        placement(2, "cake", 2, "don't like"),
                        placement(4, "cake", 1, "not sure"),
                    ],
                    vec![UndoRow { seq: 3, undoes: 2 }],
                )],
                vec![
                    "person p",
                    "session s1",
                    "evidence s1 tea View(\"like\")",
                    "evidence s1 cake View(\"not sure\")",
                    "refresh p tea",
                    "refresh p cake",
                    "audit 1 finished mat(s), 2 card(s)",
                ],
            ),
            (
                "a card in two sessions of one batch is refreshed once; a person is added once",
                vec![
                    session("s1", "p", vec![placement(1, "tea", 0, "like")], vec![]),
                    session(
                        "s2",
                        "p",
                        vec![placement(1, "tea", 2, "don't like")],
                        vec![],
                    ),
                ],
                vec![
                    "person p",
                    "session s1",
                    "evidence s1 tea View(\"like\")",
                    "session s2",
                    "evidence s2 tea View(\"don't like\")",
                    "refresh p tea",
                    "audit 2 finished mat(s), 2 card(s)",
                ],
            ),
            (
                "two people are kept apart",
                vec![
                    session("s1", "p", vec![placement(1, "tea", 0, "like")], vec![]),
                    session("s2", "q", vec![placement(1, "tea", 0, "like")], vec![]),
                ],
                vec![
                    "person p",
                    "person q",
                    "session s1",
                    "evidence s1 tea View(\"like\")",
                    "session s2",
                    "evidence s2 tea View(\"like\")",
                    "refresh p tea",
                    "refresh q tea",
                    "audit 2 finished mat(s), 2 card(s)",
                ],
            ),
        ];
        for (case, sessions, expected) in cases {
            assert_eq!(
                shape(&plan_batch(&sessions, "d", at(60))),
                expected,
                "{case}"
            );
        }
    }

    #[test]
    fn skips_are_evidence_too_and_marks_and_spots_travel_with_the_cards() {
        let mut s1 = session(
            "s1",
            "alex",
            vec![placement(2, "cake", 1, "not sure")],
            vec![],
        );
        s1.placements[0].spot = Spot {
            point: 1,
            offset: -30,
        };
        s1.placements[0].helped = true;
        s1.company = Company {
            supporter: Some("Jo".into()),
            helped: true,
        };
        s1.skips = vec![CardActionRow {
            seq: 1,
            card_id: "tea".into(),
            card_label: "tea".into(),
            at: at(1),
        }];
        s1.marks = vec![CardActionRow {
            seq: 3,
            card_id: "cake".into(),
            card_label: "cake".into(),
            at: at(3),
        }];
        let ops = plan_batch(&[s1], "d", at(40));
        let evidence: Vec<&EvidenceRow> = ops
            .iter()
            .filter_map(|op| match op {
                PlanOp::AddEvidence(e) => Some(e),
                _ => None,
            })
            .collect();
        let [cake, tea] = evidence[..] else {
            panic!("{evidence:?}")
        };
        assert_eq!(
            (cake.spot, cake.helped, cake.tell_me_more),
            (
                Some(Spot {
                    point: 1,
                    offset: -30
                }),
                true,
                true
            )
        );
        assert_eq!(
            (tea.spot, &tea.said, tea.placed_seq),
            (None, &Said::Skipped, 1)
        );
        let company = ops.iter().find_map(|op| match op {
            PlanOp::AddSession(row) => Some(row.company.clone()),
            _ => None,
        });
        assert_eq!(company.unwrap().supporter.as_deref(), Some("Jo"));
    }
}
