//! Sync: the journal's finished sessions into the support plan, exactly once.
//!
//! Three steps, as a good sync engine has them:
//! 1. compute the difference: which finished sessions the plan lacks (ids only);
//! 2. plan the writes for a batch of them with a pure function ([`plan_batch`]);
//! 3. execute each batch in one transaction ([`Plan::execute`]).
//!
//! A session's row in `synced_sessions` commits together with its evidence,
//! so a sync cut off at any point leaves whole batches or nothing, and running
//! it again only adds what is still missing. Every write is keyed (session
//! id, card id) and idempotent, so replaying a batch changes nothing. Before
//! the first write, the plan's integrity is checked; a plan that belongs to
//! another home is refused.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tracing::warn;

use super::db::StoreError;
use super::journal::{FinishedSession, Journal, Stream};
use super::plan::{Faults, Plan};
use super::planner::{plan_batch, sessions_to_apply, PlanOp};
use crate::core::time::{correct, may_yet_be_set, ClockMark, Recorded, SinceBoot};
use crate::core::SessionId;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Finished sessions brought into the plan by this run.
    pub sessions: usize,
    /// Cards with new evidence.
    pub placements: usize,
    /// Times a batch found the plan held by another writer and was tried again.
    pub busy_retries: u32,
    /// Finished mats recorded before the clock was set, held back until it is.
    pub waiting_for_clock: usize,
}

#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Sessions per transaction.
    pub batch_size: usize,
    /// Retries of a batch that found the plan locked beyond the busy timeout.
    pub busy_retries: u32,
    /// How long one try waits for another writer before it counts as busy.
    pub busy_timeout: Duration,
    /// This machine's boot and the time since: mats recorded before the
    /// clock was set wait while this boot may still set it.
    pub clock: Option<SinceBoot>,
    /// For crash-safety tests: fail on purpose at this statement.
    #[cfg(feature = "fault-injection")]
    pub fail_at_statement: Option<usize>,
    /// For tests: told the number of each retry after a busy plan.
    #[cfg(feature = "fault-injection")]
    pub on_busy: Option<std::sync::mpsc::Sender<u32>>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            batch_size: 200,
            busy_retries: 3,
            busy_timeout: super::db::BUSY_TIMEOUT,
            clock: None,
            #[cfg(feature = "fault-injection")]
            fail_at_statement: None,
            #[cfg(feature = "fault-injection")]
            on_busy: None,
        }
    }
}

pub fn sync(
    journal: &Journal,
    plan: &mut Plan,
    now: DateTime<Utc>,
) -> Result<SyncReport, StoreError> {
    sync_with(journal, plan, now, &SyncOptions::default())
}

