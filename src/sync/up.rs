//! The journal's records into the support plan, exactly once, and what
//! comes back down with them (what is told back).
//!
//! Three steps, as a good sync engine has them:
//! 1. compute the difference: which finished sessions the plan lacks (ids only);
//! 2. plan the writes for a batch of them with a pure function
//!    ([`plan_batch`]);
//! 3. execute each batch in one transaction ([`DevicePlan::execute`]).
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

use super::options::{SyncOptions, SyncReport};
use super::planner::{plan_batch, sessions_to_apply};
use crate::core::time::{correct, may_yet_be_set, ClockMark, Recorded};
use crate::core::SessionId;
use crate::store::journal::{FinishedSession, Journal, Stream};
use crate::store::plan::Faults;
use crate::store::{DevicePlan, PlanOp, StoreError};

/// One device's records going into one plan.
pub(super) struct Up<'a> {
    journal: &'a Journal,
    plan: &'a mut dyn DevicePlan,
    options: &'a SyncOptions,
    now: DateTime<Utc>,
    device: String,
    marks: Vec<ClockMark>,
    faults: Faults,
    pub report: SyncReport,
}

impl<'a> Up<'a> {
    /// Settles which home the two belong to; refuses a plan of another home.
    pub fn start(
        journal: &'a Journal,
        plan: &'a mut dyn DevicePlan,
        options: &'a SyncOptions,
        now: DateTime<Utc>,
    ) -> Result<Up<'a>, StoreError> {
        #[cfg(feature = "fault-injection")]
        let faults = Faults::fail_at(options.fail_at_statement);
        #[cfg(not(feature = "fault-injection"))]
        let faults = Faults::default();
        let mut up = Up {
            journal,
            plan,
            options,
            now,
            device: journal.device_id().to_string(),
            marks: journal.clock_marks()?,
            faults,
            report: SyncReport::default(),
        };
        up.plan.check_integrity_once()?;
        up.settle_home()?;
        Ok(up)
    }

    /// Everyone of the device's home goes into the plan before their first
    /// mat, so that a kiosk with a plan of its own lists every resident for
    /// the house's questions as a hub does.
    pub fn people(&mut self) -> Result<(), StoreError> {
        let known: HashSet<_> = self.plan.people()?.into_iter().map(|p| p.id).collect();
        let missing: Vec<PlanOp> = self
            .journal
            .people()?
            .into_iter()
            .filter(|p| !known.contains(&p.id))
            .map(|p| PlanOp::AddPerson {
                id: p.id,
                name: p.name,
            })
            .collect();
        if !missing.is_empty() {
            self.write(|plan, faults| plan.execute(&missing, faults))?;
        }
        Ok(())
    }

    fn settle_home(&mut self) -> Result<(), StoreError> {
        let fresh_home = uuid::Uuid::now_v7().to_string();
        let journal_home = self.journal.home_id()?;
        let binding =
            self.write(|plan, _| plan.settle_home(journal_home.as_deref(), &fresh_home))?;
        if binding.bind_journal {
            self.journal.bind_home(&binding.home)?;
            // Two syncs of this journal at once: both took the plan's home.
            if self.journal.home_id()?.as_deref() != Some(binding.home.as_str()) {
                return Err(StoreError::DifferentHome {
                    plan: self.plan.location().to_path_buf(),
                });
            }
        }
        Ok(())
    }

    /// Finished mats, in batches, each batch one transaction.
    pub fn finished_mats(&mut self) -> Result<(), StoreError> {
        let waiting_for_clock = self
            .options
            .clock
            .as_ref()
            .is_some_and(|now| may_yet_be_set(&self.marks, now));
        // Only what this device wrote after the plan's mark of it.
        let from = self.stream_start(Stream::Finished)?;
        let finished = self.journal.finished_after(from)?;
        let ids: Vec<&SessionId> = finished.iter().map(|(_, id)| id).collect();
        let in_plan = self.plan.synced_among(&ids)?;
        let missing = sessions_to_apply(&ids, &in_plan);
        let mut held_back = HashSet::new();
        for ids in missing.chunks(self.options.batch_size.max(1)) {
            let mut sessions = Vec::with_capacity(ids.len());
            for &id in ids {
                let Some(mut session) = self.journal.finished_session(id)? else {
                    held_back.insert(id.clone());
                    continue;
                };
                if !correct_session_times(&mut session, &self.marks) && waiting_for_clock {
                    self.report.waiting_for_clock += 1;
                    held_back.insert(id.clone());
                    continue;
                }
                sessions.push(session);
            }
            let ops = plan_batch(&sessions, &self.device, self.now);
            let added = self.write(|plan, faults| plan.execute(&ops, faults))?;
            self.report.sessions += added;
            self.report.placements += ops
                .iter()
                .filter(|op| matches!(op, PlanOp::AddEvidence(_)))
                .count();
        }
        let brought_in = finished
            .iter()
            .map(|(row, id)| (*row, id.as_str(), !held_back.contains(id)));
        let mark = mark_after(brought_in);
        self.move_mark(Stream::Finished, mark)?;
        // For the staff screen: what is saved here and not in the plan yet.
        let reached = mark.map_or(from, |(row, _)| row);
        self.journal.note_plan_reached(reached, self.now)
    }

    /// A mat's picture is drawn just after it is finished, so it may reach
    /// the journal after the mat reached the plan; it waits for its mat.
    pub fn kept_mats(&mut self) -> Result<(), StoreError> {
        let from = self.stream_start(Stream::KeptMats)?;
        let kept = self.journal.kept_mats_after(from)?;
        let mats: Vec<&SessionId> = kept.iter().map(|(_, id, _)| id).collect();
        let in_plan = self.plan.synced_among(&mats)?;
        let pictures: Vec<PlanOp> = kept
            .iter()
            .filter(|(_, session, _)| in_plan.contains(session))
            .map(|(_, session_id, picture)| PlanOp::SetMatPicture {
                device_id: self.device.clone(),
                session_id: session_id.clone(),
                picture: picture.clone(),
            })
            .collect();
        if !pictures.is_empty() {
            self.write(|plan, faults| plan.execute(&pictures, faults))?;
        }
        let brought_in = kept
            .iter()
            .map(|(row, id, _)| (*row, id.as_str(), in_plan.contains(id)));
        self.move_mark(Stream::KeptMats, mark_after(brought_in))
    }

    /// Check-ins the plan does not have yet, each with its person.
    pub fn check_ins(&mut self) -> Result<(), StoreError> {
        let from = self.stream_start(Stream::CheckIns)?;
        let written = self.journal.check_ins_after(from)?;
        let mut check_ins = Vec::new();
        for (_, row) in &written {
            if self.plan.has_check_in(&row.person.id, &row.key)? {
                continue;
            }
            check_ins.push(PlanOp::AddPerson {
                id: row.person.id.clone(),
                name: row.person.name.clone(),
            });
            check_ins.push(PlanOp::AddCheckIn(row.clone()));
        }
        if !check_ins.is_empty() {
            self.write(|plan, faults| plan.execute(&check_ins, faults))?;
        }
        let last = written
            .last()
            .map(|(row, last)| (*row, format!("{} {}", last.person.id, last.key)));
        self.move_mark(
            Stream::CheckIns,
            last.as_ref().map(|(row, key)| (*row, key.as_str())),
        )
    }

    /// Where this device's wall clock could be believed, as it recorded it
    /// (the times it sent are put right by them already): kept with the
    /// plan's time of receipt, so a record's time can be checked.
    pub fn clock_marks(&mut self) -> Result<(), StoreError> {
        let from = self.stream_start(Stream::ClockMarks)?;
        let written = self.journal.clock_marks_after(from)?;
        let ops: Vec<PlanOp> = written
            .iter()
            .map(|(_, mark)| PlanOp::AddClockMark {
                device_id: self.device.clone(),
                mark: mark.clone(),
                received_at: self.now,
            })
            .collect();
        if !ops.is_empty() {
            self.write(|plan, faults| plan.execute(&ops, faults))?;
        }
        let last = written
            .last()
            .map(|(row, mark)| (*row, format!("{} {}", mark.boot, mark.boot_ms)));
        self.move_mark(
            Stream::ClockMarks,
            last.as_ref().map(|(row, key)| (*row, key.as_str())),
        )
    }

    /// Mats left part-way, for staff to see, not as evidence.
    pub fn partial_mats(&mut self) -> Result<(), StoreError> {
        let mut partial = self.journal.partial_mats()?;
        for mat in &mut partial {
            correct_text_time(&mut mat.started_at, &self.marks);
            correct_text_time(&mut mat.left_at, &self.marks);
        }
        let (device, now) = (self.device.clone(), self.now);
        self.write(|plan, _| plan.set_partial_mats(&device, &partial, now))
    }

    /// Down: what staff did about things this device's people said, to tell
    /// them; and what another kiosk of the home has told already.
    pub fn told_back(&mut self) -> Result<(), StoreError> {
        let people: Vec<_> = self.journal.people()?.into_iter().map(|p| p.id).collect();
        let told_back = self.plan.told_back_for(&people)?;
        self.journal.store_told_back(&told_back, self.now)?;
        let waiting: Vec<i64> = self
            .journal
            .pending_told_back()?
            .iter()
            .map(|n| n.action_id)
            .collect();
        self.journal
            .settle_told_back(&self.plan.answered_told_back(&waiting)?, self.now)
    }

    /// Where to read a device's journal stream from: just after the plan's
    /// mark, when the journal still holds the row the mark names there; else
    /// (a journal recovered, restored or new to this plan) from its beginning.
    fn stream_start(&self, stream: Stream) -> Result<i64, StoreError> {
        let Some((row, key)) = self.plan.device_mark(&self.device, stream)? else {
            return Ok(0);
        };
        Ok(match self.journal.key_at_row(stream, row)? {
            Some(found) if found == key => row,
            _ => 0,
        })
    }

    fn move_mark(&mut self, stream: Stream, to: Option<(i64, &str)>) -> Result<(), StoreError> {
        let Some((row, key)) = to else {
            return Ok(());
        };
        let device = self.device.clone();
        self.write(|plan, _| plan.set_device_mark(&device, stream, row, key))
    }

    /// Runs one write (a transaction of its own), trying it again with a
    /// growing pause while another writer holds the plan past the busy
    /// timeout.
    fn write<T>(
        &mut self,
        mut write: impl FnMut(&mut dyn DevicePlan, &mut Faults) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut tries = 0;
        loop {
            match write(&mut *self.plan, &mut self.faults) {
                Err(e) if e.is_busy() && tries < self.options.busy_retries => {
                    tries += 1;
                    self.report.busy_retries += 1;
                    warn!("the support plan is busy; trying again ({tries})");
                    #[cfg(feature = "fault-injection")]
                    if let Some(on_busy) = &self.options.on_busy {
                        let _ = on_busy.send(tries);
                    }
                    std::thread::sleep(Duration::from_millis(250 * u64::from(tries)));
                }
                other => return other,
            }
        }
    }
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
    if let Ok(at) = crate::store::parse_timestamp(text) {
        *text = crate::store::timestamp(correct(at, marks).time());
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::core::{Company, InputMethod, PersonRef, Record, Spot};
    use crate::store::ports::StaffPlan;
    use crate::store::Plan;
    use crate::sync::with_plan;

    fn sync(
        journal: &Journal,
        plan: &mut Plan,
        now: DateTime<Utc>,
    ) -> Result<SyncReport, StoreError> {
        with_plan(journal, plan, now, &SyncOptions::default())
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
                ..SyncReport::default()
            }
        );
        mat_with_tea(&journal, &person, "s3", 10, 2, "don't like");
        assert_eq!(
            sync(&journal, &mut plan, now).unwrap(),
            SyncReport {
                sessions: 1,
                placements: 1,
                ..SyncReport::default()
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
