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