pub fn sync_with(
    journal: &Journal,
    plan: &mut Plan,
    now: DateTime<Utc>,
    options: &SyncOptions,
) -> Result<SyncReport, StoreError> {
    plan.set_busy_timeout(options.busy_timeout)?;
    let mut report = SyncReport::default();
    plan.check_integrity_once()?;
    let fresh_home = uuid::Uuid::now_v7().to_string();
    let journal_home = journal.home_id()?;
    let binding = retrying(options, &mut report, || {
        plan.settle_home(journal_home.as_deref(), &fresh_home)
    })?;
    if binding.bind_journal {
        journal.bind_home(&binding.home)?;
        // Two syncs of this journal at once: both took the plan's home.
        if journal.home_id()?.as_deref() != Some(binding.home.as_str()) {
            return Err(StoreError::DifferentHome {
                plan: plan.path().to_path_buf(),
            });
        }
    }

    let marks = journal.clock_marks()?;
    let waiting_for_clock = options
        .clock
        .as_ref()
        .is_some_and(|now| may_yet_be_set(&marks, now));
    // Only what this device wrote after the plan's mark of it.
    let device = journal.device_id().to_string();
    let from = stream_start(journal, plan, &device, Stream::Finished)?;
    let finished = journal.finished_after(from)?;
    let ids: Vec<&SessionId> = finished.iter().map(|(_, id)| id).collect();
    let in_plan = plan.synced_among(&ids)?;
    let missing = sessions_to_apply(&ids, &in_plan);
    let mut held_back = HashSet::new();

    #[cfg(feature = "fault-injection")]
    let mut faults = Faults::fail_at(options.fail_at_statement);
    #[cfg(not(feature = "fault-injection"))]
    let mut faults = Faults::default();
    for ids in missing.chunks(options.batch_size.max(1)) {
        let mut sessions = Vec::with_capacity(ids.len());
        for &id in ids {
            let Some(mut session) = journal.finished_session(id)? else {
                held_back.insert(id.clone());
                continue;
            };
            if !correct_session_times(&mut session, &marks) && waiting_for_clock {
                report.waiting_for_clock += 1;
                held_back.insert(id.clone());
                continue;
            }
            sessions.push(session);
        }
        let ops = plan_batch(&sessions, journal.device_id(), now);
        let added = retrying(options, &mut report, || plan.execute(&ops, &mut faults))?;
        report.sessions += added;
        report.placements += ops
            .iter()
            .filter(|op| matches!(op, PlanOp::AddEvidence(_)))
            .count();
    }

    let brought_in = finished
        .iter()
        .map(|(row, id)| (*row, id.as_str(), !held_back.contains(id)));
    if let Some((row, key)) = mark_after(brought_in) {
        retrying(options, &mut report, || {
            plan.set_device_mark(&device, Stream::Finished, row, key)
        })?;
    }

    // A mat's picture is drawn just after it is finished, so it may reach
    // the journal after the mat reached the plan; it waits for its mat.
    let from = stream_start(journal, plan, &device, Stream::KeptMats)?;
    let kept = journal.kept_mats_after(from)?;
    let mats: Vec<&SessionId> = kept.iter().map(|(_, id, _)| id).collect();
    let in_plan = plan.synced_among(&mats)?;
    let pictures: Vec<PlanOp> = kept
        .iter()
        .filter(|(_, session, _)| in_plan.contains(session))
        .map(|(_, session_id, picture)| PlanOp::SetMatPicture {
            session_id: session_id.clone(),
            picture: picture.clone(),
        })
        .collect();
    if !pictures.is_empty() {
        retrying(options, &mut report, || {
            plan.execute(&pictures, &mut faults)
        })?;
    }
    let brought_in = kept
        .iter()
        .map(|(row, id, _)| (*row, id.as_str(), in_plan.contains(id)));
    if let Some((row, key)) = mark_after(brought_in) {
        retrying(options, &mut report, || {
            plan.set_device_mark(&device, Stream::KeptMats, row, key)
        })?;
    }

    // Check-ins the plan does not have yet, each with its person.
    let from = stream_start(journal, plan, &device, Stream::CheckIns)?;
    let written = journal.check_ins_after(from)?;
    let mut check_ins = Vec::new();
    for (_, row) in &written {
        if plan.has_check_in(&row.person.id, &row.key)? {
            continue;
        }
        check_ins.push(PlanOp::AddPerson {
            id: row.person.id.clone(),
            name: row.person.name.clone(),
        });
        check_ins.push(PlanOp::AddCheckIn(row.clone()));
    }
    if !check_ins.is_empty() {
        retrying(options, &mut report, || {
            plan.execute(&check_ins, &mut faults)
        })?;
    }
    if let Some((row, last)) = written.last() {
        let key = format!("{} {}", last.person.id, last.key);
        retrying(options, &mut report, || {
            plan.set_device_mark(&device, Stream::CheckIns, *row, &key)
        })?;
    }

    // Mats left part-way, for staff to see, not as evidence.
    let mut partial = journal.partial_mats()?;
    for mat in &mut partial {
        correct_text_time(&mut mat.started_at, &marks);
        correct_text_time(&mut mat.left_at, &marks);
    }
    retrying(options, &mut report, || {
        plan.set_partial_mats(journal.device_id(), &partial, now)
    })?;

    // Down: what staff did about things this device's people said, to tell
    // them; and what another kiosk of the home has told already.
    let people: Vec<_> = journal.people()?.into_iter().map(|p| p.id).collect();
    let news = plan.news_for(&people)?;
    journal.store_news(&news, now)?;
    let waiting: Vec<i64> = journal
        .pending_news()?
        .iter()
        .map(|n| n.action_id)
        .collect();
    journal.settle_news(&plan.answered_news(&waiting)?, now)?;
    Ok(report)
}

