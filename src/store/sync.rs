//! Sync: the journal's finished sessions into the support plan, exactly once.
//!
//! Three steps: read what each side has, decide with a pure function which
//! sessions are missing from the plan, then apply each one in its own
//! transaction. A session's row in `synced_sessions` commits together with its
//! evidence, so a sync cut off at any point leaves whole sessions or none, and
//! running it again only adds what is still missing.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::db::StoreError;
use super::journal::{FinishedSession, Journal};
use super::plan::Plan;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Finished sessions brought into the plan by this run.
    pub sessions: usize,
    /// Cards with new evidence.
    pub placements: usize,
}

pub fn sync(
    journal: &Journal,
    plan: &mut Plan,
    now: DateTime<Utc>,
) -> Result<SyncReport, StoreError> {
    let finished = journal.finished_sessions()?;
    let already = plan.synced_session_ids()?;
    let mut report = SyncReport::default();
    for session in sessions_to_apply(&finished, &already) {
        let added = plan.apply(session, now)?;
        report.sessions += 1;
        report.placements += added;
    }
    Ok(report)
}

/// The finished sessions the plan does not have yet, oldest first.
pub fn sessions_to_apply<'a>(
    finished: &'a [FinishedSession],
    in_plan: &HashSet<String>,
) -> Vec<&'a FinishedSession> {
    let mut missing: Vec<&FinishedSession> = finished
        .iter()
        .filter(|s| !in_plan.contains(&s.id))
        .collect();
    missing.sort_by(|a, b| (a.finished_at, &a.id).cmp(&(b.finished_at, &b.id)));
    missing
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::core::{InputMethod, PersonRef, Record};

    fn finished(id: &str, minute: i64) -> FinishedSession {
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap() + Duration::minutes(minute);
        FinishedSession {
            id: id.into(),
            device_id: "d".into(),
            person: PersonRef {
                id: "p".into(),
                name: "Alex".into(),
            },
            set_id: "demo".into(),
            topic_id: "food".into(),
            topic_title: "Food".into(),
            started_at: at,
            finished_at: at,
            placements: Vec::new(),
            undos: Vec::new(),
        }
    }

    #[test]
    fn only_sessions_missing_from_the_plan_are_applied_oldest_first() {
        let journal = [finished("c", 3), finished("a", 1), finished("b", 2)];
        let cases: [(&[&str], &[&str]); 4] = [
            (&[], &["a", "b", "c"]),
            (&["b"], &["a", "c"]),
            (&["a", "b", "c"], &[]),
            (&["x"], &["a", "b", "c"]),
        ];
        for (in_plan, expected) in cases {
            let in_plan: HashSet<String> = in_plan.iter().map(|s| s.to_string()).collect();
            let applied: Vec<&str> = sessions_to_apply(&journal, &in_plan)
                .iter()
                .map(|s| s.id.as_str())
                .collect();
            assert_eq!(applied, expected, "plan has {in_plan:?}");
        }
    }

    /// Writes one finished mat on which "tea" was placed on `point`.
    fn mat_with_tea(
        journal: &Journal,
        person: &PersonRef,
        id: &str,
        day: u32,
        point: usize,
        view: &str,
    ) {
        let at = Utc.with_ymd_and_hms(2026, 10, day, 9, 0, 0).unwrap();
        let records = [
            Record::Started {
                session_id: id.into(),
                person_id: person.id.clone(),
                set_id: "demo".into(),
                topic_id: "food".into(),
                topic_title: "Food".into(),
                at,
            },
            Record::Placed {
                session_id: id.into(),
                seq: 1,
                card_id: "tea".into(),
                card_label: "tea".into(),
                point,
                point_label: view.into(),
                at,
                via: InputMethod::Touch,
                response_ms: 900,
            },
            Record::Finished {
                session_id: id.into(),
                at,
                via: InputMethod::Touch,
            },
        ];
        for record in &records {
            journal.record(record).unwrap();
        }
    }

    #[test]
    fn a_change_of_view_over_time_is_flagged_and_each_mat_counts_once() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite")).unwrap();
        let mut plan = Plan::open(&dir.path().join("plan.sqlite")).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let person = journal.add_person("Alex", now).unwrap();

        mat_with_tea(&journal, &person, "s1", 1, 0, "like");
        mat_with_tea(&journal, &person, "s2", 3, 0, "like");
        assert_eq!(
            sync(&journal, &mut plan, now).unwrap(),
            SyncReport {
                sessions: 2,
                placements: 2
            }
        );
        mat_with_tea(&journal, &person, "s3", 10, 2, "don't like");
        assert_eq!(
            sync(&journal, &mut plan, now).unwrap(),
            SyncReport {
                sessions: 1,
                placements: 1
            }
        );
        assert_eq!(
            sync(&journal, &mut plan, now).unwrap(),
            SyncReport::default()
        );

        let [tea] = &plan.preferences(Some("alex")).unwrap()[..] else {
            panic!("one preference")
        };
        assert_eq!(tea.current_view, "don't like");
        assert_eq!(tea.changed_from.as_deref(), Some("like"));
        assert_eq!((tea.times_said, tea.times_asked), (1, 3));
        assert_eq!(
            tea.since,
            Utc.with_ymd_and_hms(2026, 10, 10, 9, 0, 0).unwrap()
        );
    }
}