/// Where to read a device's journal stream from: just after the plan's
/// mark, when the journal still holds the row the mark names there; else
/// (a journal recovered, restored or new to this plan) from its beginning.
fn stream_start(
    journal: &Journal,
    plan: &Plan,
    device: &str,
    stream: Stream,
) -> Result<i64, StoreError> {
    let Some((row, key)) = plan.device_mark(device, stream)? else {
        return Ok(0);
    };
    Ok(match journal.key_at_row(stream, row)? {
        Some(found) if found == key => row,
        _ => 0,
    })
}

/// Where a device's mark of a stream moves to: the last of the rows (in
/// the order they were written) before the first not in the plan yet
/// (held back until the clock is set, or its mat not there yet).
fn mark_after<'a>(rows: impl Iterator<Item = (i64, &'a str, bool)>) -> Option<(i64, &'a str)> {
    rows.take_while(|(_, _, in_plan)| *in_plan)
        .last()
        .map(|(row, key, _)| (row, key))
}

/// Puts right the times of a mat recorded before the clock was set (see
/// [`crate::core::time::correct`]). False if some could not be put right.
fn correct_session_times(session: &mut FinishedSession, marks: &[ClockMark]) -> bool {
    if marks.iter().all(|m| m.set) {
        return true;
    }
    let mut known = true;
    let mut fix = |at: &mut DateTime<Utc>| {
        let recorded = correct(*at, marks);
        known &= matches!(recorded, Recorded::Known(_));
        *at = recorded.time();
    };
    fix(&mut session.started_at);
    fix(&mut session.finished_at);
    session
        .placements
        .iter_mut()
        .for_each(|p| fix(&mut p.placed_at));
    session.skips.iter_mut().for_each(|s| fix(&mut s.at));
    session.marks.iter_mut().for_each(|m| fix(&mut m.at));
    known
}

/// The same for a time kept as text; text that is not a time stays as it is.
fn correct_text_time(text: &mut String, marks: &[ClockMark]) {
    if marks.iter().all(|m| m.set) {
        return;
    }
    if let Ok(at) = super::parse_timestamp(text) {
        *text = super::timestamp(correct(at, marks).time());
    }
}

/// Why a device cannot join a plan's home.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error(
        "{name} is {device} on this device but {plan} in the plan: give {name} the plan's id in \
         home.toml (or merge them in the plan first, `sayso plan merge-people`), then join again"
    )]
    PersonMismatch {
        name: String,
        device: String,
        plan: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A device that used a plan of its own joins a shared one (`sayso plan
/// join`): its people must match the plan's by id (a person with the same
/// name under another id is refused, never guessed at); then the device
/// moves to the plan's home and its history is synced in, exactly once.
pub fn join(
    journal: &Journal,
    plan: &mut Plan,
    now: DateTime<Utc>,
) -> Result<SyncReport, JoinError> {
    plan.check_integrity_once()?;
    let theirs = plan.people()?;
    for person in journal.people()? {
        if let Some(other) = theirs
            .iter()
            .find(|p| p.name == person.name && p.id != person.id)
        {
            return Err(JoinError::PersonMismatch {
                name: person.name,
                device: person.id.to_string(),
                plan: other.id.to_string(),
            });
        }
    }
    if let (Some(ours), Some(home)) = (journal.home_id()?, plan.home_id()?) {
        if ours != home {
            warn!("this device moves to the shared plan's home");
            journal.move_home(&home)?;
        }
    }
    Ok(sync(journal, plan, now)?)
}

/// Runs one write (a transaction of its own), trying it again with a
/// growing pause while another writer holds the plan past the busy timeout.
fn retrying<T>(
    options: &SyncOptions,
    report: &mut SyncReport,
    mut write: impl FnMut() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut tries = 0;
    loop {
        match write() {
            Err(e) if e.is_busy() && tries < options.busy_retries => {
                tries += 1;
                report.busy_retries += 1;
                warn!("the support plan is busy; trying again ({tries})");
                #[cfg(feature = "fault-injection")]
                if let Some(on_busy) = &options.on_busy {
                    let _ = on_busy.send(tries);
                }
                std::thread::sleep(Duration::from_millis(250 * u64::from(tries)));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::core::Said;
    use crate::core::{Company, InputMethod, PersonRef, Record, Spot};
    use crate::store::journal::{CardActionRow, PlacementRow, UndoRow};
    use crate::store::planner::{decide_home, EvidenceRow, HomeBinding, HomeMismatch};

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
                PlanOp::Audit { detail, .. } => format!("audit {detail}"),
            })
            .collect()
    }

    #[test]
    fn a_mark_moves_past_what_the_plan_has_up_to_the_first_it_has_not() {
        let rows = |in_plan: &[bool]| -> Option<(i64, String)> {
            let keys = ["a", "b", "c"];
            mark_after(
                in_plan
                    .iter()
                    .enumerate()
                    .map(|(i, has)| (i as i64 + 10, keys[i], *has)),
            )
            .map(|(row, key)| (row, key.to_string()))
        };
        assert_eq!(rows(&[true, true, true]), Some((12, "c".into())));
        assert_eq!(
            rows(&[true, false, true]),
            Some((10, "a".into())),
            "held back"
        );
        assert_eq!(rows(&[false, true, true]), None, "nothing moves");
        assert_eq!(rows(&[]), None);
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
                company: Company::default(),
                at,
            },
            Record::Placed {
                session_id: id.into(),
                seq: 1,
                card_id: "tea".into(),
                card_label: "tea".into(),
                spot: Spot::on(point),
                point_label: view.into(),
                at,
                via: InputMethod::Touch,
                response_ms: 900,
                helped: false,
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
        let mut plan = Plan::open_or_create(&dir.path().join("plan.sqlite")).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let person = journal.add_person("Alex", now).unwrap();

        mat_with_tea(&journal, &person, "s1", 1, 0, "like");
        mat_with_tea(&journal, &person, "s2", 3, 0, "like");
        assert_eq!(
            sync(&journal, &mut plan, now).unwrap(),
            SyncReport {
                sessions: 2,
                placements: 2,
                busy_retries: 0,
                waiting_for_clock: 0
            }
        );
        mat_with_tea(&journal, &person, "s3", 10, 2, "don't like");
        assert_eq!(
            sync(&journal, &mut plan, now).unwrap(),
            SyncReport {
                sessions: 1,
                placements: 1,
                busy_retries: 0,
                waiting_for_clock: 0
            }
        );
        assert_eq!(
            sync(&journal, &mut plan, now).unwrap(),
            SyncReport::default()
        );

        let [tea] = &plan.preferences(Some("alex")).unwrap()[..] else {
            panic!("one preference")
        };
        assert_eq!(tea.view.current_view, "don't like");
        assert_eq!(tea.view.changed_from.as_deref(), Some("like"));
        assert_eq!(
            tea.view.changed_until,
            Some(Utc.with_ymd_and_hms(2026, 10, 3, 9, 0, 0).unwrap())
        );
        assert_eq!((tea.view.times_said, tea.view.times_asked), (1, 3));
        assert_eq!(
            tea.view.since,
            Utc.with_ymd_and_hms(2026, 10, 10, 9, 0, 0).unwrap()
        );
    }
}
